"""Parquet and Arrow IPC (file or stream) with a text column, read in record batches.

A Hugging Face dataset shard is never loaded whole: rows come batch by batch (Parquet row
groups are read with `iter_batches`, only as many rows as `batch_rows` at a time). The
other columns are kept as string fields. A file without the text column is one bad record
(naming the columns it has); a null or non-string text is a bad record for that row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from cleanse.io.readers.records import BadRecord, Item, Record

BATCH_ROWS = 1024


def iter_parquet(source: BinaryIO | str, text_field: str = "text", batch_rows: int = BATCH_ROWS,
                 row_groups: list[int] | None = None, first_row: int = 0) -> Iterator[Item]:
    """The rows of a Parquet file (of `row_groups` only, whose first row is number `first_row`,
    when a part of the file is read)."""
    try:
        pf = pq.ParquetFile(source)
    except (pa.ArrowException, OSError) as exc:
        yield BadRecord(0, 0, 0, "bad_parquet", f"{type(exc).__name__}: {exc}", b"")
        return
    names = pf.schema_arrow.names
    if text_field not in names:
        yield _no_text_column(text_field, names)
        return
    yield from _rows(pf.iter_batches(batch_size=batch_rows, row_groups=row_groups), text_field, first_row)


def iter_arrow(stream: BinaryIO, text_field: str = "text", file_format: bool = True) -> Iterator[Item]:
    try:
        if file_format:
            reader = ipc.open_file(stream)
            schema = reader.schema
            batches: Iterator[pa.RecordBatch] = (reader.get_batch(i) for i in range(reader.num_record_batches))
        else:
            sreader = ipc.open_stream(stream)
            schema = sreader.schema
            batches = iter(sreader)
    except (pa.ArrowException, OSError) as exc:
        yield BadRecord(0, 0, 0, "bad_arrow", f"{type(exc).__name__}: {exc}", b"")
        return
    if text_field not in schema.names:
        yield _no_text_column(text_field, schema.names)
        return
    yield from _rows(batches, text_field)


def _no_text_column(text_field: str, names: list[str]) -> BadRecord:
    return BadRecord(0, 0, 0, "no_text_column",
                     f"no column {text_field!r} (columns: {', '.join(names)}); name the text column with --text-field")


def _rows(batches: Iterator[pa.RecordBatch], text_field: str, index: int = 0) -> Iterator[Item]:
    try:
        for batch in batches:
            columns = {name: batch.column(i).to_pylist() for i, name in enumerate(batch.schema.names)}
            texts = columns.pop(text_field)
            for j, text in enumerate(texts):
                i = index + j
                if not isinstance(text, str):
                    raw = json.dumps({k: _str(v[j]) for k, v in columns.items()}, ensure_ascii=False).encode()
                    yield BadRecord(i, -1, 0, "null_text" if text is None else "text_not_string", f"row {i}", raw)
                    continue
                fields = {k: _str(v[j]) for k, v in columns.items() if v[j] is not None}
                yield Record(i, -1, 0, text=text, fields=fields)
            index += len(texts)
    except (pa.ArrowException, OSError) as exc:
        yield BadRecord(index, -1, 0, "bad_batch", f"after row {index}: {type(exc).__name__}: {exc}", b"")


def _str(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return json.dumps(v, ensure_ascii=False, default=str)
