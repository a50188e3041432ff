//! The verifier against three independent signers: random requests signed by botocore,
//! @smithy/signature-v4 and aws4 (tools/oracle/signed_cases.sh, run by scripts/test.sh:
//! header and query, generic and S3 rules, with and without session tokens) all verify;
//! mutations of them are refused with the right reason; an unsigned header added changes
//! nothing.

use std::path::PathBuf;

use serde_json::Value;
use sigv4::{Credentials, ErrorKind, ReceivedBody, SigningTime, Verifier, VerifySettings};

struct Case {
    id: String,
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    creds: Credentials,
    time: SigningTime,
    query: bool,
}

fn load(signer: &str) -> Vec<Case> {
    let dir = std::env::var("SIGV4_SIGNED_CASES").unwrap_or_else(|_| {
        panic!("SIGV4_SIGNED_CASES must name the folder of signed-*.jsonl: run scripts/test.sh (tools/oracle/signed_cases.sh)")
    });
    let path = PathBuf::from(dir).join(format!("signed-{signer}.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("JSON");
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
            let mut creds =
                Credentials::new(s("access_key_id"), s("secret_access_key")).expect("creds");
            if let Some(t) = v["session_token"].as_str() {
                creds = creds.with_session_token(t);
            }
            Case {
                id: s("id"),
                method: s("method"),
                target: s("target"),
                headers: v["headers"]
                    .as_array()
                    .expect("headers")
                    .iter()
                    .map(|p| {
                        (
                            p[0].as_str().unwrap_or_default().to_owned(),
                            p[1].as_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect(),
                body: s("body").into_bytes(),
                creds,
                time: SigningTime::parse(&s("time")).expect("time"),
                query: s("mode") == "query",
            }
        })
        .collect()
}

fn verify(
    case: &Case,
    settings: &VerifySettings,
    now: SigningTime,
) -> sigv4::Result<sigv4::Verified> {
    let creds = case.creds.clone();
    let verifier =
        Verifier::new(move |id: &str| (id == creds.access_key_id()).then(|| creds.clone()))
            .with_settings(settings.clone());
    let headers: Vec<(&str, &str)> = case
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    verifier.verify(
        &case.method,
        &case.target,
        &headers,
        ReceivedBody::Bytes(&case.body),
        now,
    )
}

fn reason(e: &sigv4::Error) -> &'static str {
    match e.kind() {
        ErrorKind::SignatureMismatch { .. } => "signature",
        ErrorKind::ClockSkew { .. } => "skew",
        ErrorKind::RequestExpired { .. } => "expired",
        ErrorKind::NotYetValid { .. } => "not yet valid",
        ErrorKind::ScopeMismatch { .. } => "scope",
        ErrorKind::PayloadHashMismatch => "payload",
        _ => "other",
    }
}

#[test]
fn requests_from_three_signers_verify() {
    let settings = VerifySettings::default();
    let mut report = Vec::new();
    for signer in ["botocore", "smithy", "aws4"] {
        let cases = load(signer);
        assert!(cases.len() >= 1000, "{signer}: only {} cases", cases.len());
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|c| {
                verify(c, &settings, c.time)
                    .err()
                    .map(|e| format!("{}: {e} {:?}", c.id, e.kind()))
            })
            .collect();
        assert!(
            failures.is_empty(),
            "{signer}: {} of {} do not verify; first:\n{}",
            failures.len(),
            cases.len(),
            failures
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
        report.push(format!("{signer} {}", cases.len()));
    }
    println!("verify: all requests verify ({})", report.join(", "));
}

#[test]
fn mutations_of_signed_requests_are_refused() {
    let mut count = 0;
    for signer in ["botocore", "smithy", "aws4"] {
        for case in load(signer).iter().take(300) {
            let settings = VerifySettings::default();
            let now = case.time;
            let refuse = |label: &str,
                          changed: &Case,
                          settings: &VerifySettings,
                          now: SigningTime,
                          want: &[&str]| {
                match verify(changed, settings, now) {
                    Ok(_) => panic!("{} {label}: accepted", case.id),
                    Err(e) => assert!(want.contains(&reason(&e)), "{} {label}: {e}", case.id),
                }
            };
            let clone = || Case {
                id: case.id.clone(),
                method: case.method.clone(),
                target: case.target.clone(),
                headers: case.headers.clone(),
                body: case.body.clone(),
                creds: case.creds.clone(),
                time: case.time,
                query: case.query,
            };
            // An unsigned header added changes nothing.
            let mut extra = clone();
            extra.headers.push(("X-Unsigned-Extra".into(), "1".into()));
            verify(&extra, &settings, now)
                .unwrap_or_else(|e| panic!("{}: an unsigned header broke it: {e}", case.id));
            // The signature, one bit.
            let mut bad = clone();
            if case.query {
                let at =
                    bad.target.find("X-Amz-Signature=").expect("sig") + "X-Amz-Signature=".len();
                let c = if &bad.target[at..=at] == "0" {
                    "1"
                } else {
                    "0"
                };
                bad.target.replace_range(at..=at, c);
            } else {
                let auth = bad
                    .headers
                    .iter_mut()
                    .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
                    .expect("auth");
                let last = auth.1.pop().expect("c");
                auth.1.push(if last == '0' { '1' } else { '0' });
            }
            refuse("signature bit", &bad, &settings, now, &["signature"]);
            // A signed header (host), a query parameter, the path, the method.
            let mut bad = clone();
            bad.headers
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case("host"))
                .expect("host")
                .1
                .push('x');
            refuse("host", &bad, &settings, now, &["signature"]);
            let mut bad = clone();
            bad.target.push_str(if bad.target.contains('?') {
                "&zzq=1"
            } else {
                "?zzq=1"
            });
            refuse("query", &bad, &settings, now, &["signature"]);
            let mut bad = clone();
            // At the path's end: a dot segment could swallow a change at its start.
            let at = bad.target.find('?').unwrap_or(bad.target.len());
            bad.target.insert_str(at, "zz9");
            refuse("path", &bad, &settings, now, &["signature"]);
            let mut bad = clone();
            bad.method = if bad.method == "PATCH" {
                "POST".into()
            } else {
                "PATCH".into()
            };
            refuse("method", &bad, &settings, now, &["signature"]);
            // A body byte, when the body is signed (not UNSIGNED-PAYLOAD).
            let unsigned = case.target.contains("UNSIGNED-PAYLOAD")
                || case.headers.iter().any(|(_, v)| v == "UNSIGNED-PAYLOAD")
                || (case.query
                    && !case.target.contains("X-Amz-Content-Sha256")
                    && case.target.contains("aws4_request")
                    && is_s3(case));
            if !case.body.is_empty() && !unsigned {
                let mut bad = clone();
                bad.body[0] ^= 1;
                refuse("body byte", &bad, &settings, now, &["signature", "payload"]);
            }
            // Time: beyond the skew, or after the presigned URL's expiry.
            if case.query {
                let expires = expires_of(&case.target);
                let after =
                    SigningTime::from_unix_seconds(case.time.unix_seconds() + expires).expect("t");
                refuse("expired", case, &settings, after, &["expired"]);
            } else {
                let later =
                    SigningTime::from_unix_seconds(case.time.unix_seconds() + 901).expect("t");
                refuse("skew", case, &settings, later, &["skew"]);
            }
            // Region or service not accepted here.
            let mut only = settings.clone();
            only.regions = Some(vec!["zz-nowhere-1".into()]);
            refuse("region", case, &only, now, &["scope"]);
            let mut only = settings.clone();
            only.services = Some(vec!["zz-none".into()]);
            refuse("service", case, &only, now, &["scope"]);
            count += 1;
        }
    }
    println!(
        "verify: {count} signed requests, each mutated 9 ways, every mutation refused for the right reason"
    );
}

fn is_s3(case: &Case) -> bool {
    case.target.contains("%2Fs3%2Faws4_request")
        || case.target.contains("%2Fs3-")
        || case.target.contains("%2Fs3express%2F")
}

fn expires_of(target: &str) -> i64 {
    target
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("X-Amz-Expires="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(3600)
}
