"""`AWSAuth` for httpx (sync and async clients): SigV4 header signing.

    import httpx, sigv4.httpx
    async with httpx.AsyncClient(auth=sigv4.httpx.AWSAuth()) as client:
        await client.get("https://polly.eu-west-1.amazonaws.com/v1/voices")

Service and region come from the URL's host (pass `service=` and `region=` for other
hosts). The body is read before signing (its hash is signed).
"""

from typing import Generator

import httpx

from ._auth import _AWSAuth


class AWSAuth(_AWSAuth, httpx.Auth):
    """Signs httpx requests with SigV4. Keyword arguments: `credentials` (else the
    environment's, looked up again every 5 minutes, sooner when they expire sooner),
    `region`, `service`, `profile`, `unsigned_payload`."""

    requires_request_body = True

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        signed = self._signer.prepared().sign_headers(
            method=request.method,
            url=str(request.url),
            headers=request.headers.multi_items(),
            body=request.content,
        )
        request.headers.update(signed)
        yield request

    def __repr__(self) -> str:
        return "sigv4.httpx.AWSAuth()"
