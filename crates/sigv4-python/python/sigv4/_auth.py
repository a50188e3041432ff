"""What the requests and httpx plugins share: their constructor, and a PreparedSigner
rebuilt when credentials from the environment are looked up again."""

import threading
import time
from typing import Optional

from ._sigv4 import Credentials, PreparedSigner, _renew_after, default_region

# Credentials found in the environment or the profile files are looked up again after
# five minutes, or half the time they have left when that is sooner (`_renew_after`, the
# rule of `sigv4 serve`). Assumed-role credentials are cached on disk until five minutes
# before they expire, so a lookup is cheap and gives fresh ones when needed.


class _Signer:
    __slots__ = ("_credentials", "_settings", "_prepared", "_renew_at", "_lock")

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
        self._settings = (region, service, profile, unsigned_payload)
        self._prepared: Optional[PreparedSigner] = None
        self._renew_at = float("inf")
        self._lock = threading.Lock()
        if credentials is not None:
            self._prepared = self._make()

    def _make(self) -> PreparedSigner:
        region, service, profile, unsigned = self._settings
        credentials = self._credentials
        if credentials is None:
            # As botocore: the environment, then the profile files.
            credentials = Credentials.from_environment(profile=profile)
            self._renew_at = time.monotonic() + _renew_after(credentials.expires)
        # With only a service named, a host that names no region takes the configured one.
        fallback = default_region(profile=profile) if region is None and service else None
        return PreparedSigner(
            credentials=credentials,
            region=region,
            service=service,
            fallback_region=fallback,
            unsigned_payload=unsigned,
        )

    def prepared(self) -> PreparedSigner:
        prepared = self._prepared
        if prepared is None or self._renew_at < time.monotonic():
            with self._lock:
                if self._prepared is None or self._renew_at < time.monotonic():
                    self._prepared = self._make()
                prepared = self._prepared
        return prepared


class _AWSAuth:
    """The constructor of sigv4.requests.AWSAuth and sigv4.httpx.AWSAuth."""

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
