//! Signing an `http::Request` (http 1.x) in place.

use http::header::{HeaderName, HeaderValue};
use smallvec::SmallVec;

use crate::error::{Error, Result};
use crate::request::{Payload, Request};
use crate::sign::{SignedRequest, Signer, SigningParams};

impl Signer {
    /// Signs an `http::Request` in place: sets `Authorization`, `X-Amz-Date` and, where
    /// they apply, `X-Amz-Security-Token` and `x-amz-content-sha256`, replacing any
    /// already there. (An `X-Amz-Security-Token` already on the request stays, and is
    /// signed, when the credentials have no token, as botocore does.) The signed host is the `Host` header if there is one; otherwise the
    /// URI's host (lower-cased, default port dropped), and a `Host` header with exactly
    /// that value is added, so that what is sent is what was signed.
    ///
    /// ```
    /// use sigv4::{Credentials, Payload, Signer, SigningParams, SigningTime};
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
    /// let params = SigningParams::new(&creds, "us-east-1", "service", SigningTime::parse("20150830T123600Z")?)?;
    /// let mut req = http::Request::get("https://example.amazonaws.com/").body(()).unwrap();
    /// let signed = Signer::new().sign_http(&mut req, Payload::Empty, &params)?;
    /// let steps = signed.steps();
    /// // The AWS suite's get-vanilla signature:
    /// assert_eq!(steps.signature(), "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    /// assert!(req.headers()["authorization"].to_str().unwrap().ends_with(steps.signature()));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn sign_http<B>(
        &self,
        request: &mut http::Request<B>,
        payload: Payload<'_>,
        params: &SigningParams<'_>,
    ) -> Result<SignedRequest> {
        let uri = request.uri();
        let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
        let mut headers = Vec::with_capacity(request.headers().len());
        for (name, value) in request.headers() {
            let value = std::str::from_utf8(value.as_bytes())
                .map_err(|_| Error::header_value(name.as_str(), "it is not UTF-8"))?;
            headers.push((name.as_str(), value));
        }
        let req = Request::from_parts(
            request.method().as_str(),
            uri.scheme_str(),
            uri.authority().map(|a| a.as_str()),
            path_and_query,
        )?
        .with_owned_headers(headers)
        .with_payload(payload);
        let signed = self.sign(&req, params)?;
        let host =
            match (
                &req.url_host,
                request.headers().contains_key(http::header::HOST),
            ) {
                (Some(h), false) => Some(HeaderValue::from_str(h).map_err(|_| {
                    Error::header_value("host", "it cannot be an HTTP header value")
                })?),
                _ => None,
            };
        let mut to_set: SmallVec<[(HeaderName, HeaderValue); 5]> = SmallVec::new();
        if let Some(h) = host {
            to_set.push((http::header::HOST, h));
        }
        for (name, value) in signed.headers() {
            let value = HeaderValue::from_str(value)
                .map_err(|_| Error::header_value(name, "it cannot be an HTTP header value"))?;
            to_set.push((HeaderName::from_static(lower(name)), value));
        }
        let headers = request.headers_mut();
        headers.reserve(to_set.len());
        for (name, mut value) in to_set {
            if name == http::header::AUTHORIZATION || name.as_str() == "x-amz-security-token" {
                value.set_sensitive(true);
            }
            headers.insert(name, value);
        }
        Ok(signed)
    }
}

fn lower(name: &'static str) -> &'static str {
    match name {
        "Authorization" => "authorization",
        "X-Amz-Date" => "x-amz-date",
        "X-Amz-Security-Token" => "x-amz-security-token",
        _ => "x-amz-content-sha256",
    }
}
