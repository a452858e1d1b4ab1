"""The local executor: shards processed in this process or in a pool of worker processes.

See `cleanse.executors.shards` for the shard plan, the output layout and why any number
of workers gives the same output and a killed run resumes.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from cleanse.executors.pool import new_pool, signals_held, stop
from cleanse.executors.shards import (
    SHARD_MAX_FILES,
    OutputConflict,
    StageFailed,
    RunSummary,
    Shard,
    ShardResult,
    finalize,
    forget_inputs,
    plan_shards,
    prepare_run,
    process_shard,
    reject_shard,
)
from cleanse.io.chunks import CHUNK_BYTES
from cleanse.io.sources import SourceFile
from cleanse.io.lock import output_lock
from cleanse.io.parquet import WriterOptions
from cleanse.io.layout import DOCUMENTS_DIR, REJECTS_DIR, is_shard_part, marker_name
from cleanse.io.readers import CrawlReader, Reader
from cleanse.io.storage import Storage, is_tmp_name
from cleanse.pipeline import Pipeline

__all__ = ["OutputConflict", "RunSummary", "Shard", "ShardResult", "StageFailed", "plan_shards", "process_shard",
           "run"]

log = logging.getLogger("cleanse.run")

ProgressCallback = Callable[[ShardResult, Shard], None]

_worker_pipeline: Pipeline | None = None

# Times a shard is run again after its worker died on it alone, before its inputs become
# `worker_died` rejects.
SHARD_RETRIES = 2


def _init_worker(pipeline: Pipeline) -> None:
    # (after `cleanse.executors.pool`'s own set-up: parent-death signal, signal dispositions)
    global _worker_pipeline
    _worker_pipeline = pipeline
    pipeline.setup()  # done before fork (then a no-op); needed under spawn


def _worker_process(shard: Shard, out_dir: str, chunk_bytes: int, fail_fast: bool,
                    writer_options: WriterOptions | None, reader: Reader | None = None) -> ShardResult:
    assert _worker_pipeline is not None
    return process_shard(_worker_pipeline, shard, Storage(out_dir), chunk_bytes, fail_fast=fail_fast,
                         writer_options=writer_options, reader=reader)


def run(
    pipeline: Pipeline,
    files: Sequence[SourceFile],
    out_dir: str,
    workers: int = 1,
    overwrite: bool = False,
    on_shard: ProgressCallback | None = None,
    on_start: Callable[[list[Shard]], None] | None = None,
    shard_max_files: int = SHARD_MAX_FILES,
    shard_max_bytes: int | None = None,
    chunk_bytes: int = CHUNK_BYTES,
    fail_fast: bool = False,
    writer_options: WriterOptions | None = None,
    reader: Reader | None = None,
) -> RunSummary:
    """Process `files` into `out_dir` (a path or a pyarrow filesystem URI); resumes a previous
    run of the same inputs and pipeline. `on_start` gets the shards left to do, `on_shard`
    each finished one. The directory is locked for the run (`cleanse.io.lock`); with
    `fail_fast` the first `stage_error` stops the run (`StageFailed`), leaving it resumable.
    `reader` reads the inputs (default `CrawlReader(chunk_bytes)`; e.g. `CrawlReader(text_field=…)`)."""
    with output_lock(out_dir):
        return _run_locked(pipeline, files, out_dir, workers, overwrite, on_shard, on_start, shard_max_files,
                           shard_max_bytes, chunk_bytes, fail_fast, writer_options, reader)


def _run_locked(pipeline: Pipeline, files: Sequence[SourceFile], out_dir: str, workers: int, overwrite: bool,
                on_shard: ProgressCallback | None, on_start: Callable[[list[Shard]], None] | None,
                shard_max_files: int, shard_max_bytes: int | None, chunk_bytes: int,
                fail_fast: bool, writer_options: WriterOptions | None, reader: Reader | None) -> RunSummary:
    reader = reader or CrawlReader(chunk_bytes)
    plan = prepare_run(pipeline, files, out_dir, overwrite, shard_max_files, shard_max_bytes, chunk_bytes,
                       writer_options, reader)
    log.info("%s: %d shards, %d already finished, %d to do", out_dir, len(plan.shards), len(plan.done),
             len(plan.pending))
    results: dict[int, ShardResult] = dict(plan.done)
    # Before the pool forks, so that workers share the loaded tables.
    setup_seconds = pipeline.setup() if plan.pending else 0.0
    if on_start:
        on_start(plan.pending)

    def finished(res: ShardResult, shard: Shard) -> None:
        log.debug("shard %d finished: %d rows, %d rejects, %.2f s", shard.index, res.rows, res.rejects, res.seconds)
        if on_shard:
            on_shard(res, shard)
        results[shard.index] = forget_inputs(res)

    if workers <= 1 or len(plan.pending) <= 1:
        for shard in plan.pending:
            finished(process_shard(pipeline, shard, plan.storage, chunk_bytes, fail_fast=fail_fast,
                                   writer_options=writer_options, reader=reader), shard)
    else:
        # Frozen objects are left alone by the collector, so the workers' collections do not
        # write to (and copy) the pages of the tables they inherited.
        gc.freeze()
        try:
            _run_pool(pipeline, plan.pending, out_dir, chunk_bytes, min(workers, len(plan.pending)), finished,
                      fail_fast, writer_options, reader)
        finally:
            gc.unfreeze()
    return finalize(pipeline, plan, results, workers, "local", setup_seconds)


def _new_pool(pipeline: Pipeline, workers: int) -> ProcessPoolExecutor:
    # fork: workers inherit the built pipeline (dictionaries loaded once, pages shared)
    # instead of unpickling it; spawn where fork does not exist. (The writers never convert
    # Python objects with pyarrow, so no worker pays pyarrow's ~0.5 s import of pandas.)
    return new_pool(workers, _init_worker, (pipeline,))


def _run_pool(pipeline: Pipeline, pending: list[Shard], out_dir: str, chunk_bytes: int, workers: int,
              finished: Callable[[ShardResult, Shard], None], fail_fast: bool,
              writer_options: WriterOptions | None, reader: Reader) -> None:
    """Run `pending` on a pool of `workers` processes.

    A worker that dies (SIGKILL, the OOM killer, a crash in C code) breaks the whole pool: the
    driver starts a new one and runs the shards that were in flight again, one at a time, so
    that the next death names its shard. A shard whose worker dies alone is retried up to
    `SHARD_RETRIES` times; then its inputs become `worker_died` rejects, unprocessed, with
    their raw bytes (`reject_shard`), and the run goes on."""
    storage = Storage(out_dir)
    pool = _new_pool(pipeline, workers)
    in_flight: dict[Future[ShardResult], Shard] = {}

    def submit(shard: Shard) -> None:
        with signals_held():  # the pool forks its workers on the first submit
            try:
                fut = pool.submit(_worker_process, shard, out_dir, chunk_bytes, fail_fast, writer_options, reader)
            except BrokenProcessPool as exc:  # a worker died while the shards were handed out:
                fut = Future()  # the shard is lost like those in flight (handled below)
                fut.set_exception(exc)
        in_flight[fut] = shard

    try:
        queue = list(reversed(pending))
        alone: list[Shard] = []  # shards to run one at a time after a worker died
        deaths: dict[int, int] = {}  # shard index -> deaths of its worker while it ran alone
        while queue or alone or in_flight:
            # At most two shards per worker in flight (smooth progress, no backlog of
            # results); after a worker died, one shard at a time until the suspects are done.
            while not alone and queue and len(in_flight) < 2 * workers:
                submit(queue.pop())
            if alone and not in_flight:
                submit(alone.pop(0))
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            lost: list[Shard] = []
            for fut in sorted(done, key=lambda f: in_flight[f].index):
                shard = in_flight.pop(fut)
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    lost.append(shard)
                    continue
                finished(result, shard)
            if not lost:
                continue
            lost = sorted(lost + list(in_flight.values()), key=lambda sh: sh.index)
            in_flight.clear()
            stop(pool)
            pool = _new_pool(pipeline, workers)
            if len(lost) == 1:  # it ran alone: its worker died on it
                shard = lost[0]
                deaths[shard.index] = deaths.get(shard.index, 0) + 1
                _delete_tmp_parts(storage, shard.index)
                if deaths[shard.index] > SHARD_RETRIES:
                    log.warning("shard %d: its worker died on each of %d attempts: its %d inputs are rejected "
                                "as worker_died", shard.index, deaths[shard.index], len(shard.files))
                    finished(reject_shard(pipeline, shard, storage, chunk_bytes, "worker_died",
                                          f"the worker process died (killed or crashed) on each of "
                                          f"{deaths[shard.index]} attempts at this shard; not processed",
                                          writer_options, reader), shard)
                    continue
                log.warning("shard %d: its worker died (attempt %d): retried", shard.index, deaths[shard.index])
            else:
                log.warning("a worker died while shards %s were in flight: each is run again, one at a time",
                            ", ".join(str(sh.index) for sh in lost))
                for sh in lost:
                    _delete_tmp_parts(storage, sh.index)
            alone = lost + alone
    except BaseException:
        # Interrupted or failed: the shards in flight are abandoned (their parts stay under
        # temporary names, which the next run deletes), so stop the workers now.
        stop(pool)
        raise
    pool.shutdown(wait=True)


def _delete_tmp_parts(storage: Storage, index: int) -> None:
    """The temporary files a dead worker left for shard `index` (no other process writes them):
    of its parts (any number of them, with a target part size) and of its marker."""
    marker_dir, marker = marker_name(index).rsplit("/", 1)
    for folder in (DOCUMENTS_DIR, REJECTS_DIR, marker_dir):
        for other in storage.list_files(folder):
            name = other.rsplit("/", 1)[-1]
            if not is_tmp_name(name):
                continue
            target = name[1:].split(".tmp-", 1)[0]
            if target == marker if folder == marker_dir else is_shard_part(target, index):
                storage.delete_file(other)
