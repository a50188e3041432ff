//! `sigv4 sign` and `sigv4 presign` output used as printed, and checked by the verifier
//! (`sigv4 verify`), never against the signer's own answer: presigned URLs for uploads,
//! `sign --curl` command lines run by a real curl against a socket that records the
//! request, the headers `sign` prints sent as they are, and the examples in `--help`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TIME: &str = "--time=20150830T123600Z";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sigv4-sign-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Runs the command in `dir` with the example key in the environment and nothing else.
fn sigv4_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigv4"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("HOME", dir)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sigv4");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `sigv4 verify` at the signing time: a raw request (`url` None) or a presigned URL.
fn verified(dir: &Path, raw: &[u8], url: Option<(&str, &str)>) -> Result<String, String> {
    let out = match url {
        Some((method, url)) => sigv4_in(
            dir,
            &["verify", TIME, "--method", method, "--url", url],
            b"",
        ),
        None => sigv4_in(dir, &["verify", TIME, "-"], raw),
    };
    let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
    if out.status.success() && said.starts_with("valid: ") {
        Ok(said)
    } else {
        Err(said)
    }
}

/// A raw HTTP/1.1 request from its parts, as a server receives it.
fn raw_request(method: &str, target: &str, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let mut raw = format!("{method} {target} HTTP/1.1\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut raw = raw.into_bytes();
    raw.extend_from_slice(body);
    raw
}

// Issue 1: `presign -T FILE` / `-d DATA` kept GET and signed the body's hash.
#[test]
fn presign_method_follows_the_body_and_s3_payload_is_unsigned() {
    let dir = scratch("presign");
    std::fs::write(dir.join("up.bin"), b"upload\x00\xff").expect("write");
    let s3 = "https://bucket.s3.us-east-1.amazonaws.com/key";
    for (flags, method) in [
        (vec![], "GET"),
        (vec!["-T", "up.bin"], "PUT"),
        (vec!["-d", "a=1"], "POST"),
        (vec!["--data-binary", "@up.bin"], "POST"),
        (vec!["-X", "DELETE", "-d", "a=1"], "DELETE"),
        (vec!["--method", "PATCH", "-T", "up.bin"], "PATCH"),
    ] {
        let mut args = vec!["presign", "--json", TIME];
        args.extend(&flags);
        args.push(s3);
        let out = sigv4_in(&dir, &args, b"");
        assert!(out.status.success(), "{flags:?}: {}", text(&out.stderr));
        let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(json["method"], method, "{flags:?}");
        let url = json["url"].as_str().unwrap_or_default();
        if let Err(said) = verified(&dir, b"", Some((method, url))) {
            panic!("presign {flags:?}: {url} does not verify as {method}:\n{said}");
        }
    }
    // explain --presign signs the same way.
    let out = sigv4_in(&dir, &["explain", "--presign", TIME, "-d", "a=1", s3], b"");
    let shown = text(&out.stdout);
    let url = shown
        .split("6. Presigned URL")
        .nth(1)
        .map(str::trim)
        .unwrap_or_default();
    if let Err(said) = verified(&dir, b"", Some(("POST", url))) {
        panic!("explain --presign -d: {url:?} does not verify as POST:\n{said}");
    }
    // A generic service checks the body it receives against the hash signed.
    let out = sigv4_in(
        &dir,
        &["presign", TIME, "-d", "a=1", "https://sts.amazonaws.com/"],
        b"",
    );
    let url = text(&out.stdout);
    let target = url.trim().trim_start_matches("https://sts.amazonaws.com");
    let headers = [("Host".to_owned(), "sts.amazonaws.com".to_owned())];
    let raw = raw_request("POST", target, &headers, b"a=1");
    if let Err(said) = verified(&dir, &raw, None) {
        panic!("presign -d for sts: {url} with its body does not verify:\n{said}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
