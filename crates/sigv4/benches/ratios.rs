//! Ratios that hold on a noisy machine: sigv4 and aws-sigv4 timed in alternating batches
//! of 1,000 signatures for a few seconds, each keeping its fastest batch. Criterion
//! (`benches/signing.rs`) times one library after the other, so a neighbour's load that
//! comes and goes between them skews its ratios; interleaving gives both the same quiet
//! moments. Run by `scripts/bench.sh`.

use std::hint::black_box;
use std::time::{Duration, Instant, UNIX_EPOCH};

use aws_sigv4::http_request::{SignableBody, SignableRequest, SignatureLocation, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use sigv4::{Credentials, Payload, Request, Signer, SigningParams, SigningTime};

/// Fastest time per call, in ns, of each closure over alternating batches.
fn interleaved(mut ours: impl FnMut(), mut theirs: impl FnMut()) -> (f64, f64) {
    let batch = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..1000 {
            f();
        }
        t.elapsed().as_nanos() as f64 / 1000.0
    };
    let (mut a, mut b) = (f64::MAX, f64::MAX);
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(4) {
        a = a.min(batch(&mut ours));
        b = b.min(batch(&mut theirs));
    }
    (a, b)
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
    println!("\n| request (interleaved, fastest batch) | sigv4 | aws-sigv4 | aws-sigv4 / sigv4 |");
    println!("|---|---|---|---|");
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
        let (a, b) = interleaved(ours, theirs);
        println!("| {label} | {a:.0} ns | {b:.0} ns | {:.2}x |", b / a);
    }
}
