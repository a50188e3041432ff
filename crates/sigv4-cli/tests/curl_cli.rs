//! `sigv4 curl` against a one-shot server on 127.0.0.1: what goes on the wire, and what
//! happens to `-o FILE` when the server refuses.

mod common;

use std::path::Path;
use std::process::Output;

const KEY: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "TOKEN-SECRET-123";

fn sigv4(args: &[&str], home: &Path, stdin: Option<&[u8]>) -> Output {
    let vars = [
        ("AWS_ACCESS_KEY_ID", KEY),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SESSION_TOKEN", TOKEN),
    ];
    common::run_in(home, args, &vars, stdin.unwrap_or_default())
}

/// `sigv4 curl --service=s3 --region=us-east-1 FLAGS... URL` in `home`.
fn curl_s3(home: &Path, flags: &[&str], url: &str) -> Output {
    let args = [
        &["curl", "--service=s3", "--region=us-east-1"],
        flags,
        &[url],
    ]
    .concat();
    sigv4(&args, home, None)
}

/// What a one-shot server received, once `sigv4 verify` (same keys) has accepted it: the
/// request as the server saw it is one AWS accepts.
fn received_and_verified(home: &Path, request: std::thread::JoinHandle<Vec<u8>>) -> String {
    let sent = String::from_utf8(request.join().expect("server")).expect("UTF-8 request");
    let verified = sigv4(&["verify", "-"], home, Some(sent.as_bytes()));
    assert_eq!(verified.status.code(), Some(0), "{verified:?}\n{sent}");
    sent
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
    args.extend(["-H", "X-Other: kept", "-H", "User-Agent: mine/1.0", &url]);
    let out = sigv4(&args, home.path(), None);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "done");
    let sent = received_and_verified(home.path(), request);
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
    // A given User-Agent is sent instead of the command's own (it is never signed).
    assert_eq!(values(&sent, "user-agent"), ["mine/1.0"]);
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
}

/// `--fail -o FILE` on an HTTP error emptied an existing FILE; as curl, it is now left
/// as it was (and not created when missing). Without --fail the error body is written.
#[test]
fn curl_fail_leaves_the_output_file_alone() {
    let home = tempfile::tempdir().expect("temp dir");
    let keep = home.path().join("keep.txt");
    let fresh = home.path().join("fresh.txt");
    std::fs::write(&keep, "keep me").expect("write");
    let refusal = "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";
    for file in [&keep, &fresh] {
        let (port, _) = common::one_shot_server("403 Forbidden", refusal);
        let url = format!("http://127.0.0.1:{port}/bucket/key");
        let path = file.to_str().expect("path");
        let out = curl_s3(home.path(), &["--fail", "-o", path], &url);
        assert_eq!(out.status.code(), Some(22), "{out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .contains("sigv4: HTTP 403 Forbidden: AccessDenied: Access Denied"),
            "{out:?}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(&keep).ok().as_deref(),
        Some("keep me")
    );
    assert!(!fresh.exists(), "--fail created {}", fresh.display());
    let (port, _) = common::one_shot_server("403 Forbidden", refusal);
    let url = format!("http://127.0.0.1:{port}/bucket/key");
    let path = keep.to_str().expect("path");
    let out = curl_s3(home.path(), &["-o", path], &url);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(&keep).ok().as_deref(),
        Some(refusal)
    );
}

/// `sign` (plain and --curl) with -H X-Amz-Date: the printed request carries the signed
/// date only, with the same warning as `curl`.
#[test]
fn sign_prints_one_of_each_signer_header() {
    let home = tempfile::tempdir().expect("temp dir");
    for output in [None, Some("--curl")] {
        let mut args = vec!["sign", "--service=s3", "--region=us-east-1"];
        args.extend(output);
        args.extend([
            "-H",
            "X-Amz-Date: 20000101T000000Z",
            "http://127.0.0.1:9/b/k",
        ]);
        let out = sigv4(&args, home.path(), None);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            stdout.to_ascii_lowercase().matches("x-amz-date:").count(),
            1,
            "{output:?}: {stdout}"
        );
        assert!(!stdout.contains("20000101T"), "{output:?}: {stdout}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("the given header X-Amz-Date was replaced by the signer's"),
            "{output:?}: {stderr}"
        );
    }
}

/// A server that takes the connection and never answers: `--max-time` gives up, exit 6
/// with one line (there was no limit at all before); bad values are usage errors.
#[test]
fn max_time_gives_up_on_a_server_that_never_answers() {
    let home = tempfile::tempdir().expect("temp dir");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let held = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        std::thread::sleep(std::time::Duration::from_secs(4));
        drop(stream);
    });
    let url = format!("http://127.0.0.1:{port}/bucket/key");
    let started = std::time::Instant::now();
    let out = curl_s3(home.path(), &["-m", "1.5"], &url);
    let waited = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("--max-time 1.5 s"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(waited < std::time::Duration::from_secs(6), "{waited:?}");
    for bad in ["0", "-1", "soon", "inf"] {
        for flag in ["--max-time", "--connect-timeout"] {
            let given = format!("{flag}={bad}");
            let out = sigv4(&["curl", &given, &url], home.path(), None);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{flag} {bad}: {stderr}");
            assert!(
                stderr.contains("number of seconds"),
                "{flag} {bad}: {stderr}"
            );
        }
    }
    let _ = held.join();
}

/// `-o -` writes to standard output, as curl does (it created a file named '-').
#[test]
fn output_dash_is_standard_output() {
    let home = tempfile::tempdir().expect("temp dir");
    let (port, _) = common::one_shot_server("200 OK", "the body");
    let url = format!("http://127.0.0.1:{port}/bucket/key");
    let out = curl_s3(home.path(), &["-o", "-"], &url);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "the body");
    assert!(!home.path().join("-").exists());
}

/// -I sends a signed HEAD and prints the status line and headers, not the body.
#[test]
fn head_sends_head_and_prints_the_headers() {
    let home = tempfile::tempdir().expect("temp dir");
    let (port, request) = common::one_shot_server("200 OK", "the body");
    let url = format!("http://127.0.0.1:{port}/bucket/key");
    let out = curl_s3(home.path(), &["-I"], &url);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("HTTP/1.1 200 OK\r\n"), "{stdout}");
    assert!(stdout.contains("content-length: 8\r\n"), "{stdout}");
    assert!(!stdout.contains("the body"), "{stdout}");
    let sent = received_and_verified(home.path(), request);
    assert!(sent.starts_with("HEAD /bucket/key HTTP/1.1\r\n"), "{sent}");
    // -I with another method or a body is refused before anything is sent.
    let out = curl_s3(home.path(), &["-I", "-X", "GET"], &url);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

/// --data-raw sends its text as -d does, "@" included, and signs it.
#[test]
fn data_raw_sends_an_at_sign_as_text() {
    let home = tempfile::tempdir().expect("temp dir");
    let (port, request) = common::one_shot_server("200 OK", "done");
    let url = format!("http://127.0.0.1:{port}/");
    let out = sigv4(
        &[
            "curl",
            "--service=sqs",
            "--region=us-east-1",
            "--data-raw",
            "@MessageBody=hi",
            "--data-raw",
            "b=2",
            &url,
        ],
        home.path(),
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let sent = received_and_verified(home.path(), request);
    assert!(sent.starts_with("POST / HTTP/1.1\r\n"), "{sent}");
    assert!(sent.ends_with("\r\n\r\n@MessageBody=hi&b=2"), "{sent}");
    assert_eq!(
        values(&sent, "content-type"),
        ["application/x-www-form-urlencoded"]
    );
}

/// A TLS server on 127.0.0.1 with a self-signed certificate (tests/common/tls) that
/// answers the first request it reads in full; handshakes the client refuses are
/// skipped. Gives the port and, when joined, the request.
fn self_signed_tls_server() -> (u16, std::thread::JoinHandle<Vec<u8>>) {
    use std::io::{Read, Write};
    use std::sync::Arc;
    let cert =
        rustls::pki_types::CertificateDer::from(include_bytes!("common/tls/cert.der").to_vec());
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(
        include_bytes!("common/tls/key.der").to_vec().into(),
    );
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .expect("certificate");
    let config = Arc::new(config);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let handle = std::thread::spawn(move || {
        for _ in 0..4 {
            let Ok((tcp, _)) = listener.accept() else {
                break;
            };
            let _ = tcp.set_read_timeout(Some(std::time::Duration::from_secs(10)));
            let conn = rustls::ServerConnection::new(config.clone()).expect("connection");
            let mut stream = rustls::StreamOwned::new(conn, tcp);
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            if request.is_empty() {
                continue; // the client refused the certificate
            }
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecure",
            );
            let _ = stream.flush();
            stream.conn.send_close_notify();
            let _ = stream.flush();
            return request;
        }
        Vec::new()
    });
    (port, handle)
}

/// -k takes a self-signed certificate (a local S3-compatible store); without it, the
/// certificate is refused and the message says what -k does.
#[test]
fn insecure_takes_a_self_signed_certificate() {
    let home = tempfile::tempdir().expect("temp dir");
    let (port, request) = self_signed_tls_server();
    let url = format!("https://127.0.0.1:{port}/bucket/key");
    let refused = curl_s3(home.path(), &[], &url);
    assert_eq!(refused.status.code(), Some(6), "{refused:?}");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("invalid peer certificate") && stderr.contains("curl -k takes any"),
        "{stderr}"
    );
    let out = curl_s3(home.path(), &["-k"], &url);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "secure");
    let sent = received_and_verified(home.path(), request);
    assert!(sent.starts_with("GET /bucket/key HTTP/1.1\r\n"), "{sent}");
}

/// https:// to a plain-HTTP server: rustls's "corrupt message" comes with what it means.
#[test]
fn https_to_a_plain_http_server_says_so() {
    let home = tempfile::tempdir().expect("temp dir");
    // Answers in plain HTTP as soon as the client speaks (its TLS hello).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let server = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut stream, _) = listener.accept().expect("accept");
        let mut hello = [0u8; 512];
        let _ = stream.read(&mut hello);
        let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    });
    let url = format!("https://127.0.0.1:{port}/bucket/key");
    let out = curl_s3(home.path(), &["-m", "10"], &url);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("is the URL http://"), "{stderr}");
    let _ = server.join();
}
