"""The default reader: crawl formats and compression detected from the bytes, plain files as before.

`CrawlReader.open(src)` looks at the file's first bytes. A plain, uncompressed text or HTML
file goes to `FileReader` unchanged (one document, or line-aligned chunks). Anything else
(WARC, JSON Lines, Parquet, Arrow IPC, or any compressed file) is read record by record
through `cleanse.io.readers.formats.open_records`, one record in memory at a time:

- each record becomes an undecoded document whose `raw` is the record's payload (the HTTP
  body of a WARC response; the UTF-8 bytes of a JSONL/Parquet text field; a compressed
  file's decompressed content), so `byte_start`/`byte_end` are positions within that
  payload (docs/schema.md);
- `record` is the record's index in the file (ids are made per record:
  `cleanse.document.assign_ids`), and the provenance goes to `meta` (the table below);
- a bad record is a reject (reason, `record N: …` detail with its location, raw bytes;
  `byte_start`/`byte_end` its range in the decompressed stream);
- a skipped record (WARC request/metadata/…, a binary payload, a blank JSONL line) is
  counted in the manifest (`skipped`: reason -> count).

| meta key | value |
| --- | --- |
| `source_format` | warc, jsonl, parquet, arrow, arrow_stream, html, text |
| `compression` | gzip, zstd, bz2, xz (absent when not compressed) |
| `record_index` | 0-based number of the record in the file, counting skipped and bad records |
| `record_offset`, `record_length` | the record in the decompressed stream (WARC, JSONL) |
| `payload_offset` | where the payload starts in the decompressed stream (WARC: the HTTP body) |
| `url`, `warc_record_id`, `warc_date`, `warc_type`, `http_status`, `content_type` | from the WARC and HTTP headers |
| `charset_hint`, `charset_decision` | the declared charset and which won (set by the decode stage) |
| other keys | the JSONL/Parquet fields other than the text (non-strings as JSON); a `title` field becomes the title |

`open(src, part=(k, n))` reads only the records of part k of n (windows of `WINDOW`
consecutive records, dealt round-robin), so a large file can be processed by several
shards; every part reads (and decompresses) the whole stream but builds documents only for
its own records.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from typing import BinaryIO

import pyarrow.fs as pafs

from cleanse.document import Document, Reject
from cleanse.io.chunks import CHUNK_BYTES
from cleanse.io.readers.base import Opened, Reader, SourceInfo
from cleanse.io.readers.files import FileReader
from cleanse.io.readers.formats import RECORD_FORMATS, Reading, open_records
from cleanse.io.readers.records import BadRecord, Record, Skipped
from cleanse.io.readers.compression import sniff_compression
from cleanse.io.readers.sniff import sniff_format
from cleanse.io.sources import SourceFile
from cleanse.io.storage import is_uri

READ_STAGE = "read"
WINDOW = 64  # records per window when a file is read in parts


def _open(path: str) -> BinaryIO:
    if is_uri(path):
        fs, p = pafs.FileSystem.from_uri(path)
        return fs.open_input_file(p)  # type: ignore[return-value]
    return open(path, "rb")


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with _open(path) as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def is_record_file(head: bytes, name: str = "") -> bool:
    """Whether a file with these first bytes is read record by record (compressed, or a
    record format), rather than as a plain file."""
    return sniff_compression(head) is not None or sniff_format(head, name) in RECORD_FORMATS


class CrawlReader(Reader):
    """WARC, JSON Lines, Parquet, Arrow and compressed files by record; plain files as `FileReader`."""

    name = "crawl"

    def __init__(self, chunk_bytes: int = CHUNK_BYTES, text_field: str = "text"):
        self.files = FileReader(chunk_bytes)
        self.text_field = text_field

    def open(self, src: SourceFile, part: tuple[int, int] | None = None) -> Opened:
        try:
            with _open(src.path) as fh:
                head = fh.read(1 << 16)
        except OSError:
            return self.files.open(src)  # FileReader turns an unreadable file into a reject
        if not is_record_file(head, src.path):
            return self.files.open(src)
        try:
            sha = _sha256(src.path)
        except OSError as exc:
            reject = Reject(src.name, "", "unreadable", READ_STAGE, f"{type(exc).__name__}: {exc}", b"")
            return Opened(SourceInfo("", src.size), iter((reject,)))
        info = SourceInfo(sha, src.size)
        return Opened(info, self._records(src, sha, info, part))

    def _records(self, src: SourceFile, sha: str, info: SourceInfo,
                 part: tuple[int, int] | None) -> Iterator[Document | Reject]:
        skipped: Counter[str] = Counter()
        n_records = 0
        with _open(src.path) as fh:
            reading = open_records(fh, name=src.name, text_field=self.text_field)
            info.extra.update({"format": reading.format, **({"compression": reading.compression} if reading.compression else {})})
            base = {"source_format": reading.format, **({"compression": reading.compression} if reading.compression else {})}
            for item in reading.items:
                n_records = item.index + 1
                if part is not None and (item.index // WINDOW) % part[1] != part[0]:
                    continue
                if isinstance(item, Skipped):
                    skipped[item.reason] += 1
                elif isinstance(item, BadRecord):
                    end = item.offset + item.length if item.offset >= 0 else 0
                    yield Reject(src.name, sha, item.reason, READ_STAGE, f"record {item.index}: {item.detail}", item.raw,
                                 byte_start=max(item.offset, 0), byte_end=end, record=item.index)
                else:
                    yield record_document(item, src.name, sha, base)
        info.extra["records"] = n_records
        if skipped:
            info.extra["skipped"] = dict(sorted(skipped.items()))


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
