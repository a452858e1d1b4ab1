"""Records -> documents and rejects: the provenance of each record goes to `meta`.

A document's `raw` is its record's payload (the HTTP body of a WARC response, the page of an
HTML file, the UTF-8 encoding of a JSONL/Parquet text field), so `byte_start`/`byte_end`
are positions *within that payload*, exactly as for a plain file (docs/schema.md). Where
the record sits in the file is in `meta`:

| key | value |
| --- | --- |
| `source_format` | warc, jsonl, parquet, arrow, arrow_stream, html, text |
| `compression` | gzip, zstd, bz2, xz (absent when not compressed) |
| `record_index` | 0-based number of the record in the file, counting skipped and bad records |
| `record_offset`, `record_length` | the record in the decompressed stream (WARC and JSONL) |
| `payload_offset` | where the payload starts in the decompressed stream (WARC: the HTTP body) |
| `url`, `warc_record_id`, `warc_date`, `warc_type`, `http_status`, `content_type` | WARC headers |
| `charset_hint` | the HTTP Content-Type's charset (the decoder adds `charset_decision`) |
| any other key | a JSONL / Parquet field other than the text (non-strings as JSON) |

A JSONL/Parquet `title` field becomes the document's title. A reject's `byte_start`/
`byte_end` are the bad record's range in the decompressed stream (its line, or its WARC
record), and its `raw` holds the record's bytes (at most 1 MiB).
"""

from __future__ import annotations

from collections.abc import Iterator

from cleanse.document import Document, Reject, make_id
from cleanse.io.readers import BadRecord, Reading, Record, Skipped

READ_STAGE = "read"


def record_key(source: str, index: int) -> str:
    """What a record's document id is made from, with the file's hash: the file and the
    record's index in it (independent of sharding and worker count)."""
    return f"{source}#{index}"


def record_documents(reading: Reading, source: str, sha256: str,
                     select: range | None = None) -> Iterator[Document | Reject | Skipped]:
    """The documents, rejects and counted skips of one file's records, in file order.
    `select`: only records whose index is in it (a shard's record range); the others are
    read past without being turned into anything."""
    base = {"source_format": reading.format}
    if reading.compression:
        base["compression"] = reading.compression
    for item in reading.items:
        if select is not None and item.index not in select:
            if item.index >= select.stop:
                return
            continue
        if isinstance(item, Skipped):
            yield item
        elif isinstance(item, BadRecord):
            end = item.offset + item.length if item.offset >= 0 else 0
            yield Reject(source, sha256, item.reason, READ_STAGE, f"record {item.index}: {item.detail}", item.raw,
                         segment=0, byte_start=max(item.offset, 0), byte_end=end)
        else:
            yield _document(item, source, sha256, base)


def _document(rec: Record, source: str, sha256: str, base: dict[str, str]) -> Document:
    meta = dict(base)
    meta["record_index"] = str(rec.index)
    if rec.offset >= 0:
        meta["record_offset"] = str(rec.offset)
        meta["record_length"] = str(rec.length)
    if rec.payload_offset >= 0 and rec.payload is not None:
        meta["payload_offset"] = str(rec.payload_offset)
    fields = dict(rec.fields)
    title = fields.pop("title", None)
    for k, v in fields.items():
        meta.setdefault(k, v)
    raw = rec.payload if rec.payload is not None else (rec.text or "").encode("utf-8", "replace")
    return Document(text="", id=make_id(sha256, record_key(source, rec.index), 0), source=source,
                    source_sha256=sha256, byte_start=0, byte_end=len(raw), raw=raw, title=title or None, meta=meta)
