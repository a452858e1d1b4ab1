"""The files of the dedup phase: document parts, work files under `_dedup/`, atomic writes."""

from __future__ import annotations

import fnmatch

import pyarrow as pa
import pyarrow.parquet as pq

from cleanse.io import layout
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


def write_table(storage: Storage, rel: str, table: pa.Table) -> None:
    """`table` to `rel` (zstd), written under a temporary name and moved into place."""
    tmp = storage.tmp(rel)
    try:
        if storage.local:  # confined: the temporary file's directory must resolve inside OUT
            pq.write_table(table, storage.local_path(tmp), compression="zstd")
        else:
            pq.write_table(table, storage.path(tmp), filesystem=storage.fs, compression="zstd")
    except BaseException:
        storage.delete_file(tmp)
        raise
    storage.commit(tmp, rel)


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
