"""`AWSAuth` for requests: SigV4 header signing of every request.

    import requests, sigv4.requests
    auth = sigv4.requests.AWSAuth()  # credentials as botocore finds them
    requests.get("https://polly.eu-west-1.amazonaws.com/v1/voices", auth=auth)

Service and region come from the URL's host (pass `service=` and `region=` for other
hosts; with only `service=`, a host that names no region takes AWS_REGION or the
profile's). A streamed body (file, generator) is sent with UNSIGNED-PAYLOAD to S3 and
refused for other services, which need the payload's hash.
"""

import threading
import time
from typing import Optional

import requests.auth

from ._auth import RENEW_SECONDS
from ._sigv4 import Credentials, PreparedSigner, default_region


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
        if credentials is not None and not isinstance(credentials, Credentials):
            raise TypeError("credentials must be a sigv4.Credentials (or None: the environment's)")
        self._settings = (credentials, region, service, profile, unsigned_payload)
        self._signer: Optional[PreparedSigner] = None
        # Credentials from the environment are looked up again after a while, so that
        # temporary ones (AssumeRole, credential_process) are renewed as they expire.
        self._renew_at = float("inf")
        self._lock = threading.Lock()
        if credentials is not None:
            self._signer = self._make()

    def _make(self) -> PreparedSigner:
        credentials, region, service, profile, unsigned = self._settings
        if credentials is None:
            credentials = Credentials.from_environment(profile=profile)
            self._renew_at = time.monotonic() + RENEW_SECONDS
        fallback = default_region(profile=profile) if region is None and service else None
        return PreparedSigner(
            credentials=credentials,
            region=region,
            service=service,
            fallback_region=fallback,
            unsigned_payload=unsigned,
        )

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        signer = self._signer
        if signer is None or self._renew_at < time.monotonic():
            with self._lock:
                if self._signer is None or self._renew_at < time.monotonic():
                    self._signer = self._make()
                signer = self._signer
        return signer.sign_requests(r)

    def __repr__(self) -> str:
        return "sigv4.requests.AWSAuth()"
