#!/usr/bin/env python3
"""Prepare a freshly started moto server for SigV4 integration tests.

moto_server must have been started with INITIAL_NO_AUTH_ACTION_COUNT=3: its first
three requests are let through unauthenticated, every later one has its SigV4
signature checked against the IAM access keys moto knows (and its IAM policies
evaluated). The three free requests are spent on:

  1. iam CreateUser      sigv4-test
  2. iam PutUserPolicy   allow-all inline policy
  3. iam CreateAccessKey -> the key the tests sign with

Then, signed with that key: the role sigv4-test-role (trusting the account and the
user, with an
allow-all inline policy so assumed-role credentials can call services too), and
the checks that prove signatures are enforced: GetCallerIdentity with the key
succeeds, with a wrong secret it is refused, and AssumeRole on the role works.

Prints one JSON object on stdout (access key, secret, role ARN, account, region);
logs go to stderr. Exits non-zero if any check fails.
"""

import argparse
import json
import sys

import boto3
import botocore.exceptions
from botocore.config import Config

USER = "sigv4-test"
ROLE = "sigv4-test-role"
ALLOW_ALL = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
)


def log(msg):
    print(f"moto_setup: {msg}", file=sys.stderr, flush=True)


def client(service, endpoint, region, key, secret, token=None):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        # No retries: a refused signature must show up as the first error.
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def error_of(call):
    """Run call(); return None if it succeeded, else (HTTP status, error code)."""
    try:
        call()
    except botocore.exceptions.ClientError as e:
        return (e.response["ResponseMetadata"].get("HTTPStatusCode"), e.response["Error"].get("Code"))
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--endpoint", required=True, help="moto URL, e.g. http://127.0.0.1:9200")
    ap.add_argument("--region", default="us-east-1")
    args = ap.parse_args()
    ep, region = args.endpoint, args.region

    # The three unauthenticated requests (dummy credentials: moto ignores them).
    iam0 = client("iam", ep, region, "AKIADUMMYDUMMYDUMMY0", "dummy")
    user = iam0.create_user(UserName=USER)["User"]
    iam0.put_user_policy(UserName=USER, PolicyName="allow-all", PolicyDocument=ALLOW_ALL)
    key = iam0.create_access_key(UserName=USER)["AccessKey"]
    key_id, secret = key["AccessKeyId"], key["SecretAccessKey"]
    account = user["Arn"].split(":")[4]
    log(f"created user {user['Arn']} with access key {key_id} (free requests used up)")

    # From here on every request is signature-checked.
    iam = client("iam", ep, region, key_id, secret)
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    # moto compares principals literally (no "root means any
                    # principal of the account"), so name the user too.
                    "Principal": {"AWS": [f"arn:aws:iam::{account}:root", user["Arn"]]},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    role = iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=trust)["Role"]
    iam.put_role_policy(RoleName=ROLE, PolicyName="allow-all", PolicyDocument=ALLOW_ALL)
    role_arn = role["Arn"]
    log(f"created role {role_arn} (signed with the new key)")

    failures = []

    sts = client("sts", ep, region, key_id, secret)
    ident = sts.get_caller_identity()
    log(f"check: GetCallerIdentity with the real key -> OK, Arn={ident['Arn']}")

    bad = error_of(client("sts", ep, region, key_id, secret[:-1] + ("A" if secret[-1] != "A" else "B")).get_caller_identity)
    if bad is None:
        failures.append("GetCallerIdentity with a wrong secret was accepted")
        log("check: GetCallerIdentity with a WRONG secret -> ACCEPTED (signatures are not checked!)")
    else:
        log(f"check: GetCallerIdentity with a wrong secret -> refused, HTTP {bad[0]} {bad[1]}")

    unknown = error_of(client("sts", ep, region, "AKIAUNKNOWNUNKNOWN00", secret).get_caller_identity)
    if unknown is None:
        failures.append("GetCallerIdentity with an unknown key id was accepted")
    log(f"check: GetCallerIdentity with an unknown key id -> {'ACCEPTED' if unknown is None else f'refused, HTTP {unknown[0]} {unknown[1]}'}")

    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="sigv4-setup")["Credentials"]
    assumed = client("sts", ep, region, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    log(f"check: AssumeRole -> OK; with its session credentials GetCallerIdentity Arn={assumed.get_caller_identity()['Arn']}")

    if failures:
        for f in failures:
            log(f"FAILED: {f}")
        return 1

    json.dump(
        {
            "access_key_id": key_id,
            "secret_access_key": secret,
            "role_arn": role_arn,
            "account_id": account,
            "region": region,
        },
        sys.stdout,
    )
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
