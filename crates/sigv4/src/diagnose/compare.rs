//! The person's canonical request and string to sign compared with the reference (AWS's,
//! else the one computed from the request sent), line by line.

use base64::Engine as _;

use super::{Cause, DiffLine, Finding, diff_lines, finding, is_presign_param, pair};
use crate::canonical::remove_dot_segments;
use crate::encode::{
    decode_query_component, encode_into, hex_lower, hex_val, is_hex64, is_unreserved,
};
use crate::sha::sha256;
use crate::{CanonicalParts, EMPTY_SHA256};

/// A header line's name, if the line looks like `name:value`.
fn header_line_name(line: &str) -> Option<&str> {
    let (name, _) = line.split_once(':')?;
    let tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+.^_`|~-".contains(&b);
    (!name.is_empty() && name.bytes().all(tchar) && !name.contains('%')).then_some(name)
}

pub(super) fn self_check_canonical(t: &str, f: &mut Vec<Finding>) {
    let Some(tp) = CanonicalParts::parse(t) else {
        f.push(finding(
            Cause::CanonicalRequestMalformed,
            "the canonical request does not have the seven parts",
            Vec::new(),
        ));
        return;
    };
    check_signed_list(&tp, None, f);
}

pub(super) fn compare_canonical(t: &str, r: &str, f: &mut Vec<Finding>) {
    if t == r {
        return;
    }
    let tl: Vec<&str> = t.split('\n').collect();
    let rl: Vec<&str> = r.split('\n').collect();
    let diff = || diff_lines(r, t);
    // Structure first: a missing or extra line shifts everything after it.
    if tl.len() > 3
        && header_line_name(tl[2]).is_some()
        && rl.get(2).is_some_and(|l| header_line_name(l).is_none())
    {
        let msg = format!(
            "line 3 should be the query ({:?}) but is a header ({:?})",
            rl[2], tl[2]
        );
        f.push(finding(Cause::QueryLineMissing, msg, pair(rl[2], tl[2])));
        return;
    }
    let query_lines = tl
        .iter()
        .skip(2)
        .take_while(|l| header_line_name(l).is_none() && !l.is_empty())
        .count();
    if query_lines > 1 || tl.get(2).is_some_and(|q| q.contains([' ', '\t', '\r'])) {
        let msg = format!(
            "the query spans {} lines or holds spaces",
            query_lines.max(1)
        );
        let ev = tl
            .iter()
            .skip(2)
            .take(query_lines.max(1))
            .map(|l| DiffLine::Theirs((*l).to_owned()))
            .collect();
        f.push(finding(Cause::QueryWhitespace, msg, ev));
        // Also say whether it would be sorted once joined.
        if let (Some(rq), true) = (rl.get(2), query_lines > 1) {
            let joined: String = tl[2..2 + query_lines].concat();
            let joined = joined.replace([' ', '\t', '\r'], "");
            query_findings(&joined, rq, f);
        }
        return;
    }
    let Some(tp) = CanonicalParts::parse(t) else {
        if !tl.iter().skip(3).any(|l| l.is_empty()) {
            f.push(finding(
                Cause::BlankLineMissing,
                "there is no empty line between the headers and the signed-headers list",
                diff(),
            ));
        } else {
            f.push(finding(
                Cause::CanonicalRequestMalformed,
                "the canonical request does not have the seven parts",
                diff(),
            ));
        }
        return;
    };
    let Some(rp) = CanonicalParts::parse(r) else {
        return;
    };
    if tp.headers.split('\n').any(str::is_empty) || tp.signed_headers.contains(':') {
        f.push(finding(
            Cause::BlankLineMissing,
            "the empty line after the headers is misplaced",
            diff(),
        ));
        return;
    }
    if tp.method != rp.method {
        f.push(finding(
            Cause::Method,
            format!("method {:?}, expected {:?}", tp.method, rp.method),
            pair(rp.method, tp.method),
        ));
    }
    if tp.uri != rp.uri {
        uri_finding(tp.uri, rp.uri, f);
    }
    if tp.query != rp.query {
        query_findings(tp.query, rp.query, f);
    }
    let before = f.len();
    if tp.headers != rp.headers {
        header_findings(tp.headers, rp.headers, f);
    }
    if f.len() == before {
        check_signed_list(&tp, Some(&rp), f);
    }
    if tp.payload_hash != rp.payload_hash {
        payload_finding(&tp, &rp, f);
    }
}

/// The last line differs: UNSIGNED-PAYLOAD was due, the empty body's hash was used for a
/// body, the hash is upper-case, or it is another hash.
fn payload_finding(tp: &CanonicalParts<'_>, rp: &CanonicalParts<'_>, f: &mut Vec<Finding>) {
    let (theirs, expected) = (tp.payload_hash, rp.payload_hash);
    let ev = pair(expected, theirs);
    if expected == "UNSIGNED-PAYLOAD" {
        let sent = rp
            .headers
            .split('\n')
            .any(|l| l == "x-amz-content-sha256:UNSIGNED-PAYLOAD");
        let presigned = rp
            .query
            .split('&')
            .any(|p| p.starts_with("X-Amz-Credential="));
        let why = if sent {
            "x-amz-content-sha256: UNSIGNED-PAYLOAD was sent, so the last line must be UNSIGNED-PAYLOAD"
        } else if presigned {
            "an S3 presigned URL signs UNSIGNED-PAYLOAD as the last line"
        } else {
            "the last line must be UNSIGNED-PAYLOAD"
        };
        let msg = format!("{why}, not {theirs:?}");
        f.push(finding(Cause::UnsignedPayloadExpected, msg, ev));
    } else if theirs.eq_ignore_ascii_case(expected) {
        let msg = "the payload hash is in upper-case hex: use lower-case hex";
        f.push(finding(Cause::PayloadHashWrong, msg, ev));
    } else if theirs == EMPTY_SHA256 && is_hex64(expected) {
        let msg = "the empty body's hash was signed, but the request has a body";
        f.push(finding(Cause::EmptyPayloadHashForBody, msg, ev));
    } else {
        let msg = format!("payload hash {theirs:?}, expected {expected:?}");
        f.push(finding(Cause::PayloadHashWrong, msg, ev));
    }
}

/// The canonical URI differs: the other family's rules (S3 signs the path as sent;
/// others normalize it and encode it once more), or another path.
fn uri_finding(t: &str, r: &str, f: &mut Vec<Finding>) {
    let ev = pair(r, t);
    let msg = if t.replace('%', "%25") == r || r.replace('%', "%25") == t {
        format!("canonical URI {t:?}, expected {r:?}")
    } else if remove_dot_segments(r) == t {
        format!(
            "S3 signs the path exactly as sent, {r:?}: it was normalized to {t:?} (`//`, `.` \
             or `..` removed)"
        )
    } else if remove_dot_segments(t) == r {
        format!("this service signs the path normalized, {r:?}, not as sent, {t:?}")
    } else {
        let msg = format!("canonical URI {t:?}, expected {r:?}");
        f.push(finding(Cause::CanonicalUri, msg, ev));
        return;
    };
    f.push(finding(Cause::PathEncodingRules, msg, ev));
}

fn check_signed_list(
    tp: &CanonicalParts<'_>,
    rp: Option<&CanonicalParts<'_>>,
    f: &mut Vec<Finding>,
) {
    let names: Vec<&str> = tp
        .headers
        .split('\n')
        .map(|l| l.split_once(':').map_or(l, |(n, _)| n))
        .collect();
    let own = names.join(";");
    if !tp.signed_headers.eq_ignore_ascii_case(&own) {
        f.push(finding(
            Cause::SignedHeadersMismatch,
            format!(
                "signed headers {:?} but the canonical headers are {own:?}",
                tp.signed_headers
            ),
            pair(&own, tp.signed_headers),
        ));
    } else if let Some(rp) = rp.filter(|rp| rp.signed_headers != tp.signed_headers) {
        f.push(finding(
            Cause::SignedHeadersMismatch,
            format!(
                "signed headers {:?}, expected {:?}",
                tp.signed_headers, rp.signed_headers
            ),
            pair(rp.signed_headers, tp.signed_headers),
        ));
    }
}

fn params(q: &str) -> Vec<(&str, &str)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect()
}

fn sorted<'s>(mut v: Vec<(&'s str, &'s str)>) -> Vec<(&'s str, &'s str)> {
    v.sort_unstable();
    v
}

/// Decodes and re-encodes each name and value with the unreserved set.
fn reencode(q: &str) -> String {
    let enc = |s: &str| {
        let mut out = String::new();
        encode_into(&mut out, &decode_query_component(s), false);
        out
    };
    params(q)
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub(super) fn query_findings(t: &str, r: &str, f: &mut Vec<Finding>) {
    let (tp, rp) = (params(t), params(r));
    let ev = pair(r, t);
    let same_set = |a: &str| sorted(params(a)) == sorted(rp.clone());
    let missing_presign: Vec<&str> = rp
        .iter()
        .map(|p| p.0)
        .filter(|n| is_presign_param(n) && !tp.iter().any(|p| p.0 == *n))
        .collect();
    if !missing_presign.is_empty() && tp.iter().all(|p| rp.contains(p)) {
        f.push(finding(
            Cause::PresignParamsNotInQuery,
            format!("the canonical query lacks {}", missing_presign.join(", ")),
            ev,
        ));
        return;
    }
    // Only the credential differs: the scope is wrong, and the string to sign says how.
    let only_scope = tp
        .iter()
        .filter(|p| !rp.contains(p))
        .chain(rp.iter().filter(|p| !tp.contains(p)))
        .all(|p| matches!(p.0, "X-Amz-Credential" | "X-Amz-Date"));
    if only_scope && tp.len() == rp.len() && !same_set(t) {
        return;
    }
    let bare: Vec<&str> = t
        .split('&')
        .filter(|p| !p.is_empty() && !p.contains('='))
        .collect();
    if !bare.is_empty() && same_set(t) {
        let msg = format!(
            "a parameter with no value is written `{0}=` in the canonical query, not `{0}`",
            bare.join("=`, `")
        );
        f.push(finding(Cause::QueryValueWithoutEquals, msg, ev));
        let with_equals: Vec<String> = t
            .split('&')
            .map(|p| {
                if p.contains('=') {
                    p.to_owned()
                } else {
                    format!("{p}=")
                }
            })
            .collect();
        if with_equals.join("&") != r {
            query_findings(&with_equals.join("&"), r, f);
        }
        return;
    }
    if same_set(t) {
        f.push(finding(
            Cause::QueryNotSorted,
            "the query holds the right parameters in the wrong order",
            ev,
        ));
        return;
    }
    if t.contains('+') && same_set(&t.replace('+', "%20")) {
        f.push(finding(
            Cause::QueryPlusForSpace,
            "a space is written as '+'",
            ev,
        ));
    } else if t.contains("%25") && same_set(&t.replace("%25", "%")) {
        f.push(finding(
            Cause::QueryDoubleEncoded,
            "the query is encoded twice ('%25')",
            ev,
        ));
    } else if same_set(&reencode(t)) {
        encoding_findings(t, ev, f);
    } else {
        f.push(finding(
            Cause::QueryParameters,
            "the query's parameters differ from those sent",
            ev,
        ));
    }
}

/// The query is right once each name and value is encoded the AWS way: unreserved
/// characters were encoded (`%7E` for `~`), or reserved ones were not, or both.
fn encoding_findings(t: &str, ev: Vec<DiffLine>, f: &mut Vec<Finding>) {
    let b = t.as_bytes();
    let mut over = Vec::new();
    let mut under = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let escape = b.get(i + 1..i + 3).filter(|_| b[i] == b'%');
        let value = escape.and_then(|h| Some(hex_val(h[0])? << 4 | hex_val(h[1])?));
        match value {
            Some(v) if is_unreserved(v) => {
                over.push(format!("`{}` (as {})", char::from(v), &t[i..i + 3]));
                i += 3;
                continue;
            }
            Some(_) => i += 2,
            None if !(is_unreserved(b[i]) || matches!(b[i], b'&' | b'=' | b'%')) => {
                under.push(b[i]);
            }
            None => {}
        }
        i += 1;
    }
    over.dedup();
    if !over.is_empty() {
        let msg = format!(
            "{} must stay literal: unreserved characters (A-Z a-z 0-9 - _ . ~) are never \
             percent-encoded",
            over.join(", ")
        );
        f.push(finding(Cause::QueryUnreservedEncoded, msg, ev.clone()));
    }
    if !under.is_empty() || over.is_empty() {
        f.push(finding(
            Cause::QueryReservedNotEncoded,
            "characters that must be percent-encoded are not",
            ev,
        ));
    }
}

fn header_findings(t: &str, r: &str, f: &mut Vec<Finding>) {
    let parse = |s: &str| -> Vec<(String, String)> {
        s.split('\n')
            .map(|l| {
                let (n, v) = l.split_once(':').unwrap_or((l, ""));
                (n.to_owned(), v.to_owned())
            })
            .collect()
    };
    let (th, rh) = (parse(t), parse(r));
    let ev = diff_lines(r, t);
    let rset = sorted_owned(rh.clone());
    let lower: Vec<(String, String)> = th
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .collect();
    let trimmed: Vec<(String, String)> = lower
        .iter()
        .map(|(n, v)| (n.clone(), trim_all(v)))
        .collect();
    if th
        .iter()
        .any(|(n, _)| n.bytes().any(|b| b.is_ascii_uppercase()))
        && sorted_owned(lower.clone()) == rset
    {
        f.push(finding(
            Cause::HeaderNameCase,
            "header names are not lower-case",
            ev,
        ));
    } else if th.iter().any(|(_, v)| *v != trim_all(v)) && sorted_owned(trimmed.clone()) == rset {
        f.push(finding(
            Cause::HeaderValueNotTrimmed,
            "header values hold leading, trailing or repeated spaces",
            ev,
        ));
    } else if sorted_owned(trimmed) == rset {
        f.push(finding(
            Cause::HeadersNotSorted,
            "the headers are right but not sorted by name",
            ev,
        ));
    } else if rh.iter().any(|(n, _)| n == "x-amz-content-sha256")
        && !lower.iter().any(|(n, _)| n == "x-amz-content-sha256")
    {
        f.push(finding(
            Cause::ContentSha256Missing,
            "x-amz-content-sha256 is not among the signed headers",
            ev,
        ));
    } else {
        let td = th
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("x-amz-date"))
            .map(|h| h.1.trim());
        let rd = rh
            .iter()
            .find(|(n, _)| n == "x-amz-date")
            .map(|h| h.1.trim());
        if td.is_some() && rd.is_some() && td != rd {
            f.push(finding(
                Cause::DateMismatch,
                "the x-amz-date signed is not the one sent",
                ev,
            ));
        } else {
            f.push(finding(
                Cause::HeadersDiffer,
                "the signed headers' names or values differ from those sent",
                ev,
            ));
        }
    }
}

fn sorted_owned(mut v: Vec<(String, String)>) -> Vec<(String, String)> {
    v.sort_unstable();
    v
}

fn trim_all(v: &str) -> String {
    v.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------
// String to sign

pub(super) fn hash_hex(data: &[u8]) -> String {
    hex_lower(&sha256(data)).to_string()
}

/// `r_cr` is the reference canonical request, `aws` whether it is AWS's own.
pub(super) fn fine_uploader_raw(t: &str, r_cr: Option<&str>, aws: bool, f: &mut Vec<Finding>) {
    let lines: Vec<&str> = t.splitn(4, '\n').collect();
    if lines.len() == 4 && lines[3].contains('\n') {
        let raw = lines[3];
        let msg = match (r_cr.is_some_and(|r| r == raw), aws) {
            (true, true) => {
                "the string to sign holds AWS's canonical request itself instead of its hash"
            }
            (true, false) => {
                "the string to sign holds the canonical request itself (the one the request \
                 sent needs) instead of its hash"
            }
            (false, _) => "the string to sign holds a canonical request instead of its hash",
        };
        let ev = vec![
            DiffLine::Expected(hash_hex(raw.as_bytes())),
            DiffLine::Theirs(raw.lines().next().unwrap_or_default().to_owned() + " ..."),
        ];
        f.push(finding(Cause::FineUploaderRawCanonical, msg, ev));
    }
}

pub(super) fn compare_sts(
    t: &str,
    r: &str,
    t_cr: Option<&str>,
    r_cr: Option<&str>,
    f: &mut Vec<Finding>,
) {
    if t == r {
        return;
    }
    // A POST policy: AWS's string to sign is the base64 of the policy.
    if !r.contains('\n') {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(r.trim())
            .ok();
        if decoded.as_deref().is_some_and(|d| d == t.as_bytes()) || t.trim_start().starts_with('{')
        {
            f.push(finding(
                Cause::PolicyJsonSigned,
                "the policy's JSON was signed, not its base64",
                pair(r, t),
            ));
        }
        return;
    }
    let tl: Vec<&str> = t.splitn(4, '\n').collect();
    let rl: Vec<&str> = r.splitn(4, '\n').collect();
    if tl.len() != 4 || rl.len() != 4 || tl[3].contains('\n') {
        return;
    }
    if tl[0] != rl[0] {
        f.push(finding(
            Cause::Algorithm,
            format!("algorithm {:?}", tl[0]),
            pair(rl[0], tl[0]),
        ));
    }
    let ts: Vec<&str> = tl[2].split('/').collect();
    let rs: Vec<&str> = rl[2].split('/').collect();
    if part(&ts, 1) != part(&rs, 1) && !rs.is_empty() {
        f.push(finding(
            Cause::WrongRegion,
            format!(
                "scope region {:?}, expected {:?}",
                part(&ts, 1),
                part(&rs, 1)
            ),
            pair(rl[2], tl[2]),
        ));
    }
    if part(&ts, 2) != part(&rs, 2) {
        f.push(finding(
            Cause::WrongService,
            format!(
                "scope service {:?}, expected {:?}",
                part(&ts, 2),
                part(&rs, 2)
            ),
            pair(rl[2], tl[2]),
        ));
    }
    let own_day = tl[1].get(..8).unwrap_or_default();
    if part(&ts, 0) != own_day || tl[1] != rl[1] || part(&ts, 0) != part(&rs, 0) {
        f.push(finding(
            Cause::DateMismatch,
            format!(
                "date {:?} with scope date {:?}; expected {:?} and {:?}",
                tl[1],
                part(&ts, 0),
                rl[1],
                part(&rs, 0)
            ),
            diff_lines(
                &format!("{}\n{}", rl[1], rl[2]),
                &format!("{}\n{}", tl[1], tl[2]),
            ),
        ));
    }
    if part(&ts, 3) != "aws4_request" && part(&ts, 3) != part(&rs, 3) {
        f.push(finding(
            Cause::DateMismatch,
            "the scope does not end with aws4_request",
            pair(rl[2], tl[2]),
        ));
    }
    if tl[3] == rl[3] {
        return;
    }
    if let Some(cr) = t_cr {
        if hash_hex(cr.as_bytes()) != tl[3] {
            let msg = if hash_hex(format!("{cr}\n").as_bytes()) == tl[3] {
                "the hash is of the canonical request with a trailing newline"
            } else {
                "the last line is not the SHA-256 of your canonical request"
            };
            f.push(finding(
                Cause::CanonicalHashWrong,
                msg,
                pair(&hash_hex(cr.as_bytes()), tl[3]),
            ));
        }
        return;
    }
    if let Some(cr) = r_cr {
        if let Some(how) = wrong_cut(cr, &tl[..3], tl[3]) {
            f.push(finding(
                Cause::FineUploaderWrongCut,
                format!("the hash is of the canonical request {how}"),
                pair(rl[3], tl[3]),
            ));
        } else if hash_hex(format!("{cr}\n").as_bytes()) == tl[3] {
            f.push(finding(
                Cause::CanonicalHashWrong,
                "the hash is of the canonical request with a trailing newline",
                pair(rl[3], tl[3]),
            ));
        } else {
            let msg = "the canonical request hashed differs from AWS's: give yours to see where";
            f.push(finding(Cause::CanonicalHashWrong, msg, pair(rl[3], tl[3])));
        }
    }
}

/// Which cut of the canonical request (or of Fine Uploader's whole string) hashes to `hash`.
fn part<'s>(v: &[&'s str], i: usize) -> &'s str {
    v.get(i).copied().unwrap_or_default()
}

fn wrong_cut(cr: &str, head: &[&str], hash: &str) -> Option<String> {
    let b = cr.as_bytes();
    for k in 1..=b.len().min(80) {
        if hash_hex(&b[k..]) == hash {
            return Some(format!("without its first {k} bytes"));
        }
        if hash_hex(&b[..b.len() - k]) == hash {
            return Some(format!("without its last {k} bytes"));
        }
    }
    let whole = format!("{}\n{cr}", head.join("\n"));
    let wb = whole.as_bytes();
    let start = wb.len() - b.len();
    for k in 1..=start {
        if hash_hex(&wb[start - k..]) == hash {
            return Some(format!("with {k} bytes of the lines before it"));
        }
    }
    None
}
