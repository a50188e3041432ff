//! aws-chunked uploads, and the signing rules of `sigv4 serve` for web apps.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use sigv4::{
    ChecksumAlgorithm, ChunkSigner, ChunkedLayout, ChunkedMode, ErrorKind, Request, SigningParams,
    UploadAnswer, UploadRules, UploadTarget,
};

use crate::convert::{self, Body, error, invalid};
use crate::credentials::Credentials;
use crate::signing::{SIGNER, scope};

/// Signs the headers of an aws-chunked upload; returns (headers to send, the chunk
/// encoder, Content-Length). `sigv4.ChunkedUpload` (Python) drives it.
#[pyfunction]
#[pyo3(signature = (*, url, length, credentials, method = "PUT", chunk_size = 65536,
    checksum = None, signed = true, headers = None, region = None, service = "s3", time = None))]
#[allow(clippy::too_many_arguments)]
pub fn start_chunked<'py>(
    py: Python<'py>,
    url: &str,
    #[pyo3(from_py_with = convert::length)] length: u64,
    credentials: &Bound<'py, Credentials>,
    method: &str,
    #[pyo3(from_py_with = convert::chunk_size)] chunk_size: u64,
    checksum: Option<&str>,
    signed: bool,
    headers: Option<&Bound<'py, PyAny>>,
    region: Option<&str>,
    service: &str,
    time: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyDict>, ChunkEncoder, u64)> {
    let algorithm = checksum
        .map(|c| c.parse::<ChecksumAlgorithm>())
        .transpose()
        .map_err(|e| error(py, e))?;
    let mode = match (signed, algorithm) {
        (true, None) => ChunkedMode::Signed,
        (true, Some(a)) => ChunkedMode::SignedWithTrailer(a),
        (false, Some(a)) => ChunkedMode::UnsignedWithTrailer(a),
        (false, None) => {
            return Err(invalid(
                py,
                "an unsigned aws-chunked upload needs a checksum (crc32, crc32c, crc64nvme, sha1, sha256)",
            ));
        }
    };
    let chunk_size = usize::try_from(chunk_size)
        .map_err(|_| invalid(py, "chunk_size must be 8 KiB (8192) to 16 MiB"))?;
    let layout = ChunkedLayout::new(length, chunk_size, mode).map_err(|e| error(py, e))?;
    let framing = layout.headers();
    let given = convert::headers(headers)?;
    let given = convert::pairs(&given);
    let encoding = content_encoding(&given);
    let mut pairs: Vec<(&str, &str)> = given
        .iter()
        .filter(|(n, _)| !framing.iter().any(|(m, _)| n.eq_ignore_ascii_case(m)))
        .copied()
        .collect();
    pairs.extend(framing.iter().map(|(n, v)| match *n {
        "content-encoding" => (*n, encoding.as_str()),
        _ => (*n, v.as_str()),
    }));
    let request = Request::new(method, url)
        .map_err(|e| error(py, e))?
        .with_headers(&pairs)
        .with_payload(mode.payload());
    let (service, region) = scope(py, &request, region, Some(service))?;
    let time = convert::time(py, time)?;
    let creds = &credentials.get().inner;
    let params = SigningParams::new(creds, &region, &service, time).map_err(|e| error(py, e))?;
    let signed_request = SIGNER.sign(&request, &params).map_err(|e| error(py, e))?;
    let out = PyDict::new(py);
    for (name, value) in &pairs {
        out.set_item(*name, *value)?;
    }
    for (name, value) in signed_request.headers() {
        out.set_item(name, value)?;
    }
    let signer = ChunkSigner::new(SIGNER.signing_key(&params), signed_request.steps(), mode);
    Ok((
        out,
        ChunkEncoder {
            signer: Mutex::new(Some(signer)),
        },
        layout.content_length(),
    ))
}

/// The Content-Encoding of an aws-chunked upload: `aws-chunked`, then the codings the
/// caller gave (S3 takes `aws-chunked,gzip` and stores the object as gzip).
fn content_encoding(given: &[(&str, &str)]) -> String {
    let codings = given
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("content-encoding"))
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|c| !c.is_empty() && !c.eq_ignore_ascii_case("aws-chunked"));
    std::iter::once("aws-chunked")
        .chain(codings)
        .collect::<Vec<_>>()
        .join(",")
}

/// Frames and signs the chunks of one aws-chunked body, in order.
#[pyclass(module = "sigv4._sigv4")]
pub struct ChunkEncoder {
    signer: Mutex<Option<ChunkSigner>>,
}

impl ChunkEncoder {
    /// The chunk signer, `None` once the body is finished.
    fn slot(&self, py: Python<'_>) -> PyResult<MutexGuard<'_, Option<ChunkSigner>>> {
        self.signer
            .lock()
            .map_err(|_| invalid(py, "the chunk encoder is unusable"))
    }
}

#[pymethods]
impl ChunkEncoder {
    /// One chunk, framed: its header line (length, signature), the data, CRLF.
    fn chunk<'py>(&self, py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
        if data.is_empty() {
            return Err(invalid(
                py,
                "an empty chunk (the final one comes from finish())",
            ));
        }
        let mut guard = self.slot(py)?;
        let Some(signer) = guard.as_mut() else {
            return Err(invalid(py, "the body is already finished"));
        };
        let line = signer.chunk(data);
        PyBytes::new_with(py, line.len() + data.len() + 2, |out| {
            let (head, rest) = out.split_at_mut(line.len());
            head.copy_from_slice(line.as_bytes());
            let (body, tail) = rest.split_at_mut(data.len());
            body.copy_from_slice(data);
            tail.copy_from_slice(b"\r\n");
            Ok(())
        })
    }

    /// The final chunk and the trailer (checksum, its signature).
    fn finish<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let mut guard = self.slot(py)?;
        let Some(signer) = guard.take() else {
            return Err(invalid(py, "the body is already finished"));
        };
        Ok(PyBytes::new(py, signer.finish().as_bytes()))
    }
}

/// The signing rules of `sigv4 serve`, for a Flask or Django app serving Fine Uploader:
/// signs POST policies and multipart-upload string-to-signs only when they stay within
/// the buckets, key prefixes, size, content types and ACLs given.
///
/// `buckets`: names (virtual-hosted at s3.REGION.amazonaws.com) or (name, endpoint
/// URL) pairs for S3-compatible stores (path style). `content_types`: allowed types,
/// an entry ending in "/" allowing a family ("image/"); none: any. `acls`: allowed
/// canned ACLs; none: "private" only (the ACL Fine Uploader sends with every upload);
/// []: no acl field allowed.
#[pyclass(frozen, module = "sigv4", name = "UploadSigner")]
pub struct UploadSigner {
    rules: UploadRules,
    credentials: sigv4::Credentials,
    region: String,
}

/// A bucket name (AWS, virtual-hosted) or a (name, endpoint URL) pair (path style).
fn target(bucket: &Bound<'_, PyAny>, region: &str) -> PyResult<UploadTarget> {
    let (name, endpoint) = match bucket.extract::<String>() {
        Ok(name) => (name, None),
        Err(_) => {
            let (name, endpoint): (String, String) = bucket.extract().map_err(|_| {
                PyTypeError::new_err("a bucket is a name or a (name, endpoint URL) pair")
            })?;
            (name, Some(endpoint))
        }
    };
    UploadTarget::locate(&name, endpoint.as_deref(), region)
        .map(|(target, _)| target)
        .map_err(|e| error(bucket.py(), e))
}

#[pymethods]
impl UploadSigner {
    #[new]
    #[pyo3(signature = (*, credentials, region, buckets, key_prefixes, max_size,
        content_types = None, acls = None, max_expiry = 3600, max_skew = 900, multipart = true))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        credentials: &Bound<'_, Credentials>,
        region: String,
        buckets: &Bound<'_, PyAny>,
        key_prefixes: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = convert::max_size)] max_size: u64,
        content_types: Option<&Bound<'_, PyAny>>,
        acls: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = convert::max_expiry)] max_expiry: u64,
        #[pyo3(from_py_with = convert::max_skew)] max_skew: u64,
        multipart: bool,
    ) -> PyResult<Self> {
        // The region must be one a credential scope can hold.
        let epoch = sigv4::SigningTime::from_unix_seconds(0).map_err(|e| error(py, e))?;
        SigningParams::new(&credentials.get().inner, &region, "s3", epoch)
            .map_err(|e| error(py, e))?;
        let targets = convert::items(buckets, "buckets", "names or (name, endpoint URL) pairs")?
            .iter()
            .map(|b| target(b, &region))
            .collect::<PyResult<Vec<_>>>()?;
        let key_prefixes = convert::strings(key_prefixes, "key_prefixes")?;
        let mut rules = UploadRules::new(targets, key_prefixes, max_size);
        rules.content_types =
            convert::optional_strings(content_types, "content_types")?.unwrap_or_default();
        if let Some(acls) = convert::optional_strings(acls, "acls")? {
            rules.acls = acls;
        }
        rules.max_expiry = Duration::from_secs(max_expiry);
        rules.max_skew = Duration::from_secs(max_skew);
        rules.multipart = multipart;
        // Buckets, key prefixes and expiry, as `sigv4 serve` checks them.
        rules.check().map_err(|e| error(py, e))?;
        Ok(UploadSigner {
            rules,
            credentials: credentials.get().inner.clone(),
            region,
        })
    }

    /// Signs a Fine Uploader signature request (its JSON body) if the rules allow it:
    /// {"policy", "signature"} for a POST policy, {"signature"} for a multipart request's
    /// string to sign. Raises InvalidRequestError (malformed: HTTP 400) or
    /// PolicyViolationError (outside the rules: HTTP 403).
    #[pyo3(signature = (body, *, now = None))]
    fn sign_request<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyAny>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let (body, now) = (request_body(body)?, convert::time(py, now)?);
        self.signed(py, &body, now)
    }

    /// As `sigv4 serve`'s /sign: (200, signed) or (400 or 403, {"invalid": True}); the
    /// reason for a refusal goes to the logger "sigv4.uploads", not to the caller.
    #[pyo3(signature = (body, *, now = None))]
    fn answer<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyAny>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<(u16, Bound<'py, PyDict>)> {
        // A body or a time of the wrong type is the server's mistake: raised, not answered.
        let (body, now) = (request_body(body)?, convert::time(py, now)?);
        match self.signed(py, &body, now) {
            Ok(signed) => Ok((200, signed)),
            Err(e) => {
                let kind: String = e.value(py).getattr("kind")?.extract().unwrap_or_default();
                let status = if kind == "UploadRefused" { 403 } else { 400 };
                let logger = py
                    .import("logging")?
                    .call_method1("getLogger", ("sigv4.uploads",))?;
                logger.call_method1(
                    "warning",
                    ("refused a signing request: %s", e.value(py).str()?),
                )?;
                let out = PyDict::new(py);
                out.set_item("invalid", true)?;
                Ok((status, out))
            }
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "UploadSigner(access_key_id={:?}, region={:?}, buckets={:?}, key_prefixes={:?}, max_size={})",
            self.credentials.access_key_id(),
            self.region,
            self.rules
                .targets
                .iter()
                .map(UploadTarget::bucket)
                .collect::<Vec<_>>(),
            self.rules.key_prefixes,
            self.rules.max_size
        )
    }
}

impl UploadSigner {
    /// The signed answer to a signing request, as a dict.
    fn signed<'py>(
        &self,
        py: Python<'py>,
        body: &Body,
        now: sigv4::SigningTime,
    ) -> PyResult<Bound<'py, PyDict>> {
        let text = std::str::from_utf8(body.as_bytes()).map_err(|_| {
            error(
                py,
                ErrorKind::InvalidSigningRequest {
                    reason: "the body is not UTF-8 text".into(),
                }
                .into(),
            )
        })?;
        let answer = self
            .rules
            .sign_request(text, &SIGNER, &self.credentials, &self.region, now)
            .map_err(|e| error(py, e))?;
        let out = PyDict::new(py);
        match answer {
            UploadAnswer::Policy { policy, signature } => {
                out.set_item("policy", policy)?;
                out.set_item("signature", signature)?;
            }
            UploadAnswer::Multipart { signature, .. } => out.set_item("signature", signature)?,
            _ => {}
        }
        Ok(out)
    }
}

/// A signing request's body: bytes (or bytearray, memoryview) or str, not None.
fn request_body(body: &Bound<'_, PyAny>) -> PyResult<Body> {
    Body::extract(Some(body))?
        .ok_or_else(|| PyTypeError::new_err("body must be bytes or str, not None"))
}
