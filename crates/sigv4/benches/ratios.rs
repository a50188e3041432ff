//! Ratios that hold on a noisy machine: sigv4 and aws-sigv4 timed in alternating batches
//! of 1,000 signatures for a few seconds, each keeping its fastest batch. Criterion
//! (`benches/signing.rs`) times one library after the other, so a neighbour's load that
//! comes and goes between them skews its ratios; interleaving gives both the same quiet
//! moments. Run by `scripts/bench.sh`.
//!
//! A third closure times the SHA-256 work each signature cannot avoid, with the `sha2`
//! and `hmac` crates on the very bytes sigv4 hashed: the body, the canonical request and
//! the HMAC of the string to sign (key derived beforehand, as sigv4's cache has it). It
//! shows how much of an 8x budget (aws-sigv4's time / 8) the hashing alone takes.

use std::hint::black_box;
use std::time::{Duration, Instant, UNIX_EPOCH};

use aws_sigv4::http_request::{SignableBody, SignableRequest, SignatureLocation, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use sigv4::{Credentials, Payload, Request, Signer, SigningParams, SigningTime};

/// Fastest time per call, in ns, of each closure over alternating batches.
fn interleaved(closures: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    let batch = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..1000 {
            f();
        }
        t.elapsed().as_nanos() as f64 / 1000.0
    };
    let mut best = vec![f64::MAX; closures.len()];
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(4) {
        for (f, b) in closures.iter_mut().zip(&mut best) {
            *b = b.min(batch(*f));
        }
    }
    best
}

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 with the `hmac` crate.
fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = HmacSha256::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// A request: name, region, service, method, URL, headers, body.
type Case<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a [(&'a str, &'a str)],
    &'a [u8],
);

fn main() {
    let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    let signer = Signer::new();
    let creds = Credentials::new("AKIDEXAMPLE", secret).expect("credentials");
    let id: Identity =
        aws_credential_types::Credentials::new("AKIDEXAMPLE", secret, None, None, "bench").into();
    let time = SigningTime::from_unix_seconds(1_440_938_160).expect("time");
    let system_time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    let kinesis_headers = [
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", "Kinesis_20131202.PutRecord"),
    ];
    let kinesis_body = br#"{"StreamName":"mystream","Data":"aGVsbG8=","PartitionKey":"pk1"}"#;
    let cases: [Case<'_>; 3] = [
        (
            "header-sign Polly GET",
            "eu-west-1",
            "polly",
            "GET",
            "https://polly.eu-west-1.amazonaws.com/v1/voices?LanguageCode=en-US",
            &[],
            b"",
        ),
        (
            "header-sign Kinesis PutRecord",
            "us-east-1",
            "kinesis",
            "POST",
            "https://kinesis.us-east-1.amazonaws.com/",
            &kinesis_headers,
            kinesis_body,
        ),
        (
            "presign S3 GET, 86400 s",
            "us-east-1",
            "s3",
            "GET",
            "https://examplebucket.s3.amazonaws.com/test.txt",
            &[],
            b"",
        ),
    ];
    println!(
        "\n| request (interleaved, fastest batch) | sigv4 | aws-sigv4 | aws-sigv4 / sigv4 | SHA-256 alone | 8x budget | budget left after SHA-256 |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (label, region, service, method, url, headers, body) in cases {
        let presign = service == "s3";
        let ours = || {
            let params =
                SigningParams::new(&creds, region, service, black_box(time)).expect("params");
            let request = Request::new(method, black_box(url))
                .expect("request")
                .with_headers(headers)
                .with_payload(Payload::Bytes(body));
            if presign {
                black_box(
                    signer
                        .presign(&request, &params, Duration::from_secs(86400))
                        .expect("presign"),
                );
            } else {
                black_box(signer.sign(&request, &params).expect("sign"));
            }
        };
        let theirs = || {
            let mut settings = SigningSettings::default();
            let body = if presign {
                settings.percent_encoding_mode =
                    aws_sigv4::http_request::PercentEncodingMode::Single;
                settings.uri_path_normalization_mode =
                    aws_sigv4::http_request::UriPathNormalizationMode::Disabled;
                settings.signature_location = SignatureLocation::QueryParams;
                settings.expires_in = Some(Duration::from_secs(86400));
                SignableBody::UnsignedPayload
            } else {
                SignableBody::Bytes(body)
            };
            let params = v4::SigningParams::builder()
                .identity(&id)
                .region(region)
                .name(service)
                .time(black_box(system_time))
                .settings(settings)
                .build()
                .expect("params")
                .into();
            let signable =
                SignableRequest::new(method, black_box(url), headers.iter().copied(), body)
                    .expect("signable");
            let (instructions, _) = aws_sigv4::http_request::sign(signable, &params)
                .expect("sign")
                .into_parts();
            if presign {
                let mut req = http::Request::get(url).body(()).expect("request");
                instructions.apply_to_request_http1x(&mut req);
                black_box(req.uri().to_string());
            } else {
                black_box(instructions);
            }
        };
        // The bytes sigv4 hashes for this request, and its signing key.
        let (canonical, string_to_sign) = {
            let params = SigningParams::new(&creds, region, service, time).expect("params");
            let request = Request::new(method, url)
                .expect("request")
                .with_headers(headers)
                .with_payload(Payload::Bytes(body));
            let steps = if presign {
                signer
                    .presign(&request, &params, Duration::from_secs(86400))
                    .expect("presign")
                    .steps()
                    .clone()
            } else {
                signer
                    .sign(&request, &params)
                    .expect("sign")
                    .steps()
                    .clone()
            };
            (
                steps.canonical_request().to_owned(),
                steps.string_to_sign().to_owned(),
            )
        };
        let mut key = hmac(
            format!("AWS4{secret}").as_bytes(),
            time.date_stamp().as_bytes(),
        );
        for part in [region, service, "aws4_request"] {
            key = hmac(&key, part.as_bytes());
        }
        let keyed = HmacSha256::new_from_slice(&key).expect("any key length");
        let hash_body = !presign && !body.is_empty();
        let mut sha = || {
            if hash_body {
                black_box(Sha256::digest(black_box(body)));
            }
            black_box(Sha256::digest(black_box(canonical.as_bytes())));
            let mut mac = keyed.clone();
            mac.update(black_box(string_to_sign.as_bytes()));
            black_box(mac.finalize());
        };
        let (mut ours, mut theirs) = (ours, theirs);
        let t = interleaved(&mut [&mut ours, &mut theirs, &mut sha]);
        let (a, b, h) = (t[0], t[1], t[2]);
        println!(
            "| {label} | {a:.0} ns | {b:.0} ns | {:.2}x | {h:.0} ns | {:.0} ns | {:.0} ns |",
            b / a,
            b / 8.0,
            b / 8.0 - h
        );
    }
}
