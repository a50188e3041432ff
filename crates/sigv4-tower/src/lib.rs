//! A [`tower::Layer`] that requires AWS Signature Version 4: every request is verified
//! with [`sigv4::Verifier`] (header-signed or presigned, its body hashed and checked
//! against `x-amz-content-sha256`) before it reaches the service; the caller's identity
//! ([`sigv4::Verified`]) is put in the request's extensions. Refused requests get a 403
//! (400 for a malformed signature) with a one-line reason, as AWS answers.
//!
//! ```
//! use sigv4::Credentials;
//! use sigv4_tower::SigV4Layer;
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
//! let layer = SigV4Layer::new(move |id: &str| (id == "AKIDEXAMPLE").then(|| creds.clone()));
//! // axum: Router::new().route("/", get(handler)).layer(layer)
//! # Ok::<(), sigv4::Error>(())
//! ```
#![deny(missing_docs)]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::SystemTime;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body::Body;
use http_body_util::{BodyExt, Full, Limited};
use sigv4::{Credentials, ErrorKind, ReceivedBody, SigningTime, Verifier, VerifySettings};

/// The largest body the layer reads to hash (default 16 MiB); larger bodies are refused
/// with 413 unless they are signed `UNSIGNED-PAYLOAD` or streamed aws-chunked, which
/// the service reads itself.
pub const DEFAULT_MAX_BODY: usize = 16 * 1024 * 1024;

/// Requires SigV4 on every request; see the crate documentation.
///
/// ```
/// let layer = sigv4_tower::SigV4Layer::new(|_: &str| None).with_max_body(1 << 20);
/// ```
pub struct SigV4Layer<F> {
    verifier: Arc<Verifier<F>>,
    max_body: usize,
}

impl<F> Clone for SigV4Layer<F> {
    fn clone(&self) -> Self {
        SigV4Layer {
            verifier: Arc::clone(&self.verifier),
            max_body: self.max_body,
        }
    }
}

impl<F: Fn(&str) -> Option<Credentials>> SigV4Layer<F> {
    /// A layer that looks keys up with `lookup` (access key ID → credentials).
    ///
    /// ```
    /// let layer = sigv4_tower::SigV4Layer::new(|_: &str| None);
    /// ```
    pub fn new(lookup: F) -> Self {
        SigV4Layer {
            verifier: Arc::new(Verifier::new(lookup)),
            max_body: DEFAULT_MAX_BODY,
        }
    }

    /// The same layer with these verification settings (skew, regions, services, ...).
    ///
    /// ```
    /// let layer = sigv4_tower::SigV4Layer::new(|_: &str| None).with_settings(sigv4::VerifySettings::default());
    /// ```
    #[must_use]
    pub fn with_settings(mut self, settings: VerifySettings) -> Self {
        if let Some(verifier) = Arc::get_mut(&mut self.verifier) {
            *verifier.settings_mut() = settings;
        }
        self
    }

    /// The same layer with another body limit.
    ///
    /// ```
    /// let layer = sigv4_tower::SigV4Layer::new(|_: &str| None).with_max_body(1024);
    /// ```
    #[must_use]
    pub fn with_max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }
}

impl<S, F> tower::Layer<S> for SigV4Layer<F> {
    type Service = SigV4Service<S, F>;

    fn layer(&self, inner: S) -> Self::Service {
        SigV4Service {
            inner,
            verifier: Arc::clone(&self.verifier),
            max_body: self.max_body,
        }
    }
}

/// The service [`SigV4Layer`] makes.
pub struct SigV4Service<S, F> {
    inner: S,
    verifier: Arc<Verifier<F>>,
    max_body: usize,
}

impl<S: Clone, F> Clone for SigV4Service<S, F> {
    fn clone(&self) -> Self {
        SigV4Service {
            inner: self.inner.clone(),
            verifier: Arc::clone(&self.verifier),
            max_body: self.max_body,
        }
    }
}

fn refusal<B: From<Bytes>>(status: StatusCode, reason: &str) -> Response<B> {
    let mut response = Response::new(B::from(Bytes::from(format!("{reason}\n"))));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

impl<S, F, B, RB> tower::Service<Request<B>> for SigV4Service<S, F>
where
    S: tower::Service<Request<Full<Bytes>>, Response = Response<RB>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send,
    F: Fn(&str) -> Option<Credentials> + Send + Sync + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    RB: From<Bytes> + Send + 'static,
{
    type Response = Response<RB>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The clone that was polled ready does the work (tower's usual swap).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let verifier = Arc::clone(&self.verifier);
        let max_body = self.max_body;
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let body = match Limited::new(body, max_body).collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(_) => {
                    return Ok(refusal(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "the body is larger than this service reads",
                    ));
                }
            };
            let target = parts
                .uri
                .path_and_query()
                .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned());
            let headers: Vec<(&str, &str)> = parts
                .headers
                .iter()
                .filter_map(|(n, v)| v.to_str().ok().map(|v| (n.as_str(), v)))
                .collect();
            // HTTP/2 requests carry the host in the URI, not a header.
            let authority = parts.uri.authority().map(|a| a.as_str().to_owned());
            let mut with_host = headers.clone();
            if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host"))
                && let Some(a) = authority.as_deref()
            {
                with_host.push(("host", a));
            }
            let now = SigningTime::from_system_time(SystemTime::now());
            let verdict = now.and_then(|now| {
                verifier.verify(
                    parts.method.as_str(),
                    &target,
                    &with_host,
                    ReceivedBody::Bytes(&body),
                    now,
                )
            });
            match verdict {
                Ok(verified) => {
                    parts.extensions.insert(verified);
                    inner
                        .call(Request::from_parts(parts, Full::new(body)))
                        .await
                }
                Err(e) => {
                    let status = match e.kind() {
                        ErrorKind::MalformedAuthorization { .. }
                        | ErrorKind::MissingAuthentication => StatusCode::BAD_REQUEST,
                        _ => StatusCode::FORBIDDEN,
                    };
                    Ok(refusal(status, &e.to_string()))
                }
            }
        })
    }
}
