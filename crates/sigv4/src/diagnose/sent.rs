//! What the request sent shows by itself, when AWS's answer is not given: a session
//! token left unsigned or left out, a body that is not what x-amz-content-sha256 says.

use super::compare::hash_hex;
use super::{Cause, Finding, SentRequest, finding, pair, sent_auth, sent_date};
use crate::SigningTime;

/// The request's own mistakes, found without AWS's answer.
pub(super) fn sent_findings(r: &SentRequest, f: &mut Vec<Finding>) {
    token_not_signed(r, f);
    token_missing(r, f);
    sent_content_sha256(r, f);
    scope_against_host(r, f);
}

/// A credential scope whose region is not the one its host names (only for
/// a host that names its region: a global one, such as `bucket.s3.amazonaws.com`, takes
/// the bucket's region, or `iam.amazonaws.com` us-east-1, without saying so).
fn scope_against_host(r: &SentRequest, f: &mut Vec<Finding>) {
    let (Some(auth), Some(host)) = (sent_auth(r), r.header("host")) else {
        return;
    };
    // The host as the endpoint table reads it: without its port, lower-cased.
    let Some(name) = crate::endpoint::normalize(host) else {
        return;
    };
    let Some(endpoint) = crate::Endpoint::from_host(&name) else {
        return;
    };
    let [_, region, ..] = auth.scope.as_slice() else {
        return;
    };
    let names_region = name.split('.').any(|label| label == endpoint.region);
    if names_region && *region != endpoint.region {
        f.push(finding(
            Cause::WrongRegion,
            format!(
                "the credential scope names the region {region:?}, but the host {name} is in {:?}",
                endpoint.region
            ),
            pair(&endpoint.region, region),
        ));
    }
}

/// The access key sent, if it is a temporary one (`ASIA...`) sent without its token.
pub(super) fn temporary_key_without_token(r: &SentRequest) -> Option<String> {
    let key = sent_auth(r)?.access_key;
    let token = r.header("x-amz-security-token").is_some()
        || r.query_param("X-Amz-Security-Token").is_some();
    (key.starts_with("ASIA") && !token).then_some(key)
}

/// A header-signed request whose X-Amz-Security-Token header is not in SignedHeaders.
pub(super) fn token_header_unsigned(r: &SentRequest) -> bool {
    let signed = sent_auth(r).and_then(|a| a.signed_headers);
    r.header("x-amz-security-token").is_some()
        && r.header("authorization").is_some()
        && signed.is_some_and(|s| {
            !s.split(';')
                .any(|n| n.trim().eq_ignore_ascii_case("x-amz-security-token"))
        })
}

fn token_not_signed(r: &SentRequest, f: &mut Vec<Finding>) {
    if token_header_unsigned(r) {
        f.push(finding(
            Cause::SessionTokenNotSigned,
            "the X-Amz-Security-Token header is sent but not in SignedHeaders (AWS SDKs sign \
             it; S3 refuses it unsigned)",
            Vec::new(),
        ));
    }
}

fn token_missing(r: &SentRequest, f: &mut Vec<Finding>) {
    if let Some(key) = temporary_key_without_token(r) {
        f.push(finding(
            Cause::SessionTokenMissing,
            format!(
                "the access key {key} is temporary (ASIA...), but no X-Amz-Security-Token was sent"
            ),
            Vec::new(),
        ));
    }
}

/// Without AWS's answer: an `x-amz-content-sha256` hash sent with a body it is not the
/// hash of.
fn sent_content_sha256(r: &SentRequest, f: &mut Vec<Finding>) {
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

/// When a presigned URL expires: X-Amz-Date + X-Amz-Expires.
pub(super) struct Expiry {
    pub at: SigningTime,
    date: String,
    seconds: i64,
}

impl Expiry {
    /// How it expired, in words.
    pub fn said(&self) -> String {
        format!(
            "it expired at {} (X-Amz-Date {} + X-Amz-Expires {} s)",
            self.at.amz_date(),
            self.date,
            self.seconds
        )
    }
}

pub(super) fn presigned_expiry(r: &SentRequest) -> Option<Expiry> {
    let seconds: i64 = r.query_param("X-Amz-Expires")?.parse().ok()?;
    let date = sent_date(r)?;
    let signed = SigningTime::parse(&date).ok()?;
    let at = SigningTime::from_unix_seconds(signed.unix_seconds().checked_add(seconds)?).ok()?;
    Some(Expiry { at, date, seconds })
}
