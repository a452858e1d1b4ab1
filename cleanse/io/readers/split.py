"""Cutting one large record file into parts, so that several shards (and workers) share it.

    parts = split_parts(src, max_bytes)      # None: the file is read whole by one shard
    CrawlReader().open(src, part=parts[k])   # the records of part k only

Where a file can be cut depends on how it is stored:

| input | cut at | note |
| --- | --- | --- |
| JSON Lines | a line start | scanned for newlines |
| WARC | a record start (`WARC/…` line) | headers parsed, blocks skipped over |
| ARC | a record header line | headers parsed, blocks skipped over |
| gzip of WARC or JSON Lines | a record that starts a gzip member | WARC.gz has one member per record as crawlers write it |
| Parquet | a row-group boundary | from the footer, nothing else read |
| single-stream gzip, zstd, bz2, xz; Arrow; plain text | not cut | a compressed stream can only be read from its start |

A single-stream compressed file (one gzip member, a zstd/bz2/xz stream) cannot be split
without reading it from the start, so it stays one shard, read by one worker (plain text in
such a stream is still read in line-aligned chunks, one at a time).

The cut points are found by one streaming pass over the file before the run (JSON Lines:
newline counting, at disk speed; WARC and gzip: the records are parsed, not built into
documents: decompression and header parsing only). That pass also hashes the file, so the
parts do not hash it again. Parts are about `max_bytes` of the file each (compressed bytes
for a gzip file), cut at the first record boundary at or after each multiple; they depend
only on the file's bytes and `max_bytes`, never on the number of workers. Every part knows
the number and decompressed offset of its first record, so records keep their index, ids
(`source#record`), offsets and provenance exactly as when the file is read whole
(tests/io/test_split.py).
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from cleanse.io.readers.compression import peek, peekable, sniff_compression
from cleanse.io.readers.formats import open_records
from cleanse.io.readers.records import BadRecord, Record, Skipped
from cleanse.io.readers.sniff import sniff_format
from cleanse.io.sources import SourceFile

SPLIT_VERSION = 1  # how cut points are chosen; part of a run's identity when a file is split
_BLOCK = 1 << 20


@dataclass(frozen=True, slots=True)
class Part:
    """Part `index` of `count` of one file: bytes `start`..`end` of the file (row groups
    `start`..`end` for Parquet), whose first record is number `first_record` at offset
    `stream_offset` of the decompressed stream (-1 for Parquet)."""

    index: int
    count: int
    format: str
    compression: str | None
    start: int
    end: int
    first_record: int
    stream_offset: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Part:
        return cls(**d)


class _Hashing(io.RawIOBase):
    """A file read through, hashed as it goes (the scan reads every byte once)."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self.sha = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        n = self._fh.readinto(b)  # type: ignore[attr-defined]
        if n:
            self.sha.update(memoryview(b)[:n])
        return n or 0

    def rest(self) -> str:
        """The hash of the whole file, reading what the scan left."""
        while data := self._fh.read(_BLOCK):
            self.sha.update(data)
        return self.sha.hexdigest()


def split_parts(src: SourceFile, max_bytes: int, opener: Any = None) -> list[Part] | None:
    """The parts of `src` (at least two), or None when it is not cut (see the module table).
    `opener(path)` opens the file for binary reading (default `open`)."""
    if src.size <= max_bytes:
        return None
    opener = opener or (lambda p: open(p, "rb"))
    try:
        with opener(src.path) as raw:
            fh = peekable(raw)
            head = peek(fh, 1 << 16)
            compression = sniff_compression(head)
            if compression == "gzip":  # the format from the start of the first member
                inner = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 1 << 16)
                if sniff_format(inner, src.name) not in ("warc", "arc", "jsonl"):
                    return None
                fmt = None
            else:
                fmt = None if compression else sniff_format(head, src.name)
            if fmt == "parquet":
                return _parquet_parts(src, fh, max_bytes)
            if compression not in (None, "gzip") or (compression is None and fmt not in ("warc", "arc", "jsonl")):
                return None
            hashing = _Hashing(fh)
            if fmt == "jsonl":
                cuts = list(_jsonl_cuts(hashing, max_bytes))
                fmt_name = "jsonl"
            else:
                cuts, fmt_name = _record_cuts(hashing, src.name, compression, max_bytes)
                if fmt_name not in ("warc", "arc", "jsonl"):
                    return None
            sha = hashing.rest()
    except (OSError, zlib.error, pa.ArrowException):
        return None  # read whole; the reader reports what is wrong
    bounds = [(0, 0, 0)] + [c for c in cuts if 0 < c[0] < src.size]
    if len(bounds) < 2:
        return None
    ends = [b[0] for b in bounds[1:]] + [src.size]
    return [Part(k, len(bounds), fmt_name, compression, start, end, first, offset, sha)
            for k, ((start, first, offset), end) in enumerate(zip(bounds, ends))]


def _jsonl_cuts(fh: _Hashing, max_bytes: int) -> Iterator[tuple[int, int, int]]:
    """(offset, line number, offset) of the first line start at or after each `max_bytes`."""
    pos = lines = 0
    target = max_bytes
    while block := fh.read(_BLOCK):
        while target <= pos + len(block):
            i = block.find(b"\n", max(0, target - 1 - pos))
            if i < 0:
                break
            cut = pos + i + 1
            yield cut, lines + block.count(b"\n", 0, i + 1), cut
            target = cut + max_bytes
        lines += block.count(b"\n")
        pos += len(block)


def _record_cuts(fh: _Hashing, name: str, compression: str | None, max_bytes: int
                 ) -> tuple[list[tuple[int, int, int]], str]:
    """Cut points of a WARC or ARC (or a gzip of WARC, ARC or JSON Lines): (file offset, record number,
    decompressed offset) at the first well-formed record starting at or after each
    `max_bytes` of the file; in a gzip file only records that start a member qualify."""
    members: list[tuple[int, int]] | None = [] if compression == "gzip" else None
    reading = open_records(fh, name=name, members=members)  # type: ignore[arg-type]
    starts: deque[tuple[int, int]] = deque()
    cuts: list[tuple[int, int, int]] = []
    target = max_bytes
    for item in reading.items:
        if isinstance(item, BadRecord) or not isinstance(item, (Record, Skipped)):
            continue
        at = item.offset
        if members is None:
            file_at: int | None = at
        else:
            starts.extend(members)
            members.clear()
            while starts and starts[0][1] < at:
                starts.popleft()
            file_at = starts[0][0] if starts and starts[0][1] == at else None
        if file_at is not None and file_at >= target and item.index > 0:
            cuts.append((file_at, item.index, at))
            target = file_at + max_bytes
    return cuts, reading.format


def _parquet_parts(src: SourceFile, fh: BinaryIO, max_bytes: int) -> list[Part] | None:
    """Runs of whole row groups of about `max_bytes` (compressed) each."""
    meta = pq.ParquetFile(fh).metadata
    starts = [(0, 0)]  # (first row group, first row) of each part
    size = rows = 0
    for g in range(meta.num_row_groups):
        rg = meta.row_group(g)
        if g and size >= max_bytes:
            starts.append((g, rows))
            size = 0
        size += sum(rg.column(c).total_compressed_size for c in range(rg.num_columns))
        rows += rg.num_rows
    if len(starts) < 2:
        return None
    fh.seek(0)
    sha = _Hashing(fh).rest()
    ends = [g for g, _ in starts[1:]] + [meta.num_row_groups]
    return [Part(k, len(starts), "parquet", None, g, end, first, -1, sha)
            for k, ((g, first), end) in enumerate(zip(starts, ends))]


class _Range(io.RawIOBase):
    """Bytes `start`..`end` of a seekable file, as a raw stream."""

    def __init__(self, fh: BinaryIO, start: int, end: int) -> None:
        fh.seek(start)
        self._fh = fh
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        if self._left <= 0:
            return 0
        n = self._fh.readinto(memoryview(b)[: min(len(b), self._left)])  # type: ignore[attr-defined]
        self._left -= n or 0
        return n or 0


def part_stream(fh: BinaryIO, part: Part) -> BinaryIO:
    """The bytes of `part` (a byte part) of the open file `fh`."""
    return io.BufferedReader(_Range(fh, part.start, part.end), 1 << 16)  # type: ignore[arg-type]


def merge_part_entries(entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Manifest entries with the consecutive entries of one split file's parts merged into
    one (rows, rejects, records and skips added up; the status of the whole file)."""
    current: dict[str, Any] | None = None
    for entry in entries:
        if current is not None and "part" in entry and entry.get("source") == current.get("source"):
            current["rows"] += entry["rows"]
            current["rejects"] = current["rejects"] + entry["rejects"]
            current["records"] = current.get("records", 0) + entry.get("records", 0)
            skipped = dict(current.get("skipped", {}))
            for k, v in entry.get("skipped", {}).items():
                skipped[k] = skipped.get(k, 0) + v
            if skipped:
                current["skipped"] = dict(sorted(skipped.items()))
            current["parts"] = entry["part"][1]
            continue
        if current is not None:
            yield _finish(current)
        current = dict(entry)
        if "part" in current:
            current["parts"] = current["part"][1]
    if current is not None:
        yield _finish(current)


def _finish(entry: dict[str, Any]) -> dict[str, Any]:
    if "part" in entry:
        del entry["part"]
        entry["status"] = "rows" if entry["rows"] else ("rejected" if entry["rejects"] else "no_rows")
    return entry
