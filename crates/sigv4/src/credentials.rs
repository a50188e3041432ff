//! Credentials: an access key ID, a secret and maybe a session token.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};

/// AWS credentials, as the caller loaded them (the core reads no environment or file).
///
/// The secret access key and the session token are zeroized when dropped and never
/// shown by `Debug`.
///
/// ```
/// let creds = sigv4::Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?
///     .with_session_token("FwoGZXIvYXdzEXAMPLE");
/// let shown = format!("{creds:?}");
/// assert!(shown.contains("AKIDEXAMPLE"));
/// assert!(!shown.contains("wJalr") && !shown.contains("FwoG"));
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Clone)]
pub struct Credentials {
    /// Stands for the secret in the key cache: unique per `new`, shared by clones.
    id: u64,
    access_key_id: String,
    secret_access_key: Zeroizing<String>,
    session_token: Option<Zeroizing<String>>,
}

impl Credentials {
    /// Credentials from an access key ID and a secret access key.
    ///
    /// The access key ID must be non-empty printable ASCII without `/`, `,` or spaces
    /// (it goes into the credential scope); the secret must be non-empty.
    ///
    /// ```
    /// assert!(sigv4::Credentials::new("AKID/EXAMPLE", "secret").is_err());
    /// assert!(sigv4::Credentials::new("AKIDEXAMPLE", "").is_err());
    /// ```
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
    ) -> Result<Self> {
        let access_key_id = access_key_id.into();
        let secret_access_key = Zeroizing::new(secret_access_key.into());
        if let Some(reason) = access_key_problem(&access_key_id) {
            return Err(ErrorKind::InvalidAccessKeyId { reason }.into());
        }
        if secret_access_key.is_empty() {
            return Err(Error::from(ErrorKind::EmptySecretKey));
        }
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Ok(Credentials {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            access_key_id,
            secret_access_key,
            session_token: None,
        })
    }

    /// The same credentials with a session token (temporary credentials from STS).
    ///
    /// An empty token is no token, as botocore has it (an empty `AWS_SESSION_TOKEN` is
    /// common): nothing is sent or signed for it.
    ///
    /// ```
    /// let c = sigv4::Credentials::new("ASIAEXAMPLE", "secret")?.with_session_token("token");
    /// assert!(c.has_session_token());
    /// let c = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?.with_session_token("");
    /// assert!(!c.has_session_token());
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[must_use]
    pub fn with_session_token(mut self, token: impl Into<String>) -> Self {
        let token = Zeroizing::new(token.into());
        self.session_token = (!token.is_empty()).then_some(token);
        self
    }

    /// The access key ID (not a secret: it travels in every request).
    ///
    /// ```
    /// let c = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// assert_eq!(c.access_key_id(), "AKIDEXAMPLE");
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    #[inline]
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// Whether a session token is present (its value is only handed to the signer).
    ///
    /// ```
    /// let c = sigv4::Credentials::new("AKIDEXAMPLE", "secret")?;
    /// assert!(!c.has_session_token());
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    pub fn has_session_token(&self) -> bool {
        self.session_token.is_some()
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    pub(crate) fn secret(&self) -> &str {
        &self.secret_access_key
    }

    pub(crate) fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref().map(String::as_str)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

fn access_key_problem(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        Some("it is empty")
    } else if !id
        .bytes()
        .all(|b| b.is_ascii_graphic() && b != b'/' && b != b',')
    {
        Some("an access key ID is printable ASCII without '/', ',' or spaces")
    } else {
        None
    }
}
