//! aws-chunked bodies: the S3 documentation's published chunked-upload example byte for
//! byte, and property tests (any body and chunk size round-trips through encode, decode
//! and verify, fed in any pieces; every single-byte change to an encoded body is refused).

use sigv4::{
    ChecksumAlgorithm, ChunkSigner, ChunkVerifier, ChunkedDecoder, ChunkedLayout, ChunkedLimits,
    ChunkedMode, Credentials, ErrorKind, Request, Signer, SigningParams, SigningTime,
};

const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// Signs the seed request of the S3 documentation's examples for a body of `len` bytes
/// and returns the encoded body and the verifier for it.
fn s3_example(
    body: &[u8],
    chunk: usize,
    mode: ChunkedMode,
    storage_class: bool,
) -> (String, Vec<u8>, ChunkVerifier) {
    let layout = ChunkedLayout::new(body.len() as u64, chunk, mode).expect("layout");
    let mut headers = layout.headers();
    // The trailer example's published canonical request does not sign Content-Length.
    if mode != ChunkedMode::Signed && storage_class {
        headers.retain(|(n, _)| *n != "content-length");
    }
    if storage_class {
        headers.push(("x-amz-storage-class", "REDUCED_REDUNDANCY".into()));
    }
    let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let creds = Credentials::new(ACCESS_KEY, SECRET).expect("creds");
    let time = SigningTime::parse("20130524T000000Z").expect("time");
    let params = SigningParams::new(&creds, "us-east-1", "s3", time).expect("params");
    let request = Request::new(
        "PUT",
        "https://s3.amazonaws.com/examplebucket/chunkObject.txt",
    )
    .expect("request")
    .with_headers(&pairs)
    .with_payload(mode.payload());
    let signer = Signer::new();
    let seed = signer.sign(&request, &params).expect("seed");
    let key = signer.signing_key(&params);
    let wire = ChunkSigner::new(key.clone(), seed.steps(), mode)
        .encode_all(body, chunk)
        .expect("encode");
    assert_eq!(wire.len() as u64, layout.content_length(), "Content-Length");
    let verifier = ChunkVerifier::from_steps(key, seed.steps());
    (seed.steps().signature().to_owned(), wire, verifier)
}

/// A published example's body: 66,560 bytes of 'a' in a 64 KiB and a 1 KiB chunk, then
/// the final chunk, with the page's three chunk signatures, then `trailer`.
fn published(signatures: [&str; 3], trailer: &[u8]) -> Vec<u8> {
    let mut wire = Vec::new();
    for (size, signature) in [0x10000, 0x400, 0].into_iter().zip(signatures) {
        wire.extend_from_slice(format!("{size:x};chunk-signature={signature}\r\n").as_bytes());
        wire.extend(std::iter::repeat_n(b'a', size));
        if size > 0 {
            wire.extend_from_slice(b"\r\n");
        }
    }
    wire.extend_from_slice(trailer);
    wire.extend_from_slice(b"\r\n");
    wire
}

/// The chunked-upload example's body.
fn published_body() -> Vec<u8> {
    published(
        [
            "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
            "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
        ],
        b"",
    )
}

/// The trailing-checksum example's body (CRC32C `sOO8/Q==`).
fn published_trailer_body() -> Vec<u8> {
    published(
        [
            "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
            "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
            "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
        ],
        b"x-amz-checksum-crc32c:sOO8/Q==\r\n\
          x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n",
    )
}

/// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html: PUT of 66,560
/// bytes of 'a' in 64 KiB chunks with x-amz-storage-class REDUCED_REDUNDANCY.
#[test]
fn s3_documentation_chunked_upload_example() {
    let body = vec![b'a'; 66_560];
    let (seed, wire, verifier) = s3_example(&body, 65_536, ChunkedMode::Signed, true);
    assert_eq!(
        seed,
        "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
    );
    assert_eq!(wire.len(), 66_824);
    let expected = published_body();
    assert!(
        wire == expected,
        "the encoded body differs from the published one"
    );
    let mut decoder =
        ChunkedDecoder::new(ChunkedMode::Signed, Some(verifier)).with_decoded_len(66_560);
    let mut out = Vec::new();
    decoder
        .feed(&wire, |d| out.extend_from_slice(d))
        .expect("verifies");
    let decoded = decoder.finish().expect("complete");
    assert_eq!((decoded.decoded_len, decoded.chunks), (66_560, 2));
    assert_eq!(out, body);
}

/// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html: the
/// same body with a CRC32C trailer (`sOO8/Q==`). The page's Content-Length (66824) is
/// copied from the other example; the body it describes is 66946 bytes, as the AWS SDK
/// for Rust's test of this example also has.
#[test]
fn s3_documentation_trailing_checksum_example() {
    let body = vec![b'a'; 66_560];
    let mode = ChunkedMode::SignedWithTrailer(ChecksumAlgorithm::Crc32c);
    let (seed, wire, verifier) = s3_example(&body, 65_536, mode, true);
    assert_eq!(
        seed,
        "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
    );
    let expected = published_trailer_body();
    assert_eq!(wire.len(), 66_946);
    assert!(
        wire == expected,
        "the encoded body differs from the published one"
    );
    let mut decoder = ChunkedDecoder::new(mode, Some(verifier)).with_decoded_len(66_560);
    let mut out = Vec::new();
    decoder
        .feed(&wire, |d| out.extend_from_slice(d))
        .expect("verifies");
    let decoded = decoder.finish().expect("complete");
    assert_eq!(
        decoded.checksum,
        Some(("x-amz-checksum-crc32c", "sOO8/Q==".to_owned()))
    );
    assert_eq!(out, body);
}

/// Published checksums of "Hello world" (AWS SDK tests) and of the example's body.
#[test]
fn published_checksum_values() {
    let want = [
        (ChecksumAlgorithm::Crc32, "i9aeUg=="),
        (ChecksumAlgorithm::Crc32c, "crUfeA=="),
        (ChecksumAlgorithm::Crc64Nvme, "OOJZ0D8xKts="),
        (ChecksumAlgorithm::Sha1, "e1AsOh9IyGCa4hLN+2Od7jlnP14="),
        (
            ChecksumAlgorithm::Sha256,
            "ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=",
        ),
    ];
    for (alg, value) in want {
        let mut sum = sigv4::Checksum::new(alg);
        sum.update(b"Hello ");
        sum.update(b"world");
        assert_eq!(sum.finish(), value, "{alg}");
        assert_eq!(value.len(), alg.encoded_len());
    }
    let mut sum = sigv4::Checksum::new(ChecksumAlgorithm::Crc32c);
    sum.update(&[b'a'; 66_560]);
    assert_eq!(sum.finish(), "sOO8/Q==");
}

/// The AWS SDK for Rust's own bytes for an unsigned trailer body (upper-case hex sizes),
/// which the default decoder takes and canonical-only refuses.
#[test]
fn accepts_the_aws_sdk_for_rusts_unsigned_framing() {
    let mode = ChunkedMode::UnsignedWithTrailer(ChecksumAlgorithm::Crc32);
    let wire = b"A\r\n1234567890\r\nA\r\n1234567890\r\n5\r\n12345\r\n0\r\nx-amz-checksum-crc32:78DeVw==\r\n\r\n";
    let mut out = Vec::new();
    let mut decoder = ChunkedDecoder::new(mode, None);
    decoder
        .feed(wire, |d| out.extend_from_slice(d))
        .expect("default: S3's leniency");
    decoder.finish().expect("complete");
    assert_eq!(out, b"1234567890123456789012345");
    let mut strict = ChunkedLimits::default();
    strict.canonical_only = true;
    let mut decoder = ChunkedDecoder::new(mode, None).with_limits(strict);
    assert!(
        decoder.feed(wire, |_| {}).is_err(),
        "canonical only: upper-case hex refused"
    );
    // botocore's and the Go SDK's form (lower case) is canonical.
    let wire = b"b\r\nHello world\r\n0\r\nx-amz-checksum-crc32:i9aeUg==\r\n\r\n";
    let mut decoder = ChunkedDecoder::new(mode, None).with_limits(strict);
    decoder.feed(wire, |_| {}).expect("lower case");
    assert_eq!(decoder.finish().expect("complete").decoded_len, 11);
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn modes() -> Vec<ChunkedMode> {
    let mut out = vec![ChunkedMode::Signed];
    for alg in ChecksumAlgorithm::ALL {
        out.push(ChunkedMode::SignedWithTrailer(alg));
        out.push(ChunkedMode::UnsignedWithTrailer(alg));
    }
    out
}

/// Decodes `wire` fed in pieces cut at `cuts`, returning the data or the error.
fn decode(
    wire: &[u8],
    mode: ChunkedMode,
    verifier: &ChunkVerifier,
    len: usize,
    cuts: &[usize],
) -> sigv4::Result<Vec<u8>> {
    decode_with(wire, mode, verifier, len, cuts, ChunkedLimits::default())
}

fn decode_with(
    wire: &[u8],
    mode: ChunkedMode,
    verifier: &ChunkVerifier,
    len: usize,
    cuts: &[usize],
    limits: ChunkedLimits,
) -> sigv4::Result<Vec<u8>> {
    let mut decoder = ChunkedDecoder::new(mode, Some(verifier.clone()))
        .with_decoded_len(len as u64)
        .with_limits(limits);
    let mut out = Vec::new();
    let mut start = 0;
    for &cut in cuts.iter().chain(std::iter::once(&wire.len())) {
        let cut = cut.clamp(start, wire.len());
        decoder.feed(&wire[start..cut], |d| out.extend_from_slice(d))?;
        start = cut;
    }
    decoder.finish()?;
    Ok(out)
}

#[test]
fn any_body_and_chunk_size_round_trips_in_any_pieces() {
    let mut rng = Rng(0x5167_7634_2026_1123);
    let mut cases = 0;
    for mode in modes() {
        for _ in 0..12 {
            let chunk = 8192 + rng.below(12_000) as usize;
            let len = match rng.below(4) {
                0 => rng.below(3) as usize,
                1 => chunk * (1 + rng.below(3) as usize),
                _ => rng.below(50_000) as usize,
            };
            let body = rng.bytes(len);
            let (_, wire, verifier) = s3_example(&body, chunk, mode, false);
            let mut cuts: Vec<usize> = (0..rng.below(20))
                .map(|_| rng.below(wire.len() as u64 + 1) as usize)
                .collect();
            cuts.sort_unstable();
            let out = decode(&wire, mode, &verifier, len, &cuts)
                .unwrap_or_else(|e| panic!("{mode:?}, {len} bytes in chunks of {chunk}: {e}"));
            assert_eq!(out, body, "{mode:?}, {len} bytes in chunks of {chunk}");
            // Fed a byte at a time too.
            if len < 20_000 {
                let all: Vec<usize> = (1..wire.len()).collect();
                assert_eq!(
                    decode(&wire, mode, &verifier, len, &all).expect("byte by byte"),
                    body
                );
            }
            cases += 1;
        }
    }
    println!(
        "chunked round trip: {cases} bodies in {} modes",
        modes().len()
    );
}

#[test]
fn every_single_byte_change_is_refused() {
    let mut rng = Rng(0x0bad_c0de_2026_1123);
    let mut mutations = 0u64;
    for mode in modes() {
        // Two chunks (the second short), so that every kind of line is present.
        let len = 8192 + 1 + rng.below(100) as usize;
        let body = rng.bytes(len);
        let (_, wire, verifier) = s3_example(&body, 8192, mode, false);
        assert_eq!(
            decode(&wire, mode, &verifier, len, &[]).expect("intact"),
            body
        );
        let mut strict = ChunkedLimits::default();
        strict.canonical_only = true;
        // Where the chunk sizes are (the start of each header line).
        let size_digits: Vec<usize> = header_size_positions(&wire);
        for at in 0..wire.len() {
            for flip in [0x01u8, 0x20, 0x80] {
                let mut bad = wire.clone();
                bad[at] ^= flip;
                let result = decode_with(&bad, mode, &verifier, len, &[], strict);
                assert!(
                    result.is_err(),
                    "{mode:?}: changing byte {at} ({:?} -> {:?}) was not noticed",
                    char::from(wire[at]),
                    char::from(bad[at])
                );
                // By default, only a size digit's letter case may change (the same number).
                let lenient = decode(&bad, mode, &verifier, len, &[]);
                let same_number =
                    flip == 0x20 && size_digits.contains(&at) && wire[at].is_ascii_lowercase();
                assert_eq!(
                    lenient.is_ok(),
                    same_number,
                    "{mode:?}, default limits: byte {at} ({:?} -> {:?})",
                    char::from(wire[at]),
                    char::from(bad[at])
                );
                mutations += 1;
            }
        }
        // A shorter or longer body is refused too.
        assert!(decode(&wire[..wire.len() - 1], mode, &verifier, len, &[]).is_err());
        let mut longer = wire.clone();
        longer.push(b'\n');
        assert!(decode(&longer, mode, &verifier, len, &[]).is_err());
    }
    println!("chunked mutations: {mutations} single-byte changes, all refused");
}

/// Positions of the hex size digits in an encoded body.
fn header_size_positions(wire: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < wire.len() {
        let start = at;
        while at < wire.len() && wire[at].is_ascii_hexdigit() {
            out.push(at);
            at += 1;
        }
        let size = usize::from_str_radix(std::str::from_utf8(&wire[start..at]).unwrap_or("0"), 16)
            .unwrap_or(0);
        let Some(eol) = wire[at..].windows(2).position(|w| w == b"\r\n") else {
            break;
        };
        at += eol + 2;
        if size == 0 {
            break;
        }
        at += size + 2;
    }
    out
}

#[test]
fn errors_say_what_and_where() {
    let body = vec![7u8; 10_000];
    let (_, wire, verifier) = s3_example(&body, 8192, ChunkedMode::Signed, false);
    let mut bad = wire.clone();
    bad[200] ^= 1; // in the first chunk's data
    let err = decode(&bad, ChunkedMode::Signed, &verifier, 10_000, &[]).expect_err("refused");
    assert_eq!(
        err.kind(),
        &ErrorKind::ChunkSignatureMismatch {
            chunk: 0,
            offset: 0
        }
    );
    let err = decode(
        b"10000000000000000;chunk-signature=\r\n",
        ChunkedMode::Signed,
        &verifier,
        0,
        &[],
    )
    .expect_err("refused");
    assert!(
        matches!(
            err.kind(),
            ErrorKind::MalformedChunkedBody { offset: 0, .. }
        ),
        "{err}"
    );
    let long = vec![b'1'; 5000];
    let err = decode(&long, ChunkedMode::Signed, &verifier, 0, &[]).expect_err("refused");
    assert!(err.to_string().contains("too long"), "{err}");
    // A checksum mismatch names the header and both values.
    let mode = ChunkedMode::UnsignedWithTrailer(ChecksumAlgorithm::Crc32c);
    let (_, wire, verifier) = s3_example(b"hello", 8192, mode, false);
    let text = String::from_utf8(wire)
        .expect("ascii")
        .replace("hello", "jello");
    let err = decode(text.as_bytes(), mode, &verifier, 5, &[]).expect_err("refused");
    assert!(
        matches!(
            err.kind(),
            ErrorKind::ChecksumMismatch {
                header: "x-amz-checksum-crc32c",
                ..
            }
        ),
        "{err}"
    );
}

/// Server side: the seed request verifies with the `Verifier`, whose chunk verifier then
/// checks the aws-chunked body (and refuses a changed one).
#[test]
fn the_verifier_hands_out_the_chunk_verifier_of_a_streaming_request() {
    let body = vec![b'z'; 20_000];
    let mode = ChunkedMode::SignedWithTrailer(ChecksumAlgorithm::Crc32c);
    let layout = ChunkedLayout::new(body.len() as u64, 8192, mode).expect("layout");
    let headers = layout.headers();
    let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let creds = Credentials::new(ACCESS_KEY, SECRET).expect("creds");
    let time = SigningTime::parse("20130524T000000Z").expect("time");
    let params = SigningParams::new(&creds, "us-east-1", "s3", time).expect("params");
    let request = Request::new("PUT", "https://examplebucket.s3.amazonaws.com/big.bin")
        .expect("request")
        .with_headers(&pairs)
        .with_payload(mode.payload());
    let signer = Signer::new();
    let seed = signer.sign(&request, &params).expect("seed");
    let wire = ChunkSigner::new(signer.signing_key(&params), seed.steps(), mode)
        .encode_all(&body, 8192)
        .expect("encode");
    // As received.
    let mut received: Vec<(&str, &str)> = vec![("Host", "examplebucket.s3.amazonaws.com")];
    received.extend(pairs.iter().copied());
    received.extend(seed.headers());
    let verifier = sigv4::Verifier::new(|id: &str| (id == ACCESS_KEY).then(|| creds.clone()));
    let verified = verifier
        .verify(
            "PUT",
            "/big.bin",
            &received,
            sigv4::ReceivedBody::Unknown,
            time,
        )
        .expect("the seed verifies");
    assert_eq!(
        verified.payload_hash,
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
    );
    let chunks = verified.chunk_verifier().expect("a streaming request");
    let mut decoder = ChunkedDecoder::new(mode, Some(chunks.clone())).with_decoded_len(20_000);
    let mut out = Vec::new();
    decoder
        .feed(&wire, |d| out.extend_from_slice(d))
        .expect("chunks verify");
    decoder.finish().expect("complete");
    assert_eq!(out, body);
    let mut bad = wire.clone();
    bad[100] ^= 1;
    let mut decoder = ChunkedDecoder::new(mode, Some(chunks)).with_decoded_len(20_000);
    assert!(
        decoder
            .feed(&bad, |_| {})
            .and_then(|()| decoder.finish().map(|_| ()))
            .is_err()
    );
}

/// A request received whole (`ReceivedBody::Bytes`) with an aws-chunked body: the
/// verifier checks the body too, as S3 does. The published examples' requests and
/// bodies are accepted; a changed data byte, a cut body, a changed checksum are refused.
#[test]
fn a_whole_aws_chunked_body_is_verified_with_its_request() {
    let creds = Credentials::new(ACCESS_KEY, SECRET).expect("creds");
    let verifier = sigv4::Verifier::new(|id: &str| (id == ACCESS_KEY).then(|| creds.clone()));
    let time = SigningTime::parse("20130524T000000Z").expect("time");
    let common = [
        ("Host", "s3.amazonaws.com"),
        ("x-amz-date", "20130524T000000Z"),
        ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ("Content-Encoding", "aws-chunked"),
        ("x-amz-decoded-content-length", "66560"),
    ];
    let signed = [
        ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
        ("Content-Length", "66824"),
        (
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,\
             SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;\
             x-amz-decoded-content-length;x-amz-storage-class,\
             Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
        ),
    ];
    let trailer = [
        (
            "x-amz-content-sha256",
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        ),
        ("x-amz-trailer", "x-amz-checksum-crc32c"),
        (
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,\
             SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;\
             x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer,\
             Signature=106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e",
        ),
    ];
    let verify = |extra: &[(&str, &str)], body: &[u8]| {
        let headers: Vec<(&str, &str)> = common.iter().chain(extra).copied().collect();
        verifier
            .verify(
                "PUT",
                "/examplebucket/chunkObject.txt",
                &headers,
                sigv4::ReceivedBody::Bytes(body),
                time,
            )
            .map(|v| v.payload_hash)
            .map_err(|e| e.kind().clone())
    };
    for (extra, body) in [
        (&signed, published_body()),
        (&trailer, published_trailer_body()),
    ] {
        let marker = extra[0].1;
        assert_eq!(verify(extra, &body), Ok(marker.to_owned()));
        let mut changed = body.clone();
        changed[1000] = b'b';
        assert!(
            matches!(
                verify(extra, &changed),
                Err(ErrorKind::ChunkSignatureMismatch { .. })
            ),
            "{marker}: {:?}",
            verify(extra, &changed)
        );
        let cut = &body[..body.len() - 200];
        assert!(
            matches!(
                verify(extra, cut),
                Err(ErrorKind::MalformedChunkedBody { .. })
            ),
            "{marker}: {:?}",
            verify(extra, cut)
        );
        // Without the body, the seed alone (the caller checks the chunks as they come).
        let headers: Vec<(&str, &str)> = common.iter().chain(extra).copied().collect();
        assert!(
            verifier
                .verify(
                    "PUT",
                    "/examplebucket/chunkObject.txt",
                    &headers,
                    sigv4::ReceivedBody::Unknown,
                    time
                )
                .is_ok()
        );
    }
    let mut wrong_sum = published_trailer_body();
    let at = wrong_sum
        .windows(8)
        .position(|w| w == b"sOO8/Q==")
        .expect("checksum");
    wrong_sum[at] = b'X';
    assert!(
        matches!(
            verify(&trailer, &wrong_sum),
            Err(ErrorKind::TrailerSignatureMismatch { .. })
        ),
        "{:?}",
        verify(&trailer, &wrong_sum)
    );
}
