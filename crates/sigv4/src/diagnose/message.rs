//! What AWS's error message says outright (wrong service, region or date, clock skew),
//! and the clock checked against the request's time.

use super::compare::hash_hex;
use super::sent::{presigned_expiry, temporary_key_without_token, token_header_unsigned};
use super::{Cause, Finding, MAX_SKEW_SECS, SentRequest, finding, pair, sent_auth};
use crate::{AwsError, DiffLine, Endpoint, SigningTime};

/// What else is known when reading AWS's message.
pub(super) struct Seen<'a> {
    /// The request sent.
    pub sent: Option<&'a SentRequest>,
    /// The host it went to.
    pub host: Option<&'a str>,
    /// The credential scope sent (`date/region/service/aws4_request`).
    pub scope: Option<&'a str>,
    /// The X-Amz-Date sent.
    pub date: Option<&'a str>,
}

pub(super) fn message_findings(
    a: &AwsError,
    seen: &Seen<'_>,
    notes: &mut Vec<String>,
    f: &mut Vec<Finding>,
) {
    let sent = seen.sent;
    let code = a.code.as_deref().unwrap_or_default();
    let m = a.message.as_deref().unwrap_or_default();
    let lower = m.to_ascii_lowercase();
    if code == "XAmzContentSHA256Mismatch" {
        content_sha256_mismatch(a, sent, f);
    }
    if a.headers_not_signed.is_some()
        || lower.contains("headers present in the request which were not signed")
    {
        headers_not_signed(a, sent, f);
    }
    if matches!(
        code,
        "InvalidClientTokenId"
            | "UnrecognizedClientException"
            | "InvalidAccessKeyId"
            | "InvalidToken"
    ) || lower.contains("security token included in the request is invalid")
    {
        key_or_token_refused(a, sent, notes, f);
    }
    if m.is_empty() {
        return;
    }
    let evidence = vec![DiffLine::Expected(
        m.lines().next().unwrap_or_default().to_owned(),
    )];
    if lower.contains("scoped to correct service") || lower.contains("incorrect service") {
        let named = quoted_after(m, "correct service: ");
        let msg = scope_message(seen, 2, "service", named, |e| e.service);
        f.push(finding(Cause::WrongService, msg, evidence));
    } else if lower.contains("scoped to a valid region")
        || lower.contains("the region '") && lower.contains("is wrong")
    {
        let named = quoted_after(m, "expecting ");
        let msg = scope_message(seen, 1, "region", named, |e| e.region);
        f.push(finding(Cause::WrongRegion, msg, evidence));
    } else if lower.contains("date in credential scope does not match")
        || lower.contains("date is not the same as x-amz-date")
    {
        let scope_date = seen.scope.and_then(|s| s.split('/').next());
        let msg = match (scope_date, seen.date) {
            (Some(s), Some(d)) => format!(
                "AWS says the scope's date is not the request's: the scope says {s}, \
                 X-Amz-Date is {d}"
            ),
            _ => "AWS says the scope's date is not the request's".to_owned(),
        };
        f.push(finding(Cause::DateMismatch, msg, evidence));
    } else if lower.contains("signature expired")
        || lower.contains("signature not yet current")
        || lower.contains("request is not yet valid")
        || code == "RequestTimeTooSkewed"
    {
        let msg = match a.server_time.as_deref() {
            Some(t) => format!("AWS says the request's time is too far from its clock ({t})"),
            None => "AWS says the request's time is too far from its clock".to_owned(),
        };
        f.push(finding(Cause::ClockSkew, msg, evidence));
    } else if lower.contains("request has expired") {
        let msg = match sent.and_then(presigned_expiry) {
            Some(e) => format!("AWS says the presigned URL has expired: {}", e.said()),
            None => format!(
                "AWS says the presigned URL has expired{}",
                a.expires
                    .as_deref()
                    .map(|t| format!(" (at {t})"))
                    .unwrap_or_default()
            ),
        };
        let msg = match a.server_time.as_deref() {
            Some(t) => format!("{msg}; AWS's time was {t}"),
            None => msg,
        };
        f.push(finding(Cause::PresignedUrlExpired, msg, evidence));
    }
}

/// Without AWS's answer, the clock: a header-signed request's time against `now`, a
/// presigned URL's expiry. AWS checks neither when it answers SignatureDoesNotMatch, and
/// a presigned URL is meant to be used later, so it is never skew.
pub(super) fn clock_findings(
    now: SigningTime,
    sent: Option<&SentRequest>,
    date: Option<&str>,
    presigned: bool,
    f: &mut Vec<Finding>,
) {
    if !presigned {
        if let Some(date) = date {
            skew_finding(now, date, f);
        }
        return;
    }
    if let Some(e) = sent.and_then(presigned_expiry)
        && e.at.unix_seconds() < now.unix_seconds()
    {
        f.push(finding(
            Cause::PresignedUrlExpired,
            format!("the presigned URL had expired by {now}: {}", e.said()),
            pair(now.amz_date(), e.at.amz_date()),
        ));
    }
}

fn skew_finding(now: SigningTime, date: &str, f: &mut Vec<Finding>) {
    let Ok(t) = SigningTime::parse(date) else {
        return;
    };
    let skew = now.unix_seconds() - t.unix_seconds();
    if skew.abs() > MAX_SKEW_SECS {
        let which = if skew > 0 { "behind" } else { "ahead of" };
        f.push(finding(
            Cause::ClockSkew,
            format!(
                "the request was signed at {date}, {} s {which} now ({now})",
                skew.abs()
            ),
            pair(now.amz_date(), date),
        ));
    }
}

/// S3's `XAmzContentSHA256Mismatch`: the header sent is not the hash of the body S3
/// received. Its values, else the request's.
fn content_sha256_mismatch(a: &AwsError, sent: Option<&SentRequest>, f: &mut Vec<Finding>) {
    let header = a
        .client_content_sha256
        .clone()
        .or_else(|| sent.and_then(|r| r.header("x-amz-content-sha256").map(str::to_owned)));
    let body = a
        .s3_content_sha256
        .clone()
        .or_else(|| sent.map(|r| hash_hex(&r.body)));
    let (msg, ev) = match (header, body) {
        (Some(h), Some(b)) => (
            format!(
                "x-amz-content-sha256 is not the SHA-256 of the body sent: the header says \
                 {h}, S3 computed {b} from the body it received"
            ),
            pair(&b, &h),
        ),
        _ => (
            "S3 says x-amz-content-sha256 is not the SHA-256 of the body it received".to_owned(),
            Vec::new(),
        ),
    };
    f.push(finding(Cause::ContentSha256Mismatch, msg, ev));
}

/// S3's `HeadersNotSigned`: the session token, and any other header, sent unsigned.
fn headers_not_signed(a: &AwsError, sent: Option<&SentRequest>, f: &mut Vec<Finding>) {
    let listed: Vec<String> = a
        .headers_not_signed
        .as_deref()
        .unwrap_or_default()
        .split([',', ';', ' '])
        .filter(|n| !n.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let token = listed.iter().any(|n| n == "x-amz-security-token")
        || listed.is_empty() && sent.is_some_and(token_header_unsigned);
    if token {
        f.push(finding(
            Cause::SessionTokenNotSigned,
            "S3 says the X-Amz-Security-Token header was sent but not signed",
            Vec::new(),
        ));
    }
    let others: Vec<&str> = listed
        .iter()
        .map(String::as_str)
        .filter(|n| *n != "x-amz-security-token")
        .collect();
    if !others.is_empty() || !token {
        let msg = if others.is_empty() {
            "S3 says headers were sent that are not signed".to_owned()
        } else {
            format!(
                "S3 says these headers were sent but not signed: {}",
                others.join(", ")
            )
        };
        f.push(finding(Cause::HeadersNotSigned, msg, Vec::new()));
    }
}

/// AWS does not accept the access key or its session token (InvalidClientTokenId, ...):
/// a temporary key sent without its token is named; anything else is a note.
fn key_or_token_refused(
    a: &AwsError,
    sent: Option<&SentRequest>,
    notes: &mut Vec<String>,
    f: &mut Vec<Finding>,
) {
    if let Some(key) = sent.and_then(temporary_key_without_token) {
        f.push(finding(
            Cause::SessionTokenMissing,
            format!(
                "AWS refused the temporary access key {key} (ASIA...): no X-Amz-Security-Token \
                 was sent with it"
            ),
            Vec::new(),
        ));
        return;
    }
    let key = sent
        .and_then(sent_auth)
        .map(|s| s.access_key)
        .or_else(|| a.access_key_id.clone())
        .unwrap_or_else(|| "sent".to_owned());
    notes.push(format!(
        "AWS does not accept the access key {key} or its session token: a temporary key \
         (ASIA...) needs the token that came with it, sent as X-Amz-Security-Token and \
         signed; a long-term key (AKIA...) may be inactive, deleted or from another \
         account or partition{}",
        if sent.is_none() {
            "; give the request sent to check"
        } else {
            ""
        }
    ));
}

/// The `'...'` right after `label` in AWS's message (`expecting 'eu-west-1'`).
fn quoted_after(m: &str, label: &str) -> Option<String> {
    let rest = m.get(m.find(label)? + label.len()..)?.strip_prefix('\'')?;
    Some(rest.get(..rest.find('\'')?)?.to_owned())
}

/// "AWS says the scope's region is wrong": with what the scope said and what AWS (or the
/// host) expects, as far as known.
fn scope_message(
    seen: &Seen<'_>,
    part: usize,
    what: &str,
    named_by_aws: Option<String>,
    from_host: fn(Endpoint) -> String,
) -> String {
    let sent = seen.scope.and_then(|s| s.split('/').nth(part));
    let host_says = seen
        .host
        .and_then(Endpoint::from_host)
        .map(from_host)
        .zip(seen.host);
    let expected = match (named_by_aws, host_says) {
        (Some(x), _) => Some(format!("AWS expects {x:?}")),
        (None, Some((x, host))) => Some(format!("the host {host} is in {what} {x:?}")),
        _ => None,
    };
    let mut msg = format!("AWS says the scope's {what} is wrong");
    match (sent, expected) {
        (Some(s), Some(e)) => msg += &format!(": the scope names {s:?}, {e}"),
        (Some(s), None) => msg += &format!(": the scope names {s:?}"),
        (None, Some(e)) => msg += &format!(": {e}"),
        (None, None) => {}
    }
    msg
}
