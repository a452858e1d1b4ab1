"""The `cleanse` command: `cleanse run` and `cleanse report`.

Exit codes (docs/operations.md): 0 success; 1 the run finished but failed a check (no input
became a row, or rejects above `--max-reject-rate`); 2 a user error (bad arguments, inputs not
found, an unusable, locked or different output directory), one line on stderr; 3 stopped by
`--fail-fast` at a stage error; 130 interrupted (Ctrl-C), 143 terminated (SIGTERM), the
directory left resumable.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa

from cleanse.budget import DEFAULT_MAX_BYTES, DEFAULT_MAX_SECONDS, DEFAULT_SECONDS_PER_MB, Budget
from cleanse.config import ConfigError, build_pipeline, io_options, read_toml, with_overrides
from cleanse.dedup.cli import add_dedup_options, run_dedup
from cleanse.defaults import build_default_pipeline
from cleanse.executors.local import StageFailed, run
from cleanse.executors.shards import SHARD_MAX_FILES
from cleanse.io.chunks import CHUNK_BYTES
from cleanse.executors.progress import Progress
from cleanse.io.layout import MANIFEST_FILE, STATS_FILE
from cleanse.io.lock import OutputError
from cleanse.io.readers import CrawlReader
from cleanse.io.parquet import COMPRESSIONS, ROW_GROUP_BYTES, ROW_GROUP_ROWS, WriterOptions, parse_size
from cleanse.io.schema import document_schema
from cleanse.io.storage import Storage, is_uri
from cleanse.io.sources import InputError, expand_inputs
from cleanse.loader import PipelineScriptError, load_pipeline
from cleanse.pipeline import Pipeline
from cleanse.report import report, stats_table


EXIT_OK, EXIT_CHECK_FAILED, EXIT_USAGE, EXIT_STAGE_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, what a shell reports for a process SIGTERM stopped


class Terminated(KeyboardInterrupt):
    """SIGTERM reached the driver: stopped like Ctrl-C (the same clean-up paths)."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Terminated()


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM raises `Terminated` in the driver meanwhile (in the main thread), so that it takes
    the clean-up paths of Ctrl-C; the previous handler afterwards."""
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if main_thread else None
    try:
        yield
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _stopped(exc: KeyboardInterrupt, output: str) -> int:
    """The one line and exit code of a run or dedup phase stopped by Ctrl-C or SIGTERM."""
    word = "terminated" if isinstance(exc, Terminated) else "interrupted"
    print(f"\ncleanse: {word}; run the same command again to resume {output}", file=sys.stderr)
    return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED


def _dedup(output: str, args: argparse.Namespace, workers: int) -> int:
    with _sigterm_raises():
        try:
            return run_dedup(output, args, workers)
        except KeyboardInterrupt as exc:
            return _stopped(exc, output)
log = logging.getLogger("cleanse")


def _positive(kind: type) -> Any:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be greater than 0, got {text}")
        return value
    parse.__name__ = f"positive {kind.__name__}"
    return parse


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be a fraction between 0 and 1, got {text}")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cleanse", description="Clean scraped Chinese web text into a Parquet corpus.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run a pipeline over input files into an output directory")
    r.add_argument("pipeline", nargs="?", help="pipeline script defining build_pipeline() (default: the zh_web pipeline)")
    r.add_argument("--config", "-c", metavar="FILE",
                   help="a TOML pipeline configuration: the default pipeline's stages and their options "
                        "(docs/operations.md, Configuration)")
    r.add_argument("--no-t2s", action="store_true", help="leave the script as it is (no Traditional->Simplified)")
    r.add_argument("--t2s-config", metavar="NAME",
                   help="the OpenCC conversion (default t2s; tw2s, hk2s also convert regional words/variants)")
    r.add_argument("--input", "-i", nargs="+", required=True, metavar="PATH",
                   help="files, directories (recursive) or globs")
    r.add_argument("--follow-symlinks", action="store_true",
                   help="read symlinks found in an input directory even when they point outside it "
                        "(default: skipped, with a warning, and counted in the manifest)")
    r.add_argument("--output", "-o", required=True, metavar="DIR", help="output directory")
    r.add_argument("--text-field", metavar="NAME", default=None,
                   help="the JSON Lines field / Parquet or Arrow column holding the text (default: text; a record "
                        "without it is rejected as no_text_field / no_text_column, naming the fields it has)")
    r.add_argument("--workers", "-w", type=_positive(int), default=None,
                   help="worker processes (default: all cores; with --executor ray: all CPUs of the cluster)")
    r.add_argument("--overwrite", action="store_true",
                   help="delete existing cleanse output and start afresh (also: write into a non-empty directory "
                        "that holds no cleanse output; its other files are left alone)")
    r.add_argument("--fail-fast", action="store_true",
                   help="stop at the first document a stage raises on (exit 3; the directory stays resumable) "
                        "instead of rejecting it as stage_error")
    r.add_argument("--max-reject-rate", type=_rate, default=None, metavar="FRACTION",
                   help="exit 1 when more than this fraction of the records are rejects (of --reject-reasons)")
    r.add_argument("--reject-reasons", default=None, metavar="R1,R2",
                   help="the reject reasons --max-reject-rate counts (default: all)")
    r.add_argument("--quiet", "-q", action="store_true", help="no progress output and no report")
    r.add_argument("--verbose", "-v", action="count", default=0,
                   help="log what the run does on stderr (-v: steps, -vv: every shard and error tracebacks)")
    r.add_argument("--log-file", metavar="FILE", help="also write the full log (debug level) to FILE")
    r.add_argument("--progress", choices=["auto", "bar", "log"], default="auto",
                   help="progress style (default: bar on a terminal, log lines otherwise)")
    r.add_argument("--executor", choices=["local", "ray"], default="local",
                   help="local worker processes (default) or Ray Data (needs the `ray` extra)")
    r.add_argument("--address", metavar="ADDR",
                   help="Ray cluster address (with --executor ray; default: RAY_ADDRESS or a local Ray instance)")
    adv = r.add_argument_group("advanced (these change the shard plan: a run resumes only with the same values)")
    adv.add_argument("--shard-files", type=_positive(int), default=SHARD_MAX_FILES, metavar="N",
                     help=f"at most N files per shard (default: {SHARD_MAX_FILES})")
    adv.add_argument("--shard-mb", type=_positive(float), default=None, metavar="MB",
                     help="at most MB megabytes per shard (default: corpus size / 64, within 1-32 MiB)")
    adv.add_argument("--chunk-mb", type=_positive(float), default=CHUNK_BYTES / 1e6, metavar="MB",
                     help=f"files larger than this are read as line-aligned chunks of about this size "
                          f"(default: {CHUNK_BYTES / 1e6:.1f})")
    budget = r.add_argument_group("per-document budgets (docs/operations.md, Faults; part of the pipeline id)")
    budget.add_argument("--doc-seconds", type=_non_negative, default=None, metavar="S",
                        help=f"a stage that spends more than S seconds (plus --doc-seconds-per-mb) on one "
                             f"document stops, and the document becomes a too_slow reject "
                             f"(default: {DEFAULT_MAX_SECONDS:g}; 0: no limit)")
    budget.add_argument("--doc-seconds-per-mb", type=_non_negative, default=None, metavar="S",
                        help=f"seconds added to --doc-seconds per MB of the document's source bytes "
                             f"(default: {DEFAULT_SECONDS_PER_MB:g})")
    budget.add_argument("--doc-mb", type=_non_negative, default=None, metavar="MB",
                        help=f"a document of more than MB megabytes of source bytes becomes a too_large reject "
                             f"(default: {DEFAULT_MAX_BYTES / 1e6:.1f}; 0: no limit)")
    r.add_argument("--dedup", action="store_true",
                   help="after the run, remove exact and near duplicates across the corpus (default: off)")
    add_dedup_options(r)
    dd = sub.add_parser("dedup", help="remove exact and near duplicates from a finished output directory")
    dd.add_argument("output", metavar="OUT")
    dd.add_argument("--workers", "-w", type=int, default=None, help="worker processes (default: all cores)")
    dd.add_argument("--executor", choices=["local", "ray"], default="local")
    dd.add_argument("--address", metavar="ADDR", help="Ray cluster address (with --executor ray)")
    dd.add_argument("--quiet", "-q", action="store_true")
    dd.add_argument("--config", "-c", metavar="FILE", help="a TOML file whose [dedup] table configures the phase")
    add_dedup_options(dd)
    out = r.add_argument_group("output files (part of the run identity; also [output] in --config)")
    out.add_argument("--columns", metavar="C1,C2",
                     help="document columns to write (default: all; id is always kept; docs/schema.md)")
    out.add_argument("--compression", choices=COMPRESSIONS, default=None, help="Parquet codec (default: zstd)")
    out.add_argument("--compression-level", type=int, default=None, metavar="N",
                     help="codec level (default: the codec's; zstd 1-22, gzip 1-9, brotli 0-11)")
    out.add_argument("--row-group-rows", type=_positive(int), default=None, metavar="N",
                     help=f"at most N rows per row group (default: {ROW_GROUP_ROWS})")
    out.add_argument("--row-group-mb", type=_positive(float), default=None, metavar="MB",
                     help=f"at most about MB of buffered rows per row group (default: {ROW_GROUP_BYTES / 1e6:.1f})")
    out.add_argument("--part-size", metavar="SIZE", default=None,
                     help="target size of each Parquet file, e.g. 256MB or 1GiB (at least 1MB): a shard's file "
                          "ends at the first row group that reaches it and the next begins (default: off, one "
                          "file per shard; `off` also overrides [output] part_size)")
    rep = sub.add_parser("report", help="print the per-stage report of an output directory")
    rep.add_argument("output", metavar="OUT")
    rep.add_argument("--no-examples", action="store_true", help="only the stats table")
    return p


def _error(message: str, code: int = EXIT_USAGE) -> int:
    print(f"cleanse: error: {message}", file=sys.stderr)
    return code


def _setup_logging(verbose: int, log_file: str | None) -> None:
    root = logging.getLogger("cleanse")
    for h in list(root.handlers):
        root.removeHandler(h)
        h.close()
    root.setLevel(logging.DEBUG)
    root.propagate = False
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG)
    console.setFormatter(logging.Formatter("cleanse: %(levelname)s: %(message)s"))
    root.addHandler(console)
    if log_file:
        fh = logging.FileHandler(log_file, encoding="utf-8")
        fh.setLevel(logging.DEBUG)
        fh.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        root.addHandler(fh)


def _input_roots_check(inputs: list[str], output: str) -> str | None:
    """An error message when the output directory lies inside a local input directory."""
    if is_uri(output):
        return None
    out = os.path.realpath(output)
    for item in inputs:
        if is_uri(item) or not os.path.isdir(item):
            continue
        root = os.path.realpath(item)
        if out == root or out.startswith(root.rstrip(os.sep) + os.sep):
            return (f"the output {output} is inside the input directory {item}: a later run would read its own "
                    f"output as input; choose an --output outside the input tree")
    return None


def _pipeline(args: argparse.Namespace) -> Pipeline:
    toggles = args.no_t2s or args.t2s_config
    if args.pipeline:
        if args.config or toggles:
            raise ConfigError("--config, --no-t2s and --t2s-config apply to the default pipeline, not to a pipeline "
                              "script (build the stages you want in the script)")
        return load_pipeline(args.pipeline)
    if not (args.config or toggles):
        return build_default_pipeline()
    config = read_toml(args.config) if args.config else {}
    return build_pipeline(with_overrides(config, args.no_t2s, args.t2s_config), args.config or "the command line")


def _with_budget(pipeline: Pipeline, args: argparse.Namespace) -> Pipeline:
    """The pipeline with the budget flags applied (a flag left out keeps the pipeline's value)."""
    seconds, per_mb, mb = args.doc_seconds, args.doc_seconds_per_mb, args.doc_mb
    if seconds is None and per_mb is None and mb is None:
        return pipeline
    old = pipeline.budget
    pipeline.budget = Budget(
        max_seconds=old.max_seconds if seconds is None else (seconds or None),
        seconds_per_mb=old.seconds_per_mb if per_mb is None else per_mb,
        max_bytes=old.max_bytes if mb is None else (max(1, int(mb * 1e6)) if mb else None))
    return pipeline


def _text_field(args: argparse.Namespace) -> str:
    """--text-field, else `[input] text_field` of --config, else `text`."""
    if args.text_field is not None:
        if not args.text_field.strip():
            raise ConfigError("--text-field: expected a field name, got an empty string")
        return args.text_field
    if args.config:
        return io_options(read_toml(args.config), args.config)["input"].get("text_field", "text")
    return "text"


def _writer_options(args: argparse.Namespace, pipeline: Pipeline) -> WriterOptions:
    """The output flags over `[output]` of --config over the defaults, checked: ConfigError
    with one line naming the flag (or the file and key) otherwise."""
    table = io_options(read_toml(args.config), args.config)["output"] if args.config else {}
    where = {k: f"{args.config}: output.{k}" for k in table}
    flags = {"columns": args.columns, "compression": args.compression, "compression_level": args.compression_level,
             "row_group_rows": args.row_group_rows, "row_group_mb": args.row_group_mb, "part_size": args.part_size}
    for key, value in flags.items():
        if value is not None:
            table[key], where[key] = value, "--" + key.replace("_", "-")
    columns = table.get("columns")
    if isinstance(columns, str):
        columns = [c.strip() for c in columns.split(",") if c.strip()]
    compression = table.get("compression", "zstd")
    if compression not in COMPRESSIONS:
        raise ConfigError(f"{where['compression']}: unknown codec {compression!r} (codecs: {', '.join(COMPRESSIONS)})")
    for key in ("row_group_rows", "row_group_mb"):
        if key in table and not table[key] > 0:
            raise ConfigError(f"{where[key]}: must be greater than 0, got {table[key]}")
    try:
        size = table.get("part_size")
        off = size is None or (isinstance(size, str) and size.strip().lower() == "off")  # `off`: a flag over [output]
        part_bytes = None if off else parse_size(size)
    except ValueError as exc:
        raise ConfigError(f"{where['part_size']}: {exc}") from None
    try:
        writer = WriterOptions(
            columns=None if columns is None else tuple(columns), compression=compression,
            compression_level=table.get("compression_level"),
            row_group_rows=table.get("row_group_rows", ROW_GROUP_ROWS),
            row_group_bytes=max(1, int(table["row_group_mb"] * 1e6)) if "row_group_mb" in table else ROW_GROUP_BYTES,
            part_bytes=part_bytes)
    except ValueError as exc:
        bare = str(table["part_size"]).strip().isdigit()
        raise ConfigError(f"{where['part_size']}: {table['part_size']!r}: {exc}"
                          + (" (a number without a unit counts bytes: write e.g. 256MB)" if bare else "")) from None
    try:
        writer.select(document_schema(pipeline.stages))
    except ValueError as exc:
        raise ConfigError(f"{where['columns']}: {exc}") from None
    if writer.compression_level is not None:
        try:
            pa.Codec(writer.compression, writer.compression_level)
        except ValueError as exc:
            raise ConfigError(f"{where['compression_level']}: {exc}") from None
    return writer


def _cmd_run(args: argparse.Namespace) -> int:
    _setup_logging(args.verbose, args.log_file)
    args.workers_given = args.workers is not None
    if args.workers is None:
        args.workers = os.cpu_count() or 1
    try:
        pipeline = _with_budget(_pipeline(args), args)
        reader = CrawlReader(max(1024, int(args.chunk_mb * 1e6)), _text_field(args))
        files = expand_inputs(args.input, follow_symlinks=args.follow_symlinks)
    except (PipelineScriptError, InputError, ConfigError) as exc:
        return _error(str(exc))
    if not files:
        return _error("the inputs hold no files")
    try:
        writer = _writer_options(args, pipeline)
    except ConfigError as exc:
        return _error(str(exc))
    if args.dedup and writer.columns is not None:
        from cleanse.dedup.phase import COLUMNS as DEDUP_COLUMNS

        missing = [c for c in DEDUP_COLUMNS if c not in writer.columns]
        if missing:
            return _error(f"--dedup needs the document column(s) {', '.join(missing)}: add them to --columns "
                          f"(or output.columns)")
    unsafe = _input_roots_check(args.input, args.output)
    if unsafe:
        return _error(unsafe)
    log.info("pipeline %s, %d input files, output %s", pipeline.id, len(files), args.output)
    progress = None if args.quiet else Progress(args.progress)
    common: dict[str, Any] = dict(
        overwrite=args.overwrite,
        on_shard=progress.update if progress else None, on_start=progress.start if progress else None,
        shard_max_files=args.shard_files,
        shard_max_bytes=None if args.shard_mb is None else max(1, int(args.shard_mb * 1e6)),
        chunk_bytes=max(1024, int(args.chunk_mb * 1e6)),
    )
    with _sigterm_raises():
        try:
            if args.executor == "ray":
                from cleanse.executors.ray import RayUnavailable, run_ray

                try:
                    summary = run_ray(pipeline, files, args.output, address=args.address,
                                      workers=args.workers if args.workers_given else None, reader=reader,
                                      writer_options=writer, **common)
                except RayUnavailable as exc:
                    return _error(str(exc))
            else:
                summary = run(pipeline, files, args.output, workers=args.workers, fail_fast=args.fail_fast,
                              writer_options=writer, reader=reader, **common)
        except KeyboardInterrupt as exc:
            if progress:
                progress.close()
                progress = None
            return _stopped(exc, args.output)
        except StageFailed as exc:
            log.debug("stopped by --fail-fast", exc_info=True)
            return _error(f"--fail-fast: {str(exc).splitlines()[0]} (run again without --fail-fast to reject such "
                          f"documents as stage_error; the finished shards are kept)", EXIT_STAGE_ERROR)
        except OutputError as exc:
            return _error(str(exc))
        except OSError as exc:  # storage that fails mid-run (a full disk, a lost connection)
            log.debug("storage error", exc_info=True)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return _error(f"{args.output}: {first}")
        finally:
            if progress:
                progress.close()
    c = summary.manifest["counts"]
    if c.get("inputs_skipped"):
        where = os.path.join(args.output, MANIFEST_FILE)
        log.warning("%d entries of the input directories were not read (unreadable directories, symlinks out of "
                    "the input; see skipped_inputs in %s)", c["inputs_skipped"], where)
    if not args.quiet:
        print(f"{c['inputs']} inputs -> {c['rows']} rows, {c['rejects']} rejects in {args.output}"
              + (f" ({summary.skipped_shards} shards resumed from an earlier run)" if summary.skipped_shards else ""))
        print(stats_table([s.to_dict() for s in summary.stats]))
        m = summary.manifest
        secs, setup = m["seconds"], m.get("setup_seconds")
        print(f"{secs:.2f} s" + (f" ({setup:.2f} s of it loading dictionaries and rules)" if setup else "")
              + (f", {c['bytes'] / 1e6 / secs:.2f} MB/s" if secs else ""))
    status = _check_counts(c, args)
    if args.dedup and status == EXIT_OK:
        return _dedup(args.output, args, max(1, args.workers))
    return status


def _check_counts(counts: dict[str, Any], args: argparse.Namespace) -> int:
    """EXIT_CHECK_FAILED (with one line on stderr) when the run produced no row, or more rejects
    of the chosen reasons than `--max-reject-rate` allows; else EXIT_OK."""
    reasons: dict[str, int] = counts.get("reject_reasons", {})
    if counts["rows"] == 0:
        detail = ", ".join(f"{r}: {n}" for r, n in reasons.items()) or "no records"
        return _error(f"no input became a row ({counts['inputs']} inputs, {counts['rejects']} rejects: {detail})",
                      EXIT_CHECK_FAILED)
    if args.max_reject_rate is not None:
        chosen = None if args.reject_reasons is None else {r.strip() for r in args.reject_reasons.split(",")}
        counted = {r: n for r, n in reasons.items() if chosen is None or r in chosen}
        total = counts["rows"] + counts["rejects"]
        rate = sum(counted.values()) / total if total else 0.0
        if rate > args.max_reject_rate:
            detail = ", ".join(f"{r}: {n}" for r, n in counted.items())
            return _error(f"{sum(counted.values())} of {total} records rejected ({rate:.1%}: {detail}), above "
                          f"--max-reject-rate {args.max_reject_rate}", EXIT_CHECK_FAILED)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "run":
        return _cmd_run(args)
    if args.command == "dedup":
        return _dedup(args.output, args, max(1, args.workers or os.cpu_count() or 1))
    if args.command == "report":
        try:
            if not Storage(args.output).exists(STATS_FILE):
                return _error(f"{args.output} has no {STATS_FILE} (not a finished cleanse output)")
        except (OSError, ValueError) as exc:
            return _error(f"cannot read {args.output}: {exc}")
        try:
            text = report(args.output, with_examples=not args.no_examples)
        except (OSError, ValueError, TypeError, KeyError, AttributeError, pa.ArrowException) as exc:
            log.debug("report failed", exc_info=True)
            first = (str(exc).strip().splitlines() or [""])[0]
            return _error(f"{args.output}: cannot report, {STATS_FILE} or a part file is malformed "
                          f"({type(exc).__name__}: {first}); run the same `cleanse run` again to rewrite them")
        try:
            print(text)
            sys.stdout.flush()
        except BrokenPipeError:  # `cleanse report OUT | head`: the reader has gone, not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
