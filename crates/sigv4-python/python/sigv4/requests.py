"""`AWSAuth` for requests: SigV4 header signing of every request.

    import requests, sigv4.requests
    auth = sigv4.requests.AWSAuth()  # credentials as botocore finds them
    requests.get("https://polly.eu-west-1.amazonaws.com/v1/voices", auth=auth)

Service and region come from the URL's host (pass `service=` and `region=` for other
hosts; with only `service=`, a host that names no region takes AWS_REGION or the
profile's). A streamed body (file, generator) is sent with UNSIGNED-PAYLOAD to S3 and
refused for other services, which need the payload's hash. S3 also needs its length:
requests sends a file's, but a generator goes chunked, which S3 refuses (411): give it a
Content-Length header, or send a sigv4.ChunkedUpload. An S3 path is sent, and signed,
in the form S3 checks signatures against (the key decoded, "+" as a space, and encoded
anew: "a b!.txt" goes out as "a%20b%21.txt"); the request's URL is changed to it.

Redirects: requests drops only `Authorization` when it follows a redirect to another
host, so the auth drops the other signing headers (`X-Amz-Security-Token`, the session
token, above all) from a request redirected to another scheme, host or port. A redirect
within the same origin keeps them, but is not signed again: its signature names the
first URL, so AWS refuses it.
"""

from typing import Any, Optional
from urllib.parse import urljoin, urlsplit

import requests
import requests.auth

from ._auth import _AWSAuth

# What the signer adds; requests' headers are case-insensitive.
_SIGNING_HEADERS = ("Authorization", "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-SHA256")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, Optional[str], Optional[int]]:
    """(scheme, host, port) of a URL; raises ValueError for a malformed port."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, parts.hostname, parts.port or _DEFAULT_PORTS.get(scheme)


def _unsign_cross_origin_redirect(r: requests.Response, **kwargs: Any) -> None:
    """A response hook. requests builds a redirected request by copying the one that
    got the redirect (Session.resolve_redirects: `req.copy()`, then `rebuild_auth`
    drops Authorization alone), and that request is `r.request`: the signing headers
    come off it before the copy when the redirect leaves its origin."""
    if not r.is_redirect or r.request.url is None:
        return
    target = urljoin(r.request.url, r.headers["location"])
    try:
        same = _origin(target) == _origin(r.request.url)
    except ValueError:
        same = False
    if not same:
        for name in _SIGNING_HEADERS:
            r.request.headers.pop(name, None)


class AWSAuth(_AWSAuth, requests.auth.AuthBase):
    """Signs requests with SigV4 (`Authorization`, `X-Amz-Date`, and, as needed,
    `X-Amz-Security-Token` and `x-amz-content-sha256`). Keyword arguments:
    `credentials` (else the environment's, looked up again every 5 minutes, sooner when
    they expire sooner), `region`, `service`, `profile`, `unsigned_payload`. The signing
    headers are not sent on to another host when requests follows a redirect."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r = self._signer.prepared().sign_requests(r)
        hooks = r.hooks.setdefault("response", [])
        if _unsign_cross_origin_redirect not in hooks:
            hooks.append(_unsign_cross_origin_redirect)
        return r

    def __repr__(self) -> str:
        return "sigv4.requests.AWSAuth()"
