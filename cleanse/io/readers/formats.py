"""Format detection and dispatch: a byte stream -> its records (pure, streaming).

    with open(path, "rb") as f:
        reading = open_records(f, name=path)
        reading.format, reading.compression     # e.g. "warc", "gzip"
        for item in reading.items: ...          # Record | BadRecord | Skipped

Compression (gzip, zstd, bz2, xz) and format (WARC, JSON Lines, Parquet, Arrow IPC, HTML,
plain text) are both detected from the bytes. Nothing here raises on bad input.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import pyarrow as pa

from cleanse.io.readers.columnar import iter_arrow, iter_parquet
from cleanse.io.readers.compression import open_decompressed, peek, stream_error
from cleanse.io.readers.jsonl import iter_jsonl
from cleanse.io.readers.records import MAX_RAW, STREAM_ERRORS, BadRecord, Item, Record, Skipped
from cleanse.io.readers.sniff import FORMATS, sniff_format
from cleanse.io.readers.warc import iter_warc

RECORD_FORMATS = ("warc", "jsonl", "parquet", "arrow", "arrow_stream")
MAX_SPOOL = 1 << 30  # a compressed Parquet/Arrow file is decompressed into memory, up to this


@dataclass
class Reading:
    format: str
    compression: str | None
    items: Iterator[Item]


def open_records(stream: BinaryIO, name: str = "", text_field: str = "text") -> Reading:
    """Detect compression and format, and iterate the records. For `html` and `text` the
    whole (decompressed) stream is one record."""
    try:
        compression, data = open_decompressed(stream)
        head = peek(data, 1 << 16)
    except STREAM_ERRORS as exc:
        return Reading("text", None, iter([BadRecord(0, 0, 0, "truncated_stream", f"{type(exc).__name__}: {exc}")]))
    fmt = sniff_format(head, name)
    if fmt == "warc":
        items = iter_warc(data)
    elif fmt == "jsonl":
        items = iter_jsonl(data, text_field)
    elif fmt in ("parquet", "arrow", "arrow_stream"):
        items = _columnar(fmt, data, compression, text_field)
    else:
        items = _whole(data)
    return Reading(fmt, compression, _then_stream_error(items, data))


def _then_stream_error(items: Iterator[Item], data: BinaryIO) -> Iterator[Item]:
    last = -1
    for item in items:
        last = item.index
        yield item
    err = stream_error(data)  # type: ignore[arg-type]
    if err is not None:
        exc, pos = err
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


def _whole(data: BinaryIO) -> Iterator[Item]:
    try:
        raw = data.read()
    except STREAM_ERRORS as exc:
        yield BadRecord(0, 0, 0, "truncated_stream", f"{type(exc).__name__}: {exc}")
        return
    yield Record(0, 0, len(raw), payload=raw, payload_offset=0)


