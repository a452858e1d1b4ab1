"""Format detection and dispatch: a byte stream -> its records (pure, streaming).

    with open(path, "rb") as f:
        reading = open_records(f, name=path)
        reading.format, reading.compression     # e.g. "warc", "gzip"
        for item in reading.items: ...          # Record | BadRecord | Skipped

Compression (gzip, zstd, bz2, xz) and format (WARC, ARC, JSON Lines, Parquet, Arrow IPC, HTML,
plain text) are both detected from the bytes. Nothing here raises on bad input.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import pyarrow as pa

from cleanse.io.chunks import CHUNK_BYTES, newline_pattern
from cleanse.io.readers.arc import iter_arc
from cleanse.io.readers.columnar import iter_arrow, iter_parquet
from cleanse.io.readers.compression import open_decompressed, peek, stream_error
from cleanse.io.readers.jsonl import iter_jsonl
from cleanse.io.readers.records import STREAM_ERRORS, BadRecord, Item, Record
from cleanse.io.readers.sniff import sniff_format
from cleanse.io.readers.warc import iter_warc

RECORD_FORMATS = ("warc", "arc", "jsonl", "parquet", "arrow", "arrow_stream")
MAX_SPOOL = 1 << 30  # a compressed Parquet/Arrow file is decompressed into memory, up to this


@dataclass
class Reading:
    format: str
    compression: str | None
    items: Iterator[Item]


def open_records(stream: BinaryIO, name: str = "", text_field: str = "text", fmt: str | None = None,
                 index: int = 0, pos: int = 0, chunk_bytes: int = CHUNK_BYTES,
                 members: list[tuple[int, int]] | None = None) -> Reading:
    """Detect compression and format, and iterate the records. A compressed `html` or `text`
    stream is read in line-aligned chunks of about `chunk_bytes` (one record each); an
    uncompressed one is one record.

    A part of a file (`cleanse.io.readers.split`) starts at a record boundary: `fmt` is then
    the file's format (not sniffed again) and `index`/`pos` the number and decompressed offset
    of its first record. `members`: see `open_decompressed`."""
    try:
        compression, data = open_decompressed(stream, members)
        head = peek(data, 1 << 16)
    except STREAM_ERRORS as exc:
        return Reading("text", None, iter([BadRecord(0, 0, 0, "truncated_stream", f"{type(exc).__name__}: {exc}")]))
    fmt = fmt or sniff_format(head, name)
    if fmt == "warc":
        items = iter_warc(data, index, pos)
    elif fmt == "arc":
        items = iter_arc(data, index, pos)
    elif fmt == "jsonl":
        items = iter_jsonl(data, text_field, index, pos)
    elif fmt in ("parquet", "arrow", "arrow_stream"):
        items = _columnar(fmt, data, compression, text_field)
    elif compression is not None:
        items = _line_chunks(data, head, chunk_bytes)
    else:
        items = _whole(data)
    return Reading(fmt, compression, _then_stream_error(items, data, pos))


def _then_stream_error(items: Iterator[Item], data: BinaryIO, start: int = 0) -> Iterator[Item]:
    last = -1
    for item in items:
        last = item.index
        yield item
    err = stream_error(data)  # type: ignore[arg-type]
    if err is not None:
        exc, pos = err
        pos += start
        yield BadRecord(last + 1, pos, 0, "truncated_stream",
                        f"compressed stream ends after {pos} decompressed bytes: {type(exc).__name__}: {exc}")


def _columnar(fmt: str, data: BinaryIO, compression: str | None, text_field: str) -> Iterator[Item]:
    source: object = data
    if compression is not None and fmt != "arrow_stream":
        # Parquet and the Arrow file format need random access; a compressed one is
        # decompressed into memory first (bounded).
        try:
            raw = data.read(MAX_SPOOL + 1)
        except STREAM_ERRORS as exc:
            yield BadRecord(0, 0, 0, "truncated_stream", f"{type(exc).__name__}: {exc}")
            return
        if len(raw) > MAX_SPOOL:
            yield BadRecord(0, 0, 0, "too_large", f"compressed {fmt} over {MAX_SPOOL} bytes: decompress it first")
            return
        source = pa.BufferReader(raw)
    if fmt == "parquet":
        yield from iter_parquet(source, text_field)  # type: ignore[arg-type]
    else:
        yield from iter_arrow(source, text_field, file_format=fmt == "arrow")  # type: ignore[arg-type]


def _line_chunks(data: BinaryIO, head: bytes, chunk_bytes: int) -> Iterator[Item]:
    """A decompressed text stream as records of about `chunk_bytes`, each cut just after a
    newline (as `cleanse.io.chunks` cuts a plain file: the newline of the head's code-unit
    layout; no cut for UTF-32 or binary-looking heads, so one record). A short tail joins the
    chunk before it. Memory: two chunks."""
    pattern = newline_pattern(head)
    if pattern is None:
        yield from _whole(data)
        return
    newline, align = pattern
    pos, index, carry = 0, 0, b""
    pending: bytes | None = None
    try:
        while True:
            buf = bytearray(carry)
            buf += data.read(max(0, chunk_bytes - len(carry)))
            start, cut, eof = max(0, chunk_bytes - len(newline) + 1), -1, False
            while cut < 0:
                i = buf.find(newline, start)
                while i >= 0 and i % align:  # every chunk starts aligned
                    i = buf.find(newline, i + 1)
                if i >= 0:
                    cut = i + len(newline)
                    break
                start = max(start, len(buf) - len(newline) + 1)
                more = data.read(1 << 16)
                if not more:
                    cut, eof = len(buf), True
                    break
                buf += more
            chunk, carry = bytes(buf[:cut]), bytes(buf[cut:])
            del buf
            final = eof and not carry
            if pending is not None:
                if final and len(chunk) < chunk_bytes // 8:
                    chunk = pending + chunk
                else:
                    yield Record(index, pos, len(pending), payload=pending, payload_offset=pos)
                    pos += len(pending)
                    index += 1
            pending = chunk
            if final:
                break
    except STREAM_ERRORS as exc:
        yield BadRecord(index, pos, 0, "truncated_stream", f"{type(exc).__name__}: {exc}")
        return
    if pending or index == 0:
        yield Record(index, pos, len(pending or b""), payload=pending or b"", payload_offset=pos)


def _whole(data: BinaryIO) -> Iterator[Item]:
    try:
        raw = data.read()
    except STREAM_ERRORS as exc:
        yield BadRecord(0, 0, 0, "truncated_stream", f"{type(exc).__name__}: {exc}")
        return
    yield Record(0, 0, len(raw), payload=raw, payload_offset=0)


