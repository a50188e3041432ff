//! `sigv4 sign` and `sigv4 presign` output used as printed, and checked by the verifier
//! (`sigv4 verify`), never against the signer's own answer: presigned URLs for uploads,
//! `sign --curl` command lines run by a real curl against a socket that records the
//! request, the headers `sign` prints sent as they are, and the examples in `--help`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::thread::JoinHandle;

use serde_json::Value;

const TIME: &str = "--time=20150830T123600Z";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sigv4-sign-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Runs the command in `dir` with the example key in the environment and nothing else.
fn sigv4_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    common::run_with_example_key(dir, args, stdin)
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

// Was: `presign -T FILE` / `-d DATA` kept GET and signed the body's hash.
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

/// Runs `command_line` with sh (curl on PATH) against a socket that answers 200, and
/// returns the request as received.
fn captured(server: JoinHandle<Vec<u8>>, dir: &Path, command_line: &str) -> Vec<u8> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("{command_line} --max-time 15 -sS -o /dev/null"))
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir)
        .output()
        .expect("run sh");
    assert!(
        out.status.success(),
        "{command_line}\ncurl failed: {}",
        text(&out.stderr)
    );
    server.join().expect("server thread")
}

// Was: `sign --curl` printed commands curl did not send as signed.
#[test]
fn sign_curl_commands_send_what_was_signed() {
    let dir = scratch("curl");
    std::fs::write(dir.join("at.txt"), "@other.txt").expect("write");
    std::fs::write(dir.join("other.txt"), "NOT THE BODY").expect("write");
    std::fs::write(dir.join("bin.dat"), b"a\x00b\xff\n'c'").expect("write");
    std::fs::write(dir.join("form.txt"), "x=1\r\ny=2\n").expect("write");
    std::fs::write(dir.join("my file.bin"), b"\x00\x01 put").expect("write");
    let cases: Vec<(Vec<&str>, &[u8])> = vec![
        (vec!["-H", "X-Empty;", "-H", "X-Full: v"], b""),
        (vec!["-d", "@at.txt"], b"@other.txt"),
        (vec!["--data-binary", "@bin.dat"], b"a\x00b\xff\n'c'"),
        (
            vec!["-d", "@form.txt", "-d", "q=it's $HOME"],
            b"x=1y=2&q=it's $HOME",
        ),
        (vec!["--data-binary", "x\n'y' \\ $(id)"], b"x\n'y' \\ $(id)"),
        (vec!["-T", "my file.bin"], b"\x00\x01 put"),
    ];
    for (flags, body) in cases {
        let (port, server) = common::one_shot_server("200 OK", "");
        let url = format!("http://127.0.0.1:{port}/a/b?c=d");
        let mut args = vec![
            "sign",
            "--curl",
            TIME,
            "--service=sts",
            "--region=us-east-1",
        ];
        args.extend(&flags);
        args.push(&url);
        let out = sigv4_in(&dir, &args, b"");
        assert!(out.status.success(), "{flags:?}: {}", text(&out.stderr));
        let line = text(&out.stdout);
        let raw = captured(server, &dir, line.trim());
        assert!(
            raw.ends_with(body),
            "{flags:?}: curl sent\n{}\nnot the body {:?}",
            text(&raw),
            text(body)
        );
        if let Err(said) = verified(&dir, &raw, None) {
            panic!(
                "{flags:?}: {line}\ncurl sent a request that does not verify:\n{}\n{said}",
                text(&raw)
            );
        }
    }
    // Bytes no command line carries, read from standard input: a clear error.
    let out = sigv4_in(
        &dir,
        &[
            "sign",
            "--curl",
            TIME,
            "--data-binary",
            "@-",
            "https://sts.amazonaws.com/",
        ],
        b"a\x00b",
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert_eq!(
        text(&out.stderr).lines().count(),
        1,
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// Was: `sign` left out the Content-Type that -d adds and signs.
#[test]
fn sign_prints_every_header_the_request_needs() {
    let dir = scratch("headers");
    let body = b"Action=GetCallerIdentity&Version=2011-06-15";
    let url = "https://sts.amazonaws.com/";
    let data = std::str::from_utf8(body).expect("text");
    let out = sigv4_in(&dir, &["sign", TIME, "-d", data, url], b"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let headers: Vec<(String, String)> = text(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    let raw = raw_request("POST", "/", &headers, body);
    if let Err(said) = verified(&dir, &raw, None) {
        panic!("sign's headers:\n{}\ndo not verify:\n{said}", text(&raw));
    }

    let out = sigv4_in(&dir, &["sign", "--json", TIME, "-d", data, url], b"");
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut headers = vec![(
        "Host".to_owned(),
        json["host"].as_str().unwrap_or_default().to_owned(),
    )];
    for (name, value) in json["headers"].as_object().into_iter().flatten() {
        headers.push((name.clone(), value.as_str().unwrap_or_default().to_owned()));
    }
    let raw = raw_request("POST", "/", &headers, body);
    if let Err(said) = verified(&dir, &raw, None) {
        panic!(
            "sign --json's headers:\n{}\ndo not verify:\n{said}",
            text(&raw)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The example lines of `sigv4 <command> --help`, continuation lines joined.
fn help_examples(command: &str) -> Vec<String> {
    let dir = std::env::temp_dir();
    let out = sigv4_in(&dir, &[command, "--help"], b"");
    let help = text(&out.stdout);
    let mut examples: Vec<String> = Vec::new();
    let mut continued = false;
    for line in help.lines().map(str::trim) {
        if continued {
            if let Some(last) = examples.last_mut() {
                last.push(' ');
                last.push_str(line);
            }
        } else if line.starts_with("sigv4 ") {
            examples.push(line.to_owned());
        } else {
            continue;
        }
        continued = line.ends_with('\\');
        if let Some(last) = examples.last_mut()
            && continued
        {
            last.pop();
        }
    }
    examples
}

// Was: the third example in `sign --help` exited 4.
#[test]
fn every_sign_and_presign_help_example_runs() {
    let dir = scratch("examples");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_sigv4"));
    let bin_dir = bin.parent().expect("the binary's folder");
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    let mut ran = 0;
    for command in ["sign", "presign"] {
        let examples = help_examples(command);
        assert!(examples.len() >= 2, "{command} --help: {examples:?}");
        for example in examples {
            let out = Command::new("sh")
                .arg("-c")
                .arg(&example)
                .current_dir(&dir)
                .env_clear()
                .env("PATH", &path)
                .env("HOME", &dir)
                .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
                .env("AWS_SECRET_ACCESS_KEY", common::EXAMPLE_SECRET)
                .output()
                .expect("run sh");
            assert!(
                out.status.success(),
                "{example}: exit {:?}: {}",
                out.status.code(),
                text(&out.stderr)
            );
            // The --time example reproduces AWS's get-vanilla test: its signature.
            if example.contains("--time 20150830T123600Z") {
                let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
                assert_eq!(
                    json["signature"],
                    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                    "{example}"
                );
            }
            ran += 1;
        }
    }
    assert!(ran >= 5, "{ran} examples");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Headers given to `presign` with -H are signed into the URL: the JSON lists them and
/// the plain form names them on stderr, since the URL fails without them.
#[test]
fn presign_names_the_headers_the_url_needs() {
    let dir = scratch("presign-headers");
    let url = "https://examplebucket.s3.amazonaws.com/k.txt";
    let base = ["presign", "-X", "PUT", "--time", "20150830T123600Z"];
    let with_type = [&base[..], &["-H", "Content-Type: text/plain", url]].concat();
    let out = sigv4_in(&dir, &[&with_type[..], &["--json"]].concat(), b"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        json["headers"],
        serde_json::json!({"Content-Type": "text/plain"})
    );
    let out = sigv4_in(&dir, &with_type, b"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("X-Amz-SignedHeaders=content-type%3Bhost"));
    assert!(
        text(&out.stderr).contains("Content-Type: text/plain"),
        "{}",
        text(&out.stderr)
    );
    // Nothing to add: nothing said.
    let out = sigv4_in(&dir, &[&base[..], &[url]].concat(), b"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
    let out = sigv4_in(&dir, &[&base[..], &[url, "--json"]].concat(), b"");
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["headers"], serde_json::json!({}));
}

/// Upper-case service or region names are signed as given, with a warning each: AWS's
/// are lower-case, and the server's error would not say so.
#[test]
fn upper_case_scope_names_are_warned_of() {
    let dir = scratch("upper-case-scope");
    let out = sigv4_in(
        &dir,
        &[
            "sign",
            TIME,
            "--service",
            "S3",
            "--region",
            "US-EAST-1",
            "https://h.example/k",
        ],
        b"",
    );
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("--service S3") && stderr.contains("(s3)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--region US-EAST-1") && stderr.contains("(us-east-1)"),
        "{stderr}"
    );
    assert!(
        text(&out.stdout).contains("/US-EAST-1/S3/aws4_request"),
        "{}",
        text(&out.stdout)
    );
    let out = sigv4_in(
        &dir,
        &[
            "sign",
            TIME,
            "--service",
            "s3",
            "--region",
            "us-east-1",
            "https://h.example/k",
        ],
        b"",
    );
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
}
