//! Bad input gives a typed error, never a panic; secrets never show in Debug, Display
//! or the redacted canonical request.

use std::time::Duration;

use sigv4::{
    Credentials, ErrorKind, Payload, PostForm, Request, SessionToken, Settings, Signer,
    SigningParams, SigningTime,
};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "FwoGZXIvYXdzTOKENVALUE//+=";

fn time() -> SigningTime {
    SigningTime::parse("20150830T123600Z").expect("time")
}

#[test]
fn bad_input_is_a_typed_error() {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET).expect("credentials");
    let params = SigningParams::new(&creds, "us-east-1", "service", time()).expect("params");
    let signer = Signer::new();
    let url = |u| {
        Request::new("GET", u)
            .map(|_| ())
            .expect_err("must be refused")
    };
    for bad in [
        "",
        "example.com/x",
        "ftp://h/",
        "https://",
        "https://h:x/",
        "https://a b/",
    ] {
        assert!(
            matches!(url(bad).kind(), ErrorKind::InvalidUrl { .. }),
            "{bad}"
        );
    }
    for method in ["", "GE T", "GET\n", "PÜT"] {
        let err = Request::new(method, "https://h/").expect_err("must be refused");
        assert!(
            matches!(err.kind(), ErrorKind::InvalidMethod { .. }),
            "{method:?}"
        );
    }
    let sign = |headers: &[(&str, &str)]| {
        let req = Request::new("GET", "https://h/")
            .expect("request")
            .with_headers(headers);
        signer.sign(&req, &params).map(|_| ())
    };
    for name in ["", "a b", "x:y", "ü", "a\n"] {
        let err = sign(&[(name, "v")]).expect_err("must be refused");
        assert!(
            matches!(err.kind(), ErrorKind::InvalidHeaderName { .. }),
            "{name:?}"
        );
    }
    for value in ["a\r\nInjected: 1", "a\nb", "nul\0", "bell\x07", "del\x7f"] {
        let err = sign(&[("x-a", value)]).expect_err("must be refused");
        assert!(
            matches!(err.kind(), ErrorKind::InvalidHeaderValue { .. }),
            "{value:?}"
        );
        assert!(!err.to_string().contains(value), "the value is not echoed");
    }
    // An empty Host, or two: they were signed (`host:`, `host:a,b`), and no server
    // takes such a request.
    for headers in [
        &[("Host", "")][..],
        &[("Host", "  ")],
        &[("Host", "a"), ("host", "b")],
    ] {
        let err = sign(headers).expect_err("must be refused");
        assert!(
            matches!(err.kind(), ErrorKind::InvalidHeaderValue { name, .. } if name.eq_ignore_ascii_case("host")),
            "{headers:?}: {err}"
        );
    }
    assert!(sign(&[("Host", "h")]).is_ok());
    for (region, service) in [
        ("us/east", "s3"),
        ("us east", "s3"),
        ("", "s3"),
        ("r", "s 3"),
        ("r", "s\n"),
        ("r", ""),
    ] {
        let err = SigningParams::new(&creds, region, service, time()).expect_err("must be refused");
        assert!(
            matches!(err.kind(), ErrorKind::InvalidScope { .. }),
            "{region:?} {service:?}"
        );
    }
    let req = Request::new("GET", "https://h/").expect("request");
    for secs in [0.0, 0.5, 1.5, 604_801.0, 1e9] {
        let err = signer
            .presign(&req, &params, Duration::from_secs_f64(secs))
            .expect_err("must be refused");
        assert!(
            matches!(err.kind(), ErrorKind::ExpiryOutOfRange { .. }),
            "{secs}"
        );
        // 1.5 s was reported as "1 s is out of range", hiding the reason.
        let text = err.to_string();
        if secs.fract() != 0.0 {
            assert!(text.contains("is not a whole number of seconds"), "{text}");
        } else {
            assert!(
                text.contains(&format!("{} s is out of range", secs as u64)),
                "{text}"
            );
        }
    }
    assert!(
        signer
            .presign(&req, &params, Duration::from_secs(1))
            .is_ok()
    );
    assert!(
        signer
            .presign(&req, &params, Duration::from_secs(604_800))
            .is_ok()
    );
    let presigned = Request::new("GET", "https://h/?X-Amz-Signature=abc").expect("request");
    let err = signer
        .presign(&presigned, &params, Duration::from_secs(60))
        .expect_err("must be refused");
    assert!(matches!(err.kind(), ErrorKind::QueryConflict { .. }));
    // Header signing refuses a presigned URL too, however its marks are spelled; other
    // X-Amz-* parameters and look-alikes pass.
    for url in [
        "https://h/?X-Amz-Signature=abc",
        "https://h/?a=1&X-Amz-Credential=AKID%2F20150830",
        "https://h/?X-%41mz-Algorithm=AWS4-HMAC-SHA256",
    ] {
        let presigned = Request::new("GET", url).expect("request");
        let err = signer.sign(&presigned, &params).expect_err(url);
        assert!(
            matches!(err.kind(), ErrorKind::AlreadyPresigned { .. }),
            "{url}"
        );
        assert!(err.to_string().contains("presigned already"), "{err}");
    }
    for url in [
        "https://h/?X-Amz-Target=x",
        "https://h/?x-amz-signature-version=2",
        "https://h/?a=X-Amz-Signature",
        "https://h/?a=%41",
    ] {
        let plain = Request::new("GET", url).expect("request");
        assert!(signer.sign(&plain, &params).is_ok(), "{url}");
    }
    let hashed = req.clone().with_payload(Payload::Precomputed("abc"));
    let err = signer.sign(&hashed, &params).expect_err("must be refused");
    assert!(matches!(err.kind(), ErrorKind::InvalidPayloadHash { .. }));
    let raw = Request::from_raw("GET", "/", &[]).expect("request");
    assert!(matches!(
        signer
            .sign(&raw, &params)
            .expect_err("must be refused")
            .kind(),
        ErrorKind::MissingHost
    ));
}

#[test]
fn secrets_never_show() {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET)
        .expect("credentials")
        .with_session_token(TOKEN);
    let signer = Signer::new();
    let headers = [
        ("Authorization", "AWS4-HMAC-SHA256 old"),
        ("X-Amz-Security-Token", TOKEN),
    ];
    let req = Request::new("GET", "https://h.example/p?X-Amz-Security-Token=QTOKEN&a=1")
        .expect("request")
        .with_headers(&headers);
    let mut shown = vec![
        format!("{creds:?}"),
        format!("{signer:?}"),
        format!("{req:?}"),
    ];
    for mode in [SessionToken::Signed, SessionToken::AddedAfterSigning] {
        let mut settings = Settings::default();
        settings.session_token = mode;
        let params = SigningParams::new(&creds, "us-east-1", "s3", time())
            .expect("params")
            .with_settings(settings);
        let signed = signer.sign(&req, &params).expect("sign");
        assert!(
            signed
                .headers()
                .any(|(n, v)| n == "X-Amz-Security-Token" && v == TOKEN)
        );
        shown.push(format!("{signed:?}"));
        shown.push(signed.steps().redacted_canonical_request());
        shown.push(format!("{params:?}"));
        shown.push(format!("{:?}", signer.signing_key(&params)));
        let plain = Request::new("GET", "https://h.example/p").expect("request");
        let url = signer
            .presign(&plain, &params, Duration::from_secs(60))
            .expect("presign");
        assert!(url.url().contains("X-Amz-Security-Token="));
        shown.push(format!("{url:?}"));
        shown.push(url.steps().redacted_canonical_request());
    }
    // POST policies: the form, the policy, its conditions and check's errors.
    let params = SigningParams::new(&creds, "us-east-1", "s3", time()).expect("params");
    let post = signer
        .presign_post(
            &PostForm::new("https://bkt.s3.amazonaws.com/", "bkt", "k.txt"),
            &params,
            Duration::from_secs(600),
        )
        .expect("presign_post");
    assert!(post.fields.iter().any(|(_, v)| v == TOKEN));
    let signature = post
        .fields
        .iter()
        .find(|(n, _)| n == "x-amz-signature")
        .map(|(_, v)| v.clone())
        .expect("signature");
    let form: Vec<(&str, &str)> = post
        .fields
        .iter()
        .filter(|(n, _)| n != "x-amz-security-token")
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let refused = post
        .policy
        .check("bkt", &form, 1, time())
        .expect_err("no token");
    let debug_post = format!("{post:?}");
    assert!(!debug_post.contains(&signature), "{debug_post}");
    // A form that carries a token field (refused when signed) hides it in Debug too.
    let with_token = PostForm::new("https://bkt.s3.amazonaws.com/", "bkt", "k.txt")
        .with_field("X-Amz-Security-Token", TOKEN)
        .with_condition(sigv4::PolicyCondition::equals(
            "x-amz-security-token",
            TOKEN,
        ));
    assert!(
        signer
            .presign_post(&with_token, &params, Duration::from_secs(600))
            .is_err()
    );
    shown.extend([
        format!("{with_token:?}"),
        debug_post,
        format!("{:?}", post.policy),
        format!("{:?}", post.policy.conditions()),
        refused.to_string(),
        format!("{refused:?}"),
    ]);
    let bad = sigv4::PostPolicy::parse(&format!(
        r#"{{"expiration":"2015-08-30T13:00:00.000Z","conditions":[["eq","$x-amz-security-token","{TOKEN}","extra"]]}}"#
    ))
    .expect_err("malformed condition");
    shown.push(bad.to_string());
    // A signed request as received: parsed from its text, then verified.
    let signed = signer
        .sign(
            &Request::new("GET", "https://h.example/p?X-Amz-Security-Token=QTOKEN&a=1")
                .expect("request"),
            &SigningParams::new(&creds, "us-east-1", "s3", time()).expect("params"),
        )
        .expect("sign");
    let mut text =
        String::from("GET /p?X-Amz-Security-Token=QTOKEN&a=1 HTTP/1.1\r\nHost: h.example\r\n");
    for (name, value) in signed.headers() {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    let raw = sigv4::RawRequest::parse(text.as_bytes()).expect("raw");
    let debug_raw = format!("{raw:?}");
    assert!(
        !debug_raw.contains(signed.steps().signature()),
        "{debug_raw}"
    );
    shown.push(debug_raw);
    let verifier = sigv4::Verifier::new(|id: &str| (id == "AKIDEXAMPLE").then(|| creds.clone()));
    let headers: Vec<(&str, &str)> = raw
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let verified = verifier
        .verify(
            &raw.method,
            &raw.target,
            &headers,
            sigv4::ReceivedBody::Bytes(b""),
            time(),
        )
        .expect("verified");
    let debug_verified = format!("{verified:?}");
    assert!(
        !debug_verified.contains(signed.steps().signature()),
        "{debug_verified}"
    );
    shown.push(debug_verified);
    // Diagnosis: the request sent, AWS's error (S3 quotes the canonical request, token
    // and all) and the input.
    let sent = sigv4::SentRequest::from_raw(raw.clone());
    let debug_sent = format!("{sent:?}");
    assert!(
        !debug_sent.contains(signed.steps().signature()),
        "{debug_sent}"
    );
    shown.push(debug_sent);
    let xml = format!(
        "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message>\
         <CanonicalRequest>GET\n/p\nX-Amz-Security-Token=QTOKEN&amp;a=1\nhost:h.example\nx-amz-security-token:{TOKEN}\n\nhost;x-amz-security-token\nUNSIGNED-PAYLOAD</CanonicalRequest></Error>"
    );
    let aws = sigv4::AwsError::parse(&xml);
    assert!(
        aws.canonical_request
            .as_deref()
            .is_some_and(|c| c.contains(TOKEN))
    );
    shown.push(format!("{aws:?}"));
    let mine = format!(
        "GET\n/p\n\nhost:h.example\nx-amz-security-token:{TOKEN}\n\nhost\nUNSIGNED-PAYLOAD"
    );
    let input = sigv4::DiagnoseInput {
        response: Some(&xml),
        canonical_request: Some(&mine),
        request: Some(&sent),
        credentials: Some(&creds),
        ..Default::default()
    };
    shown.push(format!("{input:?}"));
    shown.push(format!("{:?}", sigv4::diagnose(&input)));
    let swapped = Credentials::new(SECRET, "AKIDEXAMPLE").expect_err("must be refused");
    shown.push(swapped.to_string());
    shown.push(format!("{swapped:?}"));
    for text in &shown {
        for secret in [SECRET, "TOKENVALUE", "QTOKEN", "wJalr"] {
            assert!(!text.contains(secret), "{secret} shown in: {text}");
        }
    }
}

#[test]
fn an_empty_session_token_is_no_token_as_botocore_has_it() {
    // botocore (auth.py) adds the token only `if self.credentials.token`.
    let with_empty = Credentials::new("AKIDEXAMPLE", SECRET)
        .expect("credentials")
        .with_session_token("");
    let plain = Credentials::new("AKIDEXAMPLE", SECRET).expect("credentials");
    let signer = Signer::new();
    let req = Request::new("GET", "https://h.example/p").expect("request");
    let sign = |creds: &Credentials| {
        let params = SigningParams::new(creds, "us-east-1", "s3", time()).expect("params");
        let signed = signer.sign(&req, &params).expect("sign");
        let url = signer
            .presign(&req, &params, Duration::from_secs(60))
            .expect("presign");
        (signed.authorization().to_owned(), url.url().to_owned())
    };
    let (authorization, url) = sign(&with_empty);
    assert!(
        !authorization.contains("x-amz-security-token"),
        "{authorization}"
    );
    assert!(!url.contains("X-Amz-Security-Token"), "{url}");
    assert_eq!((authorization, url), sign(&plain));
}

#[test]
fn session_tokens_are_checked_and_canonicalized() {
    let time = time();
    let bad = Credentials::new("AKID", "secret")
        .expect("c")
        .with_session_token("abc\nX-Evil: 1");
    let params = SigningParams::new(&bad, "us-east-1", "s3", time).expect("params");
    let req = Request::new("GET", "https://h/").expect("request");
    assert!(Signer::new().sign(&req, &params).is_err());
    assert!(
        Signer::new()
            .presign(&req, &params, Duration::from_secs(9))
            .is_err()
    );
    // A token with odd spaces is signed as servers see it: trimmed and folded.
    let spaced = Credentials::new("AKID", "secret")
        .expect("c")
        .with_session_token(" tok  en ");
    let params = SigningParams::new(&spaced, "us-east-1", "s3", time).expect("params");
    let signed = Signer::new().sign(&req, &params).expect("sign");
    assert!(
        signed
            .steps()
            .canonical_request()
            .contains("\nx-amz-security-token:tok en\n")
    );
}

#[test]
fn http_request_gets_the_host_it_was_signed_with() {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET).expect("credentials");
    let params = SigningParams::new(&creds, "us-east-1", "service", time()).expect("params");
    let mut req = http::Request::get("https://Example.AmazonAWS.com:443/")
        .body(())
        .expect("request");
    let signed = Signer::new()
        .sign_http(&mut req, Payload::Empty, &params)
        .expect("sign");
    assert_eq!(req.headers()["host"], "example.amazonaws.com");
    // The suite's get-vanilla signature: same host, same time, same key.
    assert_eq!(
        signed.steps().signature(),
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    );
}

#[test]
fn a_chunked_body_larger_than_s3_takes_is_refused_not_overflowed() {
    use sigv4::{ChunkedLayout, ChunkedMode};
    // content_length() overflowed (a panic in debug builds) for lengths near u64::MAX.
    for len in [u64::MAX, (5 << 40) + 1] {
        let err = ChunkedLayout::new(len, 65_536, ChunkedMode::Signed).expect_err("too large");
        assert!(matches!(err.kind(), ErrorKind::BodyTooLarge { bytes } if *bytes == len));
    }
    let largest = ChunkedLayout::new(5 << 40, 8192, ChunkedMode::Signed).expect("5 TiB");
    assert!(largest.content_length() > 5 << 40);
}

#[test]
fn a_raw_request_that_is_not_one_is_called_so() {
    // These were InvalidUrl errors: "invalid URL: the request head is not UTF-8".
    for (input, why) in [
        (&b""[..], "the input is empty"),
        (b"\n", "the input is empty"),
        (b"GET / HTTP/1.1\nHost: h\xff\n\n", "not UTF-8"),
        (b"GET /\n\n", "METHOD TARGET HTTP/1.x"),
        (b"GET / HTTP/1.1\nno colon\n\n", "without ':'"),
    ] {
        let err = sigv4::RawRequest::parse(input).expect_err("must be refused");
        assert!(
            matches!(err.kind(), ErrorKind::MalformedRequest { .. }),
            "{input:?}: {err}"
        );
        let text = err.to_string();
        assert!(text.starts_with("not an HTTP/1.1 request: "), "{text}");
        assert!(text.contains(why), "{input:?}: {text}");
    }
    // A request pasted without its final blank line is still read, all head.
    let raw = sigv4::RawRequest::parse(b"GET / HTTP/1.1\nHost: h").expect("no blank line");
    assert_eq!(raw.headers, vec![("Host".to_owned(), "h".to_owned())]);
}
