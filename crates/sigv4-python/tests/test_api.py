"""The Python API itself: typed errors (each exception class where it belongs, all
subclasses of sigv4.Error), no secret in repr(Credentials), in error messages or in
explain() output, explain()'s keys and the arithmetic that ties them together (checked
with hashlib/hmac), the forms the arguments take, scope_of, credentials and region from
the environment and the profile files, and sign()/presign() against botocore on named
requests.
"""

import datetime
import json
import sys
import textwrap
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

import sigv4
from conftest import (EMPTY_SHA256, botocore_clock, header, hmac_hex, sha256_hex, signing_key,
                      string_to_sign)

AKID = "AKIDAPITEST000000000"
SECRET = "aPiTeSt/sEcReT+kEy/0123456789abcdefghijk"
TOKEN = "IQoJb3JpZ2luX2VjEApItEsT+tOkEn/vAlUe//=="
POLLY = "https://polly.eu-west-1.amazonaws.com/v1/voices?LanguageCode=en-US"
T = "20150830T123600Z"


def creds(token=None):
    return sigv4.Credentials(AKID, SECRET, token)


# ---------------------------------------------------------------------------------------
# Exceptions


def test_exception_hierarchy():
    for cls in (sigv4.InvalidRequestError, sigv4.CredentialsError, sigv4.VerificationError,
                sigv4.SignatureMismatchError, sigv4.PolicyViolationError):
        assert issubclass(cls, sigv4.Error)
    assert issubclass(sigv4.Error, Exception)
    assert issubclass(sigv4.InvalidRequestError, ValueError)
    assert issubclass(sigv4.SignatureMismatchError, sigv4.VerificationError)


def _sign(**kw):
    args = dict(method="GET", url=POLLY, credentials=creds(TOKEN), time=T)
    args.update(kw)
    return sigv4.sign(**args)


def _presign(**kw):
    args = dict(url=POLLY, credentials=creds(TOKEN), time=T)
    args.update(kw)
    return sigv4.presign(**args)


INVALID_REQUESTS = {
    "no scheme": (lambda: _sign(url="polly.eu-west-1.amazonaws.com/v1/voices"), "InvalidUrl"),
    "ftp scheme": (lambda: _sign(url="ftp://polly.eu-west-1.amazonaws.com/"), "InvalidUrl"),
    "method with a space": (lambda: _sign(method="G ET"), "InvalidMethod"),
    "header name with a space": (lambda: _sign(headers={"Bad Name": "x"}), "InvalidHeaderName"),
    "header value with a line break": (lambda: _sign(headers={"X-A": "a\r\nX-Injected: 1"}), "InvalidHeaderValue"),
    "time that is no time": (lambda: _sign(time="yesterday"), "InvalidTime"),
    "payload hash that is no hash": (lambda: _sign(payload_hash="xyz"), "InvalidPayloadHash"),
    "expiry 0": (lambda: _presign(expires=0), "ExpiryOutOfRange"),
    "expiry over 7 days": (lambda: _presign(expires=604801), "ExpiryOutOfRange"),
    "host naming no service": (lambda: _sign(url="http://127.0.0.1:9000/bucket/key"), None),
    "scope_of a host naming no service": (lambda: sigv4.scope_of("https://example.com/"), None),
    "scope_of no URL": (lambda: sigv4.scope_of("not a url"), None),
    "empty secret": (lambda: _sign(credentials=sigv4.Credentials(AKID, "")), None),
    "presign_post expiry 0": (lambda: sigv4.presign_post(url="https://bkt.s3.amazonaws.com/", bucket="bkt", key="k",
                                                         credentials=creds(), region="us-east-1", expires=0), None),
}


@pytest.mark.parametrize("label", list(INVALID_REQUESTS))
def test_invalid_requests_raise_invalid_request_error(label):
    call, kind = INVALID_REQUESTS[label]
    with pytest.raises(sigv4.InvalidRequestError) as e:
        call()
    err = e.value
    assert isinstance(err, sigv4.Error) and isinstance(err, ValueError)
    assert isinstance(err.kind, str) and err.kind
    if kind:
        assert err.kind == kind
    text = f"{err} {err!r} {err.args!r}"
    assert SECRET not in text and TOKEN not in text, text


def test_credentials_error(clean_aws_env, monkeypatch):
    with pytest.raises(sigv4.CredentialsError) as e:
        sigv4.Credentials.from_environment()
    assert isinstance(e.value, sigv4.Error) and e.value.kind
    assert not isinstance(e.value, sigv4.InvalidRequestError)
    (clean_aws_env / "credentials").write_text(f"[other]\naws_access_key_id = {AKID}\naws_secret_access_key = {SECRET}\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(clean_aws_env / "credentials"))
    with pytest.raises(sigv4.CredentialsError) as e:
        sigv4.Credentials.from_environment(profile="missing")
    assert SECRET not in str(e.value)


def test_verification_errors_are_typed():
    signed = _sign(credentials=creds())
    headers = dict(signed)
    # Unknown key: VerificationError, not a mismatch.
    with pytest.raises(sigv4.VerificationError) as e:
        sigv4.verify(method="GET", url=POLLY, headers=headers, credentials={}, now=T)
    assert not isinstance(e.value, sigv4.SignatureMismatchError)
    # Another secret for the key: a mismatch.
    with pytest.raises(sigv4.SignatureMismatchError) as e:
        sigv4.verify(method="GET", url=POLLY, headers=headers,
                     credentials={AKID: sigv4.Credentials(AKID, SECRET + "x")}, now=T)
    assert isinstance(e.value, sigv4.VerificationError)
    text = f"{e.value} {e.value!r}"
    assert SECRET not in text
    # What sign() made verifies (a self-check only; botocore's requests: test_verify.py).
    got = sigv4.verify(method="GET", url=POLLY, headers=headers, credentials={AKID: creds()}, now=T)
    assert (got["access_key_id"], got["service"], got["region"]) == (AKID, "polly", "eu-west-1")


# ---------------------------------------------------------------------------------------
# No secrets


def test_credentials_repr_hides_secret_and_token():
    c = creds(TOKEN)
    for text in (repr(c), str(c)):
        assert SECRET not in text and TOKEN not in text, text
        assert SECRET[:8] not in text and TOKEN[:8] not in text
    assert c.access_key_id == AKID
    assert c.has_session_token is True
    assert creds().has_session_token is False
    assert not hasattr(c, "secret_access_key") or SECRET not in repr(getattr(c, "secret_access_key"))


@pytest.mark.parametrize("expires", [None, 600])
def test_explain_shows_no_secret_or_token(expires):
    out = sigv4.explain(method="GET", url=POLLY, credentials=creds(TOKEN), time=T, expires=expires,
                        headers={"X-Custom": "1"})
    text = json.dumps(out)
    assert SECRET not in text
    assert TOKEN not in text and quote(TOKEN, safe="") not in text and quote(TOKEN, safe="-_.~") not in text
    assert json.dumps(TOKEN)[1:-1] not in text


@pytest.mark.parametrize("name", ["X-Amz-Security-Token", "x-amz-security-token"])
def test_explain_hides_a_token_written_in_the_url(name):
    # A new-user review found explain()'s "url" echoing it (the canonical request hid it).
    url = f"https://iam.amazonaws.com/?Action=ListUsers&{name}={quote(TOKEN, safe='')}"
    out = sigv4.explain(method="GET", url=url, credentials=creds(), time=T)
    text = json.dumps(out)
    assert TOKEN not in text and quote(TOKEN, safe="") not in text, out["url"]
    assert "Action=ListUsers" in out["url"]


def test_presign_gives_s3_urls_in_the_form_s3_checks():
    # S3 checks a signature against the key it decoded from the path ('+' a space),
    # encoded anew: a URL presigned as typed failed there. Others keep their path.
    c = creds()
    for typed, sent in [("a+b.txt", "a%20b.txt"), ("a!b~c.txt", "a%21b~c.txt"),
                        ("x%2a%41.txt", "x%2AA.txt"), ("plain.txt", "plain.txt")]:
        url = sigv4.presign(url=f"https://bkt.s3.us-east-1.amazonaws.com/{typed}", credentials=c, time=T)
        assert urlsplit(url).path == f"/{sent}", url
    url = sigv4.presign(url="https://execute-api.us-east-1.amazonaws.com/p/a!b", credentials=c, time=T,
                        service="execute-api", region="us-east-1")
    assert urlsplit(url).path == "/p/a!b", url


def test_sign_and_presign_carry_the_token_where_the_request_needs_it():
    added = _sign()
    assert header(added, "X-Amz-Security-Token") == TOKEN
    assert SECRET not in json.dumps(added)
    url = _presign()
    assert ("X-Amz-Security-Token", TOKEN) in parse_qsl(urlsplit(url).query)
    assert SECRET not in url


# ---------------------------------------------------------------------------------------
# explain()

COMMON_KEYS = {"method", "url", "service", "region", "canonical_request", "canonical_request_hash", "payload_hash",
               "string_to_sign", "credential_scope", "signed_headers", "signature"}


def _signed_headers_text(value):
    return value if isinstance(value, str) else ";".join(value)


def test_explain_keys_and_arithmetic_header_signing():
    out = sigv4.explain(method="GET", url=POLLY, credentials=creds(), time=T)
    assert COMMON_KEYS | {"headers"} <= set(out)
    assert "presigned_url" not in out
    assert (out["method"], out["service"], out["region"]) == ("GET", "polly", "eu-west-1")
    assert out["url"].startswith("https://polly.eu-west-1.amazonaws.com/v1/voices")
    scope = f"{T[:8]}/eu-west-1/polly/aws4_request"
    assert out["credential_scope"] == scope
    cr = out["canonical_request"]
    # The request as AWS documents its canonical form.
    assert cr == ("GET\n/v1/voices\nLanguageCode=en-US\nhost:polly.eu-west-1.amazonaws.com\n"
                  f"x-amz-date:{T}\n\nhost;x-amz-date\n{EMPTY_SHA256}")
    assert out["canonical_request_hash"] == sha256_hex(cr)
    assert out["payload_hash"] == EMPTY_SHA256
    assert _signed_headers_text(out["signed_headers"]) == "host;x-amz-date"
    assert out["string_to_sign"] == string_to_sign(T, scope, cr)
    assert out["signature"] == hmac_hex(signing_key(SECRET, T[:8], "eu-west-1", "polly"), out["string_to_sign"])
    assert header(out["headers"], "Authorization") == (
        f"AWS4-HMAC-SHA256 Credential={AKID}/{scope}, SignedHeaders=host;x-amz-date, Signature={out['signature']}")
    assert header(out["headers"], "X-Amz-Date") == T
    # sign() returns the same headers.
    assert {k.lower(): v for k, v in sigv4.sign(method="GET", url=POLLY, credentials=creds(), time=T).items()} == \
        {k.lower(): v for k, v in out["headers"].items()}


def test_explain_keys_and_arithmetic_presigning():
    out = sigv4.explain(method="GET", url=POLLY, credentials=creds(), time=T, expires=600)
    assert COMMON_KEYS | {"presigned_url"} <= set(out)
    assert "headers" not in out
    scope = f"{T[:8]}/eu-west-1/polly/aws4_request"
    q = dict(parse_qsl(urlsplit(out["presigned_url"]).query))
    assert q["X-Amz-Credential"] == f"{AKID}/{scope}"
    assert (q["X-Amz-Date"], q["X-Amz-Expires"], q["X-Amz-SignedHeaders"]) == (T, "600", "host")
    assert q["X-Amz-Signature"] == out["signature"]
    assert q["LanguageCode"] == "en-US"
    assert out["string_to_sign"] == string_to_sign(T, scope, out["canonical_request"])
    assert out["signature"] == hmac_hex(signing_key(SECRET, T[:8], "eu-west-1", "polly"), out["string_to_sign"])
    assert out["presigned_url"] == sigv4.presign(url=POLLY, credentials=creds(), time=T, expires=600)


def test_argument_forms_give_the_same_signature():
    ref = sigv4.explain(method="PUT", url="https://b.s3.us-west-2.amazonaws.com/k", credentials=creds(), time=T,
                        headers=[("Content-Type", "text/plain"), ("X-Amz-Meta-A", "1")], body=b"hello")
    assert ref["payload_hash"] == sha256_hex(b"hello")
    for body in (bytearray(b"hello"), memoryview(b"hello"), "hello"):
        for headers in ({"Content-Type": "text/plain", "X-Amz-Meta-A": "1"},
                        [("X-Amz-Meta-A", "1"), ("Content-Type", "text/plain")]):
            out = sigv4.explain(method="PUT", url="https://b.s3.us-west-2.amazonaws.com/k", credentials=creds(),
                                time=T, headers=headers, body=body)
            assert out["signature"] == ref["signature"], (type(body), headers)
    hashed = sigv4.explain(method="PUT", url="https://b.s3.us-west-2.amazonaws.com/k", credentials=creds(), time=T,
                           headers={"Content-Type": "text/plain", "X-Amz-Meta-A": "1"},
                           payload_hash=sha256_hex(b"hello"))
    assert hashed["signature"] == ref["signature"]


@pytest.mark.parametrize("time", [
    "20150830T123600Z",
    1440938160,
    1440938160.0,
    datetime.datetime(2015, 8, 30, 12, 36, tzinfo=datetime.timezone.utc),
    datetime.datetime(2015, 8, 30, 14, 36, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
])
def test_time_forms(time):
    out = sigv4.sign(method="GET", url=POLLY, credentials=creds(), time=time)
    assert header(out, "X-Amz-Date") == "20150830T123600Z"


def test_each_time_gets_its_own_date_header():
    # The X-Amz-Date string of one second is reused: a new second must not get the old one.
    for stamp in ["20150830T123600Z", "20150830T123601Z", "20150830T123600Z", 1440938162]:
        out = sigv4.sign(method="GET", url=POLLY, credentials=creds(), time=stamp)
        want = stamp if isinstance(stamp, str) else "20150830T123602Z"
        assert header(out, "X-Amz-Date") == want


def test_time_defaults_to_now():
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    got = header(sigv4.sign(method="GET", url=POLLY, credentials=creds()), "X-Amz-Date")
    t = datetime.datetime.strptime(got, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    assert before - datetime.timedelta(seconds=2) <= t <= before + datetime.timedelta(seconds=5)


def test_unsigned_payload_and_s3_rules():
    s3 = sigv4.explain(method="PUT", url="https://b.s3.eu-west-1.amazonaws.com/a%20b", credentials=creds(),
                       time=T, body=b"data", unsigned_payload=True)
    assert s3["service"] == "s3" and s3["payload_hash"] == "UNSIGNED-PAYLOAD"
    assert header(s3["headers"], "x-amz-content-sha256") == "UNSIGNED-PAYLOAD"
    assert s3["canonical_request"].split("\n")[1] == "/a%20b"  # S3: the path as sent
    url = "https://abc123.execute-api.eu-central-1.amazonaws.com/prod/a%20b"
    generic = sigv4.explain(method="GET", url=url, credentials=creds(), time=T)
    assert generic["service"] == "execute-api"
    assert generic["canonical_request"].split("\n")[1] == "/prod/a%2520b"  # generic: encoded once more
    forced = sigv4.explain(method="GET", url=url, credentials=creds(), time=T, s3=True)
    assert forced["canonical_request"].split("\n")[1] == "/prod/a%20b"
    assert header(forced["headers"], "x-amz-content-sha256") == EMPTY_SHA256
    unforced = sigv4.explain(method="GET", url="https://b.s3.eu-west-1.amazonaws.com/a%20b", credentials=creds(),
                             time=T, s3=False)
    assert unforced["canonical_request"].split("\n")[1] == "/a%2520b"
    given = sigv4.explain(method="GET", url=url, credentials=creds(), time=T, service="iam", region="us-east-1")
    assert given["credential_scope"] == f"{T[:8]}/us-east-1/iam/aws4_request"


# ---------------------------------------------------------------------------------------
# scope_of, credentials and region from the environment


@pytest.mark.parametrize("url,scope", [
    ("https://email.us-east-1.amazonaws.com/", ("ses", "us-east-1")),
    ("https://polly.eu-west-1.amazonaws.com/v1/voices", ("polly", "eu-west-1")),
    ("https://kinesis.ap-southeast-2.amazonaws.com/", ("kinesis", "ap-southeast-2")),
    ("https://my-bucket.s3.eu-west-1.amazonaws.com/key", ("s3", "eu-west-1")),
    ("https://abc123.execute-api.eu-central-1.amazonaws.com/prod", ("execute-api", "eu-central-1")),
])
def test_scope_of(url, scope):
    assert sigv4.scope_of(url) == scope


def test_scope_of_agrees_with_botocore_on_sts_and_ses():
    """botocore's own endpoint resolution for a few services (its data, not ours)."""
    import botocore.session

    session = botocore.session.get_session()
    for service, region in [("ses", "eu-west-1"), ("sts", "ap-northeast-1"), ("cloudwatch", "us-west-2")]:
        client = session.create_client(service, region_name=region, aws_access_key_id="a", aws_secret_access_key="b")
        endpoint = client.meta.endpoint_url
        signing = client.meta.service_model.signing_name
        assert sigv4.scope_of(endpoint) == (signing, region), endpoint


def test_credentials_from_environment_variables(clean_aws_env, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AKID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    c = sigv4.Credentials.from_environment()
    assert c.access_key_id == AKID and not c.has_session_token
    assert _same_signature(c, creds())
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    c = sigv4.Credentials.from_environment()
    assert c.has_session_token
    assert header(sigv4.sign(method="GET", url=POLLY, credentials=c, time=T), "X-Amz-Security-Token") == TOKEN
    assert SECRET not in repr(c) and TOKEN not in repr(c)


def _same_signature(a, b):
    sa = sigv4.sign(method="GET", url=POLLY, credentials=a, time=T)
    sb = sigv4.sign(method="GET", url=POLLY, credentials=b, time=T)
    return header(sa, "Authorization") == header(sb, "Authorization")


def test_credentials_and_region_from_profile_files(clean_aws_env, monkeypatch):
    home = clean_aws_env
    (home / "credentials").write_text(textwrap.dedent(f"""\
        [default]
        aws_access_key_id = AKIDDEFAULT000000000
        aws_secret_access_key = defaultSecret
        [work]
        aws_access_key_id = {AKID}
        aws_secret_access_key = {SECRET}
        """))
    (home / "config").write_text(textwrap.dedent(f"""\
        [default]
        region = ca-central-1
        [profile work]
        region = eu-north-1
        [profile proc]
        region = sa-east-1
        credential_process = {sys.executable} -c "import json; print(json.dumps({{'Version': 1, 'AccessKeyId': '{AKID}', 'SecretAccessKey': '{SECRET}', 'SessionToken': '{TOKEN}'}}))"
        """))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "config"))
    assert sigv4.Credentials.from_environment().access_key_id == "AKIDDEFAULT000000000"
    assert sigv4.default_region() == "ca-central-1"
    work = sigv4.Credentials.from_environment(profile="work")
    assert work.access_key_id == AKID and _same_signature(work, creds())
    assert sigv4.default_region(profile="work") == "eu-north-1"
    monkeypatch.setenv("AWS_PROFILE", "work")
    assert sigv4.Credentials.from_environment().access_key_id == AKID
    assert sigv4.default_region() == "eu-north-1"
    proc = sigv4.Credentials.from_environment(profile="proc")
    assert proc.has_session_token and _same_signature(proc, creds(TOKEN))
    assert sigv4.default_region(profile="proc") == "sa-east-1"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-1")
    assert sigv4.default_region() == "us-west-1"
    monkeypatch.setenv("AWS_REGION", "ap-south-1")
    assert sigv4.default_region() == "ap-south-1"
    # Environment keys win over the profile (unless a profile is named).
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV000000000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "envSecret")
    assert sigv4.Credentials.from_environment().access_key_id == "AKIDFROMENV000000000"


def test_environment_credentials_are_looked_up_again_before_they_expire(clean_aws_env, monkeypatch):
    """Keys that expire in two minutes: the plugins look them up again after about one,
    not after the usual five (a credential_process that counts its runs)."""
    import time

    import requests

    import sigv4.requests

    home = clean_aws_env
    runs = home / "runs"
    in_two_minutes = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=120)
    expiration = in_two_minutes.strftime("%Y-%m-%dT%H:%M:%SZ")
    script = home / "proc.py"
    script.write_text(textwrap.dedent(f"""\
        import json, pathlib
        runs = pathlib.Path({str(runs)!r})
        n = int(runs.read_text()) + 1 if runs.exists() else 1
        runs.write_text(str(n))
        print(json.dumps({{"Version": 1, "AccessKeyId": "ASIAPROC%d" % n, "SecretAccessKey": "s",
                          "SessionToken": "t", "Expiration": {expiration!r}}}))
        """))
    (home / "config").write_text(f"[profile short]\ncredential_process = {sys.executable} {script}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "config"))

    found = sigv4.Credentials.from_environment(profile="short")
    assert (found.access_key_id, found.expires) == ("ASIAPROC1", int(in_two_minutes.timestamp()))
    assert sigv4.Credentials(AKID, SECRET).expires is None

    auth = sigv4.requests.AWSAuth(profile="short")
    prepared = requests.Request("GET", POLLY).prepare()

    def key_id():
        signed = auth(prepared.copy())
        return signed.headers["Authorization"].split("Credential=")[1].split("/")[0]

    assert key_id() == "ASIAPROC2"
    due_in = auth._signer._renew_at - time.monotonic()
    assert 55 < due_in <= 61, due_in
    assert key_id() == "ASIAPROC2"
    later = time.monotonic() + 61
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert key_id() == "ASIAPROC3"
    assert runs.read_text() == "3"


def test_no_region_anywhere(clean_aws_env):
    assert sigv4.default_region() is None


def test_version():
    assert isinstance(sigv4.__version__, str) and sigv4.__version__[0].isdigit()


# ---------------------------------------------------------------------------------------
# sign()/presign() against botocore on named requests


NAMED = [
    ("GET", POLLY, {}, b"", "polly", "eu-west-1"),
    ("POST", "https://kinesis.us-east-1.amazonaws.com/",
     {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "Kinesis_20131202.PutRecord"},
     b'{"StreamName":"s","Data":"aGk=","PartitionKey":"p"}', "kinesis", "us-east-1"),
    ("POST", "https://email.us-east-1.amazonaws.com/", {"Content-Type": "application/x-www-form-urlencoded"},
     b"Action=SendEmail&Source=a%40example.com&Message.Subject.Data=Hi", "ses", "us-east-1"),
    ("PUT", "https://my-bucket.s3.us-west-2.amazonaws.com/docs/report%202024.txt", {"Content-Type": "text/plain"},
     b"hello, world", "s3", "us-west-2"),
]


@pytest.mark.parametrize("token", [None, TOKEN])
@pytest.mark.parametrize("method,url,headers,body,service,region", NAMED)
def test_sign_matches_botocore(method, url, headers, body, service, region, token):
    from botocore.auth import S3SigV4Auth, SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    req = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
    cls = S3SigV4Auth if service == "s3" else SigV4Auth
    with botocore_clock(datetime.datetime(2015, 8, 30, 12, 36)):
        cls(Credentials(AKID, SECRET, token), service, region).add_auth(req)
    ours = sigv4.sign(method=method, url=url, credentials=creds(token), headers=headers, body=body, time=T)
    assert header(ours, "Authorization") == req.headers["Authorization"]
    if service == "s3":
        assert header(ours, "x-amz-content-sha256") == req.headers["X-Amz-Content-SHA256"]


@pytest.mark.parametrize("token", [None, TOKEN])
def test_presign_matches_botocore(token):
    from botocore.auth import S3SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    url = "https://my-bucket.s3.us-east-1.amazonaws.com/reports/q1%20summary.pdf?response-content-type=text%2Fplain"
    req = AWSRequest(method="GET", url=url)
    with botocore_clock(datetime.datetime(2015, 8, 30, 12, 36)):
        S3SigV4QueryAuth(Credentials(AKID, SECRET, token), "s3", "us-east-1", expires=900).add_auth(req)
    ours = sigv4.presign(url=url, credentials=creds(token), expires=900, time=T)
    assert sorted(parse_qsl(urlsplit(ours).query)) == sorted(parse_qsl(urlsplit(req.url).query))
    assert urlsplit(ours).path == urlsplit(req.url).path


# ---------------------------------------------------------------------------------------
# Arguments of the wrong type or out of range: never signed as something else.


@pytest.mark.parametrize("body", [5, [1, 2], 3.5, {"a": 1}])
def test_body_of_another_type_is_a_type_error(body):
    """body is bytes, bytearray, memoryview, str or None (the .pyi): an int must not be
    signed as that many zero bytes, nor a list of ints as their bytes."""
    with pytest.raises(TypeError):
        sigv4.sign(method="POST", url=POLLY, credentials=creds(), body=body, time=T)


@pytest.mark.parametrize("time", [float("nan"), float("inf"), -1, 10**20, "2015-13-45T99:00:00Z"])
def test_time_out_of_range_is_an_invalid_request(time):
    """Not signed at some other instant (NaN is not 1970), and reported as the package's
    error (InvalidRequestError, kind InvalidTime), not as a bare OverflowError."""
    with pytest.raises(sigv4.InvalidRequestError):
        sigv4.sign(method="GET", url=POLLY, credentials=creds(), time=time)


def _upload_signer(**kw):
    args = dict(credentials=creds(), region="us-east-1", buckets=["my-uploads"], key_prefixes=["user/"],
                max_size=10)
    args.update(kw)
    return sigv4.UploadSigner(**args)


def _verify(**kw):
    args = dict(method="GET", url=POLLY, headers={}, credentials={})
    args.update(kw)
    return sigv4.verify(**args)


def _chunked(**kw):
    args = dict(url="https://s3.amazonaws.com/bkt/k", data=b"", length=0, credentials=creds(), region="us-east-1")
    args.update(kw)
    return sigv4.ChunkedUpload(**args)


_POST = dict(url="https://bkt.s3.amazonaws.com/", bucket="bkt", key="k", credentials=creds(), region="us-east-1")

# Whole numbers out of range are the package's error naming the argument, never a bare
# OverflowError.
OUT_OF_RANGE = {
    "presign expires 2**64": (lambda: _presign(expires=2**64), "expires is too large"),
    "presign expires -2**64": (lambda: _presign(expires=-(2**64)), "expires must not be negative"),
    "explain expires 2**64": (lambda: sigv4.explain(method="GET", url=POLLY, credentials=creds(), expires=2**64),
                              "expires is too large"),
    "presign_post expires 2**64": (lambda: sigv4.presign_post(**_POST, expires=2**64), "expires is too large"),
    "content-length-range -1": (lambda: sigv4.presign_post(**_POST, conditions=[["content-length-range", -1, 5]]),
                                "content-length-range's minimum must not be negative"),
    "verify max_skew 2**64": (lambda: _verify(max_skew=2**64), "max_skew is too large"),
    "verify max_skew -1": (lambda: _verify(max_skew=-1), "max_skew must not be negative"),
    "UploadSigner max_size -1": (lambda: _upload_signer(max_size=-1), "max_size must not be negative"),
    "UploadSigner max_size 2**64": (lambda: _upload_signer(max_size=2**64), "max_size is too large"),
    "UploadSigner max_expiry 2**64": (lambda: _upload_signer(max_expiry=2**64), "max_expiry is too large"),
    "ChunkedUpload length 2**64": (lambda: _chunked(length=2**64), "length is too large"),
    "ChunkedUpload chunk_size -1": (lambda: _chunked(chunk_size=-1), "chunk_size must not be negative"),
}


@pytest.mark.parametrize("label", list(OUT_OF_RANGE))
def test_whole_numbers_out_of_range_are_invalid_requests(label):
    call, message = OUT_OF_RANGE[label]
    with pytest.raises(sigv4.InvalidRequestError) as e:
        call()
    assert str(e.value) == message and e.value.kind == "InvalidArgument"


def test_credentials_copy_but_do_not_pickle():
    import copy
    import pickle

    c = sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "TOKEN")
    config = {"credentials": c, "region": "eu-west-1"}
    assert copy.copy(c) is c and copy.deepcopy(config)["credentials"] is c
    with pytest.raises(TypeError) as e:
        pickle.dumps(c)
    assert "not pickled" in str(e.value)
    assert "wJalr" not in str(e.value) and "TOKEN" not in str(e.value)


def test_a_size_range_that_holds_no_size_is_refused():
    # S3 would refuse every upload under ["content-length-range", 10, 1].
    with pytest.raises(sigv4.InvalidRequestError) as e:
        sigv4.presign_post(**_POST, conditions=[["content-length-range", 10, 1]])
    assert "content-length-range 10 to 1 holds no size" in str(e.value)
    assert e.value.kind == "InvalidPolicy"


# A bool is no number of seconds (as it is no time), a str is no list of str, and a
# signing request's body is bytes or str: TypeErrors that say so.
WRONG_TYPES = {
    "presign expires True": (lambda: _presign(expires=True), "expires must be an int, not bool"),
    "explain expires True": (lambda: sigv4.explain(method="GET", url=POLLY, credentials=creds(), expires=True),
                             "expires must be an int, not bool"),
    "presign_post expires True": (lambda: sigv4.presign_post(**_POST, expires=True), "expires must be an int, not bool"),
    "sign time True": (lambda: _sign(time=True), "a time must not be a bool"),
    "verify max_skew True": (lambda: _verify(max_skew=True), "max_skew must be an int, not bool"),
    "ChunkedUpload length 1.5": (lambda: _chunked(length=1.5), "length must be an int, not float"),
    "verify regions str": (lambda: _verify(regions="us-east-1"), "regions must be a list of str, not str"),
    "verify services str": (lambda: _verify(services="s3"), "services must be a list of str, not str"),
    "verify regions of int": (lambda: _verify(regions=[1]), "regions must be a list of str, not of int"),
    "UploadSigner buckets str": (lambda: _upload_signer(buckets="my-uploads"),
                                 "buckets must be a list of names or (name, endpoint URL) pairs, not str"),
    "UploadSigner key_prefixes str": (lambda: _upload_signer(key_prefixes="user/"),
                                      "key_prefixes must be a list of str, not str"),
    "UploadSigner acls str": (lambda: _upload_signer(acls="private"), "acls must be a list of str, not str"),
    "sign_request 5": (lambda: _upload_signer().sign_request(5),
                       "body must be bytes, bytearray, memoryview or str, not int"),
    "answer None": (lambda: _upload_signer().answer(None), "body must be bytes or str, not None"),
}


@pytest.mark.parametrize("label", list(WRONG_TYPES))
def test_arguments_of_the_wrong_type_are_type_errors(label):
    call, message = WRONG_TYPES[label]
    with pytest.raises(TypeError) as e:
        call()
    assert str(e.value) == message


def test_lists_and_numbers_still_take_their_forms():
    assert _presign(expires=604800)
    assert _verify_kinds(regions=("eu-west-1",), services=iter(["polly"])) == "MissingAuthentication"
    signer = _upload_signer(buckets=(("local", "http://127.0.0.1:9000"), "my-uploads"), key_prefixes=("user/",),
                            max_size=2**63 - 1, acls=None)
    assert "local" in repr(signer)


def _verify_kinds(**kw):
    with pytest.raises(sigv4.VerificationError) as e:
        _verify(**kw)
    return e.value.kind


def test_errors_raised_by_the_python_glue_are_kind_invalid_argument():
    upload = _chunked(data=b"x", length=1)
    b"".join(upload)
    with pytest.raises(sigv4.InvalidRequestError) as e:
        b"".join(upload)
    assert e.value.kind == "InvalidArgument"
    with pytest.raises(sigv4.InvalidRequestError) as e:
        b"".join(_chunked(data=b"xy", length=1))
    assert e.value.kind == "InvalidArgument"
