#!/usr/bin/env python3
"""Named SigV4 cases signed by botocore, in botocore_cases.py's format, for requests
that people get wrong and that moto cannot check: SES SendEmail as a GET with
hand-ordered parameters and as a presigned URL, Polly's REST path, and hosts whose
signing name differs from their first label. Each has "infer": true: the CLI test
gives no --service/--region, so the service and region come from the host.

    python named_cases.py --out FILE.jsonl
"""

import argparse
import datetime
import json
import os
import sys
from urllib.parse import parse_qsl, quote, unquote_to_bytes, urlsplit, urlunsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import botocore_cases as bc  # noqa: E402  (freezes botocore's clock on import)
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

AK, SK = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN+/=="
NOW = datetime.datetime(2026, 11, 23, 12, 34, 56)

SEND_EMAIL = (
    "https://email.us-east-1.amazonaws.com/?Version=2010-12-01&Action=SendEmail"
    "&Source=sender%40example.com&Message.Subject.Data=Hello+there"
    "&Destination.ToAddresses.member.1=to%40example.com"
    "&Message.Body.Text.Data=Caf%C3%A9%20%26%20%2B1"
)

# (name, mode, rules, service, region, method, url, headers, body, token, expires)
CASES = [
    ("ses-sendemail-get-hand-ordered", "header", "generic", "ses", "us-east-1",
     "GET", SEND_EMAIL, [], "", None, None),
    ("ses-sendemail-presigned", "query", "generic", "ses", "us-east-1",
     "GET", SEND_EMAIL, [], "", None, 3600),
    ("ses-verify-email-post", "header", "generic", "ses", "eu-west-1",
     "POST", "https://email.eu-west-1.amazonaws.com/",
     [["Content-Type", "application/x-www-form-urlencoded"]],
     "Action=VerifyEmailIdentity&Version=2010-12-01&EmailAddress=a%40example.com",
     None, None),
    ("polly-voices-get", "header", "generic", "polly", "eu-west-1",
     "GET", "https://polly.eu-west-1.amazonaws.com/v1/voices?LanguageCode=en-US",
     [], "", None, None),
    ("kinesis-putrecord", "header", "generic", "kinesis", "us-east-1",
     "POST", "https://kinesis.us-east-1.amazonaws.com/",
     [["Content-Type", "application/x-amz-json-1.1"],
      ["X-Amz-Target", "Kinesis_20131202.PutRecord"]],
     '{"StreamName":"s","Data":"aGVsbG8=","PartitionKey":"p"}', None, None),
    ("sts-caller-identity-with-token", "header", "generic", "sts", "us-east-1",
     "POST", "https://sts.amazonaws.com/",
     [["Content-Type", "application/x-www-form-urlencoded; charset=utf-8"]],
     "Action=GetCallerIdentity&Version=2011-06-15", TOKEN, None),
    ("iot-data-ats-shadow", "header", "generic", "iotdata", "us-east-1",
     "GET", "https://abc123-ats.iot.us-east-1.amazonaws.com/things/lamp/shadow",
     [], "", None, None),
    ("execute-api-unsorted-query", "header", "generic", "execute-api", "eu-west-1",
     "GET", "https://a1b2c3.execute-api.eu-west-1.amazonaws.com/prod/items?b=2&a=1&a=0",
     [], "", None, None),
    ("s3-virtual-hosted-range", "header", "s3", "s3", "us-east-1",
     "GET", "https://examplebucket.s3.amazonaws.com/photos/2026/a%20b+c%C3%A9.jpg",
     [["Range", "bytes=0-9"]], "", None, None),
    ("s3-presigned-get-with-token", "query", "s3", "s3", "eu-west-1",
     "GET", "https://examplebucket.s3.eu-west-1.amazonaws.com/report.pdf",
     [], "", TOKEN, 86400),
]


def s3_sent_url(url):
    """The URL as sigv4's command sends (and signs) an S3 request typed as `url`: the
    path decoded as S3 reads it (a '+' is a space, as AWS's own object URLs write it)
    and encoded again with AWS's UriEncode, '/' kept. S3 checks signatures against that
    form. Written here apart from the Rust code (Request::with_s3_path), with urllib."""
    parts = urlsplit(url)
    path = quote(unquote_to_bytes(parts.path.replace("+", " ")), safe="/~")
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def sign(name, mode, rules, service, region, method, url, headers, body, token, expires):
    creds = Credentials(AK, SK, token)
    typed = url
    if rules == "s3":
        url = s3_sent_url(url)
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    if mode == "header":
        cls = S3SigV4Auth if rules == "s3" else SigV4Auth
        signer = cls(creds, service, region)
        # Decoded parameters, as botocore's own clients pass them (a URL query would be
        # copied verbatim into the canonical request).
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        req = AWSRequest(method=method, url=base, data=body.encode(), params=pairs)
    else:
        cls = S3SigV4QueryAuth if rules == "s3" else SigV4QueryAuth
        signer = cls(creds, service, region, expires=expires)
        req = AWSRequest(method=method, url=url, data=b"")
    for n, v in headers:
        req.headers[n] = v
    if rules == "s3":
        req.context["client_config"] = bc._S3_CONFIG_SIGNED
    rec = {}
    for attr in bc._RECORDED:
        orig = getattr(signer, attr)

        def wrapper(*a, _orig=orig, _attr=attr, **kw):
            rec[_attr] = _orig(*a, **kw)
            return rec[_attr]
        setattr(signer, attr, wrapper)
    bc._FROZEN_NOW[0] = NOW
    try:
        signer.add_auth(req)
    finally:
        bc._FROZEN_NOW[0] = None
    return {
        "id": name, "mode": mode, "rules": rules, "method": method, "url": typed,
        "sent_url": url,
        "headers": headers, "extra_headers": [], "body": body,
        "unsigned_payload": False, "region": region, "service": service,
        "access_key_id": AK, "secret_access_key": SK, "session_token": token,
        "time": NOW.strftime("%Y%m%dT%H%M%SZ"), "expires": expires, "infer": True,
        "expected": {k: rec[k] for k in bc._RECORDED},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for case in CASES:
            f.write(json.dumps(sign(*case), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
