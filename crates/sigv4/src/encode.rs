//! Percent-encoding the AWS way, and hex.

use std::borrow::Cow;

use arrayvec::ArrayString;

/// Appends `bytes` percent-encoded the AWS way: everything but the RFC 3986 unreserved
/// set (A-Z a-z 0-9 `-_.~`), and `/` too unless `keep_slash`, becomes `%XY` (upper-case
/// hex). Hand-written rather than `percent-encoding`'s iterator: this is the hot path of
/// presigning, and copying unreserved runs whole is several times faster.
pub(crate) fn encode_into(out: &mut String, bytes: &[u8], keep_slash: bool) {
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if UNRESERVED[usize::from(b)] || (keep_slash && b == b'/') {
            continue;
        }
        push_ascii(out, &bytes[run..i]);
        push_escape(out, b);
        run = i + 1;
    }
    push_ascii(out, &bytes[run..]);
}

/// Appends bytes known to be ASCII.
fn push_ascii(out: &mut String, ascii: &[u8]) {
    out.push_str(std::str::from_utf8(ascii).unwrap_or_default());
}

/// Appends `%XY` for one byte (upper-case hex).
pub(crate) fn push_escape(out: &mut String, b: u8) {
    out.push('%');
    out.push(char::from(HEX_UPPER[usize::from(b >> 4)]));
    out.push(char::from(HEX_UPPER[usize::from(b & 0xf)]));
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// A byte class: ASCII letters and digits plus `extra`.
const fn class(extra: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = (c as u8).is_ascii_alphanumeric();
        c += 1;
    }
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    t
}

/// RFC 3986 unreserved.
const UNRESERVED: [bool; 256] = class(b"-_.~");
/// RFC 9110 token characters (method and header names).
pub(crate) const TCHAR: [bool; 256] = class(b"!#$%&'*+-.^_`|~");
/// What a registered host name may hold (no `%`: clients decode it before sending).
const HOST: [bool; 256] = class(b"-._~!$&'()*+,;=");

/// Host bytes as bit flags ([`HOST_BAD`], [`HOST_UPPER`]), OR-ed over a host in one pass.
pub(crate) const HOST_KIND: [u8; 256] = {
    let mut t = [HOST_BAD; 256];
    let mut c = 0;
    while c < 256 {
        if HOST[c] {
            t[c] = if (c as u8).is_ascii_uppercase() {
                HOST_UPPER
            } else {
                0
            };
        }
        c += 1;
    }
    t
};
/// Not allowed in a host name.
pub(crate) const HOST_BAD: u8 = 1;
/// An upper-case letter.
pub(crate) const HOST_UPPER: u8 = 2;

/// What may stand as is in a path on the wire (a `%` is checked apart).
pub(crate) const WIRE_PATH: [bool; 256] = class(b"-._~!$&'()*+,;=:@/");
/// What may stand as is in a query on the wire (a `%` is checked apart).
pub(crate) const WIRE_QUERY: [bool; 256] = class(b"-._~!$&'()*+,;=:@/?");

pub(crate) fn is_unreserved(b: u8) -> bool {
    UNRESERVED[usize::from(b)]
}

/// Decodes a query component as servers do: `+` is a space, `%XY` a byte, and a `%`
/// not followed by two hex digits stands for itself.
pub(crate) fn decode_query_component(s: &str) -> Cow<'_, [u8]> {
    percent_decode(s, true)
}

/// Decodes `%XY` escapes (a `%` not followed by two hex digits stands for itself), and
/// `+` as a space if `plus_is_space` (a query) rather than itself (a path).
fn percent_decode(s: &str, plus_is_space: bool) -> Cow<'_, [u8]> {
    let b = s.as_bytes();
    if !b.iter().any(|&c| c == b'%' || (plus_is_space && c == b'+')) {
        return Cow::Borrowed(b);
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' => match (
                b.get(i + 1).copied().and_then(hex_val),
                b.get(i + 2).copied().and_then(hex_val),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    Cow::Owned(out)
}

/// AWS's `UriEncode`: every byte of `text` but the RFC 3986 unreserved characters
/// (A-Z a-z 0-9 `-_.~`) as `%XY` with upper-case hex, and `/` too if `encode_slash`. The
/// form S3 expects an object key in, in a URL (`encode_slash` false) or as one name
/// appended to a path (`encode_slash` true).
///
/// ```
/// assert_eq!(sigv4::uri_encode("photos/my cat+1~.jpg", false), "photos/my%20cat%2B1~.jpg");
/// assert_eq!(sigv4::uri_encode("a/b#1?.txt", true), "a%2Fb%231%3F.txt");
/// ```
pub fn uri_encode(text: &str, encode_slash: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    encode_into(&mut out, text.as_bytes(), !encode_slash);
    out
}

/// A URL path as S3 reads it back to check a signature: escapes decoded and `+` read
/// as a space (as S3 reads a path, and as AWS's own object URLs write a space), then
/// encoded again by [`uri_encode`] with `/` kept.
pub(crate) fn s3_path(path: &str) -> Cow<'_, str> {
    let decoded = percent_decode(path, true);
    if decoded
        .iter()
        .all(|&b| UNRESERVED[usize::from(b)] || b == b'/')
        && !path.contains('%')
    {
        return Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len() + 8);
    encode_into(&mut out, &decoded, true);
    Cow::Owned(out)
}

pub(crate) fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Lower-case hex digits of 32 bytes, by arithmetic the compiler turns into vector code
/// (a look-up table costs a load per byte).
fn hex_digits(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, &b) in out.as_chunks_mut::<2>().0.iter_mut().zip(bytes) {
        let digit = |n: u8| n + if n < 10 { b'0' } else { b'a' - 10 };
        *pair = [digit(b >> 4), digit(b & 0xf)];
    }
    out
}

/// Lower-case hex of 32 bytes.
pub(crate) fn hex_lower(bytes: &[u8; 32]) -> ArrayString<64> {
    let digits = hex_digits(bytes);
    // Hex digits only: always UTF-8.
    ArrayString::from_byte_string(&digits).unwrap_or_default()
}

/// Whether `s` is 64 hex digits (either case): a SHA-256 written out.
pub(crate) fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Appends lower-case hex of 32 bytes.
pub(crate) fn push_hex(out: &mut String, bytes: &[u8; 32]) {
    // Hex digits only: always UTF-8.
    out.push_str(std::str::from_utf8(&hex_digits(bytes)).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_paths_are_decoded_and_encoded_as_s3_reads_them() {
        for (path, want) in [
            ("/plain/key.txt", "/plain/key.txt"),
            ("/a%7e%41", "/a~A"),
            ("/a+b", "/a%20b"),
            ("/a%2Bb", "/a%2Bb"),
            ("/a%2fb", "/a/b"),
            ("/%c3%a9", "/%C3%A9"),
            ("/a!@:&=$", "/a%21%40%3A%26%3D%24"),
            ("/%25zz", "/%25zz"),
            ("/%", "/%25"),
            ("/%ff%fe", "/%FF%FE"),
        ] {
            assert_eq!(s3_path(path), want, "{path}");
            assert_eq!(s3_path(want), want, "{want} is its own form");
        }
        assert!(matches!(s3_path("/a/b-c_d.e~f"), Cow::Borrowed(_)));
    }

    #[test]
    fn decodes_plus_percent_and_stray_percent() {
        assert_eq!(
            &*decode_query_component("a+b%20c%2Bd%zz%4"),
            b"a b c+d%zz%4"
        );
        assert_eq!(&*decode_query_component("%e1%88%B4"), "ሴ".as_bytes());
        assert!(matches!(decode_query_component("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn encodes_all_but_unreserved() {
        let mut s = String::new();
        encode_into(&mut s, "a b/+~é".as_bytes(), false);
        assert_eq!(s, "a%20b%2F%2B~%C3%A9");
        s.clear();
        encode_into(&mut s, b"/a b/", true);
        assert_eq!(s, "/a%20b/");
        // Every byte: unreserved as is, the rest %XY.
        let all: Vec<u8> = (0..=255).collect();
        s.clear();
        encode_into(&mut s, &all, false);
        let want: String = all
            .iter()
            .map(|&b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        assert_eq!(s, want);
    }
}
