//! S3 POST policies: browser form uploads. The policy is a JSON document (an expiration
//! and conditions on the form's fields and the file's size); the form carries its base64
//! as `policy` and `x-amz-signature`, the hex HMAC of that base64 (not of the JSON) with
//! the SigV4 signing key.

use std::fmt::{self, Write as _};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::Value;

use crate::error::{ErrorKind, Result};
use crate::key::SigningKey;
use crate::sign::{ALGORITHM, Signer, SigningParams, check_expiry, checked_token};
use crate::time::SigningTime;

/// A condition of a POST policy.
///
/// ```
/// use sigv4::PolicyCondition;
/// let c = PolicyCondition::starts_with("key", "uploads/");
/// assert_eq!(c.to_json(), r#"["starts-with","$key","uploads/"]"#);
/// ```
///
/// `Debug` and the errors of [`PostPolicy::check`] hide a session token's value.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyCondition {
    /// The field equals the value (`{"field": "value"}` or `["eq", "$field", "value"]`).
    Equals {
        /// The form field, without `$`.
        field: String,
        /// The value it must have.
        value: String,
    },
    /// The field starts with the prefix (an empty prefix allows any value).
    StartsWith {
        /// The form field, without `$`.
        field: String,
        /// The prefix.
        prefix: String,
    },
    /// The file's size, in bytes, lies in `min..=max`.
    ContentLengthRange {
        /// The smallest size allowed.
        min: u64,
        /// The largest size allowed.
        max: u64,
    },
}

impl PolicyCondition {
    /// `{"field": "value"}`.
    ///
    /// ```
    /// assert_eq!(sigv4::PolicyCondition::equals("acl", "private").to_json(), r#"{"acl":"private"}"#);
    /// ```
    pub fn equals(field: &str, value: &str) -> Self {
        PolicyCondition::Equals {
            field: field.to_owned(),
            value: value.to_owned(),
        }
    }

    /// `["starts-with", "$field", "prefix"]`.
    ///
    /// ```
    /// let c = sigv4::PolicyCondition::starts_with("Content-Type", "image/");
    /// ```
    pub fn starts_with(field: &str, prefix: &str) -> Self {
        PolicyCondition::StartsWith {
            field: field.to_owned(),
            prefix: prefix.to_owned(),
        }
    }

    /// `["content-length-range", min, max]`.
    ///
    /// ```
    /// let c = sigv4::PolicyCondition::content_length_range(1, 10 * 1024 * 1024);
    /// assert_eq!(c.to_json(), r#"["content-length-range",1,10485760]"#);
    /// ```
    pub fn content_length_range(min: u64, max: u64) -> Self {
        PolicyCondition::ContentLengthRange { min, max }
    }

    /// The field it is about (none for a size range).
    ///
    /// ```
    /// assert_eq!(sigv4::PolicyCondition::equals("key", "a").field(), Some("key"));
    /// ```
    pub fn field(&self) -> Option<&str> {
        match self {
            PolicyCondition::Equals { field, .. } | PolicyCondition::StartsWith { field, .. } => {
                Some(field)
            }
            PolicyCondition::ContentLengthRange { .. } => None,
        }
    }

    /// The condition as policy JSON.
    ///
    /// ```
    /// assert_eq!(sigv4::PolicyCondition::equals("bucket", "b").to_json(), r#"{"bucket":"b"}"#);
    /// ```
    pub fn to_json(&self) -> String {
        self.value().to_string()
    }

    /// The same condition with a session token's value replaced by `<redacted>`, to show
    /// to a person.
    pub(crate) fn redacted(&self) -> Self {
        match self {
            PolicyCondition::Equals { field, .. } if is_token_field(field) => {
                Self::equals(field, "<redacted>")
            }
            PolicyCondition::StartsWith { field, .. } if is_token_field(field) => {
                Self::starts_with(field, "<redacted>")
            }
            other => other.clone(),
        }
    }

    fn value(&self) -> Value {
        match self {
            PolicyCondition::Equals { field, value } => {
                let mut map = serde_json::Map::new();
                map.insert(field.clone(), Value::String(value.clone()));
                Value::Object(map)
            }
            PolicyCondition::StartsWith { field, prefix } => {
                serde_json::json!(["starts-with", format!("${field}"), prefix])
            }
            PolicyCondition::ContentLengthRange { min, max } => {
                serde_json::json!(["content-length-range", min, max])
            }
        }
    }

    fn parse(value: &Value) -> Result<Self> {
        let bad = |reason: &str| {
            let text = value.to_string();
            let shown = if text.to_ascii_lowercase().contains("x-amz-security-token") {
                "(the x-amz-security-token condition, value not shown)".to_owned()
            } else {
                text
            };
            invalid(format!("condition {shown}: {reason}"))
        };
        match value {
            Value::Object(map) => {
                let mut entries = map.iter();
                match (entries.next(), entries.next()) {
                    (Some((field, Value::String(v))), None) => Ok(Self::equals(field, v)),
                    _ => Err(bad("an exact match is one \"field\": \"value\" pair")),
                }
            }
            Value::Array(items) => match items.as_slice() {
                [Value::String(op), Value::String(field), Value::String(v)]
                    if op.eq_ignore_ascii_case("eq") || op.eq_ignore_ascii_case("starts-with") =>
                {
                    let Some(field) = field.strip_prefix('$') else {
                        return Err(bad("the field is written \"$name\""));
                    };
                    if op.eq_ignore_ascii_case("eq") {
                        Ok(Self::equals(field, v))
                    } else {
                        Ok(Self::starts_with(field, v))
                    }
                }
                [Value::String(op), min, max]
                    if op.eq_ignore_ascii_case("content-length-range") =>
                {
                    let number = |v: &Value| {
                        v.as_u64()
                            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                    };
                    match (number(min), number(max)) {
                        (Some(min), Some(max)) if min <= max => {
                            Ok(Self::content_length_range(min, max))
                        }
                        _ => Err(bad(
                            "content-length-range takes two sizes, the smaller first",
                        )),
                    }
                }
                _ => Err(bad(
                    "expected [\"eq\"|\"starts-with\", \"$field\", \"value\"] or [\"content-length-range\", min, max]",
                )),
            },
            _ => Err(bad("a condition is an object or an array")),
        }
    }
}

impl fmt::Debug for PolicyCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.redacted() {
            PolicyCondition::Equals { field, value } => f
                .debug_struct("Equals")
                .field("field", &field)
                .field("value", &value)
                .finish(),
            PolicyCondition::StartsWith { field, prefix } => f
                .debug_struct("StartsWith")
                .field("field", &field)
                .field("prefix", &prefix)
                .finish(),
            PolicyCondition::ContentLengthRange { min, max } => f
                .debug_struct("ContentLengthRange")
                .field("min", &min)
                .field("max", &max)
                .finish(),
        }
    }
}

/// Whether a form field holds the session token (a secret: never shown).
fn is_token_field(field: &str) -> bool {
    field.eq_ignore_ascii_case("x-amz-security-token")
}

fn invalid(reason: String) -> crate::Error {
    ErrorKind::InvalidPolicy { reason }.into()
}

fn violation(subject: impl Into<String>, reason: &'static str) -> crate::Error {
    ErrorKind::PolicyViolation {
        subject: subject.into(),
        reason,
    }
    .into()
}

/// The largest policy [`PostPolicy::parse`] reads (S3's own limit is 20 KiB).
pub const MAX_POLICY_BYTES: usize = 20 * 1024;

/// A POST policy: an expiration and conditions.
///
/// ```
/// use sigv4::{PolicyCondition, PostPolicy, SigningTime};
/// let policy = PostPolicy::new(SigningTime::parse("20151230T120000Z")?)
///     .with(PolicyCondition::equals("bucket", "sigv4examplebucket"))
///     .with(PolicyCondition::starts_with("key", "user/user1/"));
/// assert!(policy.to_json().starts_with(r#"{"expiration":"2015-12-30T12:00:00.000Z","conditions":[{"bucket""#));
/// let again = PostPolicy::parse(&policy.to_json())?;
/// assert_eq!(again, policy);
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostPolicy {
    expiration: SigningTime,
    conditions: Vec<PolicyCondition>,
}

impl PostPolicy {
    /// A policy that expires at `expiration`, with no conditions yet.
    ///
    /// ```
    /// let p = sigv4::PostPolicy::new(sigv4::SigningTime::from_unix_seconds(0)?);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn new(expiration: SigningTime) -> Self {
        PostPolicy {
            expiration,
            conditions: Vec::new(),
        }
    }

    /// The same policy with one more condition.
    ///
    /// ```
    /// let p = sigv4::PostPolicy::new(sigv4::SigningTime::from_unix_seconds(0)?)
    ///     .with(sigv4::PolicyCondition::content_length_range(0, 100));
    /// assert_eq!(p.conditions().len(), 1);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[must_use]
    pub fn with(mut self, condition: PolicyCondition) -> Self {
        self.conditions.push(condition);
        self
    }

    /// The expiration.
    ///
    /// ```
    /// let t = sigv4::SigningTime::from_unix_seconds(0)?;
    /// assert_eq!(sigv4::PostPolicy::new(t).expiration(), t);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn expiration(&self) -> SigningTime {
        self.expiration
    }

    /// The conditions, in order.
    ///
    /// ```
    /// let p = sigv4::PostPolicy::new(sigv4::SigningTime::from_unix_seconds(0)?);
    /// assert!(p.conditions().is_empty());
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn conditions(&self) -> &[PolicyCondition] {
        &self.conditions
    }

    /// The policy as compact JSON, the expiration with milliseconds as AWS writes it.
    ///
    /// ```
    /// let p = sigv4::PostPolicy::new(sigv4::SigningTime::from_unix_seconds(0)?);
    /// assert_eq!(p.to_json(), r#"{"expiration":"1970-01-01T00:00:00.000Z","conditions":[]}"#);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        let iso = self.expiration.iso8601();
        let mut out = String::with_capacity(64 + 48 * self.conditions.len());
        let _ = write!(
            out,
            "{{\"expiration\":\"{}.000Z\",\"conditions\":[",
            iso.trim_end_matches('Z')
        );
        for (i, c) in self.conditions.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&c.to_json());
        }
        out.push_str("]}");
        out
    }

    /// The base64 of [`to_json`](Self::to_json): the form's `policy` field and what is
    /// signed.
    ///
    /// ```
    /// let p = sigv4::PostPolicy::new(sigv4::SigningTime::from_unix_seconds(0)?);
    /// assert!(p.to_base64().starts_with("eyJleHBpcmF0aW9uIj"));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.to_json())
    }

    /// Reads a policy document (JSON, at most 20 KiB, at most 100 conditions).
    /// Duplicate keys and unknown top-level keys are refused, so that what is read is
    /// all there is.
    ///
    /// ```
    /// assert!(sigv4::PostPolicy::parse(r#"{"conditions": []}"#).is_err());
    /// ```
    pub fn parse(json: &str) -> Result<Self> {
        if json.len() > MAX_POLICY_BYTES {
            return Err(invalid(format!(
                "{} bytes, more than the {MAX_POLICY_BYTES} allowed",
                json.len()
            )));
        }
        if has_duplicate_keys(json) {
            return Err(invalid("a key appears twice in one object".into()));
        }
        let value: Value =
            serde_json::from_str(json).map_err(|e| invalid(format!("not JSON: {e}")))?;
        let Value::Object(map) = &value else {
            return Err(invalid("a policy is a JSON object".into()));
        };
        if let Some(key) = map
            .keys()
            .find(|k| *k != "expiration" && *k != "conditions")
        {
            return Err(invalid(format!("unexpected key {key:?}")));
        }
        let Some(Value::String(expiration)) = map.get("expiration") else {
            return Err(invalid(
                "\"expiration\" (an ISO 8601 time) is missing".into(),
            ));
        };
        let expiration = SigningTime::parse_iso8601(expiration)
            .map_err(|_| invalid(format!("expiration {expiration:?} is not an ISO 8601 time")))?;
        let Some(Value::Array(items)) = map.get("conditions") else {
            return Err(invalid("\"conditions\" (an array) is missing".into()));
        };
        if items.len() > 100 {
            return Err(invalid("more than 100 conditions".into()));
        }
        let conditions = items
            .iter()
            .map(PolicyCondition::parse)
            .collect::<Result<Vec<_>>>()?;
        Ok(PostPolicy {
            expiration,
            conditions,
        })
    }

    /// Reads the `policy` field of a form (base64 of the JSON).
    ///
    /// ```
    /// let p = sigv4::PostPolicy::new(sigv4::SigningTime::from_unix_seconds(0)?);
    /// assert_eq!(sigv4::PostPolicy::from_base64(&p.to_base64())?, p);
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn from_base64(policy: &str) -> Result<Self> {
        if policy.len() > MAX_POLICY_BYTES * 4 / 3 + 4 {
            return Err(invalid("the policy field is too long".into()));
        }
        let bytes = BASE64
            .decode(policy.trim())
            .map_err(|_| invalid("the policy field is not base64".into()))?;
        let text =
            String::from_utf8(bytes).map_err(|_| invalid("the policy is not UTF-8 JSON".into()))?;
        Self::parse(&text)
    }

    /// Checks a form upload to `bucket` against the policy as S3 does: the policy has not
    /// expired, every condition holds (`bucket` is the bucket posted to, not a form
    /// field), the file size is in any `content-length-range`, and every form field is
    /// covered by a condition (except `policy`, `x-amz-signature`, `file` and
    /// `x-ignore-*`). Field names are compared without regard to case.
    ///
    /// ```
    /// use sigv4::{PolicyCondition, PostPolicy, SigningTime};
    /// let now = SigningTime::parse("20151229T000000Z")?;
    /// let policy = PostPolicy::new(SigningTime::parse("20151230T000000Z")?)
    ///     .with(PolicyCondition::equals("bucket", "b"))
    ///     .with(PolicyCondition::starts_with("key", "up/"))
    ///     .with(PolicyCondition::content_length_range(1, 1000));
    /// let form = [("key", "up/a.txt")];
    /// assert!(policy.check("b", &form, 10, now).is_ok());
    /// assert!(policy.check("b", &form, 2000, now).is_err());
    /// assert!(policy.check("other", &form, 10, now).is_err());
    /// assert!(policy.check("b", &[("key", "down/a.txt")], 10, now).is_err());
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn check(
        &self,
        bucket: &str,
        form: &[(&str, &str)],
        file_size: u64,
        now: SigningTime,
    ) -> Result<()> {
        if now.unix_seconds() >= self.expiration.unix_seconds() {
            return Err(violation("expiration", "the policy has expired"));
        }
        let get = |field: &str| {
            if field.eq_ignore_ascii_case("bucket") {
                return Some(bucket);
            }
            form.iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(field))
                .map(|&(_, value)| value)
        };
        for condition in &self.conditions {
            match condition {
                PolicyCondition::Equals { field, value } => match get(field) {
                    Some(v) if v == value => {}
                    Some(_) => {
                        return Err(violation(
                            condition.redacted().to_json(),
                            "the field has another value",
                        ));
                    }
                    None => {
                        return Err(violation(
                            condition.redacted().to_json(),
                            "the form lacks this field",
                        ));
                    }
                },
                PolicyCondition::StartsWith { field, prefix } => match get(field) {
                    Some(v) if v.starts_with(prefix.as_str()) => {}
                    Some(_) => {
                        return Err(violation(
                            condition.redacted().to_json(),
                            "the field does not start with the prefix",
                        ));
                    }
                    None => {
                        return Err(violation(
                            condition.redacted().to_json(),
                            "the form lacks this field",
                        ));
                    }
                },
                PolicyCondition::ContentLengthRange { min, max } => {
                    if file_size < *min || file_size > *max {
                        return Err(violation(
                            condition.to_json(),
                            "the file's size is out of range",
                        ));
                    }
                }
            }
        }
        for (name, _) in form {
            let lower = name.to_ascii_lowercase();
            let exempt = matches!(lower.as_str(), "policy" | "x-amz-signature" | "file")
                || lower.starts_with("x-ignore-");
            let covered = self
                .conditions
                .iter()
                .any(|c| c.field().is_some_and(|f| f.eq_ignore_ascii_case(name)));
            if !exempt && !covered {
                return Err(violation(*name, "the form has a field no condition names"));
            }
        }
        Ok(())
    }
}

/// Whether any JSON object in `json` has a key twice (serde_json keeps the last, S3 may
/// not: refusing them leaves no doubt about what was checked).
fn has_duplicate_keys(json: &str) -> bool {
    // serde_json's map keeps the last of duplicate keys: count them in a raw pass.
    struct Counter(bool);
    impl<'de> serde::de::Visitor<'de> for Counter {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            let mut seen = std::collections::HashSet::new();
            let mut dup = self.0;
            while let Some(key) = map.next_key::<String>()? {
                dup |= !seen.insert(key);
                dup |= map.next_value_seed(Seed)?;
            }
            Ok(dup)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
            let mut dup = self.0;
            while let Some(d) = seq.next_element_seed(Seed)? {
                dup |= d;
            }
            Ok(dup)
        }
        fn visit_str<E>(self, _: &str) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_unit<E>(self) -> Result<bool, E> {
            Ok(false)
        }
    }
    struct Seed;
    impl<'de> serde::de::DeserializeSeed<'de> for Seed {
        type Value = bool;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_any(Counter(false))
        }
    }
    let mut de = serde_json::Deserializer::from_str(json);
    serde::de::DeserializeSeed::deserialize(Seed, &mut de).unwrap_or(false)
}

/// The hex signature of a POST policy: HMAC-SHA256 with the signing key of the policy's
/// `x-amz-credential` scope, over the policy's base64 text (not the JSON).
///
/// ```
/// let key = sigv4::SigningKey::derive("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20151229", "us-east-1", "s3");
/// let policy = sigv4::PostPolicy::new(sigv4::SigningTime::parse("20151230T120000Z")?);
/// let sig = sigv4::sign_post_policy(&key, &policy.to_base64());
/// assert_eq!(sig, key.sign(policy.to_base64().as_bytes()));
/// # Ok::<(), sigv4::Error>(())
/// ```
pub fn sign_post_policy(key: &SigningKey, policy_base64: &str) -> String {
    key.sign(policy_base64.as_bytes())
}

/// What a browser form needs to upload to S3: the URL to POST to, and the fields to
/// send before the `file` field.
///
/// ```
/// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
/// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "s3", sigv4::SigningTime::parse("20151229T000000Z")?)?;
/// let form = sigv4::PostForm::new(
///     "https://examplebucket.s3.amazonaws.com/", "examplebucket", "uploads/${filename}");
/// let post = sigv4::Signer::new().presign_post(&form, &params, std::time::Duration::from_secs(3600))?;
/// assert_eq!(post.fields[0], ("key".to_string(), "uploads/${filename}".to_string()));
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PresignedPost {
    /// Where the form is POSTed (the bucket's endpoint).
    pub url: String,
    /// The form fields, in order: `key`, the caller's fields, `x-amz-algorithm`,
    /// `x-amz-credential`, `x-amz-date`, `x-amz-security-token` (with temporary
    /// credentials), `policy`, `x-amz-signature`.
    pub fields: Vec<(String, String)>,
    /// The policy that was signed.
    pub policy: PostPolicy,
}

/// Hides the session token and the signature; the policy is shown decoded (token
/// hidden) rather than as the base64 field.
impl fmt::Debug for PresignedPost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<(&str, &str)> = self
            .fields
            .iter()
            .map(|(name, value)| {
                let shown = if is_token_field(name) || name.eq_ignore_ascii_case("x-amz-signature")
                {
                    "<redacted>"
                } else if name.eq_ignore_ascii_case("policy") {
                    "<base64 of the policy below>"
                } else {
                    value.as_str()
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("PresignedPost")
            .field("url", &self.url)
            .field("fields", &fields)
            .field("policy", &self.policy)
            .finish()
    }
}

/// A browser upload form for [`Signer::presign_post`] to sign: the URL it is POSTed to
/// (the bucket's endpoint), the bucket, the object key, and any extra form fields and
/// policy conditions.
///
/// The key is exact, or a prefix when it ends with `${filename}` (S3 puts the file's
/// name there). Each extra field is sent in the form and, unless a condition names it,
/// signed as an exact-match condition. `Debug` hides a session token's value.
///
/// ```
/// use sigv4::{PolicyCondition, PostForm};
/// let form = PostForm::new("https://examplebucket.s3.amazonaws.com/", "examplebucket", "photos/${filename}")
///     .with_field("Content-Type", "image/jpeg")
///     .with_condition(PolicyCondition::content_length_range(1, 5 << 20));
/// assert_eq!(form.key(), "photos/${filename}");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PostForm<'a> {
    url: &'a str,
    bucket: &'a str,
    key: &'a str,
    fields: Vec<(&'a str, &'a str)>,
    conditions: Vec<PolicyCondition>,
}

impl<'a> PostForm<'a> {
    /// A form that uploads to `key` (or under a `${filename}` prefix) in `bucket`,
    /// POSTed to `url`. Checked when signed: `url` an http(s) URL with a host, `bucket`
    /// a valid S3 bucket name.
    ///
    /// ```
    /// let form = sigv4::PostForm::new("https://bkt.s3.amazonaws.com/", "bkt", "k.txt");
    /// assert_eq!((form.url(), form.bucket()), ("https://bkt.s3.amazonaws.com/", "bkt"));
    /// ```
    pub fn new(url: &'a str, bucket: &'a str, key: &'a str) -> Self {
        PostForm {
            url,
            bucket,
            key,
            fields: Vec::new(),
            conditions: Vec::new(),
        }
    }

    /// Adds a form field (`Content-Type`, `acl`, `success_action_status`, ...), signed as
    /// an exact-match condition unless a condition names it. The fields the signer
    /// writes itself (`key`, `policy`, `x-amz-*` of the signature) are refused when signed.
    ///
    /// ```
    /// let form = sigv4::PostForm::new("https://bkt.s3.amazonaws.com/", "bkt", "k.txt")
    ///     .with_field("acl", "private");
    /// assert_eq!(form.fields(), &[("acl", "private")]);
    /// ```
    #[must_use]
    pub fn with_field(mut self, name: &'a str, value: &'a str) -> Self {
        self.fields.push((name, value));
        self
    }

    /// Adds each of `fields`, as [`PostForm::with_field`] does.
    ///
    /// ```
    /// let form = sigv4::PostForm::new("https://bkt.s3.amazonaws.com/", "bkt", "k.txt")
    ///     .with_fields(&[("acl", "private"), ("Content-Type", "text/plain")]);
    /// assert_eq!(form.fields().len(), 2);
    /// ```
    #[must_use]
    pub fn with_fields(mut self, fields: &[(&'a str, &'a str)]) -> Self {
        self.fields.extend_from_slice(fields);
        self
    }

    /// Adds a policy condition (a size range, a `starts-with`, ...). The bucket, key and
    /// `x-amz-*` conditions are added by the signer.
    ///
    /// ```
    /// use sigv4::PolicyCondition;
    /// let form = sigv4::PostForm::new("https://bkt.s3.amazonaws.com/", "bkt", "k.txt")
    ///     .with_condition(PolicyCondition::starts_with("Content-Type", "image/"));
    /// assert_eq!(form.conditions().len(), 1);
    /// ```
    #[must_use]
    pub fn with_condition(mut self, condition: PolicyCondition) -> Self {
        self.conditions.push(condition);
        self
    }

    /// The URL the form is POSTed to.
    ///
    /// ```
    /// let form = sigv4::PostForm::new("https://bkt.s3.amazonaws.com/", "bkt", "k.txt");
    /// assert_eq!(form.url(), "https://bkt.s3.amazonaws.com/");
    /// ```
    pub fn url(&self) -> &'a str {
        self.url
    }

    /// The bucket.
    ///
    /// ```
    /// assert_eq!(sigv4::PostForm::new("https://bkt.s3.amazonaws.com/", "bkt", "k").bucket(), "bkt");
    /// ```
    pub fn bucket(&self) -> &'a str {
        self.bucket
    }

    /// The key, or the prefix ending with `${filename}`.
    ///
    /// ```
    /// assert_eq!(sigv4::PostForm::new("https://bkt.s3.amazonaws.com/", "bkt", "k").key(), "k");
    /// ```
    pub fn key(&self) -> &'a str {
        self.key
    }

    /// The extra form fields, in the order added.
    ///
    /// ```
    /// assert!(sigv4::PostForm::new("https://bkt.s3.amazonaws.com/", "bkt", "k").fields().is_empty());
    /// ```
    pub fn fields(&self) -> &[(&'a str, &'a str)] {
        &self.fields
    }

    /// The extra policy conditions, in the order added.
    ///
    /// ```
    /// assert!(sigv4::PostForm::new("https://bkt.s3.amazonaws.com/", "bkt", "k").conditions().is_empty());
    /// ```
    pub fn conditions(&self) -> &[PolicyCondition] {
        &self.conditions
    }
}

/// Hides a session token field's value (conditions hide theirs).
impl fmt::Debug for PostForm<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<(&str, &str)> = self
            .fields
            .iter()
            .map(|&(name, value)| {
                let shown = if is_token_field(name.trim()) {
                    "<redacted>"
                } else {
                    value
                };
                (name, shown)
            })
            .collect();
        f.debug_struct("PostForm")
            .field("url", &self.url)
            .field("bucket", &self.bucket)
            .field("key", &self.key)
            .field("fields", &fields)
            .field("conditions", &self.conditions)
            .finish()
    }
}

impl Signer {
    /// Builds and signs the POST policy of a browser upload `form`, as boto3's
    /// `generate_presigned_post` does: the form's fields become exact-match conditions
    /// unless its conditions already name them, and the bucket, key and `x-amz-*`
    /// conditions are added. `expires`: 1 s to 7 days.
    ///
    /// ```
    /// # let creds = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// # let params = sigv4::SigningParams::new(&creds, "us-east-1", "s3", sigv4::SigningTime::parse("20151229T000000Z")?)?;
    /// use sigv4::{PolicyCondition, PostForm};
    /// let form = PostForm::new("https://examplebucket.s3.amazonaws.com/", "examplebucket", "photos/cat.jpg")
    ///     .with_field("Content-Type", "image/jpeg")
    ///     .with_condition(PolicyCondition::content_length_range(1, 5 << 20));
    /// let post = sigv4::Signer::new().presign_post(&form, &params, std::time::Duration::from_secs(600))?;
    /// let fields: Vec<(&str, &str)> = post.fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    /// let later = sigv4::SigningTime::parse("20151229T000500Z")?;
    /// assert!(post.policy.check("examplebucket", &fields, 1000, later).is_ok());
    /// assert!(post.policy.check("examplebucket", &fields, 6 << 20, later).is_err());
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn presign_post(
        &self,
        form: &PostForm<'_>,
        params: &SigningParams<'_>,
        expires: Duration,
    ) -> Result<PresignedPost> {
        let PostForm {
            url,
            bucket,
            key,
            ref fields,
            ref conditions,
        } = *form;
        check_bucket(bucket)?;
        // The form's action: an http(s) URL with a host.
        crate::request::Request::new("POST", url)?;
        // Fields this function writes itself: a second one would contradict the policy.
        if let Some((name, _)) = fields.iter().find(|(name, _)| {
            OWN_FIELDS
                .iter()
                .any(|own| own.eq_ignore_ascii_case(name.trim()))
        }) {
            return Err(invalid(format!(
                "the field {name:?} is written by presign_post itself: leave it out of the form's fields"
            )));
        }
        // S3 would refuse every upload under a range that holds no size.
        if let Some((min, max)) = conditions.iter().find_map(|c| match *c {
            PolicyCondition::ContentLengthRange { min, max } if min > max => Some((min, max)),
            _ => None,
        }) {
            return Err(invalid(format!(
                "content-length-range {min} to {max} holds no size: give the smaller size first"
            )));
        }
        check_expiry(expires)?;
        let time = params.time();
        let expiration =
            SigningTime::from_unix_seconds(time.unix_seconds() + expires.as_secs() as i64)?;
        let credential = format!(
            "{}/{}",
            params.credentials().access_key_id(),
            params.credential_scope()
        );
        let token = checked_token(params.credentials())?;
        let mut policy =
            PostPolicy::new(expiration).with(PolicyCondition::equals("bucket", bucket));
        policy = match key.strip_suffix("${filename}") {
            Some(prefix) => policy.with(PolicyCondition::starts_with("key", prefix)),
            None => policy.with(PolicyCondition::equals("key", key)),
        };
        for &(name, value) in fields {
            let named = conditions
                .iter()
                .any(|c| c.field().is_some_and(|f| f.eq_ignore_ascii_case(name)));
            if !named {
                policy = policy.with(PolicyCondition::equals(name, value));
            }
        }
        for condition in conditions {
            policy = policy.with(condition.clone());
        }
        let amz: Vec<(&str, &str)> = [
            Some(("x-amz-algorithm", ALGORITHM)),
            Some(("x-amz-credential", credential.as_str())),
            Some(("x-amz-date", time.amz_date())),
            token.map(|t| ("x-amz-security-token", t)),
        ]
        .into_iter()
        .flatten()
        .collect();
        for (name, value) in &amz {
            policy = policy.with(PolicyCondition::equals(name, value));
        }
        let base64 = policy.to_base64();
        let signature = sign_post_policy(&self.signing_key(params), &base64);
        let mut form: Vec<(String, String)> = vec![("key".into(), key.into())];
        form.extend(
            fields
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
        );
        form.extend(amz.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())));
        form.push(("policy".into(), base64));
        form.push(("x-amz-signature".into(), signature));
        Ok(PresignedPost {
            url: url.to_owned(),
            fields: form,
            policy,
        })
    }
}

/// The form fields `presign_post` writes from its arguments (and `file`, the upload).
const OWN_FIELDS: [&str; 9] = [
    "key",
    "bucket",
    "policy",
    "file",
    "x-amz-algorithm",
    "x-amz-credential",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-signature",
];

/// S3's rules for a bucket's name (general-purpose buckets).
pub(crate) fn check_bucket(name: &str) -> Result<()> {
    let refuse = |reason| {
        Err(ErrorKind::InvalidBucket {
            name: name.to_owned(),
            reason,
        }
        .into())
    };
    let b = name.as_bytes();
    if !(3..=63).contains(&b.len()) {
        return refuse("a bucket name is 3 to 63 characters long");
    }
    if !b
        .iter()
        .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-')
    {
        return refuse("a bucket name holds only lower-case letters, digits, dots and hyphens");
    }
    let alnum = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !alnum(b.first()) || !alnum(b.last()) {
        return refuse("a bucket name starts and ends with a letter or digit");
    }
    if name.contains("..") {
        return refuse("a bucket name has no two dots in a row");
    }
    Ok(())
}
