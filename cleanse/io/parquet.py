"""Writing documents and rejects to Parquet: explicit schema, zstd, bounded row groups, atomic files.

Rows (dicts by column name, from `cleanse.io.schema`) are buffered and turned into Arrow
columns per row group by `cleanse.io.columns`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cleanse.document import Document, Reject
from cleanse.io.columns import rows_table
from cleanse.io.layout import documents_part, rejects_part
from cleanse.io import schema as schema_module
from cleanse.io.schema import REJECT_SCHEMA, document_row, reject_row
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


@dataclass(frozen=True)
class WriterOptions:
    """How documents are written (`cleanse run --compression … --columns …`).

    `columns`: the document columns to keep, in schema order (None: all; `id` is always kept).
    `compression`: a Parquet codec (`zstd`, `snappy`, `gzip`, `brotli`, `lz4`, `none`) and
    `compression_level` its level (None: the codec's default). Row groups close at
    `row_group_rows` rows or when the buffered rows hold about `row_group_bytes` bytes of
    memory (`buffered_bytes`), whichever comes first.
    """

    columns: tuple[str, ...] | None = None
    compression: str = "zstd"
    compression_level: int | None = None
    row_group_rows: int = ROW_GROUP_ROWS
    row_group_bytes: int = ROW_GROUP_BYTES

    def select(self, schema: pa.Schema) -> pa.Schema:
        """`schema` with only the chosen columns; ValueError names an unknown one."""
        if self.columns is None:
            return schema
        unknown = sorted(set(self.columns) - set(schema.names))
        if unknown:
            raise ValueError(f"unknown document columns {unknown} (columns: {', '.join(schema.names)})")
        keep = set(self.columns) | {"id"}
        return pa.schema([f for f in schema if f.name in keep], metadata=schema.metadata)

    def to_dict(self) -> dict[str, Any]:
        return {"columns": None if self.columns is None else list(self.columns), "compression": self.compression,
                "compression_level": self.compression_level, "row_group_rows": self.row_group_rows,
                "row_group_bytes": self.row_group_bytes}


COMPRESSIONS = ("zstd", "snappy", "gzip", "brotli", "lz4", "none")

# What a buffered document row costs in memory beyond its strings (the row dict, its stage
# records, meta and signals: 5-7 KB measured with sys.getsizeof on WARC pages), and per
# removal or repair (a record of three or five fields, about 150 B each).
ROW_OVERHEAD = 6144
RECORD_OVERHEAD = 160


def buffered_bytes(doc: Document) -> int:
    """About the memory a document row holds while buffered for its row group (strings at 3
    bytes a character, the Arrow copy's UTF-8 width, plus the objects around them). Counting
    the text alone let a crawl's rows (each with hundreds of small removals) reach 45 KB apiece
    against a 5 KB estimate, so a 100 MB WARC buffered 6,000 rows (~270 MB) in one row group."""
    removed = doc.removed
    return (ROW_OVERHEAD + 3 * len(doc.text) + RECORD_OVERHEAD * (len(removed) + len(doc.repairs))
            + 3 * sum(len(r.text) for r in removed))


def _writer_options(schema: pa.Schema, options: WriterOptions | None = None) -> dict[str, Any]:
    options = options or WriterOptions()
    keep = [p for p in _leaf_paths(schema) if p not in _FREE_TEXT]
    return {"compression": options.compression, "compression_level": options.compression_level,
            "use_dictionary": keep, "write_statistics": keep}


class ParquetPartWriter:
    """Writes one Parquet file under a temporary name; `close()` renames it into place.

    If the writer is abandoned (an exception, a killed process) only a hidden temporary file
    remains, never a partial `part-*.parquet`.
    """

    def __init__(self, path: str, schema: pa.Schema, row_group_rows: int = ROW_GROUP_ROWS,
                 row_group_bytes: int = ROW_GROUP_BYTES, storage: Storage | None = None,
                 options: WriterOptions | None = None):
        # `path` is relative to `storage` when one is given (an output directory, possibly
        # on a pyarrow filesystem), else a local path. Rows are dicts by column name (see
        # `cleanse.io.schema.document_row`).
        if storage is None:
            storage, path = Storage(os.path.dirname(path) or "."), os.path.basename(path)
        self.storage = storage
        self.path = path
        self.schema = schema
        self.options = options
        self.row_group_rows = options.row_group_rows if options else row_group_rows
        self.row_group_bytes = options.row_group_bytes if options else row_group_bytes
        self.rows_written = 0
        self._tmp = storage.tmp(path)
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
        table = rows_table(self._buffer, self.schema)
        self._writer.write_table(table, row_group_size=len(self._buffer))
        self.rows_written += len(self._buffer)
        self._buffer = []
        self._buffer_bytes = 0

    def _open(self) -> None:
        self.storage.makedirs(os.path.dirname(self.path))
        self._writer = pq.ParquetWriter(self.storage.path(self._tmp), self.schema,
                                        filesystem=None if self.storage.local else self.storage.fs,
                                        **_writer_options(self.schema, self.options))

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


class CorpusPartWriter:
    """The documents and rejects of one shard: `documents/part-NNNNN.parquet` and
    `rejects/part-NNNNN.parquet` (see `cleanse.io.layout`)."""

    def __init__(self, out_dir: str | Storage, index: int, pipeline_id: str, schema: pa.Schema | None = None,
                 options: WriterOptions | None = None):
        # `schema`: the pipeline's documents schema (`cleanse.io.schema.document_schema`;
        # default: the default pipeline's).
        storage = out_dir if isinstance(out_dir, Storage) else Storage(out_dir)
        self.pipeline_id = pipeline_id
        options = options or WriterOptions()
        full = schema or schema_module.DOCUMENT_SCHEMA
        self.declares_signals = "signals" in full.names
        self.docs = ParquetPartWriter(documents_part(index), options.select(full), storage=storage, options=options)
        self.rejects = ParquetPartWriter(rejects_part(index), REJECT_SCHEMA, storage=storage,
                                         options=replace(options, columns=None))

    def write(self, item: Document | Reject) -> None:
        if isinstance(item, Reject):
            self.rejects.write(reject_row(item), len(item.raw))
        else:
            if item.signals and not self.declares_signals:
                raise ValueError(f"signals {sorted(item.signals)} not declared by any stage of the pipeline (a stage "
                                 f"declares the signals it writes in `signal_types`)")
            self.docs.write(document_row(item, self.pipeline_id), buffered_bytes(item))

    def close(self) -> tuple[int, int]:
        return self.docs.close(), self.rejects.close()

    def abort(self) -> None:
        self.docs.abort()
        self.rejects.abort()
