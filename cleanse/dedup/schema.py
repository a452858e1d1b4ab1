"""The `duplicates/part-NNNNN.parquet` schema: who a dropped row duplicates, then its whole row."""

from __future__ import annotations

import pyarrow as pa

DUPLICATE_FIELDS = [
    pa.field("id", pa.string(), nullable=False),
    pa.field("duplicate_of", pa.string(), nullable=False),  # the id of the kept row
    pa.field("similarity", pa.float32(), nullable=False),   # estimated Jaccard with it (1.0: exact)
    pa.field("kind", pa.string(), nullable=False),          # "exact" or "near"
]


def duplicate_schema(document_schema: pa.Schema) -> pa.Schema:
    """The duplicate fields followed by every document field but `id`."""
    return pa.schema(DUPLICATE_FIELDS + [f for f in document_schema if f.name != "id"],
                     metadata={"cleanse.schema": "duplicate/1"})
