"""ChunkedUpload: an aws-chunked body, signed chunk by chunk as it is sent."""

from typing import AsyncIterator, BinaryIO, Iterable, Iterator, Optional, Union

from ._errors import InvalidRequestError
from ._sigv4 import Credentials, start_chunked
from ._types import Headers, Time

Data = Union[bytes, bytearray, memoryview, BinaryIO, Iterable[bytes]]


class ChunkedUpload:
    """An aws-chunked upload to S3 (or an S3-compatible store): send `headers` with a
    body that iterates this object. Each chunk is framed and signed
    (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), optionally with a checksum trailer
    (`checksum="crc32"`, ...: -TRAILER), or unsigned with a trailer (`signed=False`).
    The data may be bytes, a binary file or an iterable of bytes; exactly `length`
    bytes must come from it, or iteration raises InvalidRequestError. A Content-Encoding
    in `headers` (gzip data) is sent and signed after aws-chunked: `aws-chunked,gzip`.
    The region comes from the URL's host unless given (`region=`: needed for other
    hosts); the service is S3's unless given (`service=`).

        up = sigv4.ChunkedUpload(url=url, data=open("big.bin", "rb"), length=size,
                                 credentials=creds, checksum="crc32")
        requests.put(url, data=up, headers=up.headers)
        # httpx.AsyncClient: await client.put(url, content=aiter(up), headers=up.headers)
    """

    def __init__(
        self,
        *,
        url: str,
        data: Data,
        length: int,
        credentials: Credentials,
        method: str = "PUT",
        chunk_size: int = 65536,
        checksum: Optional[str] = None,
        signed: bool = True,
        headers: Optional[Headers] = None,
        region: Optional[str] = None,
        service: str = "s3",
        time: Time = None,
    ) -> None:
        to_send, self._encoder, framed_length = start_chunked(
            url=url,
            length=length,
            credentials=credentials,
            method=method,
            chunk_size=chunk_size,
            checksum=checksum,
            signed=signed,
            headers=headers,
            region=region,
            service=service,
            time=time,
        )
        #: The headers to send: the caller's, the framing (content-encoding,
        #: content-length, x-amz-decoded-content-length, x-amz-trailer) and the signature.
        self.headers: dict[str, str] = dict(to_send)
        #: The Content-Length: the size of the framed body.
        self.content_length: int = framed_length
        if isinstance(data, str):
            raise TypeError("ChunkedUpload data must be bytes, a binary file or an iterable of bytes, not str: "
                            "encode it (data.encode()) or open the file in binary mode ('rb')")
        self._data = data
        self._length = length
        self._chunk_size = chunk_size
        self._started = False

    def __len__(self) -> int:
        return self.content_length

    def _pieces(self) -> Iterator[bytes]:
        data = self._data
        if isinstance(data, (bytes, bytearray, memoryview)):
            view = memoryview(data)
            for start in range(0, len(view), self._chunk_size):
                yield bytes(view[start : start + self._chunk_size])
        elif hasattr(data, "read"):
            while True:
                block = data.read(self._chunk_size)
                if not block:
                    return
                yield block
        else:
            yield from data

    def __iter__(self) -> Iterator[bytes]:
        if self._started:
            raise InvalidRequestError("a ChunkedUpload body can be sent once")
        self._started = True
        size, sent, pending = self._chunk_size, 0, bytearray()
        for piece in self._pieces():
            if not isinstance(piece, (bytes, bytearray, memoryview)):
                raise TypeError(f"ChunkedUpload data gave a {type(piece).__name__}, not bytes: "
                                "open files in binary mode ('rb') and yield bytes")
            sent += len(piece)
            if sent > self._length:
                raise InvalidRequestError(f"the data is longer than length={self._length}")
            pending += piece
            while len(pending) >= size:
                yield self._encoder.chunk(bytes(pending[:size]))
                del pending[:size]
        if sent != self._length:
            raise InvalidRequestError(f"the data ended after {sent} bytes, not length={self._length}")
        if pending:
            yield self._encoder.chunk(bytes(pending))
        yield self._encoder.finish()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        """The same chunks for an async client: `content=aiter(upload)` with
        httpx.AsyncClient. The data is read as for `__iter__`, in the event loop (a file
        in chunk_size blocks)."""
        for chunk in self:
            yield chunk
