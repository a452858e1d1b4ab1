"""The `cleanse` command: `cleanse run` and `cleanse report`."""

from __future__ import annotations

import argparse
import os
import sys

from cleanse.defaults import build_default_pipeline
from cleanse.executors.local import OutputConflict, run
from cleanse.executors.progress import Progress
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
    r.add_argument("--workers", "-w", type=int, default=os.cpu_count() or 1,
                   help="worker processes (default: all cores)")
    r.add_argument("--overwrite", action="store_true", help="delete existing output and start afresh")
    r.add_argument("--quiet", "-q", action="store_true", help="no progress output and no report")
    r.add_argument("--progress", choices=["auto", "bar", "log"], default="auto",
                   help="progress style (default: bar on a terminal, log lines otherwise)")
    rep = sub.add_parser("report", help="print the per-stage report of an output directory")
    rep.add_argument("output", metavar="OUT")
    rep.add_argument("--no-examples", action="store_true", help="only the stats table")
    return p


def _cmd_run(args: argparse.Namespace) -> int:
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
    try:
        summary = run(
            pipeline, files, args.output, workers=max(1, args.workers), overwrite=args.overwrite,
            on_shard=progress.update if progress else None, on_start=progress.start if progress else None,
        )
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
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "run":
        return _cmd_run(args)
    if args.command == "report":
        if not os.path.exists(os.path.join(args.output, "_stats.json")):
            print(f"cleanse: error: {args.output} has no _stats.json (not a finished cleanse output)", file=sys.stderr)
            return 2
        print(report(args.output, with_examples=not args.no_examples))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
