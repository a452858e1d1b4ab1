"""The Parquet schemas of a cleanse corpus, and the one mapping from a Document (or Reject)
to its row, by column name (documented in docs/schema.md; keep both in step).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:
    from cleanse.document import Document, Reject

# key/value lists rather than Arrow maps: every reader (pandas, polars, DuckDB, HF datasets)
# handles list<struct>, not all of them handle map columns.
KEY_STRING = pa.list_(pa.struct([("key", pa.string()), ("value", pa.string())]))
KEY_DOUBLE = pa.list_(pa.struct([("key", pa.string()), ("value", pa.float64())]))

STAGE_RECORD = pa.struct([("name", pa.string()), ("version", pa.string()), ("chars_changed", pa.int64())])
REMOVAL = pa.struct([("stage", pa.string()), ("reason", pa.string()), ("text", pa.string())])
REPAIR = pa.struct(
    [("stage", pa.string()), ("kind", pa.string()), ("before", pa.string()),
     ("after", pa.string()), ("offset", pa.int64())]
)

DOCUMENT_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_sha256", pa.string(), nullable=False),
        pa.field("segment", pa.int32(), nullable=False),
        pa.field("byte_start", pa.int64(), nullable=False),
        pa.field("byte_end", pa.int64(), nullable=False),
        pa.field("encoding", pa.string()),
        pa.field("encoding_confidence", pa.float32()),
        pa.field("undecodable_bytes", pa.int64(), nullable=False),
        pa.field("script", pa.string()),
        pa.field("meta", KEY_STRING),
        pa.field("signals", KEY_DOUBLE),
        pa.field("pipeline", pa.string(), nullable=False),
        pa.field("stages", pa.list_(STAGE_RECORD)),
        pa.field("removed", pa.list_(REMOVAL)),
        pa.field("repairs", pa.list_(REPAIR)),
    ],
    metadata={"cleanse.schema": "document/1"},
)

REJECT_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_sha256", pa.string(), nullable=False),
        pa.field("segment", pa.int32(), nullable=False),
        pa.field("byte_start", pa.int64(), nullable=False),
        pa.field("byte_end", pa.int64(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("detail", pa.string()),
        pa.field("raw", pa.large_binary(), nullable=False),
    ],
    metadata={"cleanse.schema": "reject/1"},
)


def document_row(doc: Document, pipeline: str) -> dict[str, Any]:
    """The row of `doc` in DOCUMENT_SCHEMA, by column name. A snapshot: the containers are
    copied (records are immutable tuples in their struct's field order), so changing the
    document afterwards does not change the row."""
    return {
        "id": doc.id,
        "text": doc.text,
        "title": doc.title,
        "source": doc.source,
        "source_sha256": doc.source_sha256,
        "segment": doc.segment,
        "byte_start": doc.byte_start,
        "byte_end": doc.byte_end,
        "encoding": doc.encoding,
        "encoding_confidence": doc.encoding_confidence,
        "undecodable_bytes": doc.undecodable_bytes,
        "script": doc.script,
        "meta": sorted(doc.meta.items()),
        "signals": [(k, float(v)) for k, v in sorted(doc.signals.items())],
        "pipeline": pipeline,
        "stages": list(doc.stages),
        "removed": list(doc.removed),
        "repairs": list(doc.repairs),
    }


def reject_row(reject: Reject) -> dict[str, Any]:
    """The row of `reject` in REJECT_SCHEMA, by column name."""
    return {
        "source": reject.source,
        "source_sha256": reject.source_sha256,
        "segment": reject.segment,
        "byte_start": reject.byte_start,
        "byte_end": reject.byte_end,
        "reason": reject.reason,
        "stage": reject.stage,
        "detail": reject.detail,
        "raw": reject.raw,
    }
