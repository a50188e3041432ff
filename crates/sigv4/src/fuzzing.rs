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
/// ```
pub fn canonicalize(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut lines = head.split('\n');
    let method = lines.next().unwrap_or("");
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
    if let Ok(signed) = signer.sign(&request, &params) {
        let steps = signed.steps();
        assert!(steps.canonical_request().contains(steps.signed_headers()));
        assert!(!steps.redacted_canonical_request().contains("TOKEN"));
    }
    let expires = Duration::from_secs(u64::from(flags >> 4) * 40_000 + 1);
    if let Ok(url) = signer.presign(&request, &params, expires) {
        assert!(url.url().contains("X-Amz-Signature="));
        assert!(!format!("{url:?}").contains("TOKEN"));
    }
}
