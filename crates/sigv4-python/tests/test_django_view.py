"""sigv4.django.sign_view: Fine Uploader's signature endpoint in a Django app, with
Django's CSRF protection left on (the test client sends the token, as Fine Uploader's
customHeaders would). Signatures are checked by hand (hashlib/hmac), as in
test_uploads.py, whose policy and multipart builders this reuses."""

import json

import pytest

django = pytest.importorskip("django")

from django.conf import settings  # noqa: E402

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="test-only",
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
        INSTALLED_APPS=[],
    )
    django.setup()

from django.test import Client  # noqa: E402
from django.urls import path  # noqa: E402

import sigv4.django  # noqa: E402
from conftest import hmac_hex, signing_key  # noqa: E402
from test_uploads import (  # noqa: E402
    AKID,
    REGION,
    SECRET,
    expected_multipart_signature,
    fine_uploader_policy,
    multipart_request,
    offline_signer,
)

urlpatterns = [path("s3/sign", sigv4.django.sign_view(offline_signer()))]


def test_django_view():
    client = Client(enforce_csrf_checks=True)
    token = "t" * 32
    client.cookies["csrftoken"] = token

    def post(body, csrf=True):
        headers = {"HTTP_X_CSRFTOKEN": token} if csrf else {}
        return client.post("/s3/sign", data=body, content_type="application/json", **headers)

    policy = fine_uploader_policy("uploads", "user/a.txt", AKID)
    r = post(json.dumps(policy))
    assert r.status_code == 200, r.content
    answer = r.json()
    amz = policy["conditions"][7]["x-amz-date"]
    assert answer["signature"] == hmac_hex(signing_key(SECRET, amz[:8], REGION, "s3"), answer["policy"])
    # CSRF stays on: without the token, Django refuses before the view.
    assert post(json.dumps(policy), csrf=False).status_code == 403
    r = post(json.dumps(fine_uploader_policy("other", "user/a.txt", AKID)))
    assert r.status_code == 403 and r.json() == {"invalid": True}
    r = post("{")
    assert r.status_code == 400 and r.json() == {"invalid": True}
    body, canonical, amz = multipart_request("POST", "/user/big.bin", "uploads=", "uploads.s3.us-east-1.amazonaws.com")
    r = post(body)
    assert r.status_code == 200
    assert r.json() == {"signature": expected_multipart_signature(SECRET, canonical, amz)}
    assert client.get("/s3/sign").status_code == 405
