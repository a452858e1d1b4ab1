"""What the format readers yield: records, bad records and counted skips.

Offsets are byte positions in the *decompressed* stream of the file (the file's own bytes
when it is not compressed). A reader never raises on bad input: what it cannot read becomes
a `BadRecord` with the reason, its location and the raw bytes, and the rest goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The errors a decompressing stream raises on a truncated or corrupt member.
import lzma
import zlib

STREAM_ERRORS: tuple[type[BaseException], ...] = (EOFError, OSError, zlib.error, lzma.LZMAError)
MAX_RAW = 1 << 20  # raw bytes kept on a bad record, at most


@dataclass(slots=True)
class Record:
    """One input record. Exactly one of `payload` (bytes to decode) and `text` is set.

    `offset`/`length`: the record in the decompressed stream (a WARC record from its
    `WARC/1.x` line to the end of its block; a JSONL line with its newline; a whole file).
    `payload_offset`: where `payload` starts in that stream (the HTTP body of a WARC
    response); -1 for records that are not byte ranges (Parquet/Arrow rows).
    `fields`: provenance and the record's own fields (url, warc_record_id, warc_date,
    charset_hint, content_type, JSONL/Parquet fields other than the text), as strings.
    """

    index: int
    offset: int
    length: int
    payload: bytes | None = None
    text: str | None = None
    payload_offset: int = -1
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A record that cannot be read: reason (a short code), where, and its raw bytes."""

    index: int
    offset: int
    length: int
    reason: str
    detail: str
    raw: bytes = b""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record deliberately not turned into a document (a WARC request or metadata record,
    an image payload): counted by reason, not lost silently."""

    index: int
    offset: int
    reason: str


Item = Record | BadRecord | Skipped
