//! The verifier: the AWS suite's signed requests (header and query) verify; mutations of
//! them are refused with the right reason; an added unsigned header changes nothing.
//! (The three independent signers' requests are in tests/verify_signers.rs.)

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sigv4::{
    Credentials, ErrorKind, RawRequest, ReceivedBody, SigningTime, Verifier, VerifySettings,
};

fn suite_dir() -> PathBuf {
    let dir = std::env::var_os("SIGV4_TEST_SUITE").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/aws-signing-test-suite"),
        PathBuf::from,
    );
    assert!(
        dir.join("v4").is_dir(),
        "AWS signing test suite not found at {}",
        dir.display()
    );
    dir
}

struct Case {
    name: String,
    creds: Credentials,
    now: SigningTime,
    settings: VerifySettings,
    header: RawRequest,
    query: RawRequest,
}

fn cases() -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(suite_dir().join("v4"))
        .expect("v4")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("context.json").is_file())
        .collect();
    dirs.sort();
    dirs.iter()
        .map(|dir| {
            let ctx: Value =
                serde_json::from_str(&fs::read_to_string(dir.join("context.json")).expect("ctx"))
                    .expect("json");
            let c = &ctx["credentials"];
            let mut creds = Credentials::new(
                c["access_key_id"].as_str().expect("id"),
                c["secret_access_key"].as_str().expect("secret"),
            )
            .expect("creds");
            if let Some(t) = c["token"].as_str() {
                creds = creds.with_session_token(t);
            }
            let mut settings = VerifySettings::default();
            settings.normalize_path = Some(ctx["normalize"].as_bool().unwrap_or(true));
            let read =
                |f: &str| RawRequest::parse(&fs::read(dir.join(f)).expect(f)).expect("parses");
            Case {
                name: dir
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
                creds,
                now: SigningTime::parse_iso8601(ctx["timestamp"].as_str().expect("ts"))
                    .expect("time"),
                settings,
                header: read("header-signed-request.txt"),
                query: read("query-signed-request.txt"),
            }
        })
        .collect()
}

fn verify(
    case: &Case,
    raw: &RawRequest,
    settings: &VerifySettings,
    now: SigningTime,
) -> sigv4::Result<sigv4::Verified> {
    let creds = case.creds.clone();
    let verifier =
        Verifier::new(move |id: &str| (id == creds.access_key_id()).then(|| creds.clone()))
            .with_settings(settings.clone());
    verifier.verify(
        &raw.method,
        &raw.target,
        &raw.header_pairs(),
        ReceivedBody::Bytes(&raw.body),
        now,
    )
}

#[test]
fn every_suite_request_verifies_header_and_query() {
    let cases = cases();
    let mut failures = Vec::new();
    for case in &cases {
        for (variant, raw) in [("header", &case.header), ("query", &case.query)] {
            if let Err(e) = verify(case, raw, &case.settings, case.now) {
                failures.push(format!("{} ({variant}): {e} {:?}", case.name, e.kind()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!(
        "verify: {} suite cases x header/query = {} requests verified",
        cases.len(),
        cases.len() * 2
    );
}

fn kind_name(e: &sigv4::Error) -> &'static str {
    match e.kind() {
        ErrorKind::SignatureMismatch { .. } => "SignatureMismatch",
        ErrorKind::ClockSkew { .. } => "ClockSkew",
        ErrorKind::RequestExpired { .. } => "RequestExpired",
        ErrorKind::NotYetValid { .. } => "NotYetValid",
        ErrorKind::ScopeMismatch { .. } => "ScopeMismatch",
        ErrorKind::UnknownAccessKey => "UnknownAccessKey",
        ErrorKind::HostNotSigned => "HostNotSigned",
        ErrorKind::MalformedAuthorization { .. } => "MalformedAuthorization",
        ErrorKind::PayloadHashMismatch => "PayloadHashMismatch",
        ErrorKind::SessionTokenMismatch => "SessionTokenMismatch",
        _ => "other",
    }
}

#[test]
fn mutations_are_refused_with_the_right_reason() {
    let mut checked = 0;
    for case in cases() {
        for (variant, raw) in [("header", &case.header), ("query", &case.query)] {
            let presigned = variant == "query";
            let expect = |label: &str,
                          changed: &RawRequest,
                          settings: &VerifySettings,
                          now: SigningTime,
                          want: &[&str]| {
                match verify(&case, changed, settings, now) {
                    Ok(_) => panic!("{} ({variant}) {label}: accepted", case.name),
                    Err(e) => assert!(
                        want.contains(&kind_name(&e)),
                        "{} ({variant}) {label}: {e}",
                        case.name
                    ),
                }
            };
            // An unsigned header added: still valid.
            let mut extra = raw.clone();
            extra
                .headers
                .push(("X-Unsigned-Extra".into(), "whatever".into()));
            assert!(
                verify(&case, &extra, &case.settings, case.now).is_ok(),
                "{} ({variant}): an unsigned header broke it",
                case.name
            );
            // The signature, one bit flipped.
            let mut bad = raw.clone();
            if presigned {
                let at =
                    bad.target.find("X-Amz-Signature=").expect("sig") + "X-Amz-Signature=".len();
                let flipped = if &bad.target[at..=at] == "0" {
                    "1"
                } else {
                    "0"
                };
                bad.target.replace_range(at..=at, flipped);
            } else {
                let auth = bad
                    .headers
                    .iter_mut()
                    .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
                    .expect("auth");
                let last = auth.1.pop().expect("char");
                auth.1.push(if last == '0' { '1' } else { '0' });
            }
            expect(
                "signature bit",
                &bad,
                &case.settings,
                case.now,
                &["SignatureMismatch"],
            );
            // A signed header's value.
            let mut bad = raw.clone();
            let host = bad
                .headers
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case("host"))
                .expect("host");
            host.1.push('x');
            expect(
                "host header",
                &bad,
                &case.settings,
                case.now,
                &["SignatureMismatch"],
            );
            // A query parameter added, the path, the method.
            let mut bad = raw.clone();
            bad.target.push_str(if bad.target.contains('?') {
                "&zz=1"
            } else {
                "?zz=1"
            });
            expect(
                "query parameter",
                &bad,
                &case.settings,
                case.now,
                &["SignatureMismatch"],
            );
            let mut bad = raw.clone();
            bad.target.insert_str(1, "zz/");
            expect(
                "path",
                &bad,
                &case.settings,
                case.now,
                &["SignatureMismatch"],
            );
            let mut bad = raw.clone();
            bad.method = if bad.method == "GET" {
                "PUT".into()
            } else {
                "GET".into()
            };
            expect(
                "method",
                &bad,
                &case.settings,
                case.now,
                &["SignatureMismatch"],
            );
            // A body byte (the signed body hash no longer matches).
            if !raw.body.is_empty() {
                let mut bad = raw.clone();
                bad.body[0] ^= 1;
                expect(
                    "body byte",
                    &bad,
                    &case.settings,
                    case.now,
                    &["SignatureMismatch", "PayloadHashMismatch"],
                );
            }
            // The date beyond the skew (header) or after expiry (presigned).
            let later = SigningTime::from_unix_seconds(case.now.unix_seconds() + 3601).expect("t");
            expect(
                "later",
                raw,
                &case.settings,
                later,
                if presigned {
                    &["RequestExpired"]
                } else {
                    &["ClockSkew"]
                },
            );
            let earlier =
                SigningTime::from_unix_seconds(case.now.unix_seconds() - 3600).expect("t");
            expect(
                "earlier",
                raw,
                &case.settings,
                earlier,
                if presigned {
                    &["NotYetValid"]
                } else {
                    &["ClockSkew"]
                },
            );
            // Region and service not accepted here.
            let mut only = case.settings.clone();
            only.regions = Some(vec!["eu-west-1".into()]);
            expect("region", raw, &only, case.now, &["ScopeMismatch"]);
            let mut only = case.settings.clone();
            only.services = Some(vec!["s3".into()]);
            expect("service", raw, &only, case.now, &["ScopeMismatch"]);
            // Another access key.
            let mut bad = raw.clone();
            if presigned {
                bad.target = bad.target.replacen("AKIDEXAMPLE", "AKIDOTHER", 1);
            } else {
                let auth = bad
                    .headers
                    .iter_mut()
                    .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
                    .expect("auth");
                auth.1 = auth.1.replacen("AKIDEXAMPLE", "AKIDOTHER", 1);
            }
            expect(
                "access key",
                &bad,
                &case.settings,
                case.now,
                &["UnknownAccessKey"],
            );
            checked += 10;
        }
    }
    println!("verify: {checked} mutations refused with the expected reason");
}

/// A malformed credential scope is refused with what is wrong in it.
#[test]
fn malformed_scopes_say_what_is_wrong() {
    let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret").expect("creds");
    let verifier = sigv4::Verifier::new(|_: &str| Some(creds.clone()));
    let now = sigv4::SigningTime::parse("20150830T123600Z").expect("time");
    for (credential, want) in [
        (
            "AKIDEXAMPLE/2015083X/us-east-1/iam/aws4_request",
            "the scope's date \"2015083X\" is not YYYYMMDD",
        ),
        (
            "AKIDEXAMPLE/20150830/us-east-1/iam/aws5_request",
            "ends with \"aws5_request\", not aws4_request",
        ),
        (
            "AKIDEXAMPLE/20150830//iam/aws4_request",
            "region and service must not be empty",
        ),
        (
            "/20150830/us-east-1/iam/aws4_request",
            "access key is empty",
        ),
        (
            "AKIDEXAMPLE/20150830/us-east-1/aws4_request",
            "not KEY/DATE/REGION/SERVICE/aws4_request",
        ),
    ] {
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host;x-amz-date, Signature={}",
            "0".repeat(64)
        );
        let headers = [
            ("Host", "iam.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
            ("Authorization", auth.as_str()),
        ];
        let err = verifier
            .verify("GET", "/", &headers, sigv4::ReceivedBody::Bytes(b""), now)
            .expect_err(credential);
        assert!(err.to_string().contains(want), "{credential}: {err}");
    }
}
