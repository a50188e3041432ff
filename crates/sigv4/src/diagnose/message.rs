//! What AWS's error message says outright (wrong service, region or date, clock skew),
//! and the clock checked against the request's time.

use super::compare::hash_hex;
use super::{Cause, Finding, MAX_SKEW_SECS, SentRequest, finding, pair};
use crate::{AwsError, DiffLine, SigningTime};

pub(super) fn message_findings(a: &AwsError, sent: Option<&SentRequest>, f: &mut Vec<Finding>) {
    if a.code.as_deref() == Some("XAmzContentSHA256Mismatch") {
        content_sha256_mismatch(a, sent, f);
    }
    let Some(m) = a.message.as_deref() else {
        return;
    };
    let lower = m.to_ascii_lowercase();
    let evidence = vec![DiffLine::Expected(
        m.lines().next().unwrap_or_default().to_owned(),
    )];
    if lower.contains("scoped to correct service") || lower.contains("incorrect service") {
        f.push(finding(
            Cause::WrongService,
            "AWS says the scope names the wrong service",
            evidence,
        ));
    } else if lower.contains("scoped to a valid region")
        || lower.contains("the region '") && lower.contains("is wrong")
    {
        f.push(finding(
            Cause::WrongRegion,
            "AWS says the scope names the wrong region",
            evidence,
        ));
    } else if lower.contains("date in credential scope does not match") {
        f.push(finding(
            Cause::DateMismatch,
            "AWS says the scope's date is not the request's",
            evidence,
        ));
    } else if lower.contains("signature expired")
        || lower.contains("signature not yet current")
        || a.code.as_deref() == Some("RequestTimeTooSkewed")
    {
        f.push(finding(
            Cause::ClockSkew,
            "AWS says the request's time is too far from its clock",
            evidence,
        ));
    }
}

pub(super) fn skew_finding(now: SigningTime, date: &str, f: &mut Vec<Finding>) {
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

/// Without AWS's answer: an `x-amz-content-sha256` hash sent with a body it is not the
/// hash of.
pub(super) fn sent_content_sha256(r: &SentRequest, f: &mut Vec<Finding>) {
    let Some(h) = r.header("x-amz-content-sha256") else {
        return;
    };
    let body = hash_hex(&r.body);
    if !r.body.is_empty() && h.len() == 64 && !h.eq_ignore_ascii_case(&body) {
        f.push(finding(
            Cause::ContentSha256Mismatch,
            format!(
                "x-amz-content-sha256 is not the SHA-256 of the body sent: the header says \
                 {h}, the body's is {body}"
            ),
            pair(&body, h),
        ));
    }
}
