//! AWS's error responses: S3's XML (with the exact `*Bytes` hex forms), REST-JSON
//! `message`/`__type`, or pasted text. Never panics.

/// AWS's error response, as much of it as could be read.
///
/// ```
/// let xml = "<Error><Code>SignatureDoesNotMatch</Code><StringToSign>AWS4-HMAC-SHA256\n\
///     20130524T000000Z</StringToSign><CanonicalRequestBytes>47 45 54</CanonicalRequestBytes></Error>";
/// let e = sigv4::AwsError::parse(xml);
/// assert_eq!(e.code.as_deref(), Some("SignatureDoesNotMatch"));
/// assert_eq!(e.canonical_request.as_deref(), Some("GET"));
/// ```
///
/// `Debug` hides a session token in the canonical request and the message.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AwsError {
    /// The error code (`SignatureDoesNotMatch`, `InvalidSignatureException`, ...).
    pub code: Option<String>,
    /// The message.
    pub message: Option<String>,
    /// The canonical request AWS computed.
    pub canonical_request: Option<String>,
    /// The string to sign AWS computed.
    pub string_to_sign: Option<String>,
    /// The signature AWS received.
    pub signature_provided: Option<String>,
    /// The access key AWS received.
    pub access_key_id: Option<String>,
    /// S3's `XAmzContentSHA256Mismatch`: the `x-amz-content-sha256` sent
    /// (`ClientComputedContentSHA256`).
    pub client_content_sha256: Option<String>,
    /// S3's `XAmzContentSHA256Mismatch`: the SHA-256 of the body S3 received
    /// (`S3ComputedContentSHA256`).
    pub s3_content_sha256: Option<String>,
    /// S3's `HeadersNotSigned`: the headers sent but not signed, as S3 lists them.
    pub headers_not_signed: Option<String>,
    /// An expired presigned URL: when it expired (S3's `Expires`).
    pub expires: Option<String>,
    /// AWS's time when it answered (S3's `ServerTime`).
    pub server_time: Option<String>,
}

impl std::fmt::Debug for AwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::sign::redact_token;
        f.debug_struct("AwsError")
            .field("code", &self.code)
            .field("message", &self.message.as_deref().map(redact_token))
            .field(
                "canonical_request",
                &self.canonical_request.as_deref().map(redact_token),
            )
            .field("string_to_sign", &self.string_to_sign)
            .field("signature_provided", &self.signature_provided)
            .field("access_key_id", &self.access_key_id)
            .field("client_content_sha256", &self.client_content_sha256)
            .field("s3_content_sha256", &self.s3_content_sha256)
            .field("headers_not_signed", &self.headers_not_signed)
            .field("expires", &self.expires)
            .field("server_time", &self.server_time)
            .finish()
    }
}

impl AwsError {
    /// Reads an error body: S3's XML, a REST-JSON body with a `message`, or pasted text
    /// holding either. Never panics; what is not found is `None`.
    ///
    /// ```
    /// let json = r#"{"message":"The request signature we calculated does not match.\n\nThe Canonical String for this request should have been\n'GET\n/\n'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\nX'\n"}"#;
    /// let e = sigv4::AwsError::parse(json);
    /// assert_eq!(e.canonical_request.as_deref(), Some("GET\n/\n"));
    /// assert_eq!(e.string_to_sign.as_deref(), Some("AWS4-HMAC-SHA256\nX"));
    ///
    /// let xml = "<Error><Code>AccessDenied</Code><Message>There were headers present in the \
    ///     request which were not signed</Message><HeadersNotSigned>x-amz-security-token</HeadersNotSigned></Error>";
    /// let e = sigv4::AwsError::parse(xml);
    /// assert_eq!(e.headers_not_signed.as_deref(), Some("x-amz-security-token"));
    /// ```
    pub fn parse(text: &str) -> AwsError {
        let text = text.trim();
        let mut e = AwsError::default();
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
            let pick = |v: &serde_json::Value, keys: &[&str]| {
                keys.iter()
                    .find_map(|k| v.get(*k).and_then(|x| x.as_str()).map(str::to_owned))
            };
            let inner = value.get("Error").unwrap_or(&value);
            e.message = pick(inner, &["message", "Message", "errorMessage"]);
            e.code = pick(inner, &["__type", "code", "Code", "errorType"])
                .map(|c| c.rsplit(['#', ':']).next().unwrap_or_default().to_owned());
        } else if text.contains("<Error") || text.contains("<Code>") {
            e.code = xml_tag(text, "Code");
            e.message = xml_tag(text, "Message");
            e.canonical_request = xml_bytes(text, "CanonicalRequestBytes")
                .or_else(|| xml_tag(text, "CanonicalRequest"));
            e.string_to_sign =
                xml_bytes(text, "StringToSignBytes").or_else(|| xml_tag(text, "StringToSign"));
            e.signature_provided = xml_tag(text, "SignatureProvided");
            e.access_key_id = xml_tag(text, "AWSAccessKeyId");
            e.client_content_sha256 = xml_tag(text, "ClientComputedContentSHA256");
            e.s3_content_sha256 = xml_tag(text, "S3ComputedContentSHA256");
            e.headers_not_signed = xml_tag(text, "HeadersNotSigned");
            e.expires = xml_tag(text, "Expires");
            e.server_time = xml_tag(text, "ServerTime");
        } else {
            e.message = Some(text.to_owned());
        }
        if let Some(m) = e.message.as_deref() {
            if e.canonical_request.is_none() {
                e.canonical_request = quoted_after(
                    m,
                    "The Canonical String for this request should have been",
                    "The String-to-Sign should have been",
                );
            }
            if e.string_to_sign.is_none() {
                e.string_to_sign = quoted_after(m, "The String-to-Sign should have been", "");
            }
        }
        e
    }
}

/// The `'...'` after `label`, up to the last quote before `until` (or the end).
fn quoted_after(text: &str, label: &str, until: &str) -> Option<String> {
    let start = text.find(label)? + label.len();
    let rest = &text[start..];
    let end = if until.is_empty() {
        rest.len()
    } else {
        rest.find(until).unwrap_or(rest.len())
    };
    let body = rest[..end].trim_start_matches([' ', ':', '\n', '\r', '\t']);
    let body = body.strip_prefix('\'')?;
    let close = body.rfind('\'')?;
    Some(body[..close].replace("\r\n", "\n"))
}

fn xml_tag(text: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = text.find(&open)? + open.len();
    let len = text[start..].find(&format!("</{tag}>"))?;
    Some(xml_unescape(&text[start..start + len]))
}

/// `CanonicalRequestBytes`: space-separated hex bytes, exact where the text form may not be.
fn xml_bytes(text: &str, tag: &str) -> Option<String> {
    let hex = xml_tag(text, tag)?;
    let bytes: Option<Vec<u8>> = hex
        .split_ascii_whitespace()
        .map(|b| u8::from_str_radix(b, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok().filter(|s| !s.is_empty())
}

fn xml_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse))
                .and_then(|n| n.ok())
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn unescapes_xml_entities() {
        assert_eq!(
            super::xml_unescape("a&amp;b&lt;&#65;&#x42;&bogus;"),
            "a&b<AB&bogus;"
        );
    }
}
