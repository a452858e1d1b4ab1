"""Output snapshot of the repair stages, to prove that a speed change changes nothing.

    PYTHONPATH=. python benchmarks/repair_snapshot.py --write /tmp/repair_snap.pkl [--mb 6]
    PYTHONPATH=. python benchmarks/repair_snapshot.py --check /tmp/repair_snap.pkl

Inputs: the seeds whole and line by line, the synthetic damage set (tests/repair_damage.py,
seeds 3 and 7), the clean corpus of tests/repair/test_clean.py, pages of the bench_pipeline
corpus (decoded as the pipeline would see them: GBK/Big5 pages round-tripped with
replacement), and a few long lines made of glued seed lines. Each input goes through
ftfy_zh -> cjk_mojibake -> pinyin_ruby (as in the pipeline), and cjk_mojibake and pinyin_ruby
also run on the raw input. Every output (text, repairs, removed) is compared.
"""

from __future__ import annotations

import argparse
import glob
import os
import random
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))

from benchmarks import snapshots  # noqa: E402
from benchmarks.bench_pipeline import pages  # noqa: E402
from cleanse.repair import fix_text_zh, repair_mojibake, strip_ruby  # noqa: E402


def corpus_pages(mb: float, seed: int = 1) -> list[str]:
    """The texts of benchmarks/bench_pipeline.build_corpus pages, as decoded."""
    out, total = [], 0
    for data, codec in pages(seed):
        if total >= mb * 1e6:
            break
        text = data.decode(codec)
        out.append(text)
        total += len(text.encode("utf-8"))
    return out


def inputs(mb: float) -> list[str]:
    from repair_damage import synthetic_cases
    from tests.repair.test_clean import clean_corpus

    seeds = [open(p, encoding="utf-8").read() for p in sorted(glob.glob(os.path.join(ROOT, "seeds", "*.txt")))]
    texts = list(seeds)
    for s in seeds:
        texts.extend(line for line in s.splitlines() if line.strip())
    for seed in (3, 7):
        texts.extend(c.damaged for c in synthetic_cases(seed))
    texts.extend(clean_corpus())
    texts.extend(corpus_pages(mb))
    damaged = [line for s in seeds[3:] for line in s.splitlines() if line.strip()]
    rng = random.Random(5)
    for size in (20_000, 200_000):
        parts, n = [], 0
        while n < size:
            parts.append(rng.choice(damaged))
            n += len(parts[-1])
        texts.append("".join(parts))
        texts.append(" ".join(parts))
    return texts


def outputs(texts: list[str]) -> tuple[list, dict[str, float]]:
    def rec(e):
        return (e.text, tuple(e.repairs), tuple(e.removed))

    secs = {"ftfy_zh": 0.0, "cjk_mojibake": 0.0, "pinyin_ruby": 0.0, "raw": 0.0}
    out = []
    for t in texts:
        t0 = time.perf_counter()
        a = fix_text_zh(t)
        t1 = time.perf_counter()
        b = repair_mojibake(a.text)
        t2 = time.perf_counter()
        c = strip_ruby(b.text)
        t3 = time.perf_counter()
        d = repair_mojibake(t) if a.text != t else b
        e = strip_ruby(t)
        secs["ftfy_zh"] += t1 - t0
        secs["cjk_mojibake"] += t2 - t1
        secs["pinyin_ruby"] += t3 - t2
        secs["raw"] += time.perf_counter() - t3
        out.append((rec(a), rec(b), rec(c), rec(d), rec(e)))
    return out, secs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write")
    ap.add_argument("--check")
    ap.add_argument("--mb", type=float, default=6.0)
    args = ap.parse_args()
    texts = inputs(args.mb)
    size = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    got, secs = outputs(texts)
    print(f"{len(texts)} inputs, {size:.1f} MB; seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in secs.items()))
    if args.write:
        snapshots.write(args.write, texts, got)
    if args.check:
        names = ("ftfy_zh", "cjk_mojibake", "pinyin_ruby", "cjk_mojibake(raw)", "pinyin_ruby(raw)")
        sys.exit(1 if snapshots.differences(args.check, texts, got, names) else 0)

if __name__ == "__main__":
    main()
