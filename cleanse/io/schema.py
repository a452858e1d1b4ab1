"""The Parquet schemas of a cleanse corpus (documented in docs/schema.md; keep both in step)."""

from __future__ import annotations

import pyarrow as pa

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
