"""Writing documents and rejects to Parquet: explicit schema, zstd, bounded row groups, atomic files.

Rows (dicts by column name, from `cleanse.io.schema`) are buffered and turned into Arrow
columns per row group by `cleanse.io.columns`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cleanse.document import Document, Reject
from cleanse.io.columns import rows_table
from cleanse.io.layout import DOCUMENTS_DIR, REJECTS_DIR, shard_part_paths
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


# The smallest target part size: below it a part would be mostly its footer and row-group
# metadata (tens of KB for the documents schema), and the target is there to make parts large.
MIN_PART_BYTES = 1_000_000
# With a target part size, row groups close at a quarter of it (at most): a part then
# overshoots the target by a quarter at most (buffered bytes overestimate the encoded ones).
# Measured: 100,000-character documents of random Han text, `--part-size 16MB`, a row group
# at the whole target gave files of 22.8 and 20.6 MB.
PART_ROW_GROUPS = 4
_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}


def parse_size(text: str | int) -> int:
    """Bytes of a size: an integer (bytes), or a number with a unit, `256MB`, `1.5 GB`, `512MiB`
    (kB/MB/GB/TB powers of 1000, KiB/MiB/GiB/TiB powers of 1024; case does not matter).
    ValueError with a one-line message otherwise."""
    if isinstance(text, bool) or not isinstance(text, (int, str)):
        raise ValueError(f"expected a size such as 256MB, got {text!r}")
    if isinstance(text, int):
        number, unit = float(text), "b"
    else:
        body = text.strip().replace(" ", "").replace("_", "")
        i = len(body) - len(body.lstrip("0123456789."))
        number_text, unit = body[:i], body[i:].lower() or "b"
        try:
            number = float(number_text)
        except ValueError:
            raise ValueError(f"expected a size such as 256MB, got {text!r}") from None
        if unit not in _UNITS:
            raise ValueError(f"unknown unit {body[i:]!r} in {text!r} (units: B, kB, MB, GB, TB, KiB, MiB, GiB, "
                             f"TiB)")
    return int(number * _UNITS[unit])


@dataclass(frozen=True)
class WriterOptions:
    """How documents are written (`cleanse run --compression … --columns … --part-size …`).

    `columns`: the document columns to keep, in schema order (None: all; `id` is always kept).
    `compression`: a Parquet codec (`zstd`, `snappy`, `gzip`, `brotli`, `lz4`, `none`) and
    `compression_level` its level (None: the codec's default). Row groups close at
    `row_group_rows` rows or when the buffered rows hold about `row_group_bytes` bytes of
    memory (`buffered_bytes`), whichever comes first. `part_bytes` (None: off, one part per
    shard and folder): a shard's writer ends its current part at the first row-group boundary
    where the bytes written reach it and goes on in the next (`part-NNNNN-KKKKK.parquet`); a
    row group then also closes at a quarter of `part_bytes` of buffered rows
    (`PART_ROW_GROUPS`), so a part exceeds the target by less than one row group plus its
    footer, about a quarter of the target at most (a single row larger than that makes a
    larger part). At least `MIN_PART_BYTES`.
    """

    columns: tuple[str, ...] | None = None
    compression: str = "zstd"
    compression_level: int | None = None
    row_group_rows: int = ROW_GROUP_ROWS
    row_group_bytes: int = ROW_GROUP_BYTES
    part_bytes: int | None = None

    def __post_init__(self) -> None:
        if self.part_bytes is not None and not (isinstance(self.part_bytes, int) and self.part_bytes >= MIN_PART_BYTES):
            raise ValueError(f"the target part size must be at least 1MB ({MIN_PART_BYTES:,} bytes), got "
                             f"{self.part_bytes:,} bytes" if isinstance(self.part_bytes, int) else
                             f"the target part size must be a number of bytes, got {self.part_bytes!r}")

    @property
    def group_bytes(self) -> int:
        """Buffered bytes at which a row group closes (`row_group_bytes`; with a target part size,
        at most a `PART_ROW_GROUPS`-th of it)."""
        if self.part_bytes is None:
            return self.row_group_bytes
        return min(self.row_group_bytes, self.part_bytes // PART_ROW_GROUPS)

    def select(self, schema: pa.Schema) -> pa.Schema:
        """`schema` with only the chosen columns; ValueError names an unknown one."""
        if self.columns is None:
            return schema
        unknown = sorted(set(self.columns) - set(schema.names))
        if unknown:
            raise ValueError(f"unknown document columns {unknown} (columns: {', '.join(schema.names)})")
        keep = set(self.columns) | {"id"}
        return pa.schema([f for f in schema if f.name in keep], metadata=schema.metadata)

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> WriterOptions:
        """The options of `to_dict` (as a run's `_run.json` records them under `writer`; None or
        absent keys: the defaults)."""
        d = dict(d or {})
        if d.get("columns") is not None:
            d["columns"] = tuple(d["columns"])
        return cls(**d)

    def to_dict(self) -> dict[str, Any]:
        # `part_bytes` only when set: the identity of a run written before it existed is unchanged.
        return {"columns": None if self.columns is None else list(self.columns), "compression": self.compression,
                "compression_level": self.compression_level, "row_group_rows": self.row_group_rows,
                "row_group_bytes": self.row_group_bytes,
                **({} if self.part_bytes is None else {"part_bytes": self.part_bytes})}


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


def writer_kwargs(schema: pa.Schema, options: WriterOptions | None = None) -> dict[str, Any]:
    """The `pq.ParquetWriter` arguments of `options` for `schema` (codec, level, dictionary and
    statistics on every column but the free-text ones)."""
    options = options or WriterOptions()
    keep = [p for p in _leaf_paths(schema) if p not in _FREE_TEXT]
    return {"compression": options.compression, "compression_level": options.compression_level,
            "use_dictionary": keep, "write_statistics": keep}


class ParquetPartWriter:
    """Writes one Parquet file, or with `options.part_bytes` a series of them, under temporary
    names; `close()` moves them into place, in order.

    `path` is a file's path, or a function of the piece number (0, 1, …) giving each part's
    path when the output is cut by size. If the writer is abandoned (an exception, a killed
    process) only hidden temporary files remain, never a partial `part-*.parquet`.
    """

    def __init__(self, path: str | Callable[[int], str], schema: pa.Schema, row_group_rows: int = ROW_GROUP_ROWS,
                 row_group_bytes: int = ROW_GROUP_BYTES, storage: Storage | None = None,
                 options: WriterOptions | None = None):
        # `path` is relative to `storage` when one is given (an output directory, possibly
        # on a pyarrow filesystem), else a local path. Rows are dicts by column name (see
        # `cleanse.io.schema.document_row`).
        if storage is None:
            if not isinstance(path, str):
                raise TypeError("a writer without storage takes a file path")
            storage, path = Storage(os.path.dirname(path) or "."), os.path.basename(path)
        self.storage = storage
        self._path: Callable[[int], str] = (lambda piece, p=path: p) if isinstance(path, str) else path
        self.path = self._path(0)
        self.schema = schema
        self.options = options
        self.row_group_rows = options.row_group_rows if options else row_group_rows
        self.row_group_bytes = options.group_bytes if options else row_group_bytes
        self.part_bytes = options.part_bytes if options else None
        self.rows_written = 0
        self.parts: list[tuple[str, int]] = []  # (path, rows) of each part, once committed
        self._done: list[tuple[str, str, int]] = []  # (temporary path, path, rows) of finished parts
        self._tmp = storage.tmp(self.path)
        self._part_rows = 0
        self._buffer: list[Any] = []
        self._buffer_bytes = 0
        self._writer: pq.ParquetWriter | None = None
        self._sink: Any = None

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
        self._part_rows += len(self._buffer)
        self._buffer = []
        self._buffer_bytes = 0
        # Cut at row-group boundaries only: the row group just written is whole in this part.
        if self.part_bytes is not None and self._sink.tell() >= self.part_bytes:
            self._finish_part()

    def _open(self) -> None:
        piece = len(self._done)
        self.path = self._path(piece)
        self._tmp = self.storage.tmp(self.path)
        self.storage.makedirs(os.path.dirname(self.path))
        # Our own stream (its position is the bytes written); on the local disk, confined to OUT.
        tmp = self.storage.local_path(self._tmp) if self.storage.local else self.storage.path(self._tmp)
        self._sink = self.storage.fs.open_output_stream(tmp)
        self._writer = pq.ParquetWriter(self._sink, self.schema, **writer_kwargs(self.schema, self.options))
        self._part_rows = 0

    def _finish_part(self) -> None:
        assert self._writer is not None
        self._writer.close()
        self._sink.close()
        self._done.append((self._tmp, self.path, self._part_rows))
        self._writer = self._sink = None

    def close(self) -> int:
        """Flush, close and move the parts into place (an empty part is still written, so a
        finished shard always has its file). Returns the number of rows."""
        self._flush()
        if self._writer is None and not self._done:
            self._open()
        if self._writer is not None:
            self._finish_part()
        for tmp, path, _ in self._done:
            self.storage.commit(tmp, path)
        self.parts = [(path, rows) for _, path, rows in self._done]
        return self.rows_written

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._sink.close()
            self._done.append((self._tmp, self.path, self._part_rows))
            self._writer = None
        for tmp, _, _ in self._done:
            self.storage.delete_file(tmp)

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
    `rejects/part-NNNNN.parquet`, or with a target part size (`options.part_bytes`) the series
    `part-NNNNN-00000.parquet`, `part-NNNNN-00001.parquet`, … in each folder, cut independently
    (see `cleanse.io.layout`). After `close()`, `parts()` lists them with their rows."""

    def __init__(self, out_dir: str | Storage, index: int, pipeline_id: str, schema: pa.Schema | None = None,
                 options: WriterOptions | None = None):
        # `schema`: the pipeline's documents schema (`cleanse.io.schema.document_schema`;
        # default: the default pipeline's).
        storage = out_dir if isinstance(out_dir, Storage) else Storage(out_dir)
        self.pipeline_id = pipeline_id
        options = options or WriterOptions()
        full = schema or schema_module.DOCUMENT_SCHEMA
        self.declares_signals = "signals" in full.names
        split = options.part_bytes is not None
        self.docs = ParquetPartWriter(shard_part_paths(DOCUMENTS_DIR, index, split), options.select(full),
                                      storage=storage, options=options)
        self.rejects = ParquetPartWriter(shard_part_paths(REJECTS_DIR, index, split), REJECT_SCHEMA,
                                         storage=storage, options=replace(options, columns=None))

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

    def parts(self) -> list[tuple[str, int]]:
        """(path, rows) of every part written, documents then rejects, in order."""
        return self.docs.parts + self.rejects.parts

    def abort(self) -> None:
        self.docs.abort()
        self.rejects.abort()
