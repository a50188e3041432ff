//! `sigv4 serve` under attack: a valid policy and valid multipart requests are signed
//! (and the signatures are right), then hundreds of crafted requests (another bucket, a
//! key outside the prefix, sizes over the maximum or no size range, expiry too long,
//! non-multipart operations, extra headers such as x-amz-copy-source, smuggled
//! newlines, malformed or huge JSON, no bearer token) each get a 4xx and no signature.

mod common;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use sigv4::{SigningKey, SigningTime};

const KEY_ID: &str = "AKIDSERVETEST";
const SECRET: &str = "serveTestSecretKey/0123456789abcdefghij";
const TOKEN: &str = "bearer-token-for-the-test";
const REGION: &str = "eu-west-1";
const HOST: &str = "uploads.s3.eu-west-1.amazonaws.com";

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    start_with(&[], "").0
}

/// Starts serve with these variables added to its environment and these lines added to
/// its rules file; returns it and the lines it logged after the listening line, as they
/// come.
fn start_with(
    vars: &[(&str, &str)],
    more_config: &str,
) -> (Server, std::sync::mpsc::Receiver<String>) {
    static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("sigv4-serve-adv-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let config = dir.join("rules.toml");
    std::fs::write(
        &config,
        format!(
            r#"listen = "127.0.0.1:0"
region = "{REGION}"
key_prefixes = ["user/"]
max_size = 10485760
content_types = ["image/"]
acls = ["private"]
max_expiry_seconds = 3600
max_skew_seconds = 900
bearer_token_env = "SERVE_TEST_TOKEN"
{more_config}
[[bucket]]
name = "uploads"
"#
        ),
    )
    .expect("config");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigv4"))
        .args(["serve", "--config", config.to_str().expect("path")])
        .env_clear()
        .env("HOME", &dir)
        .env("AWS_ACCESS_KEY_ID", KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("SERVE_TEST_TOKEN", TOKEN)
        .envs(vars.iter().copied())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sigv4 serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    let addr = common::serve_address(&first);
    // Keep draining the log so the server never blocks on a full pipe.
    let (send, log) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let _ = send.send(line);
        }
    });
    (Server { child, addr }, log)
}

/// A request whose body never comes is answered 408 after request_timeout_seconds
/// (a security review found such connections held for good).
#[test]
fn a_body_that_never_comes_times_out() {
    let (server, _log) = start_with(&[], "request_timeout_seconds = 1");
    let mut stream = TcpStream::connect(&server.addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let head = format!(
        "POST /sign HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{",
        server.addr
    );
    stream.write_all(head.as_bytes()).expect("head");
    let started = std::time::Instant::now();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// Connections that send half a request head, or nothing at all, are closed after
/// request_timeout_seconds: a slow client can't hold connections for good (the body
/// timeout above starts only once the head has come).
#[test]
fn a_head_that_never_ends_and_an_idle_connection_are_closed() {
    let (server, _log) = start_with(&[], "request_timeout_seconds = 1");
    let half = format!("POST /sign HTTP/1.1\r\nHost: {}\r\nX-Slow: ", server.addr);
    for sent in [half.as_str(), ""] {
        let mut stream = TcpStream::connect(&server.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream.write_all(sent.as_bytes()).expect("head");
        let started = std::time::Instant::now();
        let mut answer = Vec::new();
        let read = stream.read_to_end(&mut answer);
        let waited = started.elapsed();
        assert!(
            read.is_ok() && waited < Duration::from_secs(5),
            "sent {sent:?}: {read:?} after {waited:?}"
        );
    }
    // A keep-alive connection is closed too once it has been idle that long.
    let mut stream = TcpStream::connect(&server.addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let get = format!("GET /health HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr);
    stream.write_all(get.as_bytes()).expect("request");
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    let read = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 200"), "{text:?}");
    assert!(
        read.is_ok() && started.elapsed() < Duration::from_secs(5),
        "{read:?} after {:?}",
        started.elapsed()
    );
}

#[test]
fn temporary_credentials_are_named_at_start_without_the_token() {
    let token = "FwoGZXIvYXdzEXAMPLEsessionTOKEN";
    let (_server, log) = start_with(&[("AWS_SESSION_TOKEN", token)], "");
    let line = log
        .recv_timeout(Duration::from_secs(10))
        .expect("a line after the listening one");
    assert!(line.contains("temporary"), "{line}");
    assert!(line.contains("/presign"), "{line}");
    assert!(!line.contains(token), "{line}");
    let (_server, log) = start_with(&[], "");
    assert!(
        log.recv_timeout(Duration::from_millis(500)).is_err(),
        "long-term keys: nothing more is logged at start"
    );
}

/// POSTs `body` to `path`; returns status and body.
fn post(server: &Server, path: &str, body: &[u8], bearer: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect(&server.addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let auth = bearer
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\nConnection: close\r\n\r\n",
        server.addr,
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("head");
    let _ = stream.write_all(body);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
    (status, body)
}

fn now() -> SigningTime {
    SigningTime::from_system_time(SystemTime::now()).expect("now")
}

/// Sleeps until the system clock starts a new second.
fn start_of_a_second() {
    let into = SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .subsec_nanos();
    std::thread::sleep(Duration::from_nanos(u64::from(1_000_000_000 - into)));
}

fn at(offset: i64) -> SigningTime {
    SigningTime::from_unix_seconds(now().unix_seconds() + offset).expect("time")
}

fn key_for(t: SigningTime) -> SigningKey {
    SigningKey::derive(SECRET, t.date_stamp(), REGION, "s3")
}

/// A policy within the rules, as Fine Uploader writes one (sizes as strings).
fn good_policy() -> Value {
    let t = now();
    json!({
        "expiration": format!("{}.000Z", at(300).iso8601().trim_end_matches('Z')),
        "conditions": [
            {"acl": "private"},
            {"bucket": "uploads"},
            {"Content-Type": "image/png"},
            {"success_action_status": "200"},
            {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
            {"key": "user/4f0c2f3e.png"},
            {"x-amz-credential": format!("{KEY_ID}/{}/{REGION}/s3/aws4_request", t.date_stamp())},
            {"x-amz-date": t.amz_date()},
            {"x-amz-meta-qqfilename": "cat.png"},
            ["content-length-range", "0", "10485760"],
        ]
    })
}

/// Fine Uploader's v4 multipart string to sign for one request.
fn multipart(
    method: &str,
    uri: &str,
    query: &str,
    headers: &[(&str, &str)],
    t: SigningTime,
) -> String {
    let mut lines: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    lines.sort();
    let canonical_headers: Vec<String> = lines.iter().map(|(n, v)| format!("{n}:{v}")).collect();
    let names: Vec<&str> = lines.iter().map(|(n, _)| n.as_str()).collect();
    format!(
        "AWS4-HMAC-SHA256\n{}\n{}/{REGION}/s3/aws4_request\n{method}\n{uri}\n{query}\n{}\n\n{}\nUNSIGNED-PAYLOAD",
        t.amz_date(),
        t.date_stamp(),
        canonical_headers.join("\n"),
        names.join(";")
    )
}

fn base_headers(t: SigningTime) -> Vec<(&'static str, String)> {
    vec![
        ("host", HOST.to_owned()),
        ("x-amz-content-sha256", "UNSIGNED-PAYLOAD".to_owned()),
        ("x-amz-date", t.amz_date().to_owned()),
    ]
}

fn ask_multipart(
    method: &str,
    uri: &str,
    query: &str,
    extra: &[(&str, &str)],
    t: SigningTime,
) -> Vec<u8> {
    let base = base_headers(t);
    let mut headers: Vec<(&str, &str)> = base.iter().map(|(n, v)| (*n, v.as_str())).collect();
    headers.extend_from_slice(extra);
    json!({"headers": multipart(method, uri, query, &headers, t)})
        .to_string()
        .into_bytes()
}

#[test]
fn signs_what_the_rules_allow_and_nothing_else() {
    let server = start();
    let bearer = Some(TOKEN);
    let t = now();

    // What must be signed, and signed right.
    let policy = good_policy();
    let (status, body) = post(&server, "/sign", policy.to_string().as_bytes(), bearer);
    assert_eq!(status, 200, "a policy within the rules: {body}");
    let answer: Value = serde_json::from_str(&body).expect("JSON");
    let b64 = answer["policy"].as_str().expect("policy");
    assert_eq!(
        answer["signature"].as_str(),
        Some(sigv4::sign_post_policy(&key_for(t), b64).as_str()),
        "the policy signature is HMAC(kSigning, base64)"
    );
    let returned = sigv4::PostPolicy::from_base64(b64).expect("returned policy parses");
    assert_eq!(
        returned.conditions().len(),
        10,
        "what was checked is what is signed"
    );
    let valid_multipart = [
        (
            "POST",
            "/user/big.bin",
            "uploads=",
            vec![
                ("x-amz-acl", "private"),
                ("x-amz-meta-qqfilename", "big.bin"),
            ],
        ),
        (
            "PUT",
            "/user/big.bin",
            "partNumber=1&uploadId=abc.DEF-123_~",
            vec![],
        ),
        (
            "PUT",
            "/user/big.bin",
            "partNumber=10000&uploadId=abc",
            vec![],
        ),
        ("POST", "/user/big.bin", "uploadId=abc", vec![]),
        ("DELETE", "/user/big.bin", "uploadId=abc", vec![]),
        // Temporary credentials: the browser signs the session token too.
        (
            "PUT",
            "/user/big.bin",
            "partNumber=3&uploadId=abc",
            vec![("x-amz-security-token", "FQoGZXIvYXdzEXAMPLE+/=")],
        ),
    ];
    for (method, uri, query, extra) in &valid_multipart {
        let body = ask_multipart(method, uri, query, extra, t);
        let (status, answer) = post(&server, "/sign", &body, bearer);
        assert_eq!(status, 200, "{method} {uri}?{query}: {answer}");
        let asked: Value = serde_json::from_slice(&body).expect("json");
        let asked = asked["headers"].as_str().expect("headers");
        let canonical = asked.splitn(4, '\n').nth(3).expect("canonical");
        let hash = sha_hex(canonical.as_bytes());
        let sts = format!(
            "AWS4-HMAC-SHA256\n{}\n{}/{REGION}/s3/aws4_request\n{hash}",
            t.amz_date(),
            t.date_stamp()
        );
        let got: Value = serde_json::from_str(&answer).expect("json");
        assert_eq!(
            got["signature"].as_str(),
            Some(key_for(t).sign(sts.as_bytes()).as_str())
        );
    }

    // What must be refused.
    // Times here are whole seconds: begin at the start of one, so that the policies made
    // below are checked by the server within the same second they were dated (an
    // expiration 3601 s ahead would otherwise be 3600 s ahead by the server's clock).
    start_of_a_second();
    let mut crafted: Vec<(String, Vec<u8>, Option<&str>)> = Vec::new();
    let mut add_policy =
        |label: String, p: Value| crafted.push((label, p.to_string().into_bytes(), bearer));
    let set = |field: &str, value: Value| {
        let mut p = good_policy();
        let conditions = p["conditions"].as_array_mut().expect("conditions");
        for c in conditions.iter_mut() {
            if c.as_object().is_some_and(|o| o.contains_key(field)) {
                *c = json!({field: value.clone()});
            }
        }
        p
    };
    let replace_condition = |index: usize, with: Value| {
        let mut p = good_policy();
        p["conditions"][index] = with;
        p
    };
    let without = |field: &str| {
        let mut p = good_policy();
        let conditions = p["conditions"].as_array_mut().expect("conditions");
        conditions.retain(|c| !c.as_object().is_some_and(|o| o.contains_key(field)));
        p
    };
    let plus = |extra: Value| {
        let mut p = good_policy();
        p["conditions"]
            .as_array_mut()
            .expect("conditions")
            .push(extra);
        p
    };
    for bucket in ["other", "uploads2", "Uploads", "", "uploads ", "uploads\n"] {
        add_policy(format!("bucket {bucket:?}"), set("bucket", json!(bucket)));
    }
    add_policy(
        "bucket starts-with".into(),
        replace_condition(1, json!(["starts-with", "$bucket", "up"])),
    );
    add_policy("no bucket".into(), without("bucket"));
    add_policy("two buckets".into(), plus(json!({"bucket": "other"})));
    for key in [
        "other/a.png",
        "",
        "use/a.png",
        "User/a.png",
        "/user/a.png",
        "user\n/a.png",
        "admin/user/a.png",
    ] {
        add_policy(format!("key {key:?}"), set("key", json!(key)));
    }
    for prefix in ["", "u", "user", "/", "other/"] {
        add_policy(
            format!("key starts-with {prefix:?}"),
            replace_condition(5, json!(["starts-with", "$key", prefix])),
        );
    }
    add_policy("no key".into(), without("key"));
    add_policy("two keys".into(), plus(json!(["starts-with", "$key", ""])));
    for range in [
        json!(["content-length-range", 0, 10485761]),
        json!(["content-length-range", "0", "99999999999"]),
        json!(["content-length-range", 5, 1]),
        json!(["content-length-range", -1, 10]),
        json!(["content-length-range", 0]),
        json!(["content-length-range", "a", "b"]),
    ] {
        add_policy(format!("range {range}"), replace_condition(9, range));
    }
    {
        let mut p = good_policy();
        p["conditions"].as_array_mut().expect("c").pop();
        add_policy("no size range".into(), p);
    }
    add_policy(
        "two size ranges".into(),
        plus(json!(["content-length-range", 0, 1])),
    );
    for offset in [3601, 7200, 86_400 * 7, -1, -3600] {
        let mut p = good_policy();
        p["expiration"] = json!(format!(
            "{}.000Z",
            at(offset).iso8601().trim_end_matches('Z')
        ));
        add_policy(format!("expiration {offset} s"), p);
    }
    for expiration in [
        json!("tomorrow"),
        json!(12345),
        json!(null),
        json!("2999-01-01T00:00:00.000Z"),
    ] {
        let mut p = good_policy();
        p["expiration"] = expiration.clone();
        add_policy(format!("expiration {expiration}"), p);
    }
    for ct in [
        "text/html",
        "application/x-sh",
        "",
        "imagex/png",
        "text/html\r\nX: y",
    ] {
        add_policy(
            format!("content type {ct:?}"),
            set("Content-Type", json!(ct)),
        );
    }
    for prefix in ["", "im", "text/"] {
        add_policy(
            format!("content type starts-with {prefix:?}"),
            replace_condition(2, json!(["starts-with", "$Content-Type", prefix])),
        );
    }
    for acl in [
        "public-read",
        "public-read-write",
        "authenticated-read",
        "bucket-owner-full-control",
        "",
    ] {
        add_policy(format!("acl {acl:?}"), set("acl", json!(acl)));
    }
    add_policy(
        "acl starts-with".into(),
        replace_condition(0, json!(["starts-with", "$acl", ""])),
    );
    for alg in ["AWS4-HMAC-SHA1", "", "aws4-hmac-sha256"] {
        add_policy(
            format!("algorithm {alg:?}"),
            set("x-amz-algorithm", json!(alg)),
        );
    }
    for cred in [
        format!("OTHERKEY/{}/{REGION}/s3/aws4_request", t.date_stamp()),
        format!("{KEY_ID}/{}/us-east-1/s3/aws4_request", t.date_stamp()),
        format!("{KEY_ID}/{}/{REGION}/iam/aws4_request", t.date_stamp()),
        format!("{KEY_ID}/20000101/{REGION}/s3/aws4_request"),
        String::new(),
    ] {
        add_policy(
            format!("credential {cred:?}"),
            set("x-amz-credential", json!(cred)),
        );
    }
    for date in [
        at(-3600).amz_date().to_owned(),
        at(3600).amz_date().to_owned(),
        "yesterday".to_owned(),
        String::new(),
    ] {
        add_policy(format!("date {date:?}"), set("x-amz-date", json!(date)));
    }
    for field in ["x-amz-algorithm", "x-amz-credential", "x-amz-date"] {
        add_policy(format!("no {field}"), without(field));
    }
    for (field, value) in [
        ("x-amz-website-redirect-location", "/evil"),
        ("x-amz-server-side-encryption", "AES256"),
        ("success_action_redirect", "https://evil.example/"),
        ("x-amz-copy-source", "/other/secret"),
        ("x-amz-security-token", "stolen"),
        ("x-amz-storage-class", "GLACIER"),
        ("x-amz-grant-full-control", "id=123"),
        ("Content-Encoding", "gzip"),
        ("x-amz-meta-evil", "a\nb"),
    ] {
        add_policy(format!("extra field {field}"), plus(json!({field: value})));
    }
    for status in ["302", "301", "500", ""] {
        add_policy(
            format!("success_action_status {status:?}"),
            set("success_action_status", json!(status)),
        );
    }
    add_policy(
        "eq on an unknown op".into(),
        plus(json!(["ends-with", "$key", ".png"])),
    );
    add_policy("extra top-level key".into(), {
        let mut p = good_policy();
        p["extra"] = json!(1);
        p
    });
    // Malformed JSON and bodies.
    for raw in [
        "".to_owned(),
        "{".to_owned(),
        "[]".to_owned(),
        "null".to_owned(),
        "\"a string\"".to_owned(),
        "{\"headers\": 5}".to_owned(),
        "{\"headers\": null}".to_owned(),
        "{\"headers\": [\"a\"]}".to_owned(),
        format!(
            "{{\"expiration\": \"{}\", \"conditions\": {{}}}}",
            at(60).iso8601()
        ),
        format!(
            "{{\"expiration\": \"{}\", \"expiration\": \"{}\", \"conditions\": []}}",
            at(60).iso8601(),
            at(60).iso8601()
        ),
        "[".repeat(10_000),
        format!(
            "{{\"conditions\": [{}], \"expiration\": \"{}\"}}",
            vec!["{\"x-amz-meta-a\": \"b\"}"; 150].join(","),
            at(60).iso8601()
        ),
        format!("{{\"headers\": \"{}\"}}", "A".repeat(20_000)),
        "\u{feff}{}".to_owned(),
    ] {
        crafted.push((
            format!("malformed body {:.40}", raw),
            raw.into_bytes(),
            bearer,
        ));
    }
    crafted.push(("huge body".into(), vec![b' '; 200 * 1024], bearer));
    crafted.push(("invalid UTF-8".into(), vec![0xff, 0xfe, b'{', b'}'], bearer));

    // Multipart requests that are not the four operations, or outside the rules.
    let mut add_mp = |label: String, body: Vec<u8>| crafted.push((label, body, bearer));
    for (method, uri, query) in [
        ("GET", "/user/big.bin", ""),
        ("GET", "/", "list-type=2"),
        ("GET", "/", ""),
        ("DELETE", "/user/big.bin", ""),
        ("PUT", "/user/big.bin", ""),
        ("HEAD", "/user/big.bin", ""),
        ("POST", "/user/big.bin", ""),
        ("POST", "/user/big.bin", "delete="),
        ("PUT", "/user/big.bin", "acl="),
        ("GET", "/user/big.bin", "uploadId=abc"),
        ("GET", "/", "uploads="),
        ("PUT", "/user/big.bin", "partNumber=0&uploadId=abc"),
        ("PUT", "/user/big.bin", "partNumber=10001&uploadId=abc"),
        ("PUT", "/user/big.bin", "partNumber=01&uploadId=abc"),
        ("PUT", "/user/big.bin", "partNumber=x&uploadId=abc"),
        ("PUT", "/user/big.bin", "partNumber=1"),
        ("PUT", "/user/big.bin", "partNumber=1&uploadId="),
        (
            "PUT",
            "/user/big.bin",
            "partNumber=1&uploadId=abc&x-id=CopyObject",
        ),
        ("POST", "/user/big.bin", "uploads=&uploadId=abc"),
        ("POST", "/user/big.bin", "uploads=x"),
        ("DELETE", "/user/big.bin", "uploadId=a%0Ab"),
        ("post", "/user/big.bin", "uploads="),
        ("POST", "/other/big.bin", "uploads="),
        ("POST", "/big.bin", "uploads="),
        ("POST", "/", "uploads="),
        ("POST", "/uploads/user/big.bin", "uploads="),
        ("POST", "/User/big.bin", "uploads="),
    ] {
        add_mp(
            format!("multipart {method} {uri}?{query}"),
            ask_multipart(method, uri, query, &[], t),
        );
    }
    // Each operation on keys outside the prefix, and on other hosts.
    let operations = [
        ("POST", "uploads="),
        ("PUT", "partNumber=2&uploadId=abc"),
        ("POST", "uploadId=abc"),
        ("DELETE", "uploadId=abc"),
    ];
    for (method, query) in operations {
        for uri in [
            "/other/x.bin",
            "/x.bin",
            "/User/x.bin",
            "/%2Fuser/x.bin",
            "/admin/user/x.bin",
        ] {
            add_mp(
                format!("multipart {method} {uri}?{query}"),
                ask_multipart(method, uri, query, &[], t),
            );
        }
        for host in [
            "evil.s3.eu-west-1.amazonaws.com",
            "uploads.s3.us-east-1.amazonaws.com",
            "127.0.0.1",
        ] {
            let base = base_headers(t);
            let headers: Vec<(&str, &str)> = base
                .iter()
                .map(|(n, v)| {
                    if *n == "host" {
                        (*n, host)
                    } else {
                        (*n, v.as_str())
                    }
                })
                .collect();
            let body = json!({"headers": multipart(method, "/user/x.bin", query, &headers, t)});
            add_mp(
                format!("multipart {method} on {host}"),
                body.to_string().into_bytes(),
            );
        }
    }
    for (name, value) in [
        ("x-amz-copy-source", "/uploads/user/other.bin"),
        ("x-amz-copy-source-range", "bytes=0-10"),
        ("x-amz-server-side-encryption", "AES256"),
        ("x-amz-website-redirect-location", "/x"),
        ("x-amz-acl", "public-read"),
        (
            "x-amz-grant-read",
            "uri=http://acs.amazonaws.com/groups/global/AllUsers",
        ),
        ("x-amz-storage-class", "GLACIER"),
        ("x-amz-tagging", "a=b"),
        ("content-type", "text/html"),
        ("authorization", "x"),
        ("range", "bytes=0-1"),
    ] {
        add_mp(
            format!("initiate with {name}"),
            ask_multipart("POST", "/user/big.bin", "uploads=", &[(name, value)], t),
        );
    }
    for (name, value) in [
        ("x-amz-acl", "private"),
        ("x-amz-meta-a", "b"),
        ("content-type", "image/png"),
        ("x-amz-copy-source", "/a/b"),
    ] {
        add_mp(
            format!("upload part with {name}"),
            ask_multipart(
                "PUT",
                "/user/big.bin",
                "partNumber=1&uploadId=abc",
                &[(name, value)],
                t,
            ),
        );
    }
    // Dates and scopes.
    for offset in [-3600, 3600, -1000, 1000] {
        add_mp(
            format!("multipart dated {offset} s"),
            ask_multipart("POST", "/user/big.bin", "uploads=", &[], at(offset)),
        );
    }
    let good = String::from_utf8(ask_multipart("POST", "/user/big.bin", "uploads=", &[], t))
        .expect("utf8");
    let good_sts = serde_json::from_str::<Value>(&good).expect("json")["headers"]
        .as_str()
        .expect("s")
        .to_owned();
    let mut add_sts = |label: &str, sts: String| {
        crafted.push((
            label.to_owned(),
            json!({"headers": sts}).to_string().into_bytes(),
            bearer,
        ));
    };
    let scope_line = format!("{}/{REGION}/s3/aws4_request", t.date_stamp());
    for (label, from, to) in [
        ("algorithm", "AWS4-HMAC-SHA256\n", "AWS4-HMAC-SHA1\n"),
        (
            "scope region",
            scope_line.as_str(),
            &format!("{}/us-east-1/s3/aws4_request", t.date_stamp()),
        ),
        (
            "scope service",
            scope_line.as_str(),
            &format!("{}/{REGION}/iam/aws4_request", t.date_stamp()),
        ),
        (
            "scope date",
            scope_line.as_str(),
            &format!("20000101/{REGION}/s3/aws4_request"),
        ),
        ("host", HOST, "other.s3.eu-west-1.amazonaws.com"),
        ("host case", HOST, "UPLOADS.s3.eu-west-1.amazonaws.com:443x"),
        (
            "signed headers",
            "host;x-amz-content-sha256;x-amz-date",
            "host;x-amz-date",
        ),
        (
            "payload hash",
            "\nUNSIGNED-PAYLOAD",
            "\nSTREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        ),
        ("blank line", "\n\nhost;", "\nhost;"),
        (
            "header date",
            &format!("x-amz-date:{}", t.amz_date()),
            &format!("x-amz-date:{}", at(60).amz_date()),
        ),
        (
            "smuggled newline in a header",
            "x-amz-content-sha256:UNSIGNED-PAYLOAD",
            "x-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-copy-source:/a/b",
        ),
        ("CR", "uploads=\n", "uploads=\r\n"),
        ("NUL", "uploads=\n", "uploads=\u{0}\n"),
        ("upper-case header", "host:", "Host:"),
        (
            "unsorted headers",
            "host:uploads",
            "zz-first:x\nhost:uploads",
        ),
        (
            "repeated header",
            "host:uploads.s3.eu-west-1.amazonaws.com",
            "host:uploads.s3.eu-west-1.amazonaws.com\nhost:uploads.s3.eu-west-1.amazonaws.com",
        ),
        ("no host", &format!("host:{HOST}\n"), ""),
        (
            "second canonical request",
            "UNSIGNED-PAYLOAD",
            "UNSIGNED-PAYLOAD\nGET\n/user/x",
        ),
    ] {
        let changed = good_sts.replacen(from, to, 1);
        assert_ne!(changed, good_sts, "{label}: the change applies");
        add_sts(label, changed);
    }
    add_sts(
        "three lines only",
        good_sts
            .splitn(4, '\n')
            .take(3)
            .collect::<Vec<_>>()
            .join("\n"),
    );
    add_sts("empty", String::new());
    // Without the bearer token, or with a wrong one, even valid requests are refused.
    for (label, token) in [
        ("no bearer token", None),
        ("wrong bearer token", Some("bearer-token-for-the-tesx")),
        ("short bearer token", Some("bearer")),
    ] {
        crafted.push((
            format!("policy, {label}"),
            good_policy().to_string().into_bytes(),
            token,
        ));
        crafted.push((
            format!("multipart, {label}"),
            ask_multipart("POST", "/user/big.bin", "uploads=", &[], t),
            token,
        ));
        crafted.push((
            format!("presign, {label}"),
            json!({"method": "PUT", "key": "user/a.png", "contentType": "image/png"})
                .to_string()
                .into_bytes(),
            token,
        ));
    }

    let mut refused = 0;
    for (label, body, token) in &crafted {
        let path = if label.starts_with("presign") {
            "/presign"
        } else {
            "/sign"
        };
        let (status, answer) = post(&server, path, body, *token);
        assert!(
            (400..500).contains(&status),
            "{label}: expected a 4xx, got {status}: {answer}"
        );
        assert!(
            !answer.contains("signature"),
            "{label}: a signature was given: {answer}"
        );
        refused += 1;
    }
    // Presign requests outside the rules.
    for ask in [
        json!({"method": "PUT", "key": "other/a.png", "contentType": "image/png"}),
        json!({"method": "PUT", "key": "user/a.png", "contentType": "text/html"}),
        json!({"method": "GET", "key": "user/a.png"}),
        json!({"method": "DELETE", "key": "user/a.png"}),
        json!({"method": "PUT", "key": "user/a.png", "contentType": "image/png", "expires": 999_999}),
        json!({"method": "PUT", "key": "user/a.png", "bucket": "other"}),
        json!({"method": "POST", "key": "", "contentType": "image/png"}),
        json!({"method": "PUT", "key": "user/a\n.png", "contentType": "image/png"}),
        json!({"method": "PUT", "key": "user/a.png", "extra": 1}),
        json!({"method": "PUT", "key": "user/a.png", "contentType": "image/png\u{7f}"}),
        json!({"method": "PUT", "key": "user/a.png", "contentType": "imagex/png"}),
        json!({"method": "POST", "key": "user/a.png", "contentType": "text/html"}),
        // Found by a security review: a PUT took any size, dot segments reached other
        // buckets on s3s-fs, a type list passed as its first type.
        json!({"method": "PUT", "key": "user/a.png", "contentType": "image/png"}),
        json!({"method": "PUT", "key": "user/a.png", "contentType": "image/png", "size": 10_485_761}),
        json!({"method": "POST", "key": "user/a.png", "contentType": "image/png", "size": 10_485_761}),
        json!({"method": "PUT", "key": "user/../../other/a.png", "contentType": "image/png", "size": 1}),
        json!({"method": "POST", "key": "user/./a.png", "contentType": "image/png"}),
        json!({"method": "PUT", "key": "user/a.png", "contentType": "image/png,text/html", "size": 1}),
    ] {
        let (status, answer) = post(&server, "/presign", ask.to_string().as_bytes(), bearer);
        assert!(
            (400..500).contains(&status),
            "presign {ask}: {status} {answer}"
        );
        assert!(
            !answer.contains("X-Amz-Signature") && !answer.contains("x-amz-signature"),
            "presign {ask}: {answer}"
        );
        refused += 1;
    }
    // And an allowed presign works, the content type compared as policies compare it:
    // without regard to case.
    for content_type in ["image/png", "Image/PNG"] {
        let ask = json!({"method": "PUT", "key": "user/a.png", "contentType": content_type, "size": 1000});
        let (status, answer) = post(&server, "/presign", ask.to_string().as_bytes(), bearer);
        assert_eq!(status, 200, "{answer}");
        assert!(answer.contains("X-Amz-Signature="), "{answer}");
        // The size is signed: S3 refuses a body of another length.
        assert!(
            answer.contains("X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost"),
            "{answer}"
        );
    }
    assert!(refused >= 200, "only {refused} crafted requests");
    println!("sigv4 serve: {refused} crafted requests, all refused with a 4xx and no signature");
}

fn sha_hex(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A rules file serve cannot use stops it at once (exit 2) with one line naming the
/// file, the line and the reason; a listen address in use is exit 6.
#[test]
fn bad_rules_files_are_refused_in_one_line() {
    let dir = std::env::temp_dir().join(format!("sigv4-serve-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let taken = taken.local_addr().expect("addr").to_string();
    let base =
        "region = \"eu-west-1\"\nkey_prefixes = [\"user/\"]\n[[bucket]]\nname = \"uploads\"\n";
    for (name, text, code, want) in [
        (
            "no-size.toml",
            base.to_owned(),
            2,
            "missing field `max_size`",
        ),
        (
            "long.toml",
            format!("max_size = 10\nmax_expiry_seconds = 99999999\n{base}"),
            2,
            "invalid upload rules: the longest expiry must be 1 s to 604800 s",
        ),
        (
            "typo.toml",
            format!("max_size = 10\nmax_sise = 3\n{base}"),
            2,
            "line 2: unknown field `max_sise`",
        ),
        (
            "no-bucket.toml",
            "max_size = 10\nregion = \"eu-west-1\"\nkey_prefixes = [\"u/\"]\nbucket = []\n"
                .to_owned(),
            2,
            "invalid upload rules: no bucket",
        ),
        (
            "taken.toml",
            format!("listen = \"{taken}\"\nmax_size = 10\n{base}"),
            6,
            "listen on",
        ),
    ] {
        let config = dir.join(name);
        std::fs::write(&config, text).expect("write");
        let out = Command::new(env!("CARGO_BIN_EXE_sigv4"))
            .args(["serve", "--config", config.to_str().expect("path")])
            .env_clear()
            .env("HOME", &dir)
            .env("AWS_ACCESS_KEY_ID", KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{name}: {stderr}");
        assert!(
            stderr.contains(name) || code == 6,
            "{name}: the file is named: {stderr}"
        );
        assert!(stderr.contains(want), "{name}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{name}: {stderr}");
    }
}
