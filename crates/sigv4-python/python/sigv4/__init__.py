"""AWS Signature Version 4 from the sigv4 Rust core.

    >>> import sigv4
    >>> creds = sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    >>> headers = sigv4.sign(method="GET", credentials=creds, time="20150830T123600Z",
    ...     url="https://polly.eu-west-1.amazonaws.com/v1/voices?LanguageCode=en-US")
    >>> sorted(headers)
    ['Authorization', 'X-Amz-Date']

Service and region come from the URL's host unless given. `sigv4.requests.AWSAuth` and
`sigv4.httpx.AWSAuth` sign requests made with those libraries; `sigv4.flask` serves
Fine Uploader's signing requests under `UploadSigner`'s rules.
"""

from ._errors import (
    CredentialsError,
    Error,
    InvalidRequestError,
    PolicyViolationError,
    SignatureMismatchError,
    VerificationError,
)
from ._sigv4 import (
    Credentials,
    UploadSigner,
    __version__,
    default_region,
    diagnose,
    explain,
    presign,
    presign_post,
    scope_of,
    sign,
    verify,
)
from ._chunked import ChunkedUpload

__all__ = [
    "ChunkedUpload",
    "Credentials",
    "CredentialsError",
    "Error",
    "InvalidRequestError",
    "PolicyViolationError",
    "SignatureMismatchError",
    "UploadSigner",
    "VerificationError",
    "__version__",
    "default_region",
    "diagnose",
    "explain",
    "presign",
    "presign_post",
    "scope_of",
    "sign",
    "verify",
]
