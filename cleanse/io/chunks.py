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
A line longer than a chunk is cut inside, at a character boundary, when no newline comes
within another chunk's length: so a chunk is at most about twice `CHUNK_BYTES`, however long
a line (a 200 MB single line is ~25 documents, in bounded memory). The boundary (`_char_cut`):
- UTF-16: an even offset that does not split a surrogate pair;
- where the 64 KB around the cut are valid UTF-8 with non-ASCII characters (legacy CJK text
  never is, over that length): before a byte that is not a continuation byte (`80`-`BF`),
  i.e. between two characters;
- otherwise (the legacy codecs): just after a byte below `30` (controls, space and ASCII
  punctuation), which is a whole character in every codec above (their trail bytes are >= 0x30:
  GB18030's four-byte digits `30`-`39`, the others >= 0x40). A legacy line with no such byte at
  all stays whole up to the next one (it is then a `too_large` reject past the size budget,
  `cleanse.budget`, rather than a document cut between the bytes of a character).

The chunk documents' `raw` is a `SourceBytes`, which reads ranges from the file on demand, so
memory holds one chunk at a time. `source_sha256` is the hash of the whole file (streamed).
Segments and ids are not set here: the pipeline numbers every row and reject of a source in
output order (`cleanse.document.assign_ids`; articles split inside chunks included), so ids
stay unique and stable.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from typing import BinaryIO, overload

import pyarrow.fs as pafs

from cleanse.decoding.detect import code_unit_layout
from cleanse.document import Document
from cleanse.io.storage import is_uri

CHUNK_BYTES = 8 << 20
_HEAD = 64 * 1024
_SCAN = 1 << 20


class SourceChanged(OSError):
    """A file that changed while it was read (it grew, shrank or was rewritten): what was read
    is not one version of the file. The executor reads the shard again (`process_shard`)."""

    def __init__(self, source: str, detail: str):
        super().__init__(f"{source}: changed while read ({detail})")
        self.source = source
        self.detail = detail


class SourceBytes:
    """The bytes of a file, read on demand: `len()` and slicing, like `bytes`, without holding them.

    With `fh` (a file opened once) every read is a `pread` on that descriptor, so all reads see
    the same file even if its path is deleted or replaced meanwhile."""

    def __init__(self, path: str, size: int, fh: BinaryIO | None = None):
        self.path = path
        self.size = size
        self.fh = fh

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
        if self.fh is not None and not self.fh.closed:
            return _pread_full(self.fh.fileno(), length, offset)
        if is_uri(self.path):
            fs, p = pafs.FileSystem.from_uri(self.path)
            with fs.open_input_file(p) as fh:
                return fh.read_at(length, offset)
        with open(self.path, "rb") as fh:
            return _pread_full(fh.fileno(), length, offset)

    def blocks(self, block: int = 1 << 20) -> Iterator[bytes]:
        """The file's bytes from 0 to `size` (fewer if it is shorter now) in blocks."""
        if not is_uri(self.path):
            pos = 0
            while pos < self.size and (data := self.read(pos, min(block, self.size - pos))):
                yield data
                pos += len(data)
            return
        fs, p = pafs.FileSystem.from_uri(self.path)
        with fs.open_input_stream(p) as fh:
            while data := fh.read(block):
                yield data

    def __repr__(self) -> str:
        return f"SourceBytes({self.path!r}, {self.size})"


def _pread_full(fd: int, length: int, offset: int) -> bytes:
    """`length` bytes at `offset` (fewer only at the end of the file: `pread` may return less)."""
    data = os.pread(fd, length, offset)
    if len(data) == length or not data:
        return data
    parts = [data]
    got = len(data)
    while got < length and (more := os.pread(fd, length - got, offset + got)):
        parts.append(more)
        got += len(more)
    return b"".join(parts)


class ChunkBytes(SourceBytes):
    """A chunk's view of its file: reads inside the chunk come from the bytes read (and hashed)
    once, so the decoder, the splitter and a reject all see exactly the bytes checked against
    the file's SHA-256 (`ChunkedSource`); anything else is read from the file."""

    def __init__(self, data: SourceBytes, start: int, chunk: bytes):
        super().__init__(data.path, data.size, data.fh)
        self.start = start
        self.chunk = chunk

    def read(self, offset: int, length: int) -> bytes:
        rel = offset - self.start
        if 0 <= rel and rel + length <= len(self.chunk):
            return self.chunk[rel:rel + length]
        return super().read(offset, length)


# Newline bytes and alignment by code-unit layout (None: do not cut).
_NEWLINES: dict[str, tuple[bytes, int] | None] = {
    "utf-32": None, "binary": None, "utf-16-le": (b"\n\x00", 2), "utf-16-be": (b"\x00\n", 2), "bytes": (b"\n", 1),
}


def newline_pattern(head: bytes) -> tuple[bytes, int] | None:
    """(newline bytes, alignment) for cutting a file with this head, or None: do not cut.

    Follows the decoder (`code_unit_layout`), so that a file is cut the way it will be decoded.
    """
    return _NEWLINES[code_unit_layout(head)]


def _next_cut(data: SourceBytes, pos: int, newline: bytes, align: int, stop: int | None = None) -> int | None:
    """The first offset >= pos just after a newline (or the end of the file); None when there
    is no newline before `stop`."""
    while pos < data.size:
        if stop is not None and pos >= stop:
            return None
        step = _SCAN if stop is None else min(_SCAN, stop - pos)
        window = data.read(pos, step + len(newline))
        i = window.find(newline)
        while i != -1 and (pos + i) % align:
            i = window.find(newline, i + 1)
        if i != -1:
            return pos + i + len(newline)
        pos += step
    return data.size


_UTF8_CHECK = 64 * 1024
_LEGACY_SAFE = re.compile(rb"[\x00-\x2f]")
_NOT_CONTINUATION = re.compile(rb"[^\x80-\xbf]")


def _looks_utf8(window: bytes) -> bool:
    """Whether `window` (cut anywhere in a file) is valid UTF-8 but for its ragged edges."""
    head = _NOT_CONTINUATION.search(window[:4])
    if head is None:  # four continuation bytes in a row: not UTF-8
        return False
    body = window[head.start():]
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(body) - 3 and exc.reason == "unexpected end of data"
    return True


def _char_cut(data: SourceBytes, pos: int, newline: bytes, align: int) -> int:
    """An offset >= pos (or the end of the file) between two whole characters, for a line
    longer than a chunk (see the module docstring)."""
    if align == 2:  # UTF-16: even, and not between a high and a low surrogate
        pos += pos % 2
        if pos >= data.size:
            return data.size
        unit = data.read(pos - 2, 2)
        high = unit[1] if newline == b"\n\x00" else unit[0]  # the unit before the cut
        return min(data.size, pos + 2) if 0xD8 <= high <= 0xDB else pos
    start = max(0, pos - 4)
    window = data.read(start, _UTF8_CHECK)
    if not window.isascii() and _looks_utf8(window):  # UTF-8 here: cut before a character's first byte
        m = _NOT_CONTINUATION.search(window, pos - start)
        return start + m.start() if m else min(data.size, start + len(window))
    while pos < data.size:
        window = data.read(pos, _SCAN)
        m = _LEGACY_SAFE.search(window)
        if m:
            return pos + m.end()
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
        end = _next_cut(data, target - len(newline) + 1, newline, align, stop=target + chunk_bytes)
        if end is None:  # a line longer than a chunk: cut it between two characters
            end = _char_cut(data, target, newline, align)
        ranges.append((start, end))
        start = end
    # A short tail joins the previous chunk rather than becoming a tiny document.
    if len(ranges) > 1 and ranges[-1][1] - ranges[-1][0] < chunk_bytes // 8:
        (s, _), (_, e) = ranges[-2], ranges[-1]
        ranges[-2:] = [(s, e)]
    return ranges


class ChunkedSource:
    """A large file planned as chunks; iterating creates each chunk's document only when it is
    needed (a list of documents would keep every decoded chunk's text alive).

    Given `fh` (the file opened once, by `FileReader`), its size is the size now (not at
    planning: bytes appended since are read), and reading checks that the file stays one
    version: the SHA-256 is taken first (it goes on every chunk's document), each chunk is
    then read once and hashed again in order, and after the last chunk the two hashes and the
    file's size and modification time must agree, else `SourceChanged` (the executor then
    reads the shard again, and makes the file a `changed_while_read` reject if it keeps
    changing). Reads go to the open descriptor, so deleting or replacing the path meanwhile
    changes nothing."""

    def __init__(self, path: str, size: int, chunk_bytes: int = CHUNK_BYTES, name: str | None = None,
                 fh: BinaryIO | None = None):
        self.path = path
        self.name = name or path  # the documents' `source` (`SourceFile.name`)
        self.fh = fh
        self._stat = file_version(fh) if fh is not None else None
        if self._stat is not None:
            size = self._stat[0]
        self.data = SourceBytes(path, size, fh)
        h = hashlib.sha256()
        hashed = 0
        for block in self.data.blocks():
            h.update(block)
            hashed += len(block)
        if fh is not None and hashed != size:
            raise SourceChanged(self.name, f"{size} bytes when opened, {hashed} readable")
        self.sha256 = h.hexdigest()
        self.ranges = chunk_ranges(self.data, chunk_bytes)

    def __len__(self) -> int:
        return len(self.ranges)

    def __iter__(self) -> Iterator[Document]:
        try:
            yield from self._chunks()
        finally:
            if self.fh is not None:
                self.fh.close()

    def _chunks(self) -> Iterator[Document]:
        again = hashlib.sha256()
        for s, e in self.ranges:
            chunk = self.data.read(s, e - s)
            if len(chunk) != e - s:
                raise SourceChanged(self.name, f"bytes {s}-{e} of {self.data.size}: only {len(chunk)} left")
            again.update(chunk)
            yield Document(text="", source=self.name, source_sha256=self.sha256, byte_start=s, byte_end=e,
                           raw=ChunkBytes(self.data, s, chunk))  # type: ignore[arg-type]
        if again.hexdigest() != self.sha256:
            raise SourceChanged(self.name, "its bytes differ from those hashed before (rewritten)")
        if self.fh is not None and file_version(self.fh) != self._stat:
            now = file_version(self.fh)
            raise SourceChanged(self.name, f"size {self._stat[0]} -> {now[0]} bytes or modification time changed")


def file_version(fh: BinaryIO | int) -> tuple[int, int]:
    """(size, modification time in ns) of an open file (or descriptor)."""
    st = os.fstat(fh if isinstance(fh, int) else fh.fileno())
    return st.st_size, st.st_mtime_ns
