//! What is signed: method, URL (or request target), headers and payload.

use std::borrow::Cow;
use std::fmt;

use crate::encode::{
    HOST_BAD, HOST_KIND, HOST_UPPER, TCHAR, WIRE_PATH, WIRE_QUERY, hex_val, push_escape,
};
use crate::error::{Error, ErrorKind, Result};

/// The body, or what stands for it in the canonical request.
///
/// ```
/// use sigv4::Payload;
/// let body = br#"{"StreamName":"s"}"#;
/// let p = Payload::Bytes(body);
/// assert_eq!(format!("{p:?}"), "Bytes(18 bytes)");
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Payload<'a> {
    /// No body (hashed as the empty string). Presigned URLs under S3 rules use
    /// `UNSIGNED-PAYLOAD` instead, as S3 expects.
    #[default]
    Empty,
    /// The whole body; its SHA-256 is computed.
    Bytes(&'a [u8]),
    /// The body's SHA-256, already computed, as 64 hex digits.
    Precomputed(&'a str),
    /// `UNSIGNED-PAYLOAD`: the body is not covered by the signature.
    Unsigned,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: aws-chunked, each chunk signed.
    StreamingSigned,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: signed chunks and a signed trailer.
    StreamingSignedTrailer,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: unsigned chunks with a trailing checksum.
    StreamingUnsignedTrailer,
}

impl fmt::Debug for Payload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Payload::Empty => f.write_str("Empty"),
            Payload::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Payload::Precomputed(h) => write!(f, "Precomputed({h:?})"),
            Payload::Unsigned => f.write_str("Unsigned"),
            Payload::StreamingSigned => f.write_str("StreamingSigned"),
            Payload::StreamingSignedTrailer => f.write_str("StreamingSignedTrailer"),
            Payload::StreamingUnsignedTrailer => f.write_str("StreamingUnsignedTrailer"),
        }
    }
}

/// A request to sign: method, URL, headers and payload, all borrowed.
///
/// The URL is taken as it will be sent: characters that cannot appear in a request line
/// (spaces, non-ASCII, `"`, `<`, `>`, `\`, `^`, `` ` ``, `{`, `|`, `}`, controls, a `%`
/// not followed by two hex digits) are percent-encoded first, as HTTP clients do, and
/// [`Request::url`] gives that form back. The fragment is dropped.
///
/// ```
/// use sigv4::{Payload, Request};
/// let body = br#"{"StreamName":"s","Data":"aGk=","PartitionKey":"p"}"#;
/// let headers = [("X-Amz-Target", "Kinesis_20131202.PutRecord"),
///                ("Content-Type", "application/x-amz-json-1.1")];
/// let req = Request::new("POST", "https://kinesis.us-east-1.amazonaws.com/")?
///     .with_headers(&headers)
///     .with_payload(Payload::Bytes(body));
/// assert_eq!(req.url(), "https://kinesis.us-east-1.amazonaws.com/");
///
/// let odd = Request::new("GET", "https://h.example/a b/ü?q=1 2#frag")?;
/// assert_eq!(odd.url(), "https://h.example/a%20b/%C3%BC?q=1%202");
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Clone)]
pub struct Request<'a> {
    pub(crate) method: &'a str,
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    /// Lower-case host with the scheme's default port removed, from the URL.
    pub(crate) url_host: Option<Cow<'a, str>>,
    pub(crate) path: Cow<'a, str>,
    pub(crate) query: Option<Cow<'a, str>>,
    pub(crate) headers: Cow<'a, [(&'a str, &'a str)]>,
    pub(crate) payload: Payload<'a>,
}

impl<'a> Request<'a> {
    /// A request for an absolute `http://` or `https://` URL, with no headers and no body.
    /// The method is signed upper-cased (`get` as `GET`), as botocore signs it and as HTTP
    /// clients send the standard methods: send it upper-cased too.
    ///
    /// ```
    /// let req = sigv4::Request::new("GET", "https://polly.eu-west-1.amazonaws.com/v1/voices?LanguageCode=en-US")?;
    /// assert!(sigv4::Request::new("GET", "polly.eu-west-1.amazonaws.com/v1/voices").is_err());
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn new(method: &'a str, url: &'a str) -> Result<Self> {
        check_method(method)?;
        let url = url.trim_ascii();
        let sep = url
            .bytes()
            .position(|b| !b.is_ascii_alphabetic())
            .unwrap_or(0);
        if !url[sep..].starts_with("://") {
            return Err(Error::url("it must start with http:// or https://"));
        }
        let scheme = &url[..sep];
        let default_port = if scheme.eq_ignore_ascii_case("https") {
            443
        } else if scheme.eq_ignore_ascii_case("http") {
            80
        } else {
            return Err(Error::url("it must start with http:// or https://"));
        };
        let rest = &url[sep + 3..];
        let b = rest.as_bytes();
        let authority_end = memchr::memchr3(b'/', b'?', b'#', b).unwrap_or(b.len());
        let end = authority_end
            + memchr::memchr(b'#', &b[authority_end..]).unwrap_or(b.len() - authority_end);
        let rest = &rest[..end];
        let (before_query, query) = match memchr::memchr(b'?', &b[authority_end..end]) {
            Some(at) => (
                &rest[..authority_end + at],
                Some(&rest[authority_end + at + 1..]),
            ),
            None => (rest, None),
        };
        let (authority, path) = before_query.split_at(authority_end);
        let url_host = normalize_authority(authority, default_port)?;
        Ok(Request {
            method,
            scheme: Some(scheme),
            authority: Some(authority),
            url_host: Some(url_host),
            path: if path.is_empty() {
                Cow::Borrowed("/")
            } else {
                wire_form(path, false)
            },
            query: query.map(|q| wire_form(q, true)),
            headers: Cow::Borrowed(&[]),
            payload: Payload::Empty,
        })
    }

    /// A request as it arrives on the wire: the method, the request target of the request
    /// line (`/path?query`, taken byte for byte, not re-encoded) and the headers, which
    /// must include `Host`.
    ///
    /// ```
    /// let headers = [("Host", "example.amazonaws.com")];
    /// let req = sigv4::Request::from_raw("GET", "/example space/?a=b", &headers)?;
    /// assert_eq!(req.url(), "/example space/?a=b");
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn from_raw(
        method: &'a str,
        target: &'a str,
        headers: &'a [(&'a str, &'a str)],
    ) -> Result<Self> {
        check_method(method)?;
        if !target.starts_with('/') {
            return Err(Error::url("a request target starts with '/'"));
        }
        if target.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(Error::url("the request target holds a line break or NUL"));
        }
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (target, None),
        };
        Ok(Request {
            method,
            scheme: None,
            authority: None,
            url_host: None,
            path: Cow::Borrowed(path),
            query: query.map(Cow::Borrowed),
            headers: Cow::Borrowed(headers),
            payload: Payload::Empty,
        })
    }

    /// The same request with these headers (names in any case, repeats allowed).
    ///
    /// ```
    /// let h = [("Range", "bytes=0-9")];
    /// let req = sigv4::Request::new("GET", "https://examplebucket.s3.amazonaws.com/test.txt")?.with_headers(&h);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[must_use]
    #[inline]
    pub fn with_headers(mut self, headers: &'a [(&'a str, &'a str)]) -> Self {
        self.headers = Cow::Borrowed(headers);
        self
    }

    /// The same request with its path in the form S3 checks a signature against: each
    /// `%XY` decoded and a `+` read as a space (S3 reads a path so; AWS's object URLs
    /// write a space as `+`), then every byte but the unreserved characters and `/`
    /// encoded with upper-case hex ([`crate::uri_encode`]). A literal `+` is `%2B`.
    ///
    /// S3 decodes the object key from the path and encodes it anew to check a
    /// signature, so a path sent and signed as typed (`/a%7e`, `/a!`, `/%41`) is refused
    /// with SignatureDoesNotMatch, while `/a~`, `/a%21` and `/A` pass. The signer signs
    /// an S3 path as it will be sent, as botocore does (its URLs are built from keys in
    /// this form already): call this on an S3 URL a person typed, and send
    /// [`Request::url`]. The key is unchanged for S3 (`%2F` becomes `/`, the same key).
    /// Not for other services: their paths are canonicalized by other rules.
    ///
    /// ```
    /// let req = sigv4::Request::new("PUT", "https://b.s3.amazonaws.com/a!%7e/%41+b%2Fc%2B")?.with_s3_path();
    /// assert_eq!(req.url(), "https://b.s3.amazonaws.com/a%21~/A%20b/c%2B");
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[must_use]
    pub fn with_s3_path(mut self) -> Self {
        let normalized = match crate::encode::s3_path(&self.path) {
            Cow::Owned(path) => Some(path),
            Cow::Borrowed(_) => None,
        };
        if let Some(path) = normalized {
            self.path = Cow::Owned(path);
        }
        self
    }

    /// The path as it is signed and sent: in wire form, without the query.
    ///
    /// ```
    /// let r = sigv4::Request::new("GET", "https://b.s3.amazonaws.com/a+b!.txt?x=1")?;
    /// assert_eq!(r.path(), "/a+b!.txt");
    /// assert_eq!(r.with_s3_path().path(), "/a%20b%21.txt");
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The same request with this payload.
    ///
    /// ```
    /// let req = sigv4::Request::new("PUT", "https://b.s3.amazonaws.com/k")?
    ///     .with_payload(sigv4::Payload::Unsigned);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[must_use]
    #[inline]
    pub fn with_payload(mut self, payload: Payload<'a>) -> Self {
        self.payload = payload;
        self
    }

    pub(crate) fn with_owned_headers(mut self, headers: Vec<(&'a str, &'a str)>) -> Self {
        self.headers = Cow::Owned(headers);
        self
    }

    pub(crate) fn from_parts(
        method: &'a str,
        scheme: Option<&'a str>,
        authority: Option<&'a str>,
        path_and_query: &'a str,
    ) -> Result<Self> {
        check_method(method)?;
        let url_host = match authority {
            Some(a) => {
                let https = scheme.is_none_or(|s| s.eq_ignore_ascii_case("https"));
                Some(normalize_authority(a, if https { 443 } else { 80 })?)
            }
            None => None,
        };
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path_and_query, None),
        };
        Ok(Request {
            method,
            scheme,
            authority,
            url_host,
            path: Cow::Borrowed(if path.is_empty() { "/" } else { path }),
            query: query.map(Cow::Borrowed),
            headers: Cow::Borrowed(&[]),
            payload: Payload::Empty,
        })
    }

    /// The URL as it will be sent (percent-encoded where needed, without the fragment);
    /// for a request made with [`Request::from_raw`], the request target.
    ///
    /// ```
    /// let req = sigv4::Request::new("GET", "https://b.s3.amazonaws.com/my file.txt")?;
    /// assert_eq!(req.url(), "https://b.s3.amazonaws.com/my%20file.txt");
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn url(&self) -> String {
        let mut out = String::new();
        self.push_url_without_query(&mut out);
        if let Some(q) = &self.query {
            out.push('?');
            out.push_str(q);
        }
        out
    }

    pub(crate) fn push_url_without_query(&self, out: &mut String) {
        if let (Some(scheme), Some(authority)) = (self.scheme, self.authority) {
            out.push_str(scheme);
            out.push_str("://");
            out.push_str(authority);
        }
        out.push_str(&self.path);
    }

    /// The `Host` header the signer signs: the request's own `Host` header if it has one
    /// (as given), else the URL's host, lower-cased, without the scheme's default port.
    /// A client must send exactly this value.
    ///
    /// ```
    /// let req = sigv4::Request::new("GET", "https://Example.AmazonAWS.com:443/")?;
    /// assert_eq!(req.host(), Some("example.amazonaws.com"));
    /// let h = [("host", "other.example:8080")];
    /// assert_eq!(req.with_headers(&h).host(), Some("other.example:8080"));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn host(&self) -> Option<&str> {
        self.headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("host"))
            .map(|&(_, value)| value)
            .or(self.url_host.as_deref())
    }

    /// The payload.
    ///
    /// ```
    /// let req = sigv4::Request::new("GET", "https://example.com/")?;
    /// assert_eq!(req.payload(), sigv4::Payload::Empty);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[inline]
    pub fn payload(&self) -> Payload<'a> {
        self.payload
    }
}

/// Header names whose values `Debug` never shows.
const SENSITIVE: [&str; 5] = [
    "authorization",
    "proxy-authorization",
    "x-amz-security-token",
    "cookie",
    "x-amz-signature",
];

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = self.url();
        let url = match url.split_once('?') {
            Some((base, q)) => {
                let q: Vec<&str> = q
                    .split('&')
                    .map(|p| {
                        let name = p.split_once('=').map_or(p, |(n, _)| n);
                        if SENSITIVE.iter().any(|s| s.eq_ignore_ascii_case(name)) {
                            name
                        } else {
                            p
                        }
                    })
                    .collect();
                format!("{base}?{}", q.join("&"))
            }
            None => url,
        };
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|&(n, v)| {
                let hidden = SENSITIVE.iter().any(|s| s.eq_ignore_ascii_case(n));
                (n, if hidden { "<redacted>" } else { v })
            })
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &url)
            .field("headers", &headers)
            .field("payload", &self.payload)
            .finish()
    }
}

pub(crate) fn is_tchar(b: u8) -> bool {
    TCHAR[usize::from(b)]
}

fn check_method(method: &str) -> Result<()> {
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(ErrorKind::InvalidMethod {
            method: method.to_owned(),
        }
        .into());
    }
    Ok(())
}

/// Checks `host[:port]` and returns it lower-cased, without the scheme's default port.
fn normalize_authority<'u>(authority: &'u str, default_port: u16) -> Result<Cow<'u, str>> {
    let userinfo = || {
        Error::url("credentials in the URL (user@host) are not supported: pass them as credentials")
    };
    let b = authority.as_bytes();
    let (host_end, upper) = if b.first() == Some(&b'[') {
        let Some(close) = b.iter().position(|&c| c == b']') else {
            return Err(Error::url("an IPv6 host lacks its closing ']'"));
        };
        if !b[1..close]
            .iter()
            .all(|c| c.is_ascii_hexdigit() || *c == b':' || *c == b'.')
        {
            return Err(Error::url(
                "the IPv6 host holds characters other than hex digits, ':' and '.'",
            ));
        }
        if !matches!(b.get(close + 1), None | Some(b':')) {
            return Err(Error::url("unexpected text after the IPv6 host"));
        }
        (close + 1, b[..close].iter().any(u8::is_ascii_uppercase))
    } else {
        let end = memchr::memchr(b':', b).unwrap_or(b.len());
        let kinds = b[..end]
            .iter()
            .fold(0, |kinds, &c| kinds | HOST_KIND[usize::from(c)]);
        if kinds & HOST_BAD != 0 {
            if b.contains(&b'@') {
                return Err(userinfo());
            }
            return Err(Error::url(
                "the host holds characters a host name cannot have (a non-ASCII name must be given in its xn-- form)",
            ));
        }
        (end, kinds & HOST_UPPER != 0)
    };
    let host = &authority[..host_end];
    if host.is_empty() || host == "[]" {
        return Err(Error::url("the host is empty"));
    }
    let port_text = authority.get(host_end + 1..).unwrap_or("");
    let port = match port_text {
        "" => None,
        p if p.len() <= 5 && p.bytes().all(|c| c.is_ascii_digit()) => match p.parse::<u16>() {
            Ok(n) => Some(n),
            Err(_) => return Err(Error::url("the port is not a number from 0 to 65535")),
        },
        _ if b.contains(&b'@') => return Err(userinfo()),
        _ => return Err(Error::url("the port is not a number from 0 to 65535")),
    };
    // Clients send the port as a number, and none at all when it is the default.
    let port = port.filter(|&n| n != default_port);
    let canonical_port = port.is_none_or(|n| port_text.len() == digits(n));
    Ok(match (port, upper, canonical_port) {
        (None, false, _) => Cow::Borrowed(host),
        (Some(_), false, true) => Cow::Borrowed(authority),
        (port, _, _) => {
            let mut s = host.to_ascii_lowercase();
            if let Some(n) = port {
                s.push(':');
                s.push_str(&n.to_string());
            }
            Cow::Owned(s)
        }
    })
}

fn digits(n: u16) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// Percent-encodes what may not appear as is on the wire (see [`Request`]).
fn wire_form(s: &str, query: bool) -> Cow<'_, str> {
    let allowed = if query { &WIRE_QUERY } else { &WIRE_PATH };
    let b = s.as_bytes();
    let escape_at = |i: usize| {
        b.get(i + 1).copied().and_then(hex_val).is_some()
            && b.get(i + 2).copied().and_then(hex_val).is_some()
    };
    let ok_at = |i: usize| allowed[usize::from(b[i])] || (b[i] == b'%' && escape_at(i));
    // A branch-free pass first: most URLs need no change and hold no '%'.
    if b.iter().fold(true, |ok, &c| ok & allowed[usize::from(c)]) || (0..b.len()).all(ok_at) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(b.len() + 16);
    for (i, &c) in b.iter().enumerate() {
        if ok_at(i) {
            out.push(char::from(c));
        } else {
            push_escape(&mut out, c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_lowercased_and_default_ports_dropped() {
        let host = |u| Request::new("GET", u).map(|r| r.url_host.map(Cow::into_owned));
        for (url, want) in [
            ("https://EXAMPLE.com:443/", "example.com"),
            ("http://example.com:80/", "example.com"),
            ("http://example.com:443/", "example.com:443"),
            ("https://Ex.com:9000", "ex.com:9000"),
            ("https://[::1]:9000/", "[::1]:9000"),
            ("https://h.example:/", "h.example"),
            ("http://h:080/", "h"),
            ("http://h:08080/", "h:8080"),
            ("http://h:0/", "h:0"),
        ] {
            assert_eq!(host(url).ok().flatten().as_deref(), Some(want), "{url}");
        }
        for bad in [
            "https:///x",
            "https://user:pw@h/",
            "https://h:99999999/",
            "https://h:99999/",
            "https://H%41.com/",
            "https://[]/",
            "https://user@h/",
            "https://h:x/",
            "https://bü.de/",
            "https://[::1/",
            "mailto:a@b",
        ] {
            assert!(Request::new("GET", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn wire_form_encodes_only_what_must_be() {
        assert_eq!(
            wire_form("/a!$&'()*+,;=:@b/%2F", false),
            "/a!$&'()*+,;=:@b/%2F"
        );
        assert_eq!(
            wire_form("/a b%zz%4/é?", false),
            "/a%20b%25zz%254/%C3%A9%3F"
        );
        assert_eq!(wire_form("a=b?c/d&e=%20", true), "a=b?c/d&e=%20");
    }
}
