"""The local executor: shards processed in this process or in a pool of worker processes.

See `cleanse.executors.shards` for the shard plan, the output layout and why any number
of workers gives the same output and a killed run resumes.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from cleanse.executors.shards import (
    SHARD_MAX_FILES,
    OutputConflict,
    RunSummary,
    Shard,
    ShardResult,
    finalize,
    forget_inputs,
    plan_shards,
    prepare_run,
    process_shard,
)
from cleanse.io.chunks import CHUNK_BYTES
from cleanse.io.sources import SourceFile
from cleanse.io.storage import Storage
from cleanse.pipeline import Pipeline

__all__ = ["OutputConflict", "RunSummary", "Shard", "ShardResult", "plan_shards", "process_shard", "run"]

ProgressCallback = Callable[[ShardResult, Shard], None]

_worker_pipeline: Pipeline | None = None


def _init_worker(pipeline: Pipeline) -> None:
    global _worker_pipeline
    _worker_pipeline = pipeline
    pipeline.setup()  # done before fork (then a no-op); needed under spawn


def _worker_process(shard: Shard, out_dir: str, chunk_bytes: int) -> ShardResult:
    assert _worker_pipeline is not None
    return process_shard(_worker_pipeline, shard, Storage(out_dir), chunk_bytes)


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
) -> RunSummary:
    """Process `files` into `out_dir` (a path or a pyarrow filesystem URI); resumes a previous
    run of the same inputs and pipeline. `on_start` gets the shards left to do, `on_shard`
    each finished one."""
    plan = prepare_run(pipeline, files, out_dir, overwrite, shard_max_files, shard_max_bytes, chunk_bytes)
    results: dict[int, ShardResult] = dict(plan.done)
    # Before the pool forks, so that workers share the loaded tables.
    setup_seconds = pipeline.setup() if plan.pending else 0.0
    if on_start:
        on_start(plan.pending)

    def finished(res: ShardResult, shard: Shard) -> None:
        if on_shard:
            on_shard(res, shard)
        results[shard.index] = forget_inputs(res)

    if workers <= 1 or len(plan.pending) <= 1:
        for shard in plan.pending:
            finished(process_shard(pipeline, shard, plan.storage, chunk_bytes), shard)
    else:
        # Frozen objects are left alone by the collector, so the workers' collections do not
        # write to (and copy) the pages of the tables they inherited.
        gc.freeze()
        try:
            _run_pool(pipeline, plan.pending, out_dir, chunk_bytes, min(workers, len(plan.pending)), finished)
        finally:
            gc.unfreeze()
    return finalize(pipeline, plan, results, workers, "local", setup_seconds)


def _run_pool(pipeline: Pipeline, pending: list[Shard], out_dir: str, chunk_bytes: int, workers: int,
              finished: Callable[[ShardResult, Shard], None]) -> None:
    # fork: workers inherit the built pipeline (dictionaries loaded once, pages shared)
    # instead of unpickling it; spawn where fork does not exist. (The writers never convert
    # Python objects with pyarrow, so no worker pays pyarrow's ~0.5 s import of pandas.)
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                               initargs=(pipeline,))
    try:
        in_flight: dict[Future[ShardResult], Shard] = {}
        queue = list(reversed(pending))
        # At most two shards per worker in flight: smooth progress, no backlog of results.
        while queue or in_flight:
            while queue and len(in_flight) < 2 * workers:
                shard = queue.pop()
                in_flight[pool.submit(_worker_process, shard, out_dir, chunk_bytes)] = shard
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for fut in sorted(done, key=lambda f: in_flight[f].index):
                shard = in_flight.pop(fut)
                finished(fut.result(), shard)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
