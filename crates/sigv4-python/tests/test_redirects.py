"""Redirects and the signing headers: requests and httpx drop `Authorization` on a
redirect to another origin but copy every other header, the session token among them.
A local server on 127.0.0.1 answers /away with a redirect to localhost (another host,
the same server), /near with one to its own origin, and records what each request
carried."""

import http.server
import threading

import httpx
import pytest
import requests

import sigv4
import sigv4.httpx
import sigv4.requests

TOKEN = "TOKEN-SECRET-123"
SIGNING = {"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"}


def credentials():
    return sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", TOKEN)


@pytest.fixture
def server():
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.headers["Host"], self.path, {k.lower() for k in self.headers}))
            port = self.server.server_address[1]
            location = {"/away": f"http://localhost:{port}/x", "/near": "/x"}.get(self.path)
            self.send_response(302 if location else 200)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def auth(module):
    return module.AWSAuth(credentials=credentials(), service="s3", region="us-east-1")


def session():
    s = requests.Session()
    s.trust_env = False  # no proxy or .netrc from the environment
    return s


def test_requests_redirect_to_another_host_carries_no_signing_headers(server):
    base, seen = server
    r = session().get(f"{base}/away", auth=auth(sigv4.requests), timeout=10)
    assert r.status_code == 200 and len(r.history) == 1
    (first_host, _, first), (host, path, redirected) = seen
    assert first_host.startswith("127.0.0.1:") and SIGNING <= first
    assert host.startswith("localhost:") and path == "/x"
    assert not SIGNING & redirected, SIGNING & redirected


def test_requests_redirect_not_followed_gives_an_unsigned_next_request(server):
    base, _ = server
    r = session().get(f"{base}/away", auth=auth(sigv4.requests), timeout=10, allow_redirects=False)
    assert r.status_code == 302
    assert not SIGNING & {k.lower() for k in r.next.headers}


def test_requests_redirect_within_the_origin_keeps_the_headers(server):
    base, seen = server
    session().get(f"{base}/near", auth=auth(sigv4.requests), timeout=10)
    (_, _, first), (host, path, redirected) = seen
    assert host.startswith("127.0.0.1:") and path == "/x"
    assert SIGNING <= redirected


def test_httpx_refuses_a_followed_redirect_that_took_the_token_elsewhere(server):
    base, seen = server
    with httpx.Client(auth=auth(sigv4.httpx), follow_redirects=True) as client:
        with pytest.raises(sigv4.InvalidRequestError) as e:
            client.get(f"{base}/away")
    assert "follow_redirects=False" in str(e.value) and TOKEN not in str(e.value)
    # Within the origin, and without following, nothing is refused.
    with httpx.Client(auth=auth(sigv4.httpx), follow_redirects=True) as client:
        assert client.get(f"{base}/near").status_code == 200
    with httpx.Client(auth=auth(sigv4.httpx)) as client:
        r = client.get(f"{base}/away")
        assert r.status_code == 302 and r.next_request is not None
