//! aws-chunked throughput on 256 MiB: chunk signing (64 KiB chunks, each hashed and
//! signed) and decoding with every signature verified, against a bare SHA-256 of the
//! same bytes in the same run. Run by `scripts/bench.sh`, which prints the ratios.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sha2::{Digest, Sha256};
use sigv4::{
    ChecksumAlgorithm, ChunkSigner, ChunkVerifier, ChunkedDecoder, ChunkedLayout, ChunkedMode,
    Credentials, Request, Signer, SigningParams, SigningTime,
};

const LEN: usize = 256 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;

fn benches(c: &mut Criterion) {
    let body: Vec<u8> = (0..LEN).map(|i| (i % 251) as u8).collect();
    let creds = Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
    .expect("credentials");
    let params = SigningParams::new(
        &creds,
        "us-east-1",
        "s3",
        SigningTime::parse("20130524T000000Z").expect("time"),
    )
    .expect("params");
    let signer = Signer::new();
    let seed_for = |mode: ChunkedMode| {
        let layout = ChunkedLayout::new(LEN as u64, CHUNK, mode).expect("layout");
        let headers = layout.headers();
        let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let request = Request::new("PUT", "https://examplebucket.s3.amazonaws.com/big")
            .expect("request")
            .with_headers(&pairs)
            .with_payload(mode.payload());
        signer.sign(&request, &params).expect("seed")
    };
    let sign_all = |mode: ChunkedMode, seed: &sigv4::SignedRequest| {
        let mut chunks = ChunkSigner::new(signer.signing_key(&params), seed.steps(), mode);
        let mut framing = 0usize;
        for piece in body.chunks(CHUNK) {
            framing += chunks.chunk(black_box(piece)).len();
        }
        framing + chunks.finish().len()
    };
    let signed = seed_for(ChunkedMode::Signed);
    let crc = ChunkedMode::SignedWithTrailer(ChecksumAlgorithm::Crc32c);
    let signed_crc = seed_for(crc);

    let mut g = c.benchmark_group("chunked_sign_256mib");
    g.throughput(Throughput::Bytes(LEN as u64));
    g.sample_size(10);
    g.bench_function("sha256-bare", |b| {
        b.iter(|| Sha256::digest(black_box(&body)))
    });
    g.bench_function("sigv4", |b| {
        b.iter(|| sign_all(ChunkedMode::Signed, &signed))
    });
    g.bench_function("sigv4-crc32c-trailer", |b| {
        b.iter(|| sign_all(crc, &signed_crc))
    });
    g.finish();

    let wire = ChunkSigner::new(
        signer.signing_key(&params),
        signed.steps(),
        ChunkedMode::Signed,
    )
    .encode_all(&body, CHUNK)
    .expect("encode");
    let mut g = c.benchmark_group("chunked_verify_256mib");
    g.throughput(Throughput::Bytes(LEN as u64));
    g.sample_size(10);
    g.bench_function("sha256-bare", |b| {
        b.iter(|| Sha256::digest(black_box(&body)))
    });
    g.bench_function("sigv4", |b| {
        b.iter(|| {
            let verifier = ChunkVerifier::from_steps(signer.signing_key(&params), signed.steps());
            let mut decoder = ChunkedDecoder::new(ChunkedMode::Signed, Some(verifier))
                .with_decoded_len(LEN as u64);
            let mut seen = 0usize;
            decoder
                .feed(black_box(&wire), |d| seen += d.len())
                .expect("verifies");
            decoder.finish().expect("complete");
            seen
        })
    });
    g.finish();
}

criterion_group! {
    name = chunked;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = benches
}
criterion_main!(chunked);
