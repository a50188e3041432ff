//! `sigv4 curl` against a one-shot server on 127.0.0.1: what goes on the wire.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

const KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "TOKEN-SECRET-123";

fn sigv4(args: &[&str], home: &Path, stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigv4"))
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_SESSION_TOKEN", TOKEN)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sigv4");
    if let Some(input) = stdin {
        std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), input).expect("write");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

/// The values of the header `name` (any case) in a raw HTTP/1.1 request.
fn values<'r>(request: &'r str, name: &str) -> Vec<&'r str> {
    let head = request.split("\r\n\r\n").next().unwrap_or("");
    head.lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .collect()
}

/// -H with a header the signer sets sent it twice, the given one unsigned, and AWS
/// refused the request: the signer's now replace them, with a warning for each.
#[test]
fn curl_sends_one_of_each_signer_header() {
    let home = tempfile::tempdir().expect("temp dir");
    let (port, request) = common::one_shot_server("200 OK", "done");
    let url = format!("http://127.0.0.1:{port}/bucket/key");
    let given = [
        "X-Amz-Date: 20000101T000000Z",
        "authorization: AWS4-HMAC-SHA256 Credential=GIVEN",
        "X-AMZ-SECURITY-TOKEN: GIVEN-TOKEN",
        "x-amz-content-sha256: UNSIGNED-PAYLOAD",
    ];
    let mut args = vec!["curl", "--service=s3", "--region=us-east-1"];
    for h in &given {
        args.extend(["-H", h]);
    }
    args.extend(["-H", "X-Other: kept", &url]);
    let out = sigv4(&args, home.path(), None);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "done");
    let sent = String::from_utf8(request.join().expect("server")).expect("UTF-8 request");
    for name in [
        "authorization",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-content-sha256",
        "x-other",
        "host",
    ] {
        assert_eq!(values(&sent, name).len(), 1, "one {name}:\n{sent}");
    }
    assert_eq!(values(&sent, "x-amz-security-token"), [TOKEN]);
    assert!(
        !sent.contains("GIVEN") && !sent.contains("20000101T"),
        "{sent}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    for name in [
        "X-Amz-Date",
        "authorization",
        "X-AMZ-SECURITY-TOKEN",
        "x-amz-content-sha256",
    ] {
        assert!(
            stderr.contains(&format!(
                "sigv4: warning: the given header {name} was replaced by the signer's"
            )),
            "warning for {name}: {stderr}"
        );
    }
    assert_eq!(stderr.lines().count(), 4, "one line each: {stderr}");
    assert!(
        !stderr.contains("GIVEN") && !stderr.contains(TOKEN),
        "{stderr}"
    );
    // The request as the server saw it is one AWS accepts.
    let verified = sigv4(&["verify", "-"], home.path(), Some(sent.as_bytes()));
    assert_eq!(verified.status.code(), Some(0), "{verified:?}");
}
