"""The Parquet schemas of a cleanse corpus, and the one mapping from a Document (or Reject)
to its row, by column name (documented in docs/schema.md; keep both in step).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:
    from cleanse.document import Document, Reject
    from cleanse.stage import Stage

# `meta` is a key/value list rather than an Arrow map: Hugging Face datasets cannot read map
# columns ("does not have a datasets dtype equivalent"), every reader handles list<struct>.
KEY_STRING = pa.list_(pa.struct([("key", pa.string()), ("value", pa.string())]))
# The types a stage may declare for a signal (`Stage.signal_types`).
SIGNAL_TYPES = {"double": pa.float64(), "int64": pa.int64(), "bool": pa.bool_(), "string": pa.string()}

STAGE_RECORD = pa.struct([("name", pa.string()), ("version", pa.string()), ("chars_changed", pa.int64())])
REMOVAL = pa.struct([("stage", pa.string()), ("reason", pa.string()), ("text", pa.string())])
REPAIR = pa.struct(
    [("stage", pa.string()), ("kind", pa.string()), ("before", pa.string()),
     ("after", pa.string()), ("offset", pa.int64())]
)

def signal_fields(stages: Sequence[Stage]) -> dict[str, tuple[str, str]]:
    """The signals the stages declare: name -> (type, "stage@version"), sorted by name.
    Raises ValueError for an unknown type or one name declared with two types."""
    out: dict[str, tuple[str, str]] = {}
    for stage in stages:
        for name, kind in stage.signal_types.items():
            if kind not in SIGNAL_TYPES:
                raise ValueError(f"stage {stage.name}: signal {name!r} has type {kind!r}, not one of "
                                 f"{sorted(SIGNAL_TYPES)}")
            if name in out and out[name][0] != kind:
                raise ValueError(f"signal {name!r} declared as {out[name][0]} by {out[name][1]} and as {kind} by "
                                 f"{stage.name}@{stage.version}")
            out.setdefault(name, (kind, f"{stage.name}@{stage.version}"))
    return dict(sorted(out.items()))


def document_schema(stages: Sequence[Stage]) -> pa.Schema:
    """The documents' schema for a pipeline of `stages`: fixed columns, and `signals` a struct
    of the signals the stages declare (no `signals` column when none does). The schema's
    metadata records each signal's type and declaring stage (`cleanse.signals`)."""
    signals = signal_fields(stages)
    fields = [
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
    ]
    if signals:
        fields.append(pa.field("signals", pa.struct([(n, SIGNAL_TYPES[k]) for n, (k, _) in signals.items()])))
    fields += [
        pa.field("pipeline", pa.string(), nullable=False),
        pa.field("stages", pa.list_(STAGE_RECORD)),
        pa.field("removed", pa.list_(REMOVAL)),
        pa.field("repairs", pa.list_(REPAIR)),
    ]
    meta = {"cleanse.schema": "document/2",
            "cleanse.signals": json.dumps({n: {"type": k, "stage": s} for n, (k, s) in signals.items()})}
    return pa.schema(fields, metadata=meta)


def __getattr__(name: str) -> Any:
    # DOCUMENT_SCHEMA: the schema of the default pipeline, built on first use (the default
    # stages import this module).
    if name == "DOCUMENT_SCHEMA":
        from cleanse.defaults import zh_web_stages

        schema = document_schema(zh_web_stages())
        globals()["DOCUMENT_SCHEMA"] = schema
        return schema
    raise AttributeError(name)


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
        "signals": dict(doc.signals),
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
