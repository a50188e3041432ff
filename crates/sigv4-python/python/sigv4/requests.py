"""`AWSAuth` for requests: SigV4 header signing of every request.

    import requests, sigv4.requests
    auth = sigv4.requests.AWSAuth()  # credentials as botocore finds them
    requests.get("https://polly.eu-west-1.amazonaws.com/v1/voices", auth=auth)

Service and region come from the URL's host (pass `service=` and `region=` for other
hosts; with only `service=`, a host that names no region takes AWS_REGION or the
profile's). A streamed body (file, generator) is sent with UNSIGNED-PAYLOAD to S3 and
refused for other services, which need the payload's hash.
"""

import requests.auth

from ._auth import _AWSAuth


class AWSAuth(_AWSAuth, requests.auth.AuthBase):
    """Signs requests with SigV4 (`Authorization`, `X-Amz-Date`, and, as needed,
    `X-Amz-Security-Token` and `x-amz-content-sha256`). Keyword arguments:
    `credentials` (else the environment's, looked up again every 5 minutes, sooner when
    they expire sooner), `region`, `service`, `profile`, `unsigned_payload`."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        return self._signer.prepared().sign_requests(r)

    def __repr__(self) -> str:
        return "sigv4.requests.AWSAuth()"
