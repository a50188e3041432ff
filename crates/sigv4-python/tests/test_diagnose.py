"""sigv4.diagnose: the cause of a SignatureDoesNotMatch named first, on the fixtures of
crates/sigv4/tests/diagnose/ (read from there, not copied) and on a request signed by a
hand-written signer (hashlib/hmac here) that used "/" as the canonical URI of Polly's
/v1/voices; nothing secret in what it returns.
"""

import json
import re

import pytest

import sigv4
from conftest import DIAGNOSE_FIXTURES, hmac_hex, signing_key, string_to_sign


def fixture(path):
    p = DIAGNOSE_FIXTURES / path
    if not p.exists():
        pytest.fail(f"diagnose fixture missing: {p}")
    return p.read_text()


def cause_name(finding):
    """The cause as a comparable name: "canonical-uri", "CanonicalUri" and "canonical_uri"
    all give "canonicaluri"."""
    return re.sub(r"[^a-z]", "", str(finding["cause"]).lower())


def first_cause(d):
    assert d["findings"], f"no finding: {d}"
    return cause_name(d["findings"][0])


def test_result_shape():
    d = sigv4.diagnose(response=fixture("polly-uri/response.json"),
                       canonical_request=fixture("polly-uri/canonical-request.txt").rstrip("\n"))
    assert set(d) >= {"findings", "canonical_request", "string_to_sign", "aws_error", "notes"}
    f = d["findings"][0]
    assert set(f) >= {"cause", "message", "fix", "evidence"}
    assert isinstance(f["evidence"], list) and f["fix"]
    assert set(d["canonical_request"]) >= {"aws", "theirs", "correct"}
    json.dumps(d)  # plain data


def test_polly_canonical_uri_root_fixture():
    d = sigv4.diagnose(response=fixture("polly-uri/response.json"),
                       canonical_request=fixture("polly-uri/canonical-request.txt").rstrip("\n"))
    assert first_cause(d) == "canonicaluri", d["findings"]
    assert "/v1/voices" in d["findings"][0]["message"]


def test_s3_query_line_left_out_fixture():
    raw = fixture("s3-query-line/request.http")
    head = raw.split("\n\n", 1)[0].split("\n")
    target = head[0].split(" ")[1]
    headers = [tuple(s.strip() for s in line.split(":", 1)) for line in head[1:] if line.strip()]
    host = [v for n, v in headers if n.lower() == "host"][0]
    d = sigv4.diagnose(response=fixture("s3-query-line/response.xml"),
                       canonical_request=fixture("s3-query-line/canonical-request.txt").rstrip("\n"),
                       method="GET", url=f"https://{host}{target}", headers=headers)
    assert first_cause(d) == "querylinemissing", d["findings"]
    assert d["canonical_request"]["correct"] == d["canonical_request"]["aws"]


def test_fine_uploader_raw_canonical_fixture():
    d = sigv4.diagnose(response=fixture("fine-uploader/response.xml"),
                       string_to_sign=fixture("fine-uploader/string-to-sign.txt").rstrip("\n"))
    assert first_cause(d) == "fineuploaderrawcanonical", d["findings"]


SECRET = "dIaGnOsE/sEcReT+kEy0123456789abcdefghijk"
TOKEN = "FQoGZXIvYXdzEDiAgNoSeCrEtToKeN/+/=="
POLLY = "https://polly.eu-west-1.amazonaws.com/v1/voices?LanguageCode=en-US"
T = "20240315T101500Z"


def hand_signed_with_root_uri():
    """What a person's own signer sent: the canonical URI "/" instead of /v1/voices."""
    theirs = (
        "GET\n/\nLanguageCode=en-US\nhost:polly.eu-west-1.amazonaws.com\n"
        f"x-amz-date:{T}\nx-amz-security-token:{TOKEN}\n\nhost;x-amz-date;x-amz-security-token\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    scope = f"{T[:8]}/eu-west-1/polly/aws4_request"
    sts = string_to_sign(T, scope, theirs)
    signature = hmac_hex(signing_key(SECRET, T[:8], "eu-west-1", "polly"), sts)
    headers = [
        ("X-Amz-Date", T),
        ("X-Amz-Security-Token", TOKEN),
        ("Authorization", f"AWS4-HMAC-SHA256 Credential=AKIDDIAGNOSE/{scope}, "
                          f"SignedHeaders=host;x-amz-date;x-amz-security-token, Signature={signature}"),
    ]
    return theirs, sts, signature, headers


def test_wrong_canonical_uri_named_from_the_request_and_credentials():
    theirs, sts, signature, headers = hand_signed_with_root_uri()
    creds = sigv4.Credentials("AKIDDIAGNOSE", SECRET, TOKEN)
    d = sigv4.diagnose(method="GET", url=POLLY, headers=headers, canonical_request=theirs,
                       string_to_sign=sts, signature=signature, credentials=creds, now=T)
    assert first_cause(d) == "canonicaluri", d["findings"]
    correct = d["canonical_request"]["correct"]
    assert correct and correct.split("\n")[1] == "/v1/voices", correct
    text = json.dumps(d)
    assert SECRET not in text and TOKEN not in text, "diagnose() shows a secret"
    assert json.dumps(TOKEN)[1:-1] not in text


def test_diagnose_from_the_request_alone_shows_no_secret():
    """Only what was sent (no canonical request of theirs), with the credentials: some
    finding (the signature is not the one the request needs), and no secret shown."""
    _, _, _, headers = hand_signed_with_root_uri()
    creds = sigv4.Credentials("AKIDDIAGNOSE", SECRET, TOKEN)
    d = sigv4.diagnose(method="GET", url=POLLY, headers=headers, credentials=creds, now=T)
    assert d["findings"], d
    text = json.dumps(d)
    assert SECRET not in text and TOKEN not in text


def test_aws_error_carries_s3s_other_answers():
    """S3's XAmzContentSHA256Mismatch quotes both hashes, and an expired presigned URL's
    answer its expiry and S3's time: the dict has them."""
    sent = fixture("s3-content-sha256-mismatch/response.xml")
    d = sigv4.diagnose(response=sent)
    e = d["aws_error"]
    assert e["code"] == "XAmzContentSHA256Mismatch"
    client = re.search(r"<ClientComputedContentSHA256>(\w+)<", sent).group(1)
    server = re.search(r"<S3ComputedContentSHA256>(\w+)<", sent).group(1)
    assert (e["client_content_sha256"], e["s3_content_sha256"]) == (client, server)
    expired = fixture("s3-presigned-expired/response.xml")
    e = sigv4.diagnose(response=expired)["aws_error"]
    assert e["expires"] == re.search(r"<Expires>([^<]+)<", expired).group(1)
    assert e["server_time"] == re.search(r"<ServerTime>([^<]+)<", expired).group(1)
