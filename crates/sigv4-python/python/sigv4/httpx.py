"""`AWSAuth` for httpx (sync and async clients): SigV4 header signing.

    import httpx, sigv4.httpx
    async with httpx.AsyncClient(auth=sigv4.httpx.AWSAuth()) as client:
        await client.get("https://polly.eu-west-1.amazonaws.com/v1/voices")

Service and region come from the URL's host (pass `service=` and `region=` for other
hosts). The body is read before signing (its hash is signed).
"""

from typing import Generator, Optional

import httpx

from ._auth import _Signer
from ._sigv4 import Credentials


class AWSAuth(httpx.Auth):
    """Signs httpx requests with SigV4."""

    requires_request_body = True

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

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        signed = self._signer.headers(
            request.method,
            str(request.url),
            request.headers.multi_items(),
            request.content,
            False,
        )
        request.headers.update(signed)
        yield request

    def __repr__(self) -> str:
        return "sigv4.httpx.AWSAuth()"
