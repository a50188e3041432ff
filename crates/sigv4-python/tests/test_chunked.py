"""sigv4.ChunkedUpload (aws-chunked): the S3 documentation's published chunked-upload
example byte for byte (the numbers crates/sigv4/tests/chunked.rs checks the core with),
and uploads of a few hundred KiB to s3s-fs, which checks the seed and every chunk
signature and the trailing checksum, read back with botocore and compared.
"""

import base64
import io
import zlib

import httpx
import pytest
import requests

import sigv4
from conftest import header, hmac_hex, signing_key, string_to_sign

# https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html: PUT of 66,560 bytes
# of 'a' in 64 KiB chunks with x-amz-storage-class REDUCED_REDUNDANCY, AWS's example key.
EXAMPLE_KEY = ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
SEED_SIGNATURE = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
CHUNK_SIGNATURES = [
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
]


def published_example(data):
    return sigv4.ChunkedUpload(
        url="https://s3.amazonaws.com/examplebucket/chunkObject.txt",
        data=data,
        length=66_560,
        credentials=sigv4.Credentials(*EXAMPLE_KEY),
        chunk_size=65_536,
        headers={"x-amz-storage-class": "REDUCED_REDUNDANCY"},
        region="us-east-1",
        time="20130524T000000Z",
    )


@pytest.mark.parametrize("kind", ["bytes", "file", "iterable"])
def test_s3_documentation_chunked_upload_example(kind):
    body = b"a" * 66_560
    data = {
        "bytes": body,
        "file": io.BytesIO(body),
        "iterable": iter([body[:1000], body[1000:50_000], body[50_000:]]),
    }[kind]
    upload = published_example(data)
    assert upload.content_length == 66_824
    h = upload.headers
    assert header(h, "Authorization").endswith("Signature=" + SEED_SIGNATURE), h
    assert header(h, "x-amz-content-sha256") == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    assert header(h, "content-encoding") == "aws-chunked"
    assert header(h, "x-amz-decoded-content-length") == "66560"
    assert header(h, "content-length") == "66824"
    assert header(h, "x-amz-date") == "20130524T000000Z"
    expected = (
        f"10000;chunk-signature={CHUNK_SIGNATURES[0]}\r\n".encode() + body[:65_536]
        + f"\r\n400;chunk-signature={CHUNK_SIGNATURES[1]}\r\n".encode() + body[65_536:]
        + f"\r\n0;chunk-signature={CHUNK_SIGNATURES[2]}\r\n\r\n".encode()
    )
    wire = b"".join(upload)
    assert len(wire) == 66_824
    assert wire == expected


def example_seed_signature(content_encoding):
    """The seed signature of the published example, from its canonical request written
    out (the documentation's, with `content_encoding`), by AWS's key derivation."""
    canonical = "\n".join([
        "PUT", "/examplebucket/chunkObject.txt", "",
        f"content-encoding:{content_encoding}", "content-length:66824", "host:s3.amazonaws.com",
        "x-amz-content-sha256:STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "x-amz-date:20130524T000000Z",
        "x-amz-decoded-content-length:66560", "x-amz-storage-class:REDUCED_REDUNDANCY", "",
        "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
        "x-amz-decoded-content-length;x-amz-storage-class",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    ])
    scope = "20130524/us-east-1/s3/aws4_request"
    key = signing_key(EXAMPLE_KEY[1], "20130524", "us-east-1", "s3")
    return hmac_hex(key, string_to_sign("20130524T000000Z", scope, canonical))


@pytest.mark.parametrize("given", ["gzip", "aws-chunked,gzip", "aws-chunked, gzip"])
def test_content_encoding_given_follows_aws_chunked_and_is_signed(given):
    assert example_seed_signature("aws-chunked") == SEED_SIGNATURE  # the canonical request above is AWS's
    upload = sigv4.ChunkedUpload(
        url="https://s3.amazonaws.com/examplebucket/chunkObject.txt", data=b"a" * 66_560, length=66_560,
        credentials=sigv4.Credentials(*EXAMPLE_KEY),
        headers={"x-amz-storage-class": "REDUCED_REDUNDANCY", "Content-Encoding": given},
        region="us-east-1", time="20130524T000000Z",
    )
    assert header(upload.headers, "content-encoding") == "aws-chunked,gzip"
    want = example_seed_signature("aws-chunked,gzip")
    assert header(upload.headers, "Authorization").endswith("Signature=" + want)


def test_another_host_takes_region_and_service():
    """An S3-compatible store: its host names no region, so region= is needed (and said
    so), and service= is taken as sign() takes it (S3's by default)."""
    url = "http://127.0.0.1:9000/bkt/k"
    with pytest.raises(sigv4.InvalidRequestError) as e:
        sigv4.ChunkedUpload(url=url, data=b"x", length=1, credentials=sigv4.Credentials(*EXAMPLE_KEY))
    assert str(e.value).endswith(": pass region=")
    for service in ("s3", "custom"):
        upload = sigv4.ChunkedUpload(url=url, data=b"x", length=1, credentials=sigv4.Credentials(*EXAMPLE_KEY),
                                     region="eu-west-3", service=service, time="20130524T000000Z")
        assert f"/20130524/eu-west-3/{service}/aws4_request," in header(upload.headers, "Authorization")


BAD_ARGUMENTS = {
    "chunks under 8 KiB": dict(data=b"x", length=1, chunk_size=100),
    "unknown checksum": dict(data=b"x", length=1, checksum="md4"),
    "not a URL": dict(url="not a url", data=b"x", length=1),
    "negative length": dict(data=b"", length=-1),
    "unsigned chunks without a checksum": dict(data=b"x", length=1, signed=False),
    # Data shorter or longer than announced: refused, never sent short or cut.
    "data shorter than length": dict(data=iter([b"x" * 10]), length=20),
    "data longer than length": dict(data=b"x" * 30, length=20),
}


@pytest.mark.parametrize("label", list(BAD_ARGUMENTS))
def test_bad_arguments_are_refused(label):
    args = dict(url="https://s3.amazonaws.com/examplebucket/k", credentials=sigv4.Credentials(*EXAMPLE_KEY),
                region="us-east-1")
    args.update(BAD_ARGUMENTS[label])
    with pytest.raises(sigv4.InvalidRequestError):
        b"".join(sigv4.ChunkedUpload(**args))


def _body(n):
    out = bytearray()
    x = 0x20261123
    while len(out) < n:
        x = (x * 1_664_525 + 1_013_904_223) & 0xFFFFFFFF
        out.append(x >> 24)
    return bytes(out)


def crc32_b64(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


@pytest.mark.parametrize(
    "label,options",
    [
        ("signed", {}),
        ("signed-crc32-trailer", {"checksum": "crc32", "chunk_size": 8192}),
        ("signed-crc32c-trailer", {"checksum": "crc32c"}),
        ("unsigned-sha256-trailer", {"checksum": "sha256", "signed": False}),
    ],
)
def test_chunked_upload_to_s3s(servers, s3s_bucket, label, options):
    body = _body(300 * 1024 + 17)
    url = f"{s3s_bucket}/chunked/{label}.bin"
    upload = sigv4.ChunkedUpload(url=url, data=body, length=len(body), credentials=servers.s3s_credentials(),
                                 region=servers.s3s_region, **options)
    if "checksum" in options:
        assert header(upload.headers, "x-amz-trailer") == f"x-amz-checksum-{options['checksum']}"
    wire = b"".join(upload)
    assert len(wire) == upload.content_length
    if options.get("checksum") == "crc32":
        # The trailer carries the CRC32 of the data (zlib's, independently).
        assert f"x-amz-checksum-crc32:{crc32_b64(body)}".encode() in wire[-200:]
    r = requests.put(url, data=wire, headers=upload.headers, timeout=60)
    assert r.status_code == 200, f"{label}: {r.status_code} {r.text}"
    back = servers.s3s("GET", url)
    assert back.status_code == 200 and back.content == body, f"{label}: the object read back differs"


def test_chunked_upload_streamed_with_httpx(servers, s3s_bucket):
    """The upload iterated as the request body (httpx sends it with our Content-Length,
    not Transfer-Encoding: chunked), from a file object."""
    body = _body(200 * 1024)
    url = f"{s3s_bucket}/chunked/streamed.bin"
    upload = sigv4.ChunkedUpload(url=url, data=io.BytesIO(body), length=len(body),
                                 credentials=servers.s3s_credentials(), region=servers.s3s_region,
                                 checksum="crc32c", chunk_size=16 * 1024)
    r = httpx.put(url, content=iter(upload), headers=upload.headers, timeout=60)
    assert r.status_code == 200, r.text
    assert servers.s3s("GET", url).content == body


def test_chunked_upload_wrong_secret_or_corrupted_chunk_is_refused(servers, s3s_bucket):
    body = _body(100 * 1024)
    url = f"{s3s_bucket}/chunked/refused.bin"

    def status_of(wire, headers):
        try:
            return requests.put(url, data=wire, headers=headers, timeout=60).status_code
        except requests.ConnectionError:
            return "closed"  # refused before the body was read

    bad = sigv4.ChunkedUpload(url=url, data=body, length=len(body), credentials=servers.s3s_credentials(bad=True),
                              region=servers.s3s_region)
    status = status_of(b"".join(bad), bad.headers)
    assert status == "closed" or 400 <= status < 500, status
    good = sigv4.ChunkedUpload(url=url, data=body, length=len(body), credentials=servers.s3s_credentials(),
                               region=servers.s3s_region)
    wire = bytearray(b"".join(good))
    wire[len(wire) // 2] ^= 0x55  # a data byte of a middle chunk
    status = status_of(bytes(wire), good.headers)
    # Found mid-stream, after the headers were accepted: s3s-fs answers 500; any refusal counts.
    assert status == "closed" or status >= 400, status
    assert servers.s3s("GET", url).status_code == 404


def test_chunked_upload_streamed_with_async_httpx(servers, s3s_bucket):
    """An AsyncClient takes the upload as an async body, aiter(upload) (httpx sends an
    object that is also iterable synchronously; it raised RuntimeError)."""
    import asyncio
    body = _body(100 * 1024)
    url = f"{s3s_bucket}/chunked/async.bin"
    upload = sigv4.ChunkedUpload(url=url, data=io.BytesIO(body), length=len(body),
                                 credentials=servers.s3s_credentials(), region=servers.s3s_region,
                                 checksum="crc32", chunk_size=16 * 1024)

    async def send():
        async with httpx.AsyncClient(timeout=60) as client:
            return await client.put(url, content=aiter(upload), headers=upload.headers)

    r = asyncio.run(send())
    assert r.status_code == 200, r.text
    assert servers.s3s("GET", url).content == body


def test_text_data_is_refused_with_what_to_do():
    """str data, or a text file, failed mid-send with "can't concat str to bytearray"."""
    kw = dict(url="https://b.s3.us-east-1.amazonaws.com/k", credentials=sigv4.Credentials(*EXAMPLE_KEY))
    with pytest.raises(TypeError, match="encode it"):
        sigv4.ChunkedUpload(data="xy", length=2, **kw)
    upload = sigv4.ChunkedUpload(data=io.StringIO("xy"), length=2, **kw)
    with pytest.raises(TypeError, match="binary mode"):
        list(upload)
