"""sigv4.requests.AWSAuth and sigv4.httpx.AWSAuth against servers that check signatures
(scripts/servers.sh: moto and s3s-fs on 127.0.0.1, target/servers/env.json), plus
sigv4.presign (presigned GET and PUT used by a plain client) and sigv4.presign_post (an
HTML-form POST upload). Every call is also made with a wrong secret, which the server
must refuse, so a pass means the server really checked the signature. Objects are read
back with botocore-signed requests (conftest.botocore_send), not with the code under test.

moto listens on 127.0.0.1:PORT, a host that names no service: service= and region= are
given explicitly. Without env.json the tests are skipped (failed with
SIGV4_REQUIRE_SERVERS=1).
"""

import os
from urllib.parse import quote

import httpx
import pytest
import requests

import sigv4
import sigv4.httpx
import sigv4.requests
from conftest import botocore_clock, wrong

CLIENTS = ["requests", "httpx"]


def make_auth(client, **kw):
    cls = sigv4.requests.AWSAuth if client == "requests" else sigv4.httpx.AWSAuth
    return cls(**kw)


def send(client, method, url, auth, body=b"", headers=None):
    """(status, body bytes) of one request made with requests or httpx."""
    if client == "requests":
        r = requests.request(method, url, data=body or None, headers=headers, auth=auth, timeout=30)
        return r.status_code, r.content
    with httpx.Client(auth=auth, timeout=30) as c:
        r = c.request(method, url, content=body or None, headers=headers)
        return r.status_code, r.content


def accepted_and_refused(client, method, url, make, body=b"", headers=None, label=""):
    """The call succeeds with the right credentials and is refused (4xx) with a wrong
    secret; returns the successful answer's body."""
    status, content = send(client, method, url, make(False), body, headers)
    assert 200 <= status < 300, f"{label} {client}: refused with the right secret: {status} {content[:500]!r}"
    bad, bad_content = send(client, method, url, make(True), body, headers)
    assert 400 <= bad < 500, f"{label} {client}: a wrong secret was not refused: {bad} {bad_content[:500]!r}"
    return content


def uniq():
    return f"{os.getpid()}-{os.urandom(4).hex()}"


# ---------------------------------------------------------------------------------------
# moto


@pytest.mark.parametrize("client", CLIENTS)
def test_moto_ses_form_posts(servers, client):
    def make(bad):
        return make_auth(client, credentials=servers.moto_credentials(bad), service="ses",
                         region=servers.moto_region)

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    sender = f"sender-{uniq()}@example.com"
    body = f"Action=VerifyEmailIdentity&Version=2010-12-01&EmailAddress={quote(sender, safe='')}".encode()
    out = accepted_and_refused(client, "POST", servers.moto_url + "/", make, body, form, "SES VerifyEmailIdentity")
    assert b"VerifyEmailIdentityResponse" in out, out
    body = (
        f"Action=SendEmail&Version=2010-12-01&Source={quote(sender, safe='')}"
        "&Destination.ToAddresses.member.1=to%40example.com"
        "&Message.Subject.Data=Hello+there&Message.Body.Text.Data=Signed+by+sigv4%2B+%E2%9C%93"
    ).encode()
    out = accepted_and_refused(client, "POST", servers.moto_url + "/", make, body, form, "SES SendEmail")
    assert b"MessageId" in out, out


@pytest.mark.parametrize("client", CLIENTS)
def test_moto_kinesis_json_with_target(servers, client):
    def make(bad):
        return make_auth(client, credentials=servers.moto_credentials(bad), service="kinesis",
                         region=servers.moto_region)

    def kinesis(target, payload, label):
        headers = {"X-Amz-Target": f"Kinesis_20131202.{target}", "Content-Type": "application/x-amz-json-1.1"}
        return accepted_and_refused(client, "POST", servers.moto_url + "/", make, payload.encode(), headers, label)

    stream = f"sigv4-py-{client}-{uniq()}"
    kinesis("CreateStream", f'{{"StreamName":"{stream}","ShardCount":1}}', "Kinesis CreateStream")
    out = kinesis("PutRecord", f'{{"StreamName":"{stream}","Data":"aGVsbG8=","PartitionKey":"pk1"}}',
                  "Kinesis PutRecord")
    assert b"SequenceNumber" in out, out
    status, _ = send(client, "POST", servers.moto_url + "/", make(False),
                     f'{{"StreamName":"{stream}"}}'.encode(),
                     {"X-Amz-Target": "Kinesis_20131202.DeleteStream",
                      "Content-Type": "application/x-amz-json-1.1"})
    assert status == 200


@pytest.mark.parametrize("client", CLIENTS)
def test_moto_s3(servers, client):
    def make(bad):
        return make_auth(client, credentials=servers.moto_credentials(bad), service="s3",
                         region=servers.moto_region)

    bucket = f"{servers.moto_url}/sigv4-py-{client}-{uniq()}"
    accepted_and_refused(client, "PUT", bucket, make, label="moto S3 CreateBucket")
    obj = f"{bucket}/dir/hello%20world%2B%C3%A9.txt"
    accepted_and_refused(client, "PUT", obj, make, b"hello from sigv4\n", {"Content-Type": "text/plain"},
                         "moto S3 PutObject")
    out = accepted_and_refused(client, "GET", obj, make, label="moto S3 GetObject")
    assert out == b"hello from sigv4\n"


@pytest.mark.parametrize("client", CLIENTS)
def test_moto_sts_with_session_token(servers, client):
    """Temporary credentials (AssumeRole through botocore): the session token is sent and
    signed; a token that is not the key's is refused."""
    import botocore.session

    session = botocore.session.get_session()
    sts = session.create_client("sts", endpoint_url=servers.moto_url, region_name=servers.moto_region,
                                aws_access_key_id=servers.moto_key,
                                aws_secret_access_key=servers.moto_secret)
    with botocore_clock():
        got = sts.assume_role(RoleArn=servers.env["SIGV4_MOTO_ROLE_ARN"],
                              RoleSessionName=f"pytest-{client}")["Credentials"]
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    def make(bad):
        token = ("x" + got["SessionToken"]) if bad else got["SessionToken"]
        creds = sigv4.Credentials(got["AccessKeyId"], got["SecretAccessKey"], token)
        return make_auth(client, credentials=creds, service="sts", region=servers.moto_region)

    out = accepted_and_refused(client, "POST", servers.moto_url + "/", make, body, form, "STS, session token")
    assert f"assumed-role/sigv4-test-role/pytest-{client}".encode() in out, out

    def make_secret(bad):
        secret = wrong(got["SecretAccessKey"]) if bad else got["SecretAccessKey"]
        creds = sigv4.Credentials(got["AccessKeyId"], secret, got["SessionToken"])
        return make_auth(client, credentials=creds, service="sts", region=servers.moto_region)

    accepted_and_refused(client, "POST", servers.moto_url + "/", make_secret, body, form, "STS, wrong secret")


# ---------------------------------------------------------------------------------------
# s3s-fs

KEYS = ["plain.txt", "with space.txt", "plus+sign.txt", "unicode-é-漢字.txt", "tilde~(paren)!*'.txt"]


@pytest.mark.parametrize("client", CLIENTS)
def test_s3s_put_and_get(servers, s3s_bucket, client):
    def make(bad, unsigned=False):
        return make_auth(client, credentials=servers.s3s_credentials(bad), service="s3",
                         region=servers.s3s_region, unsigned_payload=unsigned)

    for i, key in enumerate(KEYS):
        url = f"{s3s_bucket}/{quote(key)}"
        body = f"object {i}: {key}\n".encode()
        accepted_and_refused(client, "PUT", url, make, body, {"Content-Type": "text/plain"}, f"PUT {key}")
        back = servers.s3s("GET", url)
        assert back.status_code == 200 and back.content == body, f"{key}: {back.status_code} {back.content!r}"
        assert accepted_and_refused(client, "GET", url, make, label=f"GET {key}") == body
    # UNSIGNED-PAYLOAD
    url = f"{s3s_bucket}/unsigned.bin"
    body = bytes(range(256)) * 40
    accepted_and_refused(client, "PUT", url, lambda bad: make(bad, unsigned=True), body, None, "PUT unsigned")
    assert servers.s3s("GET", url).content == body


@pytest.mark.parametrize("client", CLIENTS)
def test_s3s_credentials_from_the_environment(servers, s3s_bucket, client, clean_aws_env, monkeypatch):
    """credentials=None: sigv4.Credentials.from_environment(), as botocore reads them."""
    url = f"{s3s_bucket}/env.txt"
    assert servers.s3s("PUT", url, b"from the environment").status_code == 200
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", servers.s3s_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", servers.s3s_secret)
    auth = make_auth(client, service="s3", region=servers.s3s_region)
    assert send(client, "GET", url, auth) == (200, b"from the environment")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", wrong(servers.s3s_secret))
    auth = make_auth(client, service="s3", region=servers.s3s_region)
    assert send(client, "GET", url, auth)[0] == 403


def test_s3s_presigned_get_and_put(servers, s3s_bucket):
    for key in ["presigned.txt", "pre signed+ü.txt"]:
        url = f"{s3s_bucket}/{quote(key)}"
        body = f"via a presigned URL: {key}\n".encode()
        assert servers.s3s("PUT", url, body).status_code == 200
        common = dict(url=url, service="s3", region=servers.s3s_region, expires=300)
        get = sigv4.presign(credentials=servers.s3s_credentials(), **common)
        assert "X-Amz-Signature=" in get
        r = requests.get(get, timeout=30)
        assert (r.status_code, r.content) == (200, body), r.text
        bad = sigv4.presign(credentials=servers.s3s_credentials(bad=True), **common)
        r = requests.get(bad, timeout=30)
        assert r.status_code == 403, r.text
        # A presigned PUT, used with a plain client.
        put = sigv4.presign(credentials=servers.s3s_credentials(), method="PUT", **common)
        r = requests.put(put, data=b"replaced " + body, timeout=30)
        assert r.status_code == 200, r.text
        assert servers.s3s("GET", url).content == b"replaced " + body
        bad = sigv4.presign(credentials=servers.s3s_credentials(bad=True), method="PUT", **common)
        assert requests.put(bad, data=b"nope", timeout=30).status_code == 403
        assert servers.s3s("GET", url).content == b"replaced " + body


def form_upload(post, content, content_type="text/plain"):
    data = dict(post["fields"])
    data["Content-Type"] = content_type
    return requests.post(post["url"], data=data, files={"file": ("upload.txt", content, content_type)}, timeout=30)


def test_s3s_post_form_upload(servers, s3s_bucket):
    """presign_post fields used by a browser-style multipart form (requests), which s3s-fs
    checks against the policy: within it the file is stored; too large, another content
    type, or a wrong secret are refused. (s3s-fs does not expand ${filename}: exact keys.)"""
    bucket = s3s_bucket.rsplit("/", 1)[1]

    def presign(key, bad=False):
        return sigv4.presign_post(
            url=s3s_bucket + "/", bucket=bucket, key=key,
            credentials=servers.s3s_credentials(bad), region=servers.s3s_region,
            fields={"x-amz-meta-origin": "pytest"},
            conditions=[["content-length-range", 1, 1000], ["starts-with", "$Content-Type", "text/"]],
            expires=300,
        )

    post = presign("form/small.txt")
    assert post["url"] == s3s_bucket + "/"
    assert post["fields"]["key"] == "form/small.txt"
    assert post["fields"]["x-amz-meta-origin"] == "pytest"
    r = form_upload(post, b"p" * 500)
    assert 200 <= r.status_code < 300, f"{r.status_code} {r.text}"
    back = servers.s3s("GET", f"{s3s_bucket}/form/small.txt")
    assert back.content == b"p" * 500

    r = form_upload(presign("form/large.txt"), b"p" * 1001)
    assert 400 <= r.status_code < 500, f"over content-length-range: {r.status_code} {r.text}"
    r = form_upload(presign("form/image.txt"), b"p" * 10, "image/png")
    assert 400 <= r.status_code < 500, f"another content type: {r.status_code} {r.text}"
    r = form_upload(presign("form/wrong.txt", bad=True), b"p" * 10)
    assert 400 <= r.status_code < 500, f"a wrong secret: {r.status_code} {r.text}"
    for key in ["form/large.txt", "form/image.txt", "form/wrong.txt"]:
        assert servers.s3s("GET", f"{s3s_bucket}/{key}").status_code == 404, key


# Keys typed into URLs as they are. requests and httpx send "!", "(", "*", "'" and "+" as
# typed and keep "%7e"; S3 decodes the key ("+" as a space) and checks the signature
# against it encoded anew, which is how botocore writes a key: quote(key, safe="/~").
RAW_KEYS = ["raw space!(1).txt", "raw+plus*'~.txt", "raw%7elower.txt"]


@pytest.mark.parametrize("client", CLIENTS)
def test_s3s_keys_typed_raw_go_out_in_s3s_form(servers, s3s_bucket, client):
    """The plugins send (and sign) an S3 path in the form S3 checks signatures against:
    the URL sent is the one urllib writes for the key S3 decodes, s3s-fs takes the
    signature (and refuses a wrong secret), and botocore reads the object back there."""
    from urllib.parse import unquote_plus

    def make(bad):
        return make_auth(client, credentials=servers.s3s_credentials(bad), service="s3",
                         region=servers.s3s_region)

    for raw in RAW_KEYS:
        key = f"{uniq()}-{raw}"
        s3_form = f"{s3s_bucket}/{quote(unquote_plus(key), safe='/~')}"
        body = f"typed as {raw}".encode()
        auth = make(False)
        if client == "requests":
            sent = requests.put(f"{s3s_bucket}/{key}", data=body, auth=auth, timeout=30)
        else:
            with httpx.Client(auth=auth, timeout=30) as c:
                sent = c.put(f"{s3s_bucket}/{key}", content=body)
        assert sent.status_code == 200, f"{raw}: {sent.status_code} {sent.text[:300]}"
        assert str(sent.request.url) == s3_form, raw
        status, _ = send(client, "PUT", f"{s3s_bucket}/{key}", make(True), body)
        assert status == 403, f"{raw}: a wrong secret was not refused: {status}"
        back = servers.s3s("GET", s3_form)
        assert (back.status_code, back.content) == (200, body), raw


@pytest.mark.parametrize("client", CLIENTS)
def test_s3s_query_parameters(servers, s3s_bucket, client):
    """Query parameters as each client encodes them (space as '+', reserved characters
    escaped, non-ASCII as UTF-8), signed as sent; S3 applies response-content-type."""
    url = f"{s3s_bucket}/params.txt"
    assert servers.s3s("PUT", url, b"with a query").status_code == 200
    params = {"x": "a b+c", "y": "é/~", "response-content-type": "text/x-params"}

    def get(bad):
        auth = make_auth(client, credentials=servers.s3s_credentials(bad), service="s3", region=servers.s3s_region)
        if client == "requests":
            r = requests.get(url, params=params, auth=auth, timeout=30)
        else:
            with httpx.Client(auth=auth, timeout=30) as c:
                r = c.get(url, params=params)
        return r

    r = get(False)
    assert (r.status_code, r.content) == (200, b"with a query"), r.text
    assert r.headers["content-type"] == "text/x-params"
    assert get(True).status_code == 403


def test_requests_streamed_body_goes_unsigned_to_s3(servers, s3s_bucket):
    """A file object body (not read into memory by requests) is sent to S3 with
    UNSIGNED-PAYLOAD; to another service it is refused before sending."""
    import io

    url = f"{s3s_bucket}/streamed.bin"
    body = bytes(range(256)) * 64

    def put(bad):
        auth = sigv4.requests.AWSAuth(credentials=servers.s3s_credentials(bad), service="s3",
                                      region=servers.s3s_region)
        return requests.put(url, data=io.BytesIO(body), auth=auth, timeout=30)

    r = put(False)
    assert r.status_code == 200, r.text
    assert r.request.headers["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD"
    assert servers.s3s("GET", url).content == body
    assert put(True).status_code == 403
    kinesis = sigv4.requests.AWSAuth(credentials=servers.moto_credentials(), service="kinesis",
                                     region=servers.moto_region)
    with pytest.raises(sigv4.InvalidRequestError):
        requests.post(servers.moto_url + "/", data=io.BytesIO(b"{}"), auth=kinesis, timeout=30)
