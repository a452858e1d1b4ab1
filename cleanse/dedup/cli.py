"""The dedup options of `cleanse run --dedup` and `cleanse dedup OUT` (kept here so that the
main CLI only wires them in)."""

from __future__ import annotations

import argparse
import sys

from cleanse.dedup.minhash import MinHashConfig
from cleanse.io.lock import OutputError
from cleanse.dedup.phase import DedupConfig, DedupError, DedupSummary, dedup_output


def add_dedup_options(p: argparse.ArgumentParser) -> None:
    d = MinHashConfig()
    g = p.add_argument_group("dedup (see docs/dedup.md)")
    g.add_argument("--no-exact", action="store_true", help="do not remove exact duplicates (normalised form)")
    g.add_argument("--no-near", action="store_true", help="do not remove near duplicates (MinHash LSH)")
    g.add_argument("--ngram", type=int, default=d.ngram, help=f"characters per shingle (default: {d.ngram})")
    g.add_argument("--threshold", type=float, default=d.threshold,
                   help=f"estimated Jaccard similarity at which two documents are near duplicates (default: {d.threshold})")
    g.add_argument("--bands", type=int, default=d.bands, help=f"LSH bands (default: {d.bands})")
    g.add_argument("--rows", type=int, default=d.rows, help=f"signature values per band (default: {d.rows})")


def dedup_config(args: argparse.Namespace) -> DedupConfig:
    return DedupConfig(exact=not args.no_exact, near=not args.no_near,
                       minhash=MinHashConfig(ngram=args.ngram, bands=args.bands, rows=args.rows,
                                             threshold=args.threshold))


def print_summary(s: DedupSummary, out: str) -> None:
    print(f"dedup: {s.documents} documents -> {s.kept} kept; {s.exact} exact and {s.near} near duplicates "
          f"moved to {out}/duplicates ({s.clusters} clusters; {s.seconds:.2f} s)"
          + (" (done before)" if s.resumed else ""))


def run_dedup(out: str, args: argparse.Namespace, workers: int) -> int:
    try:
        summary = dedup_output(out, dedup_config(args), workers=workers, executor=args.executor,
                               address=getattr(args, "address", None))
    except (DedupError, OutputError) as exc:
        print(f"cleanse: error: {exc}", file=sys.stderr)
        return 2
    if not getattr(args, "quiet", False):
        print_summary(summary, out)
    return 0
