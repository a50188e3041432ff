//! `sigv4 verify` on the AWS suite's signed requests: valid ones exit 0, a changed one
//! exits 1 and shows the verifier's canonical request, bad input exits 2; a presigned
//! URL from `sigv4 presign` verifies with --url.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

fn suite() -> PathBuf {
    std::env::var_os("SIGV4_TEST_SUITE").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/aws-signing-test-suite"),
        PathBuf::from,
    )
}

fn sigv4(args: &[&str], stdin: Option<&[u8]>) -> Output {
    common::run_with_example_key(&std::env::temp_dir(), args, stdin.unwrap_or_default())
}

#[test]
fn verify_exit_codes_and_output() {
    let v4 = suite().join("v4");
    let time = "--time=20150830T123600Z";
    for case in [
        "get-vanilla",
        "post-x-www-form-urlencoded",
        "get-vanilla-query-order-key-case",
    ] {
        for variant in ["header", "query"] {
            let file = v4.join(case).join(format!("{variant}-signed-request.txt"));
            let out = sigv4(&["verify", time, file.to_str().expect("path")], None);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{case} {variant}: {}",
                String::from_utf8_lossy(&out.stdout)
            );
            assert!(
                String::from_utf8_lossy(&out.stdout).starts_with("valid: signed by AKIDEXAMPLE")
            );
        }
    }
    let text =
        std::fs::read_to_string(v4.join("get-vanilla/header-signed-request.txt")).expect("read");
    let changed = text.replace("GET / ", "GET /other ");
    let out = sigv4(&["verify", time, "-"], Some(changed.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("invalid: the signature does not match") && stdout.contains("  | /other"),
        "{stdout}"
    );
    let out = sigv4(&["verify", "--json", time, "-"], Some(changed.as_bytes()));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["valid"], false);
    assert!(
        json["canonical_request"]
            .as_str()
            .is_some_and(|c| c.starts_with("GET\n/other\n"))
    );
    let out = sigv4(&["verify", "-"], Some(b"garbage"));
    assert_eq!(out.status.code(), Some(2));
    let out = sigv4(&["verify", "/no/such/file"], None);
    assert_eq!(out.status.code(), Some(2));
    // Too late: clock skew.
    let file = v4.join("get-vanilla/header-signed-request.txt");
    let out = sigv4(
        &[
            "verify",
            "--time=20150830T133600Z",
            file.to_str().expect("path"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("more than the 900 s allowed"));
    // A presigned URL from `sigv4 presign`, checked with --url.
    let out = sigv4(
        &[
            "presign",
            "--service=s3",
            "--region=us-east-1",
            time,
            "https://examplebucket.s3.amazonaws.com/a%20b.txt",
        ],
        None,
    );
    let url = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let out = sigv4(&["verify", "--url", &url, "--time=20150830T124000Z"], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = sigv4(&["verify", "--url", &url, "--time=20150830T140000Z"], None);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expired: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("expired at"));
}

/// The S3 documentation's chunked-upload example as a raw request: valid with its
/// published chunk signatures; one changed byte of the body is refused (exit 1), as S3
/// refuses it, although the seed signature still matches.
#[test]
fn verify_checks_an_aws_chunked_body() {
    let head = "PUT /examplebucket/chunkObject.txt HTTP/1.1\r\nHost: s3.amazonaws.com\r\n\
        x-amz-date: 20130524T000000Z\r\nx-amz-storage-class: REDUCED_REDUNDANCY\r\n\
        Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,\
        SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;\
        x-amz-decoded-content-length;x-amz-storage-class,\
        Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9\r\n\
        x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD\r\nContent-Encoding: aws-chunked\r\n\
        x-amz-decoded-content-length: 66560\r\nContent-Length: 66824\r\n\r\n";
    let mut raw = head.as_bytes().to_vec();
    // (size, published chunk signature): 64 KiB, 1 KiB, then the final empty chunk.
    for (size, signature) in [
        (
            0x10000,
            "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
        ),
        (
            0x400,
            "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
        ),
        (
            0,
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
        ),
    ] {
        raw.extend_from_slice(format!("{size:x};chunk-signature={signature}\r\n").as_bytes());
        raw.extend(std::iter::repeat_n(b'a', size));
        raw.extend_from_slice(b"\r\n");
    }
    let args = [
        "verify",
        "--time=20130524T000000Z",
        "--access-key-id=AKIAIOSFODNN7EXAMPLE",
        "--secret-access-key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "-",
    ];
    let out = sigv4(&args, Some(&raw));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.starts_with("valid: signed by AKIAIOSFODNN7EXAMPLE"),
        "{stdout}"
    );
    let at = head.len() + 5000;
    raw[at] = b'b';
    let out = sigv4(&args, Some(&raw));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("invalid: ") && stdout.contains("chunk"),
        "{stdout}"
    );
}

/// A PUT URL checked without --method fails as GET: the answer says so and how to fix
/// it; with --method PUT it passes. Unparsable input says what it is not once.
#[test]
fn verify_url_names_the_method_it_checked_and_garbage_is_named_once() {
    let time = "--time=20150830T123600Z";
    let url = sigv4(
        &[
            "presign",
            "-X",
            "PUT",
            time,
            "https://examplebucket.s3.amazonaws.com/k.txt",
        ],
        None,
    );
    assert!(url.status.success());
    let url = String::from_utf8_lossy(&url.stdout).trim().to_owned();
    let out = sigv4(&["verify", time, "--url", &url], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("checked as a GET request") && stdout.contains("--method"),
        "{stdout}"
    );
    let out = sigv4(&["verify", time, "--method", "PUT", "--url", &url], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = sigv4(&["verify", time], Some(b"garbage\n"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.matches("not an HTTP/1.1 request").count(),
        1,
        "{stderr}"
    );
}
