//! verify (server side) and diagnose.

use std::cell::RefCell;
use std::time::Duration;

use pyo3::exceptions::{PyKeyError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyMapping};
use sigv4::{
    Comparison, DiagnoseInput, DiffLine, ReceivedBody, SentRequest, Verifier, VerifySettings,
};

use crate::convert::{self, Body, error, invalid};
use crate::credentials::Credentials;

/// The request target (`/path?query`) and the authority of a URL; a target stays as is.
fn split_url(url: &str) -> (&str, Option<&str>) {
    let Some((_, rest)) = url.split_once("://") else {
        return (url, None);
    };
    match rest.find(['/', '?']) {
        Some(i) if rest.as_bytes()[i] == b'/' => (&rest[i..], Some(&rest[..i])),
        Some(i) => (&rest[i..], Some(&rest[..i])),
        None => ("/", Some(rest)),
    }
}

/// Server side: checks a header-signed or presigned request. `url` may be a full URL
/// or the request target ("/path?query"); `credentials` maps access key IDs to
/// Credentials. Returns {"access_key_id", "region", "service", "time" (amz date),
/// "signed_headers", "payload_hash", "presigned"}. Raises VerificationError or
/// SignatureMismatchError.
#[pyfunction]
#[pyo3(signature = (*, method, url, headers, credentials, body = None, now = None, max_skew = 900,
    regions = None, services = None))]
#[allow(clippy::too_many_arguments)]
pub fn verify<'py>(
    py: Python<'py>,
    method: &str,
    url: &str,
    headers: &Bound<'py, PyAny>,
    credentials: &Bound<'py, PyAny>,
    body: Option<&Bound<'py, PyAny>>,
    now: Option<&Bound<'py, PyAny>>,
    #[pyo3(from_py_with = convert::max_skew)] max_skew: u64,
    regions: Option<&Bound<'py, PyAny>>,
    services: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let headers = convert::headers(Some(headers))?;
    let mut pairs = convert::pairs(&headers);
    // A fragment never reaches a server.
    let url = url.split_once('#').map_or(url, |(before, _)| before);
    let (target, authority) = split_url(url);
    // The Host a client sends for this URL: lower-case, without a default port (as
    // sign() signs it), else the authority as written.
    let host = authority.map(|a| {
        sigv4::Request::new("GET", url)
            .ok()
            .and_then(|r| r.host().map(str::to_owned))
            .unwrap_or_else(|| a.to_owned())
    });
    if let Some(host) = host.as_deref()
        && !pairs.iter().any(|(n, _)| n.eq_ignore_ascii_case("host"))
    {
        pairs.push(("host", host));
    }
    let body = Body::extract(body)?;
    let received = ReceivedBody::Bytes(body.as_ref().map_or(&[][..], Body::as_bytes));
    let now = convert::time(py, now)?;
    let mapping = credentials.cast::<PyMapping>().ok();
    if mapping.is_none() && !credentials.is_callable() {
        return Err(invalid(
            py,
            "credentials must map access key IDs to sigv4.Credentials, or be a callable",
        ));
    }
    // An exception raised by the lookup, or a value that is not Credentials, is raised
    // after verification (which then fails with UnknownAccessKey) instead of its error.
    let failed: RefCell<Option<PyErr>> = RefCell::new(None);
    let lookup = |id: &str| -> Option<sigv4::Credentials> {
        let found = match &mapping {
            Some(m) => match m.get_item(id) {
                Ok(found) => found,
                Err(e) if e.is_instance_of::<PyKeyError>(py) => return None,
                Err(e) => {
                    failed.replace(Some(e));
                    return None;
                }
            },
            None => match credentials.call1((id,)) {
                Ok(found) => found,
                Err(e) => {
                    failed.replace(Some(e));
                    return None;
                }
            },
        };
        if found.is_none() {
            return None;
        }
        match found.cast::<Credentials>() {
            Ok(found) => Some(found.get().inner.clone()),
            Err(_) => {
                failed.replace(Some(PyTypeError::new_err(
                    "the credentials lookup must give sigv4.Credentials or None",
                )));
                None
            }
        }
    };
    let mut settings = VerifySettings::default();
    settings.max_skew = Duration::from_secs(max_skew);
    settings.regions = convert::optional_strings(regions, "regions")?;
    settings.services = convert::optional_strings(services, "services")?;
    let verifier = Verifier::new(lookup).with_settings(settings);
    let verified = verifier.verify(method, target, &pairs, received, now);
    if let Some(e) = failed.take() {
        return Err(e);
    }
    let verified = verified.map_err(|e| error(py, e))?;
    let out = PyDict::new(py);
    out.set_item("access_key_id", &verified.access_key_id)?;
    out.set_item("region", &verified.region)?;
    out.set_item("service", &verified.service)?;
    out.set_item("time", verified.time.amz_date())?;
    out.set_item("signed_headers", &verified.signed_headers)?;
    out.set_item("payload_hash", &verified.payload_hash)?;
    out.set_item("presigned", verified.presigned)?;
    Ok(out)
}

/// Names the cause of a SignatureDoesNotMatch (or similar) error. `response` is
/// AWS's error body; the request sent (method, url, headers, body) and/or what you
/// computed (canonical_request, string_to_sign, signature). Returns {"findings": [{"cause",
/// "message", "fix", "evidence": [...]}], "canonical_request": {"aws", "theirs",
/// "correct"}, "string_to_sign": {...}, "aws_error": {...} or None, "notes": [...]}.
#[pyfunction]
#[pyo3(signature = (*, response = None, method = None, url = None, headers = None, body = None,
    canonical_request = None, string_to_sign = None, signature = None, credentials = None, now = None))]
#[allow(clippy::too_many_arguments)]
pub fn diagnose<'py>(
    py: Python<'py>,
    response: Option<&str>,
    method: Option<&str>,
    url: Option<&str>,
    headers: Option<&Bound<'py, PyAny>>,
    body: Option<&Bound<'py, PyAny>>,
    canonical_request: Option<&str>,
    string_to_sign: Option<&str>,
    signature: Option<&str>,
    credentials: Option<&Bound<'py, Credentials>>,
    now: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let headers = convert::headers(headers)?;
    let pairs = convert::pairs(&headers);
    let body = Body::extract(body)?;
    let sent = match (method, url) {
        (Some(method), Some(url)) => Some(
            SentRequest::from_url(
                method,
                url,
                &pairs,
                body.as_ref().map_or(&[][..], Body::as_bytes),
            )
            .map_err(|e| error(py, e))?,
        ),
        (None, None) => None,
        _ => {
            return Err(invalid(
                py,
                "give both method and url (the request sent), or neither",
            ));
        }
    };
    let now = match now {
        Some(n) if !n.is_none() => Some(convert::time(py, Some(n))?),
        _ => None,
    };
    let input = DiagnoseInput {
        response,
        canonical_request,
        string_to_sign,
        signature,
        request: sent.as_ref(),
        credentials: credentials.map(|c| &c.get().inner),
        now,
    };
    let diagnosis = sigv4::diagnose(&input);
    let out = PyDict::new(py);
    let findings = PyList::empty(py);
    for finding in &diagnosis.findings {
        let f = PyDict::new(py);
        f.set_item("cause", finding.cause.name())?;
        f.set_item("message", &finding.message)?;
        f.set_item("fix", finding.fix)?;
        f.set_item("evidence", diff(py, &finding.evidence)?)?;
        findings.append(f)?;
    }
    out.set_item("findings", findings)?;
    out.set_item(
        "canonical_request",
        comparison(py, &diagnosis.canonical_request)?,
    )?;
    out.set_item("string_to_sign", comparison(py, &diagnosis.string_to_sign)?)?;
    match &diagnosis.aws_error {
        Some(aws) => {
            let e = PyDict::new(py);
            e.set_item("code", &aws.code)?;
            e.set_item("message", &aws.message)?;
            e.set_item("canonical_request", &aws.canonical_request)?;
            e.set_item("string_to_sign", &aws.string_to_sign)?;
            e.set_item("signature_provided", &aws.signature_provided)?;
            e.set_item("access_key_id", &aws.access_key_id)?;
            e.set_item("client_content_sha256", &aws.client_content_sha256)?;
            e.set_item("s3_content_sha256", &aws.s3_content_sha256)?;
            e.set_item("headers_not_signed", &aws.headers_not_signed)?;
            e.set_item("expires", &aws.expires)?;
            e.set_item("server_time", &aws.server_time)?;
            out.set_item("aws_error", e)?;
        }
        None => out.set_item("aws_error", py.None())?,
    }
    out.set_item("notes", &diagnosis.notes)?;
    Ok(out)
}

fn comparison<'py>(py: Python<'py>, c: &Comparison) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("aws", &c.aws)?;
    out.set_item("theirs", &c.theirs)?;
    out.set_item("correct", &c.correct)?;
    out.set_item("diff", diff(py, &c.diff())?)?;
    Ok(out)
}

/// Diff lines as `(" " | "-" | "+", text)`: `-` as expected, `+` as theirs.
fn diff<'py>(py: Python<'py>, lines: &[DiffLine]) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for line in lines {
        let (mark, text) = match line {
            DiffLine::Same(t) => (" ", t),
            DiffLine::Expected(t) => ("-", t),
            DiffLine::Theirs(t) => ("+", t),
            _ => continue,
        };
        out.append((mark, text))?;
    }
    Ok(out)
}
