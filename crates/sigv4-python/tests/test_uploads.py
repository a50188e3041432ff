"""sigv4.UploadSigner (the rules of `sigv4 serve` for Fine Uploader) and the Flask
blueprint sigv4.flask.upload_blueprint.

A Fine Uploader POST policy within the rules is signed (200) and the signature is
HMAC(kSigning, policy base64), computed here with hashlib/hmac; s3s-fs accepts the form
upload made with it. Policies outside the rules (another bucket, too large, a key outside
the prefix, another content type or ACL) give 403, garbage gives 400, with no signature.
A multipart-upload string to sign (Fine Uploader's v4 protocol: the canonical request
in place of its hash) is signed as AWS's string to sign, checked by hand and by s3s-fs
(initiate and abort a multipart upload with those signatures). What Fine Uploader sends
follows crates/sigv4-cli/tests/serve_adversarial.rs.
"""

import base64
import datetime
import json
import logging
import os
import re

import pytest
import requests

import sigv4
from conftest import amz_now, hmac_hex, sha256_hex, signing_key

REGION = "us-east-1"
AKID = "AKIDUPLOADTEST000000"
SECRET = "uPlOaD/sEcReT+kEy/0123456789abcdefghijk"


def iso(offset):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def fine_uploader_policy(bucket, key, akid, *, size=10_485_760, content_type="text/plain", acl="private",
                         expires=300, strings=True):
    """A policy as Fine Uploader writes one (sizes as strings)."""
    amz = amz_now()
    lo, hi = ("0", str(size)) if strings else (0, size)
    return {
        "expiration": iso(expires),
        "conditions": [
            {"acl": acl},
            {"bucket": bucket},
            {"Content-Type": content_type},
            {"success_action_status": "200"},
            {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
            {"key": key},
            {"x-amz-credential": f"{akid}/{amz[:8]}/{REGION}/s3/aws4_request"},
            {"x-amz-date": amz},
            {"x-amz-meta-qqfilename": "cat.txt"},
            ["content-length-range", lo, hi],
        ],
    }


def multipart_request(method, uri, query, host, extra=(), amz=None):
    """Fine Uploader's v4 multipart 'string to sign': the canonical request in place of
    its hash."""
    amz = amz or amz_now()
    headers = sorted([("host", host), ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"), ("x-amz-date", amz), *extra])
    canonical = "\n".join([method, uri, query, *(f"{n}:{v}" for n, v in headers), "",
                           ";".join(n for n, _ in headers), "UNSIGNED-PAYLOAD"])
    asked = f"AWS4-HMAC-SHA256\n{amz}\n{amz[:8]}/{REGION}/s3/aws4_request\n{canonical}"
    return json.dumps({"headers": asked}), canonical, amz


def expected_multipart_signature(secret, canonical, amz):
    sts = f"AWS4-HMAC-SHA256\n{amz}\n{amz[:8]}/{REGION}/s3/aws4_request\n{sha256_hex(canonical)}"
    return hmac_hex(signing_key(secret, amz[:8], REGION, "s3"), sts)


def offline_signer(**kw):
    args = dict(credentials=sigv4.Credentials(AKID, SECRET), region=REGION, buckets=["uploads"],
                key_prefixes=["user/"], max_size=10_485_760, content_types=["text/", "image/"], acls=["private"])
    args.update(kw)
    return sigv4.UploadSigner(**args)


# ---------------------------------------------------------------------------------------
# Offline


def test_policy_within_the_rules_is_signed():
    signer = offline_signer()
    policy = fine_uploader_policy("uploads", "user/4f0c2f3e.txt", AKID)
    status, answer = signer.answer(json.dumps(policy))
    assert status == 200, answer
    assert set(answer) == {"policy", "signature"}
    amz = policy["conditions"][7]["x-amz-date"]
    assert answer["signature"] == hmac_hex(signing_key(SECRET, amz[:8], REGION, "s3"), answer["policy"])
    signed = json.loads(base64.b64decode(answer["policy"]))
    assert signed["expiration"][:19] == policy["expiration"][:19]
    assert len(signed["conditions"]) == 10
    # sign_request gives the same, as a dict; bytes bodies too.
    assert signer.sign_request(json.dumps(policy).encode()) == answer


@pytest.mark.parametrize("kw, reason", [
    (dict(key_prefixes=[]), "key_prefixes must list non-empty prefixes"),
    (dict(key_prefixes=["user/", ""]), "an empty one would allow every key"),
    (dict(buckets=[]), "no bucket"),
    (dict(buckets=["Bad Bucket!"]), 'invalid bucket name "Bad Bucket!"'),
    (dict(buckets=[("local", "ftp://127.0.0.1:9000")]), "it must start with http:// or https://"),
    (dict(buckets=[("local", "http://127.0.0.1:9000/minio")]), "give the scheme and host only"),
    (dict(buckets=[("local", "http://")]), "it has no host"),
    (dict(max_expiry=8 * 24 * 3600), "1 s to 604800 s"),
])
def test_rules_that_cannot_be_used_are_refused(kw, reason):
    """The checks of `sigv4 serve`'s rules file (one function in the core)."""
    with pytest.raises(sigv4.InvalidRequestError) as e:
        offline_signer(**kw)
    assert reason in str(e.value)


OUTSIDE = {
    "another bucket": dict(bucket="other"),
    "too large": dict(size=10_485_761),
    "key outside the prefixes": dict(key="admin/a.txt"),
    "another content type": dict(content_type="application/x-sh"),
    "another acl": dict(acl="public-read"),
    "valid too long": dict(expires=7200),
}


@pytest.mark.parametrize("label", list(OUTSIDE))
def test_policy_outside_the_rules_is_refused(label, caplog):
    args = dict(bucket="uploads", key="user/a.txt", akid=AKID)
    args.update(OUTSIDE[label])
    policy = fine_uploader_policy(args.pop("bucket"), args.pop("key"), args.pop("akid"), **args)
    signer = offline_signer()
    with caplog.at_level(logging.DEBUG, logger="sigv4.uploads"):
        status, answer = signer.answer(json.dumps(policy))
    assert (status, answer) == (403, {"invalid": True})
    assert any(r.name.startswith("sigv4.uploads") for r in caplog.records), "the refusal is logged"
    assert SECRET not in caplog.text
    with pytest.raises(sigv4.PolicyViolationError) as e:
        signer.sign_request(json.dumps(policy))
    assert isinstance(e.value, sigv4.Error) and not isinstance(e.value, sigv4.InvalidRequestError)


def test_acls_default_to_private_only():
    # Fine Uploader sends {"acl": "private"} with every policy: the documented example,
    # which gives no acls=, refused them all (a new-user review found it).
    signer = sigv4.UploadSigner(credentials=sigv4.Credentials(AKID, SECRET), region=REGION,
                                buckets=["uploads"], key_prefixes=["user/"], max_size=10_485_760)
    status, answer = signer.answer(json.dumps(fine_uploader_policy("uploads", "user/a.txt", AKID)))
    assert status == 200, answer
    public = fine_uploader_policy("uploads", "user/a.txt", AKID, acl="public-read")
    assert signer.answer(json.dumps(public))[0] == 403
    none = offline_signer(acls=[])
    assert none.answer(json.dumps(fine_uploader_policy("uploads", "user/a.txt", AKID)))[0] == 403


def test_policy_for_another_key_id_is_refused():
    status, answer = offline_signer().answer(json.dumps(fine_uploader_policy("uploads", "user/a.txt", "AKIDOTHER")))
    assert (status, answer) == (403, {"invalid": True})


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b"null", b'"a string"', b'{"headers": 5}', b"\xff\xfe{}",
                                  b'{"expiration": "tomorrow", "conditions": {}}'])
def test_garbage_is_a_400(body):
    signer = offline_signer()
    status, answer = signer.answer(body)
    assert (status, answer) == (400, {"invalid": True})
    with pytest.raises(sigv4.InvalidRequestError):
        signer.sign_request(body)


def test_multipart_string_to_sign():
    signer = offline_signer()
    host = "uploads.s3.us-east-1.amazonaws.com"
    for method, query, extra in [("POST", "uploads=", [("x-amz-acl", "private"), ("x-amz-meta-qqfilename", "b.bin")]),
                                 ("PUT", "partNumber=1&uploadId=abc.DEF-123_~", []),
                                 ("POST", "uploadId=abc", []),
                                 ("DELETE", "uploadId=abc", [])]:
        body, canonical, amz = multipart_request(method, "/user/big.bin", query, host, extra)
        status, answer = signer.answer(body)
        assert status == 200, (method, query, answer)
        assert answer == {"signature": expected_multipart_signature(SECRET, canonical, amz)}
    for method, uri, query in [("GET", "/user/big.bin", ""), ("POST", "/other/big.bin", "uploads="),
                               ("PUT", "/user/big.bin", "acl=")]:
        body, _, _ = multipart_request(method, uri, query, host)
        assert signer.answer(body) == (403, {"invalid": True}), (method, uri, query)
    body, _, _ = multipart_request("POST", "/user/big.bin", "uploads=", "evil.s3.us-east-1.amazonaws.com")
    assert signer.answer(body) == (403, {"invalid": True})


def test_multipart_off_and_keys_with_dot_segments():
    """As serve's `multipart = false`, and as serve refuses keys that an S3-compatible
    store could resolve into another bucket (a security review of serve found both)."""
    host = "uploads.s3.us-east-1.amazonaws.com"
    body, _, _ = multipart_request("POST", "/user/big.bin", "uploads=", host)
    assert offline_signer().answer(body)[0] == 200
    assert offline_signer(multipart=False).answer(body) == (403, {"invalid": True})
    # A policy is still signed with multipart off.
    policy = fine_uploader_policy("uploads", "user/a.txt", AKID)
    assert offline_signer(multipart=False).answer(json.dumps(policy))[0] == 200
    for uri in ["/user/../admin/big.bin", "/user/%2E%2E/admin/big.bin", "/user//big.bin"]:
        body, _, _ = multipart_request("POST", uri, "uploads=", host)
        assert offline_signer().answer(body) == (403, {"invalid": True}), uri
    policy = fine_uploader_policy("uploads", "user/../admin/a.txt", AKID)
    assert offline_signer().answer(json.dumps(policy)) == (403, {"invalid": True})


def test_now_argument():
    signer = offline_signer()
    policy = fine_uploader_policy("uploads", "user/a.txt", AKID)
    assert signer.answer(json.dumps(policy))[0] == 200
    an_hour_later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    assert signer.answer(json.dumps(policy), now=an_hour_later) == (403, {"invalid": True})


# ---------------------------------------------------------------------------------------
# Flask


def test_flask_blueprint():
    flask = pytest.importorskip("flask")
    import sigv4.flask

    app = flask.Flask(__name__)
    app.register_blueprint(sigv4.flask.upload_blueprint(offline_signer(), url_prefix="/s3"))
    client = app.test_client()
    policy = fine_uploader_policy("uploads", "user/a.txt", AKID)
    r = client.post("/s3/sign", data=json.dumps(policy), content_type="application/json")
    assert r.status_code == 200, r.data
    answer = r.get_json()
    amz = policy["conditions"][7]["x-amz-date"]
    assert answer["signature"] == hmac_hex(signing_key(SECRET, amz[:8], REGION, "s3"), answer["policy"])
    outside = fine_uploader_policy("other", "user/a.txt", AKID)
    r = client.post("/s3/sign", data=json.dumps(outside), content_type="application/json")
    assert r.status_code == 403 and "signature" not in r.get_data(as_text=True)
    r = client.post("/s3/sign", data=b"{", content_type="application/json")
    assert r.status_code == 400 and "signature" not in r.get_data(as_text=True)
    body, canonical, amz = multipart_request("POST", "/user/big.bin", "uploads=", "uploads.s3.us-east-1.amazonaws.com")
    r = client.post("/s3/sign", data=body, content_type="application/json")
    assert r.status_code == 200
    assert r.get_json() == {"signature": expected_multipart_signature(SECRET, canonical, amz)}
    assert client.get("/s3/sign").status_code == 405
    assert client.post("/sign", data=json.dumps(policy)).status_code == 404


# ---------------------------------------------------------------------------------------
# Against s3s-fs


@pytest.fixture
def s3s_signer(servers, s3s_bucket):
    bucket = s3s_bucket.rsplit("/", 1)[1]
    signer = sigv4.UploadSigner(credentials=servers.s3s_credentials(), region=servers.s3s_region,
                                buckets=[(bucket, servers.s3s_url)], key_prefixes=["user/"], max_size=1_000_000,
                                content_types=["text/"], acls=["private"])
    return signer, bucket


def test_signed_policy_uploads_to_s3s(servers, s3s_bucket, s3s_signer):
    signer, bucket = s3s_signer
    key = f"user/{os.urandom(4).hex()}.txt"
    policy = fine_uploader_policy(bucket, key, servers.s3s_key, size=1_000_000)
    status, answer = signer.answer(json.dumps(policy))
    assert status == 200, answer
    fields = {}
    for c in policy["conditions"]:
        if isinstance(c, dict):
            fields.update(c)
    fields.pop("bucket")
    fields.update({"policy": answer["policy"], "x-amz-signature": answer["signature"]})
    content = b"uploaded through a policy signed by UploadSigner\n"
    r = requests.post(s3s_bucket, data=fields, files={"file": ("cat.txt", content, "text/plain")}, timeout=30)
    assert r.status_code == 200, f"{r.status_code} {r.text}"
    assert servers.s3s("GET", f"{s3s_bucket}/{key}").content == content
    # The same form with a signature of another secret is refused by s3s-fs.
    other = sigv4.UploadSigner(credentials=servers.s3s_credentials(bad=True), region=servers.s3s_region,
                               buckets=[(bucket, servers.s3s_url)], key_prefixes=["user/"], max_size=1_000_000,
                               content_types=["text/"], acls=["private"])
    status, bad = other.answer(json.dumps(policy))
    assert status == 200
    fields.update({"policy": bad["policy"], "x-amz-signature": bad["signature"]})
    r = requests.post(s3s_bucket, data=fields, files={"file": ("cat.txt", b"nope", "text/plain")}, timeout=30)
    assert 400 <= r.status_code < 500, f"{r.status_code} {r.text}"


def test_multipart_signatures_work_on_s3s(servers, s3s_bucket, s3s_signer):
    """Initiate and abort a multipart upload on s3s-fs with Authorization headers built
    from UploadSigner's signatures, as Fine Uploader does."""
    signer, bucket = s3s_signer
    host = servers.s3s_url.split("://", 1)[1]
    key = f"user/{os.urandom(4).hex()}.bin"

    def call(method, query, forged=False):
        body, canonical, amz = multipart_request(method, f"/{bucket}/{key}", query, host)
        status, answer = signer.answer(body)
        assert status == 200, (method, query, answer)
        assert answer["signature"] == expected_multipart_signature(servers.s3s_secret, canonical, amz)
        signature = "0" * 64 if forged else answer["signature"]
        auth = (f"AWS4-HMAC-SHA256 Credential={servers.s3s_key}/{amz[:8]}/{REGION}/s3/aws4_request, "
                f"SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={signature}")
        headers = {"x-amz-content-sha256": "UNSIGNED-PAYLOAD", "x-amz-date": amz, "Authorization": auth}
        return requests.request(method, f"{s3s_bucket}/{key}?{query}", headers=headers, timeout=30)

    r = call("POST", "uploads=")
    assert r.status_code == 200, r.text
    upload_id = re.search(r"<UploadId>([^<]+)</UploadId>", r.text).group(1)
    assert re.fullmatch(r"[A-Za-z0-9._~-]+", upload_id), upload_id
    assert call("DELETE", f"uploadId={upload_id}", forged=True).status_code == 403
    r = call("DELETE", f"uploadId={upload_id}")
    assert r.status_code in (200, 204), r.text
