"""sigv4.presign_post against botocore's generate_presigned_post (S3 client, SigV4, its
clock frozen): random buckets, exact keys and ${filename} prefixes, fields each named by
a condition, size ranges, content-type prefixes, ACLs, metadata, session tokens. The
form fields must be botocore's (but for policy and signature), the policy must hold the
same expiration and the same conditions, and the signature must be HMAC(kSigning,
policy) (hashlib/hmac). The form upload itself is tested on s3s-fs in test_servers.py.
"""

import base64
import datetime
import json
import random
from collections import Counter

import pytest

import sigv4
from conftest import hmac_hex, import_oracle, signing_key

POST_ORACLE = import_oracle("botocore_post")

def gen_case(rng):
    """tools/oracle/botocore_post.py's random form request, with two more variations:
    spaces in the key and a success_action_status field."""
    c = POST_ORACLE.gen_inputs(rng)
    if rng.random() < 0.3:
        c["key"] = c["key"].replace("-", " ")
    if rng.random() < 0.3:
        c["fields"]["success_action_status"] = "201"
        c["conditions"].append({"success_action_status": "201"})
    return c


def decode(policy_b64):
    return json.loads(base64.b64decode(policy_b64))


def parse_expiration(text):
    return datetime.datetime.strptime(text.replace(".000Z", "Z"), "%Y-%m-%dT%H:%M:%SZ")


def conditions_multiset(conditions):
    def norm(c):
        if isinstance(c, dict):
            return json.dumps(c, sort_keys=True)
        if c[0] == "content-length-range":
            return json.dumps(["content-length-range", int(c[1]), int(c[2])])
        return json.dumps(c)
    return Counter(norm(c) for c in conditions)


@pytest.fixture(scope="module")
def session():
    import botocore.session

    return botocore.session.get_session()


def test_presign_post_matches_botocore(session):
    rng = random.Random(20261123)
    failures = []
    for i in range(60):
        c = gen_case(rng)
        want = POST_ORACLE.presigned_post(session, c)
        ours = sigv4.presign_post(
            url=want["url"], bucket=c["bucket"], key=c["key"],
            credentials=sigv4.Credentials(c["ak"], c["sk"], c["token"]), region=c["region"],
            fields=c["fields"], conditions=c["conditions"], expires=c["expires"],
            time=c["now"].strftime("%Y%m%dT%H%M%SZ"),
        )
        problems = []
        if ours["url"] != want["url"]:
            problems.append(f"url {ours['url']} != {want['url']}")
        f_ours = {k: v for k, v in ours["fields"].items() if k not in ("policy", "x-amz-signature")}
        f_want = {k: v for k, v in want["fields"].items() if k not in ("policy", "x-amz-signature")}
        if f_ours != f_want:
            problems.append(f"fields {f_ours} != botocore {f_want}")
        p_ours, p_want = decode(ours["fields"]["policy"]), decode(want["fields"]["policy"])
        if parse_expiration(p_ours["expiration"]) != parse_expiration(p_want["expiration"]):
            problems.append(f"expiration {p_ours['expiration']} != {p_want['expiration']}")
        if conditions_multiset(p_ours["conditions"]) != conditions_multiset(p_want["conditions"]):
            problems.append(f"conditions {p_ours['conditions']} != botocore {p_want['conditions']}")
        date = f_want["x-amz-date"][:8]
        key = signing_key(c["sk"], date, c["region"], "s3")
        if ours["fields"]["x-amz-signature"] != hmac_hex(key, ours["fields"]["policy"]):
            problems.append("x-amz-signature is not HMAC(kSigning, policy)")
        # botocore's own signature is the same arithmetic (a check of this test).
        assert want["fields"]["x-amz-signature"] == hmac_hex(key, want["fields"]["policy"])
        if problems:
            failures.append(f"case {i} {c}:\n  " + "\n  ".join(problems))
    assert not failures, f"{len(failures)} of 60 differ from botocore:\n" + "\n".join(failures[:3])


def test_fields_without_a_condition_get_an_exact_one():
    """Unlike botocore (which leaves that to the caller, and S3 then refuses the form), a
    field no condition names becomes an exact-match condition."""
    post = sigv4.presign_post(url="https://bkt.s3.amazonaws.com/", bucket="bkt", key="uploads/${filename}",
                              credentials=sigv4.Credentials("AKIDEXAMPLE", "secret"), region="us-east-1",
                              fields={"x-amz-meta-origin": "pytest", "Content-Type": "text/plain"},
                              conditions=[["starts-with", "$Content-Type", "text/"]], time="20151229T000000Z")
    conditions = decode(post["fields"]["policy"])["conditions"]
    assert {"x-amz-meta-origin": "pytest"} in conditions
    assert ["starts-with", "$key", "uploads/"] in conditions
    assert {"Content-Type": "text/plain"} not in conditions  # named by the starts-with
    assert post["fields"]["key"] == "uploads/${filename}"
    assert parse_expiration(decode(post["fields"]["policy"])["expiration"]) == datetime.datetime(2015, 12, 29, 1)
