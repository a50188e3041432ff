//! sigv4 against aws-sigv4 and rusty-s3, on the same requests, in the same run.
//!
//! Each group times one request for every library that can do it; each function does
//! everything a client does per request (build the request, sign, apply headers or build
//! the URL, hash the body). Long-lived things (credentials, a `Signer` with a warm key
//! cache, a rusty-s3 `Bucket`, the 1 MiB body) are made once outside the timed code.
//! `scripts/bench.sh` runs this and prints the ratios from criterion's medians.

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation,
    SigningSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rusty_s3::S3Action as _;
use sha2::Digest as _;
use sigv4::{Credentials, Payload, Request, Signer, SigningParams, SigningTime};

const IAM_AKID: &str = "AKIDEXAMPLE";
const IAM_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const S3_AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const S3_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const T_2015: u64 = 1_440_938_160;
const T_2013: u64 = 1_369_353_600;
const POLLY_URL: &str = "https://polly.eu-west-1.amazonaws.com/v1/voices?LanguageCode=en-US";
const KINESIS_URL: &str = "https://kinesis.us-east-1.amazonaws.com/";
const KINESIS_BODY: &str = r#"{"StreamName":"mystream","Data":"aGVsbG8=","PartitionKey":"pk1"}"#;
const S3_GET_URL: &str = "https://examplebucket.s3.amazonaws.com/test.txt";
const S3_PUT_URL: &str = "https://examplebucket.s3.amazonaws.com/big.bin";
const PRESIGN_SIG: &str = "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
const MIB: usize = 1 << 20;

fn unix(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

// ---- sigv4

fn ours_http<'b>(
    signer: &Signer,
    creds: &Credentials,
    region: &str,
    service: &str,
    time: SigningTime,
    mut req: http::Request<&'b [u8]>,
) -> http::Request<&'b [u8]> {
    let params = SigningParams::new(creds, region, service, time).expect("params");
    let body = *req.body();
    signer
        .sign_http(&mut req, Payload::Bytes(body), &params)
        .expect("sign");
    req
}

fn ours_plain(
    signer: &Signer,
    creds: &Credentials,
    region: &str,
    service: &str,
    time: SigningTime,
    (method, url, headers, body): Plain<'_>,
) -> sigv4::SignedRequest {
    let params = SigningParams::new(creds, region, service, time).expect("params");
    let request = Request::new(method, url)
        .expect("request")
        .with_headers(headers)
        .with_payload(Payload::Bytes(body));
    signer.sign(&request, &params).expect("sign")
}

fn ours_presign(signer: &Signer, creds: &Credentials, time: SigningTime) -> String {
    let params = SigningParams::new(creds, "us-east-1", "s3", time).expect("params");
    let request = Request::new("GET", S3_GET_URL).expect("request");
    let url = signer
        .presign(&request, &params, Duration::from_secs(86400))
        .expect("presign");
    url.url().to_owned()
}

// ---- aws-sigv4

fn aws_settings_s3() -> SigningSettings {
    let mut s = SigningSettings::default();
    s.percent_encoding_mode = PercentEncodingMode::Single;
    s.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    s
}

fn aws_http<'b>(
    identity: &Identity,
    region: &str,
    service: &str,
    time: SystemTime,
    settings: SigningSettings,
    mut req: http::Request<&'b [u8]>,
) -> http::Request<&'b [u8]> {
    let params = aws_params(identity, region, service, time, settings);
    let uri = req.uri().to_string();
    let signable = SignableRequest::new(
        req.method().as_str(),
        uri,
        req.headers()
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_str().expect("ascii"))),
        SignableBody::Bytes(req.body()),
    )
    .expect("signable");
    let (instructions, _) = aws_sigv4::http_request::sign(signable, &params)
        .expect("sign")
        .into_parts();
    instructions.apply_to_request_http1x(&mut req);
    req
}

/// aws-sigv4's parameters for one request (its API takes the settings by value, so a
/// client builds them per request).
fn aws_params<'p>(
    identity: &'p Identity,
    region: &'p str,
    service: &'p str,
    time: SystemTime,
    settings: SigningSettings,
) -> aws_sigv4::http_request::SigningParams<'p> {
    v4::SigningParams::builder()
        .identity(identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(settings)
        .build()
        .expect("params")
        .into()
}

fn aws_plain(
    identity: &Identity,
    region: &str,
    service: &str,
    time: SystemTime,
    settings: SigningSettings,
    (method, url, headers, body): Plain<'_>,
) -> Vec<(String, String)> {
    let params = aws_params(identity, region, service, time, settings);
    let signable = SignableRequest::new(
        method,
        url,
        headers.iter().copied(),
        SignableBody::Bytes(body),
    )
    .expect("signable");
    let (instructions, _) = aws_sigv4::http_request::sign(signable, &params)
        .expect("sign")
        .into_parts();
    let (headers, _) = instructions.into_parts();
    headers
        .into_iter()
        .map(|h| (h.name().to_owned(), h.value().to_owned()))
        .collect()
}

fn aws_presign(identity: &Identity) -> String {
    let mut settings = aws_settings_s3();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(Duration::from_secs(86400));
    let params = aws_params(identity, "us-east-1", "s3", unix(T_2013), settings);
    let signable = SignableRequest::new(
        "GET",
        S3_GET_URL,
        std::iter::empty(),
        SignableBody::UnsignedPayload,
    )
    .expect("signable");
    let (instructions, _) = aws_sigv4::http_request::sign(signable, &params)
        .expect("sign")
        .into_parts();
    let mut req = http::Request::get(S3_GET_URL).body(()).expect("request");
    instructions.apply_to_request_http1x(&mut req);
    req.uri().to_string()
}

// ---- requests

/// Method, URL, headers, body: the plain description of a request.
type Plain<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a [u8]);

const KINESIS_HEADERS: &[(&str, &str)] = &[
    ("content-type", "application/x-amz-json-1.1"),
    ("x-amz-target", "Kinesis_20131202.PutRecord"),
];

fn polly() -> http::Request<&'static [u8]> {
    http::Request::get(POLLY_URL)
        .body(&b""[..])
        .expect("request")
}

fn signature_of(req: &http::Request<&[u8]>) -> String {
    let auth = req.headers()["authorization"].to_str().expect("ascii");
    auth.rsplit_once("Signature=")
        .expect("signature")
        .1
        .to_owned()
}

/// One header-signing request, for both libraries.
struct HeaderCase<'a> {
    group: &'static str,
    region: &'static str,
    service: &'static str,
    ours: &'a Credentials,
    theirs: &'a Identity,
    aws_settings: SigningSettings,
    plain: Plain<'a>,
}

/// Checks that both libraries sign `case` alike, then times both in one group.
fn header_group(c: &mut Criterion, signer: &Signer, time: SigningTime, case: &HeaderCase<'_>) {
    let ours = || {
        ours_plain(
            signer,
            case.ours,
            case.region,
            case.service,
            black_box(time),
            black_box(case.plain),
        )
    };
    let theirs = || {
        let settings = case.aws_settings.clone();
        aws_plain(
            case.theirs,
            case.region,
            case.service,
            black_box(unix(T_2015)),
            settings,
            black_box(case.plain),
        )
    };
    let auth = theirs();
    let auth = auth
        .iter()
        .find(|(n, _)| n == "authorization")
        .expect("authorization");
    assert!(
        auth.1.ends_with(ours().steps().signature()),
        "{}: signatures differ",
        case.group
    );
    let mut g = c.benchmark_group(case.group);
    if case.plain.3.len() >= MIB {
        g.throughput(Throughput::Bytes(case.plain.3.len() as u64));
    }
    g.bench_function("sigv4", |b| b.iter(ours));
    g.bench_function("aws-sigv4", |b| b.iter(theirs));
    if case.plain.3.len() >= MIB {
        g.bench_function("sha256-bare", |b| {
            b.iter(|| -> [u8; 32] { sha2::Sha256::digest(black_box(case.plain.3)).into() })
        });
    }
    g.finish();
}

fn benches(c: &mut Criterion) {
    let signer = Signer::new();
    let iam = Credentials::new(IAM_AKID, IAM_SECRET).expect("credentials");
    let s3 = Credentials::new(S3_AKID, S3_SECRET).expect("credentials");
    let iam_id: Identity =
        aws_credential_types::Credentials::new(IAM_AKID, IAM_SECRET, None, None, "bench").into();
    let s3_id: Identity =
        aws_credential_types::Credentials::new(S3_AKID, S3_SECRET, None, None, "bench").into();
    let bucket = rusty_s3::Bucket::new(
        "https://s3.amazonaws.com".parse().expect("url"),
        rusty_s3::UrlStyle::VirtualHost,
        "examplebucket",
        "us-east-1",
    )
    .expect("bucket");
    let rusty_creds = rusty_s3::Credentials::new(S3_AKID, S3_SECRET);
    let t2015 = SigningTime::from_unix_seconds(T_2015 as i64).expect("time");
    let t2013 = SigningTime::from_unix_seconds(T_2013 as i64).expect("time");
    let jiff_2013 = jiff::Timestamp::from_second(T_2013 as i64).expect("time");
    let body: Vec<u8> = (0..MIB).map(|i| (i % 251) as u8).collect();
    let len = body.len().to_string();
    let put_headers = [("content-length", len.as_str())];
    let mut put_settings = aws_settings_s3();
    put_settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;

    let cases = [
        HeaderCase {
            group: "polly_get_header",
            region: "eu-west-1",
            service: "polly",
            ours: &iam,
            theirs: &iam_id,
            aws_settings: SigningSettings::default(),
            plain: ("GET", POLLY_URL, &[], b""),
        },
        HeaderCase {
            group: "kinesis_put_record_header",
            region: "us-east-1",
            service: "kinesis",
            ours: &iam,
            theirs: &iam_id,
            aws_settings: SigningSettings::default(),
            plain: (
                "POST",
                KINESIS_URL,
                KINESIS_HEADERS,
                KINESIS_BODY.as_bytes(),
            ),
        },
        HeaderCase {
            group: "s3_put_1mib",
            region: "us-east-1",
            service: "s3",
            ours: &s3,
            theirs: &s3_id,
            aws_settings: put_settings,
            plain: ("PUT", S3_PUT_URL, &put_headers, &body),
        },
    ];
    for case in &cases[..2] {
        header_group(c, &signer, t2015, case);
    }

    // The same Polly request as an http::Request signed in place.
    let a = signature_of(&ours_http(
        &signer,
        &iam,
        "eu-west-1",
        "polly",
        t2015,
        polly(),
    ));
    let b = signature_of(&aws_http(
        &iam_id,
        "eu-west-1",
        "polly",
        unix(T_2015),
        SigningSettings::default(),
        polly(),
    ));
    assert_eq!(a, b, "http::Request signatures differ");
    let mut g = c.benchmark_group("polly_get_http_request");
    g.bench_function("sigv4", |b| {
        b.iter(|| {
            ours_http(
                &signer,
                &iam,
                "eu-west-1",
                "polly",
                black_box(t2015),
                polly(),
            )
        })
    });
    g.bench_function("aws-sigv4", |b| {
        b.iter(|| {
            let settings = SigningSettings::default();
            aws_http(
                &iam_id,
                "eu-west-1",
                "polly",
                black_box(unix(T_2015)),
                settings,
                polly(),
            )
        })
    });
    g.finish();

    let rusty_presign = || -> String {
        let action = bucket.get_object(Some(&rusty_creds), "test.txt");
        action
            .sign_with_time(Duration::from_secs(86400), &jiff_2013)
            .into()
    };
    for url in [
        ours_presign(&signer, &s3, t2013),
        aws_presign(&s3_id),
        rusty_presign(),
    ] {
        assert!(url.ends_with(PRESIGN_SIG), "presign differs: {url}");
    }
    let mut g = c.benchmark_group("s3_presign_get");
    g.bench_function("sigv4", |b| {
        b.iter(|| ours_presign(&signer, &s3, black_box(t2013)))
    });
    g.bench_function("aws-sigv4", |b| b.iter(|| aws_presign(black_box(&s3_id))));
    g.bench_function("rusty-s3", |b| b.iter(|| black_box(rusty_presign())));
    g.finish();

    header_group(c, &signer, t2015, &cases[2]);
}

criterion_group! {
    name = signing;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(signing);
