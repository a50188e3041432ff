//! Diagnosis of `SignatureDoesNotMatch`: compares what AWS computed (from its error
//! response), what the person computed, and what our signer computes, and names the
//! mistake with a one-line fix, most likely first.
//!
//! Sans-IO like the rest of the core: the time is an argument, nothing is read.

use std::time::Duration;

use base64::Engine as _;

use crate::encode::{decode_query_component, encode_into, hex_lower};
use crate::key::hmac;
use crate::sha::sha256;
use crate::sign::redact_query_token;
use crate::{
    ALGORITHM, CanonicalParts, Credentials, EMPTY_SHA256, Endpoint, HeaderSelection, Payload,
    RawRequest, Request, Settings, Signer, SigningKey, SigningParams, SigningTime,
};

mod cause;
mod response;

pub use cause::Cause;
pub use response::AwsError;

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
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, Default)]
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
    /// The current time (for clock skew).
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

    if let Some(a) = &aws {
        message_findings(a, &mut f);
    }
    let their_date = theirs_sts
        .as_deref()
        .and_then(|s| s.split('\n').nth(1))
        .map(str::to_owned)
        .or_else(|| input.request.and_then(sent_date));
    if let (Some(now), Some(date)) = (input.now, their_date.as_deref()) {
        skew_finding(now, date, &mut f);
    }
    if let Some(t) = theirs_sts.as_deref() {
        fine_uploader_raw(t, ref_cr.as_deref(), &mut f);
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
        signature_findings(
            input,
            theirs_sts.as_deref().or(ref_sts.as_deref()),
            ref_sts.as_deref(),
            aws.as_ref(),
            &mut d.notes,
            &mut f,
        );
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
    if theirs_cr.is_none() && theirs_sts.is_none() {
        d.notes
            .push("your canonical request and string to sign were not given".into());
    }
    dedup(&mut f);
    d.findings = f;
    d.canonical_request = Comparison {
        aws: aws_cr.map(|s| redact_text(&s)),
        theirs: theirs_cr.map(|s| redact_text(&s)),
        correct: correct_cr.map(|s| redact_text(&s)),
    };
    d.string_to_sign = Comparison {
        aws: aws_sts.map(|s| redact_text(&s)),
        theirs: theirs_sts.map(|s| redact_text(&s)),
        correct: correct_sts,
    };
    // AWS's message quotes the canonical request, session token included.
    d.aws_error = aws.map(|mut a| {
        a.message = a.message.as_deref().map(redact_text);
        a.canonical_request = a.canonical_request.as_deref().map(redact_text);
        a
    });
    d
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
            DiffLine::Same(s) => DiffLine::Same(redact_line(&s)),
            DiffLine::Expected(s) => DiffLine::Expected(redact_line(&s)),
            DiffLine::Theirs(s) => DiffLine::Theirs(redact_line(&s)),
        })
        .collect();
    Finding {
        cause,
        message: message.into(),
        fix: cause.fix(),
        evidence,
    }
}

/// Session tokens out of any line shown: a header line or a query.
fn redact_line(line: &str) -> String {
    if line
        .to_ascii_lowercase()
        .starts_with("x-amz-security-token:")
    {
        "x-amz-security-token:<redacted>".to_owned()
    } else if line.contains("X-Amz-Security-Token=") {
        redact_query_token(line)
    } else {
        line.to_owned()
    }
}

fn redact_text(text: &str) -> String {
    text.split('\n')
        .map(redact_line)
        .collect::<Vec<_>>()
        .join("\n")
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
    let stand_in = Credentials::new(access_key, "diagnose").ok()?;
    let mut settings = Settings::default();
    if let Some(list) = auth.as_ref().and_then(|a| a.signed_headers.as_deref()) {
        settings.headers = HeaderSelection::Only(list.split(';').map(str::to_owned).collect());
    }
    let params = SigningParams::new(&stand_in, &region, &service, time)
        .ok()?
        .with_settings(settings);
    let presigned =
        r.query_param("X-Amz-Signature").is_some() || r.query_param("X-Amz-Credential").is_some();
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
// AWS's message, the clock

fn message_findings(a: &AwsError, f: &mut Vec<Finding>) {
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

// ---------------------------------------------------------------------------------------
// Canonical request

/// A header line's name, if the line looks like `name:value`.
fn header_line_name(line: &str) -> Option<&str> {
    let (name, _) = line.split_once(':')?;
    let tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+.^_`|~-".contains(&b);
    (!name.is_empty() && name.bytes().all(tchar) && !name.contains('%')).then_some(name)
}

fn self_check_canonical(t: &str, f: &mut Vec<Finding>) {
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

fn compare_canonical(t: &str, r: &str, f: &mut Vec<Finding>) {
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
        let cause = if tp.uri.replace('%', "%25") == rp.uri || rp.uri.replace('%', "%25") == tp.uri
        {
            Cause::PathEncodingRules
        } else {
            Cause::CanonicalUri
        };
        f.push(finding(
            cause,
            format!("canonical URI {:?}, expected {:?}", tp.uri, rp.uri),
            pair(rp.uri, tp.uri),
        ));
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
        let cause = if tp.payload_hash == EMPTY_SHA256 {
            Cause::EmptyPayloadHashForBody
        } else {
            Cause::PayloadHashWrong
        };
        f.push(finding(
            cause,
            format!(
                "payload hash {:?}, expected {:?}",
                tp.payload_hash, rp.payload_hash
            ),
            pair(rp.payload_hash, tp.payload_hash),
        ));
    }
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

fn query_findings(t: &str, r: &str, f: &mut Vec<Finding>) {
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
    if same_set(t) {
        f.push(finding(
            Cause::QueryNotSorted,
            "the query holds the right parameters in the wrong order",
            ev,
        ));
        return;
    }
    let cause = if t.contains('+') && same_set(&t.replace('+', "%20")) {
        Some((Cause::QueryPlusForSpace, "a space is written as '+'"))
    } else if t.contains("%25") && same_set(&t.replace("%25", "%")) {
        Some((
            Cause::QueryDoubleEncoded,
            "the query is encoded twice ('%25')",
        ))
    } else if same_set(&reencode(t)) {
        Some((
            Cause::QueryReservedNotEncoded,
            "characters that must be percent-encoded are not",
        ))
    } else {
        None
    };
    match cause {
        Some((c, m)) => f.push(finding(c, m, ev)),
        None => f.push(finding(
            Cause::QueryParameters,
            "the query's parameters differ from those sent",
            ev,
        )),
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

fn hash_hex(data: &[u8]) -> String {
    hex_lower(&sha256(data)).to_string()
}

fn fine_uploader_raw(t: &str, r_cr: Option<&str>, f: &mut Vec<Finding>) {
    let lines: Vec<&str> = t.splitn(4, '\n').collect();
    if lines.len() == 4 && lines[3].contains('\n') {
        let raw = lines[3];
        let msg = if r_cr.is_some_and(|r| r == raw) {
            "the string to sign holds AWS's canonical request itself instead of its hash"
        } else {
            "the string to sign holds a canonical request instead of its hash"
        };
        let ev = vec![
            DiffLine::Expected(hash_hex(raw.as_bytes())),
            DiffLine::Theirs(raw.lines().next().unwrap_or_default().to_owned() + " ..."),
        ];
        f.push(finding(Cause::FineUploaderRawCanonical, msg, ev));
    }
}

fn compare_sts(t: &str, r: &str, t_cr: Option<&str>, r_cr: Option<&str>, f: &mut Vec<Finding>) {
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
            pair(
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

// ---------------------------------------------------------------------------------------
// The signature itself

/// The signature with hex strings passed between the derivation's steps.
fn hex_chain_signature(secret: &str, date: &str, region: &str, service: &str, sts: &str) -> String {
    let hx = |b: &[u8; 32]| hex_lower(b).to_string();
    let k = hx(&hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes()));
    let k = hx(&hmac(k.as_bytes(), region.as_bytes()));
    let k = hx(&hmac(k.as_bytes(), service.as_bytes()));
    let k = hx(&hmac(k.as_bytes(), b"aws4_request"));
    hx(&hmac(k.as_bytes(), sts.as_bytes()))
}

/// Other derivations seen in hand-written signers: no `AWS4` prefix, date and region swapped.
fn derivation_variants(
    secret: &str,
    date: &str,
    region: &str,
    service: &str,
    sts: &str,
) -> [String; 2] {
    let chain = |seed: &[u8], steps: [&str; 4]| {
        let mut k = hmac(seed, steps[0].as_bytes());
        for s in &steps[1..] {
            k = hmac(&*k, s.as_bytes());
        }
        hex_lower(&hmac(&*k, sts.as_bytes())).to_string()
    };
    [
        chain(secret.as_bytes(), [date, region, service, "aws4_request"]),
        chain(
            format!("AWS4{secret}").as_bytes(),
            [region, date, service, "aws4_request"],
        ),
    ]
}

fn signature_findings(
    input: &DiagnoseInput<'_>,
    sts: Option<&str>,
    ref_sts: Option<&str>,
    aws: Option<&AwsError>,
    notes: &mut Vec<String>,
    f: &mut Vec<Finding>,
) {
    let theirs = input
        .signature
        .map(str::to_owned)
        .or_else(|| input.request.and_then(sent_auth).and_then(|a| a.signature))
        .or_else(|| aws.and_then(|a| a.signature_provided.clone()));
    let Some(sig) = theirs else {
        if sts.is_some() && (ref_sts.is_some() || aws.is_some()) {
            notes.push("your canonical request and string to sign match: give the signature sent to check the key".into());
        }
        return;
    };
    if sig.len() != 64 || sig.bytes().any(|b| !matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        f.push(finding(
            Cause::SignatureEncoding,
            format!("the signature {sig:?} is not 64 lower-case hex digits"),
            Vec::new(),
        ));
        return;
    }
    let Some(sts) = sts else {
        return;
    };
    let scope = sts.split('\n').nth(2).unwrap_or_default();
    let mut sp = scope.split('/');
    let (date, region, service) = (
        sp.next().unwrap_or_default(),
        sp.next().unwrap_or_default(),
        sp.next().unwrap_or_default(),
    );
    let creds = input.credentials;
    let Some(creds) = creds else {
        if ref_sts.is_some() {
            f.push(finding(
                Cause::KeyOrSecret,
                "the canonical request and string to sign match AWS's, yet the signature differs",
                Vec::new(),
            ));
        }
        return;
    };
    let secret = creds.secret();
    let right = SigningKey::derive(secret, date, region, service).sign(sts.as_bytes());
    if sig == right {
        if ref_sts.is_some() || aws.is_some() {
            let other_key = aws
                .and_then(|a| a.access_key_id.as_deref())
                .filter(|k| *k != creds.access_key_id());
            let msg = match other_key {
                Some(k) => format!("AWS received access key {k}, not {}", creds.access_key_id()),
                None => "the signature is right for these credentials: AWS holds another secret for this access key".into(),
            };
            f.push(finding(Cause::WrongSecret, msg, Vec::new()));
        }
        return;
    }
    if sig == hex_chain_signature(secret, date, region, service, sts) {
        f.push(finding(
            Cause::HexBetweenHmacSteps,
            "the signature is what hex keys between the HMAC steps give",
            Vec::new(),
        ));
    } else if derivation_variants(secret, date, region, service, sts).contains(&sig) {
        f.push(finding(
            Cause::KeyDerivation,
            "the signature is what a known wrong derivation gives",
            Vec::new(),
        ));
    } else {
        f.push(finding(
            Cause::WrongSecret,
            "the canonical strings match but the signature is not what this secret gives",
            Vec::new(),
        ));
    }
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
