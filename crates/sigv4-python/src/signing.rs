//! sign, explain, presign, presign_post and scope_of.

use std::cell::RefCell;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use sigv4::{
    Endpoint, Payload, PolicyCondition, PostForm, Request, Rules, Settings, SignedRequest, Signer,
    SigningParams, SigningSteps,
};

use crate::convert::{self, Body, Text, error, invalid};
use crate::credentials::Credentials;

/// One signer for the process: it caches derived keys (per credentials, day, region and
/// service) behind a lock.
pub static SIGNER: LazyLock<Signer> = LazyLock::new(Signer::new);

/// Bodies past this size are hashed with the GIL released.
const DETACH_BODY: usize = 256 * 1024;

/// A service or region name: as the caller gave it, or from the host cache.
pub enum Name<'a> {
    Given(&'a str),
    Cached(Arc<str>),
}

impl std::ops::Deref for Name<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Name::Given(s) => s,
            Name::Cached(s) => s,
        }
    }
}

impl std::fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

/// (service, region) to sign with: as given, else from the URL's host.
pub fn scope<'a>(
    py: Python<'_>,
    request: &Request<'_>,
    region: Option<&'a str>,
    service: Option<&'a str>,
) -> PyResult<(Name<'a>, Name<'a>)> {
    if let (Some(region), Some(service)) = (region, service) {
        return Ok((Name::Given(service), Name::Given(region)));
    }
    let host = request.host().unwrap_or_default();
    let Some((found_service, found_region)) = HOSTS.lookup(host) else {
        let message = match service {
            Some(_) => format!("cannot tell the region from the host {host:?}: pass region="),
            None => format!(
                "cannot tell the service and region from the host {host:?}: pass service= and region="
            ),
        };
        return Err(invalid(py, message));
    };
    Ok((
        service.map_or(Name::Cached(found_service), Name::Given),
        region.map_or(Name::Cached(found_region), Name::Given),
    ))
}

/// The scopes of the last few hosts: placing a host (`Endpoint::from_host`) costs about
/// as much as signing, and a program talks to few hosts, again and again.
static HOSTS: HostScopes = HostScopes {
    recent: Mutex::new(Vec::new()),
};

/// (host, service, region), the most recent last.
type Placed = (Box<str>, Arc<str>, Arc<str>);

struct HostScopes {
    recent: Mutex<Vec<Placed>>,
}

impl HostScopes {
    const SIZE: usize = 16;

    fn lookup(&self, host: &str) -> Option<(Arc<str>, Arc<str>)> {
        if let Ok(recent) = self.recent.lock()
            && let Some((_, service, region)) = recent.iter().rev().find(|(h, _, _)| &**h == host)
        {
            return Some((Arc::clone(service), Arc::clone(region)));
        }
        let endpoint = Endpoint::from_host(host)?;
        let (service, region): (Arc<str>, Arc<str>) =
            (endpoint.service.into(), endpoint.region.into());
        if let Ok(mut recent) = self.recent.lock() {
            if recent.len() == Self::SIZE {
                recent.remove(0);
            }
            recent.push((host.into(), Arc::clone(&service), Arc::clone(&region)));
        }
        Some((service, region))
    }
}

/// (service, region) that AWS signs a request to this URL's host with
/// (`email.us-east-1.amazonaws.com` -> ("ses", "us-east-1")). Raises InvalidRequestError.
#[pyfunction]
pub fn scope_of(py: Python<'_>, url: &str) -> PyResult<(String, String)> {
    let request = Request::new("GET", url).map_err(|e| error(py, e))?;
    let (service, region) = scope(py, &request, None, None)?;
    Ok((service.to_string(), region.to_string()))
}

fn settings(s3: Option<bool>) -> Settings {
    let mut settings = Settings::default();
    settings.rules = match s3 {
        Some(true) => Rules::S3,
        Some(false) => Rules::Generic,
        None => Rules::Auto,
    };
    settings
}

/// The arguments shared by sign, explain and presign, converted.
pub struct Input<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: Vec<(Text, Text)>,
    pub body: Option<Body>,
    pub payload_hash: Option<&'a str>,
    pub unsigned_payload: bool,
    pub region: Option<&'a str>,
    pub service: Option<&'a str>,
    pub time: sigv4::SigningTime,
    pub s3: Option<bool>,
    /// Under S3 rules, sign the path in the form S3 checks signatures against (the key
    /// decoded, `+` as a space, and encoded anew); [`Input::run`] then gives the URL to
    /// send when that form differs from `url`. Presigning always does.
    pub s3_form: bool,
}

/// What was signed: the scope used and the core's answer.
pub enum Outcome {
    Headers(SignedRequest),
    Presigned(sigv4::PresignedUrl),
}

impl Outcome {
    fn steps(&self) -> &SigningSteps {
        match self {
            Outcome::Headers(s) => s.steps(),
            Outcome::Presigned(p) => p.steps(),
        }
    }
}

impl<'a> Input<'a> {
    /// Signs (or presigns for `expires`), with the GIL released for large bodies; the
    /// answer, the service and region signed with, and with `s3_form` the URL to send
    /// when it is not `url` (an S3 path put in S3's form).
    pub fn run(
        &self,
        py: Python<'_>,
        credentials: &sigv4::Credentials,
        expires: Option<Duration>,
    ) -> PyResult<(Outcome, Name<'a>, Name<'a>, Option<String>)> {
        let headers = convert::pairs(&self.headers);
        let payload = if self.unsigned_payload {
            if self.payload_hash.is_some() {
                return Err(invalid(
                    py,
                    "give unsigned_payload or payload_hash, not both",
                ));
            }
            Payload::Unsigned
        } else if let Some(hash) = self.payload_hash {
            Payload::Precomputed(hash)
        } else if let Some(body) = &self.body {
            Payload::Bytes(body.as_bytes())
        } else {
            Payload::Empty
        };
        let mut request = Request::new(self.method, self.url)
            .map_err(|e| error(py, e))?
            .with_headers(&headers)
            .with_payload(payload);
        let (service, region) = scope(py, &request, self.region, self.service)?;
        let settings = settings(self.s3);
        // A presigned URL is used as returned: for S3, in the form S3 checks signatures
        // against (the key decoded and encoded anew), as the command presigns it.
        let mut resent = None;
        if (expires.is_some() || self.s3_form) && settings.rules.resolve(&service) == Rules::S3 {
            let before = self.s3_form.then(|| request.path().to_owned());
            request = request.with_s3_path();
            if let Some(before) = before
                && request.path() != before
            {
                resent = Some(request.url());
            }
        }
        let params = SigningParams::new(credentials, &region, &service, self.time)
            .map_err(|e| error(py, e))?
            .with_settings(settings);
        let go = || match expires {
            Some(expires) => SIGNER
                .presign(&request, &params, expires)
                .map(Outcome::Presigned),
            None => SIGNER.sign(&request, &params).map(Outcome::Headers),
        };
        let big = self
            .body
            .as_ref()
            .is_some_and(|b| b.as_bytes().len() > DETACH_BODY);
        let outcome = if big { py.detach(go) } else { go() };
        Ok((outcome.map_err(|e| error(py, e))?, service, region, resent))
    }
}

#[allow(clippy::too_many_arguments)]
fn input<'a>(
    py: Python<'_>,
    method: &'a str,
    url: &'a str,
    headers: Option<&Bound<'_, PyAny>>,
    body: Option<&Bound<'_, PyAny>>,
    payload_hash: Option<&'a str>,
    unsigned_payload: bool,
    region: Option<&'a str>,
    service: Option<&'a str>,
    time: Option<&Bound<'_, PyAny>>,
    s3: Option<bool>,
) -> PyResult<Input<'a>> {
    Ok(Input {
        s3_form: false,
        method,
        url,
        headers: convert::headers(headers)?,
        body: Body::extract(body)?,
        payload_hash,
        unsigned_payload,
        region,
        service,
        time: convert::time(py, time)?,
        s3,
    })
}

/// Header signing. Returns the headers to add (Authorization, X-Amz-Date, and
/// X-Amz-Security-Token / x-amz-content-sha256 when needed). Service and region come
/// from the URL's host unless given; `s3` forces S3 (True) or generic (False) rules.
/// The payload: `unsigned_payload` (UNSIGNED-PAYLOAD), else `payload_hash` (the body's
/// SHA-256 in hex, when already known: the body is then not hashed again), else the
/// SHA-256 of `body` (none: empty).
#[pyfunction]
#[pyo3(signature = (*, method, url, credentials, headers = None, body = None, payload_hash = None,
    unsigned_payload = false, region = None, service = None, time = None, s3 = None))]
#[allow(clippy::too_many_arguments)]
pub fn sign<'py>(
    py: Python<'py>,
    method: &str,
    url: &str,
    credentials: &Bound<'py, Credentials>,
    headers: Option<&Bound<'py, PyAny>>,
    body: Option<&Bound<'py, PyAny>>,
    payload_hash: Option<&str>,
    unsigned_payload: bool,
    region: Option<&str>,
    service: Option<&str>,
    time: Option<&Bound<'py, PyAny>>,
    s3: Option<bool>,
) -> PyResult<Bound<'py, PyDict>> {
    let input = input(
        py,
        method,
        url,
        headers,
        body,
        payload_hash,
        unsigned_payload,
        region,
        service,
        time,
        s3,
    )?;
    let (outcome, ..) = input.run(py, &credentials.get().inner, None)?;
    let out = PyDict::new(py);
    if let Outcome::Headers(signed) = &outcome {
        for (name, value) in signed.headers() {
            out.set_item(header_name(py, name), header_value(py, name, value))?;
        }
    }
    Ok(out)
}

thread_local! {
    /// The last X-Amz-Date value handed to Python: requests signed within one second
    /// share one string instead of each making its own.
    static DATE_TEXT: RefCell<Option<Py<PyString>>> = const { RefCell::new(None) };
}

/// A signed header's value as a Python string (the X-Amz-Date of the same second is
/// made once per thread).
pub fn header_value<'py>(py: Python<'py>, name: &str, value: &str) -> Bound<'py, PyString> {
    if name != "X-Amz-Date" {
        return PyString::new(py, value);
    }
    DATE_TEXT.with(|held| {
        let mut held = match held.try_borrow_mut() {
            Ok(held) => held,
            Err(_) => return PyString::new(py, value),
        };
        if let Some(text) = held.as_ref().map(|t| t.bind(py))
            && text.to_str().is_ok_and(|t| t == value)
        {
            return text.clone();
        }
        let text = PyString::new(py, value);
        *held = Some(text.clone().unbind());
        text
    })
}

/// The signer's header names, as interned Python strings.
pub fn header_name<'py>(py: Python<'py>, name: &'static str) -> Bound<'py, PyString> {
    match name {
        "Authorization" => intern!(py, "Authorization").clone(),
        "X-Amz-Date" => intern!(py, "X-Amz-Date").clone(),
        "X-Amz-Security-Token" => intern!(py, "X-Amz-Security-Token").clone(),
        "x-amz-content-sha256" => intern!(py, "x-amz-content-sha256").clone(),
        other => PyString::new(py, other),
    }
}

/// A presigned URL valid for `expires` seconds (1 to 604800).
#[pyfunction]
#[pyo3(signature = (*, url, credentials, method = "GET", expires = 3600, headers = None,
    region = None, service = None, time = None, s3 = None))]
#[allow(clippy::too_many_arguments)]
pub fn presign<'py>(
    py: Python<'py>,
    url: &str,
    credentials: &Bound<'py, Credentials>,
    method: &str,
    #[pyo3(from_py_with = convert::expires)] expires: u64,
    headers: Option<&Bound<'py, PyAny>>,
    region: Option<&str>,
    service: Option<&str>,
    time: Option<&Bound<'py, PyAny>>,
    s3: Option<bool>,
) -> PyResult<String> {
    let input = input(
        py, method, url, headers, None, None, false, region, service, time, s3,
    )?;
    let expires = Duration::from_secs(expires);
    match input.run(py, &credentials.get().inner, Some(expires))?.0 {
        Outcome::Presigned(p) => Ok(p.url().to_owned()),
        Outcome::Headers(_) => Err(invalid(py, "not presigned")),
    }
}

/// Every step of signing (header signing, or presigning when `expires` is given):
/// keys "method", "url", "service", "region", "canonical_request" (session token
/// redacted), "canonical_request_hash", "payload_hash", "string_to_sign",
/// "credential_scope", "signed_headers", "signature", "headers" (dict, header signing)
/// or "presigned_url". No secret appears.
#[pyfunction]
#[pyo3(signature = (*, method, url, credentials, headers = None, body = None, payload_hash = None,
    unsigned_payload = false, region = None, service = None, time = None, s3 = None, expires = None))]
#[allow(clippy::too_many_arguments)]
pub fn explain<'py>(
    py: Python<'py>,
    method: &str,
    url: &str,
    credentials: &Bound<'py, Credentials>,
    headers: Option<&Bound<'py, PyAny>>,
    body: Option<&Bound<'py, PyAny>>,
    payload_hash: Option<&str>,
    unsigned_payload: bool,
    region: Option<&str>,
    service: Option<&str>,
    time: Option<&Bound<'py, PyAny>>,
    s3: Option<bool>,
    expires: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let input = input(
        py,
        method,
        url,
        headers,
        body,
        payload_hash,
        unsigned_payload,
        region,
        service,
        time,
        s3,
    )?;
    let expires = expires
        .filter(|e| !e.is_none())
        .map(|e| convert::whole(e, "expires").map(Duration::from_secs))
        .transpose()?;
    let (outcome, service, region, _) = input.run(py, &credentials.get().inner, expires)?;
    let steps = outcome.steps();
    let out = PyDict::new(py);
    out.set_item("method", input.method)?;
    // A token written in the URL's query is a secret too.
    out.set_item("url", sigv4::redact_url_token(input.url))?;
    out.set_item("service", &*service)?;
    out.set_item("region", &*region)?;
    out.set_item("canonical_request", steps.redacted_canonical_request())?;
    out.set_item("canonical_request_hash", steps.canonical_request_hash())?;
    out.set_item("payload_hash", steps.payload_hash())?;
    out.set_item("string_to_sign", steps.string_to_sign())?;
    out.set_item("credential_scope", steps.credential_scope())?;
    out.set_item("signed_headers", steps.signed_headers())?;
    out.set_item("signature", steps.signature())?;
    match &outcome {
        Outcome::Headers(signed) => {
            let headers = PyDict::new(py);
            for (name, value) in signed.headers() {
                // The token is a secret: explain names it, never shows it.
                let value = if name == "X-Amz-Security-Token" {
                    "<redacted>"
                } else {
                    value
                };
                headers.set_item(name, value)?;
            }
            out.set_item("headers", headers)?;
        }
        Outcome::Presigned(p) => {
            out.set_item("presigned_url", sigv4::redact_url_token(p.url()))?;
        }
    }
    Ok(out)
}

/// An S3 POST policy for a browser form, as boto3's generate_presigned_post:
/// {"url": url, "fields": {name: value, ...}}. `key` ending in "${filename}" allows any
/// name under its prefix. Conditions as in the policy JSON: {"acl": "public-read"},
/// ["starts-with", "$Content-Type", "image/"], ["content-length-range", 1, 10485760].
#[pyfunction]
#[pyo3(signature = (*, url, bucket, key, credentials, region = None, fields = None,
    conditions = None, expires = 3600, time = None))]
#[allow(clippy::too_many_arguments)]
pub fn presign_post<'py>(
    py: Python<'py>,
    url: &str,
    bucket: &str,
    key: &str,
    credentials: &Bound<'py, Credentials>,
    region: Option<&str>,
    fields: Option<&Bound<'py, PyAny>>,
    conditions: Option<&Bound<'py, PyAny>>,
    #[pyo3(from_py_with = convert::expires)] expires: u64,
    time: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let request = Request::new("POST", url).map_err(|e| error(py, e))?;
    let (_, region) = scope(py, &request, region, Some("s3"))?;
    let region = region.to_string();
    let time = convert::time(py, time)?;
    let fields = convert::headers(fields)?;
    let fields = convert::pairs(&fields);
    let mut parsed = Vec::new();
    if let Some(conditions) = conditions.filter(|c| !c.is_none()) {
        for c in conditions.try_iter()? {
            parsed.extend(condition(py, &c?)?);
        }
    }
    let expires = Duration::from_secs(expires);
    let creds = &credentials.get().inner;
    let params = SigningParams::new(creds, &region, "s3", time).map_err(|e| error(py, e))?;
    let mut form = PostForm::new(url, bucket, key).with_fields(&fields);
    for condition in parsed {
        form = form.with_condition(condition);
    }
    let post = SIGNER
        .presign_post(&form, &params, expires)
        .map_err(|e| error(py, e))?;
    let out = PyDict::new(py);
    out.set_item("url", &post.url)?;
    let form = PyDict::new(py);
    for (name, value) in &post.fields {
        form.set_item(name, value)?;
    }
    out.set_item("fields", form)?;
    Ok(out)
}

/// A policy condition as in the policy's JSON: `{"acl": "public-read"}`,
/// `["starts-with", "$key", "uploads/"]`, `["eq", "$acl", "private"]`,
/// `["content-length-range", 1, 1048576]`.
fn condition(py: Python<'_>, c: &Bound<'_, PyAny>) -> PyResult<Vec<PolicyCondition>> {
    if let Ok(dict) = c.cast::<PyDict>() {
        let mut out = Vec::new();
        for (field, value) in dict.iter() {
            let (field, value): (String, String) = (field.extract()?, value.str()?.extract()?);
            out.push(PolicyCondition::equals(&field, &value));
        }
        return Ok(out);
    }
    let items: Vec<Bound<'_, PyAny>> =
        if c.is_instance_of::<PyList>() || c.is_instance_of::<PyTuple>() {
            c.try_iter()?.collect::<PyResult<_>>()?
        } else {
            return Err(PyTypeError::new_err(
                "a condition is a dict or a list like [\"starts-with\", \"$key\", \"uploads/\"]",
            ));
        };
    let op: String = match items.first() {
        Some(op) => op.extract()?,
        None => return Err(invalid(py, "an empty condition")),
    };
    let field = |i: usize| -> PyResult<String> {
        let s: String = items
            .get(i)
            .ok_or_else(|| invalid(py, format!("condition {op:?} is too short")))?
            .extract()?;
        Ok(s.strip_prefix('$').unwrap_or(&s).to_owned())
    };
    let value = |i: usize| -> PyResult<String> {
        match items.get(i) {
            Some(v) => v.extract(),
            None => Err(invalid(py, format!("condition {op:?} is too short"))),
        }
    };
    match (op.to_ascii_lowercase().as_str(), items.len()) {
        ("eq", 3) => Ok(vec![PolicyCondition::equals(&field(1)?, &value(2)?)]),
        ("starts-with", 3) => Ok(vec![PolicyCondition::starts_with(&field(1)?, &value(2)?)]),
        ("content-length-range", 3) => {
            let min = convert::whole(&items[1], "content-length-range's minimum")?;
            let max = convert::whole(&items[2], "content-length-range's maximum")?;
            Ok(vec![PolicyCondition::content_length_range(min, max)])
        }
        _ => Err(invalid(
            py,
            format!(
                "condition {op:?}: eq, starts-with (3 items) or content-length-range (3 items)"
            ),
        )),
    }
}
