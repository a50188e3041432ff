//! `sigv4.Credentials`, and the credentials chain of the `sigv4` command.

use pyo3::prelude::*;

use crate::convert::{error, raise};

/// An access key pair and an optional session token. The secret and the token are
/// zeroized when the object is freed and never appear in repr().
#[pyclass(frozen, module = "sigv4", name = "Credentials")]
pub struct Credentials {
    pub inner: sigv4::Credentials,
    /// When temporary credentials found by `from_environment` expire (Unix seconds).
    pub expires: Option<i64>,
}

#[pymethods]
impl Credentials {
    #[new]
    #[pyo3(signature = (access_key_id, secret_access_key, session_token = None))]
    fn new(
        py: Python<'_>,
        access_key_id: &str,
        secret_access_key: &str,
        session_token: Option<&str>,
    ) -> PyResult<Self> {
        let inner =
            sigv4::Credentials::new(access_key_id, secret_access_key).map_err(|e| error(py, e))?;
        let inner = match session_token.filter(|t| !t.is_empty()) {
            Some(token) => inner.with_session_token(token),
            None => inner,
        };
        Ok(Credentials {
            inner,
            expires: None,
        })
    }

    #[getter]
    fn access_key_id(&self) -> &str {
        self.inner.access_key_id()
    }

    #[getter]
    fn has_session_token(&self) -> bool {
        self.inner.has_session_token()
    }

    /// When temporary credentials found by `from_environment` expire (Unix seconds), else
    /// None.
    #[getter]
    fn expires(&self) -> Option<i64> {
        self.expires
    }

    /// As the AWS CLI and botocore: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
    /// (/AWS_SESSION_TOKEN), else the profile (`profile`, else AWS_PROFILE, else default) in
    /// ~/.aws/credentials and ~/.aws/config (static keys, credential_process, role_arn).
    /// Raises CredentialsError.
    #[staticmethod]
    #[pyo3(signature = (*, profile = None))]
    fn from_environment(py: Python<'_>, profile: Option<&str>) -> PyResult<Self> {
        let found = py.detach(|| sigv4_cli::credentials::load(profile));
        match found {
            Ok(loaded) => Ok(Credentials {
                inner: loaded.credentials,
                expires: loaded.expires,
            }),
            Err(message) => Err(raise(py, "CredentialsError", "Credentials", message)),
        }
    }

    /// Credentials never change: a copy is the object itself.
    fn __copy__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    /// Credentials never change: a deep copy is the object itself.
    fn __deepcopy__<'py>(slf: Bound<'py, Self>, memo: &Bound<'py, PyAny>) -> Bound<'py, Self> {
        let _ = memo; // copy.deepcopy's memo: nothing is copied, so nothing to record
        slf
    }

    /// Refused: a pickle would hold the secret key in clear.
    fn __reduce__(&self) -> PyResult<()> {
        Err(pyo3::exceptions::PyTypeError::new_err(
            "sigv4.Credentials are not pickled: a pickle would hold the secret key in clear (in another process, build them again or use Credentials.from_environment())",
        ))
    }

    fn __repr__(&self) -> String {
        format!(
            "Credentials(access_key_id={:?}, secret_access_key=<redacted>, session_token={})",
            self.inner.access_key_id(),
            if self.inner.has_session_token() {
                "<redacted>"
            } else {
                "None"
            }
        )
    }
}

/// Seconds until credentials expiring at `expires` (Unix seconds, or None) are looked up
/// again: five minutes, or half the time they have left when sooner (as `sigv4 serve`).
#[pyfunction(name = "_renew_after")]
pub fn renew_after(expires: Option<i64>) -> i64 {
    sigv4_cli::credentials::renew_after(expires)
}

/// AWS_REGION, AWS_DEFAULT_REGION, else the profile's `region`.
#[pyfunction]
#[pyo3(signature = (*, profile = None))]
pub fn default_region(py: Python<'_>, profile: Option<&str>) -> Option<String> {
    py.detach(|| sigv4_cli::credentials::region(profile))
}
