//! Server-side verification: checks a request as received (header-signed or
//! presigned), a POST-policy form, and hands out the chunk verifier of an aws-chunked
//! body. The canonical request is rebuilt from what was received, exactly as a signer
//! built it, and the signatures are compared in constant time.

use std::fmt;
use std::time::Duration;

use subtle::ConstantTimeEq;

use crate::canonical::{Additions, Headers, canonical_request, collect_headers};
use crate::chunked::{ChecksumAlgorithm, ChunkVerifier, ChunkedDecoder, ChunkedMode};
use crate::credentials::Credentials;
use crate::encode::{decode_query_component, hex_lower};
use crate::error::{ErrorKind, Result};
use crate::key::{KeyCache, SigningKey};
use crate::post_policy::{PolicyCondition, PostPolicy, sign_post_policy};
use crate::request::Request;
use crate::settings::{HeaderSelection, Rules};
use crate::sign::{ALGORITHM, MAX_EXPIRY};
use crate::time::SigningTime;

/// What a verifier accepts.
///
/// ```
/// let mut settings = sigv4::VerifySettings::default();
/// settings.regions = Some(vec!["eu-west-1".into()]);
/// assert_eq!(settings.max_skew.as_secs(), 900);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifySettings {
    /// How far the request's date may be from now (default 15 minutes).
    pub max_skew: Duration,
    /// The longest presigned URL accepted (default 7 days).
    pub max_presign_expiry: Duration,
    /// Regions accepted (`None`: any).
    pub regions: Option<Vec<String>>,
    /// Services (signing names) accepted (`None`: any).
    pub services: Option<Vec<String>>,
    /// Canonicalization rules (default: from the scope's service, as signers choose).
    pub rules: Rules,
    /// Under generic rules, whether the path was normalized (`.`/`..` removed, `//`
    /// collapsed) before signing; `None`: yes, as AWS signers do.
    pub normalize_path: Option<bool>,
}

impl Default for VerifySettings {
    fn default() -> Self {
        VerifySettings {
            max_skew: Duration::from_secs(900),
            max_presign_expiry: MAX_EXPIRY,
            regions: None,
            services: None,
            rules: Rules::Auto,
            normalize_path: None,
        }
    }
}

/// The body, as far as the verifier knows it.
///
/// ```
/// let body = sigv4::ReceivedBody::Bytes(b"{}");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReceivedBody<'a> {
    /// The whole body. An aws-chunked one (`x-amz-content-sha256: STREAMING-…`) is
    /// decoded and checked too: every chunk signature, the trailer, its checksum and the
    /// declared decoded length.
    Bytes(&'a [u8]),
    /// Its SHA-256 (hex), computed by the caller as it was received.
    Sha256(&'a str),
    /// Not known yet (streamed): the request must carry `x-amz-content-sha256`, which
    /// the caller checks once the body is in (or an aws-chunked body is verified with
    /// [`Verified::chunk_verifier`], as it arrives).
    Unknown,
}

/// Who signed a verified request, and what.
///
/// ```
/// use sigv4::{Credentials, ReceivedBody, Request, Signer, SigningParams, SigningTime, Verifier};
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
/// let now = SigningTime::parse("20150830T123600Z")?;
/// let params = SigningParams::new(&creds, "eu-west-1", "polly", now)?;
/// let url = "https://polly.eu-west-1.amazonaws.com/v1/voices";
/// let signed = Signer::new().sign(&Request::new("GET", url)?, &params)?;
/// let mut headers = vec![("Host", "polly.eu-west-1.amazonaws.com")];
/// headers.extend(signed.headers());
/// let verifier = Verifier::new(|id: &str| (id == "AKIDEXAMPLE").then(|| creds.clone()));
/// let who = verifier.verify("GET", "/v1/voices", &headers, ReceivedBody::Bytes(b""), now)?;
/// assert_eq!((who.access_key_id.as_str(), who.region.as_str(), who.service.as_str()),
///            ("AKIDEXAMPLE", "eu-west-1", "polly"));
/// assert_eq!(who.signed_headers, ["host", "x-amz-date"]);
/// assert!(!who.presigned);
/// # Ok::<(), sigv4::Error>(())
/// ```
///
/// `Debug` hides the signature and the key.
#[derive(Clone)]
#[non_exhaustive]
pub struct Verified {
    /// The access key that signed.
    pub access_key_id: String,
    /// The credential scope's region.
    pub region: String,
    /// The credential scope's service.
    pub service: String,
    /// The signing time.
    pub time: SigningTime,
    /// The signed header names.
    pub signed_headers: Vec<String>,
    /// The payload line signed (a hash, `UNSIGNED-PAYLOAD` or a streaming marker).
    pub payload_hash: String,
    /// Whether it was a presigned URL.
    pub presigned: bool,
    key: SigningKey,
    signature: String,
    scope: String,
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("access_key_id", &self.access_key_id)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("time", &self.time)
            .field("signed_headers", &self.signed_headers)
            .field("payload_hash", &self.payload_hash)
            .field("presigned", &self.presigned)
            .field("signature", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl Verified {
    /// For a streaming (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD…`) request, the verifier of
    /// its chunks, chained on this request's signature.
    ///
    /// ```
    /// use sigv4::*;
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
    /// let now = SigningTime::parse("20150830T123600Z")?;
    /// let params = SigningParams::new(&creds, "us-east-1", "s3", now)?;
    /// let signer = Signer::new();
    /// // A client's aws-chunked upload: the seed request, then signed chunks.
    /// let layout = ChunkedLayout::new(5, 65_536, ChunkedMode::Signed)?;
    /// let extra: Vec<(&str, String)> = layout.headers();
    /// let extra: Vec<(&str, &str)> = extra.iter().map(|(n, v)| (*n, v.as_str())).collect();
    /// let seed = signer.sign(&Request::new("PUT", "https://b.s3.amazonaws.com/k")?
    ///     .with_headers(&extra).with_payload(Payload::StreamingSigned), &params)?;
    /// let body = ChunkSigner::new(signer.signing_key(&params), seed.steps(), ChunkedMode::Signed)
    ///     .encode_all(b"hello", 65_536)?;
    /// // The server: the headers as received; the body checked chunk by chunk as it arrives.
    /// let mut headers = vec![("Host", "b.s3.amazonaws.com")];
    /// headers.extend(extra.iter().copied());
    /// headers.extend(seed.headers());
    /// let verifier = Verifier::new(|id: &str| (id == "AKIDEXAMPLE").then(|| creds.clone()));
    /// let who = verifier.verify("PUT", "/k", &headers, ReceivedBody::Unknown, now)?;
    /// let mut decoder = ChunkedDecoder::new(ChunkedMode::Signed, who.chunk_verifier());
    /// let mut data = Vec::new();
    /// decoder.feed(&body, |piece| data.extend_from_slice(piece))?;
    /// decoder.finish()?;
    /// assert_eq!(data, b"hello");
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn chunk_verifier(&self) -> Option<ChunkVerifier> {
        self.payload_hash.starts_with("STREAMING-").then(|| {
            ChunkVerifier::new(
                self.key.clone(),
                &self.signature,
                self.time.amz_date(),
                &self.scope,
            )
        })
    }
}

/// An aws-chunked body received whole, as S3 checks it: the framing, every chunk
/// signature (chained on the request's), the trailer, its checksum and signature, and
/// the length `x-amz-decoded-content-length` declares.
fn check_chunked_body(v: &Verified, headers: &[(&str, &str)], body: &[u8]) -> Result<()> {
    let checksum = || -> Result<ChecksumAlgorithm> {
        let named = header_value(headers, "x-amz-trailer")
            .ok_or_else(|| malformed(format!("{} needs x-amz-trailer", v.payload_hash)))?;
        named.trim().parse()
    };
    let mode = match v.payload_hash.as_str() {
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" => ChunkedMode::Signed,
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" => ChunkedMode::SignedWithTrailer(checksum()?),
        _ => ChunkedMode::UnsignedWithTrailer(checksum()?),
    };
    let mut decoder = ChunkedDecoder::new(mode, v.chunk_verifier());
    if let Some(declared) = header_value(headers, "x-amz-decoded-content-length") {
        let len = declared.trim().parse().map_err(|_| {
            malformed(format!(
                "x-amz-decoded-content-length {declared:?} is not a length"
            ))
        })?;
        decoder = decoder.with_decoded_len(len);
    }
    decoder.feed(body, |_| {})?;
    decoder.finish().map(drop)
}

fn malformed(reason: impl Into<String>) -> crate::Error {
    ErrorKind::MalformedAuthorization {
        reason: reason.into(),
    }
    .into()
}

fn scope_error(reason: impl Into<String>) -> crate::Error {
    ErrorKind::ScopeMismatch {
        reason: reason.into(),
    }
    .into()
}

/// Verifies SigV4 requests as AWS does.
///
/// `lookup` maps an access key ID to its credentials (secret and, for temporary
/// credentials, the session token the request must carry).
///
/// ```
/// use sigv4::{Credentials, ReceivedBody, Request, Signer, SigningParams, SigningTime, Verifier};
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
/// let now = SigningTime::parse("20150830T123600Z")?;
/// let params = SigningParams::new(&creds, "us-east-1", "service", now)?;
/// let signed = Signer::new().sign(&Request::new("GET", "https://example.amazonaws.com/?a=b")?, &params)?;
/// // As the server receives it:
/// let mut headers = vec![("Host", "example.amazonaws.com")];
/// headers.extend(signed.headers());
/// let verifier = Verifier::new(|id: &str| (id == "AKIDEXAMPLE").then(|| creds.clone()));
/// let who = verifier.verify("GET", "/?a=b", &headers, ReceivedBody::Bytes(b""), now)?;
/// assert_eq!(who.service, "service");
/// let tampered = verifier.verify("GET", "/?a=c", &headers, ReceivedBody::Bytes(b""), now);
/// assert!(matches!(tampered.unwrap_err().kind(), sigv4::ErrorKind::SignatureMismatch { .. }));
/// # Ok::<(), sigv4::Error>(())
/// ```
pub struct Verifier<F> {
    lookup: F,
    settings: VerifySettings,
    keys: KeyCache,
}

impl<F> std::fmt::Debug for Verifier<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// A parsed `Authorization` header or set of presigning parameters.
#[derive(Clone)]
struct Claim {
    access_key_id: String,
    date: String,
    region: String,
    service: String,
    signed_headers: Vec<String>,
    signature: String,
}

impl<F: Fn(&str) -> Option<Credentials>> Verifier<F> {
    /// A verifier with default settings.
    ///
    /// ```
    /// let v = sigv4::Verifier::new(|_: &str| None);
    /// ```
    pub fn new(lookup: F) -> Self {
        Verifier {
            lookup,
            settings: VerifySettings::default(),
            keys: KeyCache::new(),
        }
    }

    /// The same verifier with these settings.
    ///
    /// ```
    /// let v = sigv4::Verifier::new(|_: &str| None).with_settings(sigv4::VerifySettings::default());
    /// ```
    #[must_use]
    pub fn with_settings(mut self, settings: VerifySettings) -> Self {
        self.settings = settings;
        self
    }

    /// The settings, to change in place.
    ///
    /// ```
    /// let mut v = sigv4::Verifier::new(|_: &str| None);
    /// v.settings_mut().max_skew = std::time::Duration::from_secs(60);
    /// ```
    pub fn settings_mut(&mut self) -> &mut VerifySettings {
        &mut self.settings
    }

    /// Verifies a request as received: its method, request target (`/path?query`, as on
    /// the request line), headers and body. Header-signed requests and presigned URLs
    /// are both accepted; `now` is the server's clock.
    ///
    /// ```
    /// let v = sigv4::Verifier::new(|_: &str| None);
    /// let err = v.verify("GET", "/", &[("Host", "h")], sigv4::ReceivedBody::Bytes(b""), sigv4::SigningTime::from_unix_seconds(0)?);
    /// assert!(matches!(err.unwrap_err().kind(), sigv4::ErrorKind::MissingAuthentication));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn verify(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: ReceivedBody<'_>,
        now: SigningTime,
    ) -> Result<Verified> {
        let header = |name: &str| header_value(headers, name);
        let query = target.split_once('?').map_or("", |(_, q)| q);
        let presigned = query_param(query, "X-Amz-Signature").is_some();
        let verified = match (header("authorization"), presigned) {
            (Some(auth), false) => self.verify_header(method, target, headers, auth, body, now),
            (None, true) => self.verify_presigned(method, target, headers, body, now),
            (Some(_), true) => Err(malformed(
                "both an Authorization header and an X-Amz-Signature parameter",
            )),
            (None, false) => Err(ErrorKind::MissingAuthentication.into()),
        }?;
        if let ReceivedBody::Bytes(whole) = body
            && verified.payload_hash.starts_with("STREAMING-")
        {
            check_chunked_body(&verified, headers, whole)?;
        }
        Ok(verified)
    }

    fn credentials(&self, claim: &Claim) -> Result<Credentials> {
        let creds = (self.lookup)(&claim.access_key_id).ok_or(ErrorKind::UnknownAccessKey)?;
        if let Some(regions) = &self.settings.regions
            && !regions.contains(&claim.region)
        {
            return Err(scope_error(format!(
                "region {:?} is not accepted here",
                claim.region
            )));
        }
        if let Some(services) = &self.settings.services
            && !services.contains(&claim.service)
        {
            return Err(scope_error(format!(
                "service {:?} is not accepted here",
                claim.service
            )));
        }
        Ok(creds)
    }

    fn check_token(creds: &Credentials, sent: Option<&str>) -> Result<()> {
        let ok = match (creds.session_token(), sent) {
            (None, None) => true,
            (Some(want), Some(got)) => bool::from(want.as_bytes().ct_eq(got.as_bytes())),
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(ErrorKind::SessionTokenMismatch.into())
        }
    }

    fn verify_header(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        auth: &str,
        body: ReceivedBody<'_>,
        now: SigningTime,
    ) -> Result<Verified> {
        let claim = parse_authorization(auth)?;
        let header = |name: &str| header_value(headers, name);
        let amz_date = header("x-amz-date").ok_or_else(|| malformed("no X-Amz-Date header"))?;
        let time = SigningTime::parse(amz_date)
            .map_err(|_| malformed(format!("X-Amz-Date {amz_date:?} is not YYYYMMDDTHHMMSSZ")))?;
        if !claim.signed_headers.iter().any(|h| h == "x-amz-date") {
            return Err(malformed("x-amz-date is not signed"));
        }
        let skew = now.unix_seconds() - time.unix_seconds();
        if skew.unsigned_abs() > self.settings.max_skew.as_secs() {
            return Err(ErrorKind::ClockSkew {
                seconds: skew,
                allowed: self.settings.max_skew.as_secs(),
            }
            .into());
        }
        let creds = self.credentials(&claim)?;
        // Signed or not (a few services take it unsigned), the token must be the key's.
        Self::check_token(&creds, header("x-amz-security-token"))?;
        let payload = self.payload(&claim, header("x-amz-content-sha256"), body, false)?;
        self.finish(method, target, headers, claim, creds, time, payload, false)
    }

    fn verify_presigned(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: ReceivedBody<'_>,
        now: SigningTime,
    ) -> Result<Verified> {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let param = |name: &str| query_param(query, name);
        let algorithm = param("X-Amz-Algorithm").ok_or_else(|| malformed("no X-Amz-Algorithm"))?;
        if algorithm != ALGORITHM {
            return Err(malformed(format!(
                "X-Amz-Algorithm is {algorithm:?}, not {ALGORITHM}"
            )));
        }
        let credential =
            param("X-Amz-Credential").ok_or_else(|| malformed("no X-Amz-Credential"))?;
        let (access_key_id, date, region, service) = parse_credential(&credential)?;
        let amz_date = param("X-Amz-Date").ok_or_else(|| malformed("no X-Amz-Date"))?;
        let time = SigningTime::parse(&amz_date)
            .map_err(|_| malformed(format!("X-Amz-Date {amz_date:?} is not YYYYMMDDTHHMMSSZ")))?;
        let expires = param("X-Amz-Expires").ok_or_else(|| malformed("no X-Amz-Expires"))?;
        let expires: u64 = expires
            .parse()
            .ok()
            .filter(|&e| e >= 1 && e <= self.settings.max_presign_expiry.as_secs())
            .ok_or_else(|| {
                malformed(format!(
                    "X-Amz-Expires {expires:?} is not 1 to {} seconds",
                    self.settings.max_presign_expiry.as_secs()
                ))
            })?;
        let signed =
            param("X-Amz-SignedHeaders").ok_or_else(|| malformed("no X-Amz-SignedHeaders"))?;
        let signature = param("X-Amz-Signature").unwrap_or_default();
        let claim = Claim {
            access_key_id,
            date,
            region,
            service,
            signed_headers: signed.split(';').map(str::to_owned).collect(),
            signature,
        };
        let start = time.unix_seconds();
        if now.unix_seconds() + (self.settings.max_skew.as_secs() as i64) < start {
            return Err(ErrorKind::NotYetValid {
                valid_from: time.iso8601(),
            }
            .into());
        }
        let end = start + expires as i64;
        if now.unix_seconds() >= end {
            return Err(ErrorKind::RequestExpired {
                expired_at: SigningTime::from_unix_seconds(end)
                    .map(|t| t.iso8601())
                    .unwrap_or_default(),
            }
            .into());
        }
        let creds = self.credentials(&claim)?;
        Self::check_token(&creds, param("X-Amz-Security-Token").as_deref())?;
        let sent_hash = param("X-Amz-Content-Sha256");
        let header_hash = header_value(headers, "x-amz-content-sha256").map(str::to_owned);
        let payload = self.payload(&claim, sent_hash.or(header_hash).as_deref(), body, true)?;
        // The canonical query is every parameter but the signature.
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| {
                let name = p.split_once('=').map_or(*p, |(n, _)| n);
                &*decode_query_component(name) != b"X-Amz-Signature"
            })
            .collect();
        let target_of = |parts: &[&str]| {
            if parts.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{}", parts.join("&"))
            }
        };
        let with_token = self.finish(
            method,
            &target_of(&kept),
            headers,
            claim.clone(),
            creds.clone(),
            time,
            payload.clone(),
            true,
        );
        // A few services (AWS IoT, ...) want the token added after signing: then it is
        // not in the canonical query.
        let token_param = |p: &&str| {
            let name = p.split_once('=').map_or(*p, |(n, _)| n);
            &*decode_query_component(name) == b"X-Amz-Security-Token"
        };
        match with_token {
            Err(e)
                if matches!(e.kind(), ErrorKind::SignatureMismatch { .. })
                    && kept.iter().any(token_param) =>
            {
                let without: Vec<&str> = kept.iter().copied().filter(|p| !token_param(p)).collect();
                self.finish(
                    method,
                    &target_of(&without),
                    headers,
                    claim,
                    creds,
                    time,
                    payload,
                    true,
                )
                .map_err(|_| e)
            }
            other => other,
        }
    }

    /// The payload line: the sender's `x-amz-content-sha256` (checked against the body
    /// when the body is known), else the body's hash; presigned S3 URLs default to
    /// `UNSIGNED-PAYLOAD`.
    fn payload(
        &self,
        claim: &Claim,
        sent: Option<&str>,
        body: ReceivedBody<'_>,
        presigned: bool,
    ) -> Result<String> {
        let rules = self.rules(claim);
        let body_hash = match body {
            ReceivedBody::Bytes(b) => Some(hex_lower(&crate::sha::sha256(b)).to_string()),
            ReceivedBody::Sha256(h) => Some(h.to_ascii_lowercase()),
            ReceivedBody::Unknown => None,
        };
        match sent {
            Some(h) if crate::encode::is_hex64(h) => {
                if body_hash
                    .as_deref()
                    .is_some_and(|b| !b.eq_ignore_ascii_case(h))
                {
                    return Err(ErrorKind::PayloadHashMismatch.into());
                }
                Ok(h.to_owned())
            }
            Some(
                marker @ ("UNSIGNED-PAYLOAD"
                | "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
                | "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
                | "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
            ) => Ok(marker.to_owned()),
            Some(other) => Err(malformed(format!(
                "x-amz-content-sha256 {other:?} is neither a SHA-256 nor a known marker"
            ))),
            None if presigned && rules == Rules::S3 => Ok("UNSIGNED-PAYLOAD".to_owned()),
            None if rules == Rules::S3 => Err(malformed("S3 requests carry x-amz-content-sha256")),
            None => body_hash.ok_or_else(|| {
                malformed("the body's hash is needed: give it, or send x-amz-content-sha256")
            }),
        }
    }

    fn rules(&self, claim: &Claim) -> Rules {
        self.settings.rules.resolve(&claim.service)
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        claim: Claim,
        creds: Credentials,
        time: SigningTime,
        payload: String,
        presigned: bool,
    ) -> Result<Verified> {
        if claim.date != time.date_stamp() {
            return Err(scope_error(format!(
                "the scope's date {} is not the request's date {}",
                claim.date,
                time.date_stamp()
            )));
        }
        if !claim.signed_headers.iter().any(|h| h == "host") {
            return Err(ErrorKind::HostNotSigned.into());
        }
        let sorted = claim.signed_headers.windows(2).all(|w| w[0] < w[1]);
        if !sorted
            || claim
                .signed_headers
                .iter()
                .any(|h| h.is_empty() || h.bytes().any(|b| b.is_ascii_uppercase()))
        {
            return Err(malformed(
                "the signed headers are not lower-case, sorted and distinct",
            ));
        }
        for name in &claim.signed_headers {
            if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
                return Err(malformed(format!(
                    "signed header {name} is not in the request"
                )));
            }
        }
        let request = Request::from_raw(method, target, headers)?;
        let rules = self.rules(&claim);
        let selection = HeaderSelection::Only(claim.signed_headers.clone());
        let additions = Additions {
            replaced: &[],
            headers: &[],
        };
        let mut collected = Headers::new();
        collect_headers(&request, &selection, &additions, &mut collected)?;
        let mut text = String::with_capacity(512);
        let normalize = rules == Rules::Generic && self.settings.normalize_path.unwrap_or(true);
        canonical_request(
            &mut text,
            &request,
            (rules, normalize),
            &collected,
            &[],
            &payload,
        );
        let scope = format!(
            "{}/{}/{}/aws4_request",
            claim.date, claim.region, claim.service
        );
        let hash = hex_lower(&crate::sha::sha256(text.as_bytes()));
        let sts = format!("{ALGORITHM}\n{}\n{scope}\n{hash}", time.amz_date());
        let key = self
            .keys
            .get(&creds, &claim.date, &claim.region, &claim.service);
        let expected = key.sign(sts.as_bytes());
        if !bool::from(expected.as_bytes().ct_eq(claim.signature.as_bytes())) {
            return Err(ErrorKind::SignatureMismatch {
                canonical_request: crate::sign::redact_token(&text),
                string_to_sign: sts,
            }
            .into());
        }
        Ok(Verified {
            access_key_id: claim.access_key_id,
            region: claim.region,
            service: claim.service,
            time,
            signed_headers: claim.signed_headers,
            payload_hash: payload,
            presigned,
            key,
            signature: expected,
            scope,
        })
    }

    /// Verifies a browser's POST-policy form upload to `bucket`: the policy's signature
    /// (with the key its `x-amz-credential` names), then the policy itself (expiry,
    /// every condition, every field covered, the file's size).
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let now = sigv4::SigningTime::parse("20151229T000000Z")?;
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "s3", now)?;
    /// let form = sigv4::PostForm::new("https://bkt.s3.amazonaws.com/", "bkt", "k.txt")
    ///     .with_condition(sigv4::PolicyCondition::content_length_range(0, 10));
    /// let post = sigv4::Signer::new().presign_post(&form, &params, std::time::Duration::from_secs(60))?;
    /// let form: Vec<(&str, &str)> = post.fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    /// let verifier = sigv4::Verifier::new(|_: &str| Some(creds.clone()));
    /// assert!(verifier.verify_post("bkt", &form, 5, now).is_ok());
    /// assert!(verifier.verify_post("bkt", &form, 11, now).is_err());
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn verify_post(
        &self,
        bucket: &str,
        fields: &[(&str, &str)],
        file_size: u64,
        now: SigningTime,
    ) -> Result<Verified> {
        let field = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|&(_, v)| v)
        };
        let policy_b64 = field("policy").ok_or_else(|| malformed("no policy field"))?;
        let signature =
            field("x-amz-signature").ok_or_else(|| malformed("no x-amz-signature field"))?;
        let algorithm =
            field("x-amz-algorithm").ok_or_else(|| malformed("no x-amz-algorithm field"))?;
        if algorithm != ALGORITHM {
            return Err(malformed(format!("x-amz-algorithm is {algorithm:?}")));
        }
        let credential =
            field("x-amz-credential").ok_or_else(|| malformed("no x-amz-credential field"))?;
        let (access_key_id, date, region, service) = parse_credential(credential)?;
        let amz_date = field("x-amz-date").ok_or_else(|| malformed("no x-amz-date field"))?;
        let time = SigningTime::parse(amz_date)
            .map_err(|_| malformed("x-amz-date is not YYYYMMDDTHHMMSSZ"))?;
        let claim = Claim {
            access_key_id,
            date,
            region,
            service,
            signed_headers: Vec::new(),
            signature: signature.to_owned(),
        };
        if claim.date != time.date_stamp() {
            return Err(scope_error("the credential's date is not x-amz-date's"));
        }
        let creds = self.credentials(&claim)?;
        Self::check_token(&creds, field("x-amz-security-token"))?;
        let key = self
            .keys
            .get(&creds, &claim.date, &claim.region, &claim.service);
        let expected = sign_post_policy(&key, policy_b64);
        if !bool::from(expected.as_bytes().ct_eq(signature.as_bytes())) {
            return Err(ErrorKind::SignatureMismatch {
                canonical_request: String::new(),
                string_to_sign: policy_b64.to_owned(),
            }
            .into());
        }
        let policy = PostPolicy::from_base64(policy_b64)?;
        if now.unix_seconds() >= policy.expiration().unix_seconds() {
            return Err(ErrorKind::RequestExpired {
                expired_at: policy.expiration().iso8601(),
            }
            .into());
        }
        // S3 requires these in the policy, as exact matches.
        for name in ["x-amz-algorithm", "x-amz-credential", "x-amz-date"] {
            let exact = policy.conditions().iter().any(|c| {
                matches!(c, PolicyCondition::Equals { field, .. } if field.eq_ignore_ascii_case(name))
            });
            if !exact {
                return Err(malformed(format!(
                    "the policy has no exact {name} condition"
                )));
            }
        }
        policy.check(bucket, fields, file_size, now)?;
        let scope = format!(
            "{}/{}/{}/aws4_request",
            claim.date, claim.region, claim.service
        );
        Ok(Verified {
            access_key_id: claim.access_key_id,
            region: claim.region,
            service: claim.service,
            time,
            signed_headers: Vec::new(),
            payload_hash: String::new(),
            presigned: false,
            key,
            signature: expected,
            scope,
        })
    }
}

/// A header's value (the first of that name), trimmed.
fn header_value<'h>(headers: &[(&str, &'h str)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, v)| v.trim())
}

/// The decoded value of a query parameter.
fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|part| {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        (&*decode_query_component(k) == name.as_bytes())
            .then(|| String::from_utf8_lossy(&decode_query_component(v)).into_owned())
    })
}

/// `AKID/20150830/us-east-1/iam/aws4_request` → (key, date, region, service).
fn parse_credential(credential: &str) -> Result<(String, String, String, String)> {
    let parts: Vec<&str> = credential.split('/').collect();
    let [key, date, region, service, terminator] = parts.as_slice() else {
        return Err(malformed(
            "the credential is not KEY/DATE/REGION/SERVICE/aws4_request",
        ));
    };
    if *terminator != "aws4_request" {
        return Err(scope_error(format!(
            "the scope ends with {terminator:?}, not aws4_request"
        )));
    }
    if key.is_empty() {
        return Err(malformed("the credential's access key is empty"));
    }
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return Err(scope_error(format!(
            "the scope's date {date:?} is not YYYYMMDD"
        )));
    }
    if region.is_empty() || service.is_empty() {
        return Err(scope_error(
            "the scope's region and service must not be empty",
        ));
    }
    Ok((
        (*key).to_owned(),
        (*date).to_owned(),
        (*region).to_owned(),
        (*service).to_owned(),
    ))
}

/// `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
fn parse_authorization(auth: &str) -> Result<Claim> {
    let rest = auth
        .strip_prefix(ALGORITHM)
        .filter(|r| r.starts_with(' '))
        .ok_or_else(|| {
            malformed(format!(
                "the Authorization header does not start with \"{ALGORITHM} \""
            ))
        })?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        let Some((name, value)) = part.split_once('=') else {
            return Err(malformed(format!("{part:?} is not name=value")));
        };
        let slot = match name {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            _ => {
                return Err(malformed(format!(
                    "unknown Authorization component {name:?}"
                )));
            }
        };
        if slot.replace(value).is_some() {
            return Err(malformed(format!("{name} appears twice")));
        }
    }
    let credential = credential.ok_or_else(|| malformed("no Credential"))?;
    let signed = signed.ok_or_else(|| malformed("no SignedHeaders"))?;
    let signature = signature.ok_or_else(|| malformed("no Signature"))?;
    let (access_key_id, date, region, service) = parse_credential(credential)?;
    Ok(Claim {
        access_key_id,
        date,
        region,
        service,
        signed_headers: signed.split(';').map(str::to_owned).collect(),
        signature: signature.to_owned(),
    })
}
