"""WARC (1.0/1.1) records from a decompressed byte stream, one record at a time.

`response` records carrying HTTP become a record of their HTTP body (de-chunked and
content-decoded when the server's encoding is kept), with the URL, WARC-Record-ID, date, the
HTTP Content-Type and its charset as fields; `resource` records become a record of their
block. `request`, `metadata`, `warcinfo`, `revisit`, `conversion` and `continuation` records,
and payloads that are not text (images, PDF, fonts, …), are counted skips. A record whose
header is broken, or a stretch of bytes that is not a record, becomes a bad record with its
offset and bytes, and reading goes on at the next line starting with `WARC/`. Memory: one
record at a time.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from cleanse.io.readers.records import MAX_RAW, STREAM_ERRORS, BadRecord, Item, Record, Skipped

TEXT_RECORDS = ("response", "resource")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([-\w.:]+)""", re.I)
# Payload types kept: text of any kind, and the XML/JSON families pages and feeds use.
_TEXT_MIME = re.compile(r"^(?:text/|application/(?:xhtml\+xml|xml|json|javascript|rss\+xml|atom\+xml|ld\+json)\b)", re.I)


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
    payload, payload_at = block, block_at
    content_type = headers.get("content-type", "")
    if kind == "response" and content_type.lower().startswith("application/http"):
        parsed = _http(block)
        if isinstance(parsed, str):
            return BadRecord(index, start, length, "http_bad", f"record {fields['warc_record_id']} at offset {start}: {parsed}", block[:MAX_RAW])
        content_type, payload, body_at, http_status = parsed
        payload_at = block_at + body_at
        fields["http_status"] = http_status
    if content_type and not _TEXT_MIME.match(content_type.strip()):
        return Skipped(index, start, "binary_payload")
    if not payload.strip():
        return Skipped(index, start, "empty_payload")
    fields["content_type"] = content_type.split(";")[0].strip().lower()
    m = _CHARSET.search(content_type)
    if m:
        fields["charset_hint"] = m.group(1).lower()
    fields = {k: v for k, v in fields.items() if v}
    return Record(index, start, length, payload=payload, payload_offset=payload_at, fields=fields)


def _http(block: bytes) -> tuple[str, bytes, int, str] | str:
    """(Content-Type, body, body offset in the block, status code) or what is wrong."""
    end = block.find(b"\r\n\r\n")
    sep = 4
    if end < 0:
        end, sep = block.find(b"\n\n"), 2
    if end < 0:
        return "no end of HTTP headers"
    lines = block[:end].split(b"\n")
    status = lines[0].split()
    if len(status) < 2 or not status[0].startswith(b"HTTP/"):
        return f"bad HTTP status line {lines[0][:80]!r}"
    headers: dict[str, str] = {}
    for ln in lines[1:]:
        name, _, value = ln.partition(b":")
        headers[name.strip().decode("latin-1").lower()] = value.strip().decode("latin-1")
    body = block[end + sep:]
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _dechunk(body)
    encoding = headers.get("content-encoding", "").lower().strip()
    if encoding in ("gzip", "x-gzip", "deflate"):
        try:
            body = zlib.decompress(body, 47 if encoding != "deflate" else zlib.MAX_WBITS)
        except zlib.error:
            try:
                body = zlib.decompress(body, -zlib.MAX_WBITS)
            except zlib.error as exc:
                return f"Content-Encoding {encoding}: {exc}"
    elif encoding not in ("", "identity"):
        return f"unsupported Content-Encoding {encoding!r}"
    return headers.get("content-type", ""), body, end + sep, status[1].decode("latin-1")


def _dechunk(body: bytes) -> bytes:
    """HTTP/1.1 chunked transfer coding removed; a body that is not really chunked (crawlers
    often keep the header after de-chunking) is returned as it is."""
    out, pos = bytearray(), 0
    while True:
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            return body
        size_text = body[pos:eol].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return body
        if size == 0:
            return bytes(out)
        out += body[eol + 2: eol + 2 + size]
        pos = eol + 2 + size + 2
