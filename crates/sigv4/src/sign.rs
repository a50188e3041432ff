//! Header signing and presigning, and the intermediate steps they return.

use std::fmt::{self, Write as _};
use std::ops::Range;
use std::time::Duration;

use arrayvec::ArrayString;
use smallvec::SmallVec;

use crate::canonical::{
    Additions, Headers, canonical_request, collect_headers, estimated_len, push_names,
    query_has_param, trim_all,
};
use crate::credentials::Credentials;
use crate::encode::{encode_into, hex_lower, is_hex64, is_unreserved, push_hex};
use crate::error::{Error, ErrorKind, Result};
use crate::key::{KeyCache, SigningKey};
use crate::request::{Payload, Request};
use crate::settings::{ContentSha256, Rules, SessionToken, Settings};
use crate::sha::sha256;
use crate::time::SigningTime;

/// The signing algorithm's name.
///
/// ```
/// assert_eq!(sigv4::ALGORITHM, "AWS4-HMAC-SHA256");
/// ```
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The payload hash of a request with an empty body.
///
/// ```
/// assert!(sigv4::EMPTY_SHA256.starts_with("e3b0c442"));
/// ```
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// The longest a presigned URL may last: 7 days.
///
/// ```
/// assert_eq!(sigv4::MAX_EXPIRY.as_secs(), 7 * 24 * 3600);
/// ```
pub const MAX_EXPIRY: Duration = Duration::from_secs(604_800);

/// How long a presigned URL or POST policy may live: 1 s to [`MAX_EXPIRY`].
pub(crate) const EXPIRY_RANGE: std::ops::RangeInclusive<Duration> =
    Duration::from_secs(1)..=MAX_EXPIRY;

/// A presigned URL's or POST policy's life: whole seconds within [`EXPIRY_RANGE`].
pub(crate) fn check_expiry(expires: Duration) -> Result<()> {
    if EXPIRY_RANGE.contains(&expires) && expires.subsec_nanos() == 0 {
        Ok(())
    } else {
        Err(ErrorKind::ExpiryOutOfRange { expires }.into())
    }
}

/// The query parameters a presigned URL carries.
const PRESIGN_PARAMS: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
];

/// The query parameters that make a URL presigned: header signing refuses such a URL
/// (S3 answers a request signed both ways with 400 InvalidArgument).
const PRESIGNED_MARKS: [&str; 3] = ["X-Amz-Signature", "X-Amz-Credential", "X-Amz-Algorithm"];

/// Who signs, where and when: credentials, region, service (signing name), time and settings.
///
/// ```
/// use sigv4::{Credentials, SigningParams, SigningTime};
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
/// let params = SigningParams::new(&creds, "eu-west-1", "polly", SigningTime::parse("20150830T123600Z")?)?;
/// assert!(SigningParams::new(&creds, "eu west 1", "polly", SigningTime::parse("20150830T123600Z")?).is_err());
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct SigningParams<'a> {
    credentials: &'a Credentials,
    region: &'a str,
    service: &'a str,
    time: SigningTime,
    settings: Settings,
}

impl<'a> SigningParams<'a> {
    /// Parameters with default [`Settings`]. Region and service must be non-empty and made
    /// of ASCII letters, digits, `-`, `_` and `.`.
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let t = sigv4::SigningTime::from_unix_seconds(0)?;
    /// let err = sigv4::SigningParams::new(&creds, "us-east-1", "s3/", t).unwrap_err();
    /// assert!(err.to_string().contains("service"));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn new(
        credentials: &'a Credentials,
        region: &'a str,
        service: &'a str,
        time: SigningTime,
    ) -> Result<Self> {
        check_scope_part("region", region)?;
        check_scope_part("service", service)?;
        Ok(SigningParams {
            credentials,
            region,
            service,
            time,
            settings: Settings::default(),
        })
    }

    /// The same parameters with these settings.
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let t = sigv4::SigningTime::from_unix_seconds(0)?;
    /// let mut settings = sigv4::Settings::default();
    /// settings.rules = sigv4::Rules::S3;
    /// let params = sigv4::SigningParams::new(&creds, "us-east-1", "custom", t)?.with_settings(settings);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[must_use]
    #[inline]
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// The credential scope, `date/region/service/aws4_request`.
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// let t = sigv4::SigningTime::parse("20150830T123600Z")?;
    /// let params = sigv4::SigningParams::new(&creds, "us-east-1", "iam", t)?;
    /// assert_eq!(params.credential_scope(), "20150830/us-east-1/iam/aws4_request");
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[inline]
    pub fn credential_scope(&self) -> String {
        let mut s = String::with_capacity(48);
        self.push_scope(&mut s);
        s
    }

    pub(crate) fn credentials(&self) -> &Credentials {
        self.credentials
    }

    pub(crate) fn time(&self) -> SigningTime {
        self.time
    }

    fn push_scope(&self, out: &mut String) {
        out.push_str(self.time.date_stamp());
        out.push('/');
        out.push_str(self.region);
        out.push('/');
        out.push_str(self.service);
        out.push_str("/aws4_request");
    }

    fn rules(&self) -> Rules {
        self.settings.rules.resolve(self.service)
    }
}

pub(crate) fn check_scope_part(part: &'static str, value: &str) -> Result<()> {
    let reason = if value.is_empty() {
        "it is empty"
    } else if !value.bytes().all(|b| is_unreserved(b) && b != b'~') {
        "only ASCII letters, digits, '-', '_' and '.' may appear in a credential scope"
    } else {
        return Ok(());
    };
    Err(ErrorKind::InvalidScope {
        part,
        value: value.to_owned(),
        reason,
    }
    .into())
}

/// The session token, refused if it could not travel in a header or a URL as is.
pub(crate) fn checked_token(credentials: &Credentials) -> Result<Option<&str>> {
    match credentials.session_token() {
        Some(t) if t.bytes().any(|b| b < 0x20 || b == 0x7f) => Err(Error::header_value(
            "X-Amz-Security-Token",
            "the session token holds a line break or another control character",
        )),
        token => Ok(token),
    }
}

/// Every intermediate of a signature: canonical request, its hash, string to sign,
/// credential scope, signed headers and the signature itself.
///
/// `Debug` shows the canonical request with any session token replaced by `<redacted>`,
/// and not the signature (a signed request or URL can be replayed until it expires).
///
/// ```
/// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?.with_session_token("TOKEN");
/// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "service", sigv4::SigningTime::parse("20150830T123600Z")?)?;
/// let signed = sigv4::Signer::new().sign(&sigv4::Request::new("GET", "https://example.amazonaws.com/")?, &params)?;
/// let steps: &sigv4::SigningSteps = signed.steps();
/// assert!(steps.string_to_sign().ends_with(steps.canonical_request_hash()));
/// assert!(!format!("{steps:?}").contains("TOKEN"));
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Clone)]
pub struct SigningSteps {
    /// The canonical request, the string to sign, then what the output needs
    /// (`Authorization` value, session token, URL): one allocation for all of it.
    buf: String,
    canonical: Span,
    signed_headers: Span,
    string_to_sign: Span,
    scope: Span,
    signature: Span,
}

/// Where a part lies in a signature's buffer: `u32` offsets keep the outputs small,
/// and so cheap to move. Signing refuses requests of 1 GiB or more.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn new(range: Range<usize>) -> Span {
        let at = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        Span {
            start: at(range.start),
            end: at(range.end),
        }
    }

    #[inline]
    fn of(self, text: &str) -> &str {
        text.get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }
}

/// Requests of this many bytes or more are refused, so that offsets fit in `u32`.
const MAX_REQUEST_BYTES: usize = 1 << 30;

impl SigningSteps {
    /// The canonical request, exactly as hashed.
    ///
    /// It may hold the session token (as `x-amz-security-token` or
    /// `X-Amz-Security-Token`): show [`redacted_canonical_request`](Self::redacted_canonical_request) to people.
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "service", sigv4::SigningTime::parse("20150830T123600Z")?)?;
    /// let signed = sigv4::Signer::new().sign(&sigv4::Request::new("GET", "https://example.amazonaws.com/")?, &params)?;
    /// assert!(signed.steps().canonical_request().starts_with("GET\n/\n\nhost:example.amazonaws.com\n"));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[inline]
    pub fn canonical_request(&self) -> &str {
        self.canonical.of(&self.buf)
    }

    /// The canonical request with the session token's value replaced by `<redacted>`.
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?.with_session_token("TOKEN123");
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "service", sigv4::SigningTime::parse("20150830T123600Z")?)?;
    /// let signed = sigv4::Signer::new().sign(&sigv4::Request::new("GET", "https://example.amazonaws.com/")?, &params)?;
    /// let shown = signed.steps().redacted_canonical_request();
    /// assert!(shown.contains("x-amz-security-token:<redacted>") && !shown.contains("TOKEN123"));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn redacted_canonical_request(&self) -> String {
        redact_token(self.canonical_request())
    }

    /// The hex SHA-256 of the canonical request (the last line of the string to sign).
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "service", sigv4::SigningTime::parse("20150830T123600Z")?)?;
    /// # let signed = sigv4::Signer::new().sign(&sigv4::Request::new("GET", "https://example.amazonaws.com/")?, &params)?;
    /// assert_eq!(signed.steps().canonical_request_hash().len(), 64);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[inline]
    pub fn canonical_request_hash(&self) -> &str {
        let sts = self.string_to_sign();
        &sts[sts.len().saturating_sub(64)..]
    }

    /// The payload hash: the last line of the canonical request (a hex SHA-256,
    /// `UNSIGNED-PAYLOAD` or a streaming marker).
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "service", sigv4::SigningTime::parse("20150830T123600Z")?)?;
    /// # let signed = sigv4::Signer::new().sign(&sigv4::Request::new("GET", "https://example.amazonaws.com/")?, &params)?;
    /// assert_eq!(signed.steps().payload_hash(), sigv4::EMPTY_SHA256);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[inline]
    pub fn payload_hash(&self) -> &str {
        let cr = self.canonical_request();
        cr.rsplit_once('\n').map_or(cr, |(_, last)| last)
    }

    /// The string to sign: algorithm, time, scope and canonical request hash.
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "service", sigv4::SigningTime::parse("20150830T123600Z")?)?;
    /// # let signed = sigv4::Signer::new().sign(&sigv4::Request::new("GET", "https://example.amazonaws.com/")?, &params)?;
    /// assert!(signed.steps().string_to_sign().starts_with("AWS4-HMAC-SHA256\n20150830T123600Z\n"));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[inline]
    pub fn string_to_sign(&self) -> &str {
        self.string_to_sign.of(&self.buf)
    }

    /// The credential scope, `date/region/service/aws4_request`.
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "service", sigv4::SigningTime::parse("20150830T123600Z")?)?;
    /// # let signed = sigv4::Signer::new().sign(&sigv4::Request::new("GET", "https://example.amazonaws.com/")?, &params)?;
    /// assert_eq!(signed.steps().credential_scope(), "20150830/us-east-1/service/aws4_request");
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[inline]
    pub fn credential_scope(&self) -> &str {
        self.scope.of(&self.buf)
    }

    /// The signed header names, `;`-separated.
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "service", sigv4::SigningTime::parse("20150830T123600Z")?)?;
    /// # let signed = sigv4::Signer::new().sign(&sigv4::Request::new("GET", "https://example.amazonaws.com/")?, &params)?;
    /// assert_eq!(signed.steps().signed_headers(), "host;x-amz-date");
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[inline]
    pub fn signed_headers(&self) -> &str {
        self.signed_headers.of(&self.buf)
    }

    /// The signature: 64 lower-case hex digits.
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "service", sigv4::SigningTime::parse("20150830T123600Z")?)?;
    /// # let signed = sigv4::Signer::new().sign(&sigv4::Request::new("GET", "https://example.amazonaws.com/")?, &params)?;
    /// // The AWS suite's get-vanilla case:
    /// assert_eq!(signed.steps().signature(), "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[inline]
    pub fn signature(&self) -> &str {
        self.signature.of(&self.buf)
    }

    /// The `X-Amz-Date` value: the second line of the string to sign.
    pub(crate) fn amz_date(&self) -> &str {
        self.string_to_sign()
            .get(ALGORITHM.len() + 1..ALGORITHM.len() + 17)
            .unwrap_or_default()
    }
}

impl fmt::Debug for SigningSteps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningSteps")
            .field("canonical_request", &self.redacted_canonical_request())
            .field("string_to_sign", &self.string_to_sign())
            .field("signature", &"<redacted>")
            .finish()
    }
}

/// Replaces the session token's value in text shown to a person (a canonical request,
/// AWS's message), line by line as [`redact_token_line`] does.
pub(crate) fn redact_token(text: &str) -> String {
    text.split('\n')
        .map(redact_token_line)
        .collect::<Vec<_>>()
        .join("\n")
}

/// One line with the session token's value replaced: a header line
/// (`x-amz-security-token:…`, any case) or a query's `X-Amz-Security-Token=…` (any
/// case, the name percent-encoded or not).
pub(crate) fn redact_token_line(line: &str) -> String {
    let header = "x-amz-security-token:";
    if line
        .get(..header.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(header))
    {
        format!("{header}<redacted>")
    } else if line.contains('=') {
        redact_query_token(line)
    } else {
        line.to_owned()
    }
}

/// Replaces the value of `X-Amz-Security-Token` in a query string.
pub(crate) fn redact_query_token(query: &str) -> String {
    redact_query(query, &["X-Amz-Security-Token"])
}

/// A URL with its `X-Amz-Security-Token` value replaced by `<redacted>`: a presigned URL
/// as a person may see it (explain output, logs). The signature is kept.
///
/// ```
/// let url = "https://b.s3.amazonaws.com/k?X-Amz-Security-Token=secret&X-Amz-Signature=ab";
/// assert_eq!(sigv4::redact_url_token(url),
///     "https://b.s3.amazonaws.com/k?X-Amz-Security-Token=<redacted>&X-Amz-Signature=ab");
/// assert_eq!(sigv4::redact_url_token("https://h/?x-amz-security-token=secret"),
///     "https://h/?x-amz-security-token=<redacted>");
/// assert_eq!(sigv4::redact_url_token("https://h/p"), "https://h/p");
/// ```
pub fn redact_url_token(url: &str) -> String {
    match url.split_once('?') {
        Some((base, query)) => format!("{base}?{}", redact_query_token(query)),
        None => url.to_owned(),
    }
}

/// Replaces the values of the named parameters in a query string, however the name is
/// spelled (any case, percent-encoded): a token is hidden wherever a server would find it.
fn redact_query(query: &str, names: &[&str]) -> String {
    let named = |name: &str| {
        let decoded = crate::encode::decode_query_component(name);
        names
            .iter()
            .any(|n| decoded.eq_ignore_ascii_case(n.as_bytes()))
    };
    query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((name, _)) if named(name) => format!("{name}=<redacted>"),
            _ => p.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A header's value as a person may see it: a session token's hidden, an
/// `Authorization` value's signature hidden.
pub(crate) fn redact_header(name: &str, value: &str) -> String {
    if name.eq_ignore_ascii_case("x-amz-security-token") {
        "<redacted>".to_owned()
    } else if name.eq_ignore_ascii_case("authorization") {
        redact_signature(value)
    } else {
        value.to_owned()
    }
}

/// A request target or URL with its query's session token and signature hidden.
pub(crate) fn redact_target(target: &str) -> String {
    match target.split_once('?') {
        Some((base, query)) => format!(
            "{base}?{}",
            redact_query(query, &["X-Amz-Security-Token", "X-Amz-Signature"])
        ),
        None => target.to_owned(),
    }
}

/// An `Authorization` value with its signature replaced: a signed request can be
/// replayed until it expires, so logs should not carry one.
fn redact_signature(authorization: &str) -> String {
    match authorization.rsplit_once("Signature=") {
        Some((head, _)) => format!("{head}Signature=<redacted>"),
        None => authorization.to_owned(),
    }
}

/// A header-signed request: the headers to set, and every step that led to them.
///
/// `Debug` redacts the session token and the signature.
///
/// ```
/// use sigv4::{Credentials, Request, Signer, SigningParams, SigningTime};
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
/// let params = SigningParams::new(&creds, "eu-west-1", "polly", SigningTime::parse("20150830T123600Z")?)?;
/// let request = Request::new("GET", "https://polly.eu-west-1.amazonaws.com/v1/voices?LanguageCode=en-US")?;
/// let signed = Signer::new().sign(&request, &params)?;
/// for (name, value) in signed.headers() {
///     // set (replace) each header on the outgoing request
///     # let _ = (name, value);
/// }
/// assert_eq!(signed.headers().next().map(|(name, _)| name), Some("Authorization"));
/// assert!(signed.authorization().starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/polly/aws4_request, SignedHeaders=host;x-amz-date, Signature="));
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Clone)]
pub struct SignedRequest {
    steps: SigningSteps,
    authorization: Span,
    session_token: Option<Span>,
    content_sha256: bool,
}

impl SignedRequest {
    /// The headers to set on the request, replacing any of the same name: `Authorization`,
    /// `X-Amz-Date`, and where they apply `X-Amz-Security-Token` and `x-amz-content-sha256`.
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "s3", sigv4::SigningTime::parse("20150830T123600Z")?)?;
    /// let signed = sigv4::Signer::new().sign(&sigv4::Request::new("GET", "https://b.s3.amazonaws.com/k")?, &params)?;
    /// let names: Vec<_> = signed.headers().map(|(name, _)| name).collect();
    /// assert_eq!(names, ["Authorization", "X-Amz-Date", "x-amz-content-sha256"]);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        let token = self
            .session_token
            .map(|r| ("X-Amz-Security-Token", r.of(&self.steps.buf)));
        let sha = self
            .content_sha256
            .then(|| ("x-amz-content-sha256", self.steps.payload_hash()));
        [
            Some(("Authorization", self.authorization())),
            Some(("X-Amz-Date", self.steps.amz_date())),
            token,
            sha,
        ]
        .into_iter()
        .flatten()
    }

    /// The `Authorization` header's value.
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "s3", sigv4::SigningTime::parse("20150830T123600Z")?)?;
    /// let signed = sigv4::Signer::new().sign(&sigv4::Request::new("GET", "https://b.s3.amazonaws.com/k")?, &params)?;
    /// assert!(signed.authorization().ends_with(signed.steps().signature()));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[inline]
    pub fn authorization(&self) -> &str {
        self.authorization.of(&self.steps.buf)
    }

    /// The intermediate steps.
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "s3", sigv4::SigningTime::parse("20150830T123600Z")?)?;
    /// let signed = sigv4::Signer::new().sign(&sigv4::Request::new("GET", "https://b.s3.amazonaws.com/k")?, &params)?;
    /// assert_eq!(signed.steps().signed_headers(), "host;x-amz-content-sha256;x-amz-date");
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[inline]
    pub fn steps(&self) -> &SigningSteps {
        &self.steps
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, String)> = self
            .headers()
            .map(|(n, v)| match n {
                "X-Amz-Security-Token" => (n, "<redacted>".to_owned()),
                "Authorization" => (n, redact_signature(v)),
                _ => (n, v.to_owned()),
            })
            .collect();
        f.debug_struct("SignedRequest")
            .field("headers", &headers)
            .field("steps", &self.steps)
            .finish()
    }
}

/// A presigned URL and every step that led to it.
///
/// `Debug` redacts the session token and the signature: the URL is a bearer credential.
///
/// ```
/// use std::time::Duration;
/// use sigv4::{Credentials, Request, Signer, SigningParams, SigningTime};
/// let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")?;
/// let params = SigningParams::new(&creds, "us-east-1", "s3", SigningTime::parse("20130524T000000Z")?)?;
/// let request = Request::new("GET", "https://examplebucket.s3.amazonaws.com/test.txt")?;
/// let url = Signer::new().presign(&request, &params, Duration::from_secs(86400))?;
/// // AWS's published example:
/// assert!(url.url().ends_with("&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Clone)]
pub struct PresignedUrl {
    steps: SigningSteps,
    url: Span,
}

impl PresignedUrl {
    /// The URL, with the original query followed by the `X-Amz-*` parameters.
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "s3", sigv4::SigningTime::parse("20150830T123600Z")?)?;
    /// let url = sigv4::Signer::new().presign(&sigv4::Request::new("GET", "https://b.s3.amazonaws.com/k?versionId=1")?, &params, std::time::Duration::from_secs(60))?;
    /// assert!(url.url().starts_with("https://b.s3.amazonaws.com/k?versionId=1&X-Amz-Algorithm=AWS4-HMAC-SHA256&"));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[inline]
    pub fn url(&self) -> &str {
        self.url.of(&self.steps.buf)
    }

    /// The intermediate steps.
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "s3", sigv4::SigningTime::parse("20150830T123600Z")?)?;
    /// let url = sigv4::Signer::new().presign(&sigv4::Request::new("GET", "https://b.s3.amazonaws.com/k")?, &params, std::time::Duration::from_secs(60))?;
    /// assert!(url.steps().canonical_request().ends_with("\nhost\nUNSIGNED-PAYLOAD"));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[inline]
    pub fn steps(&self) -> &SigningSteps {
        &self.steps
    }
}

impl fmt::Debug for PresignedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = match self.url().split_once('?') {
            Some((base, q)) => format!(
                "{base}?{}",
                redact_query(q, &["X-Amz-Security-Token", "X-Amz-Signature"])
            ),
            None => self.url().to_owned(),
        };
        f.debug_struct("PresignedUrl")
            .field("url", &url)
            .field("steps", &self.steps)
            .finish()
    }
}

/// Signs requests; keeps a small cache of derived signing keys, so keep one around.
///
/// `Signer` is `Send + Sync`: share one across threads.
///
/// ```
/// use sigv4::{Credentials, Payload, Request, Signer, SigningParams, SigningTime};
/// let signer = Signer::new();
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
/// let time = SigningTime::from_system_time(std::time::SystemTime::now())?;
/// let params = SigningParams::new(&creds, "us-east-1", "kinesis", time)?;
/// let body = br#"{"StreamName":"s","Data":"aGk=","PartitionKey":"p"}"#;
/// let headers = [("Content-Type", "application/x-amz-json-1.1"),
///                ("X-Amz-Target", "Kinesis_20131202.PutRecord")];
/// let request = Request::new("POST", "https://kinesis.us-east-1.amazonaws.com/")?
///     .with_headers(&headers)
///     .with_payload(Payload::Bytes(body));
/// let signed = signer.sign(&request, &params)?;
/// assert_eq!(signed.steps().signed_headers(), "content-type;host;x-amz-date;x-amz-target");
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct Signer {
    keys: KeyCache,
}

/// The payload line of the canonical request.
enum PayloadHash {
    Hex(ArrayString<64>),
    Fixed(&'static str),
}

impl PayloadHash {
    fn as_str(&self) -> &str {
        match self {
            PayloadHash::Hex(h) => h,
            PayloadHash::Fixed(s) => s,
        }
    }
}

fn payload_hash(payload: Payload<'_>) -> Result<PayloadHash> {
    Ok(match payload {
        Payload::Empty => PayloadHash::Fixed(EMPTY_SHA256),
        Payload::Bytes([]) => PayloadHash::Fixed(EMPTY_SHA256),
        Payload::Bytes(b) => PayloadHash::Hex(hex_lower(&sha256(b))),
        Payload::Precomputed(h) => {
            if !is_hex64(h) {
                return Err(ErrorKind::InvalidPayloadHash { hash: h.to_owned() }.into());
            }
            let mut out = ArrayString::new();
            out.push_str(&h.to_ascii_lowercase());
            PayloadHash::Hex(out)
        }
        Payload::Unsigned => PayloadHash::Fixed("UNSIGNED-PAYLOAD"),
        Payload::StreamingSigned => PayloadHash::Fixed("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
        Payload::StreamingSignedTrailer => {
            PayloadHash::Fixed("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER")
        }
        Payload::StreamingUnsignedTrailer => {
            PayloadHash::Fixed("STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        }
    })
}

impl Signer {
    /// A signer with an empty key cache.
    ///
    /// ```
    /// let signer = sigv4::Signer::new();
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The signing key for these parameters, from the cache or derived now.
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "s3", sigv4::SigningTime::parse("20150830T123600Z")?)?;
    /// let key = sigv4::Signer::new().signing_key(&params);
    /// assert_eq!(format!("{key:?}"), "SigningKey(<redacted>)");
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn signing_key(&self, params: &SigningParams<'_>) -> SigningKey {
        self.keys.get(
            params.credentials,
            params.time.date_stamp(),
            params.region,
            params.service,
        )
    }

    /// Signs `request` into headers (`Authorization`, `X-Amz-Date`, ...).
    ///
    /// A URL that is presigned already (`X-Amz-Signature`, `X-Amz-Credential` or
    /// `X-Amz-Algorithm` in its query) is refused with [`ErrorKind::AlreadyPresigned`].
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "service", sigv4::SigningTime::parse("20150830T123600Z")?)?;
    /// let signed = sigv4::Signer::new().sign(&sigv4::Request::new("GET", "https://example.amazonaws.com/")?, &params)?;
    /// assert_eq!(signed.headers().nth(1), Some(("X-Amz-Date", "20150830T123600Z")));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn sign(&self, request: &Request<'_>, params: &SigningParams<'_>) -> Result<SignedRequest> {
        // Most queries hold neither an 'X' nor an escape that could spell one: one scan.
        if let Some(q) = request.query.as_deref()
            && memchr::memchr2(b'X', b'%', q.as_bytes()).is_some()
            && let Some(name) = PRESIGNED_MARKS.iter().find(|n| query_has_param(q, n))
        {
            return Err(ErrorKind::AlreadyPresigned {
                name: (*name).to_owned(),
            }
            .into());
        }
        let payload = payload_hash(request.payload)?;
        let rules = params.rules();
        let send_sha = match params.settings.content_sha256 {
            ContentSha256::Always => true,
            ContentSha256::Never => false,
            ContentSha256::Auto => {
                rules == Rules::S3
                    || !matches!(
                        request.payload,
                        Payload::Empty | Payload::Bytes(_) | Payload::Precomputed(_)
                    )
            }
        };
        let token = checked_token(params.credentials)?;
        // Signed as the server will see it: trimmed, inner runs folded.
        let token_value = token.map(trim_all);
        let token_signed = params.settings.session_token == SessionToken::Signed;
        let mut replaced: [&'static str; 4] = ["authorization", "x-amz-date", "", ""];
        let mut added: [(&'static str, &str); 3] =
            [("x-amz-date", params.time.amz_date()), ("", ""), ("", "")];
        let mut n_added = 1;
        if let Some(t) = token_value.as_deref() {
            replaced[2] = "x-amz-security-token";
            if token_signed {
                added[n_added] = ("x-amz-security-token", t);
                n_added += 1;
            }
        }
        if send_sha {
            replaced[3] = "x-amz-content-sha256";
            added[n_added] = ("x-amz-content-sha256", payload.as_str());
            n_added += 1;
        }
        let additions = Additions {
            replaced: &replaced,
            headers: &added[..n_added],
        };
        let mut headers = Headers::new();
        collect_headers(request, &params.settings.headers, &additions, &mut headers)?;
        let extra = 300 + token.map_or(0, str::len);
        let mut steps = self.finish(
            request,
            params,
            rules,
            &headers,
            &[],
            payload.as_str(),
            extra,
        )?;
        let start = steps.buf.len();
        let buf = &mut steps.buf;
        buf.push_str("AWS4-HMAC-SHA256 Credential=");
        buf.push_str(params.credentials.access_key_id());
        buf.push('/');
        let span = |s: Span| s.start as usize..s.end as usize;
        buf.extend_from_within(span(steps.scope));
        buf.push_str(", SignedHeaders=");
        buf.extend_from_within(span(steps.signed_headers));
        buf.push_str(", Signature=");
        buf.extend_from_within(span(steps.signature));
        let authorization = Span::new(start..buf.len());
        let session_token = token.map(|t| {
            let start = buf.len();
            buf.push_str(t);
            Span::new(start..buf.len())
        });
        Ok(SignedRequest {
            steps,
            authorization,
            session_token,
            content_sha256: send_sha,
        })
    }

    /// Presigns `request` into a URL valid for `expires` (1 second to 7 days, whole seconds).
    ///
    /// Under S3 rules an [`Payload::Empty`] payload is signed as `UNSIGNED-PAYLOAD`.
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "s3", sigv4::SigningTime::parse("20150830T123600Z")?)?;
    /// let req = sigv4::Request::new("GET", "https://b.s3.amazonaws.com/k")?;
    /// let too_long = std::time::Duration::from_secs(8 * 86400);
    /// assert!(sigv4::Signer::new().presign(&req, &params, too_long).is_err());
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn presign(
        &self,
        request: &Request<'_>,
        params: &SigningParams<'_>,
        expires: Duration,
    ) -> Result<PresignedUrl> {
        check_expiry(expires)?;
        if let Some(q) = request.query.as_deref()
            && let Some(name) = PRESIGN_PARAMS.iter().find(|n| query_has_param(q, n))
        {
            return Err(ErrorKind::QueryConflict {
                name: (*name).to_owned(),
            }
            .into());
        }
        let rules = params.rules();
        let payload = match (rules, request.payload) {
            (Rules::S3, Payload::Empty) => PayloadHash::Fixed("UNSIGNED-PAYLOAD"),
            (_, p) => payload_hash(p)?,
        };
        let token = checked_token(params.credentials)?;
        let additions = Additions {
            replaced: &["authorization"],
            headers: &[],
        };
        let mut headers = Headers::new();
        collect_headers(request, &params.settings.headers, &additions, &mut headers)?;
        // The X-Amz-* values, encoded once for both the canonical query and the URL.
        let akid = params.credentials.access_key_id();
        let mut enc = String::with_capacity(160 + 3 * (akid.len() + token.map_or(0, str::len)));
        fn piece(enc: &mut String, write: impl FnOnce(&mut String)) -> Range<usize> {
            let start = enc.len();
            write(enc);
            start..enc.len()
        }
        let credential = piece(&mut enc, |e| {
            encode_into(e, akid.as_bytes(), false);
            // Date, region and service are unreserved characters only (checked).
            for part in [params.time.date_stamp(), params.region, params.service] {
                e.push_str("%2F");
                e.push_str(part);
            }
            e.push_str("%2Faws4_request");
        });
        let expires_text = piece(&mut enc, |e| {
            // Infallible: writing to a String.
            let _ = write!(e, "{}", expires.as_secs());
        });
        let signed_headers = piece(&mut enc, |e| push_names(e, &headers, "%3B"));
        let token_text = token.map(|t| piece(&mut enc, |e| encode_into(e, t.as_bytes(), false)));
        let mut query: SmallVec<[(&'static str, &str); 7]> = SmallVec::new();
        query.push(("X-Amz-Algorithm", ALGORITHM));
        query.push(("X-Amz-Credential", &enc[credential]));
        query.push(("X-Amz-Date", params.time.amz_date()));
        query.push(("X-Amz-Expires", &enc[expires_text]));
        if let Some(t) = token_text.clone()
            && params.settings.session_token == SessionToken::Signed
        {
            query.push(("X-Amz-Security-Token", &enc[t]));
        }
        query.push(("X-Amz-SignedHeaders", &enc[signed_headers]));
        let extra =
            2 * request.path.len() + request.query.as_deref().map_or(0, str::len) + enc.len() + 200;
        let mut steps = self.finish(
            request,
            params,
            rules,
            &headers,
            &query,
            payload.as_str(),
            extra,
        )?;
        let signature = steps.signature;
        let buf = &mut steps.buf;
        let start = buf.len();
        request.push_url_without_query(buf);
        buf.push('?');
        if let Some(q) = request.query.as_deref().filter(|q| !q.is_empty()) {
            buf.push_str(q);
            buf.push('&');
        }
        let in_url = query
            .iter()
            .copied()
            .filter(|(n, _)| *n != "X-Amz-Security-Token")
            .chain(token_text.map(|t| ("X-Amz-Security-Token", &enc[t])));
        for (name, value) in in_url {
            buf.push_str(name);
            buf.push('=');
            buf.push_str(value);
            buf.push('&');
        }
        buf.push_str("X-Amz-Signature=");
        buf.extend_from_within(signature.start as usize..signature.end as usize);
        let url = Span::new(start..buf.len());
        Ok(PresignedUrl { steps, url })
    }

    /// Canonicalizes, hashes and signs, leaving room for `extra` bytes of output.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        request: &Request<'_>,
        params: &SigningParams<'_>,
        rules: Rules,
        headers: &Headers<'_>,
        query: &[(&str, &str)],
        payload: &str,
        extra: usize,
    ) -> Result<SigningSteps> {
        let normalize = rules == Rules::Generic && params.settings.normalize_path.unwrap_or(true);
        let size = estimated_len(request, headers, query).saturating_add(extra);
        if size >= MAX_REQUEST_BYTES {
            return Err(ErrorKind::TooLarge { bytes: size }.into());
        }
        let mut buf =
            String::with_capacity(size + 160 + params.region.len() + params.service.len());
        let signed_headers = canonical_request(
            &mut buf,
            request,
            (rules, normalize),
            headers,
            query,
            payload,
        );
        let canonical = Span::new(0..buf.len());
        buf.push('\n');
        let sts_start = buf.len();
        buf.push_str("AWS4-HMAC-SHA256\n");
        buf.push_str(params.time.amz_date());
        buf.push('\n');
        let scope_start = buf.len();
        params.push_scope(&mut buf);
        let scope = Span::new(scope_start..buf.len());
        buf.push('\n');
        // Appends the canonical request's hash, ending the string to sign.
        let mac = self.keys.finish_signature(
            params.credentials,
            (params.time.date_stamp(), params.region, params.service),
            &mut buf,
            canonical.end as usize,
            sts_start,
        );
        let string_to_sign = Span::new(sts_start..buf.len());
        buf.push('\n');
        let start = buf.len();
        push_hex(&mut buf, &mac);
        let signature = Span::new(start..buf.len());
        Ok(SigningSteps {
            buf,
            canonical,
            signed_headers: Span::new(signed_headers),
            string_to_sign,
            scope,
            signature,
        })
    }
}

#[allow(dead_code)]
fn _assert_send_sync() {
    fn check<T: Send + Sync>() {}
    check::<Signer>();
    check::<Error>();
}
