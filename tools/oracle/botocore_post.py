#!/usr/bin/env python3
"""Random browser-upload forms made by botocore's generate_presigned_post (SigV4), for
the verifier's tests. Deterministic; botocore's clock frozen per case.

    python botocore_post.py --seed S --count N --out FILE.jsonl

Each line: bucket, url, fields (as the form sends them), max_size, content_type_prefix,
key_is_prefix, the credentials, the signing time and expires_in.
"""

import argparse
import datetime
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import botocore_cases as bc  # noqa: E402  (freezes botocore.auth's clock)
import botocore.signers  # noqa: E402
import botocore.session  # noqa: E402
from botocore.config import Config  # noqa: E402

botocore.signers.get_current_datetime = bc._frozen_current_datetime

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1"]


def gen_inputs(rng):
    """One random form request: scope, credentials, bucket, key (exact or a
    `${filename}` prefix), fields each named by a condition, size range, time, expiry."""
    region = rng.choice(REGIONS)
    ak, sk, token = bc.gen_credentials(rng)
    bucket = "b" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789-") for _ in range(rng.randint(3, 20))) + "x"
    key_is_prefix = rng.random() < 0.3
    key = "uploads/" + "".join(rng.choice("abcdefghij/-_.") for _ in range(rng.randint(1, 20)))
    if key_is_prefix:
        key = key.rstrip("/") + "/${filename}"
    max_size = rng.randint(1, 50_000_000)
    prefix = rng.choice(["image/", "text/", "application/"])
    fields = {"Content-Type": prefix + rng.choice(["png", "plain", "json"])}
    conditions = [["content-length-range", 0, max_size], ["starts-with", "$Content-Type", prefix]]
    if rng.random() < 0.5:
        fields["acl"] = "private"
        conditions.append({"acl": "private"})
    if rng.random() < 0.5:
        fields["x-amz-meta-owner"] = "u" + str(rng.randint(1, 9999))
        conditions.append({"x-amz-meta-owner": fields["x-amz-meta-owner"]})
    now = bc.gen_time(rng)
    expires = rng.choice([60, 600, 3600, 86400, rng.randint(1, 604800)])
    return dict(region=region, ak=ak, sk=sk, token=token, bucket=bucket, key=key,
                key_is_prefix=key_is_prefix, max_size=max_size, prefix=prefix, fields=fields,
                conditions=conditions, now=now, expires=expires)


def presigned_post(session, c):
    """botocore's generate_presigned_post for gen_inputs' request, its clock at c["now"]."""
    client = session.create_client(
        "s3", region_name=c["region"], aws_access_key_id=c["ak"], aws_secret_access_key=c["sk"],
        aws_session_token=c["token"], config=Config(signature_version="s3v4"))
    bc._FROZEN_NOW[0] = c["now"]
    try:
        return client.generate_presigned_post(
            Bucket=c["bucket"], Key=c["key"], Fields=dict(c["fields"]), Conditions=c["conditions"],
            ExpiresIn=c["expires"])
    finally:
        bc._FROZEN_NOW[0] = None


def case(rng, i, session):
    c = gen_inputs(rng)
    post = presigned_post(session, c)
    return {
        "id": f"boto3-post-{i}", "bucket": c["bucket"], "url": post["url"],
        "fields": [[k, v] for k, v in post["fields"].items()],
        "max_size": c["max_size"], "content_type_prefix": c["prefix"], "key_is_prefix": c["key_is_prefix"],
        "region": c["region"], "access_key_id": c["ak"], "secret_access_key": c["sk"],
        "session_token": c["token"], "time": c["now"].strftime("%Y%m%dT%H%M%SZ"), "expires": c["expires"],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    session = botocore.session.get_session()
    with open(args.out, "w", encoding="utf-8") as f:
        for i in range(args.count):
            f.write(json.dumps(case(rng, i, session)) + "\n")


if __name__ == "__main__":
    main()
