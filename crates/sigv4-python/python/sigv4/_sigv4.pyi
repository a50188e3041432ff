"""Type stubs for the native module (Rust, PyO3). Import from `sigv4`, not from here.
The exceptions live in sigv4._errors and ChunkedUpload in sigv4._chunked (annotated
Python); the argument types in sigv4._types."""

from typing import Any, Callable, Mapping, Optional, Sequence, Union

from ._types import Condition, Headers, Time

__version__: str

class Credentials:
    """An access key pair and an optional session token. The secret and the token are
    zeroized when the object is freed and never appear in repr(). Immutable: copy.copy
    and copy.deepcopy give the object itself; pickling is refused (it would write the
    secret out in clear)."""
    def __init__(self, access_key_id: str, secret_access_key: str, session_token: Optional[str] = None) -> None: ...
    def __copy__(self) -> "Credentials": ...
    def __deepcopy__(self, memo: Any) -> "Credentials": ...
    @property
    def access_key_id(self) -> str: ...
    @property
    def has_session_token(self) -> bool: ...
    @property
    def expires(self) -> Optional[int]:
        """When temporary credentials found by `from_environment` expire (Unix seconds),
        else None."""
    @staticmethod
    def from_environment(*, profile: Optional[str] = None) -> "Credentials":
        """As the AWS CLI and botocore: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
        (/AWS_SESSION_TOKEN), else the profile (`profile`, else AWS_PROFILE, else default) in
        ~/.aws/credentials and ~/.aws/config (static keys, credential_process, role_arn).
        Raises CredentialsError."""

def _renew_after(expires: Optional[int]) -> int:
    """Seconds until credentials expiring at `expires` are looked up again (private)."""

def default_region(*, profile: Optional[str] = None) -> Optional[str]:
    """AWS_REGION, AWS_DEFAULT_REGION, else the profile's `region`."""

def scope_of(url: str) -> tuple[str, str]:
    """(service, region) that AWS signs a request to this URL's host with
    (`email.us-east-1.amazonaws.com` -> ("ses", "us-east-1")). Raises InvalidRequestError."""

def sign(
    *,
    method: str,
    url: str,
    credentials: Credentials,
    headers: Optional[Headers] = None,
    body: Union[bytes, bytearray, memoryview, str, None] = None,
    payload_hash: Optional[str] = None,
    unsigned_payload: bool = False,
    region: Optional[str] = None,
    service: Optional[str] = None,
    time: Time = None,
    s3: Optional[bool] = None,
) -> dict[str, str]:
    """Header signing. Returns the headers to add (Authorization, X-Amz-Date, and
    X-Amz-Security-Token / x-amz-content-sha256 when needed). Service and region come
    from the URL's host unless given; `s3` forces S3 (True) or generic (False) rules.
    The payload: `unsigned_payload` (UNSIGNED-PAYLOAD), else `payload_hash` (the body's
    SHA-256 in hex, when already known: the body is then not hashed again), else the
    SHA-256 of `body` (none: empty)."""

def explain(
    *,
    method: str,
    url: str,
    credentials: Credentials,
    headers: Optional[Headers] = None,
    body: Union[bytes, bytearray, memoryview, str, None] = None,
    payload_hash: Optional[str] = None,
    unsigned_payload: bool = False,
    region: Optional[str] = None,
    service: Optional[str] = None,
    time: Time = None,
    s3: Optional[bool] = None,
    expires: Optional[int] = None,
) -> dict[str, Any]:
    """Every step of signing (header signing, or presigning when `expires` is given):
    keys "method", "url", "service", "region", "canonical_request" (session token
    redacted), "canonical_request_hash", "payload_hash", "string_to_sign",
    "credential_scope", "signed_headers", "signature", "headers" (dict, header signing)
    or "presigned_url". No secret appears."""

def presign(
    *,
    url: str,
    credentials: Credentials,
    method: str = "GET",
    expires: int = 3600,
    headers: Optional[Headers] = None,
    region: Optional[str] = None,
    service: Optional[str] = None,
    time: Time = None,
    s3: Optional[bool] = None,
) -> str:
    """A presigned URL valid for `expires` seconds (1 to 604800)."""

def presign_post(
    *,
    url: str,
    bucket: str,
    key: str,
    credentials: Credentials,
    region: Optional[str] = None,
    fields: Optional[Headers] = None,
    conditions: Optional[Sequence[Condition]] = None,
    expires: int = 3600,
    time: Time = None,
) -> dict[str, Any]:
    """An S3 POST policy for a browser form, as boto3's generate_presigned_post:
    {"url": url, "fields": {name: value, ...}}. `key` ending in "${filename}" allows any
    name under its prefix. Conditions as in the policy JSON: {"acl": "public-read"},
    ["starts-with", "$Content-Type", "image/"], ["content-length-range", 1, 10485760]."""

def verify(
    *,
    method: str,
    url: str,
    headers: Headers,
    credentials: Union[Mapping[str, Credentials], Callable[[str], Optional[Credentials]]],
    body: Union[bytes, bytearray, memoryview, str, None] = None,
    now: Time = None,
    max_skew: int = 900,
    regions: Optional[Sequence[str]] = None,
    services: Optional[Sequence[str]] = None,
) -> dict[str, Any]:
    """Server side: checks a header-signed or presigned request. `url` may be a full URL
    or the request target ("/path?query"); `credentials` maps access key IDs to
    Credentials. Returns {"access_key_id", "region", "service", "time" (amz date),
    "signed_headers", "payload_hash", "presigned"}. Raises VerificationError or
    SignatureMismatchError."""

def diagnose(
    *,
    response: Optional[str] = None,
    method: Optional[str] = None,
    url: Optional[str] = None,
    headers: Optional[Headers] = None,
    body: Union[bytes, str, None] = None,
    canonical_request: Optional[str] = None,
    string_to_sign: Optional[str] = None,
    signature: Optional[str] = None,
    credentials: Optional[Credentials] = None,
    now: Time = None,
) -> dict[str, Any]:
    """Names the cause of a SignatureDoesNotMatch (or similar) error. `response` is
    AWS's error body; the request sent (method, url, headers, body) and/or what you
    computed (canonical_request, string_to_sign, signature). Returns {"findings": [{"cause",
    "message", "fix", "evidence": [...]}], "canonical_request": {"aws", "theirs",
    "correct"}, "string_to_sign": {...}, "aws_error": {...} or None, "notes": [...]}."""

class UploadSigner:
    """The signing rules of `sigv4 serve`, for a Flask or Django app serving Fine Uploader:
    signs POST policies and multipart-upload string-to-signs only when they stay within
    the buckets, key prefixes, size, content types and ACLs given."""
    def __init__(
        self,
        *,
        credentials: Credentials,
        region: str,
        buckets: Sequence[Union[str, tuple[str, str]]],
        key_prefixes: Sequence[str],
        max_size: int,
        content_types: Optional[Sequence[str]] = None,
        acls: Optional[Sequence[str]] = None,
        max_expiry: int = 3600,
        max_skew: int = 900,
        multipart: bool = True,
    ) -> None:
        """`buckets`: names (virtual-hosted at s3.REGION.amazonaws.com) or (name, endpoint
        URL) pairs for S3-compatible stores (path style). `content_types`: allowed types,
        an entry ending in "/" allowing a family ("image/"); none: any. `acls`: allowed
        canned ACLs; none: "private" only (Fine Uploader sends it with every upload); []:
        no acl field allowed. `multipart`: whether multipart uploads
        are signed; Fine Uploader does not sign an initiate's Content-Type, so only with
        multipart off do `content_types` always hold."""
    def sign_request(self, body: Union[bytes, str], *, now: Time = None) -> dict[str, str]:
        """Signs a Fine Uploader signature request (its JSON body) if the rules allow it:
        {"policy", "signature"} for a POST policy, {"signature"} for a multipart request's
        string to sign. Raises InvalidRequestError (malformed: HTTP 400) or
        PolicyViolationError (outside the rules: HTTP 403)."""
    def answer(self, body: Union[bytes, str], *, now: Time = None) -> tuple[int, dict[str, Any]]:
        """As `sigv4 serve`'s /sign: (200, signed) or (400 or 403, {"invalid": True}); the
        reason for a refusal goes to the logger "sigv4.uploads", not to the caller."""

# Used by sigv4.ChunkedUpload (start_chunked, ChunkEncoder) and the requests and httpx
# plugins (PreparedSigner).
class ChunkEncoder:
    def chunk(self, data: bytes) -> bytes: ...
    def finish(self) -> bytes: ...

def start_chunked(
    *,
    url: str,
    length: int,
    credentials: Credentials,
    method: str = "PUT",
    chunk_size: int = 65536,
    checksum: Optional[str] = None,
    signed: bool = True,
    headers: Optional[Headers] = None,
    region: Optional[str] = None,
    service: str = "s3",
    time: Time = None,
) -> tuple[dict[str, str], ChunkEncoder, int]: ...

class PreparedSigner:
    def __init__(
        self,
        *,
        credentials: Credentials,
        region: Optional[str] = None,
        service: Optional[str] = None,
        fallback_region: Optional[str] = None,
        unsigned_payload: bool = False,
    ) -> None: ...
    def sign_requests(self, request: Any) -> Any: ...
    def sign_headers(
        self, *, method: str, url: str, headers: Optional[Headers] = None, body: Union[bytes, str, None] = None
    ) -> tuple[dict[str, str], Optional[str]]:
        """The headers to add, and the URL to send instead when an S3 path is not in the
        form S3 checks signatures against (else None)."""
