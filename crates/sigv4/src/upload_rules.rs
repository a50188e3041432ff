//! Rules for a signing endpoint that serves browser uploads: which POST policies and
//! which multipart-upload requests it may sign. Everything not allowed is refused with
//! a reason; the published server examples that sign whatever the browser sends hand
//! every visitor the server's S3 rights.

use std::time::Duration;

use crate::canonical::CanonicalParts;
use crate::credentials::Credentials;
use crate::encode::{decode_query_component, is_hex64};
use crate::error::{Error, ErrorKind, Result};
use crate::post_policy::{PolicyCondition, PostPolicy, check_bucket};
use crate::request::Request;
use crate::sign::{ALGORITHM, EXPIRY_RANGE, Signer, SigningParams, check_scope_part};
use crate::time::SigningTime;

/// A bucket uploads may go to, and how requests address it.
///
/// ```
/// let virtual_hosted = sigv4::UploadTarget::new("uploads-bucket", "uploads-bucket.s3.eu-west-1.amazonaws.com", false);
/// let path_style = sigv4::UploadTarget::new("uploads-bucket", "127.0.0.1:9000", true);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadTarget {
    bucket: String,
    host: String,
    path_style: bool,
}

impl UploadTarget {
    /// `bucket` at `host` (with its port, if any); `path_style`: the path starts with
    /// `/bucket/`, else the host names the bucket.
    ///
    /// ```
    /// let t = sigv4::UploadTarget::new("b", "b.s3.amazonaws.com", false);
    /// assert_eq!(t.bucket(), "b");
    /// ```
    pub fn new(bucket: &str, host: &str, path_style: bool) -> Self {
        UploadTarget {
            bucket: bucket.to_owned(),
            host: host.to_ascii_lowercase(),
            path_style,
        }
    }

    /// Where `bucket` is, and its URL (ending in `/`, where a form posts).
    ///
    /// With an `endpoint` (an S3-compatible store: `http://127.0.0.1:9000`, scheme and
    /// host only) the bucket is addressed path-style at that host; without one, on AWS
    /// at `https://BUCKET.s3.REGION.amazonaws.com/`, or path-style at
    /// `https://s3.REGION.amazonaws.com/BUCKET/` for a name with dots (which AWS's TLS
    /// certificates do not cover in the host). The bucket's name must be one S3
    /// accepts ([`ErrorKind::InvalidBucket`](crate::ErrorKind::InvalidBucket)); an
    /// endpoint with another scheme, a path, a query or a fragment is refused
    /// ([`ErrorKind::InvalidEndpoint`](crate::ErrorKind::InvalidEndpoint)).
    ///
    /// ```
    /// use sigv4::UploadTarget;
    /// let (target, url) = UploadTarget::locate("uploads", None, "eu-west-1")?;
    /// assert_eq!(target, UploadTarget::new("uploads", "uploads.s3.eu-west-1.amazonaws.com", false));
    /// assert_eq!(url, "https://uploads.s3.eu-west-1.amazonaws.com/");
    /// let (target, url) = UploadTarget::locate("my.uploads", None, "eu-west-1")?;
    /// assert_eq!(target, UploadTarget::new("my.uploads", "s3.eu-west-1.amazonaws.com", true));
    /// assert_eq!(url, "https://s3.eu-west-1.amazonaws.com/my.uploads/");
    /// let (target, url) = UploadTarget::locate("uploads", Some("http://127.0.0.1:9000/"), "us-east-1")?;
    /// assert_eq!(target, UploadTarget::new("uploads", "127.0.0.1:9000", true));
    /// assert_eq!(url, "http://127.0.0.1:9000/uploads/");
    /// assert!(UploadTarget::locate("uploads", Some("http://127.0.0.1:9000/minio"), "us-east-1").is_err());
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn locate(bucket: &str, endpoint: Option<&str>, region: &str) -> Result<(Self, String)> {
        check_bucket(bucket)?;
        // Also in AWS's host name, which a '/' in it would cut short.
        check_scope_part("region", region)?;
        let (target, url) = match endpoint {
            // AWS's TLS certificates cover one label before .s3.REGION.amazonaws.com: a
            // bucket with dots is reached path-style over HTTPS, as the SDKs do.
            None if bucket.contains('.') => {
                let host = format!("s3.{region}.amazonaws.com");
                let url = format!("https://{host}/{bucket}/");
                (UploadTarget::new(bucket, &host, true), url)
            }
            None => {
                let host = format!("{bucket}.s3.{region}.amazonaws.com");
                let url = format!("https://{host}/");
                (UploadTarget::new(bucket, &host, false), url)
            }
            Some(endpoint) => {
                let refuse = |reason| {
                    Error::from(ErrorKind::InvalidEndpoint {
                        endpoint: endpoint.to_owned(),
                        reason,
                    })
                };
                let (scheme, rest) = endpoint
                    .split_once("://")
                    .filter(|(s, _)| {
                        s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https")
                    })
                    .ok_or_else(|| refuse("it must start with http:// or https://"))?;
                let host = rest.strip_suffix('/').unwrap_or(rest);
                if host.is_empty() {
                    return Err(refuse("it has no host"));
                }
                if host.contains(['/', '?', '#']) {
                    return Err(refuse(
                        "give the scheme and host only (http://host:port): S3-compatible stores take path-style requests at the root, and a query or fragment would land in every object's URL",
                    ));
                }
                let url = format!("{}://{host}/{bucket}/", scheme.to_ascii_lowercase());
                (UploadTarget::new(bucket, host, true), url)
            }
        };
        // A host HTTP allows (no spaces, controls or stray characters).
        Request::new("POST", &url).map_err(|e| match (endpoint, e.kind()) {
            (Some(endpoint), ErrorKind::InvalidUrl { reason }) => ErrorKind::InvalidEndpoint {
                endpoint: endpoint.to_owned(),
                reason,
            }
            .into(),
            _ => e,
        })?;
        Ok((target, url))
    }

    /// The bucket.
    ///
    /// ```
    /// assert_eq!(sigv4::UploadTarget::new("b", "h", true).bucket(), "b");
    /// ```
    pub fn bucket(&self) -> &str {
        &self.bucket
    }
}

/// What a signing endpoint for browser uploads may sign.
///
/// ```
/// use std::time::Duration;
/// let mut rules = sigv4::UploadRules::new(
///     vec![sigv4::UploadTarget::new("b", "b.s3.amazonaws.com", false)],
///     vec!["uploads/".into()],
///     10 * 1024 * 1024,
/// );
/// rules.content_types = vec!["image/".into()];
/// rules.max_expiry = Duration::from_secs(600);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadRules {
    /// Buckets uploads may go to.
    pub targets: Vec<UploadTarget>,
    /// Keys must start with one of these (non-empty) prefixes.
    pub key_prefixes: Vec<String>,
    /// The largest object, in bytes: a policy must carry a `content-length-range`
    /// within it.
    pub max_size: u64,
    /// Allowed content types: an entry ending in `/` allows that family (`image/`);
    /// empty allows any.
    pub content_types: Vec<String>,
    /// Allowed canned ACLs (`private`, `public-read`, ...); empty allows none. Default:
    /// `private` alone, the ACL S3 gives an object anyway, which Fine Uploader sends
    /// with every upload.
    pub acls: Vec<String>,
    /// The longest a policy may stay valid.
    pub max_expiry: Duration,
    /// How far a request's date may lie from now.
    pub max_skew: Duration,
    /// Other form fields or headers allowed, lower-case; a trailing `*` allows a family
    /// (default: `x-amz-meta-*`, `success_action_status`, `cache-control`,
    /// `content-disposition`).
    pub extra_fields: Vec<String>,
    /// Whether multipart uploads are signed (default: yes). Fine Uploader leaves an
    /// initiate's `Content-Type` and other headers out of what it has signed, so for
    /// multipart uploads `content_types` and `extra_fields` hold only for what it signs;
    /// turn multipart off where they must always hold (files then go up as one POST,
    /// up to S3's 5 GiB).
    pub multipart: bool,
}

impl UploadRules {
    /// Rules for these targets and key prefixes, up to `max_size` bytes; policies valid
    /// for at most an hour, dates within 15 minutes, any content type, the `private`
    /// ACL only.
    ///
    /// ```
    /// let rules = sigv4::UploadRules::new(Vec::new(), vec!["a/".into()], 1);
    /// assert_eq!(rules.max_skew.as_secs(), 900);
    /// assert_eq!(rules.acls, ["private"]);
    /// ```
    pub fn new(targets: Vec<UploadTarget>, key_prefixes: Vec<String>, max_size: u64) -> Self {
        UploadRules {
            targets,
            key_prefixes,
            max_size,
            content_types: Vec::new(),
            acls: vec!["private".to_owned()],
            max_expiry: Duration::from_secs(3600),
            max_skew: Duration::from_secs(900),
            extra_fields: [
                "x-amz-meta-*",
                "success_action_status",
                "cache-control",
                "content-disposition",
            ]
            .map(String::from)
            .to_vec(),
            multipart: true,
        }
    }

    /// Checks that the rules can be used, as a signing endpoint should before it starts:
    /// at least one bucket, each a name S3 accepts; at least one key prefix and none
    /// empty (an empty prefix would allow every key); `max_expiry` from 1 s to 7 days.
    ///
    /// ```
    /// let t = || vec![sigv4::UploadTarget::new("uploads", "uploads.s3.amazonaws.com", false)];
    /// assert!(sigv4::UploadRules::new(t(), vec!["u/".into()], 1).check().is_ok());
    /// assert!(sigv4::UploadRules::new(t(), vec!["".into()], 1).check().is_err());
    /// assert!(sigv4::UploadRules::new(Vec::new(), vec!["u/".into()], 1).check().is_err());
    /// ```
    pub fn check(&self) -> Result<()> {
        let refuse = |reason| Err(ErrorKind::InvalidUploadRules { reason }.into());
        if self.targets.is_empty() {
            return refuse("no bucket: name the bucket uploads go to");
        }
        for target in &self.targets {
            crate::post_policy::check_bucket(&target.bucket)?;
        }
        if self.key_prefixes.is_empty() || self.key_prefixes.iter().any(String::is_empty) {
            return refuse(
                "key_prefixes must list non-empty prefixes (uploads/, ...): an empty one would allow every key",
            );
        }
        if !EXPIRY_RANGE.contains(&self.max_expiry) {
            return refuse("the longest expiry must be 1 s to 604800 s (7 days)");
        }
        Ok(())
    }

    /// Whether an object key lies under an allowed (non-empty) prefix and holds no
    /// control character and no `.`, `..` or empty path segment: S3 keeps such keys as
    /// written, but S3-compatible stores may resolve them to another key or bucket
    /// (s3s-fs wrote `uploads/../../other-bucket/x` into `other-bucket`).
    ///
    /// ```
    /// let rules = sigv4::UploadRules::new(Vec::new(), vec!["up/".into()], 1);
    /// assert!(rules.allows_key("up/a.png") && !rules.allows_key("down/a.png"));
    /// assert!(!rules.allows_key("up/../down/a.png") && !rules.allows_key("up//a.png"));
    /// ```
    pub fn allows_key(&self, key: &str) -> bool {
        self.allows_key_start(key) && !key.ends_with('/')
    }

    /// [`allows_key`](Self::allows_key) for the start of a key (a policy's
    /// `starts-with`), which may end with `/`.
    fn allows_key_start(&self, start: &str) -> bool {
        let body = start.strip_suffix('/').unwrap_or(start);
        !body.is_empty()
            && !start.bytes().any(|b| b < 0x20 || b == 0x7f)
            && !body
                .split('/')
                .any(|segment| matches!(segment, "" | "." | ".."))
            && self
                .key_prefixes
                .iter()
                .any(|p| !p.is_empty() && start.starts_with(p.as_str()))
    }

    /// Whether an object may be stored with this content type: one of
    /// [`content_types`](Self::content_types) (a family such as `image/` or `image/*`
    /// allows its members), compared without regard to case as MIME types are; never
    /// with control characters. Where types are restricted, the value must be one media
    /// type (`type/subtype`, then `;` parameters): browsers read `image/png,text/html`
    /// as `text/html`.
    ///
    /// ```
    /// let mut rules = sigv4::UploadRules::new(vec![], vec!["up/".into()], 1024);
    /// rules.content_types = vec!["image/".into(), "application/pdf".into()];
    /// assert!(rules.allows_content_type("image/png") && rules.allows_content_type("Image/PNG"));
    /// assert!(rules.allows_content_type("application/PDF"));
    /// assert!(rules.allows_content_type("image/png; q=1"));
    /// assert!(!rules.allows_content_type("text/html") && !rules.allows_content_type("image/png\n"));
    /// assert!(!rules.allows_content_type("image/png,text/html"));
    /// ```
    pub fn allows_content_type(&self, value: &str) -> bool {
        self.content_type_allowed(value, false)
    }

    fn content_type_allowed(&self, value: &str, prefix_only: bool) -> bool {
        if value.bytes().any(|b| b < 0x20 || b == 0x7f) {
            return false;
        }
        if self.content_types.is_empty() {
            return true;
        }
        // A starts-with condition would let the uploader add anything after the prefix
        // (",text/html"); Fine Uploader and presign_post send the type exactly.
        if prefix_only || !is_one_media_type(value) {
            return false;
        }
        self.content_types.iter().any(|allowed| {
            if let Some(family) = allowed
                .strip_suffix('*')
                .or(allowed.ends_with('/').then_some(allowed.as_str()))
            {
                value.len() >= family.len() && value[..family.len()].eq_ignore_ascii_case(family)
            } else {
                !prefix_only && value.eq_ignore_ascii_case(allowed)
            }
        })
    }

    fn extra_allowed(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        self.extra_fields.iter().any(|f| match f.strip_suffix('*') {
            Some(family) => lower.starts_with(family) && lower.len() > family.len(),
            None => lower == *f,
        })
    }

    fn date_ok(&self, amz_date: &str, scope_date: &str, now: SigningTime) -> Result<()> {
        let date = SigningTime::parse(amz_date)
            .map_err(|_| refuse(format!("x-amz-date {amz_date:?} is not a date")))?;
        if date.date_stamp() != scope_date {
            return Err(refuse(
                "x-amz-date is not on the credential scope's date".into(),
            ));
        }
        let skew = (date.unix_seconds() - now.unix_seconds()).unsigned_abs();
        if skew > self.max_skew.as_secs() {
            return Err(refuse(format!(
                "x-amz-date is {skew} s from now, more than the {} s allowed",
                self.max_skew.as_secs()
            )));
        }
        Ok(())
    }

    /// Checks a POST policy a browser asks to have signed with `params` (the server's
    /// credentials, region, `s3`, and the date the policy's `x-amz-date` names): every
    /// condition must lie within the rules, and the bucket, key, size range, algorithm,
    /// credential (the server's access key and scope), session token (if the server has
    /// one) and date must be there.
    ///
    /// ```
    /// use sigv4::{PolicyCondition as C, PostPolicy, SigningTime, UploadRules, UploadTarget};
    /// let rules = UploadRules::new(vec![UploadTarget::new("b", "b.s3.amazonaws.com", false)], vec!["up/".into()], 1000);
    /// let now = SigningTime::parse("20151229T000000Z")?;
    /// let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// let params = sigv4::SigningParams::new(&creds, "us-east-1", "s3", now)?;
    /// let cred = "AKIDEXAMPLE/20151229/us-east-1/s3/aws4_request";
    /// let policy = PostPolicy::new(SigningTime::parse("20151229T003000Z")?)
    ///     .with(C::equals("bucket", "b"))
    ///     .with(C::starts_with("key", "up/"))
    ///     .with(C::content_length_range(0, 1000))
    ///     .with(C::equals("x-amz-algorithm", "AWS4-HMAC-SHA256"))
    ///     .with(C::equals("x-amz-credential", cred))
    ///     .with(C::equals("x-amz-date", "20151229T000000Z"));
    /// assert!(rules.check_policy(&policy, &params, now).is_ok());
    /// let greedy = policy.clone().with(C::starts_with("key", ""));
    /// assert!(rules.check_policy(&greedy, &params, now).is_err());
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn check_policy(
        &self,
        policy: &PostPolicy,
        params: &SigningParams<'_>,
        now: SigningTime,
    ) -> Result<()> {
        let credential = format!(
            "{}/{}",
            params.credentials().access_key_id(),
            params.credential_scope()
        );
        let credential = credential.as_str();
        let session_token = params.credentials().session_token();
        let left = policy.expiration().unix_seconds() - now.unix_seconds();
        if left <= 0 {
            return Err(refuse("the policy has already expired".into()));
        }
        if left.unsigned_abs() > self.max_expiry.as_secs() {
            return Err(refuse(format!(
                "the policy is valid for {left} s, more than the {} s allowed",
                self.max_expiry.as_secs()
            )));
        }
        let mut seen: Vec<String> = Vec::new();
        let mut size = false;
        let mut date = None;
        let scope_date = credential.split('/').nth(1).unwrap_or_default();
        for condition in policy.conditions() {
            let (field, value, exact) = match condition {
                PolicyCondition::ContentLengthRange { max, .. } => {
                    if size {
                        return Err(refuse("two content-length-range conditions".into()));
                    }
                    if *max > self.max_size {
                        return Err(refuse(format!(
                            "content-length-range allows {max} bytes, more than {}",
                            self.max_size
                        )));
                    }
                    size = true;
                    continue;
                }
                PolicyCondition::Equals { field, value } => (field, value, true),
                PolicyCondition::StartsWith { field, prefix } => (field, prefix, false),
            };
            let lower = field.to_ascii_lowercase();
            if seen.contains(&lower) {
                return Err(refuse(format!("two conditions on {field:?}")));
            }
            seen.push(lower.clone());
            let ok = match lower.as_str() {
                "bucket" => exact && self.targets.iter().any(|t| t.bucket == *value),
                "key" if exact => self.allows_key(value),
                "key" => self.allows_key_start(value),
                "content-type" => self.content_type_allowed(value, !exact),
                "acl" => exact && self.acls.iter().any(|a| a == value),
                "x-amz-algorithm" => exact && value == ALGORITHM,
                "x-amz-credential" => exact && value == credential,
                "x-amz-security-token" => exact && session_token == Some(value.as_str()),
                "x-amz-date" => {
                    date = Some(value.clone());
                    exact
                }
                "success_action_status" => exact && matches!(value.as_str(), "200" | "201" | "204"),
                _ => self.extra_allowed(&lower) && !value.bytes().any(|b| b < 0x20 || b == 0x7f),
            };
            if !ok {
                return Err(refuse(format!(
                    "the rules do not allow {}",
                    condition.redacted().to_json()
                )));
            }
        }
        for required in [
            "bucket",
            "key",
            "x-amz-algorithm",
            "x-amz-credential",
            "x-amz-date",
        ] {
            if !seen.iter().any(|s| s == required) {
                return Err(refuse(format!("the policy has no {required} condition")));
            }
        }
        if session_token.is_some() && !seen.iter().any(|s| s == "x-amz-security-token") {
            return Err(refuse(
                "the policy has no x-amz-security-token condition".into(),
            ));
        }
        if !size {
            return Err(refuse("the policy has no content-length-range".into()));
        }
        self.date_ok(date.as_deref().unwrap_or_default(), scope_date, now)
    }

    /// Checks a multipart-upload request a browser asks to have signed (Fine Uploader's
    /// v4 protocol: the string to sign with the canonical request in place of its hash)
    /// and returns the real string to sign. Only the four multipart operations (initiate
    /// `POST ?uploads`, upload part `PUT ?partNumber=&uploadId=`, complete `POST
    /// ?uploadId=`, abort `DELETE ?uploadId=`) on an allowed bucket and key, with allowed
    /// headers, dated within the skew, under `scope`, are signed.
    ///
    /// ```
    /// use sigv4::{SigningTime, UploadRules, UploadTarget};
    /// let rules = UploadRules::new(vec![UploadTarget::new("b", "b.s3.amazonaws.com", false)], vec!["up/".into()], 1 << 30);
    /// let now = SigningTime::parse("20151229T000000Z")?;
    /// let scope = "20151229/us-east-1/s3/aws4_request";
    /// let asked = "AWS4-HMAC-SHA256\n20151229T000000Z\n20151229/us-east-1/s3/aws4_request\n\
    ///     POST\n/up/a.bin\nuploads=\nhost:b.s3.amazonaws.com\nx-amz-date:20151229T000000Z\n\n\
    ///     host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    /// let sts = rules.check_multipart(asked, scope, now)?;
    /// assert!(sts.starts_with("AWS4-HMAC-SHA256\n20151229T000000Z\n"));
    /// let get = asked.replacen("POST\n/up/a.bin\nuploads=", "GET\n/up/a.bin\n", 1);
    /// assert!(rules.check_multipart(&get, scope, now).is_err());
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    ///
    /// Fine Uploader given a path-style endpoint (`http://127.0.0.1:9000/b`) asks for
    /// `host:127.0.0.1:9000/b` and the URI `/key`, and sends the request to `/b/key`:
    /// for a path-style target, such a host is read as host and bucket, and what is signed
    /// is the request as sent.
    ///
    /// ```
    /// use sigv4::{SigningTime, UploadRules, UploadTarget};
    /// let rules = UploadRules::new(vec![UploadTarget::new("b", "127.0.0.1:9000", true)], vec!["up/".into()], 1 << 30);
    /// let now = SigningTime::parse("20151229T000000Z")?;
    /// let scope = "20151229/us-east-1/s3/aws4_request";
    /// let ask = |host: &str, uri: &str| format!("AWS4-HMAC-SHA256\n20151229T000000Z\n{scope}\n\
    ///     DELETE\n{uri}\nuploadId=abc\nhost:{host}\nx-amz-date:20151229T000000Z\n\n\
    ///     host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /// let fine_uploader = rules.check_multipart(&ask("127.0.0.1:9000/b", "/up/a.bin"), scope, now)?;
    /// let as_sent = rules.check_multipart(&ask("127.0.0.1:9000", "/b/up/a.bin"), scope, now)?;
    /// assert_eq!(fine_uploader, as_sent);
    /// assert!(rules.check_multipart(&ask("127.0.0.1:9000/other", "/up/a.bin"), scope, now).is_err());
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn check_multipart(&self, asked: &str, scope: &str, now: SigningTime) -> Result<String> {
        if !self.multipart {
            return Err(refuse("the rules allow no multipart uploads".into()));
        }
        if asked.len() > 16 * 1024 || asked.contains('\r') || asked.contains('\0') {
            return Err(refuse(
                "the string to sign is too long or holds CR or NUL".into(),
            ));
        }
        let mut lines = asked.splitn(4, '\n');
        let (Some(algorithm), Some(amz_date), Some(asked_scope), Some(canonical)) =
            (lines.next(), lines.next(), lines.next(), lines.next())
        else {
            return Err(refuse(
                "not a string to sign (algorithm, date, scope, canonical request)".into(),
            ));
        };
        if algorithm != ALGORITHM {
            return Err(refuse(format!(
                "algorithm {algorithm:?} is not {ALGORITHM}"
            )));
        }
        if asked_scope != scope {
            return Err(refuse(format!(
                "scope {asked_scope:?} is not the server's {scope:?}"
            )));
        }
        let scope_date = scope.split('/').next().unwrap_or_default();
        self.date_ok(amz_date, scope_date, now)?;
        let parts = CanonicalParts::parse(canonical).ok_or_else(|| {
            refuse(
                "the canonical request is not method, URI, query, headers, signed headers, hash"
                    .into(),
            )
        })?;
        let operation = multipart_operation(parts.method, parts.query)?;
        // Headers: lower-case names, sorted, each allowed; the signed list matches.
        let mut names = Vec::new();
        let mut host = None;
        for line in parts.headers.split('\n') {
            let Some((name, value)) = line.split_once(':') else {
                return Err(refuse(format!("header line {line:?} is not name:value")));
            };
            if name.is_empty()
                || name
                    .bytes()
                    .any(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
            {
                return Err(refuse(format!("header name {name:?} is not lower-case")));
            }
            if names.last().is_some_and(|last: &&str| *last >= name) {
                return Err(refuse("headers are not sorted, or one is repeated".into()));
            }
            let ok = match name {
                "host" => {
                    host = Some(value);
                    true
                }
                "x-amz-date" => value == amz_date,
                "x-amz-content-sha256" => value == "UNSIGNED-PAYLOAD" || is_hex64(value),
                "content-type" => {
                    operation == "initiate" && self.content_type_allowed(value, false)
                }
                "x-amz-acl" => operation == "initiate" && self.acls.iter().any(|a| a == value),
                "content-md5" => operation == "upload part",
                "x-amz-user-agent" => true,
                // With temporary credentials the browser sends the token; AWS refuses a
                // token that is not the signing key's, so any printable value is safe.
                "x-amz-security-token" => {
                    !value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic())
                }
                _ => {
                    operation == "initiate"
                        && name.starts_with("x-amz-meta-")
                        && self.extra_allowed(name)
                }
            };
            if !ok {
                return Err(refuse(format!(
                    "the rules do not allow header {name} for {operation}"
                )));
            }
            names.push(name);
        }
        if parts.signed_headers != names.join(";") {
            return Err(refuse("the signed headers do not list the headers".into()));
        }
        if !(parts.payload_hash == "UNSIGNED-PAYLOAD" || is_hex64(parts.payload_hash)) {
            return Err(refuse(
                "the payload hash is neither UNSIGNED-PAYLOAD nor a SHA-256".into(),
            ));
        }
        let host = host.ok_or_else(|| refuse("the host header is not signed".into()))?;
        let (key, signed) = match self.path_style_bucket(host) {
            Some((authority, bucket)) => (
                self.key_of(authority, &format!("/{bucket}{}", parts.uri))?,
                path_style_canonical(&parts, authority, bucket),
            ),
            None => (self.key_of(host, parts.uri)?, canonical.to_owned()),
        };
        if !self.allows_key(&key) {
            return Err(refuse(format!(
                "key {key:?} is outside the allowed prefixes"
            )));
        }
        let hash = crate::encode::hex_lower(&crate::sha::sha256(signed.as_bytes()));
        Ok(format!("{ALGORITHM}\n{amz_date}\n{scope}\n{hash}"))
    }

    /// Fine Uploader given a path-style endpoint (`http://127.0.0.1:9000/bucket`) signs
    /// `host:127.0.0.1:9000/bucket` and the URI `/key`, but sends the request to
    /// `/bucket/key` with `Host: 127.0.0.1:9000`. A host that is exactly a path-style
    /// target's host, `/`, and its bucket is read that way: (host, bucket).
    fn path_style_bucket<'h>(&self, host: &'h str) -> Option<(&'h str, &'h str)> {
        let (authority, bucket) = host.split_once('/')?;
        self.targets
            .iter()
            .any(|t| t.path_style && t.host == authority.to_ascii_lowercase() && t.bucket == bucket)
            .then_some((authority, bucket))
    }

    /// The object key a canonical URI names on `host`, if `host` is an allowed target.
    fn key_of(&self, host: &str, uri: &str) -> Result<String> {
        let host = host.to_ascii_lowercase();
        let decoded = decode_path(uri)
            .ok_or_else(|| refuse("the URI is not percent-encoded UTF-8".into()))?;
        for target in self.targets.iter().filter(|t| t.host == host) {
            let rest = if target.path_style {
                decoded.strip_prefix(&format!("/{}/", target.bucket))
            } else {
                decoded.strip_prefix('/')
            };
            if let Some(key) = rest {
                return Ok(key.to_owned());
            }
        }
        Err(refuse(format!(
            "host {host:?} and path are not an allowed bucket"
        )))
    }
}

/// The canonical request a path-style request really is, for a Fine Uploader request
/// whose host line carries the bucket ([`UploadRules::path_style_bucket`]): the bucket
/// moved from the host line to the front of the URI.
fn path_style_canonical(parts: &CanonicalParts<'_>, authority: &str, bucket: &str) -> String {
    let headers: Vec<String> = parts
        .headers
        .split('\n')
        .map(|line| match line.strip_prefix("host:") {
            Some(_) => format!("host:{authority}"),
            None => line.to_owned(),
        })
        .collect();
    format!(
        "{}\n/{bucket}{}\n{}\n{}\n\n{}\n{}",
        parts.method,
        parts.uri,
        parts.query,
        headers.join("\n"),
        parts.signed_headers,
        parts.payload_hash
    )
}

/// What a signing endpoint answers to an uploader, from [`UploadRules::sign_request`].
///
/// ```
/// use sigv4::UploadAnswer;
/// let answer = UploadAnswer::Policy { policy: "eyJ9".into(), signature: "ab".into() };
/// if let UploadAnswer::Policy { signature, .. } = &answer {
///     assert_eq!(signature, "ab");
/// }
/// assert_eq!(answer.to_json(), r#"{"policy":"eyJ9","signature":"ab"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UploadAnswer {
    /// A POST policy, signed as read and checked (not as the bytes sent).
    Policy {
        /// The policy, base64 (the form's `policy` field).
        policy: String,
        /// Its signature (the form's `x-amz-signature` field).
        signature: String,
    },
    /// A multipart-upload request's string to sign, signed.
    Multipart {
        /// The signature.
        signature: String,
        /// The method, canonical URI and query of the request signed (for logs).
        operation: String,
    },
}

impl UploadAnswer {
    /// The JSON body Fine Uploader expects: `{"policy", "signature"}` or `{"signature"}`.
    ///
    /// ```
    /// let a = sigv4::UploadAnswer::Multipart { signature: "ab".into(), operation: String::new() };
    /// assert_eq!(a.to_json(), r#"{"signature":"ab"}"#);
    /// ```
    pub fn to_json(&self) -> String {
        let value = match self {
            UploadAnswer::Policy { policy, signature } => {
                serde_json::json!({"policy": policy, "signature": signature})
            }
            UploadAnswer::Multipart { signature, .. } => {
                serde_json::json!({"signature": signature})
            }
        };
        value.to_string()
    }
}

impl UploadRules {
    /// Answers an uploader's signing request (Fine Uploader's JSON body), signing with
    /// `credentials` for `region` and service `s3` only what these rules allow: a POST
    /// policy (`{"expiration", "conditions"}`, signed with the key of its `x-amz-date`),
    /// or a multipart request (`{"headers": "<string to sign>"}`). The same answer for
    /// `sigv4 serve` and the Python helpers.
    ///
    /// Errors: [`ErrorKind::InvalidSigningRequest`], [`ErrorKind::InvalidPolicy`] or
    /// [`ErrorKind::InvalidScope`] for a request that is malformed (HTTP 400), and
    /// [`ErrorKind::UploadRefused`] for one outside the rules (HTTP 403).
    ///
    /// ```
    /// use sigv4::{Credentials, Signer, SigningTime, UploadAnswer, UploadRules, UploadTarget};
    /// let rules = UploadRules::new(vec![UploadTarget::new("b", "127.0.0.1:9000", true)], vec!["up/".into()], 1 << 20);
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
    /// let now = SigningTime::parse("20151229T000000Z")?;
    /// let policy = r#"{"expiration":"2015-12-29T00:10:00.000Z","conditions":[{"bucket":"b"},
    ///     ["starts-with","$key","up/"],["content-length-range",1,1000],{"x-amz-algorithm":"AWS4-HMAC-SHA256"},
    ///     {"x-amz-credential":"AKIDEXAMPLE/20151229/us-east-1/s3/aws4_request"},{"x-amz-date":"20151229T000000Z"}]}"#;
    /// let answer = rules.sign_request(policy, &Signer::new(), &creds, "us-east-1", now)?;
    /// assert!(matches!(answer, UploadAnswer::Policy { .. }));
    /// let too_big = policy.replace("1000", "2000000");
    /// let refused = rules.sign_request(&too_big, &Signer::new(), &creds, "us-east-1", now);
    /// assert!(matches!(refused.unwrap_err().kind(), sigv4::ErrorKind::UploadRefused { .. }));
    /// let garbage = rules.sign_request("{", &Signer::new(), &creds, "us-east-1", now);
    /// assert!(matches!(garbage.unwrap_err().kind(), sigv4::ErrorKind::InvalidSigningRequest { .. }));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn sign_request(
        &self,
        body: &str,
        signer: &Signer,
        credentials: &Credentials,
        region: &str,
        now: SigningTime,
    ) -> Result<UploadAnswer> {
        let value: serde_json::Value =
            serde_json::from_str(body).map_err(|e| ErrorKind::InvalidSigningRequest {
                reason: format!("not JSON: {e}"),
            })?;
        match value.get("headers") {
            Some(serde_json::Value::String(asked)) => {
                self.sign_multipart(asked, signer, credentials, region, now)
            }
            Some(_) => Err(ErrorKind::InvalidSigningRequest {
                reason: "\"headers\" is not a string".into(),
            }
            .into()),
            None => self.sign_policy(body, signer, credentials, region, now),
        }
    }

    fn sign_policy(
        &self,
        body: &str,
        signer: &Signer,
        credentials: &Credentials,
        region: &str,
        now: SigningTime,
    ) -> Result<UploadAnswer> {
        let policy = PostPolicy::parse(body)?;
        // The key of the date the policy's credential names (checked against the rules).
        let date = policy.conditions().iter().find_map(|c| match c {
            PolicyCondition::Equals { field, value }
                if field.eq_ignore_ascii_case("x-amz-date") =>
            {
                SigningTime::parse(value).ok()
            }
            _ => None,
        });
        let date = date.ok_or_else(|| ErrorKind::InvalidPolicy {
            reason: "the policy has no x-amz-date condition".into(),
        })?;
        let params = SigningParams::new(credentials, region, "s3", date)?;
        self.check_policy(&policy, &params, now)?;
        // Sign the policy as read and checked, not the bytes sent.
        let policy = policy.to_base64();
        let signature = crate::post_policy::sign_post_policy(&signer.signing_key(&params), &policy);
        Ok(UploadAnswer::Policy { policy, signature })
    }

    fn sign_multipart(
        &self,
        asked: &str,
        signer: &Signer,
        credentials: &Credentials,
        region: &str,
        now: SigningTime,
    ) -> Result<UploadAnswer> {
        let date = asked
            .split('\n')
            .nth(1)
            .and_then(|d| SigningTime::parse(d).ok())
            .ok_or_else(|| ErrorKind::InvalidSigningRequest {
                reason: "no X-Amz-Date on the string to sign's second line".into(),
            })?;
        let params = SigningParams::new(credentials, region, "s3", date)?;
        let sts = self.check_multipart(asked, &params.credential_scope(), now)?;
        let signature = signer.signing_key(&params).sign(sts.as_bytes());
        // Method, URI and query as asked (checked above): which operation was signed.
        let operation = asked.split('\n').skip(3).take(3).collect::<Vec<_>>();
        let operation = match operation.as_slice() {
            [method, uri, ""] => format!("{method} {uri}"),
            [method, uri, query] => format!("{method} {uri}?{query}"),
            _ => String::new(),
        };
        Ok(UploadAnswer::Multipart {
            signature,
            operation,
        })
    }
}

fn refuse(reason: String) -> crate::Error {
    ErrorKind::UploadRefused { reason }.into()
}

/// A canonical URI decoded (`%XY` only; `+` is a plus in a path).
fn decode_path(uri: &str) -> Option<String> {
    if uri.contains('+') {
        let parts: Vec<String> = uri
            .split('+')
            .map(|p| String::from_utf8(decode_query_component(p).into_owned()).ok())
            .collect::<Option<_>>()?;
        return Some(parts.join("+"));
    }
    String::from_utf8(decode_query_component(uri).into_owned()).ok()
}

/// Which multipart operation a method and canonical query are, if any.
fn multipart_operation(method: &str, query: &str) -> Result<&'static str> {
    let pairs: Vec<(&str, &str)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    // Upload IDs are printable: an encoded control character or space is refused.
    let upload_id_ok = |v: &str| {
        !v.is_empty()
            && v.len() <= 1024
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"%-._~".contains(&b))
            && decode_query_component(v).iter().all(u8::is_ascii_graphic)
    };
    let op = match (method, pairs.as_slice()) {
        ("POST", [("uploads", "")]) => "initiate",
        ("PUT", [("partNumber", n), ("uploadId", id)])
            if n.parse::<u32>().is_ok_and(|n| (1..=10_000).contains(&n))
                && !n.starts_with('0')
                && upload_id_ok(id) =>
        {
            "upload part"
        }
        ("POST", [("uploadId", id)]) if upload_id_ok(id) => "complete",
        ("DELETE", [("uploadId", id)]) if upload_id_ok(id) => "abort",
        _ => {
            return Err(refuse(format!(
                "{method} with query {query:?} is not a multipart upload operation"
            )));
        }
    };
    Ok(op)
}

/// `type/subtype` (RFC 9110 tokens), then only `;` parameters: one media type, where a
/// comma would make a list that browsers read by its last entry.
fn is_one_media_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim();
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    !value.contains(',')
        && essence
            .split_once('/')
            .is_some_and(|(kind, sub)| token(kind) && token(sub))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by a security review of serve: keys with dot segments were signed, and
    /// s3s-fs resolved them into another bucket; a comma in Content-Type passed a
    /// restricted family, and browsers read the last type of the list.
    #[test]
    fn dot_segments_and_type_lists_are_refused() {
        let mut rules = UploadRules::new(
            vec![UploadTarget::new("b", "b.s3.amazonaws.com", false)],
            vec!["uploads/".into()],
            1000,
        );
        for key in [
            "uploads/a.png",
            "uploads/x/y.png",
            "uploads/..a",
            "uploads/a..png",
        ] {
            assert!(rules.allows_key(key), "{key}");
        }
        for key in [
            "uploads/../other/x",
            "uploads/./x",
            "uploads/x/..",
            "uploads//x",
            "uploads/x/",
            "uploads/",
        ] {
            assert!(!rules.allows_key(key), "{key}");
        }
        let now = SigningTime::parse("20151229T000000Z").expect("time");
        let creds = Credentials::new("AKIDEXAMPLE", "secret").expect("creds");
        let params = SigningParams::new(&creds, "us-east-1", "s3", now).expect("params");
        let base = || {
            PostPolicy::new(SigningTime::parse("20151229T003000Z").expect("time"))
                .with(PolicyCondition::equals("bucket", "b"))
                .with(PolicyCondition::content_length_range(0, 1000))
                .with(PolicyCondition::equals("x-amz-algorithm", ALGORITHM))
                .with(PolicyCondition::equals(
                    "x-amz-credential",
                    "AKIDEXAMPLE/20151229/us-east-1/s3/aws4_request",
                ))
                .with(PolicyCondition::equals("x-amz-date", "20151229T000000Z"))
        };
        let with = |conditions: &[PolicyCondition]| {
            conditions.iter().fold(base(), |p, c| p.with(c.clone()))
        };
        rules.content_types = vec!["image/".into()];
        let ok = [
            vec![PolicyCondition::equals("key", "uploads/a.png")],
            vec![PolicyCondition::starts_with("key", "uploads/")],
            vec![PolicyCondition::starts_with("key", "uploads/user1/")],
            vec![
                PolicyCondition::equals("key", "uploads/a.png"),
                PolicyCondition::equals("Content-Type", "image/png"),
            ],
        ];
        for conditions in ok {
            assert!(
                rules.check_policy(&with(&conditions), &params, now).is_ok(),
                "{conditions:?}"
            );
        }
        let refused = [
            vec![PolicyCondition::equals("key", "uploads/../../other/x")],
            vec![PolicyCondition::starts_with("key", "uploads/../")],
            vec![PolicyCondition::starts_with("key", "uploads//")],
            vec![
                PolicyCondition::equals("key", "uploads/a.png"),
                PolicyCondition::equals("Content-Type", "image/png,text/html"),
            ],
            vec![
                PolicyCondition::equals("key", "uploads/a.png"),
                PolicyCondition::starts_with("Content-Type", "image/"),
            ],
        ];
        for conditions in refused {
            assert!(
                rules
                    .check_policy(&with(&conditions), &params, now)
                    .is_err(),
                "{conditions:?}"
            );
        }
        for value in [
            "image/png,text/html",
            "image/png, text/html",
            "image",
            "image/",
            "/png",
        ] {
            assert!(!rules.allows_content_type(value), "{value}");
        }
        // With no type restricted, any value is the admin's choice.
        rules.content_types.clear();
        assert!(rules.allows_content_type("image/png,text/html"));
    }

    #[test]
    fn multipart_can_be_turned_off() {
        let mut rules = UploadRules::new(
            vec![UploadTarget::new("b", "b.s3.amazonaws.com", false)],
            vec!["uploads/".into()],
            1000,
        );
        let now = SigningTime::parse("20151229T000000Z").expect("time");
        let asked = "AWS4-HMAC-SHA256\n20151229T000000Z\n20151229/us-east-1/s3/aws4_request\n\
            POST\n/uploads/a.png\nuploads=\nhost:b.s3.amazonaws.com\n\
            x-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:20151229T000000Z\n\n\
            host;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD";
        let scope = "20151229/us-east-1/s3/aws4_request";
        assert!(rules.check_multipart(asked, scope, now).is_ok());
        rules.multipart = false;
        let err = rules.check_multipart(asked, scope, now).expect_err("off");
        assert!(err.to_string().contains("no multipart uploads"), "{err}");
        // The same key with a dot segment, even percent-encoded, is refused.
        rules.multipart = true;
        let dotted = asked.replace("/uploads/a.png", "/uploads/%2E%2E/other/a.png");
        assert!(rules.check_multipart(&dotted, scope, now).is_err());
    }

    #[test]
    fn locate_gives_each_front_end_the_same_target_and_url() {
        let at = |endpoint, region| UploadTarget::locate("up-loads.1", endpoint, region);
        // On AWS a name with dots goes path-style (the certificate covers one label),
        // one without virtual-hosted.
        let (target, url) = at(None, "eu-west-1").expect("aws");
        assert_eq!(
            target,
            UploadTarget::new("up-loads.1", "s3.eu-west-1.amazonaws.com", true)
        );
        assert_eq!(url, "https://s3.eu-west-1.amazonaws.com/up-loads.1/");
        let (target, url) = UploadTarget::locate("up-loads-1", None, "eu-west-1").expect("aws");
        assert_eq!(
            target,
            UploadTarget::new("up-loads-1", "up-loads-1.s3.eu-west-1.amazonaws.com", false)
        );
        assert_eq!(url, "https://up-loads-1.s3.eu-west-1.amazonaws.com/");
        for endpoint in [
            "http://127.0.0.1:9000",
            "http://127.0.0.1:9000/",
            "HTTP://127.0.0.1:9000",
        ] {
            let (target, url) = at(Some(endpoint), "us-east-1").expect(endpoint);
            assert_eq!(
                target,
                UploadTarget::new("up-loads.1", "127.0.0.1:9000", true)
            );
            assert_eq!(url, "http://127.0.0.1:9000/up-loads.1/", "{endpoint}");
        }
        let (_, url) = at(Some("https://S3.Example.com"), "us-east-1").expect("https");
        assert_eq!(url, "https://S3.Example.com/up-loads.1/");
        for (endpoint, why) in [
            ("127.0.0.1:9000", "http:// or https://"),
            ("ftp://127.0.0.1", "http:// or https://"),
            ("http://", "no host"),
            ("http:///", "no host"),
            ("http://127.0.0.1:9000/minio", "scheme and host only"),
            ("http://127.0.0.1:9000?x=1", "scheme and host only"),
            ("http://127.0.0.1:9000#f", "scheme and host only"),
            ("http://127.0.0.1 :9000", ""),
            ("http://a\u{7f}b", ""),
        ] {
            let err = at(Some(endpoint), "us-east-1").expect_err(endpoint);
            assert!(
                matches!(err.kind(), ErrorKind::InvalidEndpoint { endpoint: e, .. } if e == endpoint),
                "{endpoint}: {err}"
            );
            assert!(err.to_string().contains(why), "{endpoint}: {err}");
        }
        let err = UploadTarget::locate("Bad_Bucket", None, "us-east-1").expect_err("bucket");
        assert!(
            matches!(err.kind(), ErrorKind::InvalidBucket { .. }),
            "{err}"
        );
        for region in ["eu west 1", "evil.example/x", ""] {
            let err = at(None, region).expect_err(region);
            assert!(
                matches!(err.kind(), ErrorKind::InvalidScope { .. }),
                "{err}"
            );
        }
    }
}
