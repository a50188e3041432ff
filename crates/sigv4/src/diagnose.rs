//! Diagnosis of `SignatureDoesNotMatch`: compares what AWS computed (from its error
//! response), what the person computed, and what our signer computes, and names the
//! mistake with a one-line fix, most likely first.
//!
//! Sans-IO like the rest of the core: the time is an argument, nothing is read.

use std::fmt;
use std::time::Duration;

use crate::encode::decode_query_component;
use crate::sign::{redact_token, redact_token_line};
use crate::{
    ALGORITHM, Credentials, Endpoint, HeaderSelection, Payload, RawRequest, Request, Rules,
    Settings, Signer, SigningParams, SigningTime,
};

mod cause;
mod compare;
mod message;
mod response;
mod sent;
mod signature;

pub use cause::Cause;
pub use response::AwsError;

use compare::{compare_canonical, compare_sts, fine_uploader_raw, hash_hex, self_check_canonical};
use message::{Seen, clock_findings, message_findings};
use sent::sent_findings;
use signature::{Known, signature_findings};

/// Clock skew AWS accepts between the request's time and its own.
const MAX_SKEW_SECS: i64 = 15 * 60;
/// Inputs larger than this are not compared line by line (the diff is quadratic).
const MAX_DIFF_LINES: usize = 400;

/// One line of a line-by-line comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiffLine {
    /// In both.
    Same(String),
    /// Only in what AWS expects (or the correct form).
    Expected(String),
    /// Only in what the person computed.
    Theirs(String),
}

/// A named cause, with what shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// The cause, from the catalog.
    pub cause: Cause,
    /// What was seen, in a sentence.
    pub message: String,
    /// The fix, in one line.
    pub fix: &'static str,
    /// The lines that show it (expected against theirs).
    pub evidence: Vec<DiffLine>,
}

/// The same string as AWS computed it, as the person did, and as our signer does.
/// Session tokens are redacted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Comparison {
    /// From AWS's error response.
    pub aws: Option<String>,
    /// As the person computed it.
    pub theirs: Option<String>,
    /// As our signer computes it from the request sent.
    pub correct: Option<String>,
}

impl Comparison {
    /// A line-by-line diff of the reference (AWS's, else the correct one) against theirs.
    ///
    /// ```
    /// let d = sigv4::diagnose(&sigv4::DiagnoseInput::default());
    /// assert!(d.canonical_request.diff().is_empty());
    /// ```
    pub fn diff(&self) -> Vec<DiffLine> {
        match (self.aws.as_ref().or(self.correct.as_ref()), &self.theirs) {
            (Some(r), Some(t)) => diff_lines(r, t),
            _ => Vec::new(),
        }
    }
}

/// What diagnosis found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnosis {
    /// Causes, most likely first.
    pub findings: Vec<Finding>,
    /// The canonical request three ways.
    pub canonical_request: Comparison,
    /// The string to sign three ways.
    pub string_to_sign: Comparison,
    /// AWS's error, as parsed.
    pub aws_error: Option<AwsError>,
    /// What could not be checked, and why (missing input).
    pub notes: Vec<String>,
}

/// The request as it was sent.
///
/// `Debug` hides a session token (header or query) and the signature.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SentRequest {
    /// The method.
    pub method: String,
    /// The request target (path and query) as sent.
    pub target: String,
    /// The headers as sent, `Host` included.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl fmt::Debug for SentRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::raw::debug_request(
            f,
            "SentRequest",
            &self.method,
            &self.target,
            &self.headers,
            &self.body,
        )
    }
}

impl SentRequest {
    /// From a raw HTTP/1.1 request.
    ///
    /// ```
    /// let raw = sigv4::RawRequest::parse(b"GET /a HTTP/1.1\nHost: h\n\n")?;
    /// assert_eq!(sigv4::SentRequest::from_raw(raw).target, "/a");
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn from_raw(raw: RawRequest) -> SentRequest {
        SentRequest {
            method: raw.method,
            target: raw.target,
            headers: raw.headers,
            body: raw.body,
        }
    }

    /// From a method, an absolute URL, headers and a body; `Host` is added from the URL.
    ///
    /// ```
    /// let s = sigv4::SentRequest::from_url("GET", "https://h.example/a?b=1", &[], b"")?;
    /// assert_eq!((s.target.as_str(), s.headers[0].1.as_str()), ("/a?b=1", "h.example"));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn from_url(
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> crate::Result<SentRequest> {
        let request = Request::new(method, url)?;
        let full = request.url();
        let after = full.split_once("://").map_or("", |(_, r)| r);
        let target = after
            .find('/')
            .map_or("/".to_owned(), |i| after[i..].to_owned());
        let mut all = Vec::with_capacity(headers.len() + 1);
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
            all.push((
                "Host".to_owned(),
                request.host().unwrap_or_default().to_owned(),
            ));
        }
        all.extend(
            headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
        );
        Ok(SentRequest {
            method: method.to_owned(),
            target,
            headers: all,
            body: body.to_vec(),
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn query_param(&self, name: &str) -> Option<String> {
        let query = self.target.split_once('?')?.1;
        query.split('&').find_map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k == name).then(|| String::from_utf8_lossy(&decode_query_component(v)).into_owned())
        })
    }
}

/// Everything known about a failed request; any field may be missing.
///
/// `Debug` hides session tokens in the texts and the request, and the signature.
#[derive(Clone, Copy, Default)]
pub struct DiagnoseInput<'a> {
    /// AWS's error response body (XML, JSON or pasted text).
    pub response: Option<&'a str>,
    /// The canonical request the person's code computed.
    pub canonical_request: Option<&'a str>,
    /// The string to sign the person's code computed.
    pub string_to_sign: Option<&'a str>,
    /// The signature the person's code computed (else read from the request).
    pub signature: Option<&'a str>,
    /// The request sent.
    pub request: Option<&'a SentRequest>,
    /// The credentials (to check the signature itself).
    pub credentials: Option<&'a Credentials>,
    /// When the request was sent (default: unknown). Used only without AWS's answer: a
    /// header-signed request more than 15 minutes from it is clock skew (after any other
    /// cause), a presigned URL past X-Amz-Date + X-Amz-Expires has expired. With an
    /// answer, the clock is AWS's to judge (RequestTimeTooSkewed, "Signature expired",
    /// "Request has expired").
    pub now: Option<SigningTime>,
}

/// Diagnoses a failed signature: findings, most likely first, and the three-way comparison.
///
/// ```
/// use sigv4::{Cause, DiagnoseInput, diagnose};
/// let aws = "{\"message\":\"...\\n\\nThe Canonical String for this request should have been\\n'GET\\n/v1/voices\\nLanguageCode=en-US\\nhost:polly.eu-west-1.amazonaws.com\\nx-amz-date:20150830T123600Z\\n\\nhost;x-amz-date\\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\\n\"}";
/// let theirs = "GET\n/\nLanguageCode=en-US\nhost:polly.eu-west-1.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// let d = diagnose(&DiagnoseInput { response: Some(aws), canonical_request: Some(theirs), ..Default::default() });
/// assert_eq!(d.findings[0].cause, Cause::CanonicalUri);
/// ```
pub fn diagnose(input: &DiagnoseInput<'_>) -> Diagnosis {
    let mut d = Diagnosis::default();
    let aws = input.response.map(AwsError::parse);
    let correct = input.request.and_then(correct_steps);
    let theirs_sts = input.string_to_sign.map(normalize_text);
    let theirs_cr = input.canonical_request.map(normalize_text);
    let aws_cr = aws.as_ref().and_then(|a| a.canonical_request.clone());
    let aws_sts = aws.as_ref().and_then(|a| a.string_to_sign.clone());
    let correct_cr = correct.as_ref().map(|c| c.canonical_request.clone());
    let correct_sts = correct.as_ref().map(|c| c.string_to_sign.clone());
    let ref_cr = aws_cr.clone().or_else(|| correct_cr.clone());
    let ref_sts = aws_sts.clone().or_else(|| correct_sts.clone());
    let mut f = Vec::new();

    // An empty answer (a file with nothing in it) says nothing.
    let answered = aws
        .as_ref()
        .filter(|a| a.code.is_some() || a.message.as_deref().is_some_and(|m| !m.trim().is_empty()));
    let their_date = theirs_sts
        .as_deref()
        .and_then(|s| s.split('\n').nth(1))
        .map(str::to_owned)
        .or_else(|| input.request.and_then(sent_date));
    let scope_sent = input
        .request
        .and_then(sent_auth)
        .map(|a| a.scope.join("/"))
        .or_else(|| Some(theirs_sts.as_deref()?.split('\n').nth(2)?.to_owned()));
    let seen = Seen {
        sent: input.request,
        host: input.request.and_then(|r| r.header("host")).or_else(|| {
            [&theirs_cr, &aws_cr]
                .into_iter()
                .find_map(|c| host_line(c.as_deref()?))
        }),
        scope: scope_sent.as_deref(),
        date: their_date.as_deref(),
    };
    match (answered, input.request) {
        (Some(a), _) => message_findings(a, &seen, &mut d.notes, &mut f),
        (None, Some(sent)) => sent_findings(sent, &mut f),
        (None, None) => {}
    }
    if let Some(t) = theirs_sts.as_deref() {
        fine_uploader_raw(t, ref_cr.as_deref(), aws_cr.is_some(), &mut f);
    }
    match (theirs_cr.as_deref(), ref_cr.as_deref()) {
        (Some(t), Some(r)) => compare_canonical(t, r, &mut f),
        (Some(t), None) => self_check_canonical(t, &mut f),
        _ => {}
    }
    if let (Some(t), Some(r)) = (theirs_sts.as_deref(), ref_sts.as_deref()) {
        compare_sts(t, r, theirs_cr.as_deref(), ref_cr.as_deref(), &mut f);
    }
    if f.is_empty() {
        let mine = theirs_sts
            .as_deref()
            .or(theirs_cr.as_deref().and(ref_sts.as_deref()));
        let aws_reference = aws_sts.is_some()
            || aws_cr.as_deref().is_some_and(|cr| {
                ref_sts.as_deref().and_then(|s| s.split('\n').nth(3))
                    == Some(&hash_hex(cr.as_bytes()))
            });
        let known = Known {
            mine,
            reference: ref_sts.as_deref(),
            reference_cr: ref_cr.as_deref(),
            aws_reference,
            aws_mismatch: aws.as_ref().is_some_and(says_signature_differs),
            aws: aws.as_ref(),
        };
        signature_findings(input, &known, &mut d.notes, &mut f);
    }
    // The clock is AWS's to judge: only without its answer, and after any other cause.
    if let (None, Some(now)) = (answered, input.now) {
        let presigned = input
            .request
            .is_some_and(|r| r.query_param("X-Amz-Credential").is_some())
            || theirs_cr
                .as_deref()
                .and_then(|c| c.split('\n').nth(2))
                .is_some_and(|q| q.contains("X-Amz-Credential="));
        clock_findings(now, input.request, their_date.as_deref(), presigned, &mut f);
    }
    if ref_cr.is_none() && ref_sts.is_none() {
        d.notes.push(match input.request {
            None => "no reference: give AWS's error response, or the request sent".into(),
            Some(r) if sent_date(r).is_none() => "no reference: the request sent has no \
                X-Amz-Date (header or query parameter), so it was not signed with SigV4; \
                give AWS's error response"
                .into(),
            Some(_) => "no reference: the request sent names no scope to rebuild it with \
                (a host AWS knows, or the Credential of an Authorization header); give \
                AWS's error response"
                .into(),
        });
    }
    if theirs_cr.is_none()
        && theirs_sts.is_none()
        && !d.notes.iter().any(|n| n.contains("your canonical request"))
    {
        d.notes
            .push("your canonical request and string to sign were not given".into());
    }
    dedup(&mut f);
    d.findings = f;
    d.canonical_request = Comparison {
        aws: aws_cr.map(|s| redact_token(&s)),
        theirs: theirs_cr.map(|s| redact_token(&s)),
        correct: correct_cr.map(|s| redact_token(&s)),
    };
    d.string_to_sign = Comparison {
        aws: aws_sts.map(|s| redact_token(&s)),
        theirs: theirs_sts.map(|s| redact_token(&s)),
        correct: correct_sts,
    };
    // AWS's message quotes the canonical request, session token included.
    d.aws_error = aws.map(|mut a| {
        a.message = a.message.as_deref().map(redact_token);
        a.canonical_request = a.canonical_request.as_deref().map(redact_token);
        a
    });
    d
}

/// Whether AWS said the signature differs from the one it computed (not another refusal).
fn says_signature_differs(a: &AwsError) -> bool {
    a.canonical_request.is_some()
        || a.string_to_sign.is_some()
        || a.code.as_deref() == Some("SignatureDoesNotMatch")
        || a.message.as_deref().is_some_and(|m| {
            m.to_ascii_lowercase()
                .contains("signature we calculated does not match")
        })
}

/// The host a canonical request names.
fn host_line(cr: &str) -> Option<&str> {
    cr.split('\n').find_map(|l| l.strip_prefix("host:"))
}

fn normalize_text(s: &str) -> String {
    s.replace("\r\n", "\n")
}

fn dedup(f: &mut Vec<Finding>) {
    let mut seen = Vec::new();
    f.retain(|x| {
        let new = !seen.contains(&x.cause);
        seen.push(x.cause);
        new
    });
}

fn finding(cause: Cause, message: impl Into<String>, evidence: Vec<DiffLine>) -> Finding {
    let evidence = evidence
        .into_iter()
        .map(|d| match d {
            DiffLine::Same(s) => DiffLine::Same(redact_token_line(&s)),
            DiffLine::Expected(s) => DiffLine::Expected(redact_token_line(&s)),
            DiffLine::Theirs(s) => DiffLine::Theirs(redact_token_line(&s)),
        })
        .collect();
    Finding {
        cause,
        message: message.into(),
        fix: cause.fix(),
        evidence,
    }
}

impl fmt::Debug for DiagnoseInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DiagnoseInput")
            .field("response", &self.response.map(redact_token))
            .field(
                "canonical_request",
                &self.canonical_request.map(redact_token),
            )
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &self.signature.map(|_| "<redacted>"))
            .field("request", &self.request)
            .field("credentials", &self.credentials)
            .field("now", &self.now)
            .finish()
    }
}

fn pair(expected: &str, theirs: &str) -> Vec<DiffLine> {
    vec![
        DiffLine::Expected(expected.to_owned()),
        DiffLine::Theirs(theirs.to_owned()),
    ]
}

// ---------------------------------------------------------------------------------------
// The correct signature, from the request sent

struct Correct {
    canonical_request: String,
    string_to_sign: String,
}

/// The Authorization header's (or presigned query's) credential scope, signed headers
/// and signature.
struct SentAuth {
    access_key: String,
    scope: Vec<String>,
    signed_headers: Option<String>,
    signature: Option<String>,
}

fn sent_auth(r: &SentRequest) -> Option<SentAuth> {
    if let Some(auth) = r.header("authorization") {
        let rest = auth.strip_prefix(ALGORITHM)?;
        let field = |name: &str| {
            rest.split(',')
                .map(str::trim)
                .find_map(|p| p.strip_prefix(name).map(str::to_owned))
        };
        let cred = field("Credential=")?;
        let mut parts = cred.split('/');
        let access_key = parts.next().unwrap_or_default().to_owned();
        return Some(SentAuth {
            access_key,
            scope: parts.map(str::to_owned).collect(),
            signed_headers: field("SignedHeaders="),
            signature: field("Signature="),
        });
    }
    let cred = r.query_param("X-Amz-Credential")?;
    let mut parts = cred.split('/');
    let access_key = parts.next().unwrap_or_default().to_owned();
    Some(SentAuth {
        access_key,
        scope: parts.map(str::to_owned).collect(),
        signed_headers: r.query_param("X-Amz-SignedHeaders"),
        signature: r.query_param("X-Amz-Signature"),
    })
}

fn sent_date(r: &SentRequest) -> Option<String> {
    r.header("x-amz-date")
        .map(str::to_owned)
        .or_else(|| r.query_param("X-Amz-Date"))
}

fn is_presign_param(name: &str) -> bool {
    matches!(
        name,
        "X-Amz-Algorithm"
            | "X-Amz-Credential"
            | "X-Amz-Date"
            | "X-Amz-Expires"
            | "X-Amz-SignedHeaders"
            | "X-Amz-Signature"
            | "X-Amz-Security-Token"
    )
}

fn correct_steps(r: &SentRequest) -> Option<Correct> {
    let auth = sent_auth(r);
    let time = SigningTime::parse(&sent_date(r)?).ok()?;
    let host = r.header("host").unwrap_or_default();
    let (region, service) = match Endpoint::from_host(host) {
        Some(e) => (e.region, e.service),
        None => {
            let scope = &auth.as_ref()?.scope;
            (scope.get(1)?.clone(), scope.get(2)?.clone())
        }
    };
    let access_key = auth
        .as_ref()
        .map_or("AKIDEXAMPLE", |a| a.access_key.as_str());
    // The canonical strings need no secret: sign with a stand-in, then sign the string
    // to sign with the real key if there is one.
    let presigned =
        r.query_param("X-Amz-Signature").is_some() || r.query_param("X-Amz-Credential").is_some();
    let mut stand_in = Credentials::new(access_key, "diagnose").ok()?;
    // A presigned URL's token is part of its canonical query, as AWS computes it.
    if let Some(token) = r.query_param("X-Amz-Security-Token").filter(|_| presigned) {
        stand_in = stand_in.with_session_token(token);
    }
    let mut settings = Settings::default();
    if let Some(list) = auth.as_ref().and_then(|a| a.signed_headers.as_deref()) {
        settings.headers = HeaderSelection::Only(list.split(';').map(str::to_owned).collect());
    }
    let params = SigningParams::new(&stand_in, &region, &service, time)
        .ok()?
        .with_settings(settings);
    let (path, query) = r.target.split_once('?').unwrap_or((&r.target, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| {
            !(p.is_empty() || presigned && is_presign_param(p.split('=').next().unwrap_or(p)))
        })
        .collect();
    let target = if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    };
    let headers: Vec<(&str, &str)> = r
        .headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("authorization"))
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let payload = match r.header("x-amz-content-sha256") {
        Some("UNSIGNED-PAYLOAD") => Payload::Unsigned,
        Some("STREAMING-AWS4-HMAC-SHA256-PAYLOAD") => Payload::StreamingSigned,
        Some("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER") => Payload::StreamingSignedTrailer,
        Some("STREAMING-UNSIGNED-PAYLOAD-TRAILER") => Payload::StreamingUnsignedTrailer,
        Some(h) if h.len() == 64 => Payload::Precomputed(h),
        // A URL is presigned before any body exists: "no payload" is what the core's
        // presign signs for it (UNSIGNED-PAYLOAD under S3 rules, as S3 and the verifier
        // expect), whatever body was later sent to an S3 URL.
        _ if presigned && (r.body.is_empty() || Rules::for_service(&service) == Rules::S3) => {
            Payload::Empty
        }
        _ => Payload::Bytes(&r.body),
    };
    let request = Request::from_raw(&r.method, &target, &headers)
        .ok()?
        .with_payload(payload);
    let signer = Signer::new();
    let steps = if presigned {
        let expires = r
            .query_param("X-Amz-Expires")
            .and_then(|e| e.parse::<u64>().ok())
            .unwrap_or(900);
        signer
            .presign(&request, &params, Duration::from_secs(expires))
            .ok()?
            .steps()
            .clone()
    } else {
        signer.sign(&request, &params).ok()?.steps().clone()
    };
    Some(Correct {
        canonical_request: steps.canonical_request().to_owned(),
        string_to_sign: steps.string_to_sign().to_owned(),
    })
}

// ---------------------------------------------------------------------------------------
// Line diff

/// A line diff (longest common subsequence) of `expected` against `theirs`.
fn diff_lines(expected: &str, theirs: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = expected.split('\n').collect();
    let b: Vec<&str> = theirs.split('\n').collect();
    if a.len() > MAX_DIFF_LINES || b.len() > MAX_DIFF_LINES {
        let mut out: Vec<DiffLine> = a
            .iter()
            .map(|l| DiffLine::Expected((*l).to_owned()))
            .collect();
        out.extend(b.iter().map(|l| DiffLine::Theirs((*l).to_owned())));
        return out;
    }
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u16; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push(DiffLine::Same(a[i].to_owned()));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(DiffLine::Expected(a[i].to_owned()));
            i += 1;
        } else {
            out.push(DiffLine::Theirs(b[j].to_owned()));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_survives_odd_input() {
        for text in [
            "",
            "<Error><Code>",
            "{\"message\": 5}",
            "&#xFFFFFFFF;<Code>&amp</Code>",
            "The Canonical String for this request should have been '",
            "<Error><CanonicalRequestBytes>zz 47</CanonicalRequestBytes></Error>",
        ] {
            let _ = AwsError::parse(text);
        }
    }

    #[test]
    fn diff_marks_changes() {
        let d = diff_lines("a\nb\nc", "a\nx\nc");
        assert_eq!(
            d,
            vec![
                DiffLine::Same("a".into()),
                DiffLine::Expected("b".into()),
                DiffLine::Theirs("x".into()),
                DiffLine::Same("c".into())
            ]
        );
    }

    #[test]
    fn every_cause_has_a_distinct_name() {
        let mut names: Vec<&str> = Cause::ALL.iter().map(|c| c.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Cause::ALL.len());
        assert!(Cause::ALL.len() >= 20);
    }
}
