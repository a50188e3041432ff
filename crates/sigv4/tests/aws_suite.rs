//! Every v4 case of AWS's signing test suite, header and query variants: canonical
//! request, string to sign and signature must be byte-identical to the published ones.
//!
//! The suite is read from `$SIGV4_TEST_SUITE` or `../shared/aws-signing-test-suite`
//! beside the repository; it is not copied into the repository.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use sigv4::{
    ContentSha256, Credentials, Payload, Request, Rules, SessionToken, Settings, Signer,
    SigningParams, SigningTime,
};

fn suite_dir() -> PathBuf {
    let dir = std::env::var_os("SIGV4_TEST_SUITE").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/aws-signing-test-suite"),
        PathBuf::from,
    );
    assert!(
        dir.join("v4").is_dir(),
        "AWS signing test suite not found at {}: set SIGV4_TEST_SUITE",
        dir.display()
    );
    dir
}

/// A raw request from `request.txt`: method, target, headers (folded lines unfolded), body.
struct RawRequest {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn parse_request(text: &str) -> RawRequest {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let request_line = lines.next().expect("request line");
    let method = request_line.split(' ').next().expect("method").to_owned();
    let target = request_line[method.len() + 1..]
        .strip_suffix(" HTTP/1.1")
        .expect("HTTP/1.1")
        .to_owned();
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            // obs-fold: the continuation joins the previous value with a space
            let last = headers.last_mut().expect("folded line after a header");
            last.1.push(' ');
            last.1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').expect("header line");
            headers.push((name.to_owned(), value.to_owned()));
        }
    }
    RawRequest {
        method,
        target,
        headers,
        body: body.as_bytes().to_vec(),
    }
}

struct Expected {
    canonical_request: String,
    string_to_sign: String,
    signature: String,
    signed_request: String,
}

fn expected(case: &Path, variant: &str) -> Expected {
    let read = |name: &str| {
        fs::read_to_string(case.join(format!("{variant}-{name}")))
            .unwrap_or_else(|e| panic!("{}: {e}", case.display()))
    };
    Expected {
        canonical_request: read("canonical-request.txt"),
        string_to_sign: read("string-to-sign.txt"),
        signature: read("signature.txt").trim().to_owned(),
        signed_request: read("signed-request.txt"),
    }
}

/// Runs one case in one variant (with the method lower-cased when `lower`) and returns a
/// description of every difference.
fn run_case(case: &Path, variant: &str, lower: bool) -> Vec<String> {
    let ctx: Value =
        serde_json::from_str(&fs::read_to_string(case.join("context.json")).expect("context"))
            .expect("context.json");
    let raw = parse_request(&fs::read_to_string(case.join("request.txt")).expect("request.txt"));
    let c = &ctx["credentials"];
    let mut creds = Credentials::new(
        c["access_key_id"].as_str().expect("akid"),
        c["secret_access_key"].as_str().expect("secret"),
    )
    .expect("credentials");
    if let Some(token) = c["token"].as_str() {
        creds = creds.with_session_token(token);
    }
    let sign_body = ctx["sign_body"].as_bool().unwrap_or(false);
    let mut settings = Settings::default();
    settings.rules = Rules::Generic;
    settings.normalize_path = Some(ctx["normalize"].as_bool().unwrap_or(true));
    settings.session_token = if ctx["omit_session_token"].as_bool().unwrap_or(false) {
        SessionToken::AddedAfterSigning
    } else {
        SessionToken::Signed
    };
    settings.content_sha256 = if sign_body {
        ContentSha256::Always
    } else {
        ContentSha256::Never
    };
    let time = SigningTime::parse(ctx["timestamp"].as_str().expect("timestamp")).expect("time");
    let params = SigningParams::new(
        &creds,
        ctx["region"].as_str().expect("region"),
        ctx["service"].as_str().expect("service"),
        time,
    )
    .expect("params")
    .with_settings(settings);
    let headers: Vec<(&str, &str)> = raw
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let method = if lower {
        raw.method.to_ascii_lowercase()
    } else {
        raw.method.clone()
    };
    let request = Request::from_raw(&method, &raw.target, &headers)
        .expect("request")
        .with_payload(Payload::Bytes(&raw.body));
    let want = expected(case, variant);
    let signer = Signer::new();
    let (steps, proof) = if variant == "header" {
        let signed = signer.sign(&request, &params).expect("sign");
        let auth = signed.authorization().to_owned();
        // The signed request must carry exactly our Authorization header.
        let ok = want
            .signed_request
            .lines()
            .any(|l| l.strip_prefix("Authorization:") == Some(auth.as_str()));
        (
            signed.steps().clone(),
            (!ok).then(|| format!("Authorization {auth:?} not in signed request")),
        )
    } else {
        let expires = ctx["expiration_in_seconds"].as_u64().expect("expiry");
        let url = signer
            .presign(&request, &params, Duration::from_secs(expires))
            .expect("presign");
        // Same set of query parameters as the published signed request.
        let published = want.signed_request.lines().next().expect("request line");
        let published_query = published
            .split_once('?')
            .map(|(_, q)| q.trim_end_matches(" HTTP/1.1"))
            .unwrap_or("");
        let ours_query = url.url().split_once('?').map_or("", |(_, q)| q);
        let mut a: Vec<&str> = published_query.split('&').collect();
        let mut b: Vec<&str> = ours_query.split('&').collect();
        a.sort_unstable();
        b.sort_unstable();
        (
            url.steps().clone(),
            (a != b).then(|| format!("query {ours_query:?} != published {published_query:?}")),
        )
    };
    let mut diffs = Vec::new();
    if steps.canonical_request() != want.canonical_request {
        diffs.push(format!(
            "canonical request:\n--- ours\n{}\n--- AWS\n{}",
            steps.canonical_request(),
            want.canonical_request
        ));
    }
    if steps.string_to_sign() != want.string_to_sign {
        diffs.push(format!(
            "string to sign:\n--- ours\n{}\n--- AWS\n{}",
            steps.string_to_sign(),
            want.string_to_sign
        ));
    }
    if steps.signature() != want.signature {
        diffs.push(format!(
            "signature {} != {}",
            steps.signature(),
            want.signature
        ));
    }
    diffs.extend(proof);
    diffs
}

fn v4_cases() -> Vec<PathBuf> {
    let dir = suite_dir().join("v4");
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("suite dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert_eq!(cases.len(), 38, "the v4 suite has 38 cases");
    cases
}

#[test]
fn every_v4_case_header_and_query() {
    let cases = v4_cases();
    let mut failures = Vec::new();
    let mut passed = 0;
    for case in &cases {
        for variant in ["header", "query"] {
            let diffs = run_case(case, variant, false);
            if diffs.is_empty() {
                passed += 1;
            } else {
                let name = case.file_name().expect("name").to_string_lossy();
                failures.push(format!("{name} [{variant}]\n{}", diffs.join("\n")));
            }
        }
    }
    eprintln!(
        "AWS suite v4: {passed} of {} case variants byte-identical",
        cases.len() * 2
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// A method given in lower case (`get`) signs as the suite's upper-case one, as botocore
/// signs it and as HTTP clients send it: every case, header variant.
#[test]
fn lower_case_methods_sign_as_upper_case_ones() {
    for case in v4_cases() {
        let diffs = run_case(&case, "header", true);
        assert!(diffs.is_empty(), "{}: {diffs:?}", case.display());
    }
}
