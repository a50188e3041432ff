"""What the requests and httpx plugins share: credentials found once, scope per URL."""

import threading
import time
from typing import Optional

from ._errors import InvalidRequestError
from ._sigv4 import Credentials, default_region, scope_of, sign


#: How long credentials found in the environment or the profile files are used before
#: they are looked up again (assumed-role credentials are cached on disk until shortly
#: before they expire, so a lookup is cheap and gives fresh ones when needed).
RENEW_SECONDS = 300.0


class _Signer:
    __slots__ = ("_credentials", "_renew_at", "_profile", "_region", "_service", "_unsigned",
                 "_lock")

    def __init__(
        self,
        credentials: Optional[Credentials],
        region: Optional[str],
        service: Optional[str],
        profile: Optional[str],
        unsigned_payload: bool,
    ) -> None:
        if credentials is not None and not isinstance(credentials, Credentials):
            raise TypeError("credentials must be a sigv4.Credentials (or None: the environment's)")
        self._credentials = credentials
        self._renew_at = float("inf")
        self._profile = profile
        self._region = region
        self._service = service
        self._unsigned = unsigned_payload
        self._lock = threading.Lock()

    def credentials(self) -> Credentials:
        creds = self._credentials
        if creds is None or self._renew_at < time.monotonic():
            # As botocore: the environment, then the profile files; looked up again
            # after RENEW_SECONDS so that temporary credentials are renewed.
            with self._lock:
                if self._credentials is None or self._renew_at < time.monotonic():
                    self._credentials = Credentials.from_environment(profile=self._profile)
                    self._renew_at = time.monotonic() + RENEW_SECONDS
                creds = self._credentials
        return creds

    def region(self, url: str) -> Optional[str]:
        """The region: as given; else, for a named service, the URL's or the configured one."""
        if self._region is not None or self._service is None:
            return self._region
        try:
            return scope_of(url)[1]
        except InvalidRequestError:
            region = default_region(profile=self._profile)
            if region is None:
                raise InvalidRequestError(
                    f"no region for {url}: pass region= (or set AWS_REGION)"
                ) from None
            return region

    def headers(self, method: str, url: str, headers, body, streaming: bool) -> dict:
        unsigned = self._unsigned
        if streaming:
            service = self._service or scope_of(url)[0]
            if not service.startswith("s3"):
                raise InvalidRequestError(
                    "a streamed body cannot be signed for this service: pass the body as bytes"
                )
            unsigned, body = True, None
        return sign(
            method=method,
            url=url,
            headers=headers,
            body=body,
            unsigned_payload=unsigned,
            credentials=self.credentials(),
            region=self.region(url),
            service=self._service,
        )
