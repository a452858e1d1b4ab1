"""Throughput of the boilerplate + normalization stages (split_articles, html_residue,
boilerplate_lines, header_meta, normalize_zh, quality_signals), one core.

    PYTHONPATH=. python benchmarks/bench_boilerplate.py [--mb 8] [--repeat 3] [--raw]

Input: the five seeds, in source script and after OpenCC t2s, as separate documents,
repeated until the corpus holds about --mb MB of UTF-8. MB/s counts input UTF-8 bytes.
Also compares the line-rule engine (one trigger scan over the whole text, rules tried on
hit lines only) against the naive composition (every rule on every line), same rules,
same output checked equal.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import opencc

from cleanse.boilerplate import (
    BoilerplateLinesStage, HeaderMetaStage, HtmlResidueStage, SplitArticlesStage, remove_boilerplate_lines,
)
from cleanse.boilerplate.rules import line_rules
from cleanse.document import Document
from cleanse.normalization import NormalizeZhStage, QualitySignalsStage
from cleanse.normalization.normalize import split_paragraphs

ROOT = Path(__file__).resolve().parent.parent


# Stand-in for the repair stages that run before these ones in the pipeline: the seeds'
# pinyin ruby notes (領(lǐng)導(dǎo)) would otherwise make every word a parenthesis.
PINYIN_NOTE = re.compile(r"\((?:[a-zA-Zü]|[\u00e0-\u01dc])+\)")


def corpus(mb: float, raw: bool = False) -> list[str]:
    t2s = opencc.OpenCC("t2s")
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    if not raw:
        texts = [PINYIN_NOTE.sub("", t) for t in texts]
    texts += [t2s.convert(t) for t in texts]
    out: list[str] = []
    size = 0
    while size < mb * 1e6:
        for t in texts:
            out.append(t)
            size += len(t.encode("utf-8"))
    return out


def naive_lines(text: str) -> list[tuple[str, str]]:
    """Reference: every line rule tried on every line; returns the (rule, line) removals."""
    rules = [r for r in line_rules().rules if r.scope == "line"]
    out = []
    for line in split_paragraphs(text).split("\n"):
        s = line.strip().strip("|｜").strip()
        for rule in rules:
            if s and len(s) <= rule.max_len and rule.regex.search(s):
                out.append((rule.id, s))
                break
    return out


def fast_lines(text: str) -> list[tuple[str, str]]:
    line_ids = {r.id for r in line_rules().rules if r.scope == "line"}
    return [(r, t) for r, t in remove_boilerplate_lines(text).removed if r in line_ids]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=8.0)
    ap.add_argument("--raw", action="store_true", help="keep the seeds' pinyin notes (worst case)")
    ap.add_argument("--repeat", type=int, default=3, help="passes over the corpus; the best is reported")
    args = ap.parse_args()
    docs = corpus(args.mb, args.raw)
    total = sum(len(t.encode("utf-8")) for t in docs)
    print(f"corpus: {len(docs)} documents, {total / 1e6:.1f} MB UTF-8")

    split = SplitArticlesStage()
    text_stages = [HtmlResidueStage(), BoilerplateLinesStage(), HeaderMetaStage(), NormalizeZhStage(), QualitySignalsStage()]
    per_stage = dict.fromkeys((s.name for s in [split, *text_stages]), 0.0)
    clock = time.perf_counter
    # Warm-up: rule tables are compiled once per process (lazily); not part of throughput.
    warm = Document.from_bytes("w", docs[0].encode("utf-8"))
    warm.text, warm.encoding = docs[0], "utf-8"
    t = clock()
    split.process(warm)
    for stage in text_stages:
        stage.process(warm)
    print(f"one-time rule compilation: {clock() - t:.2f} s")
    # The machine may be shared: every pass is timed, and the best pass (and, per stage, its
    # best pass) is reported, as the least disturbed measurement.
    best_busy = float("inf")
    best = dict.fromkeys(per_stage, float("inf"))
    for _ in range(max(1, args.repeat)):
        per_stage = dict.fromkeys(per_stage, 0.0)
        for i, text in enumerate(docs):
            raw = text.encode("utf-8")
            doc = Document.from_bytes(f"doc{i}", raw)
            doc.text, doc.encoding = text, "utf-8"
            t = clock()
            parts = split.process(doc)
            per_stage[split.name] += clock() - t
            for part in parts if isinstance(parts, list) else [parts]:
                for stage in text_stages:
                    t = clock()
                    stage.process(part)
                    per_stage[stage.name] += clock() - t
        best_busy = min(best_busy, sum(per_stage.values()))
        best = {k: min(v, per_stage[k]) for k, v in best.items()}
    print(f"all six stages: {total / 1e6 / best_busy:.1f} MB/s (best of {args.repeat} passes, stage time {best_busy:.2f} s)")
    for name, sec in best.items():
        print(f"  {name:18s} {total / 1e6 / sec:8.1f} MB/s")

    sample = docs[: max(10, len(docs) // 4)]
    size = sum(len(t.encode("utf-8")) for t in sample)
    t = clock()
    fast = [fast_lines(x) for x in sample]
    t_fast = clock() - t
    t = clock()
    slow = [naive_lines(x) for x in sample]
    t_slow = clock() - t
    same = all(a == b for a, b in zip(fast, slow))
    print(
        f"line rules: trigger engine {size / 1e6 / t_fast:.1f} MB/s vs naive every-rule-every-line "
        f"{size / 1e6 / t_slow:.1f} MB/s -> {t_slow / t_fast:.1f}x (outputs equal: {same})"
    )


if __name__ == "__main__":
    main()
