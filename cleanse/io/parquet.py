"""Writing documents and rejects to Parquet: explicit schema, zstd, bounded row groups, atomic files.

Rows are buffered as Python values and turned into Arrow columns per row group by
`cleanse.io.columns` (no per-row dicts for documents, no pandas import).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from operator import attrgetter
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cleanse.document import Document, Reject
from cleanse.io.columns import column_array, rows_table, struct_list_array
from cleanse.io.schema import DOCUMENT_SCHEMA, REJECT_SCHEMA
from cleanse.io.storage import Storage

# A row group is flushed at whichever limit comes first: bounded memory whatever the corpus
# (the buffered rows, their Arrow copy and the encoder's buffers are each about this size).
ROW_GROUP_ROWS = 10_000
ROW_GROUP_BYTES = 32 * 1024 * 1024

# Columns of free text (document text, raw bytes, removed text): no dictionary (their values
# do not repeat) and no min/max statistics (useless for queries, and computing them copies
# megabyte-long values). Every other column keeps both.
_FREE_TEXT = {"text", "raw", "detail", "title", "removed.list.element.text", "repairs.list.element.before",
              "repairs.list.element.after"}


def _leaf_paths(schema: pa.Schema) -> list[str]:
    def walk(name: str, t: pa.DataType) -> list[str]:
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            return walk(f"{name}.list.element", t.value_type)
        if pa.types.is_struct(t):
            return [p for f in t for p in walk(f"{name}.{f.name}", f.type)]
        return [name]

    return [p for f in schema for p in walk(f.name, f.type)]


def _writer_options(schema: pa.Schema) -> dict[str, Any]:
    keep = [p for p in _leaf_paths(schema) if p not in _FREE_TEXT]
    return {"compression": "zstd", "use_dictionary": keep, "write_statistics": keep}


class ParquetPartWriter:
    """Writes one Parquet file under a temporary name; `close()` renames it into place.

    If the writer is abandoned (an exception, a killed process) only a hidden temporary file
    remains, never a partial `part-*.parquet`.
    """

    def __init__(self, path: str, schema: pa.Schema, row_group_rows: int = ROW_GROUP_ROWS,
                 row_group_bytes: int = ROW_GROUP_BYTES, storage: Storage | None = None,
                 to_table: Callable[[list[Any], pa.Schema], pa.Table] = rows_table):
        # `path` is relative to `storage` when one is given (an output directory, possibly
        # on a pyarrow filesystem), else a local path. `to_table` turns the buffered rows
        # (dicts by default) into a table of `schema`.
        if storage is None:
            storage, path = Storage(os.path.dirname(path) or "."), os.path.basename(path)
        self.storage = storage
        self.path = path
        self.schema = schema
        self.row_group_rows = row_group_rows
        self.row_group_bytes = row_group_bytes
        self.rows_written = 0
        self._tmp = storage.tmp(path)
        self._to_table = to_table
        self._buffer: list[Any] = []
        self._buffer_bytes = 0
        self._writer: pq.ParquetWriter | None = None

    def write(self, row: dict[str, Any], size_hint: int = 0) -> None:
        self._buffer.append(row)
        self._buffer_bytes += size_hint
        if len(self._buffer) >= self.row_group_rows or self._buffer_bytes >= self.row_group_bytes:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        if self._writer is None:
            self._open()
        table = self._to_table(self._buffer, self.schema)
        self._writer.write_table(table, row_group_size=len(self._buffer))
        self.rows_written += len(self._buffer)
        self._buffer = []
        self._buffer_bytes = 0

    def _open(self) -> None:
        self.storage.makedirs(os.path.dirname(self.path))
        self._writer = pq.ParquetWriter(self.storage.path(self._tmp), self.schema,
                                        filesystem=None if self.storage.local else self.storage.fs,
                                        **_writer_options(self.schema))

    def close(self) -> int:
        """Flush, close and move the file into place (an empty part is still written, so a
        finished shard always has its file). Returns the number of rows."""
        self._flush()
        if self._writer is None:
            self._open()
        assert self._writer is not None
        self._writer.close()
        self.storage.commit(self._tmp, self.path)
        return self.rows_written

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self.storage.delete_file(self._tmp)

    def __enter__(self) -> ParquetPartWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def part_name(index: int) -> str:
    return f"part-{index:05d}.parquet"


# What a document row is buffered as: its fields in `_DOC_FIELDS` order, without the raw bytes.
_DOC_FIELDS = ("id", "text", "title", "source", "source_sha256", "segment", "byte_start", "byte_end", "encoding",
               "encoding_confidence", "undecodable_bytes", "script", "meta", "signals", "stages", "removed",
               "repairs")
_doc_fields = attrgetter(*_DOC_FIELDS)


def documents_table(docs: list[tuple[Any, ...]], schema: pa.Schema, pipeline_id: str) -> pa.Table:
    """The rows `Document.to_row` would give (plus `pipeline`), built column by column."""
    n = len(docs)
    cols = dict(zip(_DOC_FIELDS, zip(*docs))) if docs else {f: () for f in _DOC_FIELDS}
    cols["meta"] = [sorted(m.items()) for m in cols["meta"]]
    cols["signals"] = [[(k, float(v)) for k, v in sorted(s.items())] for s in cols["signals"]]
    cols["pipeline"] = [pipeline_id] * n
    arrays = [struct_list_array(cols[f.name], f.type) if pa.types.is_list(f.type) else column_array(cols[f.name], f.type)
              for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


class CorpusPartWriter:
    """The documents and rejects of one shard: `part-NNNNN.parquet` and `rejects/part-NNNNN.parquet`."""

    def __init__(self, out_dir: str | Storage, index: int, pipeline_id: str):
        storage = out_dir if isinstance(out_dir, Storage) else Storage(out_dir)
        self.pipeline_id = pipeline_id
        self.docs = ParquetPartWriter(part_name(index), DOCUMENT_SCHEMA, storage=storage,
                                      to_table=partial(documents_table, pipeline_id=pipeline_id))
        self.rejects = ParquetPartWriter(f"rejects/{part_name(index)}", REJECT_SCHEMA, storage=storage)

    def write(self, item: Document | Reject) -> None:
        if isinstance(item, Reject):
            self.rejects.write(item.to_row(), len(item.raw))
        else:
            # A snapshot, as a row dict was: the containers are copied (shallowly; records are
            # immutable) so that changing the document after `write` does not change the row.
            f = _doc_fields(item)
            self.docs.write((*f[:12], dict(f[12]), dict(f[13]), list(f[14]), list(f[15]), list(f[16])),
                            3 * len(item.text))

    def close(self) -> tuple[int, int]:
        return self.docs.close(), self.rejects.close()

    def abort(self) -> None:
        self.docs.abort()
        self.rejects.abort()
