#!/usr/bin/env python3
"""Generate SigV4 differential-test cases signed by botocore.

    python botocore_cases.py --seed S --count N --out FILE.jsonl

Each output line is one JSON object describing a request (as our library
receives it) plus what botocore computed while signing it (`expected`).
Generation is deterministic: a single `random.Random(seed)` drives every
choice (no global random, no wall clock), and case i does not depend on
--count, so a shorter run is a prefix of a longer one.

botocore is fed the same request in the form it handles correctly, and the
inputs avoid botocore's known quirks (see the notes at each generator), so
that a spec-correct signer must reproduce `expected` exactly.
"""

import argparse
import datetime
import hashlib
import json
import sys

import botocore
import botocore.auth
from botocore.auth import (
    S3SigV4Auth,
    S3SigV4QueryAuth,
    SigV4Auth,
    SigV4QueryAuth,
)
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

import random  # only random.Random instances are used, never the module RNG

# ---------------------------------------------------------------------------
# Frozen clock.
#
# In the pinned botocore, every SigV4 signer takes "now" from
# `get_current_datetime()` (naive UTC datetime), imported by name into
# botocore.auth (SigV4Auth.add_auth: `datetime_now = get_current_datetime()`).
# Patching the name in botocore.auth's namespace freezes it for all signers
# used here; each case sets _FROZEN_NOW before calling add_auth.
# ---------------------------------------------------------------------------
_FROZEN_NOW = [None]


def _frozen_current_datetime(remove_tzinfo=True):
    now = _FROZEN_NOW[0]
    if now is None:
        raise RuntimeError("botocore asked for the time outside a case")
    if remove_tzinfo:
        return now
    return now.replace(tzinfo=datetime.timezone.utc)


if not hasattr(botocore.auth, "get_current_datetime"):
    sys.exit(
        "botocore.auth has no get_current_datetime: the clock patch point "
        "changed in this botocore version (%s)" % botocore.__version__
    )
botocore.auth.get_current_datetime = _frozen_current_datetime

# ---------------------------------------------------------------------------
# Character pools.
# ---------------------------------------------------------------------------
ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
DIGIT = "0123456789"
UNRESERVED = ALPHA + DIGIT + "-._~"
SUB_DELIMS = "!$&'()*+,;="
TOKEN_EXTRA = "!#$%&'*+-.^_`|~"
B64 = ALPHA + DIGIT + "+/"
HEXDIGITS = "0123456789ABCDEF"

# Assorted non-ASCII code points (all valid scalar values) for paths,
# queries and bodies, where they are always percent-encoded or hashed.
UNICODE_SAMPLES = [
    "é", "ü", "ß", "ñ", "ø", "Å", "Ж", "я", "中", "文", "日", "ア", "한",
    "ع", "א", "ℌ", "€", "✓", "😀", "🚀", "🦀", "𝔘", "\u00a0", "\u3000",
    "\u0301", "\u200b", "\ufeff", "\U0010fffd",
]
# Non-ASCII *letters* for header values: none of these is whitespace for
# Python's str.split() (botocore trims header values with it).
HEADER_LETTERS = [
    "é", "ü", "ß", "ñ", "ø", "Å", "Ж", "я", "中", "文", "日", "ア", "한",
    "ع", "א", "Ω", "λ",
]
assert all(len(c.split()) == 1 for c in HEADER_LETTERS)

REAL_REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1",
    "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1",
    "eu-south-1", "cn-north-1", "cn-northwest-1", "us-gov-west-1",
    "us-gov-east-1", "ap-southeast-2", "ap-southeast-1", "ap-northeast-1",
    "ap-northeast-3", "ap-south-1", "sa-east-1", "ca-central-1",
    "ca-west-1", "me-south-1", "me-central-1", "af-south-1", "il-central-1",
    "mx-central-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1",
]
ODD_REGIONS = ["aws-global", "local", "x", "us-east-1-fips", "region-0",
               "zz-top-99", "a1"]
S3_SERVICES = ["s3", "s3", "s3", "s3", "s3-object-lambda", "s3express",
               "s3-outposts"]
GENERIC_SERVICES = [
    "polly", "ses", "kinesis", "sts", "execute-api", "es", "iam", "sqs",
    "monitoring", "iotdata", "dynamodb", "lambda", "sns", "ec2",
]
METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"]

# Names botocore never signs (its SIGNED_HEADERS_BLACKLIST) or that the
# signer itself owns; random header names must avoid all of them.
RESERVED_HEADER_NAMES = {
    "host", "authorization", "date", "x-amz-date", "x-amz-security-token",
    "x-amz-content-sha256", "content-md5", "content-length",
    "x-amz-algorithm", "x-amz-credential", "x-amz-signedheaders",
    "x-amz-expires", "x-amz-signature",
    # botocore's SIGNED_HEADERS_BLACKLIST (1.44.x)
    "baggage", "connection", "expect", "keep-alive", "proxy-authenticate",
    "proxy-authorization", "te", "traceparent", "tracestate", "trailer",
    "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
}
FORM_CT = "application/x-www-form-urlencoded; charset=utf-8"
HOP_BY_HOP = [
    ("Connection", ["keep-alive", "close", "Upgrade", "keep-alive, TE"]),
    ("Keep-Alive", ["timeout=5, max=1000", "timeout=60"]),
    ("TE", ["trailers", "trailers, deflate;q=0.5"]),
    ("Trailer", ["X-Amz-Checksum-Crc32", "Expires"]),
    ("Upgrade", ["h2c", "websocket", "HTTP/2.0"]),
    ("Proxy-Authorization", ["Basic dXNlcjpwYXNz", "Bearer abc.def"]),
]


# ---------------------------------------------------------------------------
# Small helpers.
# ---------------------------------------------------------------------------
def pct_byte(rng, b):
    """%XX for one byte, each hex digit upper or lower case at random."""
    out = "%"
    for d in "%02X" % b:
        out += d.lower() if rng.random() < 0.3 else d
    return out


def pct_char(rng, c):
    return "".join(pct_byte(rng, b) for b in c.encode("utf-8"))


def canon_char(c):
    """SigV4 canonical single encoding of one decoded character."""
    if c in UNRESERVED:
        return c
    return "".join("%%%02X" % b for b in c.encode("utf-8"))


def random_unicode(rng):
    if rng.random() < 0.7:
        return rng.choice(UNICODE_SAMPLES)
    while True:
        cp = rng.choice([rng.randint(0x80, 0x7FF), rng.randint(0x800, 0xFFFF),
                         rng.randint(0x10000, 0x10FFFF)])
        if not 0xD800 <= cp <= 0xDFFF:
            return chr(cp)


def vary_case(rng, s, p=0.5):
    return "".join(c.swapcase() if c.isalpha() and c.isascii()
                   and rng.random() < p else c for c in s)


def weighted(rng, table):
    total = sum(w for w, _ in table)
    x = rng.random() * total
    for w, v in table:
        x -= w
        if x < 0:
            return v
    return table[-1][1]


# ---------------------------------------------------------------------------
# Service, region, credentials, time.
# ---------------------------------------------------------------------------
def gen_service(rng, rules):
    if rules == "s3":
        return rng.choice(S3_SERVICES)
    if rng.random() < 0.8:
        return rng.choice(GENERIC_SERVICES)
    while True:
        n = rng.randint(1, 14)
        name = rng.choice("abcdefghijklmnopqrstuvwxyz") + "".join(
            rng.choice("abcdefghijklmnopqrstuvwxyz0123456789-")
            for _ in range(n))
        name = name.rstrip("-")
        if name not in S3_SERVICES:
            return name


def gen_region(rng):
    r = rng.random()
    if r < 0.8:
        return rng.choice(REAL_REGIONS)
    if r < 0.9:
        return rng.choice(ODD_REGIONS)
    parts = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz")
                     for _ in range(rng.randint(1, 8)))
             for _ in range(rng.randint(1, 3))]
    return "-".join(parts) + "-" + str(rng.randint(0, 99))


def gen_credentials(rng):
    token = None
    if rng.random() < 0.5:
        n = rng.randint(16, 400)
        token = "".join(rng.choice(B64) for _ in range(n))
        token += "=" * rng.randint(0, 2)
    prefix = "ASIA" if token and rng.random() < 0.8 else "AKIA"
    ak = prefix + "".join(rng.choice(ALPHA[:26] + DIGIT) for _ in range(16))
    sk = "".join(rng.choice(B64) for _ in range(40))
    return ak, sk, token


_T0 = int(datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
          .timestamp())
_T1 = int(datetime.datetime(2035, 12, 31, 23, 59, 59,
                            tzinfo=datetime.timezone.utc).timestamp())


def gen_time(rng):
    t = rng.randint(_T0, _T1)
    return datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=t)


# ---------------------------------------------------------------------------
# URL: scheme, authority.
# ---------------------------------------------------------------------------
def gen_label(rng, lo=1, hi=12):
    n = rng.randint(lo, hi)
    s = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789-")
                for _ in range(n)).strip("-")
    return s or "h"


def gen_host(rng, rules, service, region):
    """Return (hostname, is_ip_or_localhost_kind, fixed_port)."""
    bucket = gen_label(rng, 3, 20)
    if rules == "s3":
        kinds = [
            (3, lambda: f"{bucket}.s3.{region}.amazonaws.com"),
            (1, lambda: f"{bucket}.s3.amazonaws.com"),
            (1, lambda: f"{bucket}.{gen_label(rng)}.s3.amazonaws.com"),
            (2, lambda: f"s3.{region}.amazonaws.com"),
            (1, lambda: "s3.amazonaws.com"),
            (1, lambda: f"{bucket}--usw2-az1--x-s3.s3express-usw2-az1."
                        f"{region}.amazonaws.com"),
            (1, lambda: f"{bucket}-123456789012.s3-object-lambda."
                        f"{region}.amazonaws.com"),
            (1, lambda: "localhost"),
            (1, lambda: "127.0.0.1"),
            (1, lambda: "Host.example.com"),
        ]
    else:
        kinds = [
            (3, lambda: f"{service}.{region}.amazonaws.com"),
            (1, lambda: f"{service}.{region}.amazonaws.com.cn"),
            (1, lambda: f"{gen_label(rng, 10, 10)}.execute-api.{region}"
                        f".amazonaws.com"),
            (2, lambda: "Host.example.com"),
            (2, lambda: ".".join(gen_label(rng)
                                 for _ in range(rng.randint(1, 4)))
                        + rng.choice([".example.org", ".internal", ".test",
                                      ""])),
            (1, lambda: "localhost"),
            (1, lambda: "127.0.0.1"),
        ]
    host = weighted(rng, kinds)()
    fixed_port = None
    if host == "localhost":
        fixed_port = 9000
    elif host == "127.0.0.1":
        fixed_port = 8014
    elif rng.random() < 0.2:
        host = vary_case(rng, host)
    return host, fixed_port


def gen_authority(rng, scheme, host, fixed_port):
    """Return (netloc, has_explicit_default_port)."""
    default = 443 if scheme == "https" else 80
    if fixed_port is not None and rng.random() < 0.85:
        return f"{host}:{fixed_port}", False
    r = rng.random()
    if r < 0.6:
        return host, False
    if r < 0.8:
        return f"{host}:{default}", True
    port = rng.choice([8443, 8080, 9000, 4566, 1, 65535,
                       80 if scheme == "https" else 443,
                       rng.randint(1, 65535)])
    if port == default:
        return f"{host}:{port}", True
    return f"{host}:{port}", False


# ---------------------------------------------------------------------------
# URL: path.
# ---------------------------------------------------------------------------
def _generic_segment_token(rng):
    """One wire-valid path 'unit' for the generic (double-encoding) rules."""
    return weighted(rng, [
        (40, lambda: rng.choice(UNRESERVED)),
        (16, lambda: rng.choice(SUB_DELIMS + ":@")),
        (5, lambda: "+"),
        (10, lambda: pct_byte(rng, rng.randint(0, 0x7F))),
        (5, lambda: pct_byte(rng, 0x20)),        # space
        (4, lambda: pct_byte(rng, 0x25)),        # literal %
        (3, lambda: pct_byte(rng, ord(rng.choice("?#/[]")))),
        (10, lambda: pct_char(rng, random_unicode(rng))),
    ])()


def _is_fake_dot_segment(seg):
    # A segment that only *decodes* to "." or ".." (e.g. "%2E", ".%2e").
    # botocore (like RFC 3986 remove_dot_segments on the raw path) keeps it
    # as an ordinary segment; a signer that decodes unreserved escapes before
    # removing dot segments would drop it. Ambiguous, so never generated.
    if seg in (".", ".."):
        return False
    low = seg.lower()
    return low in ("%2e", "%2e%2e", ".%2e", "%2e.")


def gen_generic_path(rng):
    if rng.random() < 0.1:
        return "/"
    segs = []
    for _ in range(rng.randint(1, 7)):
        seg = weighted(rng, [
            (8, lambda: None),   # ordinary segment
            (1, lambda: ""),     # empty -> "//"
            (1, lambda: "."),
            (1, lambda: ".."),
        ])()
        if seg is None:
            while True:
                seg = "".join(_generic_segment_token(rng)
                              for _ in range(rng.randint(1, 10)))
                if not _is_fake_dot_segment(seg) and seg not in (".", ".."):
                    break
        segs.append(seg)
    path = "/" + "/".join(segs)
    # botocore's remove_dot_segments turns "/a/b/.." into "/a" (RFC 3986 and
    # other SDKs: "/a/"), so a path never ends in a dot segment: add "/".
    if segs[-1] in (".", "..") or rng.random() < 0.25:
        path += "/"
    return path


def _s3_decoded_char(rng):
    return weighted(rng, [
        (45, lambda: rng.choice(UNRESERVED)),
        (15, lambda: rng.choice(SUB_DELIMS + ":@")),
        (5, lambda: "+"),
        (5, lambda: " "),
        (3, lambda: "%"),
        (4, lambda: rng.choice("?#[]\"<>\\^`{|}")),
        (10, lambda: random_unicode(rng)),
    ])()


def gen_s3_path(rng):
    """S3 path, already in canonical (single-encoded) form.

    botocore's S3 signers use the wire path verbatim as the canonical URI.
    That equals a correct S3 canonical URI only if the wire path is already
    canonical: unreserved characters raw, everything else as uppercase %XX
    of UTF-8 ("/" raw as separator). So S3 paths are generated that way; they
    still contain "//", "." and ".." segments and trailing slashes, which S3
    never normalizes.
    """
    if rng.random() < 0.1:
        return "/"
    segs = []
    for _ in range(rng.randint(1, 7)):
        seg = weighted(rng, [
            (8, lambda: None),
            (1, lambda: ""),
            (1, lambda: "."),
            (1, lambda: ".."),
        ])()
        if seg is None:
            seg = "".join(canon_char(_s3_decoded_char(rng))
                          for _ in range(rng.randint(1, 12)))
        segs.append(seg)
    path = "/" + "/".join(segs)
    if rng.random() < 0.25:
        path += "/"
    return path


# ---------------------------------------------------------------------------
# Query string.
# ---------------------------------------------------------------------------
_QUERY_ALWAYS_ENCODED_ASCII = "&=#%\"<>[\\]^`{|}"
_QUERY_OPTIONAL_RAW = "!'()*,;:@/?$"


def _query_char(rng):
    return weighted(rng, [
        (50, lambda: rng.choice(UNRESERVED)),
        (6, lambda: " "),
        (4, lambda: "+"),
        (10, lambda: rng.choice(_QUERY_OPTIONAL_RAW)),
        (8, lambda: rng.choice(_QUERY_ALWAYS_ENCODED_ASCII)),
        (1, lambda: rng.choice("\t\n\x00\x7f")),
        (10, lambda: random_unicode(rng)),
    ])()


def gen_query_string(rng, lo, hi):
    return "".join(_query_char(rng) for _ in range(rng.randint(lo, hi)))


def encode_query_component(rng, s):
    """Serialize a decoded key/value, choosing among equivalent encodings."""
    out = []
    for c in s:
        if c in UNRESERVED:
            out.append(c if rng.random() < 0.85 else pct_char(rng, c))
        elif c == " ":
            out.append("+" if rng.random() < 0.5 else pct_char(rng, c))
        elif c in _QUERY_OPTIONAL_RAW:
            out.append(c if rng.random() < 0.5 else pct_char(rng, c))
        else:
            # "+", "&", "=", "#", "%", other ASCII, controls, non-ASCII.
            out.append(pct_char(rng, c))
    return "".join(out)


def gen_query_pairs(rng, unique_keys):
    if rng.random() < 0.25:
        return []
    pairs = []
    seen = []
    for _ in range(rng.randint(1, 7)):
        if not unique_keys and seen and rng.random() < 0.25:
            key = rng.choice(seen)
        else:
            while True:
                key = gen_query_string(rng, 1, 8)
                if unique_keys and key in seen:
                    continue
                # Presigned URLs own the X-Amz-* parameters.
                if unique_keys and key.lower().startswith("x-amz-"):
                    continue
                break
        value = "" if rng.random() < 0.2 else gen_query_string(rng, 1, 10)
        pairs.append((key, value))
        seen.append(key)
    return pairs


def serialize_query(rng, pairs):
    parts = []
    for k, v in pairs:
        ek = encode_query_component(rng, k)
        if v == "" and rng.random() < 0.5:
            parts.append(ek)
        else:
            parts.append(ek + "=" + encode_query_component(rng, v))
    return "&".join(parts)


# ---------------------------------------------------------------------------
# Headers.
# ---------------------------------------------------------------------------
def gen_header_name(rng):
    while True:
        kind = rng.random()
        if kind < 0.25:
            name = rng.choice(["X-Amz-Meta-", "x-amz-meta-", "X-Amz-",
                               "x-", "X-Custom-"]) + gen_label(rng, 1, 10)
        elif kind < 0.45:
            name = rng.choice([
                "Content-Type", "Accept", "Accept-Encoding", "Cache-Control",
                "Content-Encoding", "Content-Language", "If-Match", "Range",
                "X-Amz-Target", "x-amz-acl", "X-Amz-Storage-Class",
                "X-Amz-Server-Side-Encryption", "Origin", "Referer",
                "Content-Disposition", "X-Forwarded-For",
            ])
        else:
            pool = ALPHA + DIGIT + TOKEN_EXTRA
            name = "".join(rng.choice(pool)
                           for _ in range(rng.randint(1, 16)))
        if rng.random() < 0.3:
            name = vary_case(rng, name)
        if name.lower() not in RESERVED_HEADER_NAMES:
            return name


def _ws(rng, lo, hi):
    return "".join(rng.choice(" \t") if rng.random() < 0.4 else " "
                   for _ in range(rng.randint(lo, hi)))


def gen_header_value(rng):
    if rng.random() < 0.05:
        return rng.choice(["", " ", "\t", "  \t "])
    words = []
    for _ in range(rng.randint(1, 5)):
        w = []
        for _ in range(rng.randint(1, 10)):
            if rng.random() < 0.1:
                w.append(rng.choice(HEADER_LETTERS))
            else:
                w.append(chr(rng.randint(0x21, 0x7E)))
        words.append("".join(w))
    out = _ws(rng, 0, 3) if rng.random() < 0.3 else ""
    for i, w in enumerate(words):
        if i:
            out += _ws(rng, 1, 4) if rng.random() < 0.4 else " "
        out += w
    if rng.random() < 0.3:
        out += _ws(rng, 1, 3)
    return out


def gen_stale_amz_date(rng):
    t = gen_time(rng)
    return rng.choice([t.strftime("%Y%m%dT%H%M%SZ"),
                       t.strftime("%Y-%m-%dT%H:%M:%SZ"), "garbage"])


def gen_headers(rng, mode, host_for_header, body_len):
    headers = []
    names_used = []
    for _ in range(rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8])):
        if names_used and rng.random() < 0.3:
            # Duplicate, often with different case.
            name = rng.choice(names_used)
            if rng.random() < 0.6:
                name = vary_case(rng, name, 0.7)
        else:
            name = gen_header_name(rng)
            if mode == "query" and name.lower() == "content-type":
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
               gen_stale_amz_date(rng))
    if rng.random() < 0.2:
        ct = rng.choice(["application/json", "text/plain; charset=utf-8",
                         "application/x-amz-json-1.1", "application/xml",
                         "application/octet-stream",
                         "application/x-www-form-urlencoded; charset=utf-8",
                         "application/x-www-form-urlencoded"])
        if mode == "query" and ct.startswith(
                "application/x-www-form-urlencoded"):
            # SigV4QueryAuth deletes FORM_CT (every Content-Type header).
            ct = "application/json"
        insert(rng.choice(["Content-Type", "content-type"]), ct)
    if rng.random() < 0.05:
        insert("Content-Length", str(body_len))
    # Headers botocore never signs.
    if rng.random() < 0.2:
        insert(rng.choice(["User-Agent", "user-agent"]),
               rng.choice(["Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0",
                           "sigv4-test/0.1", "curl/8.5.0"]))
    if rng.random() < 0.1:
        insert(rng.choice(["Expect", "expect"]), "100-continue")
    if rng.random() < 0.1:
        insert("X-Amzn-Trace-Id",
               "Root=1-%08x-%s" % (rng.getrandbits(32),
                                   "%024x" % rng.getrandbits(96)))
    if rng.random() < 0.05:
        insert(rng.choice(["Transfer-Encoding", "transfer-encoding"]),
               "chunked")
    return headers


def gen_extra_headers(rng):
    n = rng.choice([0, 0, 0, 1, 1, 2, 3])
    chosen = rng.sample(HOP_BY_HOP, n)
    out = []
    for name, values in chosen:
        if rng.random() < 0.3:
            name = vary_case(rng, name)
        out.append([name, rng.choice(values)])
    return out


# ---------------------------------------------------------------------------
# Body.
# ---------------------------------------------------------------------------
def gen_body(rng):
    r = rng.random()
    if r < 0.35:
        return ""
    if r < 0.5:
        return json.dumps({"Action": gen_label(rng), "n": rng.randint(0, 99),
                           "s": gen_query_string(rng, 0, 12)},
                          ensure_ascii=rng.random() < 0.5)
    out = []
    for _ in range(rng.randint(1, 200)):
        out.append(weighted(rng, [
            (80, lambda: chr(rng.randint(0x20, 0x7E))),
            (4, lambda: rng.choice(["\n", "\r\n", "\t"])),
            (8, lambda: random_unicode(rng)),
        ])())
    return "".join(out)


# ---------------------------------------------------------------------------
# One case.
# ---------------------------------------------------------------------------
_S3_CONFIG_SIGNED = Config(s3={"payload_signing_enabled": True})
_S3_CONFIG_UNSIGNED = Config(s3={"payload_signing_enabled": False})
_RECORDED = ("canonical_request", "string_to_sign", "signature")


def gen_case(rng, case_id):
    mode = "query" if rng.random() < 0.3 else "header"
    rules = "s3" if rng.random() < 0.4 else "generic"
    service = gen_service(rng, rules)
    region = gen_region(rng)
    if mode == "query" and rng.random() < 0.75:
        method = rng.choice(["GET", "GET", "PUT"])
    else:
        method = rng.choice(METHODS)
    scheme = "https" if rng.random() < 0.85 else "http"
    host, fixed_port = gen_host(rng, rules, service, region)
    netloc, explicit_default = gen_authority(rng, scheme, host, fixed_port)
    path = gen_s3_path(rng) if rules == "s3" else gen_generic_path(rng)

    pairs = gen_query_pairs(rng, unique_keys=(mode == "query"))
    query = serialize_query(rng, pairs)
    base_url = f"{scheme}://{netloc}{path}"
    if query or rng.random() < 0.05:
        full_url = f"{base_url}?{query}"
    else:
        full_url = base_url

    def host_for_header(r):
        h = netloc
        if explicit_default and r.random() < 0.5:
            h = h.rsplit(":", 1)[0]
        return vary_case(r, h, 0.3) if r.random() < 0.5 else h

    body = gen_body(rng) if mode == "header" else ""
    body_bytes = body.encode("utf-8")
    headers = gen_headers(rng, mode, host_for_header, len(body_bytes))
    extra_headers = gen_extra_headers(rng)
    unsigned = mode == "header" and scheme == "https" and rng.random() < 0.25
    ak, sk, token = gen_credentials(rng)
    now = gen_time(rng)
    time_str = now.strftime("%Y%m%dT%H%M%SZ")
    expires = None
    if mode == "query":
        expires = rng.choice([1, 60, 900, 3600, 86400, 604800,
                              rng.randint(1, 604800)])

    # ---- sign with botocore ------------------------------------------------
    creds = Credentials(ak, sk, token)
    if mode == "header":
        cls = S3SigV4Auth if rules == "s3" else SigV4Auth
        signer = cls(creds, service, region)
        # Query goes in as decoded params: botocore would copy a URL query
        # into the canonical request verbatim, without normalizing it.
        req = AWSRequest(method=method, url=base_url, data=body_bytes,
                         params=list(pairs))
    else:
        cls = S3SigV4QueryAuth if rules == "s3" else SigV4QueryAuth
        signer = cls(creds, service, region, expires=expires)
        req = AWSRequest(method=method, url=full_url, data=b"")
    for name, value in headers:
        req.headers[name] = value
    if rules == "s3":
        req.context["client_config"] = (_S3_CONFIG_UNSIGNED if unsigned
                                        else _S3_CONFIG_SIGNED)
    elif unsigned:
        req.context["payload_signing_enabled"] = False

    rec = {name: [] for name in _RECORDED}
    for name in _RECORDED:
        orig = getattr(signer, name)

        def wrapper(*a, _orig=orig, _name=name, **kw):
            result = _orig(*a, **kw)
            rec[_name].append(result)
            return result
        setattr(signer, name, wrapper)

    _FROZEN_NOW[0] = now
    try:
        signer.add_auth(req)
    finally:
        _FROZEN_NOW[0] = None

    for name in _RECORDED:
        if len(rec[name]) != 1:
            raise AssertionError(f"case {case_id}: {name} called "
                                 f"{len(rec[name])} times")
    cr = rec["canonical_request"][0]
    sts = rec["string_to_sign"][0]
    sig = rec["signature"][0]
    # Wiring checks: frozen clock used, the recorded values are the ones
    # botocore put on the request.
    sts_lines = sts.split("\n")
    if sts_lines[1] != time_str or sts_lines[2][:8] != time_str[:8]:
        raise AssertionError(f"case {case_id}: clock not frozen: {sts!r}")
    if sts_lines[3] != hashlib.sha256(cr.encode("utf-8")).hexdigest():
        raise AssertionError(f"case {case_id}: sts/cr mismatch")
    if mode == "header":
        if not req.headers["Authorization"].endswith("Signature=" + sig):
            raise AssertionError(f"case {case_id}: Authorization mismatch")
    elif not req.url.endswith("&X-Amz-Signature=" + sig):
        raise AssertionError(f"case {case_id}: presigned URL mismatch")

    return {
        "id": case_id,
        "mode": mode,
        "rules": rules,
        "method": method,
        "url": full_url,
        "headers": headers,
        "extra_headers": extra_headers,
        "body": body,
        "unsigned_payload": unsigned,
        "region": region,
        "service": service,
        "access_key_id": ak,
        "secret_access_key": sk,
        "session_token": token,
        "time": time_str,
        "expires": expires,
        "expected": {
            "canonical_request": cr,
            "string_to_sign": sts,
            "signature": sig,
        },
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
            case = gen_case(rng, i)
            f.write(json.dumps(case, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
