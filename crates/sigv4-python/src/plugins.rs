//! The requests plugin's hot path: a `PreparedRequest` signed in place from Rust, so that
//! `sigv4.requests.AWSAuth` costs little more than the signature itself.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString, PyTuple};

use crate::convert::{self, Body, Text, invalid};
use crate::credentials::Credentials;
use crate::signing::{Input, Outcome, header_name, header_value};
use sigv4::SignedRequest;

/// Signs `requests.PreparedRequest`s with fixed credentials and scope.
#[pyclass(frozen, module = "sigv4._sigv4")]
pub struct PreparedSigner {
    credentials: sigv4::Credentials,
    region: Option<String>,
    service: Option<String>,
    /// The region for hosts that do not name one (a configured default).
    fallback_region: Option<String>,
    unsigned_payload: bool,
}

#[pymethods]
impl PreparedSigner {
    #[new]
    #[pyo3(signature = (*, credentials, region = None, service = None, fallback_region = None,
        unsigned_payload = false))]
    fn new(
        credentials: &Bound<'_, Credentials>,
        region: Option<String>,
        service: Option<String>,
        fallback_region: Option<String>,
        unsigned_payload: bool,
    ) -> Self {
        PreparedSigner {
            credentials: credentials.get().inner.clone(),
            region,
            service,
            fallback_region,
            unsigned_payload,
        }
    }

    /// Adds the signature's headers to a `requests.PreparedRequest` and returns it.
    fn sign_requests<'py>(
        &self,
        py: Python<'py>,
        request: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let method: String = request.getattr(intern!(py, "method"))?.extract()?;
        let url: String = request.getattr(intern!(py, "url"))?.extract()?;
        let body = request.getattr(intern!(py, "body"))?;
        let headers = request.getattr(intern!(py, "headers"))?;
        // requests' CaseInsensitiveDict keeps {lower name: (name, value)} in `_store` (an
        // OrderedDict: only its own methods keep its order, so no PyDict_* calls on it);
        // reading and writing it directly saves CaseInsensitiveDict's Python methods.
        let store = headers
            .getattr(intern!(py, "_store"))
            .ok()
            .filter(|s| s.is_instance_of::<PyDict>());
        let pairs = match &store {
            Some(store) => {
                let mut pairs = Vec::with_capacity(8);
                for pair in store.call_method0(intern!(py, "values"))?.try_iter()? {
                    let pair = pair?;
                    let pair = pair.cast_into::<PyTuple>()?;
                    pairs.push((
                        Text::extract(&pair.get_item(0)?, "a header name")?,
                        Text::extract(&pair.get_item(1)?, "a header value")?,
                    ));
                }
                pairs
            }
            None => convert::headers(Some(&headers))?,
        };
        // A bytearray is a body in memory too (requests sends it as it is).
        let streaming = !body.is_none()
            && !body.is_instance_of::<PyBytes>()
            && !body.is_instance_of::<PyString>()
            && !body.is_instance_of::<PyByteArray>();
        let input = Input {
            method: &method,
            url: &url,
            headers: pairs,
            body: if streaming {
                None
            } else {
                Body::extract(Some(&body))?
            },
            payload_hash: None,
            unsigned_payload: self.unsigned_payload || streaming,
            region: self.region.as_deref(),
            service: self.service.as_deref(),
            time: convert::time(py, None)?,
            s3: None,
            s3_form: true,
        };
        let (signed, service, resent) = self.sign(py, input)?;
        if streaming && !service.starts_with("s3") {
            return Err(invalid(
                py,
                format!("a streamed body cannot be signed for {service}: pass the body as bytes"),
            ));
        }
        // An S3 path goes out in the form S3 checks the signature against.
        if let Some(url) = resent {
            request.setattr(intern!(py, "url"), url)?;
        }
        for (name, value) in signed.headers() {
            match &store {
                Some(store) => {
                    let value = header_value(py, name, value);
                    store.set_item(lower_name(py, name), (header_name(py, name), value))?;
                }
                None => headers.set_item(header_name(py, name), header_value(py, name, value))?,
            }
        }
        Ok(request)
    }

    /// The headers to add to a request (httpx's): as `sigv4.sign`, with this signer's
    /// credentials and scope, at the current time; and the URL to send instead when an
    /// S3 path is not in the form S3 checks signatures against (else None).
    #[pyo3(signature = (*, method, url, headers = None, body = None))]
    fn sign_headers<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        url: &str,
        headers: Option<&Bound<'py, PyAny>>,
        body: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<(Bound<'py, PyDict>, Option<String>)> {
        let input = Input {
            method,
            url,
            headers: convert::headers(headers)?,
            body: Body::extract(body)?,
            payload_hash: None,
            unsigned_payload: self.unsigned_payload,
            region: self.region.as_deref(),
            service: self.service.as_deref(),
            time: convert::time(py, None)?,
            s3: None,
            s3_form: true,
        };
        let (signed, _, resent) = self.sign(py, input)?;
        let out = PyDict::new(py);
        for (name, value) in signed.headers() {
            out.set_item(header_name(py, name), header_value(py, name, value))?;
        }
        Ok((out, resent))
    }
}

impl PreparedSigner {
    /// Header-signs `input`; for a host that names no region (a custom endpoint), with
    /// the configured one. The signed request, the service it was signed for, and the
    /// URL to send when it is not the one given.
    fn sign<'a>(
        &'a self,
        py: Python<'_>,
        mut input: Input<'a>,
    ) -> PyResult<(SignedRequest, String, Option<String>)> {
        let outcome = match input.run(py, &self.credentials, None) {
            Err(e) if self.fallback_region.is_some() && input.region.is_none() => {
                input.region = self.fallback_region.as_deref();
                input.run(py, &self.credentials, None).map_err(|_| e)?
            }
            other => other?,
        };
        match outcome {
            (Outcome::Headers(signed), service, _, resent) => {
                Ok((signed, service.to_string(), resent))
            }
            _ => Err(invalid(py, "not header-signed")),
        }
    }
}

/// A signer header's name in lower case (the key of requests' `_store`), interned.
fn lower_name<'py>(py: Python<'py>, name: &'static str) -> Bound<'py, PyString> {
    match name {
        "Authorization" => intern!(py, "authorization").clone(),
        "X-Amz-Date" => intern!(py, "x-amz-date").clone(),
        "X-Amz-Security-Token" => intern!(py, "x-amz-security-token").clone(),
        "x-amz-content-sha256" => intern!(py, "x-amz-content-sha256").clone(),
        other => PyString::new(py, &other.to_ascii_lowercase()),
    }
}
