#!/usr/bin/env python3
"""Generate random requests signed by botocore, as they go on the wire.

    python botocore_signed.py --seed S --count N --out FILE.jsonl

For the server-side verifier's acceptance test. Unlike botocore_cases.py
(which records botocore's intermediate values for the signer's differential
test), each line here is the final signed request: method, target (path and
query exactly as sent), every header as sent (Host, Authorization,
X-Amz-Date, X-Amz-Security-Token, X-Amz-Content-SHA256, Content-Length),
body, and the credentials and time used. The same format is written by
js/smithy_signed.mjs and js/aws4_signed.mjs:

    {"id": "botocore-17", "signer": "botocore", "mode": "header"|"query",
     "rules": "s3"|"generic", "method": "PUT", "target": "/p?q",
     "host": "authority the client connects to", "headers": [[name, value]],
     "body": "...", "region": "...", "service": "...",
     "access_key_id": "...", "secret_access_key": "...",
     "session_token": null|"...", "time": "20150830T123600Z",
     "expires": 3600|null}

Deterministic: one random.Random(seed) drives every choice, botocore's clock
is frozen by botocore_cases (imported), and case i does not depend on --count.

Inputs stay within what botocore signs the way AWS verifies (see the notes in
botocore_cases.py, whose generators are reused): S3 paths already in
canonical form, no generic path ending in a dot segment, no segment that only
decodes to a dot, query parameters handed to botocore decoded (header mode)
or re-encoded by the presigner (query mode). In addition, for a request that
an HTTP client really sends:

- bodies only on POST/PUT/PATCH/DELETE, and no Transfer-Encoding header (the
  body is recorded raw, framed by Content-Length);
- no unsigned payload for generic services: SigV4Auth would sign
  UNSIGNED-PAYLOAD without saying so in any header, which no server can know;
- header values are ASCII, except a few (about 5% of values) with non-ASCII
  letters, which botocore signs as UTF-8 and which are meant to be sent as
  UTF-8 bytes (Python's http.client itself would refuse them);
- repeated header names are kept as botocore signed them (values joined with
  ","). botocore's own AWSRequest.prepare() collapses them into one (a
  HeadersDict), which would no longer match its signature; the headers are
  therefore taken from the request botocore signed, plus what prepare() and
  the HTTP client add after signing (Host, Content-Length).
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore_cases as bc  # noqa: E402  (also freezes botocore's clock)
from botocore.auth import (  # noqa: E402
    S3SigV4Auth,
    S3SigV4QueryAuth,
    SigV4Auth,
    SigV4QueryAuth,
    _host_from_url,
)
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

import random  # noqa: E402  (only random.Random instances are used)
from urllib.parse import urlsplit  # noqa: E402

BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Methods for which botocore's prepare() / http.client add Content-Length
# even for an empty body.
EXPECTS_BODY = ("POST", "PUT", "PATCH", "DELETE")


def gen_header_value(rng):
    if rng.random() < 0.05:
        return rng.choice(["", " ", "\t", "  \t "])
    non_ascii = rng.random() < 0.05
    words = []
    for _ in range(rng.randint(1, 5)):
        w = []
        for _ in range(rng.randint(1, 10)):
            if non_ascii and rng.random() < 0.2:
                w.append(rng.choice(bc.HEADER_LETTERS))
            else:
                w.append(chr(rng.randint(0x21, 0x7E)))
        words.append("".join(w))
    out = bc._ws(rng, 0, 3) if rng.random() < 0.3 else ""
    for i, w in enumerate(words):
        if i:
            out += bc._ws(rng, 1, 4) if rng.random() < 0.4 else " "
        out += w
    if rng.random() < 0.3:
        out += bc._ws(rng, 1, 3)
    return out


def gen_headers(rng, mode, host_for_header, body_len):
    """botocore_cases.gen_headers, less Transfer-Encoding, mostly ASCII values
    and at most one Content-Type."""
    headers = []
    names_used = []
    for _ in range(rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8])):
        # Repeated names, often in another case; never Content-Type, which
        # HTTP stacks take as a single value.
        repeatable = [n for n in names_used if n.lower() != "content-type"]
        if repeatable and rng.random() < 0.3:
            name = rng.choice(repeatable)
            if rng.random() < 0.6:
                name = bc.vary_case(rng, name, 0.7)
        else:
            name = bc.gen_header_name(rng)
            if name.lower() == "content-type" and (mode == "query" or any(
                    n.lower() == "content-type" for n in names_used)):
                name = "X-Content-Type"
        names_used.append(name)
        headers.append([name, gen_header_value(rng)])

    def insert(name, value):
        headers.insert(rng.randint(0, len(headers)), [name, value])

    if rng.random() < 0.2:
        pad_l = rng.choice(["", "", " ", "\t "])
        pad_r = rng.choice(["", "", " ", " \t"])
        insert(rng.choice(["Host", "host", "HOST"]),
               pad_l + host_for_header(rng) + pad_r)
    if mode == "header" and rng.random() < 0.15:
        # botocore replaces it with the signing time.
        insert(rng.choice(["X-Amz-Date", "x-amz-date", "X-AMZ-DATE"]),
               bc.gen_stale_amz_date(rng))
    if rng.random() < 0.2 and not any(
            n.lower() == "content-type" for n in names_used):
        ct = rng.choice(["application/json", "text/plain; charset=utf-8",
                         "application/x-amz-json-1.1", "application/xml",
                         "application/octet-stream",
                         "application/x-www-form-urlencoded; charset=utf-8",
                         "application/x-www-form-urlencoded"])
        if mode == "query" and ct.startswith(
                "application/x-www-form-urlencoded"):
            # SigV4QueryAuth deletes it.
            ct = "application/json"
        insert(rng.choice(["Content-Type", "content-type"]), ct)
    if rng.random() < 0.05:
        insert("Content-Length", str(body_len))
    # Headers botocore never signs.
    if rng.random() < 0.2:
        insert(rng.choice(["User-Agent", "user-agent"]),
               rng.choice(["Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0",
                           "sigv4-test/0.1", "curl/8.5.0"]))
    if rng.random() < 0.05:
        insert(rng.choice(["Expect", "expect"]), "100-continue")
    if rng.random() < 0.1:
        insert("X-Amzn-Trace-Id",
               "Root=1-%08x-%s" % (rng.getrandbits(32),
                                   "%024x" % rng.getrandbits(96)))
    return headers


def gen_case(rng, idx):
    mode = "query" if rng.random() < 0.3 else "header"
    rules = "s3" if rng.random() < 0.4 else "generic"
    service = bc.gen_service(rng, rules)
    region = bc.gen_region(rng)
    if mode == "query" and rng.random() < 0.75:
        method = rng.choice(["GET", "GET", "PUT"])
    else:
        method = rng.choice(bc.METHODS)
    scheme = "https" if rng.random() < 0.85 else "http"
    host, fixed_port = bc.gen_host(rng, rules, service, region)
    netloc, explicit_default = bc.gen_authority(rng, scheme, host, fixed_port)
    path = bc.gen_s3_path(rng) if rules == "s3" else bc.gen_generic_path(rng)

    pairs = bc.gen_query_pairs(rng, unique_keys=(mode == "query"))
    base_url = f"{scheme}://{netloc}{path}"

    def host_for_header(r):
        h = netloc
        if explicit_default and r.random() < 0.5:
            h = h.rsplit(":", 1)[0]
        return bc.vary_case(r, h, 0.3) if r.random() < 0.5 else h

    body = ""
    if mode == "header" and method in BODY_METHODS:
        body = bc.gen_body(rng)
    body_bytes = body.encode("utf-8")
    headers = gen_headers(rng, mode, host_for_header, len(body_bytes))
    unsigned = (mode == "header" and rules == "s3" and scheme == "https"
                and rng.random() < 0.25)
    ak, sk, token = bc.gen_credentials(rng)
    now = bc.gen_time(rng)
    time_str = now.strftime("%Y%m%dT%H%M%SZ")
    expires = None
    if mode == "query":
        expires = rng.choice([1, 60, 900, 3600, 86400, 604800,
                              rng.randint(1, 604800)])

    creds = Credentials(ak, sk, token)
    if mode == "header":
        cls = S3SigV4Auth if rules == "s3" else SigV4Auth
        signer = cls(creds, service, region)
        req = AWSRequest(method=method, url=base_url, data=body_bytes,
                         params=list(pairs))
    else:
        cls = S3SigV4QueryAuth if rules == "s3" else SigV4QueryAuth
        signer = cls(creds, service, region, expires=expires)
        # The presigner parses this query and re-encodes it canonically.
        query = bc.serialize_query(rng, pairs)
        url = f"{base_url}?{query}" if query else base_url
        req = AWSRequest(method=method, url=url, data=b"")
    for name, value in headers:
        req.headers[name] = value  # HTTPHeaders: appends, keeps repeats
    if rules == "s3":
        req.context["client_config"] = (bc._S3_CONFIG_UNSIGNED if unsigned
                                        else bc._S3_CONFIG_SIGNED)

    bc._FROZEN_NOW[0] = now
    try:
        signer.add_auth(req)
    finally:
        bc._FROZEN_NOW[0] = None

    prepared = req.prepare()
    # Target as the HTTP client sends it (botocore's endpoint sends
    # path + query of the prepared URL).
    split = urlsplit(prepared.url)
    target = split.path + ("?" + split.query if split.query else "")
    if mode == "query" and "X-Amz-Signature=" not in split.query:
        raise AssertionError(f"case {idx}: no signature in {prepared.url}")

    out_headers = [[k, v] for k, v in req.headers.items()]
    names = {k.lower() for k, _ in out_headers}
    for k, v in prepared.headers.items():  # what prepare() added
        if k.lower() not in names:
            out_headers.append([k, v])
            names.add(k.lower())
    if "host" not in names:
        # What botocore signed and urllib3/http.client send.
        out_headers.insert(0, ["Host", _host_from_url(prepared.url)])
    if "content-length" not in names and (body_bytes
                                          or method in EXPECTS_BODY):
        # http.client adds it for a body it is given.
        out_headers.append(["Content-Length", str(len(body_bytes))])
    if mode == "header" and "authorization" not in names:
        raise AssertionError(f"case {idx}: no Authorization header")

    return {
        "id": f"botocore-{idx}",
        "signer": "botocore",
        "mode": mode,
        "rules": rules,
        "method": method,
        "target": target,
        "host": netloc,
        "headers": out_headers,
        "body": body,
        "region": region,
        "service": service,
        "access_key_id": ak,
        "secret_access_key": sk,
        "session_token": token,
        "time": time_str,
        "expires": expires,
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)

    rng = random.Random(args.seed)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for i in range(args.count):
            f.write(json.dumps(gen_case(rng, i), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
