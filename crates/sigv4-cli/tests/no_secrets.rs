//! No output of any subcommand, with or without -v, holds the secret key or a key
//! derived from it (kDate, kRegion, kService, kSigning, in hex or raw); explain and -v
//! do not show the session token either. `curl -v` talks to a one-shot server on
//! 127.0.0.1 that answers like S3 refusing a signature.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const SECRET: &str = "s3cr3tKEYdoNotPrint/0123456789abcdefXYZ";
const TOKEN: &str = "SESSIONtokenDoNotShow0123456789";
const DATE: &str = "20150830";

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
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut buf = [0u8; 65536];
            let _ = stream.read(&mut buf);
            let body = "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error>";
            let _ = write!(
                stream,
                "HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
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
}
