"""ARC (the Internet Archive's format before WARC, versions 1 and 2) records from a
decompressed byte stream, one record at a time.

A record is one header line, `URL IP-address Archive-date Content-type Archive-length` in
version 1 (version 2 adds `Result-code Checksum Location Offset Filename` before the length),
then Archive-length bytes, then a newline. The first record (`filedesc://…`) describes the
file. An `http(s)` record's block is the HTTP response, headers included: it becomes a record
of its body as a WARC response does (`payload.record_item`, with the same skips), with `url`
and `arc_date` as fields. A line that is not a record header, and the lines after it up to
the next one, become a bad record (`arc_not_a_record`) with their bytes; a block cut short
is `arc_truncated`. Memory: one record at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from cleanse.io.readers.payload import record_item
from cleanse.io.readers.records import MAX_RAW, STREAM_ERRORS, BadRecord, Item

# URL, IP address, 14-digit date (8-14 seen in the wild), content type, [version 2's five
# fields], length.
_HEADER = re.compile(rb"^(\S+) (\S+) (\d{8,14}) (\S+)(?: \S+)* (\d+)\r?\n$")


def is_arc(head: bytes) -> bool:
    """Does a decompressed stream start with an ARC file's first record?"""
    first = head.split(b"\n", 1)[0] + b"\n"
    return head.startswith(b"filedesc://") and _HEADER.match(first) is not None


def iter_arc(stream: BinaryIO, index: int = 0, pos: int = 0) -> Iterator[Item]:
    """The items of an ARC stream; `index`/`pos` as for `warc.iter_warc`."""
    line = stream.readline()
    try:
        while line:
            if not line.strip():
                pos += len(line)
                line = stream.readline()
                continue
            header = _HEADER.match(line)
            if header is None:
                start, junk = pos, bytearray()
                while line and (header := _HEADER.match(line)) is None:
                    if len(junk) < MAX_RAW:
                        junk += line[: MAX_RAW - len(junk)]
                    pos += len(line)
                    line = stream.readline()
                yield BadRecord(index, start, pos - start, "arc_not_a_record",
                                f"{pos - start} bytes at offset {start} are not an ARC record", bytes(junk))
                index += 1
                if header is None:
                    return
            start = pos
            pos += len(line)
            length = int(header.group(5))
            block = stream.read(length)
            pos += len(block)
            if len(block) < length:
                yield BadRecord(index, start, pos - start, "arc_truncated",
                                f"record at offset {start}: {len(block)} of {length} bytes", (line + block)[:MAX_RAW])
                return
            url = header.group(1).decode("utf-8", "replace")
            fields = {"url": url, "arc_date": header.group(3).decode("ascii")}
            content_type = header.group(4).decode("latin-1")
            http = url.lower().startswith(("http:", "https:")) and block.startswith(b"HTTP/")
            yield record_item(index, start, pos - start, pos - length, block, fields, content_type, http)
            index += 1
            line = stream.readline()
    except STREAM_ERRORS as exc:
        yield BadRecord(index, pos, 0, "truncated_stream", f"{type(exc).__name__} at decompressed offset {pos}: {exc}", b"")
