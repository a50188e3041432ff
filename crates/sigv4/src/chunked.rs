//! aws-chunked bodies (S3 streaming uploads): the chunk signer that follows a seed
//! signature, trailing checksums, and the decoder that checks a received stream.
//!
//! A signed stream is, for a body cut into chunks of `chunk_size` bytes:
//!
//! ```text
//! 10000;chunk-signature=<sig 1>\r\n <65536 bytes> \r\n
//! 400;chunk-signature=<sig 2>\r\n <1024 bytes> \r\n
//! 0;chunk-signature=<final sig>\r\n
//! [x-amz-checksum-crc32c:<base64>\r\n x-amz-trailer-signature:<sig>\r\n]
//! \r\n
//! ```
//!
//! Each chunk signature signs `AWS4-HMAC-SHA256-PAYLOAD`, the date, the scope, the
//! previous signature (the seed signature of the request's headers for the first), the
//! hash of the empty string and the hash of the chunk's data. The trailer signature
//! signs `AWS4-HMAC-SHA256-TRAILER`, the date, the scope, the final chunk's signature and
//! the hash of the trailing headers (`name:value\n`). `STREAMING-UNSIGNED-PAYLOAD-TRAILER`
//! has no signatures: `hex-size\r\n data \r\n`, `0\r\n`, the trailer, `\r\n`.

use std::fmt;

use arrayvec::ArrayString;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::encode::hex_lower;
use crate::error::{ErrorKind, Result};
use crate::key::SigningKey;
use crate::request::Payload;
use crate::sign::{EMPTY_SHA256, SigningSteps};

/// A trailing checksum S3 accepts (`x-amz-checksum-*`), sent as base64 of the
/// big-endian digest.
///
/// ```
/// use sigv4::ChecksumAlgorithm;
/// let alg: ChecksumAlgorithm = "crc32c".parse()?;
/// assert_eq!(alg.header_name(), "x-amz-checksum-crc32c");
/// assert_eq!(alg.encoded_len(), 8);
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChecksumAlgorithm {
    /// CRC-32 (ISO-HDLC, as zlib).
    Crc32,
    /// CRC-32C (Castagnoli).
    Crc32c,
    /// CRC-64/NVME.
    Crc64Nvme,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
}

impl ChecksumAlgorithm {
    /// Every algorithm, in S3's order.
    pub const ALL: [ChecksumAlgorithm; 5] = [
        ChecksumAlgorithm::Crc32,
        ChecksumAlgorithm::Crc32c,
        ChecksumAlgorithm::Crc64Nvme,
        ChecksumAlgorithm::Sha1,
        ChecksumAlgorithm::Sha256,
    ];

    /// The lower-case name: `crc32`, `crc32c`, `crc64nvme`, `sha1`, `sha256`.
    ///
    /// ```
    /// assert_eq!(sigv4::ChecksumAlgorithm::Crc64Nvme.name(), "crc64nvme");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            ChecksumAlgorithm::Crc32 => "crc32",
            ChecksumAlgorithm::Crc32c => "crc32c",
            ChecksumAlgorithm::Crc64Nvme => "crc64nvme",
            ChecksumAlgorithm::Sha1 => "sha1",
            ChecksumAlgorithm::Sha256 => "sha256",
        }
    }

    /// The header (or trailer) that carries it, such as `x-amz-checksum-sha256`.
    ///
    /// ```
    /// assert_eq!(sigv4::ChecksumAlgorithm::Sha256.header_name(), "x-amz-checksum-sha256");
    /// ```
    pub fn header_name(self) -> &'static str {
        match self {
            ChecksumAlgorithm::Crc32 => "x-amz-checksum-crc32",
            ChecksumAlgorithm::Crc32c => "x-amz-checksum-crc32c",
            ChecksumAlgorithm::Crc64Nvme => "x-amz-checksum-crc64nvme",
            ChecksumAlgorithm::Sha1 => "x-amz-checksum-sha1",
            ChecksumAlgorithm::Sha256 => "x-amz-checksum-sha256",
        }
    }

    /// Length of the base64 value.
    ///
    /// ```
    /// assert_eq!(sigv4::ChecksumAlgorithm::Sha1.encoded_len(), 28);
    /// ```
    pub fn encoded_len(self) -> usize {
        let bytes: usize = match self {
            ChecksumAlgorithm::Crc32 | ChecksumAlgorithm::Crc32c => 4,
            ChecksumAlgorithm::Crc64Nvme => 8,
            ChecksumAlgorithm::Sha1 => 20,
            ChecksumAlgorithm::Sha256 => 32,
        };
        bytes.div_ceil(3) * 4
    }
}

impl std::str::FromStr for ChecksumAlgorithm {
    type Err = crate::Error;

    /// Parses a name (any case, with or without the `x-amz-checksum-` prefix).
    fn from_str(text: &str) -> Result<Self> {
        let lower = text.to_ascii_lowercase();
        let name = lower.strip_prefix("x-amz-checksum-").unwrap_or(&lower);
        ChecksumAlgorithm::ALL
            .into_iter()
            .find(|a| a.name() == name)
            .ok_or_else(|| {
                ErrorKind::UnknownChecksumAlgorithm {
                    name: text.to_owned(),
                }
                .into()
            })
    }
}

impl fmt::Display for ChecksumAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A checksum computed a piece at a time.
///
/// ```
/// use sigv4::{Checksum, ChecksumAlgorithm};
/// let mut sum = Checksum::new(ChecksumAlgorithm::Crc32);
/// sum.update(b"Hello ");
/// sum.update(b"world");
/// assert_eq!(sum.finish(), "i9aeUg==");
/// ```
#[derive(Clone)]
pub struct Checksum {
    algorithm: ChecksumAlgorithm,
    state: State,
}

#[derive(Clone)]
enum State {
    Crc(crc_fast::Digest),
    Sha1(sha1::Sha1),
    Sha256(Sha256),
}

impl Checksum {
    /// A checksum of nothing yet.
    ///
    /// ```
    /// let sum = sigv4::Checksum::new(sigv4::ChecksumAlgorithm::Sha256);
    /// assert_eq!(sum.finish(), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    /// ```
    pub fn new(algorithm: ChecksumAlgorithm) -> Self {
        use crc_fast::CrcAlgorithm as C;
        let state = match algorithm {
            ChecksumAlgorithm::Crc32 => State::Crc(crc_fast::Digest::new(C::Crc32IsoHdlc)),
            ChecksumAlgorithm::Crc32c => State::Crc(crc_fast::Digest::new(C::Crc32Iscsi)),
            ChecksumAlgorithm::Crc64Nvme => State::Crc(crc_fast::Digest::new(C::Crc64Nvme)),
            ChecksumAlgorithm::Sha1 => State::Sha1(sha1::Sha1::default()),
            ChecksumAlgorithm::Sha256 => State::Sha256(Sha256::new()),
        };
        Checksum { algorithm, state }
    }

    /// The algorithm.
    ///
    /// ```
    /// use sigv4::{Checksum, ChecksumAlgorithm};
    /// assert_eq!(Checksum::new(ChecksumAlgorithm::Sha1).algorithm(), ChecksumAlgorithm::Sha1);
    /// ```
    pub fn algorithm(&self) -> ChecksumAlgorithm {
        self.algorithm
    }

    /// Adds data.
    ///
    /// ```
    /// let mut sum = sigv4::Checksum::new(sigv4::ChecksumAlgorithm::Crc32c);
    /// sum.update(b"abc");
    /// ```
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.state {
            State::Crc(d) => d.update(data),
            State::Sha1(d) => sha1::Digest::update(d, data),
            State::Sha256(d) => d.update(data),
        }
    }

    /// The base64 value, as sent in `x-amz-checksum-*`.
    ///
    /// ```
    /// let sum = sigv4::Checksum::new(sigv4::ChecksumAlgorithm::Crc64Nvme);
    /// assert_eq!(sum.finish().len(), 12);
    /// ```
    pub fn finish(self) -> String {
        match self.state {
            State::Crc(d) => {
                let value = d.finalize();
                if self.algorithm == ChecksumAlgorithm::Crc64Nvme {
                    BASE64.encode(value.to_be_bytes())
                } else {
                    // CRC-32 values fit in the low 32 bits.
                    BASE64.encode(((value & 0xffff_ffff) as u32).to_be_bytes())
                }
            }
            State::Sha1(d) => BASE64.encode(sha1::Digest::finalize(d)),
            State::Sha256(d) => BASE64.encode(d.finalize()),
        }
    }
}

impl fmt::Debug for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Checksum({})", self.algorithm)
    }
}

/// How an aws-chunked body is framed and signed.
///
/// ```
/// use sigv4::{ChecksumAlgorithm, ChunkedMode, Payload};
/// let mode = ChunkedMode::SignedWithTrailer(ChecksumAlgorithm::Crc32c);
/// assert_eq!(mode.payload(), Payload::StreamingSignedTrailer);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChunkedMode {
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: every chunk signed, no trailer.
    Signed,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: signed chunks, then a signed
    /// trailer holding this checksum.
    SignedWithTrailer(ChecksumAlgorithm),
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: unsigned chunks, then this checksum.
    UnsignedWithTrailer(ChecksumAlgorithm),
}

impl ChunkedMode {
    /// The `x-amz-content-sha256` marker to sign the request's headers with.
    ///
    /// ```
    /// assert_eq!(sigv4::ChunkedMode::Signed.payload(), sigv4::Payload::StreamingSigned);
    /// ```
    pub fn payload(self) -> Payload<'static> {
        match self {
            ChunkedMode::Signed => Payload::StreamingSigned,
            ChunkedMode::SignedWithTrailer(_) => Payload::StreamingSignedTrailer,
            ChunkedMode::UnsignedWithTrailer(_) => Payload::StreamingUnsignedTrailer,
        }
    }

    /// The trailing checksum, if any.
    ///
    /// ```
    /// assert_eq!(sigv4::ChunkedMode::Signed.checksum(), None);
    /// ```
    pub fn checksum(self) -> Option<ChecksumAlgorithm> {
        match self {
            ChunkedMode::Signed => None,
            ChunkedMode::SignedWithTrailer(a) | ChunkedMode::UnsignedWithTrailer(a) => Some(a),
        }
    }

    fn signed(self) -> bool {
        !matches!(self, ChunkedMode::UnsignedWithTrailer(_))
    }
}

/// The smallest chunk S3 accepts (all but the last chunk must be at least this long).
pub const MIN_CHUNK_SIZE: usize = 8 * 1024;
/// The largest chunk this crate makes or accepts by default (16 MiB).
pub const MAX_CHUNK_SIZE: usize = 16 * 1024 * 1024;

const SIGNATURE_FIELD: &str = ";chunk-signature=";
const TRAILER_SIGNATURE: &str = "x-amz-trailer-signature";

/// S3's largest object, and so the largest aws-chunked body: 5 TiB.
const MAX_BODY: u64 = 5 << 40;

/// The shape of an aws-chunked body: its length on the wire and the headers to sign
/// with it.
///
/// ```
/// use sigv4::{ChunkedLayout, ChunkedMode};
/// // The S3 documentation's example: 66,560 bytes in 64 KiB chunks.
/// let layout = ChunkedLayout::new(66_560, 65_536, ChunkedMode::Signed)?;
/// assert_eq!(layout.content_length(), 66_824);
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkedLayout {
    decoded_len: u64,
    chunk_size: usize,
    mode: ChunkedMode,
}

impl ChunkedLayout {
    /// A body of `decoded_len` bytes (at most 5 TiB, S3's largest object) cut into
    /// chunks of `chunk_size` (8 KiB to 16 MiB).
    ///
    /// ```
    /// use sigv4::{ChunkedLayout, ChunkedMode};
    /// assert!(ChunkedLayout::new(10, 100, ChunkedMode::Signed).is_err());
    /// assert!(ChunkedLayout::new(u64::MAX, 65_536, ChunkedMode::Signed).is_err());
    /// ```
    pub fn new(decoded_len: u64, chunk_size: usize, mode: ChunkedMode) -> Result<Self> {
        check_chunk_size(chunk_size)?;
        if decoded_len > MAX_BODY {
            return Err(ErrorKind::BodyTooLarge { bytes: decoded_len }.into());
        }
        Ok(ChunkedLayout {
            decoded_len,
            chunk_size,
            mode,
        })
    }

    /// The body's length on the wire (`Content-Length`).
    ///
    /// ```
    /// use sigv4::{ChecksumAlgorithm, ChunkedLayout, ChunkedMode};
    /// let empty = ChunkedLayout::new(0, 65_536, ChunkedMode::UnsignedWithTrailer(ChecksumAlgorithm::Crc32))?;
    /// assert_eq!(empty.content_length(), "0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n".len() as u64);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn content_length(&self) -> u64 {
        let size = self.chunk_size as u64;
        let (full, rest) = (self.decoded_len / size, self.decoded_len % size);
        let signed = self.mode.signed();
        let chunk = |n: u64| framing_len(n, signed) + n;
        let mut total = full * chunk(size) + if rest > 0 { chunk(rest) } else { 0 };
        total += framing_len(0, signed) - 2; // the final chunk has no data, so one CRLF
        if let Some(alg) = self.mode.checksum() {
            total += (alg.header_name().len() + 1 + alg.encoded_len() + 2) as u64;
            if signed {
                total += (TRAILER_SIGNATURE.len() + 1 + 64 + 2) as u64;
            }
        }
        total + 2
    }

    /// The decoded length (`x-amz-decoded-content-length`).
    ///
    /// ```
    /// let l = sigv4::ChunkedLayout::new(5, 65_536, sigv4::ChunkedMode::Signed)?;
    /// assert_eq!(l.decoded_len(), 5);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn decoded_len(&self) -> u64 {
        self.decoded_len
    }

    /// The chunk size.
    ///
    /// ```
    /// let l = sigv4::ChunkedLayout::new(5, 65_536, sigv4::ChunkedMode::Signed)?;
    /// assert_eq!(l.chunk_size(), 65_536);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn chunk_size(&self) -> usize {
        self.chunk_size
    }

    /// The mode.
    ///
    /// ```
    /// let l = sigv4::ChunkedLayout::new(5, 65_536, sigv4::ChunkedMode::Signed)?;
    /// assert_eq!(l.mode(), sigv4::ChunkedMode::Signed);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn mode(&self) -> ChunkedMode {
        self.mode
    }

    /// The headers the request must carry (and sign): `Content-Encoding: aws-chunked`,
    /// `Content-Length`, `x-amz-decoded-content-length` and, with a trailer,
    /// `x-amz-trailer`. The signer adds `x-amz-content-sha256` from
    /// [`ChunkedMode::payload`].
    ///
    /// ```
    /// let l = sigv4::ChunkedLayout::new(66_560, 65_536, sigv4::ChunkedMode::Signed)?;
    /// let h = l.headers();
    /// assert!(h.contains(&("content-length", "66824".to_string())));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("content-encoding", "aws-chunked".to_owned()),
            ("content-length", self.content_length().to_string()),
            ("x-amz-decoded-content-length", self.decoded_len.to_string()),
        ];
        if let Some(alg) = self.mode.checksum() {
            out.push(("x-amz-trailer", alg.header_name().to_owned()));
        }
        out
    }
}

fn check_chunk_size(size: usize) -> Result<()> {
    let reason = if size < MIN_CHUNK_SIZE {
        "S3 needs chunks of at least 8 KiB (8192 bytes)"
    } else if size > MAX_CHUNK_SIZE {
        "chunks are at most 16 MiB here"
    } else {
        return Ok(());
    };
    Err(ErrorKind::InvalidChunkSize {
        size: size as u64,
        reason,
    }
    .into())
}

/// Bytes of a chunk's framing around `n` bytes of data: the header line and the CRLF.
fn framing_len(n: u64, signed: bool) -> u64 {
    let hex = if n == 0 {
        1
    } else {
        (64 - n.leading_zeros() as u64).div_ceil(4)
    };
    let signature = if signed {
        (SIGNATURE_FIELD.len() + 64) as u64
    } else {
        0
    };
    hex + signature + 2 + 2
}

/// The string-to-sign prefixes shared by the chunks and the trailer of one request.
#[derive(Clone)]
struct Chain {
    key: SigningKey,
    /// `\n<date>\n<scope>\n`.
    date_scope: String,
    /// The previous signature (the seed's, then each chunk's).
    previous: ArrayString<64>,
}

impl Chain {
    fn new(key: SigningKey, seed_signature: &str, amz_date: &str, scope: &str) -> Self {
        let mut previous = ArrayString::new();
        // A seed that is not 64 characters is cut or left short; its signatures then
        // match nothing, which is the right outcome for a wrong seed.
        for c in seed_signature.chars().take(64) {
            if previous.try_push(c).is_err() {
                break;
            }
        }
        Chain {
            key,
            date_scope: format!("\n{amz_date}\n{scope}\n"),
            previous,
        }
    }

    /// Signs a chunk whose data hashes to `hash`, and makes it the previous signature.
    fn chunk(&mut self, hash: &[u8; 32]) -> ArrayString<64> {
        let mut sts = String::with_capacity(256);
        sts.push_str("AWS4-HMAC-SHA256-PAYLOAD");
        sts.push_str(&self.date_scope);
        sts.push_str(&self.previous);
        sts.push('\n');
        sts.push_str(EMPTY_SHA256);
        sts.push('\n');
        sts.push_str(&hex_lower(hash));
        self.previous = hex_lower(&self.key.sign_raw(sts.as_bytes()));
        self.previous
    }

    /// Signs trailing headers given as their canonical text (`name:value\n` each).
    fn trailer(&self, canonical: &str) -> ArrayString<64> {
        let mut sts = String::with_capacity(256);
        sts.push_str("AWS4-HMAC-SHA256-TRAILER");
        sts.push_str(&self.date_scope);
        sts.push_str(&self.previous);
        sts.push('\n');
        sts.push_str(&hex_lower(&crate::sha::sha256(canonical.as_bytes())));
        hex_lower(&self.key.sign_raw(sts.as_bytes()))
    }
}

/// Signs the chunks of an aws-chunked body after the request's seed signature, and
/// writes their framing. The data is never copied: send [`chunk`](Self::chunk)'s
/// header, the data itself, then `\r\n`; at the end, [`finish`](Self::finish).
///
/// ```
/// use sigv4::{ChunkSigner, ChunkedLayout, ChunkedMode, Credentials, Payload, Request, Signer, SigningParams, SigningTime};
/// let body = vec![b'a'; 66_560];
/// let layout = ChunkedLayout::new(body.len() as u64, 65_536, ChunkedMode::Signed)?;
/// let mut headers: Vec<(&str, String)> = layout.headers();
/// headers.push(("x-amz-storage-class", "REDUCED_REDUNDANCY".into()));
/// let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
/// let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")?;
/// let params = SigningParams::new(&creds, "us-east-1", "s3", SigningTime::parse("20130524T000000Z")?)?;
/// let request = Request::new("PUT", "https://s3.amazonaws.com/examplebucket/chunkObject.txt")?
///     .with_headers(&pairs)
///     .with_payload(layout.mode().payload());
/// let signer = Signer::new();
/// let seed = signer.sign(&request, &params)?;
/// assert!(seed.authorization().ends_with("4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"));
/// let mut chunks = ChunkSigner::new(signer.signing_key(&params), seed.steps(), layout.mode());
/// let mut wire = Vec::new();
/// for piece in body.chunks(layout.chunk_size()) {
///     wire.extend_from_slice(chunks.chunk(piece).as_bytes());
///     wire.extend_from_slice(piece);
///     wire.extend_from_slice(b"\r\n");
/// }
/// wire.extend_from_slice(chunks.finish().as_bytes());
/// assert_eq!(wire.len() as u64, layout.content_length());
/// assert!(wire.starts_with(b"10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n"));
/// # Ok::<(), sigv4::Error>(())
/// ```
pub struct ChunkSigner {
    chain: Chain,
    mode: ChunkedMode,
    checksum: Option<Checksum>,
}

impl ChunkSigner {
    /// A signer for the body of the request whose headers `seed` signed (with the
    /// `x-amz-content-sha256` of [`ChunkedMode::payload`]), using that request's key.
    ///
    /// ```
    /// # use sigv4::*;
    /// # let creds = Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = SigningParams::new(&creds, "us-east-1", "s3", SigningTime::parse("20150830T123600Z")?)?;
    /// let signer = Signer::new();
    /// let seed = signer.sign(&Request::new("PUT", "https://b.s3.amazonaws.com/k")?
    ///     .with_payload(Payload::StreamingSigned), &params)?;
    /// let chunks = ChunkSigner::new(signer.signing_key(&params), seed.steps(), ChunkedMode::Signed);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn new(key: SigningKey, seed: &SigningSteps, mode: ChunkedMode) -> Self {
        ChunkSigner {
            chain: Chain::new(
                key,
                seed.signature(),
                seed.amz_date(),
                seed.credential_scope(),
            ),
            mode,
            checksum: mode.checksum().map(Checksum::new),
        }
    }

    /// The header line for the next chunk of `data`, which goes out next, then `\r\n`.
    /// Empty data gives an empty header and sends nothing (the body ends with
    /// [`finish`](Self::finish)).
    ///
    /// ```
    /// # use sigv4::*;
    /// # let creds = Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = SigningParams::new(&creds, "us-east-1", "s3", SigningTime::parse("20150830T123600Z")?)?;
    /// # let signer = Signer::new();
    /// # let seed = signer.sign(&Request::new("PUT", "https://b.s3.amazonaws.com/k")?.with_payload(Payload::StreamingSigned), &params)?;
    /// let mut chunks = ChunkSigner::new(signer.signing_key(&params), seed.steps(), ChunkedMode::Signed);
    /// assert!(chunks.chunk(b"hello").starts_with("5;chunk-signature="));
    /// assert!(chunks.chunk(b"").is_empty());
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn chunk(&mut self, data: &[u8]) -> ArrayString<96> {
        let mut line = ArrayString::new();
        if data.is_empty() {
            return line;
        }
        if let Some(sum) = &mut self.checksum {
            sum.update(data);
        }
        // A usize in hex, a signature and punctuation: under 96 bytes.
        let _ = fmt::Write::write_fmt(&mut line, format_args!("{:x}", data.len()));
        if self.mode.signed() {
            let hash: [u8; 32] = Sha256::digest(data).into();
            let signature = self.chain.chunk(&hash);
            line.push_str(SIGNATURE_FIELD);
            line.push_str(&signature);
        }
        line.push_str("\r\n");
        line
    }

    /// The end of the body: the final empty chunk, the trailer (with its signature in
    /// signed modes) and the closing `\r\n`.
    ///
    /// ```
    /// # use sigv4::*;
    /// # let creds = Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = SigningParams::new(&creds, "us-east-1", "s3", SigningTime::parse("20150830T123600Z")?)?;
    /// # let signer = Signer::new();
    /// # let seed = signer.sign(&Request::new("PUT", "https://b.s3.amazonaws.com/k")?.with_payload(Payload::StreamingUnsignedTrailer), &params)?;
    /// let mode = ChunkedMode::UnsignedWithTrailer(ChecksumAlgorithm::Crc32);
    /// let chunks = ChunkSigner::new(signer.signing_key(&params), seed.steps(), mode);
    /// assert_eq!(chunks.finish(), "0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n");
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn finish(mut self) -> String {
        let mut out = String::with_capacity(256);
        out.push('0');
        if self.mode.signed() {
            let signature = self.chain.chunk(&crate::sha::sha256(b""));
            out.push_str(SIGNATURE_FIELD);
            out.push_str(&signature);
        }
        out.push_str("\r\n");
        if let Some(sum) = self.checksum.take() {
            let header = sum.algorithm().header_name();
            let value = sum.finish();
            out.push_str(header);
            out.push(':');
            out.push_str(&value);
            out.push_str("\r\n");
            if self.mode.signed() {
                let signature = self.chain.trailer(&format!("{header}:{value}\n"));
                out.push_str(TRAILER_SIGNATURE);
                out.push(':');
                out.push_str(&signature);
                out.push_str("\r\n");
            }
        }
        out.push_str("\r\n");
        out
    }

    /// The whole encoded body of `data` in one buffer (for small bodies and tests;
    /// stream with [`chunk`](Self::chunk) otherwise).
    ///
    /// ```
    /// # use sigv4::*;
    /// # let creds = Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = SigningParams::new(&creds, "us-east-1", "s3", SigningTime::parse("20150830T123600Z")?)?;
    /// # let signer = Signer::new();
    /// # let seed = signer.sign(&Request::new("PUT", "https://b.s3.amazonaws.com/k")?.with_payload(Payload::StreamingSigned), &params)?;
    /// let chunks = ChunkSigner::new(signer.signing_key(&params), seed.steps(), ChunkedMode::Signed);
    /// let wire = chunks.encode_all(b"hi", 65_536)?;
    /// assert!(wire.starts_with(b"2;chunk-signature="));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn encode_all(mut self, data: &[u8], chunk_size: usize) -> Result<Vec<u8>> {
        check_chunk_size(chunk_size)?;
        let mut out = Vec::with_capacity(data.len() + data.len() / chunk_size * 100 + 300);
        for piece in data.chunks(chunk_size) {
            out.extend_from_slice(self.chunk(piece).as_bytes());
            out.extend_from_slice(piece);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(self.finish().as_bytes());
        Ok(out)
    }
}

impl fmt::Debug for ChunkSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChunkSigner({:?}, key <redacted>)", self.mode)
    }
}

/// What a [`ChunkedDecoder`] checks signatures with: the request's signing key and seed
/// signature, its date and scope.
///
/// ```
/// let key = sigv4::SigningKey::derive("secret", "20130524", "us-east-1", "s3");
/// let v = sigv4::ChunkVerifier::new(key, "4f232c43…", "20130524T000000Z", "20130524/us-east-1/s3/aws4_request");
/// ```
#[derive(Clone)]
pub struct ChunkVerifier {
    chain: Chain,
}

impl ChunkVerifier {
    /// From the key and the seed request's signature, `X-Amz-Date` and credential scope.
    ///
    /// ```
    /// # let key = sigv4::SigningKey::derive("secret", "20130524", "us-east-1", "s3");
    /// let v = sigv4::ChunkVerifier::new(key, "0000", "20130524T000000Z", "20130524/us-east-1/s3/aws4_request");
    /// ```
    pub fn new(key: SigningKey, seed_signature: &str, amz_date: &str, scope: &str) -> Self {
        ChunkVerifier {
            chain: Chain::new(key, seed_signature, amz_date, scope),
        }
    }

    /// From a seed request signed here (or recomputed by a verifier).
    ///
    /// ```
    /// # use sigv4::*;
    /// # let creds = Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = SigningParams::new(&creds, "us-east-1", "s3", SigningTime::parse("20150830T123600Z")?)?;
    /// # let signer = Signer::new();
    /// # let seed = signer.sign(&Request::new("PUT", "https://b.s3.amazonaws.com/k")?.with_payload(Payload::StreamingSigned), &params)?;
    /// let v = ChunkVerifier::from_steps(signer.signing_key(&params), seed.steps());
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn from_steps(key: SigningKey, seed: &SigningSteps) -> Self {
        Self::new(
            key,
            seed.signature(),
            seed.amz_date(),
            seed.credential_scope(),
        )
    }
}

impl fmt::Debug for ChunkVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChunkVerifier(<redacted>)")
    }
}

/// Limits a [`ChunkedDecoder`] enforces on what it receives.
///
/// ```
/// let mut limits = sigv4::ChunkedLimits::default();
/// limits.max_chunk_size = 1 << 20;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChunkedLimits {
    /// The longest chunk header or trailer line, without its CRLF (default 1 KiB).
    pub max_line: usize,
    /// The largest chunk (default 16 MiB).
    pub max_chunk_size: u64,
    /// The most trailer bytes (default 16 KiB).
    pub max_trailer: usize,
    /// Accept only canonical framing: lower-case hex sizes and CRLF-ended trailer lines,
    /// so that no byte of a body can change unnoticed. Off by default, as S3 also takes
    /// upper-case sizes (aws-sdk-rust writes them) and trailer lines ended by a bare LF
    /// (AWS's user guide shows them); a size is a number either way.
    pub canonical_only: bool,
}

impl Default for ChunkedLimits {
    fn default() -> Self {
        ChunkedLimits {
            max_line: 1024,
            max_chunk_size: MAX_CHUNK_SIZE as u64,
            max_trailer: 16 * 1024,
            canonical_only: false,
        }
    }
}

/// Where the decoder is in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Reading a chunk header line.
    Header,
    /// Inside a chunk's data, with this many bytes left.
    Data(u64),
    /// After a chunk's data: its CRLF, with this many bytes of it seen.
    DataEnd(u8),
    /// Reading trailer lines (the empty line ends them).
    Trailer,
    /// The body has ended.
    Done,
}

/// What a finished stream held.
///
/// ```
/// let mut d = sigv4::ChunkedDecoder::new(sigv4::ChunkedMode::UnsignedWithTrailer(sigv4::ChecksumAlgorithm::Crc32), None);
/// d.feed(b"0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", |_| {})?;
/// let decoded: sigv4::Decoded = d.finish()?;
/// assert_eq!(decoded.checksum, Some(("x-amz-checksum-crc32", "AAAAAA==".to_string())));
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decoded {
    /// The decoded data's length.
    pub decoded_len: u64,
    /// The number of chunks with data.
    pub chunks: u64,
    /// The trailing checksum, as (header, base64 value), checked against the data.
    pub checksum: Option<(&'static str, String)>,
}

/// Decodes and checks an aws-chunked body as it arrives: the framing, each chunk's
/// signature (with a [`ChunkVerifier`]), the trailer's signature and the trailing
/// checksum. Data is handed out as slices of the input, never copied. As S3 does, it
/// takes hex sizes in either case and trailer lines ended by a bare LF;
/// [`ChunkedLimits::canonical_only`] takes only the canonical framing (lower-case sizes,
/// CRLF lines), so that no byte of an encoded body can change unrefused.
///
/// ```
/// use sigv4::{ChunkedDecoder, ChunkedMode};
/// let mut decoder = ChunkedDecoder::new(ChunkedMode::Signed, None);
/// let mut data = Vec::new();
/// decoder.feed(b"3;chunk-signature=", |d| data.extend_from_slice(d))?;
/// # Ok::<(), sigv4::Error>(())
/// ```
pub struct ChunkedDecoder {
    mode: ChunkedMode,
    verifier: Option<Chain>,
    limits: ChunkedLimits,
    expected_len: Option<u64>,
    checksum: Option<Checksum>,
    stage: Stage,
    line: Vec<u8>,
    /// The current chunk: where its header started, its index, its data's hash, its
    /// declared signature.
    chunk_start: u64,
    chunk_index: u64,
    chunk_hash: Sha256,
    chunk_signature: ArrayString<64>,
    offset: u64,
    decoded: u64,
    trailer_start: u64,
    trailer_bytes: usize,
    trailers: Vec<(String, String)>,
}

impl ChunkedDecoder {
    /// A decoder for a body in `mode`; with a `verifier`, chunk and trailer signatures
    /// are checked (without one, only the framing and the checksum).
    ///
    /// ```
    /// let d = sigv4::ChunkedDecoder::new(sigv4::ChunkedMode::Signed, None);
    /// ```
    pub fn new(mode: ChunkedMode, verifier: Option<ChunkVerifier>) -> Self {
        ChunkedDecoder {
            mode,
            verifier: verifier.map(|v| v.chain),
            limits: ChunkedLimits::default(),
            expected_len: None,
            checksum: mode.checksum().map(Checksum::new),
            stage: Stage::Header,
            line: Vec::new(),
            chunk_start: 0,
            chunk_index: 0,
            chunk_hash: Sha256::new(),
            chunk_signature: ArrayString::new(),
            offset: 0,
            decoded: 0,
            trailer_start: 0,
            trailer_bytes: 0,
            trailers: Vec::new(),
        }
    }

    /// The same decoder with these limits.
    ///
    /// ```
    /// let d = sigv4::ChunkedDecoder::new(sigv4::ChunkedMode::Signed, None)
    ///     .with_limits(sigv4::ChunkedLimits::default());
    /// ```
    #[must_use]
    pub fn with_limits(mut self, limits: ChunkedLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The same decoder, requiring this decoded length (`x-amz-decoded-content-length`).
    ///
    /// ```
    /// let d = sigv4::ChunkedDecoder::new(sigv4::ChunkedMode::Signed, None).with_decoded_len(66_560);
    /// ```
    #[must_use]
    pub fn with_decoded_len(mut self, len: u64) -> Self {
        self.expected_len = Some(len);
        self
    }

    fn malformed<T>(&self, at: u64, reason: &'static str) -> Result<T> {
        Err(ErrorKind::MalformedChunkedBody { offset: at, reason }.into())
    }

    /// Decodes the next bytes of the body, handing each piece of data to `data`.
    ///
    /// ```
    /// # use sigv4::*;
    /// let mut d = ChunkedDecoder::new(ChunkedMode::UnsignedWithTrailer(ChecksumAlgorithm::Crc32), None);
    /// let mut out = Vec::new();
    /// d.feed(b"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n", |piece| out.extend_from_slice(piece))?;
    /// assert_eq!(out, b"hello");
    /// assert_eq!(d.finish()?.decoded_len, 5);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn feed<'i>(&mut self, input: &'i [u8], mut data: impl FnMut(&'i [u8])) -> Result<()> {
        let mut i = 0;
        while i < input.len() {
            match self.stage {
                Stage::Done => {
                    return self.malformed(self.offset, "bytes after the end of the body");
                }
                Stage::Data(left) => {
                    let take = (input.len() - i).min(usize::try_from(left).unwrap_or(usize::MAX));
                    let piece = &input[i..i + take];
                    if self.mode.signed() && self.verifier.is_some() {
                        self.chunk_hash.update(piece);
                    }
                    if let Some(sum) = &mut self.checksum {
                        sum.update(piece);
                    }
                    data(piece);
                    i += take;
                    self.offset += take as u64;
                    self.decoded += take as u64;
                    let left = left - take as u64;
                    self.stage = if left == 0 {
                        Stage::DataEnd(0)
                    } else {
                        Stage::Data(left)
                    };
                }
                Stage::DataEnd(seen) => {
                    let want = if seen == 0 { b'\r' } else { b'\n' };
                    if input[i] != want {
                        return self.malformed(self.offset, "a chunk's data must end with CRLF");
                    }
                    i += 1;
                    self.offset += 1;
                    if seen == 0 {
                        self.stage = Stage::DataEnd(1);
                    } else {
                        self.end_chunk()?;
                        self.stage = Stage::Header;
                    }
                }
                Stage::Header | Stage::Trailer => {
                    let rest = &input[i..];
                    let (piece, complete) = match memchr::memchr(b'\n', rest) {
                        Some(at) => (&rest[..=at], true),
                        None => (rest, false),
                    };
                    let line_start = self.offset - self.line.len() as u64;
                    if self.line.len() + piece.len() > self.limits.max_line + 2 {
                        return self
                            .malformed(line_start, "a chunk header or trailer line is too long");
                    }
                    self.line.extend_from_slice(piece);
                    i += piece.len();
                    self.offset += piece.len() as u64;
                    if self.stage == Stage::Trailer {
                        self.trailer_bytes += piece.len();
                        if self.trailer_bytes > self.limits.max_trailer {
                            return self.malformed(self.trailer_start, "the trailer is too long");
                        }
                    }
                    if complete {
                        let line = std::mem::take(&mut self.line);
                        let lf_only = self.stage == Stage::Trailer && !self.limits.canonical_only;
                        let text = match line.strip_suffix(b"\r\n") {
                            Some(text) => text,
                            None if lf_only => &line[..line.len() - 1],
                            None => return self.malformed(line_start, "a line must end with CRLF"),
                        };
                        if self.stage == Stage::Header {
                            self.header_line(text, line_start)?;
                        } else {
                            self.trailer_line(text, line_start)?;
                        }
                        self.line = line;
                        self.line.clear();
                    }
                }
            }
        }
        Ok(())
    }

    fn header_line(&mut self, text: &[u8], at: u64) -> Result<()> {
        let (size_text, rest) = match memchr::memchr(b';', text) {
            Some(semi) => (&text[..semi], &text[semi..]),
            None => (text, &[][..]),
        };
        let strict = self.limits.canonical_only;
        let digit = |c: &u8| {
            c.is_ascii_digit()
                || (b'a'..=b'f').contains(c)
                || (!strict && (b'A'..=b'F').contains(c))
        };
        let canonical_hex = !size_text.is_empty()
            && size_text.len() <= 16
            && size_text.iter().all(digit)
            && (size_text == b"0" || size_text[0] != b'0');
        if !canonical_hex {
            return self.malformed(at, "a chunk size is hex digits without leading zeros");
        }
        let size = size_text.iter().fold(0u64, |n, &c| {
            (n << 4) | u64::from(crate::encode::hex_val(c).unwrap_or(0))
        });
        if size > self.limits.max_chunk_size {
            return self.malformed(at, "a chunk is larger than the limit");
        }
        if self.mode.signed() {
            let Some(sig) = rest.strip_prefix(SIGNATURE_FIELD.as_bytes()) else {
                return self.malformed(at, "a chunk header lacks ';chunk-signature='");
            };
            let lower_hex = |s: &[u8]| {
                s.len() == 64
                    && s.iter()
                        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
            };
            if !lower_hex(sig) {
                return self.malformed(at, "a chunk signature is 64 lower-case hex digits");
            }
            self.chunk_signature.clear();
            for &c in sig {
                self.chunk_signature.push(char::from(c));
            }
        } else if !rest.is_empty() {
            return self.malformed(at, "an unsigned chunk header has only its size");
        }
        self.chunk_start = at;
        if size == 0 {
            self.end_chunk()?;
            self.trailer_start = self.offset;
            self.stage = Stage::Trailer;
        } else {
            self.stage = Stage::Data(size);
        }
        Ok(())
    }

    /// Checks the chunk just read (its data hashed as it came).
    fn end_chunk(&mut self) -> Result<()> {
        let hash: [u8; 32] = std::mem::take(&mut self.chunk_hash).finalize().into();
        if self.mode.signed()
            && let Some(chain) = &mut self.verifier
        {
            let expected = chain.chunk(&hash);
            if !bool::from(expected.as_bytes().ct_eq(self.chunk_signature.as_bytes())) {
                return Err(ErrorKind::ChunkSignatureMismatch {
                    chunk: self.chunk_index,
                    offset: self.chunk_start,
                }
                .into());
            }
        }
        self.chunk_index += 1;
        Ok(())
    }

    fn trailer_line(&mut self, text: &[u8], at: u64) -> Result<()> {
        if text.is_empty() {
            return self.end_trailer();
        }
        let Some(colon) = memchr::memchr(b':', text) else {
            return self.malformed(at, "a trailer line is 'name:value'");
        };
        let (Ok(name), Ok(value)) = (
            std::str::from_utf8(&text[..colon]),
            std::str::from_utf8(&text[colon + 1..]),
        ) else {
            return self.malformed(at, "a trailer line is ASCII text");
        };
        if self.trailers.len() >= 8 {
            return self.malformed(at, "too many trailer lines");
        }
        self.trailers.push((name.to_owned(), value.to_owned()));
        Ok(())
    }

    fn end_trailer(&mut self) -> Result<()> {
        let trailers = std::mem::take(&mut self.trailers);
        let expected_name = self.mode.checksum().map(ChecksumAlgorithm::header_name);
        let mut checksum_sent = None;
        let mut signature = None;
        for (name, value) in &trailers {
            if Some(name.as_str()) == expected_name && checksum_sent.is_none() {
                checksum_sent = Some(value.as_str());
            } else if name == TRAILER_SIGNATURE && self.mode.signed() && signature.is_none() {
                signature = Some(value.as_str());
            } else {
                return self.malformed(self.trailer_start, "an unexpected or repeated trailer");
            }
        }
        // The signature comes last, after what it signs.
        if signature.is_some()
            && trailers.last().map(|(n, _)| n.as_str()) != Some(TRAILER_SIGNATURE)
        {
            return self.malformed(
                self.trailer_start,
                "x-amz-trailer-signature must be the last trailer",
            );
        }
        let checksum = match (expected_name, checksum_sent) {
            (Some(header), Some(sent)) => Some((header, sent.to_owned())),
            (Some(_), None) => {
                return self.malformed(
                    self.trailer_start,
                    "the trailer lacks the checksum x-amz-trailer names",
                );
            }
            (None, _) => None,
        };
        if let (Some((header, sent)), true) = (&checksum, self.mode.signed()) {
            let Some(signature) = signature else {
                return self.malformed(
                    self.trailer_start,
                    "the trailer lacks x-amz-trailer-signature",
                );
            };
            if let Some(chain) = &self.verifier {
                let expected = chain.trailer(&format!("{header}:{sent}\n"));
                if !bool::from(expected.as_bytes().ct_eq(signature.as_bytes())) {
                    return Err(ErrorKind::TrailerSignatureMismatch {
                        offset: self.trailer_start,
                    }
                    .into());
                }
            }
        }
        if let (Some(sum), Some((header, sent))) = (self.checksum.take(), &checksum) {
            let computed = sum.finish();
            if !bool::from(computed.as_bytes().ct_eq(sent.as_bytes())) {
                return Err(ErrorKind::ChecksumMismatch {
                    header,
                    sent: sent.clone(),
                    computed,
                }
                .into());
            }
        }
        self.trailers = checksum
            .map(|(h, v)| vec![(h.to_owned(), v)])
            .unwrap_or_default();
        self.stage = Stage::Done;
        Ok(())
    }

    /// Ends the stream: it must have reached its end, with the declared length.
    ///
    /// ```
    /// let d = sigv4::ChunkedDecoder::new(sigv4::ChunkedMode::Signed, None);
    /// assert!(d.finish().is_err()); // nothing was received
    /// ```
    pub fn finish(self) -> Result<Decoded> {
        if self.stage != Stage::Done {
            return self.malformed(
                self.offset,
                "the body ends before its final chunk and closing CRLF",
            );
        }
        if let Some(declared) = self.expected_len
            && declared != self.decoded
        {
            return Err(ErrorKind::DecodedLengthMismatch {
                declared,
                actual: self.decoded,
            }
            .into());
        }
        let checksum = self.trailers.into_iter().next().and_then(|(h, v)| {
            ChecksumAlgorithm::ALL
                .into_iter()
                .find(|a| a.header_name() == h)
                .map(|a| (a.header_name(), v))
        });
        Ok(Decoded {
            decoded_len: self.decoded,
            chunks: self.chunk_index.saturating_sub(1),
            checksum,
        })
    }
}

impl fmt::Debug for ChunkedDecoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkedDecoder")
            .field("mode", &self.mode)
            .field("stage", &self.stage)
            .field("offset", &self.offset)
            .field("decoded", &self.decoded)
            .finish_non_exhaustive()
    }
}
