"""Growth of the repair stages' time with the length of one line (no newlines).

    PYTHONPATH=. python benchmarks/bench_repair_scaling.py [--sizes 250000,1000000,4000000]

The line is made of the damaged seed lines (003 and 004: GBK shifts, lost characters, pinyin
notes) glued together without newlines, so that every lost character of the document is in
one line. Prints seconds per stage and the growth exponent between consecutive sizes
(1.0 = linear; cjk_mojibake was quadratic before its slot resolution was split into runs).

    PYTHONPATH=. python benchmarks/bench_repair_scaling.py --adversarial [--sizes 10000,100000,1000000]
        [--kinds alternating,holes]

The adversarial bound (issue 11): one line of Han characters (drawn with the character
frequencies of the legal and classical texts of tests/data/clean_corpus) alternating with
ASCII `?` (`中?文?…`, every character a lost-character suspect), and Han characters with 5 %
of them `?` (seeded). Seconds per stage, µs per character and the growth exponent.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))

from cleanse.repair import fix_text_zh, repair_mojibake, strip_ruby  # noqa: E402


def long_line(n: int, seed: int = 5) -> str:
    lines = [line for p in sorted((ROOT / "seeds").glob("00[34]_*.txt"))
             for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    parts, size = [], 0
    while size < n:
        parts.append(rng.choice(lines))
        size += len(parts[-1])
    return "".join(parts)[:n]


def _prose_han() -> str:
    import json

    sample = ROOT / "tests" / "data" / "clean_corpus" / "sample.jsonl"
    docs = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines()]
    return "".join(c for d in docs if d["genre"] in ("legal_hans", "classical_prose_hant") for c in d["text"]
                   if "\u4e00" <= c <= "\u9fff")


def adversarial(kind: str, n: int, seed: int = 5) -> str:
    """`alternating`: Han, `?`, Han, `?`…; `holes`: Han text with 5 % of it `?`. The Han
    characters are drawn at random with the prose's character frequencies, so that no local
    context repeats (repeating the prose would let the stage's local memos hit)."""
    rng = random.Random(seed)
    text = rng.choices(_prose_han(), k=n)
    if kind == "alternating":
        return "".join(c + "?" for c in text[: n // 2])[:n]
    return "".join("?" if rng.random() < 0.05 else c for c in text)


def adversarial_main(sizes: list[int], kinds: list[str]) -> None:
    repair_mojibake("中?文"), strip_ruby("領(lǐng)")
    for kind in kinds:
        prev: dict[str, float] = {}
        for n in sizes:
            text = adversarial(kind, n)
            row = {}
            for name, fn in (("ftfy_zh", fix_text_zh), ("cjk_mojibake", repair_mojibake), ("pinyin_ruby", strip_ruby)):
                t = time.process_time()
                fn(text)
                row[name] = time.process_time() - t
            growth = "  ".join(f"{k} x{math.log(row[k] / prev[k]) / math.log(n / prev_n):.2f}"
                               for k in row if prev and prev[k] > 0)
            print(f"{kind:11s} {n:>10,} chars  " + "  ".join(f"{k} {v:7.2f}s ({v / n * 1e6:5.2f} µs/char)"
                                                         for k, v in row.items())
                  + (f"   exponent: {growth}" if growth else ""))
            prev, prev_n = row, n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default=None)
    ap.add_argument("--adversarial", action="store_true", help="Han alternating with `?`, and 5%% `?` holes")
    ap.add_argument("--kinds", default="alternating,holes", help="adversarial inputs to run")
    args = ap.parse_args()
    if args.adversarial:
        adversarial_main([int(s) for s in (args.sizes or "10000,100000,1000000").split(",")], args.kinds.split(","))
        return
    sizes = [int(s) for s in (args.sizes or "250000,1000000,4000000").split(",")]
    repair_mojibake(long_line(2000)), strip_ruby("領(lǐng)")  # load tables outside the timing
    prev: dict[str, float] = {}
    for n in sizes:
        text = long_line(n)
        row = {}
        for name, fn in (("ftfy_zh", fix_text_zh), ("cjk_mojibake", repair_mojibake), ("pinyin_ruby", strip_ruby)):
            t = time.process_time()
            fn(text)
            row[name] = time.process_time() - t
        growth = "  ".join(
            f"{k} x{math.log(row[k] / prev[k]) / math.log(n / prev_n):.2f}" for k in row if prev and prev[k] > 0)
        print(f"{n:>10,} chars  " + "  ".join(f"{k} {v:6.2f}s" for k, v in row.items())
              + (f"   exponent: {growth}" if growth else ""))
        prev, prev_n = row, n


if __name__ == "__main__":
    main()
