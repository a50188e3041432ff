//! Choices that change the canonical request: path rules, signed headers, token, payload header.

/// Which canonicalization rules apply to the path.
///
/// ```
/// use sigv4::Rules;
/// assert_eq!(Rules::for_service("s3"), Rules::S3);
/// assert_eq!(Rules::for_service("s3express"), Rules::S3);
/// assert_eq!(Rules::for_service("polly"), Rules::Generic);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Rules {
    /// Chosen from the signing name: [`Rules::S3`] for s3, s3-object-lambda, s3express
    /// and s3-outposts, [`Rules::Generic`] for every other service.
    #[default]
    Auto,
    /// S3 and its family: the path is used as sent, without dot-segment removal or a
    /// second encoding; `x-amz-content-sha256` is always sent; presigned URLs use
    /// `UNSIGNED-PAYLOAD` unless a payload is given.
    S3,
    /// Every other service: `.` and `..` removed, `//` collapsed, each segment encoded
    /// once more.
    Generic,
}

impl Rules {
    /// The rules AWS applies for a signing name.
    ///
    /// ```
    /// assert_eq!(sigv4::Rules::for_service("s3-outposts"), sigv4::Rules::S3);
    /// ```
    pub fn for_service(service: &str) -> Rules {
        match service {
            "s3" | "s3-object-lambda" | "s3express" | "s3-outposts" => Rules::S3,
            _ => Rules::Generic,
        }
    }

    /// These rules, with `Auto` made the ones AWS applies for the signing name.
    ///
    /// ```
    /// use sigv4::Rules;
    /// assert_eq!(Rules::Auto.resolve("s3"), Rules::S3);
    /// assert_eq!(Rules::Generic.resolve("s3"), Rules::Generic);
    /// ```
    pub fn resolve(self, service: &str) -> Rules {
        match self {
            Rules::Auto => Rules::for_service(service),
            other => other,
        }
    }
}

/// Which of the request's headers are signed.
///
/// `host` is always signed, and so are the `x-amz-*` headers the signer adds.
///
/// ```
/// use sigv4::{HeaderSelection, Settings};
/// let mut settings = Settings::default();
/// settings.headers = HeaderSelection::Only(vec!["content-type".into(), "x-amz-target".into()]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum HeaderSelection {
    /// Every header present except those AWS SDKs never sign, because proxies and
    /// HTTP clients change or drop them: see [`DEFAULT_UNSIGNED_HEADERS`].
    #[default]
    AllButUnsafe,
    /// Only these headers (names compared case-insensitively), when present.
    Only(Vec<String>),
    /// The default set minus these headers too.
    Except(Vec<String>),
}

/// Headers never signed by default: hop-by-hop headers, `user-agent`, `expect`,
/// `authorization` and the tracing headers (`x-amzn-trace-id`, `traceparent`, `tracestate`,
/// `baggage`): botocore's list plus the hop-by-hop ones.
///
/// ```
/// assert!(sigv4::DEFAULT_UNSIGNED_HEADERS.contains(&"user-agent"));
/// ```
pub const DEFAULT_UNSIGNED_HEADERS: &[&str] = &[
    "authorization",
    "baggage",
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "traceparent",
    "tracestate",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

#[test]
fn the_match_and_the_list_agree() {
    for name in DEFAULT_UNSIGNED_HEADERS {
        assert!(is_default_unsigned(name), "{name}");
    }
    assert_eq!(DEFAULT_UNSIGNED_HEADERS.len(), 16);
}

impl HeaderSelection {
    /// Whether a header with this lower-case name is signed.
    ///
    /// ```
    /// use sigv4::HeaderSelection;
    /// assert!(HeaderSelection::AllButUnsafe.signs("x-amz-meta-a"));
    /// assert!(!HeaderSelection::AllButUnsafe.signs("user-agent"));
    /// assert!(HeaderSelection::Only(vec!["Content-Type".into()]).signs("content-type"));
    /// ```
    pub fn signs(&self, lower_name: &str) -> bool {
        match self {
            HeaderSelection::AllButUnsafe => !is_default_unsigned(lower_name),
            HeaderSelection::Only(names) => {
                names.iter().any(|n| n.eq_ignore_ascii_case(lower_name))
            }
            HeaderSelection::Except(names) => {
                !is_default_unsigned(lower_name)
                    && !names.iter().any(|n| n.eq_ignore_ascii_case(lower_name))
            }
        }
    }
}

/// Whether a lower-case name is in [`DEFAULT_UNSIGNED_HEADERS`] (a `match`: it is on the hot path).
fn is_default_unsigned(lower_name: &str) -> bool {
    matches!(
        lower_name,
        "authorization"
            | "baggage"
            | "connection"
            | "expect"
            | "keep-alive"
            | "proxy-authenticate"
            | "proxy-authorization"
            | "proxy-connection"
            | "te"
            | "traceparent"
            | "tracestate"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
            | "user-agent"
            | "x-amzn-trace-id"
    )
}

/// Whether the session token is part of what is signed.
///
/// ```
/// assert_eq!(sigv4::SessionToken::default(), sigv4::SessionToken::Signed);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SessionToken {
    /// Signed, like every AWS SDK does.
    #[default]
    Signed,
    /// Added after signing, unsigned: for the few services that want it so (the suite's
    /// `post-sts-header-after` case).
    AddedAfterSigning,
}

/// Whether an `x-amz-content-sha256` header carries the payload hash (header signing).
///
/// ```
/// assert_eq!(sigv4::ContentSha256::default(), sigv4::ContentSha256::Auto);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ContentSha256 {
    /// Under S3 rules, and whenever the payload is not a plain hash (unsigned or
    /// streaming), as botocore does.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Everything about signing that is not the request, the credentials, the scope or the time.
///
/// ```
/// use sigv4::{Rules, Settings};
/// let mut s3_style = Settings::default(); // the struct may grow: set fields one by one
/// s3_style.rules = Rules::S3;
/// assert_eq!(s3_style.normalize_path, None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Settings {
    /// Path rules; by default chosen from the service.
    pub rules: Rules,
    /// Override dot-segment removal for generic rules (S3 rules never normalize).
    pub normalize_path: Option<bool>,
    /// Which headers are signed.
    pub headers: HeaderSelection,
    /// Whether the session token is signed.
    pub session_token: SessionToken,
    /// Whether `x-amz-content-sha256` is sent.
    pub content_sha256: ContentSha256,
}
