"""Shared fixtures and helpers for the tests of the Python package `sigv4`.

Nothing here computes a result with `sigv4` itself: expected values come from AWS's
published test suite, from botocore (an independent signer, pinned in
requirements-test.txt), from servers that check signatures (scripts/servers.sh), or
from the few lines of SigV4 written below with hashlib/hmac (`signing_key`,
`hmac_hex`), which follow AWS's documented key derivation.
"""

import contextlib
import datetime
import hashlib
import hmac
import json
import os
import sys
from pathlib import Path

import pytest

import sigv4

TESTS = Path(__file__).resolve().parent
PACKAGE = TESTS.parent  # crates/sigv4-python
REPO = PACKAGE.parent.parent  # the workspace root
ORACLE = REPO / "tools" / "oracle"
DIAGNOSE_FIXTURES = REPO / "crates" / "sigv4" / "tests" / "diagnose"
# Written by scripts/servers.sh start; $SIGV4_SERVERS_ENV names another.
SERVERS_ENV = Path(os.environ.get("SIGV4_SERVERS_ENV") or REPO / "target" / "servers" / "env.json")

EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def suite_dir():
    """AWS's signing test suite: $SIGV4_TEST_SUITE, else ../shared/aws-signing-test-suite
    beside the repository (as crates/sigv4/tests/aws_suite.rs finds it)."""
    env = os.environ.get("SIGV4_TEST_SUITE")
    return Path(env) if env else REPO.parent / "shared" / "aws-signing-test-suite"


def import_oracle(name):
    """A module of tools/oracle (botocore_cases, botocore_signed), imported from there.

    Importing botocore_cases replaces botocore.auth.get_current_datetime with its frozen
    clock (which refuses to answer outside a case); `botocore_clock` below sets a clock
    for the calls made here, so both coexist.
    """
    if str(ORACLE) not in sys.path:
        sys.path.insert(0, str(ORACLE))
    return __import__(name)


# ---------------------------------------------------------------------------------------
# SigV4 by hand (AWS's documented derivation), for checks independent of the package.


def sha256_hex(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def signing_key(secret, date, region, service):
    key = ("AWS4" + secret).encode("utf-8")
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return key


def hmac_hex(key, message):
    if isinstance(message, str):
        message = message.encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def string_to_sign(amz_date, scope, canonical_request):
    return f"AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{sha256_hex(canonical_request)}"


def amz_now(offset=0):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)
    return t.strftime("%Y%m%dT%H%M%SZ")


def wrong(secret):
    """The same secret with its last character changed."""
    return secret[:-1] + ("A" if secret[-1] != "A" else "B")


def header(headers, name):
    """A header's value from a dict or list of pairs, by case-insensitive name."""
    items = headers.items() if hasattr(headers, "items") else headers
    found = [v for n, v in items if n.lower() == name.lower()]
    assert len(found) == 1, f"{name}: {len(found)} values in {headers!r}"
    return found[0]


# ---------------------------------------------------------------------------------------
# botocore as an independent signer.


@contextlib.contextmanager
def botocore_clock(now=None):
    """botocore's signers read this clock: `now` (a naive UTC datetime) or the real time.
    (botocore.auth signs requests; botocore.signers builds POST policies.)"""
    import botocore.auth
    import botocore.signers

    saved = botocore.auth.get_current_datetime, botocore.signers.get_current_datetime

    def clock(remove_tzinfo=True):
        t = now if now is not None else datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        return t if remove_tzinfo else t.replace(tzinfo=datetime.timezone.utc)

    botocore.auth.get_current_datetime = botocore.signers.get_current_datetime = clock
    try:
        yield
    finally:
        botocore.auth.get_current_datetime, botocore.signers.get_current_datetime = saved


def botocore_send(method, url, *, key, secret, service="s3", region="us-east-1", body=b"", headers=None):
    """Sends a request signed by botocore (S3SigV4Auth for s3, SigV4Auth otherwise) with
    requests: the tests' independent way to set up and read back server state."""
    import requests
    from botocore.auth import S3SigV4Auth, SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    req = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    cls = S3SigV4Auth if service == "s3" else SigV4Auth
    with botocore_clock():
        cls(Credentials(key, secret), service, region).add_auth(req)
    prepared = req.prepare()
    return requests.request(method, prepared.url, headers=dict(prepared.headers), data=body, timeout=30)


# ---------------------------------------------------------------------------------------
# The servers of scripts/servers.sh.


class Servers:
    """target/servers/env.json: moto and s3s-fs on 127.0.0.1, and their credentials."""

    def __init__(self, env):
        self.env = env
        self.s3s_url = env["SIGV4_S3S_URL"].rstrip("/")
        self.s3s_region = env["SIGV4_S3S_REGION"]
        self.s3s_key = env["SIGV4_S3S_ACCESS_KEY_ID"]
        self.s3s_secret = env["SIGV4_S3S_SECRET_ACCESS_KEY"]
        self.moto_url = env["SIGV4_MOTO_URL"].rstrip("/")
        self.moto_region = env["SIGV4_MOTO_REGION"]
        self.moto_key = env["SIGV4_MOTO_ACCESS_KEY_ID"]
        self.moto_secret = env["SIGV4_MOTO_SECRET_ACCESS_KEY"]

    def s3s_credentials(self, bad=False):
        return sigv4.Credentials(self.s3s_key, wrong(self.s3s_secret) if bad else self.s3s_secret)

    def moto_credentials(self, bad=False):
        return sigv4.Credentials(self.moto_key, wrong(self.moto_secret) if bad else self.moto_secret)

    def s3s(self, method, url, body=b"", headers=None):
        """A request to s3s-fs signed by botocore (setup and read-back)."""
        return botocore_send(method, url, key=self.s3s_key, secret=self.s3s_secret,
                             region=self.s3s_region, body=body, headers=headers)


@pytest.fixture(scope="session")
def servers():
    """The running test servers; skipped without target/servers/env.json, failed instead
    when SIGV4_REQUIRE_SERVERS=1 (as the Rust server tests do)."""
    try:
        env = json.loads(SERVERS_ENV.read_text())
    except FileNotFoundError:
        message = f"no test servers ({SERVERS_ENV} missing): run scripts/servers.sh start"
        if os.environ.get("SIGV4_REQUIRE_SERVERS") == "1":
            pytest.fail(message + " (SIGV4_REQUIRE_SERVERS=1)")
        pytest.skip(message)
    return Servers(env)


_bucket_counter = [0]


@pytest.fixture
def s3s_bucket(servers):
    """A new bucket on s3s-fs (created with botocore); its URL, path style."""
    _bucket_counter[0] += 1
    name = f"pytest-{os.getpid()}-{_bucket_counter[0]}-{os.urandom(3).hex()}"
    url = f"{servers.s3s_url}/{name}"
    r = servers.s3s("PUT", url)
    assert r.status_code == 200, f"CreateBucket {name}: {r.status_code} {r.text}"
    return url


@pytest.fixture
def clean_aws_env(monkeypatch, tmp_path):
    """No AWS credentials, region or profile from the environment or from ~/.aws."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    return tmp_path
