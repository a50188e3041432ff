"""The exceptions of sigv4: one hierarchy under `sigv4.Error`.

The native module raises these classes (and sets `kind`, the core's name for the error,
such as "InvalidUrl" or "SignatureMismatch"). Messages never hold a secret.
"""


class Error(Exception):
    """Every error this package raises. `kind` names the core's error (e.g.
    "InvalidUrl"), or "InvalidArgument" (a Python argument), or "Credentials" (no usable
    credentials)."""

    kind: str = "Error"


class InvalidRequestError(Error, ValueError):
    """The request, its parameters or the credentials cannot be signed as given."""

    kind: str = "InvalidArgument"  # raised by the Python glue; the native module sets its own


class CredentialsError(Error):
    """No usable credentials in the environment or the profile files."""

    kind: str = "Credentials"


class VerificationError(Error):
    """verify() refused a request: no or malformed signature, unknown key, expired..."""


class SignatureMismatchError(VerificationError):
    """The signature, payload hash, chunk signature or checksum does not match."""


class PolicyViolationError(Error):
    """A POST policy, form or signing request outside the policy or the upload rules."""
