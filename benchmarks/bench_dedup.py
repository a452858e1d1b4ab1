"""Dedup benchmark on a planted corpus (benchmarks/planted.py): precision and recall per kind
of planted copy, throughput and memory; a parameter sweep; datatrove's MinHash on the same
corpus; a simulated 10M-document signatures-only run.

    python benchmarks/bench_dedup.py sweep --docs 20000
    python benchmarks/bench_dedup.py run --docs 100000 [--datatrove-python /work/venv-datatrove/bin/python]
    python benchmarks/bench_dedup.py simulate --docs 10000000
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from planted import KINDS, Planted, load_pool, planted_corpus  # noqa: E402

from cleanse import convert  # noqa: E402
from cleanse.dedup.clusters import KIND_KEPT, resolve  # noqa: E402
from cleanse.dedup.minhash import MinHashConfig  # noqa: E402
from cleanse.dedup.phase import DedupConfig, text_signatures  # noqa: E402


def pipeline_text(d: Planted) -> str:
    """What the pipeline hands the dedup phase: Traditional copies already converted."""
    return convert(d.text, "t2s") if d.kind == "traditional" else d.text


def score(docs: list[Planted], dropped: set[int], dup_of: dict[int, int]) -> dict[str, object]:
    """Recall per planted kind (a copy is found when dropped as a duplicate of its base, or its
    base dropped as a duplicate of it), precision over all dropped documents."""
    index = {d.name: i for i, d in enumerate(docs)}
    found = collections.Counter()
    total = collections.Counter()
    true_pairs = set()
    for i, d in enumerate(docs):
        if d.base is not None:
            b = index[d.base]
            true_pairs.add((b, i))
            total[d.kind] += 1
            if (i in dropped and dup_of[i] == b) or (b in dropped and dup_of[b] == i):
                found[d.kind] += 1
    # A dropped document is correct when it and its kept document are copies of one base.
    group = {i: index[d.base] if d.base else i for i, d in enumerate(docs)}
    correct = sum(1 for i in dropped if group[i] == group[dup_of[i]])
    wrong_quotation = sum(1 for i in dropped if docs[i].kind == "quotation" or docs[dup_of[i]].kind == "quotation")
    recall = {k: round(found[k] / total[k], 4) if total[k] else None for k in KINDS}
    return {"dropped": len(dropped), "precision": round(correct / len(dropped), 4) if dropped else 1.0,
            "recall": round(sum(found.values()) / max(1, sum(total.values())), 4), "recall_by_kind": recall,
            "quotation_false_positives": wrong_quotation, "planted": sum(total.values())}


def dedup_in_memory(texts: list[str], cfg: DedupConfig) -> tuple[set[int], dict[int, int], float]:
    t0 = time.perf_counter()
    exact, bands, sig = [], [], []
    for s in range(0, len(texts), 1024):
        e, b, g = text_signatures(texts[s:s + 1024], cfg)
        exact.append(e), bands.append(b), sig.append(g)
    exact, bands, sig = np.concatenate(exact), np.concatenate(bands), np.concatenate(sig)
    rank = np.arange(len(texts))
    res = resolve(rank, exact, bands, lambda o: sig[o], cfg.minhash.threshold)
    dropped = set(np.flatnonzero(res.kind != KIND_KEPT).tolist())
    return dropped, {i: int(res.kept_as[i]) for i in dropped}, time.perf_counter() - t0


def cmd_sweep(args: argparse.Namespace) -> None:
    docs = list(planted_corpus(args.docs, load_pool()))
    texts = [pipeline_text(d) for d in docs]
    for ngram in (3, 5, 7):
        for bands, rows in ((16, 8), (32, 4), (20, 5)):
            for thr in (0.5, 0.6, 0.7, 0.8):
                cfg = DedupConfig(minhash=MinHashConfig(ngram=ngram, bands=bands, rows=rows, threshold=thr))
                dropped, dup_of, secs = dedup_in_memory(texts, cfg)
                s = score(docs, dropped, dup_of)
                print(json.dumps({"ngram": ngram, "bands": bands, "rows": rows, "threshold": thr,
                                  "seconds": round(secs, 2), **s}, ensure_ascii=False), flush=True)


def main() -> int:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sweep")
    s.add_argument("--docs", type=int, default=20000)
    args = p.parse_args()
    if args.cmd == "sweep":
        cmd_sweep(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
