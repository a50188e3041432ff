//! `sigv4 curl` and `sigv4 presign` against servers that check signatures, started on
//! 127.0.0.1 by `scripts/servers.sh start` (which writes target/servers/env.json):
//! moto (SES, Kinesis, STS, S3 with signature checks on) and s3s-fs (S3: header auth,
//! UNSIGNED-PAYLOAD, presigned URLs). Each call is also made with a wrong secret, which
//! the server must refuse, so a pass means the server really checked.
//!
//! With SIGV4_REQUIRE_SERVERS=1 (scripts/test.sh sets it) a missing server fails the
//! tests; otherwise they print a notice and pass vacuously.

mod common;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn servers() -> Option<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/servers/env.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).expect("env.json is JSON")),
        Err(e) => {
            assert!(
                std::env::var("SIGV4_REQUIRE_SERVERS").as_deref() != Ok("1"),
                "{}: {e}: run scripts/servers.sh start",
                path.display()
            );
            eprintln!(
                "skipped: no test servers ({}); run scripts/servers.sh start",
                path.display()
            );
            None
        }
    }
}

fn get<'v>(env: &'v Value, key: &str) -> &'v str {
    env[key]
        .as_str()
        .unwrap_or_else(|| panic!("env.json lacks {key}"))
}

/// s3s-fs's URL, access key ID and secret key, from env.json.
fn s3s(env: &Value) -> (&str, &str, &str) {
    (
        get(env, "SIGV4_S3S_URL"),
        get(env, "SIGV4_S3S_ACCESS_KEY_ID"),
        get(env, "SIGV4_S3S_SECRET_ACCESS_KEY"),
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sigv4-servers-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Runs `sigv4` with these credentials only (HOME is an empty folder).
fn sigv4(args: &[&str], key: &str, secret: &str) -> Output {
    let home = scratch("home");
    Command::new(env!("CARGO_BIN_EXE_sigv4"))
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .output()
        .expect("run sigv4")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Creates `bucket` in s3s-fs with `sigv4 curl`.
fn create_s3s_bucket(env: &Value, bucket: &str) {
    let created = sigv4(
        &[
            "curl",
            "--service=s3",
            "--region=us-east-1",
            "--fail",
            "-s",
            "-X",
            "PUT",
            &format!("{}/{bucket}", get(env, "SIGV4_S3S_URL")),
        ],
        get(env, "SIGV4_S3S_ACCESS_KEY_ID"),
        get(env, "SIGV4_S3S_SECRET_ACCESS_KEY"),
    );
    assert!(created.status.success(), "{}", text(&created.stderr));
}

/// The call succeeds with the right secret and exits 22 (refused) with a wrong one.
fn accepted_and_refused_with_wrong_secret(
    label: &str,
    args: &[&str],
    key: &str,
    secret: &str,
) -> String {
    let ok = sigv4(args, key, secret);
    assert!(
        ok.status.success(),
        "{label}: refused with the right secret: {}\n{}",
        text(&ok.stderr),
        text(&ok.stdout)
    );
    let wrong = format!("{secret}x");
    let bad = sigv4(args, key, &wrong);
    // Refused: the 4xx read (22), or, for an upload, the connection closed by a server
    // that refused it before reading the body (6, said so).
    let stderr = text(&bad.stderr);
    let refused = bad.status.code() == Some(22)
        || (bad.status.code() == Some(6)
            && stderr.contains("closed the connection during the upload"));
    assert!(
        refused,
        "{label}: a wrong secret was not refused: {:?} {stderr}\n{}",
        bad.status.code(),
        text(&bad.stdout)
    );
    text(&ok.stdout)
}

#[test]
fn moto_checks_ses_kinesis_sts_and_s3() {
    let Some(env) = servers() else { return };
    let url = get(&env, "SIGV4_MOTO_URL");
    let key = get(&env, "SIGV4_MOTO_ACCESS_KEY_ID");
    let secret = get(&env, "SIGV4_MOTO_SECRET_ACCESS_KEY");
    let root = format!("{url}/");
    let scope = |service: &'static str| {
        [
            format!("--service={service}"),
            "--region=us-east-1".to_owned(),
        ]
    };
    let run = |label: &str, service: &'static str, extra: &[&str]| {
        let s = scope(service);
        let mut args = vec!["curl", "--fail", "-s", s[0].as_str(), s[1].as_str()];
        args.extend_from_slice(extra);
        accepted_and_refused_with_wrong_secret(label, &args, key, secret)
    };
    let out = run(
        "SES VerifyEmailIdentity",
        "ses",
        &[
            "-d",
            "Action=VerifyEmailIdentity&Version=2010-12-01&EmailAddress=sender%40example.com",
            &root,
        ],
    );
    assert!(out.contains("VerifyEmailIdentityResponse"), "{out}");
    let out = run(
        "SES SendEmail",
        "ses",
        &[
            "-d",
            "Action=SendEmail&Version=2010-12-01&Source=sender%40example.com\
             &Destination.ToAddresses.member.1=to%40example.com\
             &Message.Subject.Data=Hello+there&Message.Body.Text.Data=Signed+by+sigv4%2B+%E2%9C%93",
            &root,
        ],
    );
    assert!(out.contains("MessageId"), "{out}");
    let kinesis = |target: &str, body: &str, label: &str| {
        let header = format!("X-Amz-Target: Kinesis_20131202.{target}");
        run(
            label,
            "kinesis",
            &[
                "-X",
                "POST",
                "-H",
                &header,
                "-H",
                "Content-Type: application/x-amz-json-1.1",
                "--data-binary",
                body,
                &root,
            ],
        )
    };
    // A new stream name each run: the wrong-secret call must not be the one that fails
    // for an existing stream.
    let stream = format!("sigv4-{}", std::process::id());
    kinesis(
        "CreateStream",
        &format!(r#"{{"StreamName":"{stream}","ShardCount":1}}"#),
        "Kinesis CreateStream",
    );
    let out = kinesis(
        "PutRecord",
        &format!(r#"{{"StreamName":"{stream}","Data":"aGVsbG8=","PartitionKey":"pk1"}}"#),
        "Kinesis PutRecord",
    );
    assert!(out.contains("SequenceNumber"), "{out}");
    let out = run(
        "STS GetCallerIdentity",
        "sts",
        &["-d", "Action=GetCallerIdentity&Version=2011-06-15", &root],
    );
    assert!(
        out.contains("<Arn>arn:aws:iam::") && out.contains(":user/"),
        "GetCallerIdentity names the IAM user whose key signed: {out}"
    );
    // S3, path style.
    let bucket = format!("{url}/sigv4-moto-{}", std::process::id());
    run("S3 CreateBucket", "s3", &["-X", "PUT", &bucket]);
    let dir = scratch("moto");
    let file = dir.join("hello.txt");
    std::fs::write(&file, "hello from sigv4\n").expect("write");
    let object = format!("{bucket}/dir/hello%20world.txt");
    run(
        "S3 PutObject",
        "s3",
        &["-T", file.to_str().expect("path"), &object],
    );
    let out = run("S3 GetObject", "s3", &[&object]);
    assert_eq!(out, "hello from sigv4\n");
}

/// s3s-fs: bucket, keys with awkward characters, UNSIGNED-PAYLOAD, presigned URLs.
#[test]
fn s3s_fs_checks_header_auth_and_presigned_urls() {
    let Some(env) = servers() else { return };
    let (url, key, secret) = s3s(&env);
    let flags = ["--service=s3", "--region=us-east-1"];
    let run = |label: &str, extra: &[&str]| {
        let mut args = vec!["curl", "--fail", "-s"];
        args.extend_from_slice(&flags);
        args.extend_from_slice(extra);
        accepted_and_refused_with_wrong_secret(label, &args, key, secret)
    };
    let bucket = format!("{url}/sigv4-s3s-{}", std::process::id());
    run("CreateBucket", &["-X", "PUT", &bucket]);
    let dir = scratch("s3s");
    // Keys as a person writes them in a URL; the core puts them in wire form and signs
    // the path as sent (S3 rules).
    let keys = [
        "plain.txt",
        "with space.txt",
        "plus+sign.txt",
        "percent%25literal.txt",
        "unicode-é-ü-漢字.txt",
        "double//slash.txt",
        "dots/../up.txt",
        "tilde~(paren)!*'.txt",
    ];
    for (i, k) in keys.iter().enumerate() {
        let file = dir.join(format!("body{i}"));
        let body = format!("object {i}: {k}\n");
        std::fs::write(&file, &body).expect("write");
        let object = format!("{bucket}/{k}");
        run(
            &format!("PUT {k}"),
            &["-T", file.to_str().expect("path"), &object],
        );
        let got = run(&format!("GET {k}"), &[&object]);
        assert_eq!(got, body, "GET {k} returns what was put");
        let got = run(
            &format!("GET {k} (UNSIGNED-PAYLOAD)"),
            &["--unsigned-payload", &object],
        );
        assert_eq!(got, body);
    }
    // Writes `body` to `file`, PUTs it with -T to `put_url`, and checks that `get_url`
    // (another spelling of the same key) returns it.
    let put_then_get = |file: &Path, body: &str, put_url: &str, get_url: &str| {
        std::fs::write(file, body).expect("write");
        run(
            &format!("PUT {put_url}"),
            &["-T", file.to_str().expect("path"), put_url],
        );
        let got = run(&format!("GET {get_url}"), &[get_url]);
        assert_eq!(got, body, "{put_url} and {get_url} are one key");
    };
    // Escapes S3 would not write (lower-case hex, an escaped unreserved character or
    // '/', a raw '!' or '@', '+' for a space): S3 checks the signature against the key
    // it decoded, encoded anew, so the command sends and signs that form. Each key is
    // read back by another spelling. (Sent as typed, these were refused with 403.)
    for (i, (typed, same_key)) in [
        ("pct%41.txt", "pctA.txt"),
        ("lower%c3%bc.txt", "lower%C3%BC.txt"),
        ("x%2Fy.txt", "x/y.txt"),
        ("tilde%7e.txt", "tilde~.txt"),
        ("plus+space.txt", "plus%20space.txt"),
        ("at@colon:amp&eq=!.txt", "at%40colon%3Aamp%26eq%3D%21.txt"),
    ]
    .iter()
    .enumerate()
    {
        put_then_get(
            &dir.join(format!("escaped{i}")),
            &format!("escaped {i}\n"),
            &format!("{bucket}/{typed}"),
            &format!("{bucket}/{same_key}"),
        );
    }
    // -T FILE to a URL ending in '/' appends the file's name, percent-encoded: '#', '?'
    // and '%' in it name the object rather than cutting or changing the key.
    for (i, name) in ["rep#1.txt", "q?x.txt", "100%41.txt"].iter().enumerate() {
        let named = dir.join(format!("named{i}"));
        std::fs::create_dir_all(&named).expect("dir");
        put_then_get(
            &named.join(name),
            &format!("named {i}\n"),
            &format!("{bucket}/names/"),
            &format!("{bucket}/names/{}", sigv4::uri_encode(name, true)),
        );
    }
    // `sign --curl` prints a command line that plain curl runs as signed.
    let object = format!("{bucket}/dots/../up.txt");
    let out = sigv4(
        &["sign", "--curl", flags[0], flags[1], &object],
        key,
        secret,
    );
    assert!(out.status.success(), "sign --curl: {}", text(&out.stderr));
    let line = text(&out.stdout);
    let ran = Command::new("sh")
        .arg("-c")
        .arg(format!("{} -s", line.trim()))
        .output()
        .expect("sh");
    assert_eq!(text(&ran.stdout), "object 6: dots/../up.txt\n", "{line}");

    // An upload signed as UNSIGNED-PAYLOAD (no hashing pass).
    let file = dir.join("unsigned");
    std::fs::write(&file, "unsigned upload\n").expect("write");
    let object = format!("{bucket}/unsigned.txt");
    run(
        "PUT UNSIGNED-PAYLOAD",
        &[
            "--unsigned-payload",
            "-T",
            file.to_str().expect("path"),
            &object,
        ],
    );
    assert_eq!(run("GET unsigned.txt", &[&object]), "unsigned upload\n");

    // Presigned PUT and GET, used with plain curl (--path-as-is: send the path as signed).
    let presign = |method: &str, object: &str, secret: &str| {
        let out = sigv4(
            &[
                "presign",
                "--method",
                method,
                "--expires",
                "300",
                flags[0],
                flags[1],
                object,
            ],
            key,
            secret,
        );
        assert!(out.status.success(), "presign: {}", text(&out.stderr));
        text(&out.stdout).trim().to_owned()
    };
    let curl = |args: &[&str]| {
        Command::new("curl")
            .args([
                "-s",
                "-g",
                "--path-as-is",
                "-o",
                "-",
                "-w",
                "\n%{http_code}",
            ])
            .args(args)
            .output()
            .expect("run curl")
    };
    for k in ["presigned.txt", "pre signed+ü.txt"] {
        let object = format!("{bucket}/{k}");
        let file = dir.join("presigned-body");
        std::fs::write(&file, format!("via a presigned URL: {k}\n")).expect("write");
        let put = presign("PUT", &object, secret);
        let out = curl(&["-T", file.to_str().expect("path"), &put]);
        assert!(
            text(&out.stdout).ends_with("\n200"),
            "presigned PUT {k}: {}",
            text(&out.stdout)
        );
        let get = presign("GET", &object, secret);
        let out = curl(&[&get]);
        assert_eq!(
            text(&out.stdout),
            format!("via a presigned URL: {k}\n\n200")
        );
        let bad = presign("GET", &object, &format!("{secret}x"));
        let out = curl(&[&bad]);
        assert!(
            text(&out.stdout).ends_with("\n403"),
            "wrong-secret presigned GET: {}",
            text(&out.stdout)
        );
    }
}

/// A `role_arn` + `source_profile` profile: `sigv4 curl --profile` assumes the role on
/// moto's STS (AWS_ENDPOINT_URL_STS) and signs with the temporary credentials, which
/// moto checks; the second call uses the cached credentials.
#[test]
fn assume_role_profile_works_against_moto() {
    let Some(env) = servers() else { return };
    let url = get(&env, "SIGV4_MOTO_URL");
    let home = scratch("assume-role-home");
    let aws = home.join(".aws");
    std::fs::create_dir_all(&aws).expect("~/.aws");
    std::fs::write(
        aws.join("config"),
        format!(
            "[profile base]\nregion = us-east-1\n\n[profile deploy]\nrole_arn = {}\nsource_profile = base\nrole_session_name = sigv4-test\n",
            get(&env, "SIGV4_MOTO_ROLE_ARN")
        ),
    )
    .expect("config");
    std::fs::write(
        aws.join("credentials"),
        format!(
            "[base]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            get(&env, "SIGV4_MOTO_ACCESS_KEY_ID"),
            get(&env, "SIGV4_MOTO_SECRET_ACCESS_KEY")
        ),
    )
    .expect("credentials");
    let call = || {
        Command::new(env!("CARGO_BIN_EXE_sigv4"))
            .args([
                "curl",
                "--fail",
                "-s",
                "-v",
                "--profile",
                "deploy",
                "--service",
                "sts",
                "--region",
                "us-east-1",
                "-d",
                "Action=GetCallerIdentity&Version=2011-06-15",
                &format!("{url}/"),
            ])
            .env_clear()
            .env("HOME", &home)
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("AWS_ENDPOINT_URL_STS", url)
            .output()
            .expect("run sigv4")
    };
    for round in ["first (AssumeRole)", "second (cached)"] {
        let out = call();
        let stdout = text(&out.stdout);
        let stderr = text(&out.stderr);
        assert!(out.status.success(), "{round}: {stderr}");
        assert!(
            stdout.contains("assumed-role/sigv4-test-role/sigv4-test"),
            "{round}: the caller is the assumed role: {stdout}"
        );
        assert!(
            stderr.contains("x-amz-security-token:<redacted>"),
            "{round}: signed with a session token: {stderr}"
        );
        if round.starts_with("second") {
            assert!(
                stderr.contains("cached"),
                "{round}: from the cache: {stderr}"
            );
        }
    }
}

/// `sigv4 curl -T FILE --chunked` to s3s-fs: every size class, with and without trailing
/// checksums and signed or unsigned chunks; each object read back byte for byte.
#[test]
fn s3s_fs_accepts_chunked_uploads() {
    let Some(env) = servers() else { return };
    let (url, key, secret) = s3s(&env);
    let bucket = format!("{url}/sigv4-chunked-{}", std::process::id());
    let flags = ["--service=s3", "--region=us-east-1", "--fail", "-s"];
    let run = |args: &[&str], secret: &str| {
        let mut all = vec!["curl"];
        all.extend_from_slice(&flags);
        all.extend_from_slice(args);
        sigv4(&all, key, secret)
    };
    assert!(run(&["-X", "PUT", &bucket], secret).status.success());
    let dir = scratch("chunked");
    let sizes = [0usize, 1, 65_536, 65_537, 100 * 1024 * 1024];
    let options: [&[&str]; 4] = [
        &[],
        &["--checksum", "crc32c"],
        &["--checksum", "sha256", "--chunk-size", "8192"],
        &["--unsigned-payload", "--checksum", "crc64nvme"],
    ];
    let mut seed = 0x2026_1123_u32;
    for size in sizes {
        let file = dir.join(format!("body-{size}"));
        let body: Vec<u8> = (0..size)
            .map(|_| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (seed >> 24) as u8
            })
            .collect();
        std::fs::write(&file, &body).expect("write");
        // The 100 MiB body once, with a trailing checksum; the small ones every way.
        let chosen: &[&[&str]] = if size > 1 << 20 {
            &options[1..2]
        } else {
            &options
        };
        for option in chosen {
            let object = format!("{bucket}/chunked-{size}-{}", option.join("-"));
            let mut args = vec!["-T", file.to_str().expect("path"), "--chunked"];
            args.extend_from_slice(option);
            args.push(&object);
            let out = run(&args, secret);
            assert!(
                out.status.success(),
                "PUT {size} bytes {option:?}: {}",
                text(&out.stderr)
            );
            let back = dir.join("back");
            let out = run(&["-o", back.to_str().expect("path"), &object], secret);
            assert!(
                out.status.success(),
                "GET {size} bytes: {}",
                text(&out.stderr)
            );
            let got = std::fs::read(&back).expect("read back");
            assert!(
                got == body,
                "{size} bytes {option:?}: the object read back differs"
            );
            // A wrong secret: the seed signature is refused.
            let bad = format!("{secret}x");
            let out = run(&args, &bad);
            // Refused: the 403 read (22), or the connection closed on the upload by a
            // server that refused it before reading the body (6, said so).
            let stderr = text(&out.stderr);
            let refused = out.status.code() == Some(22)
                || (out.status.code() == Some(6)
                    && stderr.contains("closed the connection during the upload"));
            assert!(
                refused,
                "wrong secret, {size} bytes {option:?}: {:?} {stderr}",
                out.status.code()
            );
        }
    }
}

/// Raw aws-chunked PUTs built with the core and changed on purpose: a corrupted chunk,
/// a wrong trailing checksum, a wrong trailer signature. s3s-fs must refuse each, and
/// accept the unchanged body (so a refusal is about the change).
#[test]
fn s3s_fs_refuses_corrupted_chunked_uploads() {
    use sigv4::{
        ChecksumAlgorithm, ChunkSigner, ChunkedLayout, ChunkedMode, Credentials, Request, Signer,
        SigningParams,
    };
    use std::io::{Read, Write};
    let Some(env) = servers() else { return };
    let (url, key, secret) = s3s(&env);
    let authority = url.trim_start_matches("http://");
    let bucket = format!("sigv4-corrupt-{}", std::process::id());
    create_s3s_bucket(&env, &bucket);
    let body: Vec<u8> = (0..20_000u32).map(|i| (i * 7 % 251) as u8).collect();
    // Sends `mode`'s encoding of `body`, changed by `change`; returns the HTTP status.
    let send = |name: &str, mode: ChunkedMode, change: &dyn Fn(&mut Vec<u8>)| -> u16 {
        let layout = ChunkedLayout::new(body.len() as u64, 8192, mode).expect("layout");
        let headers = layout.headers();
        let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let creds = Credentials::new(key, secret).expect("creds");
        let now = sigv4::SigningTime::from_system_time(std::time::SystemTime::now()).expect("now");
        let params = SigningParams::new(&creds, "us-east-1", "s3", now).expect("params");
        let target = format!("{url}/{bucket}/{name}");
        let request = Request::new("PUT", &target)
            .expect("request")
            .with_headers(&pairs)
            .with_payload(mode.payload());
        let signer = Signer::new();
        let seed = signer.sign(&request, &params).expect("sign");
        let mut wire = ChunkSigner::new(signer.signing_key(&params), seed.steps(), mode)
            .encode_all(&body, 8192)
            .expect("encode");
        change(&mut wire);
        let mut head = format!(
            "PUT /{bucket}/{name} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            request.host().expect("host")
        );
        for (n, v) in headers
            .iter()
            .map(|(n, v)| (*n, v.as_str()))
            .chain(seed.headers())
        {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let mut stream = std::net::TcpStream::connect(authority).expect("connect");
        stream.write_all(head.as_bytes()).expect("send head");
        let _ = stream.write_all(&wire);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let status_line = text(&answer).lines().next().unwrap_or_default().to_owned();
        status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    };
    let signed = ChunkedMode::SignedWithTrailer(ChecksumAlgorithm::Crc32c);
    let unsigned = ChunkedMode::UnsignedWithTrailer(ChecksumAlgorithm::Crc32c);
    assert_eq!(
        send("intact-signed", signed, &|_| {}),
        200,
        "the unchanged signed body"
    );
    assert_eq!(
        send("intact-unsigned", unsigned, &|_| {}),
        200,
        "the unchanged unsigned body"
    );
    // A data byte of the second chunk (signed: its signature no longer matches).
    let corrupt = |w: &mut Vec<u8>| {
        let at = w.len() / 2;
        w[at] ^= 0x55;
    };
    let status = send("corrupt-chunk", signed, &corrupt);
    assert!(
        status >= 400,
        "a corrupted signed chunk was accepted ({status})"
    );
    // Unsigned chunks with a wrong trailing checksum.
    let wrong_checksum = |w: &mut Vec<u8>| {
        let name = b"x-amz-checksum-crc32c:";
        let at = w
            .windows(name.len())
            .rposition(|win| win == name)
            .expect("trailer")
            + name.len();
        w[at] = if w[at] == b'A' { b'B' } else { b'A' };
    };
    let status = send("wrong-checksum", unsigned, &wrong_checksum);
    assert!(
        status >= 400,
        "a wrong trailing checksum was accepted ({status})"
    );
    let status = send("corrupt-unsigned", unsigned, &corrupt);
    assert!(
        status >= 400,
        "corrupted unsigned data with its old checksum was accepted ({status})"
    );
}

/// `sigv4 presign-post` fields used by a plain HTML-form upload (curl -F) to s3s-fs,
/// which checks the policy: a file within the limits is stored, a larger one and one
/// of another content type are refused. (s3s-fs does not expand `${filename}`, so the
/// test uses exact keys.)
#[test]
fn s3s_fs_takes_form_uploads_within_the_policy() {
    let Some(env) = servers() else { return };
    let (url, key, secret) = s3s(&env);
    let bucket = format!("sigv4-post-{}", std::process::id());
    create_s3s_bucket(&env, &bucket);
    let dir = scratch("post");
    let form_upload =
        |object: &str, size: usize, content_type: &str, secret: &str| -> (String, String) {
            let out = sigv4(
                &[
                    "presign-post",
                    "--bucket",
                    &bucket,
                    "--key",
                    object,
                    "--max-size",
                    "1000",
                    "--content-type-prefix",
                    "text/",
                    "--endpoint",
                    url,
                    "--region",
                    "us-east-1",
                ],
                key,
                secret,
            );
            assert!(out.status.success(), "presign-post: {}", text(&out.stderr));
            let answer: Value = serde_json::from_slice(&out.stdout).expect("JSON");
            let file = dir.join(format!("{object}-{size}"));
            std::fs::write(&file, vec![b'p'; size]).expect("write");
            let mut args = vec![
                "-s".to_owned(),
                "-o".into(),
                "-".into(),
                "-w".into(),
                "\n%{http_code}".into(),
            ];
            for (name, value) in answer["fields"].as_object().expect("fields") {
                args.push("-F".into());
                args.push(format!("{name}={}", value.as_str().expect("string")));
            }
            args.push("-F".into());
            args.push(format!("Content-Type={content_type}"));
            args.push("-F".into());
            args.push(format!("file=@{}", file.display()));
            args.push(answer["url"].as_str().expect("url").to_owned());
            let out = Command::new("curl").args(&args).output().expect("curl");
            let all = text(&out.stdout);
            let (body, status) = all.rsplit_once('\n').unwrap_or(("", ""));
            (status.to_owned(), body.to_owned())
        };
    let (status, body) = form_upload("small.txt", 500, "text/plain", secret);
    assert!(
        status.starts_with('2'),
        "a file within the limits: {status} {body}"
    );
    let back = sigv4(
        &[
            "curl",
            "--service=s3",
            "--region=us-east-1",
            "--fail",
            "-s",
            &format!("{url}/{bucket}/small.txt"),
        ],
        key,
        secret,
    );
    assert_eq!(back.stdout, vec![b'p'; 500], "the stored object");
    let (status, body) = form_upload("large.txt", 1001, "text/plain", secret);
    assert!(
        status.starts_with('4'),
        "a file over --max-size: {status} {body}"
    );
    let (status, body) = form_upload("image.txt", 10, "image/png", secret);
    assert!(
        status.starts_with('4'),
        "another content type: {status} {body}"
    );
    let wrong = format!("{secret}x");
    let (status, body) = form_upload("wrong.txt", 10, "text/plain", &wrong);
    assert!(
        status.starts_with('4'),
        "a policy signed with a wrong secret: {status} {body}"
    );
}

/// `sigv4 serve`'s /presign against s3s-fs: a PUT URL signs the size asked for, so a
/// body of that size is stored and a larger one refused (a security review found that
/// a presigned PUT took any size, past the rules' max_size); a key with a `..` segment,
/// which s3s-fs would resolve into another bucket, is refused by serve.
#[test]
fn serve_presigned_put_holds_to_the_size_it_signed() {
    use std::io::{BufRead as _, BufReader, Read as _, Write as _};
    let Some(env) = servers() else { return };
    let (url, key, secret) = s3s(&env);
    let bucket = format!("sigv4-presign-{}", std::process::id());
    create_s3s_bucket(&env, &bucket);
    let dir = scratch("serve-presign");
    let config = dir.join("rules.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:0\"\nregion = \"us-east-1\"\nkey_prefixes = [\"up/\"]\n\
             max_size = 1000\n[[bucket]]\nname = \"{bucket}\"\nendpoint = \"{url}\"\n"
        ),
    )
    .expect("rules");
    /// Stops serve however the test ends.
    struct Serve(std::process::Child);
    impl Drop for Serve {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut serve = Serve(
        Command::new(env!("CARGO_BIN_EXE_sigv4"))
            .args(["serve", "--config", config.to_str().expect("path")])
            .env_clear()
            .env("HOME", &dir)
            .env("AWS_ACCESS_KEY_ID", key)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start serve"),
    );
    let mut log = BufReader::new(serve.0.stderr.take().expect("stderr"));
    let mut first = String::new();
    log.read_line(&mut first).expect("listening line");
    std::thread::spawn(move || for _ in log.lines() {});
    let addr = common::serve_address(&first);
    let presign = |ask: Value| -> (u16, Value) {
        let body = ask.to_string();
        let mut stream = std::net::TcpStream::connect(&addr).expect("connect");
        write!(
            stream,
            "POST /presign HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("send");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("answer");
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let json = answer
            .split_once("\r\n\r\n")
            .and_then(|(_, b)| serde_json::from_str(b).ok())
            .unwrap_or(Value::Null);
        (status, json)
    };
    let put = |presigned: &str, size: usize| -> String {
        let file = dir.join(format!("body-{size}"));
        std::fs::write(&file, vec![b's'; size]).expect("write");
        let out = Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-T"])
            .arg(&file)
            .args(["-H", "Content-Type: text/plain", presigned])
            .output()
            .expect("curl");
        text(&out.stdout)
    };
    let ask = serde_json::json!({"method": "PUT", "key": "up/a.txt", "contentType": "text/plain", "size": 100});
    let (status, answer) = presign(ask);
    assert_eq!(status, 200, "{answer}");
    let presigned = answer["url"].as_str().expect("url").to_owned();
    assert!(
        put(&presigned, 101).starts_with('4'),
        "a larger body than signed"
    );
    assert!(put(&presigned, 100).starts_with('2'), "the size signed");
    let stored = std::fs::read(
        Path::new(get(&env, "SIGV4_S3S_ROOT"))
            .join(&bucket)
            .join("up/a.txt"),
    )
    .expect("stored");
    assert_eq!(stored.len(), 100);
    for ask in [
        serde_json::json!({"method": "PUT", "key": "up/a.txt", "contentType": "text/plain"}),
        serde_json::json!({"method": "PUT", "key": "up/a.txt", "contentType": "text/plain", "size": 1001}),
        serde_json::json!({"method": "PUT", "key": "up/../../other/a.txt", "contentType": "text/plain", "size": 1}),
    ] {
        let (status, answer) = presign(ask.clone());
        assert_eq!(status, 403, "{ask}: {answer}");
    }
}
