//! Entry points for the cargo-fuzz targets in `fuzz/`: not part of the stable API.

use std::time::Duration;

use crate::{Credentials, Payload, Request, Signer, SigningParams, SigningTime};

/// Canonicalizes and signs whatever `data` describes, in every mode; must never panic.
///
/// `data` is read as lines: a flags byte then the method, the URL (or request target),
/// then headers as `name:value`, and a body after an empty line.
///
/// ```
/// sigv4::fuzzing::canonicalize(b"\x01GET\nhttps://example.com/a b?x=1\nHost: example.com\n\nbody");
/// sigv4::fuzzing::canonicalize(b"\x0020150830T123600Z\nhttps://example.com/");
/// ```
pub fn canonicalize(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut lines = head.split('\n');
    let method = lines.next().unwrap_or("");
    // The method line as a time too: a parsed time is the one its Unix seconds make.
    if let Ok(t) = SigningTime::parse(method) {
        assert_eq!(
            SigningTime::from_unix_seconds(t.unix_seconds()).ok(),
            Some(t)
        );
    }
    let url = lines.next().unwrap_or("");
    let headers: Vec<(&str, &str)> = lines.filter_map(|l| l.split_once(':')).collect();
    let Ok(creds) = Credentials::new("AKIDEXAMPLE", "secret") else {
        return;
    };
    let creds = if flags & 1 == 1 {
        creds.with_session_token("TOKEN")
    } else {
        creds
    };
    let service = if flags & 2 == 2 { "s3" } else { "service" };
    let Ok(time) = SigningTime::from_unix_seconds(1_440_938_160) else {
        return;
    };
    let Ok(params) = SigningParams::new(&creds, "us-east-1", service, time) else {
        return;
    };
    let payload = if flags & 4 == 4 {
        Payload::Unsigned
    } else {
        Payload::Bytes(body.as_bytes())
    };
    let signer = Signer::new();
    let request = if flags & 8 == 8 {
        Request::from_raw(method, url, &headers)
    } else {
        Request::new(method, url).map(|r| r.with_headers(&headers))
    };
    let Ok(request) = request.map(|r| r.with_payload(payload)) else {
        return;
    };
    let _ = request.url();
    // An S3 path in S3's form is its own form: normalizing twice changes nothing, and
    // the URL stays one the parser takes back.
    if flags & 8 == 0 {
        let once = request.clone().with_s3_path().url();
        if let Ok(again) = Request::new(method, &once) {
            assert_eq!(again.with_s3_path().url(), once);
        }
    }
    // The token shows nowhere it is not already in the input (the method is signed
    // upper-cased, so any case of it counts).
    let token_given = text.to_ascii_uppercase().contains("TOKEN");
    if let Ok(signed) = signer.sign(&request, &params) {
        let steps = signed.steps();
        assert!(steps.canonical_request().contains(steps.signed_headers()));
        assert!(token_given || !steps.redacted_canonical_request().contains("TOKEN"));
    }
    let expires = Duration::from_secs(u64::from(flags >> 4) * 40_000 + 1);
    if let Ok(url) = signer.presign(&request, &params, expires) {
        assert!(url.url().contains("X-Amz-Signature="));
        assert!(token_given || !format!("{url:?}").contains("TOKEN"));
    }
}

/// Decodes `data` as an aws-chunked body in every mode, fed in pieces; must never panic,
/// and must refuse what it cannot account for. The first byte picks the mode and how
/// the input is cut.
///
/// ```
/// sigv4::fuzzing::chunked(b"\x00\x035\r\nhello\r\n0\r\n\r\n");
/// ```
pub fn chunked(data: &[u8]) {
    use crate::{
        ChecksumAlgorithm, ChunkVerifier, ChunkedDecoder, ChunkedLimits, ChunkedMode, SigningKey,
    };
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let alg = ChecksumAlgorithm::ALL[usize::from(choice >> 4) % ChecksumAlgorithm::ALL.len()];
    let mode = match choice % 3 {
        0 => ChunkedMode::Signed,
        1 => ChunkedMode::SignedWithTrailer(alg),
        _ => ChunkedMode::UnsignedWithTrailer(alg),
    };
    let key = SigningKey::derive("secret", "20130524", "us-east-1", "s3");
    let verifier = (choice & 8 == 0).then(|| {
        ChunkVerifier::new(
            key,
            "seed",
            "20130524T000000Z",
            "20130524/us-east-1/s3/aws4_request",
        )
    });
    let limits = ChunkedLimits {
        max_line: 200,
        max_chunk_size: 1 << 16,
        ..ChunkedLimits::default()
    };
    let mut decoder = ChunkedDecoder::new(mode, verifier).with_limits(limits);
    let cut = usize::from(choice % 7) + 1;
    let mut decoded = 0usize;
    for piece in rest.chunks(cut * 13) {
        if decoder.feed(piece, |d| decoded += d.len()).is_err() {
            return;
        }
    }
    if let Ok(done) = decoder.finish() {
        assert_eq!(
            done.decoded_len, decoded as u64,
            "the length reported is what was handed out"
        );
    }
}

/// POST policies and the upload rules: parsing a policy (JSON or base64), checking a
/// form against it, and the rules' checks of a policy and of a multipart string to
/// sign (a canonical request to parse), and a signing endpoint's whole answer
/// (`UploadRules::sign_request`); must never panic. The first byte picks which.
///
/// ```
/// sigv4::fuzzing::policy(b"\x00{\"expiration\":\"2015-12-30T12:00:00.000Z\",\"conditions\":[]}");
/// ```
pub fn policy(data: &[u8]) {
    use crate::{PostPolicy, UploadRules, UploadTarget};
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let Ok(now) = SigningTime::parse("20151229T000000Z") else {
        return;
    };
    let rules = UploadRules::new(
        vec![
            UploadTarget::new("b", "b.s3.amazonaws.com", false),
            UploadTarget::new("b", "127.0.0.1:9000", true),
        ],
        vec!["up/".into()],
        1 << 20,
    );
    let Ok(creds) = Credentials::new("AKIDEXAMPLE", "secret") else {
        return;
    };
    let Ok(params) = SigningParams::new(&creds, "us-east-1", "s3", now) else {
        return;
    };
    match choice % 4 {
        0 | 1 => {
            let parsed = if choice % 4 == 0 {
                PostPolicy::parse(&text)
            } else {
                PostPolicy::from_base64(&text)
            };
            if let Ok(policy) = parsed {
                // What parses serializes and parses back to the same policy.
                assert_eq!(
                    PostPolicy::parse(&policy.to_json()).ok(),
                    Some(policy.clone())
                );
                let form: Vec<(&str, &str)> =
                    text.lines().filter_map(|l| l.split_once('=')).collect();
                let _ = policy.check("b", &form, u64::from(choice), now);
                let _ = rules.check_policy(&policy, &params, now);
            }
        }
        2 => {
            if let Ok(sts) = rules.check_multipart(&text, "20151229/us-east-1/s3/aws4_request", now)
            {
                assert!(sts.starts_with("AWS4-HMAC-SHA256\n"));
            }
        }
        _ => {
            // A signing endpoint's whole answer (serve, the Python helpers).
            let signer = crate::Signer::new();
            if let Ok(answer) = rules.sign_request(&text, &signer, &creds, "us-east-1", now) {
                assert!(answer.to_json().contains("\"signature\""));
            }
        }
    }
}

/// Diagnosis: the error-response parser (XML, JSON, pasted text) and `RawRequest::parse`,
/// then a whole diagnosis of what they read against a canonical request cut from the
/// input; must never panic. The first byte picks how the input is split.
///
/// ```
/// sigv4::fuzzing::diagnose(b"\x00<Error><Code>SignatureDoesNotMatch</Code></Error>");
/// ```
pub fn diagnose(data: &[u8]) {
    use crate::{AwsError, DiagnoseInput, RawRequest, SentRequest};
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let parsed = AwsError::parse(&text);
    let raw = RawRequest::parse(rest).ok();
    let sent = raw.map(SentRequest::from_raw);
    let (mine, sts) = text.split_once("\n\n\n").unwrap_or((&text, ""));
    let Ok(creds) = Credentials::new("AKIDEXAMPLE", "secret") else {
        return;
    };
    let input = DiagnoseInput {
        response: (choice & 1 == 1).then_some(&*text),
        canonical_request: (choice & 2 == 2)
            .then_some(parsed.canonical_request.as_deref().unwrap_or(mine)),
        string_to_sign: (choice & 4 == 4).then_some(sts),
        signature: None,
        request: sent.as_ref(),
        credentials: (choice & 8 == 8).then_some(&creds),
        now: SigningTime::from_unix_seconds(1_440_938_160).ok(),
    };
    let d = crate::diagnose(&input);
    for f in &d.findings {
        assert!(!f.fix.is_empty());
    }
}

/// Server-side verification of whatever HTTP/1.1 request `data` holds
/// (`RawRequest::parse`): the Authorization header or presigned query parsed, the
/// canonical request rebuilt, and the body given whole, so that an aws-chunked one is
/// decoded and its chunks checked; must never panic.
///
/// ```
/// sigv4::fuzzing::verify(b"PUT /k HTTP/1.1\r\nHost: h\r\nx-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD\r\n\r\n0\r\n");
/// ```
pub fn verify(data: &[u8]) {
    use crate::{RawRequest, ReceivedBody, Verifier};
    let Ok(raw) = RawRequest::parse(data) else {
        return;
    };
    let Ok(creds) = Credentials::new("AKIDEXAMPLE", "secret") else {
        return;
    };
    let Ok(now) = SigningTime::from_unix_seconds(1_440_938_160) else {
        return;
    };
    let verifier = Verifier::new(|_: &str| Some(creds.clone()));
    let headers = raw.header_pairs();
    if let Err(e) = verifier.verify(
        &raw.method,
        &raw.target,
        &headers,
        ReceivedBody::Bytes(&raw.body),
        now,
    ) {
        assert!(!e.to_string().contains("secret"));
    }
}
