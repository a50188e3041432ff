//! No output of any subcommand, with or without -v, holds the secret key or a key
//! derived from it (kDate, kRegion, kService, kSigning, in hex or raw); explain and -v
//! do not show the session token either. `curl -v` talks to a one-shot server on
//! 127.0.0.1 that answers like S3 refusing a signature.

mod common;

use std::process::{Command, Output};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const SECRET: &str = "s3cr3tKEYdoNotPrint/0123456789abcdefXYZ";
const TOKEN: &str = "SESSIONtokenDoNotShow0123456789";
const DATE: &str = "20150830";
const REFUSAL: &str = "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error>";

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The secret and every derived key for this scope, as text a leak would contain.
fn forbidden(region: &str, service: &str) -> Vec<String> {
    let k_date = hmac(format!("AWS4{SECRET}").as_bytes(), DATE);
    let k_region = hmac(&k_date, region);
    let k_service = hmac(&k_region, service);
    let k_signing = hmac(&k_service, "aws4_request");
    let mut out = vec![SECRET.to_owned()];
    for key in [k_date, k_region, k_service, k_signing] {
        out.push(key.iter().map(|b| format!("{b:02x}")).collect());
        out.push(key.iter().map(|b| format!("{b:02X}")).collect());
        let b64 = base64(&key);
        out.push(b64.trim_end_matches('=').to_owned());
        out.push(
            b64.replace('+', "-")
                .replace('/', "_")
                .trim_end_matches('=')
                .to_owned(),
        );
    }
    out.push(base64(SECRET.as_bytes()).trim_end_matches('=').to_owned());
    out
}

/// Standard base64 (the CLI has no base64 dependency of its own).
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn run(args: &[&str], with_token: bool) -> Output {
    let home = std::env::temp_dir().join(format!("sigv4-no-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&home).expect("home");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sigv4"));
    cmd.args(args)
        .env_clear()
        .env("HOME", &home)
        .env("AWS_ACCESS_KEY_ID", "AKIDLEAKTEST")
        .env("AWS_SECRET_ACCESS_KEY", SECRET);
    if with_token {
        cmd.env("AWS_SESSION_TOKEN", TOKEN);
    }
    cmd.output().expect("run sigv4")
}

fn check(label: &str, output: &Output, region: &str, service: &str, token_allowed: bool) {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!text.trim().is_empty(), "{label}: no output at all");
    for secret in forbidden(region, service) {
        assert!(
            !text.contains(&secret),
            "{label}: output holds a secret:\n{text}"
        );
    }
    if !token_allowed {
        assert!(
            !text.contains(TOKEN),
            "{label}: output shows the session token:\n{text}"
        );
    }
}

/// Answers one request with S3's SignatureDoesNotMatch, and returns its port.
fn refusing_server() -> u16 {
    common::one_shot_server("403 Forbidden", REFUSAL).0
}

#[test]
fn no_subcommand_prints_a_secret_or_derived_key() {
    let url = "https://examplebucket.s3.amazonaws.com/test.txt";
    let time = "--time=20150830T123600Z";
    let flags = ["--service=s3", "--region=us-east-1"];
    for with_token in [false, true] {
        for (label, args, token_allowed) in [
            ("sign", vec!["sign", time], true),
            ("sign --json", vec!["sign", "--json", time], true),
            ("sign --curl", vec!["sign", "--curl", time], true),
            ("presign", vec!["presign", time], true),
            ("presign --json", vec!["presign", "--json", time], true),
            ("explain", vec!["explain", time], false),
            (
                "explain --presign",
                vec!["explain", "--presign", time],
                false,
            ),
        ] {
            let mut all = args.clone();
            all.extend(flags);
            all.push(url);
            let output = run(&all, with_token);
            assert!(output.status.success(), "{label}: {output:?}");
            check(label, &output, "us-east-1", "s3", token_allowed);
        }
    }
    // curl -v against a server, which refuses: the verbose trace and the error line.
    for with_token in [false, true] {
        let port = refusing_server();
        let target = format!("http://127.0.0.1:{port}/bucket/key");
        let output = run(
            &[
                "curl",
                "-v",
                "-i",
                "--fail",
                "--service=s3",
                "--region=us-east-1",
                "-d",
                "x=1",
                &target,
            ],
            with_token,
        );
        assert_eq!(
            output.status.code(),
            Some(22),
            "curl --fail on 403: {output:?}"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("SignatureDoesNotMatch"),
            "AWS's error shown: {stderr}"
        );
        assert!(
            stderr.contains("canonical request"),
            "-v shows the steps: {stderr}"
        );
        check("curl -v", &output, "us-east-1", "s3", false);
    }
    // Errors (no credentials for a profile, bad URL) do not echo secrets either.
    let output = run(
        &["sign", "--service=s3", "--region=us-east-1", "not a url"],
        true,
    );
    assert_eq!(output.status.code(), Some(2));
    check("bad URL", &output, "us-east-1", "s3", false);
    // presign-post (JSON and HTML) and verify (valid and invalid, text and JSON).
    for with_token in [false, true] {
        for html in [false, true] {
            let mut args = vec![
                "presign-post",
                "--bucket",
                "examplebucket",
                "--key",
                "k.txt",
                "--region",
                "us-east-1",
                time,
            ];
            if html {
                args.push("--html");
            }
            let output = run(&args, with_token);
            assert!(output.status.success(), "presign-post: {output:?}");
            check("presign-post", &output, "us-east-1", "s3", true);
        }
        let presigned = run(&["presign", time, flags[0], flags[1], url], with_token);
        let signed_url = String::from_utf8_lossy(&presigned.stdout).trim().to_owned();
        for (label, target) in [
            ("valid", signed_url.clone()),
            ("invalid", signed_url.replace("test.txt", "other.txt")),
        ] {
            for json in [false, true] {
                let mut args = vec![
                    "verify",
                    "--url",
                    target.as_str(),
                    "--time=20150830T123700Z",
                ];
                if json {
                    args.push("--json");
                }
                let output = run(&args, with_token);
                assert!(
                    output.status.code().is_some_and(|c| c <= 1),
                    "verify {label}: {output:?}"
                );
                check("verify", &output, "us-east-1", "s3", false);
            }
        }
    }
}

/// `diagnose` shows canonical requests and strings to sign, which may hold the session
/// token, and checks the signature with the secret: neither may show.
#[test]
fn diagnose_prints_no_secret_or_token() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cr = format!(
        "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nx-amz-content-sha256:UNSIGNED-PAYLOAD\n\
         x-amz-date:20150830T123600Z\nx-amz-security-token:{TOKEN}\n\n\
         host;x-amz-content-sha256;x-amz-date;x-amz-security-token\nUNSIGNED-PAYLOAD"
    );
    let mine = cr.replace("GET\n/test.txt\n\n", "GET\n/test.txt\n");
    let hex = |s: &str| {
        s.bytes()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let xml = format!(
        "<Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>{cr}</CanonicalRequest>\
         <CanonicalRequestBytes>{}</CanonicalRequestBytes><AWSAccessKeyId>AKIDLEAKTEST</AWSAccessKeyId></Error>",
        hex(&cr)
    );
    let raw = format!(
        "GET /test.txt HTTP/1.1\r\nHost: examplebucket.s3.amazonaws.com\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\n\
         X-Amz-Date: 20150830T123600Z\r\nX-Amz-Security-Token: {TOKEN}\r\nAuthorization: AWS4-HMAC-SHA256 \
         Credential=AKIDLEAKTEST/{DATE}/us-east-1/s3/aws4_request, \
         SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature={}\r\n\r\n",
        "0".repeat(64)
    );
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        p.to_string_lossy().into_owned()
    };
    let (resp, mine, raw, theirs_ok) = (
        write("error.xml", &xml),
        write("mine.txt", &mine),
        write("sent.http", &raw),
        write("same.txt", &cr),
    );
    let time = "--time=20150830T123700Z";
    for (label, args) in [
        (
            "diagnose",
            vec![
                "diagnose",
                "--response",
                &resp,
                "--canonical-request",
                &mine,
                "--request",
                &raw,
                time,
            ],
        ),
        (
            "diagnose --json",
            vec![
                "diagnose",
                "--json",
                "--response",
                &resp,
                "--canonical-request",
                &mine,
                "--request",
                &raw,
                time,
            ],
        ),
        (
            "diagnose, strings match",
            vec![
                "diagnose",
                "--response",
                &resp,
                "--canonical-request",
                &theirs_ok,
                "--request",
                &raw,
                time,
            ],
        ),
        (
            "diagnose --json, strings match",
            vec![
                "diagnose",
                "--json",
                "--canonical-request",
                &theirs_ok,
                "--request",
                &raw,
                time,
            ],
        ),
    ] {
        let output = run(&args, true);
        assert!(output.status.success(), "{label}: {output:?}");
        check(label, &output, "us-east-1", "s3", false);
    }
}

/// A session token in the URL's own query is shown as `<redacted>` on every line: the
/// request line of `curl -v` and the first line of `explain`, as in the canonical request.
#[test]
fn query_session_token_is_redacted_in_curl_v_and_explain() {
    let flags = ["--service=s3", "--region=us-east-1"];
    let query = format!("/bucket/key?X-Amz-Security-Token={TOKEN}&a=b");
    let port = refusing_server();
    let target = format!("http://127.0.0.1:{port}{query}");
    let output = run(&["curl", "-v", flags[0], flags[1], &target], true);
    assert_eq!(output.status.code(), Some(0), "curl -v: {output:?}");
    check(
        "curl -v, token in the query",
        &output,
        "us-east-1",
        "s3",
        false,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "> GET http://127.0.0.1:{port}/bucket/key?X-Amz-Security-Token=<redacted>&a=b"
        )),
        "request line redacted: {stderr}"
    );
    let target = format!("https://examplebucket.s3.amazonaws.com{query}");
    let output = run(&["explain", "--time=20150830T123600Z", &target], true);
    assert!(output.status.success(), "explain: {output:?}");
    check(
        "explain, token in the query",
        &output,
        "us-east-1",
        "s3",
        false,
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with(
            "Signing GET https://examplebucket.s3.amazonaws.com/bucket/key?X-Amz-Security-Token=<redacted>&a=b\n"
        ),
        "first line redacted: {stdout}"
    );
}
