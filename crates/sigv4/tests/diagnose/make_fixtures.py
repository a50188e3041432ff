"""Writes the generated fixtures of tests/diagnose (the folders README.md marks
"generated"). Each is one hand-written signer's mistake: what the person's code computed
(canonical-request.txt, string-to-sign.txt), what it sent (request.http or url.txt) and
what AWS answered (response.xml / response.json).

AWS's side never comes from our signer: the canonical request AWS expects is botocore's
(its SigV4 signer run over the request as sent, with the SignedHeaders sent, the query
decoded and re-encoded as AWS does, S3's path unnormalized), and the other answers use
AWS's documented error formats (S3's XAmzContentSHA256Mismatch, HeadersNotSigned,
"Request has expired"; STS's InvalidClientTokenId). Keys are AWS's documented example
key; the session token is made up.

Run from anywhere with a Python that has botocore:
    python crates/sigv4/tests/diagnose/make_fixtures.py
"""
import datetime
import hashlib
import hmac
import json
import os
from unittest import mock
from urllib.parse import quote, unquote_plus

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

HERE = os.path.dirname(os.path.abspath(__file__))
AKID, TEMP_AKID = "AKIDEXAMPLE", "ASIAEXAMPLETEMPKEY12"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKENdoNotPrintMe0123456789abcdefSECRETTOKEN=="
DATE, AMZ = "20240315", "20240315T101500Z"
EMPTY = hashlib.sha256(b"").hexdigest()
UNSIGNED = "UNSIGNED-PAYLOAD"


def sha(b):
    return hashlib.sha256(b.encode() if isinstance(b, str) else b).hexdigest()


def _h(k, m):
    return hmac.new(k, m.encode(), hashlib.sha256).digest()


def sign(sts, date, region, service):
    k = _h(_h(_h(_h(("AWS4" + SECRET).encode(), date), region), service), "aws4_request")
    return hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()


def sts_for(amz, scope, cr):
    return "\n".join(["AWS4-HMAC-SHA256", amz, scope, sha(cr)])


def enc(s):
    return quote(s, safe="-_.~")


def raw(method, target, headers, body=b""):
    lines = [f"{method} {target} HTTP/1.1"] + [f"{n}: {v}" for n, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def auth(akid, scope, signed, sig):
    return f"AWS4-HMAC-SHA256 Credential={akid}/{scope}, SignedHeaders={signed}, Signature={sig}"


# ---------------------------------------------------------------------------------------
# AWS's side, by botocore


class _View(SigV4Auth):
    """Signs exactly the headers the request lists in SignedHeaders, as AWS does."""

    signed = ()

    def headers_to_sign(self, request):
        out = HTTPHeaders()
        for name in self.signed:
            out[name] = request.headers.get(name, "")
        return out


class _S3View(_View, S3SigV4Auth):
    def _normalize_url_path(self, path):
        return path


def aws_view(data, region, service, presigned=False):
    """The canonical request and string to sign AWS computes for raw request `data`."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    method, target, _ = lines[0].split(" ")
    headers = [tuple(x.strip() for x in line.split(":", 1)) for line in lines[1:]]
    low = {n.lower(): v for n, v in headers}
    path, _, query = target.partition("?")
    pairs = [
        (unquote_plus(k), unquote_plus(v))
        for k, _, v in (p.partition("=") for p in query.split("&") if p)
    ]
    if presigned:
        q = dict(pairs)
        signed, amz = q["X-Amz-SignedHeaders"].split(";"), q["X-Amz-Date"]
        pairs = [(k, v) for k, v in pairs if k != "X-Amz-Signature"]
    else:
        signed = low["authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
        amz = low["x-amz-date"]
    s3 = service == "s3"
    view = (_S3View if s3 else _View)(Credentials(AKID, SECRET), service, region)
    view.signed = sorted(n.lower() for n in signed)
    req = AWSRequest(method=method, url=f"https://{low['host']}{path}", data=body)
    for n, v in headers:
        if n.lower() != "authorization":
            req.headers[n] = v
    req.params = pairs  # decoded: botocore encodes them again, as AWS does
    if presigned and s3:
        req.headers["X-Amz-Content-SHA256"] = UNSIGNED  # S3's payload line for URLs
    cr = view.canonical_request(req)
    return cr, sts_for(amz, f"{amz[:8]}/{region}/{service}/aws4_request", cr)


# ---------------------------------------------------------------------------------------
# AWS's answers


def _x(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _bytes(s):
    return " ".join(f"{b:02x}" for b in s.encode())


def s3_mismatch(cr, sts, sig, akid=AKID):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code>'
        "<Message>The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.</Message>"
        f"<AWSAccessKeyId>{akid}</AWSAccessKeyId><StringToSign>{_x(sts)}</StringToSign>"
        f"<SignatureProvided>{sig}</SignatureProvided><StringToSignBytes>{_bytes(sts)}</StringToSignBytes>"
        f"<CanonicalRequest>{_x(cr)}</CanonicalRequest><CanonicalRequestBytes>{_bytes(cr)}</CanonicalRequestBytes>"
        "<RequestId>7Q0V8N1JD3WX2E4B</RequestId><HostId>example-host-id</HostId></Error>"
    )


def s3_error(code, message, extra=""):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{_x(message)}</Message>{extra}"
        "<RequestId>7Q0V8N1JD3WX2E4B</RequestId><HostId>example-host-id</HostId></Error>"
    )


def json_mismatch(cr, sts):
    return json.dumps(
        {
            "__type": "com.amazon.coral.service#InvalidSignatureException",
            "message": "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
            f"\n\nThe Canonical String for this request should have been\n'{cr}'\n\n"
            f"The String-to-Sign should have been\n'{sts}'\n",
        }
    )


def query_error(code, message):
    return (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <Error>\n'
        f"    <Type>Sender</Type>\n    <Code>{code}</Code>\n    <Message>{_x(message)}</Message>\n"
        "  </Error>\n  <RequestId>8a2c1a5e-1f37-4b2b-9f0e-3f6b5f7b2b1e</RequestId>\n</ErrorResponse>\n"
    )


def write(folder, files):
    d = os.path.join(HERE, folder)
    os.makedirs(d, exist_ok=True)
    for name, content in files.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(content if isinstance(content, bytes) else content.encode())


# ---------------------------------------------------------------------------------------
# The cases


def s3_header_case(folder, target, uri, query, method="GET", payload=UNSIGNED, sent_payload=None,
                   extra=(), body=b"", token=None, akid=AKID, cr=None, response=True):
    """An S3 request signed in the header by a hand-written signer: `target` went on the
    wire, `uri` and `query` are what the signer put in its canonical request."""
    region, host = "eu-west-1", "my-bucket.s3.eu-west-1.amazonaws.com"
    scope = f"{DATE}/{region}/s3/aws4_request"
    hs = [("host", host), ("x-amz-content-sha256", sent_payload or payload), ("x-amz-date", AMZ)]
    hs += [(n.lower(), v) for n, v in extra]
    hs.sort()
    signed = ";".join(n for n, _ in hs)
    cr = cr or "\n".join([method, uri, query] + [f"{n}:{v}" for n, v in hs] + ["", signed, payload])
    sts = sts_for(AMZ, scope, cr)
    sig = sign(sts, DATE, region, "s3")
    wire = [("Host", host), ("x-amz-content-sha256", sent_payload or payload), ("X-Amz-Date", AMZ)]
    wire += list(extra)
    wire.append(("Authorization", auth(akid, scope, signed, sig)))
    if token:
        wire.append(("X-Amz-Security-Token", token))  # added after signing
    req = raw(method, target, wire, body)
    files = {"canonical-request.txt": cr, "string-to-sign.txt": sts, "request.http": req}
    if response:
        files["response.xml"] = s3_mismatch(*aws_view(req, region, "s3"), sig, akid)
    write(folder, files)
    return req


def s3_presigned_query(akid=AKID, expires="3600"):
    scope = f"{DATE}/eu-west-1/s3/aws4_request"
    q = sorted({"X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Credential": f"{akid}/{scope}",
                "X-Amz-Date": AMZ, "X-Amz-Expires": expires, "X-Amz-SignedHeaders": "host"}.items())
    return scope, "&".join(f"{enc(k)}={enc(v)}" for k, v in q)


def s3_presigned_case(folder, payload_line, akid=AKID, token_after=False, response=True):
    region, host, path = "eu-west-1", "my-bucket.s3.eu-west-1.amazonaws.com", "/photos/cat.jpg"
    scope, cq = s3_presigned_query(akid)
    cr = "\n".join(["GET", path, cq, f"host:{host}", "", "host", payload_line])
    sts = sts_for(AMZ, scope, cr)
    sig = sign(sts, DATE, region, "s3")
    target = f"{path}?{cq}&X-Amz-Signature={sig}"
    if token_after:
        target += f"&X-Amz-Security-Token={enc(TOKEN)}"
    files = {"canonical-request.txt": cr, "string-to-sign.txt": sts, "url.txt": f"https://{host}{target}\n"}
    if response:
        req = raw("GET", target, [("Host", host)])
        files["response.xml"] = s3_mismatch(*aws_view(req, region, "s3", presigned=True), sig, akid)
    write(folder, files)


def botocore_presigned():
    """A correct S3 presigned URL, by botocore, and botocore's canonical request for it."""
    seen = {}

    class Recording(S3SigV4QueryAuth):
        def canonical_request(self, request):
            seen["cr"] = super().canonical_request(request)
            return seen["cr"]

    req = AWSRequest(method="GET", url="https://my-bucket.s3.eu-west-1.amazonaws.com/photos/cat.jpg")
    at = datetime.datetime(2024, 3, 15, 10, 15, 0, tzinfo=datetime.timezone.utc)
    with mock.patch("botocore.auth.get_current_datetime", return_value=at):
        Recording(Credentials(AKID, SECRET), "s3", "eu-west-1", expires=3600).add_auth(req)
    write("s3-presigned-botocore", {"url.txt": req.url + "\n", "canonical-request.txt": seen["cr"]})


def ddb_case(folder, canon, signed, payload_line, region="us-east-1", host_region="us-east-1",
             response="mismatch"):
    host = f"dynamodb.{host_region}.amazonaws.com"
    body = b'{"TableName":"Music","Key":{"Artist":{"S":"No One You Know"}}}'
    scope = f"{DATE}/{region}/dynamodb/aws4_request"
    cr = "\n".join(["POST", "/", ""] + canon + ["", signed, payload_line or sha(body)])
    sts = sts_for(AMZ, scope, cr)
    sig = sign(sts, DATE, region, "dynamodb")
    sent = [("Host", host), ("Content-Type", "application/x-amz-json-1.0"), ("X-Amz-Date", AMZ),
            ("X-Amz-Target", "DynamoDB_20120810.GetItem"), ("Authorization", auth(AKID, scope, signed, sig))]
    req = raw("POST", "/", sent, body)
    if response == "mismatch":
        answer = json_mismatch(*aws_view(req, host_region, "dynamodb"))
    else:
        answer = json.dumps({"__type": "com.amazon.coral.service#InvalidSignatureException",
                             "message": response})
    write(folder, {"canonical-request.txt": cr, "string-to-sign.txt": sts, "request.http": req,
                   "response.json": answer})


def main():
    # A correct S3 presigned URL (botocore's); no answer from AWS.
    botocore_presigned()
    # A correct header-signed S3 GET; no answer from AWS.
    s3_header_case("s3-correct", "/photos/cat.jpg?versionId=3HL4kqtJlcpXroDTDmJ", "/photos/cat.jpg",
                   "versionId=3HL4kqtJlcpXroDTDmJ", response=False)
    # x-amz-content-sha256: UNSIGNED-PAYLOAD sent and signed; the last line is the empty hash.
    s3_header_case("s3-unsigned-payload-header", "/photos/cat.jpg", "/photos/cat.jpg", "",
                   payload=EMPTY, sent_payload=UNSIGNED)
    # A hand-made S3 presigned URL whose last line is the empty hash.
    s3_presigned_case("s3-presigned-empty-hash", EMPTY)
    # Temporary credentials; X-Amz-Security-Token appended to the URL after signing.
    s3_presigned_case("s3-presigned-token-appended", UNSIGNED, akid=TEMP_AKID, token_after=True)
    # x-amz-content-sha256 hashed from the file before a newline was added to the body.
    hashed, sent = b"name,score\nalice,3", b"name,score\nalice,3\n"
    s3_header_case("s3-content-sha256-mismatch", "/data/scores.csv", "/data/scores.csv", "",
                   method="PUT", payload=sha(hashed), extra=[("Content-Type", "text/csv")],
                   body=sent, response=False)
    write("s3-content-sha256-mismatch", {"response.xml": s3_error(
        "XAmzContentSHA256Mismatch",
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        f"<ClientComputedContentSHA256>{sha(hashed)}</ClientComputedContentSHA256>"
        f"<S3ComputedContentSHA256>{sha(sent)}</S3ComputedContentSHA256>")})
    # X-Amz-Security-Token header added after signing: S3's HeadersNotSigned.
    s3_header_case("s3-token-not-signed", "/photos/cat.jpg", "/photos/cat.jpg", "", token=TOKEN,
                   akid=TEMP_AKID, response=False)
    write("s3-token-not-signed", {"response.xml": s3_error(
        "AccessDenied", "There were headers present in the request which were not signed",
        "<HeadersNotSigned>x-amz-security-token</HeadersNotSigned>")})
    # A temporary key with no session token at all: STS's InvalidClientTokenId.
    scope, q = f"{DATE}/us-east-1/sts/aws4_request", "Action=GetCallerIdentity&Version=2011-06-15"
    cr = "\n".join(["GET", "/", q, "host:sts.amazonaws.com", f"x-amz-date:{AMZ}", "", "host;x-amz-date", EMPTY])
    sts = sts_for(AMZ, scope, cr)
    req = raw("GET", "/?" + q, [("Host", "sts.amazonaws.com"), ("X-Amz-Date", AMZ),
              ("Authorization", auth(TEMP_AKID, scope, "host;x-amz-date", sign(sts, DATE, "us-east-1", "sts")))])
    write("sts-temporary-key-no-token", {"canonical-request.txt": cr, "string-to-sign.txt": sts, "request.http": req,
          "response.xml": query_error("InvalidClientTokenId", "The security token included in the request is invalid.")})
    # A presigned URL (3600 s) used two hours after it was made.
    s3_presigned_case("s3-presigned-expired", UNSIGNED, response=False)
    write("s3-presigned-expired", {"response.xml": s3_error(
        "AccessDenied", "Request has expired",
        "<X-Amz-Expires>3600</X-Amz-Expires><Expires>2024-03-15T11:15:00Z</Expires>"
        "<ServerTime>2024-03-15T12:16:00Z</ServerTime>")})
    # '~' written %7E (PHP's urlencode) in the URL and the canonical query.
    q = "list-type=2&prefix=backup%7Eold%2F"
    s3_header_case("s3-query-tilde", "/?" + q, "/", q)
    # ?uploads signed as "uploads" (no '=').
    s3_header_case("s3-uploads-no-equals", "/videos/big.mp4?uploads", "/videos/big.mp4", "uploads",
                   method="POST", payload=EMPTY)
    # urlencode's '+' for a space, in the URL and the canonical query.
    s3_header_case("s3-plus-for-space", "/?list-type=2&prefix=my+photos", "/", "list-type=2&prefix=my+photos")
    # S3 key with '//' and './'; the signer normalized the path.
    s3_header_case("s3-path-normalized", "/backups//2024/./db.sql.gz", "/backups/2024/db.sql.gz", "")
    # The key derived with the full X-Amz-Date instead of its YYYYMMDD.
    req = s3_header_case("s3-key-full-timestamp", "/photos/cat.jpg", "/photos/cat.jpg", "", response=False)
    sts = open(os.path.join(HERE, "s3-key-full-timestamp", "string-to-sign.txt")).read()
    k = _h(_h(_h(_h(("AWS4" + SECRET).encode(), AMZ), "eu-west-1"), "s3"), "aws4_request")
    sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    head, _, _ = req.partition(b"Signature=")
    req = head + b"Signature=" + sig.encode() + b"\r\n\r\n"
    write("s3-key-full-timestamp", {"request.http": req,
          "response.xml": s3_mismatch(*aws_view(req, "eu-west-1", "s3"), sig)})
    # DynamoDB: region hard-coded to us-east-1 for dynamodb.eu-west-1.
    hs = ["content-type:application/x-amz-json-1.0", "host:dynamodb.eu-west-1.amazonaws.com",
          f"x-amz-date:{AMZ}", "x-amz-target:DynamoDB_20120810.GetItem"]
    ddb_case("ddb-wrong-region", hs, "content-type;host;x-amz-date;x-amz-target", None,
             host_region="eu-west-1", response="Credential should be scoped to a valid region. ")
    # DynamoDB: the payload hash in upper-case hex.
    hs = [h.replace("eu-west-1", "us-east-1") for h in hs]
    body = b'{"TableName":"Music","Key":{"Artist":{"S":"No One You Know"}}}'
    ddb_case("ddb-payload-hex-upper", hs, "content-type;host;x-amz-date;x-amz-target", sha(body).upper())
    # Scope date from local time (UTC+2, already the 16th), X-Amz-Date in UTC.
    amz, local = "20240315T233000Z", "20240316"
    host, scope = "my-bucket.s3.eu-west-1.amazonaws.com", f"{local}/eu-west-1/s3/aws4_request"
    cr = "\n".join(["GET", "/photos/cat.jpg", "", f"host:{host}", f"x-amz-content-sha256:{UNSIGNED}",
                    f"x-amz-date:{amz}", "", "host;x-amz-content-sha256;x-amz-date", UNSIGNED])
    sts = sts_for(amz, scope, cr)
    req = raw("GET", "/photos/cat.jpg", [("Host", host), ("x-amz-content-sha256", UNSIGNED), ("X-Amz-Date", amz),
              ("Authorization", auth(AKID, scope, "host;x-amz-content-sha256;x-amz-date", sign(sts, local, "eu-west-1", "s3")))])
    write("s3-scope-date-local", {"canonical-request.txt": cr, "string-to-sign.txt": sts, "request.http": req,
          "response.xml": s3_error("AuthorizationHeaderMalformed",
              "The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.")})
    # Fine Uploader's string to sign signed as is, and the request it signed (no AWS answer).
    host, scope = "uploads-bucket.s3.amazonaws.com", f"{DATE}/us-east-1/s3/aws4_request"
    uid = "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA"
    cr = "\n".join(["PUT", "/videos/holiday.mp4", f"partNumber=3&uploadId={uid}", f"host:{host}",
                    f"x-amz-content-sha256:{UNSIGNED}", f"x-amz-date:{AMZ}", "",
                    "host;x-amz-content-sha256;x-amz-date", UNSIGNED])
    fine = "\n".join(["AWS4-HMAC-SHA256", AMZ, scope, cr])
    req = raw("PUT", f"/videos/holiday.mp4?partNumber=3&uploadId={uid}",
              [("Host", host), ("x-amz-content-sha256", UNSIGNED), ("X-Amz-Date", AMZ),
               ("Authorization", auth(AKID, scope, "host;x-amz-content-sha256;x-amz-date", sign(fine, DATE, "us-east-1", "s3")))],
              b"...5 MiB of video...")
    write("fine-uploader-request", {"string-to-sign.txt": fine, "request.http": req})


if __name__ == "__main__":
    main()
