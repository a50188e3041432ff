"""sigv4.requests.AWSAuth and sigv4.httpx.AWSAuth without a network: each signs a request
(a requests.PreparedRequest from a Session, with its default headers; an httpx.Request,
through the sync and the async auth flow) and the Authorization header must be the one
botocore computes for the same request, headers and body, at the X-Amz-Date the plugin
used. Service and region come from the host unless given; credentials from the
environment unless given.
"""

import asyncio
import datetime

import httpx
import pytest
import requests

import sigv4
import sigv4.httpx
import sigv4.requests
from conftest import botocore_clock

AKID = "AKIDPLUGINTEST000000"
SECRET = "pLuGiN/sEcReT+kEy/0123456789abcdefghijkl"
TOKEN = "IQoJb3JpZ2luX2VjEPlUgInToKeN+/=="

OWN = {"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"}

REQUESTS = [
    ("GET", "https://polly.eu-west-1.amazonaws.com/v1/voices?LanguageCode=en-US", {}, b"", "polly", "eu-west-1"),
    ("POST", "https://kinesis.us-east-1.amazonaws.com/",
     {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "Kinesis_20131202.PutRecord"},
     b'{"StreamName":"s","Data":"aGk=","PartitionKey":"p"}', "kinesis", "us-east-1"),
    ("POST", "https://email.us-east-1.amazonaws.com/", {"Content-Type": "application/x-www-form-urlencoded"},
     b"Action=SendEmail&Source=a%40example.com&Message.Subject.Data=Hello+there", "ses", "us-east-1"),
    ("PUT", "https://my-bucket.s3.eu-west-1.amazonaws.com/dir/a%20b.txt", {"Content-Type": "text/plain"},
     b"hello, world", "s3", "eu-west-1"),
    ("GET", "https://abc123.execute-api.eu-central-1.amazonaws.com/prod/items?q=x%20y&a=1", {"Accept": "application/json"},
     b"", "execute-api", "eu-central-1"),
]


def signed_names(authorization):
    return authorization.split("SignedHeaders=", 1)[1].split(",", 1)[0].split(";")


def botocore_authorization(method, url, headers, body, service, region, token, amz_date, unsigned=False):
    """What botocore signs at amz_date for this request with the headers the plugin signed
    (as the client sends them), and the names it must have signed at least."""
    from botocore.auth import S3SigV4Auth, SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.config import Config
    from botocore.credentials import Credentials

    names = signed_names(_get(headers, "authorization"))
    kept = {k: v for k, v in headers.items() if k.lower() in names and k.lower() not in OWN | {"host"}}
    req = AWSRequest(method=method, url=url, data=body, headers=kept)
    cls = S3SigV4Auth if service == "s3" else SigV4Auth
    if service == "s3":
        req.context["client_config"] = Config(s3={"payload_signing_enabled": not unsigned})
    elif unsigned:
        req.context["payload_signing_enabled"] = False
    now = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")
    with botocore_clock(now):
        cls(Credentials(AKID, SECRET, token), service, region).add_auth(req)
    assert names == signed_names(req.headers["Authorization"]), (names, req.headers["Authorization"])
    return req.headers["Authorization"], req.headers.get("X-Amz-Content-SHA256")


def assert_signs(headers, given, token, s3):
    """The plugin signs at least host, x-amz-date, the headers the caller gave, the token
    and, for S3, x-amz-content-sha256."""
    names = set(signed_names(_get(headers, "authorization")))
    must = {"host", "x-amz-date"} | {k.lower() for k in given}
    if token:
        must.add("x-amz-security-token")
    if s3:
        must.add("x-amz-content-sha256")
    assert must <= names, f"not signed: {must - names}"


def _get(headers, name):
    for k, v in headers.items():
        if k.lower() == name:
            return v
    return None


@pytest.mark.parametrize("token", [None, TOKEN])
@pytest.mark.parametrize("method,url,headers,body,service,region", REQUESTS)
def test_requests_auth_matches_botocore(method, url, headers, body, service, region, token):
    auth = sigv4.requests.AWSAuth(credentials=sigv4.Credentials(AKID, SECRET, token))
    session = requests.Session()  # its default headers (User-Agent, Accept-Encoding...) are sent too
    prepared = session.prepare_request(requests.Request(method, url, headers=headers, data=body or None, auth=auth))
    sent = dict(prepared.headers)
    amz = _get(sent, "x-amz-date")
    assert amz
    want, sha = botocore_authorization(method, prepared.url, sent, body, service, region, token, amz)
    assert _get(sent, "authorization") == want
    assert _get(sent, "x-amz-security-token") == token
    assert_signs(sent, headers, token, service == "s3")
    if service == "s3":
        assert _get(sent, "x-amz-content-sha256") == sha


@pytest.mark.parametrize("token", [None, TOKEN])
@pytest.mark.parametrize("method,url,headers,body,service,region", REQUESTS)
def test_httpx_auth_matches_botocore(method, url, headers, body, service, region, token):
    auth = sigv4.httpx.AWSAuth(credentials=sigv4.Credentials(AKID, SECRET, token))
    request = httpx.Request(method, url, headers=headers, content=body or None)
    signed = next(auth.sync_auth_flow(request))
    sent = dict(signed.headers)
    amz = _get(sent, "x-amz-date")
    want, sha = botocore_authorization(method, str(signed.url), sent, body, service, region, token, amz)
    assert _get(sent, "authorization") == want
    assert _get(sent, "x-amz-security-token") == token
    assert_signs(sent, headers, token, service == "s3")
    if service == "s3":
        assert _get(sent, "x-amz-content-sha256") == sha


@pytest.mark.parametrize("method,url,headers,body,service,region", REQUESTS[:2])
def test_httpx_async_flow_matches_botocore(method, url, headers, body, service, region):
    auth = sigv4.httpx.AWSAuth(credentials=sigv4.Credentials(AKID, SECRET))

    async def first():
        request = httpx.Request(method, url, headers=headers, content=body or None)
        return await auth.async_auth_flow(request).__anext__()

    signed = asyncio.run(first())
    sent = dict(signed.headers)
    want, _ = botocore_authorization(method, str(signed.url), sent, body, service, region, None,
                                     _get(sent, "x-amz-date"))
    assert _get(sent, "authorization") == want


@pytest.mark.parametrize("client", ["requests", "httpx"])
def test_unsigned_payload_and_explicit_scope(client):
    url, body = "https://my-bucket.s3.eu-west-1.amazonaws.com/big.bin", b"x" * 1000
    kw = dict(credentials=sigv4.Credentials(AKID, SECRET), unsigned_payload=True)
    if client == "requests":
        p = requests.Request("PUT", url, data=body, auth=sigv4.requests.AWSAuth(**kw)).prepare()
        sent, final_url = dict(p.headers), p.url
    else:
        signed = next(sigv4.httpx.AWSAuth(**kw).sync_auth_flow(httpx.Request("PUT", url, content=body)))
        sent, final_url = dict(signed.headers), str(signed.url)
    assert _get(sent, "x-amz-content-sha256") == "UNSIGNED-PAYLOAD"
    want, _ = botocore_authorization("PUT", final_url, sent, body, "s3", "eu-west-1", None,
                                     _get(sent, "x-amz-date"), unsigned=True)
    assert _get(sent, "authorization") == want
    # service and region given: the host is not consulted.
    kw = dict(credentials=sigv4.Credentials(AKID, SECRET), service="execute-api", region="eu-west-3")
    local = "http://127.0.0.1:8080/prod/items"
    if client == "requests":
        p = requests.Request("GET", local, auth=sigv4.requests.AWSAuth(**kw)).prepare()
        sent = dict(p.headers)
    else:
        sent = dict(next(sigv4.httpx.AWSAuth(**kw).sync_auth_flow(httpx.Request("GET", local))).headers)
    assert "/eu-west-3/execute-api/aws4_request" in _get(sent, "authorization")
    want, _ = botocore_authorization("GET", local, sent, b"", "execute-api", "eu-west-3", None,
                                     _get(sent, "x-amz-date"))
    assert _get(sent, "authorization") == want


def test_requests_bytearray_body_is_signed_as_bytes():
    # It was taken for a stream, and refused for services other than S3.
    url = "https://email.us-east-1.amazonaws.com/"
    body = bytearray(b"Action=ListIdentities&Version=2010-12-01")
    auth = sigv4.requests.AWSAuth(credentials=sigv4.Credentials(AKID, SECRET))
    p = requests.Request("POST", url, data=body, auth=auth,
                         headers={"Content-Type": "application/x-www-form-urlencoded"}).prepare()
    sent = dict(p.headers)
    want, _ = botocore_authorization("POST", url, sent, bytes(body), "ses", "us-east-1", None,
                                     _get(sent, "x-amz-date"))
    assert _get(sent, "authorization") == want


def test_requests_auth_is_an_auth_base():
    assert issubclass(sigv4.requests.AWSAuth, requests.auth.AuthBase)
    assert issubclass(sigv4.httpx.AWSAuth, httpx.Auth)


@pytest.mark.parametrize("client", ["requests", "httpx"])
def test_credentials_default_to_the_environment(client, clean_aws_env, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AKID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    url = "https://polly.eu-west-1.amazonaws.com/v1/voices"
    if client == "requests":
        sent = dict(requests.Request("GET", url, auth=sigv4.requests.AWSAuth()).prepare().headers)
    else:
        sent = dict(next(sigv4.httpx.AWSAuth().sync_auth_flow(httpx.Request("GET", url))).headers)
    assert _get(sent, "x-amz-security-token") == TOKEN
    want, _ = botocore_authorization("GET", url, sent, b"", "polly", "eu-west-1", TOKEN, _get(sent, "x-amz-date"))
    assert _get(sent, "authorization") == want


@pytest.mark.parametrize("client", ["requests", "httpx"])
def test_no_credentials_anywhere_is_a_credentials_error(client, clean_aws_env):
    with pytest.raises(sigv4.CredentialsError):
        auth = (sigv4.requests.AWSAuth if client == "requests" else sigv4.httpx.AWSAuth)()
        url = "https://polly.eu-west-1.amazonaws.com/v1/voices"
        if client == "requests":
            requests.Request("GET", url, auth=auth).prepare()
        else:
            next(auth.sync_auth_flow(httpx.Request("GET", url)))


@pytest.mark.parametrize("client", ["requests", "httpx"])
def test_unknown_host_without_service_is_an_invalid_request(client):
    auth_cls = sigv4.requests.AWSAuth if client == "requests" else sigv4.httpx.AWSAuth
    with pytest.raises(sigv4.InvalidRequestError):
        auth = auth_cls(credentials=sigv4.Credentials(AKID, SECRET))
        if client == "requests":
            requests.Request("GET", "http://127.0.0.1:9/x", auth=auth).prepare()
        else:
            next(auth.sync_auth_flow(httpx.Request("GET", "http://127.0.0.1:9/x")))
