//! The catalog of signing mistakes that diagnose names, each with its one-line fix.

use std::fmt;

/// What went wrong, from the catalog of known signing mistakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Cause {
    /// The method line differs (case or verb).
    Method,
    /// The canonical URI is not the request's path (`/` for `/v1/voices`, a prefix left out).
    CanonicalUri,
    /// The path was signed with the other service family's rules: S3 signs it exactly as
    /// sent, other services remove `//`, `.` and `..` and encode each segment once more.
    PathEncodingRules,
    /// The query line was left out of the canonical request (it must be there, empty if
    /// there is no query).
    QueryLineMissing,
    /// The query parameters are not sorted by name, then value.
    QueryNotSorted,
    /// A space in the query was written as `+` instead of `%20`.
    QueryPlusForSpace,
    /// Reserved characters (`/ : @ , = ...`) in the query were left unencoded.
    QueryReservedNotEncoded,
    /// Unreserved characters in the query were percent-encoded (`%7E` for `~`).
    QueryUnreservedEncoded,
    /// A parameter with no value was written without its `=` (`uploads` for `uploads=`).
    QueryValueWithoutEquals,
    /// The query was encoded twice (`%2520` for a space).
    QueryDoubleEncoded,
    /// The query holds line breaks or spaces (written by hand across lines).
    QueryWhitespace,
    /// The query's parameters differ (a name or a value is not what was sent).
    QueryParameters,
    /// A presigned URL's own `X-Amz-*` parameters were left out of the canonical query.
    PresignParamsNotInQuery,
    /// The `X-Amz-Security-Token` header was sent but not signed (added after signing).
    SessionTokenNotSigned,
    /// A temporary access key (`ASIA...`) was sent without its session token.
    SessionTokenMissing,
    /// Headers were sent but not signed, which S3 refuses (`HeadersNotSigned`).
    HeadersNotSigned,
    /// A header name in the canonical headers is not lower-case.
    HeaderNameCase,
    /// A header value was not trimmed, or inner runs of spaces not folded.
    HeaderValueNotTrimmed,
    /// The canonical headers are not sorted by name.
    HeadersNotSorted,
    /// A header is missing, extra or has another value.
    HeadersDiffer,
    /// The signed-headers line does not list the canonical headers.
    SignedHeadersMismatch,
    /// The blank line after the canonical headers is missing.
    BlankLineMissing,
    /// The hash of the empty string was used for a request with a body.
    EmptyPayloadHashForBody,
    /// The payload hash line is not what the request needs (another hash, upper-case hex).
    PayloadHashWrong,
    /// A hash was signed where the last line must be `UNSIGNED-PAYLOAD`: the request
    /// sent `x-amz-content-sha256: UNSIGNED-PAYLOAD`, or it is an S3 presigned URL.
    UnsignedPayloadExpected,
    /// S3 needs an `x-amz-content-sha256` header, signed.
    ContentSha256Missing,
    /// The `x-amz-content-sha256` sent is not the SHA-256 of the body sent (S3's
    /// `XAmzContentSHA256Mismatch`).
    ContentSha256Mismatch,
    /// The canonical request is not method, URI, query, headers, blank line, signed
    /// headers and payload hash.
    CanonicalRequestMalformed,
    /// The algorithm line of the string to sign is not `AWS4-HMAC-SHA256`.
    Algorithm,
    /// The date in `X-Amz-Date`, the string to sign and the credential scope disagree.
    DateMismatch,
    /// The request's time is more than 15 minutes away from AWS's clock.
    ClockSkew,
    /// A presigned URL was used after X-Amz-Date + X-Amz-Expires.
    PresignedUrlExpired,
    /// The credential scope names another region.
    WrongRegion,
    /// The credential scope names another service (`email` instead of `ses`).
    WrongService,
    /// The last line of the string to sign is not the hash of the canonical request.
    CanonicalHashWrong,
    /// A Fine Uploader string to sign was signed as is, still holding the raw canonical
    /// request in place of its hash.
    FineUploaderRawCanonical,
    /// A Fine Uploader canonical request was cut at the wrong offset before hashing.
    FineUploaderWrongCut,
    /// A POST policy's JSON was signed instead of its base64.
    PolicyJsonSigned,
    /// Hex strings were passed between the HMAC steps of the key derivation instead of
    /// the raw 32 bytes.
    HexBetweenHmacSteps,
    /// The key derivation is wrong in another known way (no `AWS4` prefix, steps out of
    /// order).
    KeyDerivation,
    /// The secret used is not the one AWS holds for this access key: AWS computed the
    /// same string to sign and refused a signature this secret gives for it.
    WrongSecret,
    /// The canonical strings match but the signature differs: the secret the code used
    /// or its key derivation (give the credentials to tell which).
    KeyOrSecret,
    /// The signature is not lower-case hex (upper-case, base64).
    SignatureEncoding,
}

impl Cause {
    /// Every cause, in catalog order.
    pub const ALL: &'static [Cause] = &[
        Cause::Method,
        Cause::CanonicalUri,
        Cause::PathEncodingRules,
        Cause::QueryLineMissing,
        Cause::QueryNotSorted,
        Cause::QueryPlusForSpace,
        Cause::QueryReservedNotEncoded,
        Cause::QueryUnreservedEncoded,
        Cause::QueryValueWithoutEquals,
        Cause::QueryDoubleEncoded,
        Cause::QueryWhitespace,
        Cause::QueryParameters,
        Cause::PresignParamsNotInQuery,
        Cause::SessionTokenNotSigned,
        Cause::SessionTokenMissing,
        Cause::HeadersNotSigned,
        Cause::HeaderNameCase,
        Cause::HeaderValueNotTrimmed,
        Cause::HeadersNotSorted,
        Cause::HeadersDiffer,
        Cause::SignedHeadersMismatch,
        Cause::BlankLineMissing,
        Cause::EmptyPayloadHashForBody,
        Cause::PayloadHashWrong,
        Cause::UnsignedPayloadExpected,
        Cause::ContentSha256Missing,
        Cause::ContentSha256Mismatch,
        Cause::CanonicalRequestMalformed,
        Cause::Algorithm,
        Cause::DateMismatch,
        Cause::ClockSkew,
        Cause::PresignedUrlExpired,
        Cause::WrongRegion,
        Cause::WrongService,
        Cause::CanonicalHashWrong,
        Cause::FineUploaderRawCanonical,
        Cause::FineUploaderWrongCut,
        Cause::PolicyJsonSigned,
        Cause::HexBetweenHmacSteps,
        Cause::KeyDerivation,
        Cause::WrongSecret,
        Cause::KeyOrSecret,
        Cause::SignatureEncoding,
    ];

    /// A stable kebab-case name, for JSON and tests.
    ///
    /// ```
    /// assert_eq!(sigv4::Cause::QueryLineMissing.name(), "query-line-missing");
    /// ```
    pub fn name(self) -> &'static str {
        self.info().0
    }

    /// The one-line fix.
    ///
    /// ```
    /// assert!(sigv4::Cause::WrongService.fix().contains("signing name"));
    /// ```
    pub fn fix(self) -> &'static str {
        self.info().1
    }

    fn info(self) -> (&'static str, &'static str) {
        use Cause::*;
        match self {
            Method => (
                "method",
                "Put the HTTP method, upper-case, exactly as sent on the first line.",
            ),
            CanonicalUri => (
                "canonical-uri",
                "Use the request's full path as the canonical URI (never just `/`).",
            ),
            PathEncodingRules => (
                "path-encoding-rules",
                "S3 signs the path exactly as sent (no removing `//`, `.` or `..`, no second encoding); other services normalize it and encode each segment once more (`%20` -> `%2520`).",
            ),
            QueryLineMissing => (
                "query-line-missing",
                "Always write the query line, as an empty line when there is no query.",
            ),
            QueryNotSorted => (
                "query-not-sorted",
                "Sort the query parameters by encoded name, then by value.",
            ),
            QueryPlusForSpace => (
                "query-plus-for-space",
                "Encode a space as `%20`, never `+`.",
            ),
            QueryReservedNotEncoded => (
                "query-reserved-not-encoded",
                "Percent-encode every byte outside A-Z a-z 0-9 - _ . ~ in query names and values.",
            ),
            QueryUnreservedEncoded => (
                "query-unreserved-encoded",
                "Leave A-Z a-z 0-9 - _ . ~ literal in query names and values (`~`, never `%7E`); encode every other byte.",
            ),
            QueryValueWithoutEquals => (
                "query-value-without-equals",
                "Write a parameter with no value as `name=` in the canonical query (`uploads=`).",
            ),
            QueryDoubleEncoded => (
                "query-double-encoded",
                "Encode query values once: decode what is already encoded before encoding.",
            ),
            QueryWhitespace => (
                "query-whitespace",
                "Remove line breaks and spaces from the query string before signing and sending.",
            ),
            QueryParameters => (
                "query-parameters",
                "Sign exactly the query parameters sent, with the same values.",
            ),
            PresignParamsNotInQuery => (
                "presign-params-not-in-query",
                "Put every X-Amz-* parameter of the URL but X-Amz-Signature in the canonical query: -Algorithm, -Credential, -Date, -Expires, -SignedHeaders, and X-Amz-Security-Token with temporary credentials.",
            ),
            SessionTokenNotSigned => (
                "session-token-not-signed",
                "Add X-Amz-Security-Token before signing, and list x-amz-security-token in SignedHeaders.",
            ),
            SessionTokenMissing => (
                "session-token-missing",
                "Send the session token that came with the temporary key as X-Amz-Security-Token, signed.",
            ),
            HeadersNotSigned => (
                "headers-not-signed",
                "Sign every x-amz-* header sent: add it before signing and list it in SignedHeaders.",
            ),
            HeaderNameCase => (
                "header-name-case",
                "Lower-case header names in the canonical headers and the signed-headers list.",
            ),
            HeaderValueNotTrimmed => (
                "header-value-not-trimmed",
                "Trim header values and fold inner runs of spaces to one.",
            ),
            HeadersNotSorted => (
                "headers-not-sorted",
                "Sort the canonical headers by lower-case name.",
            ),
            HeadersDiffer => (
                "headers-differ",
                "Sign the headers exactly as sent: the same names and values, none added or left out.",
            ),
            SignedHeadersMismatch => (
                "signed-headers-mismatch",
                "List exactly the canonical headers' names, `;`-separated, in the same order.",
            ),
            BlankLineMissing => (
                "blank-line-missing",
                "End the canonical headers with a newline, then the empty line, then the signed-headers list.",
            ),
            EmptyPayloadHashForBody => (
                "empty-payload-hash-for-body",
                "Hash the body that is sent, not the empty string.",
            ),
            PayloadHashWrong => (
                "payload-hash-wrong",
                "Use the lower-case hex SHA-256 of the body sent (or what x-amz-content-sha256 says) as the last line.",
            ),
            UnsignedPayloadExpected => (
                "unsigned-payload-expected",
                "End the canonical request with UNSIGNED-PAYLOAD, as x-amz-content-sha256 says; S3 presigned URLs always do.",
            ),
            ContentSha256Missing => (
                "content-sha256-missing",
                "For S3, send and sign x-amz-content-sha256 (the body's hash or UNSIGNED-PAYLOAD).",
            ),
            ContentSha256Mismatch => (
                "content-sha256-mismatch",
                "Hash the exact bytes sent, after any change to the body, for x-amz-content-sha256 and the last line.",
            ),
            CanonicalRequestMalformed => (
                "canonical-request-malformed",
                "Build the canonical request as method, URI, query, headers, empty line, signed headers, payload hash.",
            ),
            Algorithm => (
                "algorithm",
                "Start the string to sign with AWS4-HMAC-SHA256.",
            ),
            DateMismatch => (
                "date-mismatch",
                "Use one instant: X-Amz-Date, the string to sign's date and the scope's YYYYMMDD must agree.",
            ),
            ClockSkew => (
                "clock-skew",
                "Sign with the current UTC time (sync the clock); AWS allows 15 minutes.",
            ),
            PresignedUrlExpired => (
                "presigned-url-expired",
                "Make a new presigned URL, or presign it with a longer X-Amz-Expires (at most 7 days; temporary credentials end sooner).",
            ),
            WrongRegion => (
                "wrong-region",
                "Put the endpoint's region in the credential scope.",
            ),
            WrongService => (
                "wrong-service",
                "Put the service's signing name in the scope (ses for email.*, not the host prefix).",
            ),
            CanonicalHashWrong => (
                "canonical-hash-wrong",
                "End the string to sign with the hex SHA-256 of exactly the canonical request (no trailing newline).",
            ),
            FineUploaderRawCanonical => (
                "fine-uploader-raw-canonical",
                "Replace the canonical request in Fine Uploader's string to sign by its hex SHA-256 before signing.",
            ),
            FineUploaderWrongCut => (
                "fine-uploader-wrong-cut",
                "Hash everything after the third line of Fine Uploader's string to sign, nothing more or less.",
            ),
            PolicyJsonSigned => (
                "policy-json-signed",
                "Sign the base64 of the policy, not its JSON.",
            ),
            HexBetweenHmacSteps => (
                "hex-between-hmac-steps",
                "Pass the raw 32-byte HMAC output from step to step; only the final signature is hex.",
            ),
            KeyDerivation => (
                "key-derivation",
                "Derive HMAC(HMAC(HMAC(HMAC(\"AWS4\"+secret, date), region), service), \"aws4_request\").",
            ),
            WrongSecret => (
                "wrong-secret",
                "Sign with the secret that belongs to the access key sent (check profile, stray spaces).",
            ),
            KeyOrSecret => (
                "key-or-secret",
                "Check the secret your code signs with (profile, stray spaces) and its key derivation; give the credentials here to tell which.",
            ),
            SignatureEncoding => (
                "signature-encoding",
                "Send the signature as 64 lower-case hex digits.",
            ),
        }
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
