//! The canonical request: method, path, query, headers, signed headers, payload hash.

use std::borrow::Cow;
use std::ops::Range;

use smallvec::SmallVec;

use crate::encode::{decode_query_component, encode_into, is_unreserved};
use crate::error::{Error, ErrorKind, Result};
use crate::request::Request;

/// Header-name bytes: a bit for "not a token character", one for "upper-case".
const NAME_BAD: u8 = 1;
const NAME_UPPER: u8 = 2;
const NAME_KIND: [u8; 256] = {
    let mut t = [NAME_BAD; 256];
    let mut c = 0;
    while c < 256 {
        if crate::encode::TCHAR[c] {
            t[c] = if (c as u8).is_ascii_uppercase() {
                NAME_UPPER
            } else {
                0
            };
        }
        c += 1;
    }
    t
};
use crate::settings::{HeaderSelection, Rules};

/// Headers the signer replaces and adds before canonicalizing.
pub(crate) struct Additions<'x> {
    /// Lower-case names of request headers the signer replaces.
    pub replaced: &'x [&'static str],
    /// Headers the signer adds (lower-case name, canonical value).
    pub headers: &'x [(&'static str, &'x str)],
}

/// About how long the canonical request will be, so one allocation holds it.
pub(crate) fn estimated_len(
    req: &Request<'_>,
    headers: &Headers<'_>,
    query: &[(&str, &str)],
) -> usize {
    let header_bytes: usize = headers.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
    let added_query: usize = query.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
    let query_len = req.query.as_deref().map_or(0, str::len);
    100 + req.method.len() + 3 * (req.path.len() + query_len) + 2 * header_bytes + added_query
}

/// Appends the canonical request to `text`; returns where its signed-headers line is.
///
/// `headers` come from [`collect_headers`]; `query` holds parameters the signer adds,
/// their values already encoded.
pub(crate) fn canonical_request(
    text: &mut String,
    req: &Request<'_>,
    (rules, normalize): (Rules, bool),
    headers: &Headers<'_>,
    query: &[(&str, &str)],
    payload_hash: &str,
) -> Range<usize> {
    // Upper-cased, as botocore signs it and as HTTP clients send the standard methods.
    if req.method.bytes().any(|b| b.is_ascii_lowercase()) {
        text.push_str(&req.method.to_ascii_uppercase());
    } else {
        text.push_str(req.method);
    }
    text.push('\n');
    push_path(text, &req.path, rules, normalize);
    text.push('\n');
    push_query(text, req.query.as_deref().unwrap_or(""), query);
    text.push('\n');
    for (i, (name, value)) in headers.iter().enumerate() {
        if i > 0 && headers[i - 1].0 == *name {
            text.push(',');
        } else {
            if i > 0 {
                text.push('\n');
            }
            text.push_str(name);
            text.push(':');
        }
        text.push_str(value);
    }
    text.push_str("\n\n");
    let start = text.len();
    push_names(text, headers, ";");
    let signed_headers = start..text.len();
    text.push('\n');
    text.push_str(payload_hash);
    signed_headers
}

fn push_path(out: &mut String, path: &str, rules: Rules, normalize: bool) {
    if rules == Rules::S3 {
        out.push_str(if path.is_empty() { "/" } else { path });
        return;
    }
    let path = if normalize {
        remove_dot_segments(path)
    } else {
        Cow::Borrowed(path)
    };
    if path
        .bytes()
        .fold(true, |ok, b| ok & (is_unreserved(b) | (b == b'/')))
    {
        out.push_str(&path);
    } else {
        encode_into(out, path.as_bytes(), true);
    }
}

/// Whether a path starts with `/` and has no empty (but the last), `.` or `..` segment:
/// one byte loop, as most paths are normal already.
fn is_normal(p: &[u8]) -> bool {
    if p.first() != Some(&b'/') {
        return false;
    }
    let mut start = 1;
    for i in 1..=p.len() {
        if i == p.len() || p[i] == b'/' {
            let seg = &p[start..i];
            if (seg.is_empty() && i < p.len()) || seg == b"." || seg == b".." {
                return false;
            }
            start = i + 1;
        }
    }
    true
}

/// RFC 3986 dot-segment removal plus collapsing of empty segments, as AWS services do.
pub(crate) fn remove_dot_segments(path: &str) -> Cow<'_, str> {
    if is_normal(path.as_bytes()) {
        return Cow::Borrowed(path);
    }
    let mut segments: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = String::with_capacity(path.len());
    out.push('/');
    out.push_str(&segments.join("/"));
    // RFC 3986: a path that ends in "/", "." or ".." keeps its trailing slash.
    let last = path.rsplit('/').next().unwrap_or("");
    let trailing = matches!(last, "" | "." | "..");
    if trailing && !segments.is_empty() {
        out.push('/');
    }
    Cow::Owned(out)
}

/// Appends the canonical query: each name and value decoded and re-encoded the AWS
/// way, sorted by name then value. `added` pairs are already encoded.
///
/// Not inlined: inlined into `finish`, it made the criterion bench's Polly and Kinesis
/// signatures 25-35 ns slower (code layout, not work: Kinesis has no query).
#[inline(never)]
fn push_query<'q>(out: &mut String, raw: &'q str, added: &[(&'q str, &'q str)]) {
    if raw.is_empty() && added.is_empty() {
        return;
    }
    // Often the query is its own canonical form (`LanguageCode=en-US`): copy it.
    if added.is_empty() && is_canonical_query(raw) {
        out.push_str(raw);
        return;
    }
    push_query_parsed(out, raw, added);
}

/// [`push_query`] without the shortcut: every part parsed, canonicalized and sorted.
fn push_query_parsed<'q>(out: &mut String, raw: &'q str, added: &[(&'q str, &'q str)]) {
    let mut pairs: Pairs<'q> = SmallVec::new();
    let b = raw.as_bytes();
    // One pass finds the separators and whether each part is already canonical (most
    // are: unreserved characters only, borrowed as they are). A second '=' belongs to
    // the value, which is then encoded.
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let mut eq = None;
        let mut plain = [true, true];
        while i < b.len() && b[i] != b'&' {
            if b[i] == b'=' && eq.is_none() {
                eq = Some(i);
            } else if !is_unreserved(b[i]) {
                plain[usize::from(eq.is_some())] = false;
            }
            i += 1;
        }
        let (k, v) = match eq {
            Some(at) => (&raw[start..at], &raw[at + 1..i]),
            None => (&raw[start..i], ""),
        };
        i += 1;
        if k.is_empty() && eq.is_none() {
            continue;
        }
        let part = |text: &'q str, plain: bool| {
            if plain {
                Cow::Borrowed(text)
            } else {
                canonical_component(text)
            }
        };
        pairs.push((part(k, plain[0]), part(v, plain[1])));
    }
    push_pairs(out, &mut pairs, added);
}

/// Whether a query is already canonical: `name=value` pairs of unreserved characters,
/// names not empty, sorted by name then value (as [`push_pairs`] sorts them).
fn is_canonical_query(raw: &str) -> bool {
    // One byte loop: `split('&')` and `split_once('=')` cost more than the check itself
    // on a query this short.
    let b = raw.as_bytes();
    let mut previous: Option<(&[u8], &[u8])> = None;
    let (mut start, mut eq) = (0, None);
    for i in 0..=b.len() {
        if i == b.len() || b[i] == b'&' {
            let Some(e) = eq else {
                return false;
            };
            let pair = (&b[start..e], &b[e + 1..i]);
            if e == start || previous.is_some_and(|p| p > pair) {
                return false;
            }
            previous = Some(pair);
            (start, eq) = (i + 1, None);
        } else if b[i] == b'=' && eq.is_none() {
            eq = Some(i);
        } else if !is_unreserved(b[i]) {
            return false;
        }
    }
    true
}

type Pairs<'q> = SmallVec<[(Cow<'q, str>, Cow<'q, str>); 16]>;

/// Adds the signer's pairs, sorts by name then value, and appends `k=v&...`.
fn push_pairs<'q>(out: &mut String, pairs: &mut Pairs<'q>, added: &[(&'q str, &'q str)]) {
    for &(k, v) in added {
        pairs.push((Cow::Borrowed(k), Cow::Borrowed(v)));
    }
    pairs.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
}

/// A query name or value as sent, in canonical form.
fn canonical_component(s: &str) -> Cow<'_, str> {
    if s.bytes().all(is_unreserved) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(encoded(&decode_query_component(s)).into_owned())
}

/// Bytes percent-encoded with the AWS query set.
fn encoded(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) if bytes.iter().all(|&b| is_unreserved(b)) => Cow::Borrowed(s),
        _ => {
            let mut out = String::with_capacity(bytes.len() * 3);
            encode_into(&mut out, bytes, false);
            Cow::Owned(out)
        }
    }
}

/// Names of the query parameters a request has (decoded), for conflict checks.
pub(crate) fn query_has_param(raw: &str, name: &str) -> bool {
    raw.split('&').any(|part| {
        let k = part.split_once('=').map_or(part, |(k, _)| k);
        &*decode_query_component(k) == name.as_bytes()
    })
}

type Header<'a> = (Cow<'a, str>, Cow<'a, str>);
/// Signed headers: lower-case names, canonical values, sorted by name.
pub(crate) type Headers<'a> = SmallVec<[Header<'a>; 8]>;

/// The signed headers, lower-cased, trimmed and sorted by name (repeats kept in order).
pub(crate) fn collect_headers<'a>(
    req: &'a Request<'_>,
    selection: &HeaderSelection,
    add: &'a Additions<'_>,
    out: &mut Headers<'a>,
) -> Result<()> {
    let mut has_host = false;
    for &(name, value) in req.headers.iter() {
        let mut kinds = 0;
        for b in name.bytes() {
            kinds |= NAME_KIND[usize::from(b)];
        }
        if kinds & NAME_BAD != 0 || name.is_empty() {
            return Err(ErrorKind::InvalidHeaderName {
                name: name.to_owned(),
            }
            .into());
        }
        let upper = kinds & NAME_UPPER != 0;
        let value = canonical_value(name, value)?;
        let lower = if upper {
            Cow::Owned(name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(name)
        };
        let is_host = lower == "host";
        // Every name the signer replaces starts with 'a' or 'x': skip the look-up for others.
        let maybe_replaced = matches!(lower.as_bytes().first(), Some(b'a' | b'x'));
        if (maybe_replaced && add.replaced.contains(&&*lower))
            || !(is_host || selection.signs(&lower))
        {
            continue;
        }
        if is_host {
            // HTTP allows one Host, and it names a host (RFC 9110 7.2).
            if has_host {
                return Err(Error::header_value(name, "a request has one Host header"));
            }
            if value.is_empty() {
                return Err(Error::header_value(name, "a Host header names the host"));
            }
            has_host = true;
        }
        out.push((lower, value));
    }
    if !has_host {
        let Some(host) = req.url_host.as_deref() else {
            return Err(ErrorKind::MissingHost.into());
        };
        out.push((Cow::Borrowed("host"), Cow::Borrowed(host)));
    }
    for &(name, value) in add.headers {
        out.push((Cow::Borrowed(name), Cow::Borrowed(value)));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(())
}

/// Appends the distinct names of sorted headers, separated by `sep` (`;`, or `%3B`
/// for a presigned URL's query, names being tokens that need no other encoding but
/// for a few symbols, which are encoded too).
pub(crate) fn push_names(out: &mut String, headers: &Headers<'_>, sep: &str) {
    for (i, (name, _)) in headers.iter().enumerate() {
        if i > 0 && headers[i - 1].0 == *name {
            continue;
        }
        if i > 0 {
            out.push_str(sep);
        }
        if sep == ";" {
            out.push_str(name);
        } else {
            encode_into(out, name.as_bytes(), false);
        }
    }
}

/// Checks a header value and returns it trimmed, inner runs of spaces and tabs folded
/// to one space: one pass to check and to see whether anything must change.
fn canonical_value<'v>(name: &str, value: &'v str) -> Result<Cow<'v, str>> {
    // Most values have no space, tab or control character: one branch-free pass says so.
    let plain = value
        .bytes()
        .fold(true, |ok, b| ok & (b > b' ') & (b != 0x7f));
    if plain {
        return Ok(Cow::Borrowed(value));
    }
    let mut folded = false;
    let mut prev_space = false;
    for b in value.bytes() {
        // Visible characters, the common case, first.
        if b > b' ' && b != 0x7f {
            prev_space = false;
            continue;
        }
        match b {
            b'\r' | b'\n' => return Err(Error::header_value(name, "it holds a line break")),
            0 => return Err(Error::header_value(name, "it holds a NUL byte")),
            b'\t' => folded = true,
            0..0x20 | 0x7f => {
                return Err(Error::header_value(name, "it holds a control character"));
            }
            b' ' => {
                folded |= prev_space;
                prev_space = true;
                continue;
            }
            _ => {}
        }
        prev_space = false;
    }
    // No control characters are left, so ASCII whitespace at the ends is spaces and tabs.
    let trimmed = value.trim_ascii();
    if folded {
        Ok(trim_all(trimmed))
    } else {
        Ok(Cow::Borrowed(trimmed))
    }
}

/// Trims spaces and tabs at both ends and folds each inner run into one space.
pub(crate) fn trim_all(value: &str) -> Cow<'_, str> {
    let t = value.trim_matches([' ', '\t']);
    // One pass over short values: already canonical unless a tab or two spaces in a row.
    let b = t.as_bytes();
    if !(0..b.len()).any(|i| b[i] == b'\t' || (b[i] == b' ' && b.get(i + 1) == Some(&b' '))) {
        return Cow::Borrowed(t);
    }
    let mut out = String::with_capacity(t.len());
    for (i, word) in t.split([' ', '\t']).filter(|w| !w.is_empty()).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    Cow::Owned(out)
}

/// A canonical request split into its parts, to show them labelled or compare them
/// one by one.
///
/// ```
/// use sigv4::CanonicalParts;
/// let text = "GET\n/v1/voices\nLanguageCode=en-US\nhost:polly.eu-west-1.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\nUNSIGNED-PAYLOAD";
/// let parts = CanonicalParts::parse(text).expect("a canonical request");
/// assert_eq!(parts.uri, "/v1/voices");
/// assert_eq!(parts.headers.lines().count(), 2);
/// assert_eq!(parts.signed_headers, "host;x-amz-date");
/// assert!(CanonicalParts::parse("GET\n/").is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CanonicalParts<'t> {
    /// The HTTP method line.
    pub method: &'t str,
    /// The canonical URI line.
    pub uri: &'t str,
    /// The canonical query line (empty when there is no query).
    pub query: &'t str,
    /// The canonical header lines, `name:value` joined with `\n`.
    pub headers: &'t str,
    /// The signed-headers line.
    pub signed_headers: &'t str,
    /// The payload hash line.
    pub payload_hash: &'t str,
}

impl<'t> CanonicalParts<'t> {
    /// Splits a canonical request: method, URI, query, header lines, a blank line,
    /// signed headers and payload hash. `None` if it does not have that shape.
    ///
    /// ```
    /// let parts = sigv4::CanonicalParts::parse("POST\n/\n\nhost:h\n\nhost\nabc").expect("parts");
    /// assert_eq!((parts.query, parts.payload_hash), ("", "abc"));
    /// ```
    pub fn parse(text: &'t str) -> Option<CanonicalParts<'t>> {
        let mut lines = text.splitn(4, '\n');
        let method = lines.next()?;
        let uri = lines.next()?;
        let query = lines.next()?;
        let rest = lines.next()?;
        let (headers, tail) = rest.split_once("\n\n")?;
        let (signed_headers, payload_hash) = tail.split_once('\n')?;
        if payload_hash.contains('\n') {
            return None;
        }
        Some(CanonicalParts {
            method,
            uri,
            query,
            headers,
            signed_headers,
            payload_hash,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut for queries already canonical gives what parsing them gives, on
    /// queries built from parts that are canonical or nearly so (order, `=`, `%`, `+`,
    /// `~`, empty parts).
    #[test]
    fn canonical_queries_are_copied_as_parsing_would_write_them() {
        let parts = [
            "a=1",
            "a=2",
            "b=",
            "b",
            "=x",
            "c=d=e",
            "A=1",
            "a%20b=1",
            "a+b=1",
            "x=~",
            "x=%7E",
            "",
            "z=0",
            "LanguageCode=en-US",
            "k=v.w_x-y",
        ];
        let mut seed = 7u32;
        let mut copied = 0;
        for _ in 0..5000 {
            let mut query = String::new();
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            for n in 0..(seed >> 16) % 4 + 1 {
                if n > 0 {
                    query.push('&');
                }
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                query.push_str(parts[(seed >> 16) as usize % parts.len()]);
            }
            let (mut fast, mut parsed) = (String::new(), String::new());
            push_query(&mut fast, &query, &[]);
            push_query_parsed(&mut parsed, &query, &[]);
            assert_eq!(fast, parsed, "{query}");
            copied += usize::from(is_canonical_query(&query));
        }
        assert!(copied > 500, "the shortcut was taken {copied} times");
    }

    #[test]
    fn dot_segments() {
        for (input, want) in [
            ("/", "/"),
            ("/a/b", "/a/b"),
            ("/a/./b/../c/", "/a/c/"),
            ("//a//b//", "/a/b/"),
            ("/a/..", "/"),
            ("/a/b/..", "/a/"),
            ("/a/b/.", "/a/b/"),
            ("/../..", "/"),
            ("/example1/example2/../..", "/"),
            ("/./", "/"),
            ("/a/%2E%2E/b", "/a/%2E%2E/b"),
            ("/a/", "/a/"),
            ("/.a/..b/", "/.a/..b/"),
            ("/a/.", "/a/"),
            ("//", "/"),
        ] {
            assert_eq!(remove_dot_segments(input), want, "{input}");
        }
    }

    #[test]
    fn query_sorting_and_encoding() {
        let mut s = String::new();
        push_query(&mut s, "b=2&a=3&a=1&c&sp=a+b&pl=%2b&u=%C3%A9&&x=%zz", &[]);
        assert_eq!(s, "a=1&a=3&b=2&c=&pl=%2B&sp=a%20b&u=%C3%A9&x=%25zz");
    }

    #[test]
    fn trims_and_folds() {
        assert_eq!(trim_all("  a   b\t\tc  "), "a b c");
        assert_eq!(trim_all("x"), "x");
        assert_eq!(trim_all(" \t "), "");
    }
}
