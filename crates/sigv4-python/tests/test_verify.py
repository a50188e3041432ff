"""sigv4.verify, the server side: requests signed by botocore (an independent signer:
tools/oracle/botocore_signed.py's generator, run in this process, header and query,
generic and S3 rules, with and without session tokens) verify; each changed in one
signed part is refused with SignatureMismatchError; the suite's published signed
requests verify; missing, unknown or stale credentials give VerificationError.
"""

import datetime
import json
import random

import pytest

import sigv4
from conftest import import_oracle, suite_dir

COUNT = 300


@pytest.fixture(scope="module")
def signed_cases():
    bs = import_oracle("botocore_signed")
    rng = random.Random(20261123)
    return [bs.gen_case(rng, i) for i in range(COUNT)]


def creds_of(case):
    return sigv4.Credentials(case["access_key_id"], case["secret_access_key"], case["session_token"])


def verify_case(case, *, method=None, target=None, headers=None, body=None, credentials=None, now=None):
    return sigv4.verify(
        method=method or case["method"],
        url=target if target is not None else case["target"],
        headers=[tuple(h) for h in (headers if headers is not None else case["headers"])],
        body=(body if body is not None else case["body"].encode("utf-8")) or None,
        credentials=credentials if credentials is not None else {case["access_key_id"]: creds_of(case)},
        now=now or case["time"],
    )


def test_botocore_signed_requests_verify(signed_cases):
    failures = []
    for case in signed_cases:
        try:
            got = verify_case(case)
        except sigv4.Error as e:
            failures.append(f"{case}\n-> {type(e).__name__}: {e}")
            continue
        want = {
            "access_key_id": case["access_key_id"],
            "region": case["region"],
            "service": case["service"],
            "time": case["time"],
            "presigned": case["mode"] == "query",
        }
        seen = {k: got.get(k) for k in want}
        if seen != want:
            failures.append(f"{case}\n-> {got}")
    assert not failures, f"{len(failures)} of {len(signed_cases)} botocore-signed requests refused; first:\n" + \
        "\n\n".join(failures[:3])
    kinds = {(c["mode"], c["rules"], c["session_token"] is not None) for c in signed_cases}
    assert len(kinds) == 8, kinds


def test_credentials_as_a_callable(signed_cases):
    case = signed_cases[0]
    creds = creds_of(case)
    got = verify_case(case, credentials=lambda key: creds if key == case["access_key_id"] else None)
    assert got["access_key_id"] == case["access_key_id"]


def _tampered(case):
    """(label, changes) of requests that differ from the signed one in a signed part."""
    out = []
    other = "PUT" if case["method"] != "PUT" else "POST"
    out.append(("method", dict(method=other)))
    headers = [list(h) for h in case["headers"]]
    for h in headers:
        if h[0].lower() == "host":
            h[1] = h[1] + "x"
    out.append(("host", dict(headers=headers)))
    target = case["target"]
    out.append(("query", dict(target=target + ("&zzq=1" if "?" in target else "?zzq=1"))))
    path, sep, query = target.partition("?")
    out.append(("path", dict(target=path + "zz" + sep + query)))
    unsigned = any(n.lower() == "x-amz-content-sha256" and v == "UNSIGNED-PAYLOAD" for n, v in case["headers"])
    if case["mode"] == "header" and case["body"] and not unsigned:
        out.append(("body", dict(body=case["body"].encode("utf-8") + b"!")))
    return out


def test_tampered_requests_are_refused_with_signature_mismatch(signed_cases):
    failures = []
    count = 0
    for case in signed_cases[:150]:
        for label, change in _tampered(case):
            count += 1
            try:
                verify_case(case, **change)
            except sigv4.SignatureMismatchError as e:
                assert isinstance(e, sigv4.VerificationError) and isinstance(e, sigv4.Error)
                continue
            except sigv4.Error as e:
                failures.append(f"{case['id']} {label}: {type(e).__name__} ({e.kind}) {e}")
                continue
            failures.append(f"{case['id']} {label}: accepted")
    assert not failures, f"{len(failures)} of {count} tampered requests not refused as mismatches:\n" + \
        "\n".join(failures[:10])


def test_unsigned_extra_header_changes_nothing(signed_cases):
    for case in signed_cases[:50]:
        verify_case(case, headers=case["headers"] + [["X-Unsigned-Extra", "1"]])


def test_verification_errors(signed_cases):
    case = next(c for c in signed_cases if c["mode"] == "header")
    with pytest.raises(sigv4.VerificationError) as e:
        verify_case(case, credentials={})
    assert not isinstance(e.value, sigv4.SignatureMismatchError)
    assert e.value.kind == "UnknownAccessKey"
    with pytest.raises(sigv4.VerificationError) as e:
        verify_case(case, headers=[h for h in case["headers"] if h[0].lower() != "authorization"])
    assert not isinstance(e.value, sigv4.SignatureMismatchError)
    assert e.value.kind == "MissingAuthentication"
    # An hour later: outside the 15 minutes allowed.
    t = datetime.datetime.strptime(case["time"], "%Y%m%dT%H%M%SZ")
    later = (t + datetime.timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
    with pytest.raises(sigv4.VerificationError) as e:
        verify_case(case, now=later)
    assert not isinstance(e.value, sigv4.SignatureMismatchError)
    # Scope restrictions.
    with pytest.raises(sigv4.VerificationError):
        sigv4.verify(method=case["method"], url=case["target"], headers=[tuple(h) for h in case["headers"]],
                     body=case["body"].encode() or None, credentials={case["access_key_id"]: creds_of(case)},
                     now=case["time"], regions=["nowhere-1"])


@pytest.mark.parametrize("variant", ["header", "query"])
@pytest.mark.parametrize("case", ["get-vanilla", "get-vanilla-query-order-key-case", "post-x-www-form-urlencoded",
                                  "get-vanilla-with-session-token", "get-header-value-trim"])
def test_suite_signed_requests_verify(case, variant):
    """The suite's published signed requests, as raw requests (request target + Host)."""
    from test_aws_suite import parse_request

    d = suite_dir() / "v4" / case
    if not d.is_dir():
        pytest.fail(f"AWS signing test suite not found at {suite_dir()}")
    ctx = json.loads((d / "context.json").read_text())
    c = ctx["credentials"]
    creds = sigv4.Credentials(c["access_key_id"], c["secret_access_key"], c.get("token"))
    method, target, headers, body = parse_request((d / f"{variant}-signed-request.txt").read_text())
    got = sigv4.verify(method=method, url=target, headers=headers, body=body or None,
                       credentials={c["access_key_id"]: creds}, now="20150830T123600Z")
    assert got["access_key_id"] == "AKIDEXAMPLE"
    assert (got["region"], got["service"]) == ("us-east-1", "service")
    assert got["presigned"] == (variant == "query")
    changed = target.replace("/", "/other", 1)
    with pytest.raises(sigv4.SignatureMismatchError):
        sigv4.verify(method=method, url=changed, headers=headers, body=body or None,
                     credentials={c["access_key_id"]: creds}, now="20150830T123600Z")


@pytest.mark.parametrize("written", [
    "https://b.s3.us-east-1.amazonaws.com:443/my%20key.txt?versionId=1",
    "https://B.S3.US-EAST-1.amazonaws.com/my%20key.txt?versionId=1",
    "https://b.s3.us-east-1.amazonaws.com/my%20key.txt?versionId=1#part",
])
def test_verify_takes_the_url_as_a_client_sends_it(written):
    # The Host a client sends has no default port and is lower-case, and a fragment is
    # not sent: verify() put "host:443" in the Host header (a new-user review found it).
    c = sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    url = "https://b.s3.us-east-1.amazonaws.com/my%20key.txt?versionId=1"
    t = "20150830T123600Z"
    headers = sigv4.sign(method="PUT", url=url, credentials=c, body=b"hello", time=t)
    got = sigv4.verify(method="PUT", url=written, headers=headers, body=b"hello", now=t,
                       credentials={"AKIDEXAMPLE": c})
    assert got["service"] == "s3"
