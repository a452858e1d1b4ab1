"""The default reader: crawl formats and compression detected from the bytes, plain files as before.

`CrawlReader.open(src)` looks at the file's first bytes. A plain, uncompressed text or HTML
file goes to `FileReader` unchanged (one document, or line-aligned chunks). Anything else
(WARC, ARC, JSON Lines, Parquet, Arrow IPC, or any compressed file) is read record by record
through `cleanse.io.readers.formats.open_records`, one record in memory at a time:

- each record becomes an undecoded document whose `raw` is the record's payload (the HTTP
  body of a WARC response; the UTF-8 bytes of a JSONL/Parquet text field; a compressed
  file's decompressed content), so `byte_start`/`byte_end` are positions within that
  payload (docs/schema.md);
- `record` is the record's index in the file (ids are made per record:
  `cleanse.document.assign_ids`), and the provenance goes to `meta` (the table below);
- a bad record is a reject (reason, `record N: …` detail with its location, raw bytes;
  `byte_start`/`byte_end` its range in the decompressed stream);
- a skipped record (WARC request/metadata/…, a redirect, a script, a binary payload, a blank
  JSONL line: `payload.py`) is
  counted in the manifest (`skipped`: reason -> count).

| meta key | value |
| --- | --- |
| `source_format` | warc, jsonl, parquet, arrow, arrow_stream, html, text |
| `compression` | gzip, zstd, bz2, xz (absent when not compressed) |
| `record_index` | 0-based number of the record in the file, counting skipped and bad records |
| `record_offset`, `record_length` | the record in the decompressed stream (WARC, JSONL) |
| `payload_offset` | where the payload starts in the decompressed stream (WARC: the HTTP body) |
| `url`, `warc_record_id`, `warc_date`, `warc_type`, `arc_date`, `http_status`, `content_type` | from the WARC or ARC and HTTP headers |
| `charset_hint`, `charset_decision` | the declared charset and which won (set by the decode stage) |
| other keys | the JSONL/Parquet fields other than the text (non-strings as JSON); a `title` field becomes the title |

`open(src, part=…)` reads only the records of one part of a large file
(`cleanse.io.readers.split`: record ranges cut at record boundaries), so that several shards
share the file; records keep the index, offsets and ids they have when the file is read
whole. The manifest then holds one entry per part (`part`: [k, n], `records` of that part),
merged into one entry per file when the run finishes.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any, BinaryIO

import pyarrow.fs as pafs

from cleanse.document import Document, Reject
from cleanse.io.chunks import CHUNK_BYTES, SourceChanged, file_version
from cleanse.io.readers.base import Opened, Reader, SourceInfo
from cleanse.io.readers.columnar import iter_parquet
from cleanse.io.readers.files import FileReader, open_regular
from cleanse.io.readers.formats import RECORD_FORMATS, Reading, open_records
from cleanse.io.readers.records import BadRecord, Record, Skipped
from cleanse.io.readers.compression import sniff_compression
from cleanse.io.readers.sniff import sniff_format
from cleanse.io.readers.split import Part, part_stream, split_parts
from cleanse.io.sources import SourceFile
from cleanse.io.storage import is_uri

READ_STAGE = "read"


def _open(path: str) -> BinaryIO:
    if is_uri(path):
        fs, p = pafs.FileSystem.from_uri(path)
        return fs.open_input_file(p)  # type: ignore[return-value]
    return open_regular(path)  # a FIFO or device: NotRegularFile (an OSError), never a hang


def _sha256(path: str, name: str) -> tuple[str, tuple[int, int] | None]:
    """The file's SHA-256, and its version (`file_version`) if it stayed one while hashed."""
    h = hashlib.sha256()
    with _open(path) as fh:
        version = _version(path, fh)
        n = 0
        while block := fh.read(1 << 20):
            h.update(block)
            n += len(block)
        if version is not None and (_version(path, fh) != version or n != version[0]):
            raise SourceChanged(name, f"{version[0]} bytes when opened, {n} hashed")
    return h.hexdigest(), version


def _version(path: str, fh: BinaryIO) -> tuple[int, int] | None:
    return None if is_uri(path) else file_version(fh)


def is_record_file(head: bytes, name: str = "") -> bool:
    """Whether a file with these first bytes is read record by record (compressed, or a
    record format), rather than as a plain file."""
    return sniff_compression(head) is not None or sniff_format(head, name) in RECORD_FORMATS


class CrawlReader(Reader):
    """WARC, ARC, JSON Lines, Parquet, Arrow and compressed files by record; plain files as `FileReader`."""

    name = "crawl"

    def __init__(self, chunk_bytes: int = CHUNK_BYTES, text_field: str = "text"):
        self.files = FileReader(chunk_bytes)
        self.chunk_bytes = chunk_bytes
        self.text_field = text_field

    def config(self) -> dict[str, Any]:
        return {"text_field": self.text_field}

    def parts(self, src: SourceFile, max_bytes: int) -> list[Part] | None:
        return split_parts(src, max_bytes, _open)

    def open(self, src: SourceFile, part: Part | None = None) -> Opened:
        if part is not None:
            info = SourceInfo(part.sha256, src.size, {"part": [part.index, part.count]})
            return Opened(info, self._records(src, part.sha256, info, part))
        try:
            with _open(src.path) as fh:
                head = fh.read(1 << 16)
        except OSError:
            return self.files.open(src)  # FileReader turns an unreadable file into a reject
        if not is_record_file(head, src.path):
            return self.files.open(src)
        try:
            sha, version = _sha256(src.path, src.name)
        except SourceChanged:
            raise  # read again by the executor (`process_shard`)
        except OSError as exc:
            reject = Reject(src.name, "", "unreadable", READ_STAGE, f"{type(exc).__name__}: {exc}", b"")
            return Opened(SourceInfo("", src.size), iter((reject,)))
        info = SourceInfo(sha, src.size if version is None else version[0])
        return Opened(info, self._records(src, sha, info, None, version))

    def _records(self, src: SourceFile, sha: str, info: SourceInfo, part: Part | None,
                 version: tuple[int, int] | None = None) -> Iterator[Document | Reject]:
        """The records, read from one open descriptor. The file must stay the version that was
        hashed (size and modification time, checked when it is opened again here and after
        the last record), else `SourceChanged`: the executor reads the shard again."""
        skipped: Counter[str] = Counter()
        first = part.first_record if part is not None else 0
        n_records = first
        try:
            fh = _open(src.path)
        except OSError as exc:  # deleted (or made unreadable) since it was hashed
            yield Reject(src.name, sha, "unreadable", READ_STAGE, f"{type(exc).__name__}: {exc}", b"")
            return
        # A reader may close `fh` when it is done (gzip): the version after the last record is
        # taken on a duplicate of its descriptor.
        watch = None if is_uri(src.path) else os.dup(fh.fileno())
        try:
            with fh:
                at_start = _version(src.path, fh)
                if part is not None and at_start is not None and at_start[0] != src.size:
                    raise SourceChanged(src.name, f"{src.size} bytes when its parts were planned, {at_start[0]} now")
                if version is not None and at_start != version:
                    raise SourceChanged(src.name, f"size {version[0]} -> {at_start and at_start[0]} bytes or "
                                                  f"modification time changed after it was hashed")
                reading = self._reading(fh, src, part)
                compression = {"compression": reading.compression} if reading.compression else {}
                info.extra.update({"format": reading.format, **compression})
                base = {"source_format": reading.format, **compression}
                for item in reading.items:
                    n_records = item.index + 1
                    if isinstance(item, Skipped):
                        skipped[item.reason] += 1
                    elif isinstance(item, BadRecord):
                        if part is not None and part.index and item.reason == "no_text_column":
                            continue  # said once, by the file's first part
                        end = item.offset + item.length if item.offset >= 0 else 0
                        yield Reject(src.name, sha, item.reason, READ_STAGE, f"record {item.index}: {item.detail}",
                                     item.raw, byte_start=max(item.offset, 0), byte_end=end, record=item.index)
                    else:
                        yield record_document(item, src.name, sha, base)
            if watch is not None and file_version(watch) != at_start:
                raise SourceChanged(src.name, "size or modification time changed while its records were read")
        finally:
            if watch is not None:
                os.close(watch)
        info.extra["records"] = n_records - first
        if skipped:
            info.extra["skipped"] = dict(sorted(skipped.items()))

    def _reading(self, fh: BinaryIO, src: SourceFile, part: Part | None) -> Reading:
        if part is None:
            return open_records(fh, name=src.name, text_field=self.text_field, chunk_bytes=self.chunk_bytes)
        if part.format == "parquet":
            groups = list(range(part.start, part.end))
            items = iter_parquet(fh, self.text_field, row_groups=groups, first_row=part.first_record)
            return Reading("parquet", None, items)
        return open_records(part_stream(fh, part), name=src.name, text_field=self.text_field, fmt=part.format,
                            index=part.first_record, pos=part.stream_offset, chunk_bytes=self.chunk_bytes)


def record_document(rec: Record, source: str, sha256: str, base: dict[str, str]) -> Document:
    """The undecoded document of one record (see the module docstring for its fields)."""
    meta = dict(base)
    meta["record_index"] = str(rec.index)
    if rec.offset >= 0:
        meta["record_offset"] = str(rec.offset)
        meta["record_length"] = str(rec.length)
    if rec.payload is not None and rec.payload_offset >= 0:
        meta["payload_offset"] = str(rec.payload_offset)
    fields = dict(rec.fields)
    hint = fields.pop("charset_hint", None)
    title = fields.pop("title", None)
    for k, v in fields.items():
        meta.setdefault(k, v)
    raw = rec.payload if rec.payload is not None else (rec.text or "").encode("utf-8", "replace")
    return Document(text="", source=source, source_sha256=sha256, byte_start=0, byte_end=len(raw), raw=raw,
                    title=title or None, meta=meta, declared_encoding=hint, record=rec.index)


def read_records(path: str, text_field: str = "text") -> Iterator[Document | Reject]:
    """All documents and rejects of one file, read by `CrawlReader` (library convenience)."""
    import os

    yield from CrawlReader(text_field=text_field).open(SourceFile(path, os.path.getsize(path))).records


__all__ = ["CrawlReader", "Reading", "is_record_file", "read_records", "record_document"]
