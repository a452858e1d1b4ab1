"""Growth of the repair stages' time with the length of one line (no newlines).

    PYTHONPATH=. python benchmarks/bench_repair_scaling.py [--sizes 250000,1000000,4000000]

The line is made of the damaged seed lines (003 and 004: GBK shifts, lost characters, pinyin
notes) glued together without newlines, so that every lost character of the document is in
one line. Prints seconds per stage and the growth exponent between consecutive sizes
(1.0 = linear; cjk_mojibake was quadratic before its slot resolution was split into runs).
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="250000,1000000,4000000")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    repair_mojibake(long_line(2000)), strip_ruby("領(lǐng)")  # load tables outside the timing
    prev: dict[str, float] = {}
    for n in sizes:
        text = long_line(n)
        row = {}
        for name, fn in (("ftfy_zh", fix_text_zh), ("cjk_mojibake", repair_mojibake), ("pinyin_ruby", strip_ruby)):
            t = time.perf_counter()
            fn(text)
            row[name] = time.perf_counter() - t
        growth = "  ".join(
            f"{k} x{math.log(row[k] / prev[k]) / math.log(n / prev_n):.2f}" for k in row if prev and prev[k] > 0)
        print(f"{n:>10,} chars  " + "  ".join(f"{k} {v:6.2f}s" for k, v in row.items())
              + (f"   exponent: {growth}" if growth else ""))
        prev, prev_n = row, n


if __name__ == "__main__":
    main()
