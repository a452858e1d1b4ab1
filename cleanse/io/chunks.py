"""Large files as several documents: byte-range chunks cut at line boundaries.

A file larger than `CHUNK_BYTES` is not read into memory whole: it becomes consecutive
documents of about `CHUNK_BYTES` each, every one covering an exact byte range
(`byte_start`/`byte_end`) of the file and cut just after a newline, so no character and no
line is split. Where a newline is depends on the encoding, decided once on the file's head:
- UTF-16 (BOM or recognised without one): the newline code unit `0A 00` (LE) or `00 0A` (BE)
  at an even offset;
- everything else: the byte `0A`, which never occurs inside a multi-byte character of UTF-8,
  GB18030/GBK/GB2312, Big5/cp950/Big5-HKSCS, Shift-JIS or EUC (their trail bytes are >= 0x40
  or >= 0x80);
- UTF-32 and binary-looking heads are not chunked (one document, as before).
A line longer than a chunk stays whole (the chunk grows to the end of the line).

The chunk documents' `raw` is a `SourceBytes`, which reads ranges from the file on demand, so
memory holds one chunk at a time. `source_sha256` is the hash of the whole file (streamed).
Segments and ids are not set here: the pipeline numbers every row and reject of a source in
output order (`cleanse.document.assign_ids`; articles split inside chunks included), so ids
stay unique and stable.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from typing import overload

import pyarrow.fs as pafs

from cleanse.decoding.detect import code_unit_layout
from cleanse.document import Document
from cleanse.io.storage import is_uri

CHUNK_BYTES = 8 << 20
_HEAD = 64 * 1024
_SCAN = 1 << 20


class SourceBytes:
    """The bytes of a file, read on demand: `len()` and slicing, like `bytes`, without holding them."""

    def __init__(self, path: str, size: int):
        self.path = path
        self.size = size

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, key: int) -> int: ...
    @overload
    def __getitem__(self, key: slice) -> bytes: ...

    def __getitem__(self, key: int | slice) -> int | bytes:
        if isinstance(key, int):
            return self.read(key % self.size if key < 0 else key, 1)[0]
        start, stop, step = key.indices(self.size)
        if step != 1:
            raise ValueError("SourceBytes supports contiguous slices only")
        return self.read(start, max(0, stop - start))

    def read(self, offset: int, length: int) -> bytes:
        if length <= 0:
            return b""
        if is_uri(self.path):
            fs, p = pafs.FileSystem.from_uri(self.path)
            with fs.open_input_file(p) as fh:
                return fh.read_at(length, offset)
        with open(self.path, "rb") as fh:
            return os.pread(fh.fileno(), length, offset)

    def blocks(self, block: int = 1 << 20) -> Iterator[bytes]:
        if is_uri(self.path):
            fs, p = pafs.FileSystem.from_uri(self.path)
            with fs.open_input_stream(p) as fh:
                while data := fh.read(block):
                    yield data
        else:
            with open(self.path, "rb") as fh:
                while data := fh.read(block):
                    yield data

    def __repr__(self) -> str:
        return f"SourceBytes({self.path!r}, {self.size})"


# Newline bytes and alignment by code-unit layout (None: do not cut).
_NEWLINES: dict[str, tuple[bytes, int] | None] = {
    "utf-32": None, "binary": None, "utf-16-le": (b"\n\x00", 2), "utf-16-be": (b"\x00\n", 2), "bytes": (b"\n", 1),
}


def newline_pattern(head: bytes) -> tuple[bytes, int] | None:
    """(newline bytes, alignment) for cutting a file with this head, or None: do not cut.

    Follows the decoder (`code_unit_layout`), so that a file is cut the way it will be decoded.
    """
    return _NEWLINES[code_unit_layout(head)]


def _next_cut(data: SourceBytes, pos: int, newline: bytes, align: int) -> int:
    """The first offset >= pos just after a newline (or the end of the file)."""
    while pos < data.size:
        window = data.read(pos, _SCAN + len(newline))
        i = window.find(newline)
        while i != -1 and (pos + i) % align:
            i = window.find(newline, i + 1)
        if i != -1:
            return pos + i + len(newline)
        pos += _SCAN
    return data.size


def chunk_ranges(data: SourceBytes, chunk_bytes: int = CHUNK_BYTES) -> list[tuple[int, int]]:
    """Consecutive (start, end) byte ranges covering the file, cut after newlines."""
    size = data.size
    if size <= chunk_bytes:
        return [(0, size)]
    pattern = newline_pattern(data.read(0, _HEAD))
    if pattern is None:
        return [(0, size)]
    newline, align = pattern
    ranges, start = [], 0
    while start < size:
        target = start + chunk_bytes
        if target >= size:
            ranges.append((start, size))
            break
        end = _next_cut(data, target - len(newline) + 1, newline, align)
        ranges.append((start, end))
        start = end
    # A short tail joins the previous chunk rather than becoming a tiny document.
    if len(ranges) > 1 and ranges[-1][1] - ranges[-1][0] < chunk_bytes // 8:
        (s, _), (_, e) = ranges[-2], ranges[-1]
        ranges[-2:] = [(s, e)]
    return ranges


class ChunkedSource:
    """A large file planned as chunks; iterating creates each chunk's document only when it is
    needed (a list of documents would keep every decoded chunk's text alive)."""

    def __init__(self, path: str, size: int, chunk_bytes: int = CHUNK_BYTES, name: str | None = None):
        self.path = path
        self.name = name or path  # the documents' `source` (`SourceFile.name`)
        self.data = SourceBytes(path, size)
        h = hashlib.sha256()
        for block in self.data.blocks():
            h.update(block)
        self.sha256 = h.hexdigest()
        self.ranges = chunk_ranges(self.data, chunk_bytes)

    def __len__(self) -> int:
        return len(self.ranges)

    def __iter__(self) -> Iterator[Document]:
        for s, e in self.ranges:
            yield Document(text="", source=self.name, source_sha256=self.sha256, byte_start=s, byte_end=e,
                           raw=self.data)  # type: ignore[arg-type]
