"""`AWSAuth` for requests: SigV4 header signing of every request.

    import requests, sigv4.requests
    auth = sigv4.requests.AWSAuth()  # credentials as botocore finds them
    requests.get("https://polly.eu-west-1.amazonaws.com/v1/voices", auth=auth)

Service and region come from the URL's host (pass `service=` and `region=` for other
hosts). A streamed body (file, generator) is sent with UNSIGNED-PAYLOAD to S3 and
refused for other services, which need the payload's hash.
"""

from typing import Optional

import requests.auth

from ._auth import _Signer
from ._sigv4 import Credentials


class AWSAuth(requests.auth.AuthBase):
    """Signs requests with SigV4 (`Authorization`, `X-Amz-Date`, and, as needed,
    `X-Amz-Security-Token` and `x-amz-content-sha256`)."""

    def __init__(
        self,
        *,
        credentials: Optional[Credentials] = None,
        region: Optional[str] = None,
        service: Optional[str] = None,
        profile: Optional[str] = None,
        unsigned_payload: bool = False,
    ) -> None:
        self._signer = _Signer(credentials, region, service, profile, unsigned_payload)

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        body = r.body
        streaming = body is not None and not isinstance(body, (bytes, str))
        r.headers.update(self._signer.headers(r.method, r.url, r.headers.items(), body, streaming))
        return r

    def __repr__(self) -> str:
        return "sigv4.requests.AWSAuth()"
