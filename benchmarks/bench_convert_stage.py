"""Benchmark: what the convert_t2s stage's mojibake protection costs on clean text.

    PYTHONPATH=. python benchmarks/bench_convert_stage.py [--rounds 5] [--genres ...]

Per genre of the clean regression corpus (`benchmarks/repair_corpus.py`: the fetched mirrors,
else the sample in tests/data/clean_corpus), CPU time of `convert_edits` on its documents in
interleaved rounds, best of `--rounds`:
- `plain`: no protection (`protect=False`, what OpenCC alone does);
- `windows`: the UTF-8-as-GBK windows only (`cleanse.script.protect`; the re-read guard off);
- `guard`: the stage's default (windows and `cleanse.script.reread`);
and, for scale, `cjk_mojibake` (`repair_mojibake`, one pass) on the same documents. Ratios
are against `plain` in the same run. Also checks that the stage leaves no clean character
unconverted (the output equals plain OpenCC's).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import cleanse.script.stage as stage  # noqa: E402
from cleanse.repair.cjk import repair_mojibake  # noqa: E402


def documents(genres: list[str] | None) -> dict[str, list[str]]:
    try:
        from benchmarks.repair_corpus import corpus
        return {g: [t for _, t in docs] for g, docs in corpus(genres).items()}
    except Exception as exc:  # no mirrors: the sample
        print(f"corpus unavailable ({exc.__class__.__name__}): using tests/data/clean_corpus")
        out: dict[str, list[str]] = {}
        with open(os.path.join(ROOT, "tests", "data", "clean_corpus", "sample.jsonl"), encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                if not genres or d["genre"] in genres:
                    out.setdefault(d["genre"], []).append(d["text"])
        return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--genres", nargs="*", default=["classical_prose_hant", "poetry_hant", "chat", "legal_hans"])
    a = ap.parse_args()
    print("load average", os.getloadavg())
    real_guard = stage.guard

    def off(text: str, out: str) -> tuple[str, int, list[str]]:
        return out, 0, []

    runs = {
        "plain": lambda docs: stage.convert_edits(docs, protect=False),
        "windows": lambda docs: stage.convert_edits(docs, protect=True),
        "guard": lambda docs: stage.convert_edits(docs, protect=True),
        "cjk_mojibake": lambda docs: [repair_mojibake(t) for t in docs],
    }
    for genre, docs in documents(a.genres).items():
        mb = sum(len(t.encode("utf-8")) for t in docs) / 1e6
        plain = [e.text for e in stage.convert_edits(docs, protect=False)]
        guarded = stage.convert_edits(docs, protect=True)
        left = sum(e.text != p for e, p in zip(guarded, plain))
        for t in docs[:20]:
            repair_mojibake(t)  # warm the memos
        best = {k: float("inf") for k in runs}
        for _ in range(a.rounds):
            for name, fn in runs.items():
                stage.guard = off if name == "windows" else real_guard
                t0 = time.process_time()
                fn(docs)
                best[name] = min(best[name], time.process_time() - t0)
        stage.guard = real_guard
        cells = "  ".join(f"{k} {v:.3f}s ({mb / v:.1f} MB/s, {v / best['plain']:.2f}x)" for k, v in best.items())
        print(f"{genre:22s} {len(docs):6d} docs {mb:6.2f} MB  {cells}  documents differing from plain: {left}")
    print("load average", os.getloadavg())


if __name__ == "__main__":
    main()
