"""The dedup options of `cleanse run --dedup` and `cleanse dedup OUT` (kept here so that the
main CLI only wires them in), and the `[dedup]` table of a TOML configuration file:

    [dedup]                        # docs/dedup.md
    exact = true
    near = true
    [dedup.minhash]
    ngram = 5
    threshold = 0.6
    bands = 32
    rows = 4
    [dedup.repeated_lines]
    enabled = true
    min_docs = 5
    min_fraction = 0.05
    edges_only = true
    repeated_title = true
    title_ratio = 0.5

Flags given on the command line win over the file.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Mapping
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from cleanse.dedup.lines import RepeatedLinesConfig
from cleanse.dedup.minhash import MinHashConfig
from cleanse.dedup.phase import DedupConfig, DedupError, DedupSummary, dedup_output
from cleanse.io.lock import OutputError


class DedupConfigError(ValueError):
    """A `[dedup]` table that cannot be used; the message names the file and the key."""


def add_dedup_options(p: argparse.ArgumentParser) -> None:
    d = MinHashConfig()
    g = p.add_argument_group("dedup (see docs/dedup.md; defaults from the [dedup] table of --config)")
    g.add_argument("--no-exact", action="store_true", default=None,
                   help="do not remove exact duplicates (normalised form)")
    g.add_argument("--no-near", action="store_true", default=None, help="do not remove near duplicates (MinHash LSH)")
    g.add_argument("--no-repeated-lines", action="store_true", default=None,
                   help="do not remove lines repeated across the documents of a site")
    g.add_argument("--ngram", type=int, default=None, help=f"characters per shingle (default: {d.ngram})")
    g.add_argument("--threshold", type=float, default=None,
                   help=f"estimated Jaccard similarity at which two documents are near duplicates (default: {d.threshold})")
    g.add_argument("--bands", type=int, default=None, help=f"LSH bands (default: {d.bands})")
    g.add_argument("--rows", type=int, default=None, help=f"signature values per band (default: {d.rows})")


def _options(cls: type, table: Any, where: str, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    if not isinstance(table, Mapping):
        raise DedupConfigError(f"{where}: expected a table, got {table!r}")
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in skip}
    defaults = cls()
    out = {}
    for name, value in table.items():
        if name not in fields:
            raise DedupConfigError(f"{where}.{name}: unknown option (options: {', '.join(fields)})")
        default = getattr(defaults, name)
        ok = isinstance(value, type(default)) or (isinstance(default, float) and isinstance(value, int)
                                                   and not isinstance(value, bool))
        if not ok or (isinstance(value, bool) and not isinstance(default, bool)):
            raise DedupConfigError(f"{where}.{name}: expected a {type(default).__name__}, got "
                                   f"{type(value).__name__} {value!r}")
        out[name] = float(value) if isinstance(default, float) else value
    return out


def config_from_table(table: Mapping[str, Any] | None, where: str = "<config>") -> DedupConfig:
    """The DedupConfig of a `[dedup]` table (a parsed TOML mapping; None: the defaults)."""
    table = dict(table or {})
    minhash = table.pop("minhash", {})
    lines = table.pop("repeated_lines", {})
    top = _options(DedupConfig, table, f"{where}: dedup", skip=("minhash", "lines"))
    try:
        return DedupConfig(**top, minhash=MinHashConfig(**_options(MinHashConfig, minhash, f"{where}: dedup.minhash")),
                           lines=RepeatedLinesConfig(**_options(RepeatedLinesConfig, lines,
                                                                f"{where}: dedup.repeated_lines")))
    except ValueError as exc:
        raise DedupConfigError(f"{where}: {exc}") from exc


def dedup_config(args: argparse.Namespace, table: Mapping[str, Any] | None = None,
                 where: str = "<config>") -> DedupConfig:
    """The configuration file's `[dedup]` table with the flags given on the command line on top."""
    base = config_from_table(table, where)
    minhash = {k: getattr(args, k) for k in ("ngram", "threshold", "bands", "rows") if getattr(args, k, None) is not None}
    return dataclasses.replace(
        base, exact=base.exact and not args.no_exact, near=base.near and not args.no_near,
        minhash=dataclasses.replace(base.minhash, **minhash),
        lines=dataclasses.replace(base.lines, enabled=base.lines.enabled and not args.no_repeated_lines))


def print_summary(s: DedupSummary) -> None:
    from cleanse.report import dedup_line

    print(dedup_line(s.to_dict()) + f"; {s.seconds:.2f} s" + (" (done before)" if s.resumed else ""))


def run_dedup(out: str, args: argparse.Namespace, workers: int) -> int:
    config_file = getattr(args, "config", None)
    try:
        table = None
        if config_file:
            from cleanse.config import ConfigError, read_toml

            try:
                table = read_toml(config_file).get("dedup")
            except ConfigError as exc:
                raise DedupConfigError(str(exc)) from exc
        cfg = dedup_config(args, table, config_file or "<config>")
        summary = dedup_output(out, cfg, workers=workers, executor=args.executor,
                               address=getattr(args, "address", None))
    except (DedupError, DedupConfigError, OutputError) as exc:
        print(f"cleanse: error: {exc}", file=sys.stderr)
        return 2
    except BrokenProcessPool:  # a worker killed (SIGKILL, the OOM killer) or crashed in C code
        print(f"cleanse: error: a dedup worker process died (killed or crashed); run the same command again to "
              f"resume {out}", file=sys.stderr)
        return 2
    if not getattr(args, "quiet", False):
        print_summary(summary)
    return 0
