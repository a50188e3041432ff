"""`AWSAuth` for httpx (sync and async clients): SigV4 header signing.

    import httpx, sigv4.httpx
    async with httpx.AsyncClient(auth=sigv4.httpx.AWSAuth()) as client:
        await client.get("https://polly.eu-west-1.amazonaws.com/v1/voices")

Service and region come from the URL's host (pass `service=` and `region=` for other
hosts). The body is read before signing (its hash is signed). An S3 path is sent, and
signed, in the form S3 checks signatures against (the key decoded, "+" as a space, and
encoded anew: "a b!.txt" goes out as "a%20b%21.txt"); the request's URL is changed to it.

Redirects: do not use this auth with `follow_redirects=True`. httpx follows redirects
within one step of the auth flow, out of the auth's reach, and drops only
`Authorization` on a redirect to another origin: `X-Amz-Security-Token` (the session
token) goes on to the new host. When the auth finds afterwards that a session token
went to another origin, it raises InvalidRequestError (the token has been sent by
then). With httpx's default, `follow_redirects=False`, a redirect comes back as the
response (`response.next_request`) for you to follow or not.
"""

from typing import Generator

import httpx

from ._auth import _AWSAuth
from ._errors import InvalidRequestError


class AWSAuth(_AWSAuth, httpx.Auth):
    """Signs httpx requests with SigV4. Keyword arguments: `credentials` (else the
    environment's, looked up again every 5 minutes, sooner when they expire sooner),
    `region`, `service`, `profile`, `unsigned_payload`. Not for clients with
    `follow_redirects=True`: see the module's documentation."""

    requires_request_body = True

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        signed, s3_url = self._signer.prepared().sign_headers(
            method=request.method,
            url=str(request.url),
            headers=request.headers.multi_items(),
            body=request.content,
        )
        if s3_url is not None:  # an S3 path, sent in the form S3 checks signatures against
            request.url = httpx.URL(s3_url)
        request.headers.update(signed)
        response = yield request
        _refuse_token_sent_elsewhere(request, response)

    def __repr__(self) -> str:
        return "sigv4.httpx.AWSAuth()"


def _refuse_token_sent_elsewhere(request: httpx.Request, response: httpx.Response) -> None:
    """Raises when httpx followed a redirect (follow_redirects=True) and sent the
    session token to another origin: too late to stop it, but not silent."""
    origin = request.url.scheme, request.url.host, request.url.port
    for hop in [*response.history, response]:
        sent = hop.request
        if "x-amz-security-token" in sent.headers and (sent.url.scheme, sent.url.host, sent.url.port) != origin:
            raise InvalidRequestError(
                f"httpx followed a redirect to {sent.url.scheme}://{sent.url.netloc.decode('ascii')} and sent"
                " the session token there: use sigv4.httpx.AWSAuth with follow_redirects=False"
            )
