//! Raw HTTP/1.1 requests as text (a capture, a log, AWS's test suite): the request line,
//! headers (folded lines joined) and the body, for verification and diagnosis.

use std::fmt;

use crate::error::{ErrorKind, Result};
use crate::sign::{redact_header, redact_target};

/// An HTTP/1.1 request read from its text.
///
/// ```
/// let raw = sigv4::RawRequest::parse(b"GET /?a=b HTTP/1.1\r\nHost: example.com\r\nX-Amz-Date: 20150830T123600Z\r\n\r\n")?;
/// assert_eq!((raw.method.as_str(), raw.target.as_str()), ("GET", "/?a=b"));
/// assert_eq!(raw.headers[1], ("X-Amz-Date".to_string(), "20150830T123600Z".to_string()));
/// # Ok::<(), sigv4::Error>(())
/// ```
///
/// `Debug` hides a session token (header or query) and the signature.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RawRequest {
    /// The method.
    pub method: String,
    /// The request target, as on the request line.
    pub target: String,
    /// The headers in order, values without surrounding spaces.
    pub headers: Vec<(String, String)>,
    /// The body (after the blank line; cut at `Content-Length` if there is one).
    pub body: Vec<u8>,
}

impl fmt::Debug for RawRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_request(
            f,
            "RawRequest",
            &self.method,
            &self.target,
            &self.headers,
            &self.body,
        )
    }
}

/// `Debug` for a request held as text (a [`RawRequest`], a diagnosis's sent request):
/// the session token (header or query) and the signature hidden.
pub(crate) fn debug_request(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> fmt::Result {
    let headers: Vec<(&str, String)> = headers
        .iter()
        .map(|(name, value)| (name.as_str(), redact_header(name, value)))
        .collect();
    f.debug_struct(name)
        .field("method", &method)
        .field("target", &redact_target(target))
        .field("headers", &headers)
        .field("body", &String::from_utf8_lossy(body))
        .finish()
}

fn malformed(reason: &'static str) -> crate::Error {
    ErrorKind::MalformedRequest { reason }.into()
}

impl RawRequest {
    /// Parses a request: `METHOD target HTTP/1.x`, header lines (CRLF or LF; obs-fold
    /// continuation lines joined with a space), a blank line, the body. At most 1 MiB
    /// of head.
    ///
    /// ```
    /// assert!(sigv4::RawRequest::parse(b"not a request").is_err());
    /// ```
    pub fn parse(input: &[u8]) -> Result<Self> {
        let (head, body) = split_head(input).ok_or_else(|| malformed("the input is empty"))?;
        if head.len() > 1 << 20 {
            return Err(malformed("the request head is over 1 MiB"));
        }
        let head =
            std::str::from_utf8(head).map_err(|_| malformed("the request head is not UTF-8"))?;
        let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
        let request_line = lines.next().unwrap_or_default();
        let mut parts = request_line.split(' ');
        let (Some(method), Some(version)) = (parts.next(), request_line.rsplit(' ').next()) else {
            return Err(malformed("no request line"));
        };
        if !version.starts_with("HTTP/1.")
            || method.is_empty()
            || request_line.len() <= method.len() + version.len() + 1
        {
            return Err(malformed("the request line is not METHOD TARGET HTTP/1.x"));
        }
        let target = &request_line[method.len() + 1..request_line.len() - version.len() - 1];
        if target.is_empty() {
            return Err(malformed("the request line has no target"));
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in lines {
            if line.starts_with([' ', '\t']) {
                let Some(last) = headers.last_mut() else {
                    return Err(malformed("a folded line before any header"));
                };
                last.1.push(' ');
                last.1.push_str(line.trim());
                continue;
            }
            let Some((name, value)) = line.split_once(':') else {
                return Err(malformed("a header line without ':'"));
            };
            if name.is_empty() || name.ends_with([' ', '\t']) {
                return Err(malformed(
                    "a header name is empty or followed by whitespace",
                ));
            }
            headers.push((name.to_owned(), value.trim_matches([' ', '\t']).to_owned()));
        }
        let length = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse::<usize>().ok());
        let body = match length {
            Some(n) if n <= body.len() => body[..n].to_vec(),
            _ => body.to_vec(),
        };
        Ok(RawRequest {
            method: method.to_owned(),
            target: target.to_owned(),
            headers,
            body,
        })
    }

    /// The headers as `(&str, &str)` pairs, as [`crate::Verifier::verify`] takes them.
    ///
    /// ```
    /// let raw = sigv4::RawRequest::parse(b"GET / HTTP/1.1\nHost: h\n\n")?;
    /// assert_eq!(raw.header_pairs(), vec![("Host", "h")]);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn header_pairs(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }
}

/// The head (without the blank line) and the body.
fn split_head(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let crlf = input
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4));
    let lf = input.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2));
    let (at, len) = match (crlf, lf) {
        (Some(a), Some(b)) => {
            if a.0 <= b.0 {
                a
            } else {
                b
            }
        }
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (None, None) => {
            // A request with no body and no final blank line: all head.
            let trimmed = input.strip_suffix(b"\n").unwrap_or(input);
            return (!trimmed.is_empty()).then_some((trimmed, &[][..]));
        }
    };
    Some((&input[..at], &input[at + len..]))
}
