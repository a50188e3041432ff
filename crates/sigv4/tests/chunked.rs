//! aws-chunked bodies: the S3 documentation's published chunked-upload example byte for
//! byte, and property tests (any body and chunk size round-trips through encode, decode
//! and verify, fed in any pieces; every single-byte change to an encoded body is refused).

use sigv4::{
    ChecksumAlgorithm, ChunkSigner, ChunkVerifier, ChunkedDecoder, ChunkedLayout, ChunkedMode,
    Credentials, ErrorKind, Request, Signer, SigningParams, SigningTime,
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
    let mut expected = Vec::new();
    expected.extend_from_slice(
        b"10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n",
    );
    expected.extend_from_slice(&body[..65_536]);
    expected.extend_from_slice(
        b"\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n",
    );
    expected.extend_from_slice(&body[65_536..]);
    expected.extend_from_slice(
        b"\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n",
    );
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
    let mut decoder =
        ChunkedDecoder::new(mode, Some(verifier.clone())).with_decoded_len(len as u64);
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
        for at in 0..wire.len() {
            for flip in [0x01u8, 0x20, 0x80] {
                let mut bad = wire.clone();
                bad[at] ^= flip;
                let result = decode(&bad, mode, &verifier, len, &[]);
                assert!(
                    result.is_err(),
                    "{mode:?}: changing byte {at} ({:?} -> {:?}) was not noticed",
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
