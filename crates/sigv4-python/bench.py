#!/usr/bin/env python3
"""How much faster sigv4 signs than the pure-Python signers, on one request: Polly's
GET https://polly.eu-west-1.amazonaws.com/v1/voices?LanguageCode=en-US.

    python bench.py [--json] [--check] [--number N] [--repeat R]

Two pairs, each timed on the same input:

1. sigv4.sign(...) against botocore's SigV4Auth(creds, "polly", "eu-west-1")
   .add_auth(request), both at a fixed time (botocore's clock is patched, as
   tools/oracle/botocore_cases.py does). add_auth changes the request it is given, so
   each call gets a fresh copy of one prepared AWSRequest (the request copied, with new
   headers, context and params); the copy's cost is timed on its own and SUBTRACTED.
   sigv4.sign changes nothing and takes the same prepared fields as they are.
2. sigv4.requests.AWSAuth against requests-aws4auth's AWS4Auth, both called on a copy
   (PreparedRequest.copy()) of the same requests.PreparedRequest; the copy's cost is
   timed on its own and SUBTRACTED from both. Both sign at the current time
   (requests-aws4auth has no fixed-time option; its signing key is cached per day).

Each timing is the minimum over --repeat runs of --number calls (timeit.repeat), in µs
per call, as the machine is noisy. timeit runs each call as a statement in its own loop,
with no Python function around it: a wrapper's frame (about 30 ns) is not signing, and
would be a few percent of sigv4's time while vanishing in botocore's. Targets: sign >= 40x faster than botocore, the
requests plugin >= 10x faster than requests-aws4auth. Exits 0, unless --check is given
and a target is missed (exit 1).
"""

import argparse
import copy
import datetime
import json
import sys
import timeit

URL = "https://polly.eu-west-1.amazonaws.com/v1/voices?LanguageCode=en-US"
SERVICE, REGION = "polly", "eu-west-1"
AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
FIXED = datetime.datetime(2015, 8, 30, 12, 36, 0)  # naive UTC, as botocore's clock gives it
TARGETS = {"sign_vs_botocore": 40.0, "requests_vs_aws4auth": 10.0}


def best(stmt, number, repeat, names=None):
    """Minimum µs per call of stmt (a callable, or a statement using `names`) over
    `repeat` runs of `number` calls."""
    runs = timeit.repeat(stmt, number=number, repeat=repeat, globals=names)
    return min(runs) / number * 1e6


def bench(number, repeat):
    import botocore.auth
    import requests
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest, HTTPHeaders
    from botocore.credentials import Credentials as BotoCredentials
    from requests_aws4auth import AWS4Auth

    import sigv4
    import sigv4.requests

    # botocore at a fixed time.
    botocore.auth.get_current_datetime = lambda remove_tzinfo=True: (
        FIXED if remove_tzinfo else FIXED.replace(tzinfo=datetime.timezone.utc))

    # 1. sign() vs botocore
    creds = sigv4.Credentials(AKID, SECRET)
    boto_signer = SigV4Auth(BotoCredentials(AKID, SECRET), SERVICE, REGION)
    prepared = AWSRequest(method="GET", url=URL, data=b"", headers={})

    def fresh():
        r = copy.copy(prepared)
        r.headers = HTTPHeaders()
        for name, value in prepared.headers.items():
            r.headers[name] = value
        r.context = dict(prepared.context)
        r.params = dict(prepared.params)
        return r

    ours = sigv4.sign(method="GET", url=URL, credentials=creds, time="20150830T123600Z")
    check = fresh()
    boto_signer.add_auth(check)
    ours_auth_header = [v for k, v in ours.items() if k.lower() == "authorization"]
    assert ours_auth_header == [check.headers["Authorization"]], "the two signers disagree"

    names = {"sigv4": sigv4, "URL": URL, "creds": creds, "fresh": fresh, "boto": boto_signer}
    copy_boto = best("fresh()", number, repeat, names)
    boto_raw = best("boto.add_auth(fresh())", number, repeat, names)
    sign_us = best(
        'sigv4.sign(method="GET", url=URL, credentials=creds, time="20150830T123600Z")',
        number, repeat, names)
    boto_us = max(boto_raw - copy_boto, 1e-9)

    # 2. requests plugin vs requests-aws4auth
    ours_auth = sigv4.requests.AWSAuth(credentials=creds, service=SERVICE, region=REGION)
    theirs_auth = AWS4Auth(AKID, SECRET, REGION, SERVICE)
    base = requests.Request("GET", URL).prepare()
    ours_auth(base.copy())  # warm up both (aws4auth derives its key on first use)
    theirs_auth(base.copy())

    names = {"base": base, "ours": ours_auth, "theirs": theirs_auth}
    copy_req = best("base.copy()", number, repeat, names)
    ours_raw = best("ours(base.copy())", number, repeat, names)
    theirs_raw = best("theirs(base.copy())", number, repeat, names)
    plugin_us = max(ours_raw - copy_req, 1e-9)
    aws4auth_us = max(theirs_raw - copy_req, 1e-9)

    return {
        "request": f"GET {URL}",
        "number": number,
        "repeat": repeat,
        "copy_cost": "subtracted",
        "us": {
            "sigv4.sign": sign_us,
            "botocore SigV4Auth.add_auth": boto_us,
            "botocore AWSRequest copy (subtracted)": copy_boto,
            "sigv4.requests.AWSAuth": plugin_us,
            "requests_aws4auth AWS4Auth": aws4auth_us,
            "PreparedRequest.copy (subtracted)": copy_req,
        },
        "ratios": {
            "sign_vs_botocore": boto_us / sign_us,
            "requests_vs_aws4auth": aws4auth_us / plugin_us,
        },
        "targets": TARGETS,
    }


def table(r):
    us, ratios = r["us"], r["ratios"]
    lines = [
        f"Polly `{r['request']}`; min of {r['repeat']} runs x {r['number']} calls; "
        "request copies timed alone and subtracted.",
        "",
        "| signer | µs per call | baseline | µs per call | faster | target |",
        "| --- | ---: | --- | ---: | ---: | ---: |",
        f"| `sigv4.sign` | {us['sigv4.sign']:.2f} | botocore `SigV4Auth.add_auth` | "
        f"{us['botocore SigV4Auth.add_auth']:.2f} | {ratios['sign_vs_botocore']:.1f}x | "
        f"{TARGETS['sign_vs_botocore']:.0f}x |",
        f"| `sigv4.requests.AWSAuth` | {us['sigv4.requests.AWSAuth']:.2f} | requests-aws4auth `AWS4Auth` | "
        f"{us['requests_aws4auth AWS4Auth']:.2f} | {ratios['requests_vs_aws4auth']:.1f}x | "
        f"{TARGETS['requests_vs_aws4auth']:.0f}x |",
        "",
        f"Copy costs subtracted: AWSRequest {us['botocore AWSRequest copy (subtracted)']:.2f} µs, "
        f"PreparedRequest.copy() {us['PreparedRequest.copy (subtracted)']:.2f} µs.",
    ]
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    ap.add_argument("--number", type=int, default=2000, help="calls per run (default 2000)")
    ap.add_argument("--repeat", type=int, default=7, help="runs; the fastest counts (default 7)")
    args = ap.parse_args(argv)
    r = bench(args.number, args.repeat)
    missed = [k for k, target in TARGETS.items() if r["ratios"][k] < target]
    r["missed"] = missed
    print(json.dumps(r, indent=2) if args.json else table(r))
    if args.check and missed:
        print(f"below target: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
