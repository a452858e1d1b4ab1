"""The Ray executor: the same shards, processed by a pool of Ray Data actors.

    cleanse run --executor ray [--address ADDR] --input … --output …

The driver plans the shards and checks the output directory exactly as the local executor
does; Ray Data then maps the pending shards over a pool of actors, each holding one copy
of the pipeline, and each shard writes its parts and marker straight into the output
directory. The driver merges the markers. Outputs are therefore the same files as a local
run's, and a killed Ray run resumes locally or on Ray alike.

The output directory (and the inputs) must be visible from every node: a shared
filesystem path, or a pyarrow filesystem URI (`s3://…`, `gs://…`, `hdfs://…`).
Needs the `ray` extra: `pip install "cleanse[ray]"`.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

from cleanse.executors.shards import (
    SHARD_MAX_FILES,
    RunSummary,
    Shard,
    ShardResult,
    finalize,
    forget_inputs,
    prepare_run,
    process_shard,
)
from cleanse.io.chunks import CHUNK_BYTES
from cleanse.io.lock import output_lock
from cleanse.io.parquet import WriterOptions
from cleanse.io.readers import CrawlReader, Reader
from cleanse.io.sources import SourceFile
from cleanse.io.storage import Storage
from cleanse.pipeline import Pipeline


class RayUnavailable(RuntimeError):
    """Ray (with Ray Data) is not installed."""


def _import_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise RayUnavailable(
            'the Ray executor needs Ray Data: pip install "cleanse[ray]" (or "ray[data]")'
        ) from exc
    return ray


def pickle_pipeline(pipeline: Pipeline) -> bytes:
    """The pipeline as bytes for Ray workers.

    Stages defined in a pipeline script (imported under a `cleanse_pipeline_*` module name that
    workers cannot import) are pickled by value; stages from installed packages by reference.
    """
    ray = _import_ray()
    cloudpickle = ray.cloudpickle
    for stage in pipeline.stages:
        module = sys.modules.get(type(stage).__module__)
        if module is not None and module.__name__.startswith("cleanse_pipeline_"):
            cloudpickle.register_pickle_by_value(module)
    return cloudpickle.dumps(pipeline)


class ShardWorker:
    """A Ray Data actor: unpickles the pipeline once, then processes one shard per row."""

    def __init__(self, pipeline_blob: bytes, out_dir: str, pipeline_id: str, chunk_bytes: int,
                 reader: Reader | None = None, writer_options: WriterOptions | None = None):
        import ray.cloudpickle as cloudpickle

        self.pipeline: Pipeline = cloudpickle.loads(pipeline_blob)
        if self.pipeline.id != pipeline_id:
            raise RuntimeError(f"pipeline changed in transit: {self.pipeline.id} != {pipeline_id}")
        self.storage = Storage(out_dir)
        self.chunk_bytes = chunk_bytes
        self.reader = reader
        self.writer_options = writer_options
        self.pipeline.setup()

    def __call__(self, row: dict[str, Any]) -> dict[str, Any]:
        shard = Shard.from_row(json.loads(row["shard"]))
        result = process_shard(self.pipeline, shard, self.storage, self.chunk_bytes, reader=self.reader,
                               writer_options=self.writer_options)
        # JSON keeps the nested, irregular result out of Arrow type inference.
        return {"index": shard.index, "result": json.dumps(result.to_dict(), ensure_ascii=False)}


def run_ray(
    pipeline: Pipeline,
    files: Sequence[SourceFile],
    out_dir: str,
    address: str | None = None,
    workers: int | None = None,
    overwrite: bool = False,
    on_shard: Callable[[ShardResult, Shard], None] | None = None,
    on_start: Callable[[list[Shard]], None] | None = None,
    shard_max_files: int = SHARD_MAX_FILES,
    shard_max_bytes: int | None = None,
    num_cpus: int | None = None,
    chunk_bytes: int = CHUNK_BYTES,
    reader: Reader | None = None,
    writer_options: WriterOptions | None = None,
) -> RunSummary:
    """Like `cleanse.executors.local.run`, on Ray Data.

    `address`: a Ray cluster (`auto`, `ray://host:10001`, `host:6379`); None connects to
    the cluster named by RAY_ADDRESS or else starts a local Ray instance (with `num_cpus`).
    If Ray is already initialised in this process, that instance is used as is.
    `workers`: actors (one CPU each); default: all CPUs of the cluster. `writer_options` as
    for the local executor (the same files).
    """
    ray = _import_ray()
    with output_lock(out_dir):
        return _run_ray_locked(ray, pipeline, files, out_dir, address, workers, overwrite, on_shard, on_start,
                               shard_max_files, shard_max_bytes, num_cpus, chunk_bytes, reader, writer_options)


def _run_ray_locked(ray: Any, pipeline: Pipeline, files: Sequence[SourceFile], out_dir: str, address: str | None,
                    workers: int | None, overwrite: bool, on_shard: Callable[[ShardResult, Shard], None] | None,
                    on_start: Callable[[list[Shard]], None] | None, shard_max_files: int,
                    shard_max_bytes: int | None, num_cpus: int | None, chunk_bytes: int,
                    reader: Reader | None = None, writer_options: WriterOptions | None = None) -> RunSummary:
    reader = reader or CrawlReader(chunk_bytes)
    plan = prepare_run(pipeline, files, out_dir, overwrite, shard_max_files, shard_max_bytes, chunk_bytes,
                       writer_options=writer_options, reader=reader)
    results: dict[int, ShardResult] = dict(plan.done)
    if on_start:
        on_start(plan.pending)
    started_here = False
    actors = workers or 1
    if plan.pending:
        if not ray.is_initialized():
            ray.init(address=address, num_cpus=num_cpus if address is None else None,
                     include_dashboard=False, logging_level=logging.WARNING)
            started_here = True
        try:
            ctx = ray.data.DataContext.get_current()
            ctx.enable_progress_bars = False  # cleanse's own progress reports shards
            logging.getLogger("ray.data").setLevel(logging.ERROR)
            actors = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
            actors = min(actors, len(plan.pending))
            by_index = {s.index: s for s in plan.pending}
            # JSON: Arrow would infer a type for the nested part description.
            items = [{"shard": json.dumps(s.to_row(), ensure_ascii=False)} for s in plan.pending]
            ds = ray.data.from_items(items, override_num_blocks=len(items)).map(
                ShardWorker,
                fn_constructor_args=(pickle_pipeline(pipeline), out_dir, pipeline.id, chunk_bytes, reader,
                                     writer_options),
                compute=ray.data.ActorPoolStrategy(size=actors),
                num_cpus=1,
            )
            for row in ds.iter_rows():
                res = ShardResult.from_dict(json.loads(row["result"]))
                if on_shard:
                    on_shard(res, by_index[res.index])
                results[res.index] = forget_inputs(res)
        finally:
            if started_here:
                ray.shutdown()
    missing = [s.index for s in plan.shards if s.index not in results]
    if missing:
        raise RuntimeError(f"Ray finished without results for shards {missing[:10]}")
    return finalize(pipeline, plan, results, actors, "ray")
