"""Streamed decompression around any input, chosen by magic bytes (not by file name)."""

from __future__ import annotations

import bz2
import zlib
import io
import lzma
from typing import BinaryIO

import pyarrow as pa

from cleanse.io.readers.records import STREAM_ERRORS

MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
)


def sniff_compression(head: bytes) -> str | None:
    for magic, name in MAGIC:
        if head.startswith(magic):
            return name
    return None


def peekable(stream: BinaryIO, size: int = 1 << 16) -> io.BufferedReader:
    if isinstance(stream, io.BufferedReader):
        return stream
    return io.BufferedReader(stream, size)  # type: ignore[arg-type]


def peek(stream: io.BufferedReader, n: int) -> bytes:
    """The first `n` bytes (or fewer at the end) without consuming them."""
    head = stream.peek(n)
    return head[:n]


def open_decompressed(stream: BinaryIO, members: list[tuple[int, int]] | None = None
                      ) -> tuple[str | None, io.BufferedReader]:
    """(compression name or None, a buffered stream of the decompressed bytes).

    gzip, bz2 and xz multi-member/multi-stream files read whole (WARC.gz is one gzip member
    per record); zstd is read through pyarrow (multi-frame too). Nested compression is not
    unwrapped twice. A truncated or corrupt stream raises one of `records.STREAM_ERRORS` when
    the reader reaches the bad part; the readers turn that into a bad record. With `members`
    (a list) a gzip stream appends (compressed offset, decompressed offset) of every member's
    start to it as it goes: where a file can be cut (`cleanse.io.readers.split`)."""
    buffered = peekable(stream)
    codec = sniff_compression(peek(buffered, 6))
    if codec is None:
        return None, buffered
    inner: BinaryIO
    if codec == "gzip":
        inner = _Gzip(buffered, members)  # type: ignore[assignment]
    elif codec == "bz2":
        inner = bz2.BZ2File(buffered, "rb")  # type: ignore[assignment]
    elif codec == "xz":
        inner = lzma.LZMAFile(buffered, "rb")  # type: ignore[assignment]
    else:
        inner = _ArrowRaw(pa.CompressedInputStream(pa.PythonFile(buffered, mode="r"), "zstd"))  # type: ignore[assignment]
    return codec, io.BufferedReader(_Tolerant(inner), 1 << 16)


class _Gzip(io.RawIOBase):
    """gzip members one after the other, decompressed with zlib as the bytes come: a
    truncated last member still yields what it holds before `EOFError` is raised (the
    `gzip` module raises without handing over the data of the failing read)."""

    def __init__(self, raw: BinaryIO, members: list[tuple[int, int]] | None = None) -> None:
        self._raw = raw
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._pending = b""
        self._done = False
        self._members = members
        self._read = 0  # compressed bytes read
        self._out = 0  # decompressed bytes produced
        if members is not None:
            members.append((0, 0))

    def _more(self) -> bytes:
        data = self._raw.read(1 << 16)
        self._read += len(data)
        return data

    def _inflate(self, data: bytes, limit: int) -> bytes:
        out = self._d.decompress(data, limit)
        self._out += len(out)
        return out

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        while not self._pending and not self._done:
            if self._d.eof:
                rest = self._d.unused_data
                self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                if not rest:
                    rest = self._more()
                    if not rest:
                        self._done = True
                        break
                if self._members is not None:
                    self._members.append((self._read - len(rest), self._out))
                self._pending = self._inflate(rest, len(b))
                continue
            chunk = self._d.unconsumed_tail or self._more()
            if not chunk:
                self._done = True
                raise EOFError("compressed file ended before the end-of-stream marker was reached")
            self._pending = self._inflate(chunk, len(b))
        n = min(len(b), len(self._pending))
        b[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


class _Tolerant(io.RawIOBase):
    """A decompressing stream that ends, instead of raising, at a truncated or corrupt
    part; `error` then holds what went wrong and `pos` how many bytes came out before it.
    (Raising would lose the records already decompressed into the read buffer.)"""

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner
        self.error: BaseException | None = None
        self.pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        if self.error is not None:
            return 0
        try:
            n = self._inner.readinto(b)  # type: ignore[attr-defined]
        except STREAM_ERRORS as exc:
            self.error = exc
            return 0
        self.pos += n or 0
        return n or 0


def stream_error(stream: io.BufferedReader) -> tuple[BaseException, int] | None:
    """The error that ended a stream from `open_decompressed`, with the decompressed offset."""
    raw = stream.raw
    if isinstance(raw, _Tolerant) and raw.error is not None:
        return raw.error, raw.pos
    return None


class _ArrowRaw(io.RawIOBase):
    """A pyarrow input stream as a raw Python stream (so that BufferedReader can wrap it)."""

    def __init__(self, stream: pa.NativeFile) -> None:
        self._s = stream

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        data = self._s.read(len(b))
        n = len(data)
        b[:n] = data
        return n

    def close(self) -> None:
        self._s.close()
        super().close()
