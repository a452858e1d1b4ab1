"""Writing documents and rejects to Parquet: explicit schema, zstd, bounded row groups, atomic files."""

from __future__ import annotations

import os
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from cleanse.document import Document, Reject
from cleanse.io.files import commit, tmp_path
from cleanse.io.schema import DOCUMENT_SCHEMA, REJECT_SCHEMA

# A row group is flushed at whichever limit comes first: bounded memory whatever the corpus.
ROW_GROUP_ROWS = 10_000
ROW_GROUP_BYTES = 64 * 1024 * 1024


class ParquetPartWriter:
    """Writes one Parquet file under a temporary name; `close()` renames it into place.

    If the writer is abandoned (an exception, a killed process) only a hidden temporary file
    remains, never a partial `part-*.parquet`.
    """

    def __init__(self, path: str, schema: pa.Schema, row_group_rows: int = ROW_GROUP_ROWS,
                 row_group_bytes: int = ROW_GROUP_BYTES):
        self.path = path
        self.schema = schema
        self.row_group_rows = row_group_rows
        self.row_group_bytes = row_group_bytes
        self.rows_written = 0
        self._tmp = tmp_path(path)
        self._buffer: list[dict[str, Any]] = []
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
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            self._writer = pq.ParquetWriter(self._tmp, self.schema, compression="zstd")
        table = pa.Table.from_pylist(self._buffer, schema=self.schema)
        self._writer.write_table(table, row_group_size=len(self._buffer))
        self.rows_written += len(self._buffer)
        self._buffer = []
        self._buffer_bytes = 0

    def close(self) -> int:
        """Flush, close and move the file into place (an empty part is still written, so a
        finished shard always has its file). Returns the number of rows."""
        self._flush()
        if self._writer is None:
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            self._writer = pq.ParquetWriter(self._tmp, self.schema, compression="zstd")
        self._writer.close()
        commit(self._tmp, self.path)
        return self.rows_written

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if os.path.exists(self._tmp):
            os.remove(self._tmp)

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


class CorpusPartWriter:
    """The documents and rejects of one shard: `part-NNNNN.parquet` and `rejects/part-NNNNN.parquet`."""

    def __init__(self, out_dir: str, index: int, pipeline_id: str):
        self.pipeline_id = pipeline_id
        self.docs = ParquetPartWriter(os.path.join(out_dir, part_name(index)), DOCUMENT_SCHEMA)
        self.rejects = ParquetPartWriter(os.path.join(out_dir, "rejects", part_name(index)), REJECT_SCHEMA)

    def write(self, item: Document | Reject) -> None:
        if isinstance(item, Reject):
            self.rejects.write(item.to_row(), len(item.raw))
        else:
            row = item.to_row()
            row["pipeline"] = self.pipeline_id
            self.docs.write(row, 3 * len(item.text))

    def close(self) -> tuple[int, int]:
        return self.docs.close(), self.rejects.close()

    def abort(self) -> None:
        self.docs.abort()
        self.rejects.abort()
