"""The `cleanse` command: `cleanse run` and `cleanse report`."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from cleanse.dedup.cli import add_dedup_options, run_dedup
from cleanse.defaults import build_default_pipeline
from cleanse.executors.local import OutputConflict, run
from cleanse.executors.shards import SHARD_MAX_FILES
from cleanse.io.chunks import CHUNK_BYTES
from cleanse.executors.progress import Progress
from cleanse.io.layout import STATS_FILE
from cleanse.io.storage import Storage
from cleanse.io.sources import InputError, expand_inputs
from cleanse.loader import PipelineScriptError, load_pipeline
from cleanse.report import report, stats_table


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cleanse", description="Clean scraped Chinese web text into a Parquet corpus.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run a pipeline over input files into an output directory")
    r.add_argument("pipeline", nargs="?", help="pipeline script defining build_pipeline() (default: the zh_web pipeline)")
    r.add_argument("--input", "-i", nargs="+", required=True, metavar="PATH",
                   help="files, directories (recursive) or globs")
    r.add_argument("--output", "-o", required=True, metavar="DIR", help="output directory")
    r.add_argument("--workers", "-w", type=int, default=None,
                   help="worker processes (default: all cores; with --executor ray: all CPUs of the cluster)")
    r.add_argument("--overwrite", action="store_true", help="delete existing output and start afresh")
    r.add_argument("--quiet", "-q", action="store_true", help="no progress output and no report")
    r.add_argument("--progress", choices=["auto", "bar", "log"], default="auto",
                   help="progress style (default: bar on a terminal, log lines otherwise)")
    r.add_argument("--executor", choices=["local", "ray"], default="local",
                   help="local worker processes (default) or Ray Data (needs the `ray` extra)")
    r.add_argument("--address", metavar="ADDR",
                   help="Ray cluster address (with --executor ray; default: RAY_ADDRESS or a local Ray instance)")
    adv = r.add_argument_group("advanced (these change the shard plan: a run resumes only with the same values)")
    adv.add_argument("--shard-files", type=int, default=SHARD_MAX_FILES, metavar="N",
                     help=f"at most N files per shard (default: {SHARD_MAX_FILES})")
    adv.add_argument("--shard-mb", type=float, default=None, metavar="MB",
                     help="at most MB megabytes per shard (default: corpus size / 64, within 1-32 MiB)")
    adv.add_argument("--chunk-mb", type=float, default=CHUNK_BYTES / 1e6, metavar="MB",
                     help=f"files larger than this are read as line-aligned chunks of about this size "
                          f"(default: {CHUNK_BYTES / 1e6:.1f})")
    r.add_argument("--dedup", action="store_true",
                   help="after the run, remove exact and near duplicates across the corpus (default: off)")
    add_dedup_options(r)
    dd = sub.add_parser("dedup", help="remove exact and near duplicates from a finished output directory")
    dd.add_argument("output", metavar="OUT")
    dd.add_argument("--workers", "-w", type=int, default=None, help="worker processes (default: all cores)")
    dd.add_argument("--executor", choices=["local", "ray"], default="local")
    dd.add_argument("--address", metavar="ADDR", help="Ray cluster address (with --executor ray)")
    dd.add_argument("--quiet", "-q", action="store_true")
    add_dedup_options(dd)
    rep = sub.add_parser("report", help="print the per-stage report of an output directory")
    rep.add_argument("output", metavar="OUT")
    rep.add_argument("--no-examples", action="store_true", help="only the stats table")
    return p


def _cmd_run(args: argparse.Namespace) -> int:
    args.workers_given = args.workers is not None
    if args.workers is None:
        args.workers = os.cpu_count() or 1
    try:
        pipeline = load_pipeline(args.pipeline) if args.pipeline else build_default_pipeline()
        files = expand_inputs(args.input)
    except (PipelineScriptError, InputError) as exc:
        print(f"cleanse: error: {exc}", file=sys.stderr)
        return 2
    if not files:
        print("cleanse: error: the inputs hold no files", file=sys.stderr)
        return 2
    progress = None if args.quiet else Progress(args.progress)
    common: dict[str, Any] = dict(
        overwrite=args.overwrite,
        on_shard=progress.update if progress else None, on_start=progress.start if progress else None,
        shard_max_files=max(1, args.shard_files),
        shard_max_bytes=None if args.shard_mb is None else max(1, int(args.shard_mb * 1e6)),
        chunk_bytes=max(1024, int(args.chunk_mb * 1e6)),
    )
    try:
        if args.executor == "ray":
            from cleanse.executors.ray import RayUnavailable, run_ray

            try:
                summary = run_ray(pipeline, files, args.output, address=args.address,
                                  workers=args.workers if args.workers_given else None, **common)
            except RayUnavailable as exc:
                print(f"cleanse: error: {exc}", file=sys.stderr)
                return 2
        else:
            summary = run(pipeline, files, args.output, workers=max(1, args.workers), **common)
    except OutputConflict as exc:
        print(f"cleanse: error: {exc}", file=sys.stderr)
        return 2
    finally:
        if progress:
            progress.close()
    if not args.quiet:
        c = summary.manifest["counts"]
        print(f"{c['inputs']} inputs -> {c['rows']} rows, {c['rejects']} rejects in {args.output}"
              + (f" ({summary.skipped_shards} shards resumed from an earlier run)" if summary.skipped_shards else ""))
        print(stats_table([s.to_dict() for s in summary.stats]))
        m = summary.manifest
        secs, setup = m["seconds"], m.get("setup_seconds")
        print(f"{secs:.2f} s" + (f" ({setup:.2f} s of it loading dictionaries and rules)" if setup else "")
              + (f", {c['bytes'] / 1e6 / secs:.2f} MB/s" if secs else ""))
    if args.dedup:
        return run_dedup(args.output, args, max(1, args.workers))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "run":
        return _cmd_run(args)
    if args.command == "dedup":
        return run_dedup(args.output, args, max(1, args.workers or os.cpu_count() or 1))
    if args.command == "report":
        if not Storage(args.output).exists(STATS_FILE):
            print(f"cleanse: error: {args.output} has no {STATS_FILE} (not a finished cleanse output)", file=sys.stderr)
            return 2
        print(report(args.output, with_examples=not args.no_examples))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
