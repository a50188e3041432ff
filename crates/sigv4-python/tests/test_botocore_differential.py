"""Differential test against botocore: random requests from tools/oracle/botocore_cases.py
(the generator the Rust differential uses, imported from there, not copied), signed by
botocore in this process (SigV4Auth, S3SigV4Auth, SigV4QueryAuth, S3SigV4QueryAuth, as
that tool does), and by sigv4.explain(); canonical request, string to sign and
signature must be byte-identical for every case. Generic and S3 rules, header and query
signing, with and without session tokens, UNSIGNED-PAYLOAD.

A share of the cases is also signed with sigv4.sign() / sigv4.presign(), whose
Authorization header / X-Amz-Signature must carry botocore's signature.

$SIGV4_PY_BOTOCORE_COUNT raises the number of cases (at least 5,000 are always run);
$SIGV4_PY_BOTOCORE_SEED changes the seed (default 20261123, the project's).
"""

import json
import os
import random
import re
from collections import Counter
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

import sigv4
from conftest import import_oracle, sha256_hex

COUNT = max(5000, int(os.environ.get("SIGV4_PY_BOTOCORE_COUNT", "5000")))
SEED = int(os.environ.get("SIGV4_PY_BOTOCORE_SEED", "20261123"))
API_EVERY = 7  # every 7th case also goes through sign()/presign()


@pytest.fixture(scope="module")
def cases():
    bc = import_oracle("botocore_cases")
    rng = random.Random(SEED)
    return [bc.gen_case(rng, i) for i in range(COUNT)]


def redacted_match(expected, shown, token):
    """Whether `shown` is `expected` with the token (raw or URL-encoded) replaced by one
    same placeholder, and holds no token."""
    if token in shown:
        return False
    forms = sorted({token, quote(token, safe="-_.~")}, key=len, reverse=True)
    pieces = re.split("|".join(re.escape(f) for f in forms), expected)
    m = re.fullmatch("([^\n&]*)".join(re.escape(p) for p in pieces), shown)
    return bool(m) and len(set(m.groups())) <= 1


def run_case(case):
    """Returns a list of differences between sigv4 and botocore for one case."""
    creds = sigv4.Credentials(case["access_key_id"], case["secret_access_key"], case["session_token"])
    headers = [tuple(p) for p in case["headers"]] + [tuple(p) for p in case["extra_headers"]]
    body = case["body"].encode("utf-8")
    common = dict(
        method=case["method"], url=case["url"], credentials=creds, headers=headers,
        region=case["region"], service=case["service"], time=case["time"],
    )
    want = case["expected"]
    diffs = []
    try:
        if case["mode"] == "header":
            ours = sigv4.explain(body=body or None, unsigned_payload=case["unsigned_payload"], **common)
        else:
            ours = sigv4.explain(expires=case["expires"], **common)
    except sigv4.Error as e:
        return [f"error: {type(e).__name__} {e}"]
    token = case["session_token"]
    if ours["canonical_request_hash"] != sha256_hex(want["canonical_request"]):
        diffs.append(f"canonical request:\n--- sigv4 (token redacted)\n{ours['canonical_request']}\n"
                     f"--- botocore\n{want['canonical_request']}")
    elif token is None and ours["canonical_request"] != want["canonical_request"]:
        diffs.append(f"canonical request shown differs from the one hashed:\n{ours['canonical_request']}")
    elif token is not None and not redacted_match(want["canonical_request"], ours["canonical_request"], token):
        diffs.append(f"canonical request shown is not botocore's with the token redacted:\n"
                     f"{ours['canonical_request']}")
    if ours["string_to_sign"] != want["string_to_sign"]:
        diffs.append(f"string to sign:\n--- sigv4\n{ours['string_to_sign']}\n--- botocore\n{want['string_to_sign']}")
    if ours["signature"] != want["signature"]:
        diffs.append(f"signature {ours['signature']} != botocore {want['signature']}")
    if case["id"] % API_EVERY == 0:
        try:
            if case["mode"] == "header":
                added = sigv4.sign(body=body or None, unsigned_payload=case["unsigned_payload"], **common)
                auth = [v for n, v in added.items() if n.lower() == "authorization"]
                if len(auth) != 1 or not auth[0].endswith("Signature=" + want["signature"]):
                    diffs.append(f"sign(): Authorization {auth} lacks botocore's signature")
            else:
                url = sigv4.presign(expires=case["expires"], **common)
                sigs = [v for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)
                        if k == "X-Amz-Signature"]
                if sigs != [want["signature"]]:
                    diffs.append(f"presign(): X-Amz-Signature {sigs} is not botocore's")
        except sigv4.Error as e:
            diffs.append(f"sign()/presign() error: {type(e).__name__} {e}")
    return diffs


def check(cases, mode, rules):
    chosen = [c for c in cases if c["mode"] == mode and c["rules"] == rules]
    assert chosen, f"no {mode}/{rules} cases"
    failures = []
    for case in chosen:
        diffs = run_case(case)
        if diffs:
            failures.append((case, diffs))
    if failures:
        shown = "\n\n".join(
            f"case {json.dumps(c, ensure_ascii=False)}\n" + "\n".join(d) for c, d in failures[:5]
        )
        pytest.fail(f"{len(failures)} of {len(chosen)} {mode}/{rules} cases differ from botocore; "
                    f"the first {min(5, len(failures))}:\n\n{shown}", pytrace=False)


def test_the_cases_cover_every_kind(cases):
    assert len(cases) >= 5000
    kinds = Counter((c["mode"], c["rules"], c["session_token"] is not None) for c in cases)
    for mode in ("header", "query"):
        for rules in ("generic", "s3"):
            for token in (False, True):
                assert kinds[(mode, rules, token)] >= 100, kinds
    assert sum(c["unsigned_payload"] for c in cases) >= 100
    print(f"botocore differential: {len(cases)} cases, {dict(kinds)}")


def test_header_generic(cases):
    check(cases, "header", "generic")


def test_header_s3(cases):
    check(cases, "header", "s3")


def test_query_generic(cases):
    check(cases, "query", "generic")


def test_query_s3(cases):
    check(cases, "query", "s3")
