"""WARC (1.0/1.1, and the 0.17/0.18 drafts Heritrix 1.x wrote) records from a decompressed
byte stream, one record at a time.

`response` records carrying HTTP become a record of their HTTP body (de-chunked and
content-decoded when the server's encoding is kept), with the URL, WARC-Record-ID, date, the
HTTP status, Content-Type and its charset as fields; `resource` records become a record of
their block. `request`, `metadata`, `warcinfo`, `revisit`, `conversion` and `continuation`
records are counted skips (`warc_<type>`), and so are the payloads `payload.record_item`
skips (crawler records, HTTP statuses other than 2xx, robots.txt, scripts and style sheets,
binary types). A record whose
header is broken, or a stretch of bytes that is not a record, becomes a bad record with its
offset and bytes, and reading goes on at the next line starting with `WARC/`. Memory: one
record at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from cleanse.io.readers.payload import record_item
from cleanse.io.readers.records import MAX_RAW, STREAM_ERRORS, BadRecord, Item, Skipped

TEXT_RECORDS = ("response", "resource")


def iter_warc(stream: BinaryIO, index: int = 0, pos: int = 0) -> Iterator[Item]:
    """The items of a WARC stream; `index`/`pos`: the record number and decompressed offset
    of the stream's first byte (a part of a file read from a record boundary)."""
    line = b""
    try:
        while True:
            line = stream.readline()
            if not line:
                return
            if not line.strip():
                pos += len(line)
                continue
            if not line.startswith(b"WARC/"):
                start, junk = pos, bytearray()
                while line and not line.startswith(b"WARC/"):
                    if len(junk) < MAX_RAW:
                        junk += line[: MAX_RAW - len(junk)]
                    pos += len(line)
                    line = stream.readline()
                if junk.strip():
                    yield BadRecord(index, start, pos - start, "warc_not_a_record",
                                    f"{pos - start} bytes at offset {start} are not a WARC record", bytes(junk))
                    index += 1
                if not line:
                    return
            start = pos
            head = bytearray(line)
            pos += len(line)
            headers: dict[str, str] = {}
            bad_line = None
            while True:
                line = stream.readline()
                if not line:
                    yield BadRecord(index, start, pos - start, "warc_truncated", "end of stream inside a record header", bytes(head))
                    return
                pos += len(line)
                head += line
                if not line.strip():
                    break
                name, sep, value = line.partition(b":")
                if not sep or not name.strip():
                    bad_line = bad_line or line
                    continue
                headers[name.strip().decode("latin-1").lower()] = value.strip().decode("utf-8", "replace")
            length_text = headers.get("content-length", "")
            if bad_line is not None or not length_text.isdigit():
                what = f"header line {bad_line[:80]!r}" if bad_line is not None else f"Content-Length {length_text!r}"
                yield BadRecord(index, start, pos - start, "warc_bad_header", f"record at offset {start}: bad {what}", bytes(head))
                index += 1
                continue  # resynchronise at the next `WARC/` line
            length = int(length_text)
            block = stream.read(length)
            pos += len(block)
            if len(block) < length:
                yield BadRecord(index, start, pos - start, "warc_truncated",
                                f"record at offset {start}: {len(block)} of {length} block bytes", (bytes(head) + block)[:MAX_RAW])
                return
            yield _record(index, start, pos - start, pos - length, headers, block)
            index += 1
    except STREAM_ERRORS as exc:
        yield BadRecord(index, pos, 0, "truncated_stream", f"{type(exc).__name__} at decompressed offset {pos}: {exc}", b"")


def _record(index: int, start: int, length: int, block_at: int, headers: dict[str, str], block: bytes) -> Item:
    kind = headers.get("warc-type", "").lower()
    if kind not in TEXT_RECORDS:
        return Skipped(index, start, f"warc_{kind or 'untyped'}")
    fields = {"url": headers.get("warc-target-uri", "").strip("<>"),
              "warc_record_id": headers.get("warc-record-id", ""),
              "warc_date": headers.get("warc-date", ""),
              "warc_type": kind}
    content_type = headers.get("content-type", "")
    http = kind == "response" and content_type.lower().startswith("application/http")
    return record_item(index, start, length, block_at, block, fields, content_type, http)
