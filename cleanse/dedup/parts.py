"""The files of the dedup phase: document parts, work files under `_dedup/`, atomic writes."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from cleanse.io import layout
from cleanse.io.parquet import WriterOptions, writer_kwargs
from cleanse.io.storage import Storage

WORK_DIR = layout.DEDUP_DIR


def document_parts(storage: Storage) -> list[str]:
    """The document parts of an output directory, sorted (relative paths)."""
    return [p for p in storage.list_files(layout.DOCUMENTS_DIR)
            if fnmatch.fnmatch(p.rsplit("/", 1)[-1], layout.PART_GLOB)]


def part_name(part: str) -> str:
    """`part-NNNNN.parquet` of a part's path."""
    return part.rsplit("/", 1)[-1]


def part_stem(part: str) -> str:
    """`part-NNNNN` of a part's path."""
    return part_name(part)[:-len(".parquet")]


def write_table(storage: Storage, rel: str, table: pa.Table, options: WriterOptions | None = None,
                row_groups: Sequence[int] | None = None) -> None:
    """`table` to `rel`, written under a temporary name and moved into place.

    Without `options`: a work file of the phase (zstd, pyarrow's row groups). With them (a
    document part or a duplicates file): the codec, level, dictionary and statistics settings
    the run wrote its parts with, and one row group per entry of `row_groups` (row counts,
    summing to the table's rows; `rewrite_groups` keeps an input part's boundaries), so that
    a rewritten part keeps the run's row-group size and byte bound."""
    tmp = storage.tmp(rel)
    # Confined on the local disk: the temporary file's directory must resolve inside OUT.
    where = storage.local_path(tmp) if storage.local else storage.path(tmp)
    try:
        if options is None:
            pq.write_table(table, where, filesystem=None if storage.local else storage.fs, compression="zstd")
        else:
            with storage.fs.open_output_stream(where) as sink, \
                    pq.ParquetWriter(sink, table.schema, **writer_kwargs(table.schema, options)) as writer:
                start = 0
                for n in row_groups if row_groups is not None else [table.num_rows][:table.num_rows]:
                    writer.write_table(table.slice(start, n), row_group_size=max(1, n))
                    start += n
                assert start == table.num_rows, (rel, start, table.num_rows)
    except BaseException:
        storage.delete_file(tmp)
        raise
    storage.commit(tmp, rel)


def run_writer_options(storage: Storage) -> WriterOptions:
    """The writer options the run recorded in `_run.json` (codec, level, row groups, columns):
    the phase rewrites parts and writes duplicates files with them."""
    return WriterOptions.from_dict(storage.read_json(layout.RUN_FILE).get("writer"))


def row_groups(storage: Storage, part: str) -> list[int]:
    """The row counts of a part's row groups, in order."""
    md = storage.parquet_file(part).metadata
    return [md.row_group(i).num_rows for i in range(md.num_row_groups)]


def rewrite_groups(groups: Sequence[int], keep: np.ndarray) -> list[int]:
    """The row groups of the rows `keep` (a boolean mask over the part's rows) selects: the kept
    rows of each input row group form one output row group (empty ones dropped). A rewrite
    then never makes a row group larger than the run wrote it, by rows or by bytes."""
    bounds = np.concatenate([[0], np.cumsum(groups, dtype=np.int64)])
    kept = np.concatenate([[0], np.cumsum(keep, dtype=np.int64)])[bounds]
    return [int(n) for n in np.diff(kept) if n]


def applied_marker(part: str) -> str:
    """The marker of a document part whose duplicates the dedup phase has moved out."""
    return f"{WORK_DIR}/applied/{part_stem(part)}.json"


def rows_after_dedup(storage: Storage, part: str) -> int | None:
    """The rows a document part holds after the dedup phase moved its duplicates out (None:
    not deduplicated). A later `cleanse run` on the directory checks a part against this
    rather than its shard marker's count, so a finished, deduplicated part is not redone."""
    marker = applied_marker(part)
    if not storage.exists(marker):
        return None
    try:
        return int(storage.read_json(marker)["rows"])
    except (ValueError, TypeError, KeyError):
        return None
