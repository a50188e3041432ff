//! The one error type of the crate.

use std::fmt;

/// Why a request could not be signed.
///
/// The [`kind`](Error::kind) says what was wrong and carries what a person needs to fix
/// it. Messages never contain a secret key, a derived key or a session token.
///
/// ```
/// let err = sigv4::Request::new("GET", "ftp://example.com/").unwrap_err();
/// assert!(matches!(err.kind(), sigv4::ErrorKind::InvalidUrl { .. }));
/// assert!(err.to_string().contains("http:// or https://"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
}

/// What went wrong; see [`Error`].
///
/// ```
/// use sigv4::{Credentials, ErrorKind};
/// let err = Credentials::new("", "secret").unwrap_err();
/// assert!(matches!(err.kind(), ErrorKind::InvalidAccessKeyId { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The URL could not be parsed; `reason` says what is wrong in it.
    InvalidUrl {
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// The method is empty or holds characters HTTP does not allow in a method.
    InvalidMethod {
        /// The method as given.
        method: String,
    },
    /// A header name holds characters HTTP does not allow in a field name.
    InvalidHeaderName {
        /// The name as given.
        name: String,
    },
    /// A header value holds a character HTTP forbids (CR, LF, NUL or another control).
    /// The value itself is not repeated: it may be a credential.
    InvalidHeaderValue {
        /// The header's name.
        name: String,
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// A raw HTTP/1.1 request ([`RawRequest::parse`](crate::RawRequest::parse)) that is
    /// not one: no request line, a head that is not UTF-8 or over 1 MiB.
    MalformedRequest {
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// The request has no host: neither in the URL nor in a `Host` header.
    MissingHost,
    /// An access key ID that cannot go into a credential scope. It is not repeated: a
    /// secret key passed in its place would otherwise be printed.
    InvalidAccessKeyId {
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// A region or service that cannot go into a credential scope.
    InvalidScope {
        /// Which part: `"region"` or `"service"`.
        part: &'static str,
        /// The value as given.
        value: String,
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// The secret access key is empty.
    EmptySecretKey,
    /// A presigned URL's expiry is outside 1 second to 7 days, or not whole seconds.
    ExpiryOutOfRange {
        /// The requested expiry.
        expires: std::time::Duration,
    },
    /// A signing time that cannot be used (unparsable, or outside years 1970 to 9999).
    InvalidTime {
        /// The input, where there was a text one.
        input: String,
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// A precomputed payload hash that is not 64 hexadecimal digits.
    InvalidPayloadHash {
        /// The hash as given.
        hash: String,
    },
    /// The request's URL and headers come to 1 GiB or more.
    TooLarge {
        /// About how many bytes the canonical request would take.
        bytes: usize,
    },
    /// An aws-chunked body larger than S3 takes (5 TiB, its largest object).
    BodyTooLarge {
        /// The body's length, in bytes.
        bytes: u64,
    },
    /// A URL to presign already carries a presigning parameter.
    QueryConflict {
        /// The parameter, such as `X-Amz-Signature`.
        name: String,
    },
    /// A URL to sign with headers is presigned already: it carries a signature in its
    /// query, and AWS refuses a request that is signed twice.
    AlreadyPresigned {
        /// The parameter found, such as `X-Amz-Signature`.
        name: String,
    },
    /// A bucket name S3 does not accept (3 to 63 lower-case letters, digits, dots and
    /// hyphens, starting and ending with a letter or digit).
    InvalidBucket {
        /// The name given.
        name: String,
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// An S3-compatible endpoint that is not an http(s) URL of a host alone, such as
    /// `http://127.0.0.1:9000`.
    InvalidEndpoint {
        /// The endpoint given.
        endpoint: String,
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// A POST policy that is not the JSON S3 takes (`{"expiration": …, "conditions": […]}`).
    InvalidPolicy {
        /// What is wrong, in words.
        reason: String,
    },
    /// A form upload that its POST policy does not allow.
    PolicyViolation {
        /// The condition or field concerned, as written in the policy or the form.
        subject: String,
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// Upload rules that cannot be used: no bucket, no key prefix or an empty one (which
    /// would allow every key), an expiry outside 1 s to 7 days.
    InvalidUploadRules {
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// A signing request that the upload rules do not allow (a policy or a multipart
    /// request outside the allowed buckets, keys, sizes, types, headers or times).
    UploadRefused {
        /// Why, in words a server can log.
        reason: String,
    },
    /// A request to a signing endpoint that is not what an uploader sends: not JSON, not a
    /// POST policy, or a multipart string to sign without its date line.
    InvalidSigningRequest {
        /// What is wrong, in words.
        reason: String,
    },
    /// Verification: the request carries no SigV4 signature (no `Authorization` header and
    /// no `X-Amz-Signature` parameter).
    MissingAuthentication,
    /// Verification: the `Authorization` header or the presigning parameters cannot be
    /// read.
    MalformedAuthorization {
        /// What is wrong, in words.
        reason: String,
    },
    /// Verification: the access key is not known. (It is not repeated.)
    UnknownAccessKey,
    /// Verification: the `host` header is not among the signed headers.
    HostNotSigned,
    /// Verification: the credential scope does not fit the request (date, terminator),
    /// or names a region or service the verifier does not accept.
    ScopeMismatch {
        /// What is wrong, in words.
        reason: String,
    },
    /// Verification: a presigned URL or POST policy has expired.
    RequestExpired {
        /// When it expired (ISO 8601).
        expired_at: String,
    },
    /// Verification: the request is dated in the future beyond the allowed skew.
    NotYetValid {
        /// When it becomes valid (ISO 8601).
        valid_from: String,
    },
    /// Verification: the request's date is too far from now.
    ClockSkew {
        /// How far, in seconds (positive: the request is in the past).
        seconds: i64,
        /// The largest skew allowed, in seconds.
        allowed: u64,
    },
    /// Verification: the session token is missing, or not the one of the access key.
    SessionTokenMismatch,
    /// Verification: `x-amz-content-sha256` is not the hash of the body received.
    PayloadHashMismatch,
    /// Verification: the signature is not the one the verifier computes. The canonical
    /// request (session token redacted) and string to sign it computed are given, so
    /// that the sender can compare them with its own.
    SignatureMismatch {
        /// The canonical request the verifier computed (token redacted).
        canonical_request: String,
        /// The string to sign the verifier computed.
        string_to_sign: String,
    },
    /// A checksum algorithm S3 does not know.
    UnknownChecksumAlgorithm {
        /// The name as given.
        name: String,
    },
    /// An aws-chunked chunk size S3 would refuse or that is too large to buffer.
    InvalidChunkSize {
        /// The size asked for, in bytes.
        size: u64,
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// An aws-chunked body does not follow the framing (`hex-size;chunk-signature=…\r\n`,
    /// data, `\r\n`, …, the final chunk, trailers, `\r\n`).
    MalformedChunkedBody {
        /// Where in the encoded body the problem was found (bytes from its start).
        offset: u64,
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// A chunk's signature is not the one its data, the previous signature and the key give.
    ChunkSignatureMismatch {
        /// Which chunk (0 is the first; the final empty chunk counts too).
        chunk: u64,
        /// Where its header line starts in the encoded body.
        offset: u64,
    },
    /// The `x-amz-trailer-signature` does not sign the trailing headers sent.
    TrailerSignatureMismatch {
        /// Where the trailer starts in the encoded body.
        offset: u64,
    },
    /// A trailing checksum does not match the decoded data.
    ChecksumMismatch {
        /// The checksum header, such as `x-amz-checksum-crc32c`.
        header: &'static str,
        /// The value sent (base64).
        sent: String,
        /// The value of the data received (base64).
        computed: String,
    },
    /// The decoded data is not as long as `x-amz-decoded-content-length` declared.
    DecodedLengthMismatch {
        /// The declared length.
        declared: u64,
        /// The length of the data decoded.
        actual: u64,
    },
}

impl Error {
    /// What went wrong.
    ///
    /// ```
    /// let err = sigv4::Request::new("", "https://example.com/").unwrap_err();
    /// assert!(matches!(err.kind(), sigv4::ErrorKind::InvalidMethod { .. }));
    /// ```
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    pub(crate) fn url(reason: &'static str) -> Self {
        ErrorKind::InvalidUrl { reason }.into()
    }

    pub(crate) fn header_value(name: &str, reason: &'static str) -> Self {
        ErrorKind::InvalidHeaderValue {
            name: name.to_owned(),
            reason,
        }
        .into()
    }

    pub(crate) fn time(input: &str, reason: &'static str) -> Self {
        ErrorKind::InvalidTime {
            input: input.to_owned(),
            reason,
        }
        .into()
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error { kind }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::InvalidUrl { reason } => write!(f, "invalid URL: {reason}"),
            ErrorKind::InvalidMethod { method } if method.is_empty() => {
                write!(f, "invalid method: the method is empty")
            }
            ErrorKind::InvalidMethod { method } => write!(
                f,
                "invalid method {method:?}: a method is letters, digits and !#$%&'*+-.^_`|~"
            ),
            ErrorKind::InvalidHeaderName { name } => write!(
                f,
                "invalid header name {name:?}: a name is letters, digits and !#$%&'*+-.^_`|~"
            ),
            ErrorKind::InvalidHeaderValue { name, reason } => {
                write!(f, "invalid value for header {name:?}: {reason}")
            }
            ErrorKind::MalformedRequest { reason } => {
                write!(f, "not an HTTP/1.1 request: {reason}")
            }
            ErrorKind::MissingHost => write!(
                f,
                "the request has no host: give an absolute URL or a Host header"
            ),
            ErrorKind::InvalidScope {
                part,
                value,
                reason,
            } => write!(f, "invalid {part} {value:?}: {reason}"),
            ErrorKind::InvalidAccessKeyId { reason } => write!(
                f,
                "invalid access key ID (not shown, in case it is a secret in the wrong place): {reason}"
            ),
            ErrorKind::EmptySecretKey => write!(f, "the secret access key is empty"),
            ErrorKind::ExpiryOutOfRange { expires } if expires.subsec_nanos() != 0 => write!(
                f,
                "expiry of {expires:?} is not a whole number of seconds: a presigned URL lasts 1 to 604800 whole seconds (7 days)"
            ),
            ErrorKind::ExpiryOutOfRange { expires } => write!(
                f,
                "expiry of {} s is out of range: a presigned URL lasts 1 to 604800 whole seconds (7 days)",
                expires.as_secs()
            ),
            ErrorKind::InvalidTime { input, reason } if input.is_empty() => {
                write!(f, "invalid signing time: {reason}")
            }
            ErrorKind::InvalidTime { input, reason } => {
                write!(f, "invalid signing time {input:?}: {reason}")
            }
            ErrorKind::InvalidPayloadHash { hash } => write!(
                f,
                "invalid payload hash {hash:?}: expected 64 hexadecimal digits (SHA-256)"
            ),
            ErrorKind::TooLarge { bytes } => write!(
                f,
                "the request is too large to sign: its canonical form would take about {bytes} bytes (1 GiB at most)"
            ),
            ErrorKind::BodyTooLarge { bytes } => write!(
                f,
                "a body of {bytes} bytes is larger than S3 takes (5 TiB, its largest object)"
            ),
            ErrorKind::QueryConflict { name } => write!(
                f,
                "the URL already has a {name} parameter: presign the URL without its old signature"
            ),
            ErrorKind::AlreadyPresigned { name } => write!(
                f,
                "the URL is presigned already (it has {name}): send it as it is, without signing, or drop its X-Amz-* parameters to sign it with headers"
            ),
            ErrorKind::InvalidBucket { name, reason } => {
                write!(f, "invalid bucket name {name:?}: {reason}")
            }
            ErrorKind::InvalidEndpoint { endpoint, reason } => {
                write!(f, "invalid endpoint {endpoint:?}: {reason}")
            }
            ErrorKind::InvalidPolicy { reason } => write!(f, "invalid POST policy: {reason}"),
            ErrorKind::PolicyViolation { subject, reason } => {
                write!(
                    f,
                    "the POST policy does not allow this form: {subject}: {reason}"
                )
            }
            ErrorKind::InvalidUploadRules { reason } => {
                write!(f, "invalid upload rules: {reason}")
            }
            ErrorKind::UploadRefused { reason } => write!(f, "refused: {reason}"),
            ErrorKind::InvalidSigningRequest { reason } => {
                write!(f, "not a signing request: {reason}")
            }
            ErrorKind::MissingAuthentication => write!(
                f,
                "the request is not signed: no Authorization header and no X-Amz-Signature parameter"
            ),
            ErrorKind::MalformedAuthorization { reason } => {
                write!(f, "malformed SigV4 authorization: {reason}")
            }
            ErrorKind::UnknownAccessKey => write!(f, "the access key is not known"),
            ErrorKind::HostNotSigned => write!(f, "the host header is not signed"),
            ErrorKind::ScopeMismatch { reason } => write!(f, "credential scope: {reason}"),
            ErrorKind::RequestExpired { expired_at } => write!(f, "expired at {expired_at}"),
            ErrorKind::NotYetValid { valid_from } => {
                write!(
                    f,
                    "not valid before {valid_from}: the request is dated in the future"
                )
            }
            ErrorKind::ClockSkew { seconds, allowed } => write!(
                f,
                "the request's date is {} {} now, more than the {allowed} s allowed",
                span(seconds.unsigned_abs()),
                if *seconds >= 0 { "before" } else { "after" }
            ),
            ErrorKind::SessionTokenMismatch => write!(
                f,
                "the session token is missing or is not the one issued with this access key"
            ),
            ErrorKind::PayloadHashMismatch => write!(
                f,
                "x-amz-content-sha256 is not the SHA-256 of the body received"
            ),
            ErrorKind::SignatureMismatch { .. } => {
                write!(f, "the signature does not match the request as received")
            }
            ErrorKind::UnknownChecksumAlgorithm { name } => write!(
                f,
                "unknown checksum algorithm {name:?}: expected crc32, crc32c, crc64nvme, sha1 or sha256"
            ),
            ErrorKind::InvalidChunkSize { size, reason } => {
                write!(f, "invalid chunk size {size}: {reason}")
            }
            ErrorKind::MalformedChunkedBody { offset, reason } => {
                write!(f, "malformed aws-chunked body at byte {offset}: {reason}")
            }
            ErrorKind::ChunkSignatureMismatch { chunk, offset } => write!(
                f,
                "the signature of chunk {chunk} (at byte {offset}) does not match its data: the data was changed, or signed with another key or seed"
            ),
            ErrorKind::TrailerSignatureMismatch { offset } => write!(
                f,
                "the trailer signature (trailer at byte {offset}) does not match the trailing headers"
            ),
            ErrorKind::ChecksumMismatch {
                header,
                sent,
                computed,
            } => write!(
                f,
                "{header} is {sent} but the data received gives {computed}"
            ),
            ErrorKind::DecodedLengthMismatch { declared, actual } => write!(
                f,
                "x-amz-decoded-content-length says {declared} bytes but the body holds {actual}"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// The crate's `Result`.
///
/// ```
/// fn time(text: &str) -> sigv4::Result<sigv4::SigningTime> {
///     sigv4::SigningTime::parse(text)
/// }
/// assert!(time("20150830T123600Z").is_ok());
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Seconds as a person reads them: `920 s`, `3 h 5 min (11100 s)`, `1127 days (97403615 s)`.
fn span(seconds: u64) -> String {
    match seconds {
        0..3600 => format!("{seconds} s"),
        3600..86_400 => format!(
            "{} h {} min ({seconds} s)",
            seconds / 3600,
            seconds % 3600 / 60
        ),
        _ => format!("{} days ({seconds} s)", seconds / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_skew_reads_in_days_hours_or_seconds() {
        for (seconds, want) in [
            (920, "920 s before now"),
            (-11_100, "3 h 5 min (11100 s) after now"),
            (97_403_615, "1127 days (97403615 s) before now"),
        ] {
            let text = Error::from(ErrorKind::ClockSkew {
                seconds,
                allowed: 900,
            })
            .to_string();
            assert!(text.contains(want), "{text}");
            assert!(text.contains("the 900 s allowed"), "{text}");
        }
    }
}
