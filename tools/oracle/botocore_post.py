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


def case(rng, i, session):
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
    client = session.create_client(
        "s3", region_name=region, aws_access_key_id=ak, aws_secret_access_key=sk,
        aws_session_token=token, config=Config(signature_version="s3v4"))
    bc._FROZEN_NOW[0] = now
    try:
        post = client.generate_presigned_post(
            Bucket=bucket, Key=key, Fields=dict(fields), Conditions=conditions, ExpiresIn=expires)
    finally:
        bc._FROZEN_NOW[0] = None
    return {
        "id": f"boto3-post-{i}", "bucket": bucket, "url": post["url"],
        "fields": [[k, v] for k, v in post["fields"].items()],
        "max_size": max_size, "content_type_prefix": prefix, "key_is_prefix": key_is_prefix,
        "region": region, "access_key_id": ak, "secret_access_key": sk, "session_token": token,
        "time": now.strftime("%Y%m%dT%H%M%SZ"), "expires": expires,
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
