"""The layout of an output directory: every path a run writes, named once.

    OUT/
      documents/part-NNNNN.parquet    the corpus: one row per document (DOCUMENT_SCHEMA)
      rejects/part-NNNNN.parquet      what could not become a row, with reason and raw bytes (REJECT_SCHEMA)
      duplicates/part-NNNNN.parquet   records dropped as duplicates of a kept row (written by dedup)
      _run.json                       the run's identity (pipeline, inputs, shard plan)
      _shards/NNNNN.json              one marker per finished shard (its stats and inputs)
      _manifest.json                  configuration, package versions, every input and its fate
      _stats.json                     per-stage stats
      _dedup/                         the dedup phase's work files and markers (cleanse.dedup.phase)
      _lock                           present while a run holds the directory (cleanse.io.lock)

Each data folder holds files of one schema only, so `pd.read_parquet("OUT/documents")`,
`pyarrow.dataset.dataset("OUT/documents")`, DuckDB's `read_parquet('OUT/documents/*.parquet')`
and `datasets.load_dataset("parquet", data_dir="OUT/documents")` see documents and nothing
else. Part NNNNN of every folder comes from shard NNNNN. With a target part size
(`--part-size`, `WriterOptions.part_bytes`) a shard writes a series of parts instead,
`part-NNNNN-KKKKK.parquet` for K = 0, 1, …: the names sort in row order, and a folder holds
names of one form only (the part size is part of the run identity). Paths here are relative to
the output directory, with `/` separators (they are used on object stores as well as on local
disks). Documented in docs/schema.md.
"""

from __future__ import annotations

from collections.abc import Callable

DOCUMENTS_DIR = "documents"
REJECTS_DIR = "rejects"
DUPLICATES_DIR = "duplicates"
DATA_DIRS = (DOCUMENTS_DIR, REJECTS_DIR, DUPLICATES_DIR)

RUN_FILE = "_run.json"
SHARDS_DIR = "_shards"
MANIFEST_FILE = "_manifest.json"
STATS_FILE = "_stats.json"
DEDUP_DIR = "_dedup"
LOCK_FILE = "_lock"

PART_GLOB = "part-*.parquet"
# Version of this layout, part of a run's identity: an output directory written in another
# layout is refused as a different run instead of being resumed into a mixed directory.
LAYOUT_VERSION = 2
# Layout 1 (before 2026-12) wrote the documents at the top level: `OUT/part-NNNNN.parquet`.
# `--overwrite` still deletes those files.
LEGACY_DOCUMENT_GLOB = PART_GLOB


def part_name(index: int, piece: int | None = None) -> str:
    """The file name of shard `index`'s part in any data folder; with `piece`, the name of its
    piece-th part when the shard's output is cut by size (`part-NNNNN-KKKKK.parquet`)."""
    return f"part-{index:05d}.parquet" if piece is None else f"part-{index:05d}-{piece:05d}.parquet"


def documents_part(index: int, piece: int | None = None) -> str:
    return f"{DOCUMENTS_DIR}/{part_name(index, piece)}"


def rejects_part(index: int, piece: int | None = None) -> str:
    return f"{REJECTS_DIR}/{part_name(index, piece)}"


def duplicates_part(index: int, piece: int | None = None) -> str:
    return f"{DUPLICATES_DIR}/{part_name(index, piece)}"


def shard_part_paths(folder: str, index: int, split: bool) -> Callable[[int], str]:
    """The paths of shard `index`'s parts in `folder`, by piece number: with `split` (a target
    part size) `part-NNNNN-KKKKK.parquet`, else the one `part-NNNNN.parquet` (piece 0)."""
    def path(piece: int) -> str:
        if not split and piece:
            raise ValueError(f"shard {index} has a single part in {folder}/ (no target part size)")
        return f"{folder}/{part_name(index, piece if split else None)}"
    return path


def is_shard_part(name: str, index: int) -> bool:
    """Whether the file name `name` (no folder) is one of shard `index`'s parts, in either form."""
    stem = f"part-{index:05d}"
    if not (name.startswith(stem) and name.endswith(".parquet")):
        return False
    rest = name[len(stem):-len(".parquet")]
    return rest == "" or (len(rest) >= 6 and rest[0] == "-" and rest[1:].isdigit())


def marker_name(index: int) -> str:
    """The marker that says shard `index` is finished."""
    return f"{SHARDS_DIR}/{index:05d}.json"
