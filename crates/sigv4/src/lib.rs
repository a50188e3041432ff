//! AWS Signature Version 4, sans-IO: canonicalization, header signing and presigned URLs.
//!
//! The core reads no clock, no environment and no files: the caller passes the time and
//! the credentials in. Every intermediate step (canonical request, its hash, string to
//! sign, credential scope, signed headers, signature) comes back as data, so that a
//! person, a verifier or a diagnosis can look at it.
//!
//! What it gets right by construction: the canonical URI (S3 rules: as sent; other
//! services: dot segments removed and each segment encoded again), the canonical query
//! (decoded, re-encoded with the RFC 3986 unreserved set, `+` as a space, sorted by name
//! then value, `k=` for empty values, repeated names kept), headers (lower-cased,
//! trimmed, folded, repeated ones joined with `,`, sorted; hop-by-hop and tracing headers
//! left unsigned), the payload hash (body, `UNSIGNED-PAYLOAD`, precomputed, streaming
//! markers, `x-amz-content-sha256` for S3) and session tokens.
//!
//! # Header signing
//! ```
//! use sigv4::{Credentials, Request, Signer, SigningParams, SigningTime};
//!
//! let signer = Signer::new(); // keep it: it caches derived keys
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
//! let time = SigningTime::parse("20150830T123600Z")?; // or SigningTime::from_system_time(SystemTime::now())
//! let params = SigningParams::new(&creds, "eu-west-1", "polly", time)?;
//! let request = Request::new("GET", "https://polly.eu-west-1.amazonaws.com/v1/voices?LanguageCode=en-US")?;
//! let signed = signer.sign(&request, &params)?;
//! assert_eq!(signed.steps().canonical_request(), "GET\n/v1/voices\nLanguageCode=en-US\n\
//!     host:polly.eu-west-1.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\
//!     e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
//! for (name, value) in signed.headers() {
//!     println!("{name}: {value}"); // Authorization, X-Amz-Date
//! }
//! # Ok::<(), sigv4::Error>(())
//! ```
//!
//! # Presigning
//! ```
//! use std::time::Duration;
//! use sigv4::{Credentials, Request, Signer, SigningParams, SigningTime};
//!
//! let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")?;
//! let params = SigningParams::new(&creds, "us-east-1", "s3", SigningTime::parse("20130524T000000Z")?)?;
//! let request = Request::new("GET", "https://examplebucket.s3.amazonaws.com/test.txt")?;
//! let presigned = Signer::new().presign(&request, &params, Duration::from_secs(86400))?;
//! assert_eq!(presigned.url(), "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256\
//!     &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
//!     &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
//!     &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
//! # Ok::<(), sigv4::Error>(())
//! ```
//!
//! # What else is here
//! - **Which region and service** a host or URL signs for: [`Endpoint::from_host`],
//!   [`Endpoint::from_url`] (`email.us-east-1.amazonaws.com` signs as `ses`).
//! - **An `http::Request` in place**: [`Signer::sign_http`].
//! - **aws-chunked uploads** (signed chunks, trailing checksums): [`ChunkedLayout`] for
//!   the length and headers, [`ChunkSigner`] for the chunks, [`ChunkedDecoder`] to read
//!   and check one.
//! - **S3 POST policies** (browser form uploads): [`Signer::presign_post`] of a [`PostForm`],
//!   [`PostPolicy`] (build, parse, check a form as S3 does), [`UploadRules`] for a
//!   signing endpoint that signs only what its rules allow.
//! - **Verifying** requests as AWS does: [`Verifier`], with [`RawRequest`] to read one
//!   from its text; [`Verified::chunk_verifier`] for a streamed aws-chunked body.
//! - **Diagnosing** a `SignatureDoesNotMatch`: [`diagnose`] compares AWS's error
//!   ([`AwsError`]), your canonical request and string to sign, and the request sent.
//!
//! Errors are [`Error`]s; match on [`Error::kind`]. No secret (secret key, derived key,
//! session token) appears in any error, `Debug` or `Display` output.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod canonical;
mod chunked;
mod credentials;
mod diagnose;
mod encode;
mod endpoint;
mod endpoint_data;
mod error;
#[doc(hidden)]
pub mod fuzzing;
#[cfg(feature = "http")]
mod http_request;
mod key;
mod post_policy;
mod raw;
mod request;
mod settings;
mod sha;
mod sign;
mod time;
mod upload_rules;
mod verify;

pub use canonical::CanonicalParts;
pub use chunked::{
    Checksum, ChecksumAlgorithm, ChunkSigner, ChunkVerifier, ChunkedDecoder, ChunkedLayout,
    ChunkedLimits, ChunkedMode, Decoded, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE,
};
pub use credentials::Credentials;
pub use diagnose::{
    AwsError, Cause, Comparison, DiagnoseInput, Diagnosis, DiffLine, Finding, SentRequest, diagnose,
};
pub use encode::uri_encode;
pub use endpoint::Endpoint;
pub use error::{Error, ErrorKind, Result};
pub use key::{KeyCache, SigningKey};
pub use post_policy::{
    MAX_POLICY_BYTES, PolicyCondition, PostForm, PostPolicy, PresignedPost, sign_post_policy,
};
pub use raw::RawRequest;
pub use request::{Payload, Request};
pub use settings::{
    ContentSha256, DEFAULT_UNSIGNED_HEADERS, HeaderSelection, Rules, SessionToken, Settings,
};
pub use sign::{
    ALGORITHM, EMPTY_SHA256, MAX_EXPIRY, PresignedUrl, SignedRequest, Signer, SigningParams,
    SigningSteps, redact_url_token,
};
pub use time::SigningTime;
pub use upload_rules::{UploadAnswer, UploadRules, UploadTarget};
pub use verify::{ReceivedBody, Verified, Verifier, VerifySettings};
