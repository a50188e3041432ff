#!/usr/bin/env python3
"""Smoke-check the servers started by scripts/servers.sh: that signed requests work
and that requests signed with a wrong secret are refused, service by service.

    python tools/servers/check_servers.py [target/servers/env.json]

moto: STS GetCallerIdentity, IAM ListUsers, Kinesis CreateStream/PutRecord,
SES VerifyEmailIdentity/SendEmail, SQS CreateQueue/SendMessage, S3 CreateBucket/
PutObject/GetObject, each with the IAM user's key, then with the role's assumed
(session-token) credentials, and a wrong-secret call per service.
s3s-fs: CreateBucket, PutObject, GetObject, a SigV4 presigned GET, and wrong secret.
Whatever is created is named sigv4-check-<random> and deleted again.
Exits non-zero on the first unexpected result.
"""

import json
import secrets
import sys
import urllib.error
import urllib.request

import boto3
import botocore.exceptions
from botocore.config import Config

def client(service, endpoint, region, key, secret, token=None, **cfg):
    config = Config(retries={"max_attempts": 1, "mode": "standard"}, **cfg)
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=config,
    )


def ok(label, call):
    try:
        result = call()
    except botocore.exceptions.ClientError as e:
        sys.exit(f"FAIL {label}: expected success, got {e}")
    print(f"ok    {label}")
    return result


def refused(label, call):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        meta, err = e.response["ResponseMetadata"], e.response["Error"]
        print(f"ok    {label}: refused, HTTP {meta.get('HTTPStatusCode')} {err.get('Code')}")
        return
    sys.exit(f"FAIL {label}: a wrong secret was accepted")


def wrong(secret):
    return secret[:-1] + ("A" if secret[-1] != "A" else "B")


def check_moto_with(env, label, key, secret, token, tag):
    ep, region = env["SIGV4_MOTO_URL"], env["SIGV4_MOTO_REGION"]

    def c(service, s=secret):
        return client(service, ep, region, key, s, token)

    ok(f"moto {label} sts GetCallerIdentity", c("sts").get_caller_identity)
    refused(f"moto {label} sts wrong secret", c("sts", wrong(secret)).get_caller_identity)

    ok(f"moto {label} iam ListUsers", c("iam").list_users)
    refused(f"moto {label} iam wrong secret", c("iam", wrong(secret)).list_users)

    stream = f"sigv4-check-{tag}"
    kin = c("kinesis")
    ok(f"moto {label} kinesis CreateStream", lambda: kin.create_stream(StreamName=stream, ShardCount=1))
    ok(f"moto {label} kinesis PutRecord", lambda: kin.put_record(StreamName=stream, Data=b"hi", PartitionKey="p"))
    refused(f"moto {label} kinesis wrong secret", lambda: c("kinesis", wrong(secret)).put_record(StreamName=stream, Data=b"hi", PartitionKey="p"))
    ok(f"moto {label} kinesis DeleteStream", lambda: kin.delete_stream(StreamName=stream))

    ses = c("ses")
    addr = f"sigv4-check-{tag}@example.com"
    ok(f"moto {label} ses VerifyEmailIdentity", lambda: ses.verify_email_identity(EmailAddress=addr))
    msg = {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}
    ok(f"moto {label} ses SendEmail", lambda: ses.send_email(Source=addr, Destination={"ToAddresses": [addr]}, Message=msg))
    refused(f"moto {label} ses wrong secret", lambda: c("ses", wrong(secret)).send_email(Source=addr, Destination={"ToAddresses": [addr]}, Message=msg))
    ok(f"moto {label} ses DeleteIdentity", lambda: ses.delete_identity(Identity=addr))

    sqs = c("sqs")
    url = ok(f"moto {label} sqs CreateQueue", lambda: sqs.create_queue(QueueName=f"sigv4-check-{tag}"))["QueueUrl"]
    ok(f"moto {label} sqs SendMessage", lambda: sqs.send_message(QueueUrl=url, MessageBody="hi"))
    refused(f"moto {label} sqs wrong secret", lambda: c("sqs", wrong(secret)).send_message(QueueUrl=url, MessageBody="hi"))
    ok(f"moto {label} sqs DeleteQueue", lambda: sqs.delete_queue(QueueUrl=url))

    s3 = c("s3")
    bucket = f"sigv4-check-{tag}"
    ok(f"moto {label} s3 CreateBucket", lambda: s3.create_bucket(Bucket=bucket))
    ok(f"moto {label} s3 PutObject", lambda: s3.put_object(Bucket=bucket, Key="a b/c.txt", Body=b"hello"))
    body = ok(f"moto {label} s3 GetObject", lambda: s3.get_object(Bucket=bucket, Key="a b/c.txt"))["Body"].read()
    if body != b"hello":
        sys.exit(f"FAIL moto s3 GetObject returned {body!r}")
    refused(f"moto {label} s3 wrong secret", lambda: c("s3", wrong(secret)).get_object(Bucket=bucket, Key="a b/c.txt"))
    ok(f"moto {label} s3 DeleteObject", lambda: s3.delete_object(Bucket=bucket, Key="a b/c.txt"))
    ok(f"moto {label} s3 DeleteBucket", lambda: s3.delete_bucket(Bucket=bucket))


def check_moto(env):
    tag = secrets.token_hex(4)
    key, secret = env["SIGV4_MOTO_ACCESS_KEY_ID"], env["SIGV4_MOTO_SECRET_ACCESS_KEY"]
    check_moto_with(env, "user-key", key, secret, None, tag)

    sts = client("sts", env["SIGV4_MOTO_URL"], env["SIGV4_MOTO_REGION"], key, secret)
    creds = ok("moto sts AssumeRole", lambda: sts.assume_role(RoleArn=env["SIGV4_MOTO_ROLE_ARN"], RoleSessionName=f"check-{tag}"))["Credentials"]
    check_moto_with(env, "assumed-role", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"], tag + "r")
    # A session token that does not belong to the key is refused too.
    bad_token = client("sts", env["SIGV4_MOTO_URL"], env["SIGV4_MOTO_REGION"], creds["AccessKeyId"], creds["SecretAccessKey"], "x" + creds["SessionToken"])
    refused("moto assumed-role wrong session token", bad_token.get_caller_identity)


def check_s3s(env):
    ep, region = env["SIGV4_S3S_URL"], env["SIGV4_S3S_REGION"]
    key, secret = env["SIGV4_S3S_ACCESS_KEY_ID"], env["SIGV4_S3S_SECRET_ACCESS_KEY"]
    s3 = client("s3", ep, region, key, secret, signature_version="s3v4")
    bucket = f"sigv4-check-{secrets.token_hex(4)}"
    ok("s3s-fs CreateBucket", lambda: s3.create_bucket(Bucket=bucket))
    ok("s3s-fs PutObject", lambda: s3.put_object(Bucket=bucket, Key="a b/c.txt", Body=b"hello"))
    body = ok("s3s-fs GetObject", lambda: s3.get_object(Bucket=bucket, Key="a b/c.txt"))["Body"].read()
    if body != b"hello":
        sys.exit(f"FAIL s3s-fs GetObject returned {body!r}")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "a b/c.txt"}, ExpiresIn=60)
    if urllib.request.urlopen(url).read() != b"hello":
        sys.exit("FAIL s3s-fs presigned GET")
    print("ok    s3s-fs presigned GET (SigV4 query)")
    bad_url = client("s3", ep, region, key, wrong(secret), signature_version="s3v4").generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "a b/c.txt"}, ExpiresIn=60
    )
    try:
        urllib.request.urlopen(bad_url)
        sys.exit("FAIL s3s-fs presigned GET with a wrong secret was accepted")
    except urllib.error.HTTPError as e:
        print(f"ok    s3s-fs presigned GET wrong secret: refused, HTTP {e.code}")
    refused("s3s-fs wrong secret", lambda: client("s3", ep, region, key, wrong(secret)).get_object(Bucket=bucket, Key="a b/c.txt"))
    ok("s3s-fs DeleteObject", lambda: s3.delete_object(Bucket=bucket, Key="a b/c.txt"))
    ok("s3s-fs DeleteBucket", lambda: s3.delete_bucket(Bucket=bucket))


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "target/servers/env.json"
    with open(path) as f:
        env = json.load(f)
    check_moto(env)
    check_s3s(env)
    print("all server checks passed")


if __name__ == "__main__":
    main()
