"""Seconds of each repair stage's function on a corpus, as the pipeline feeds it.

    PYTHONPATH=. python benchmarks/bench_repair_corpus.py [DIR] [--repeat 5] [--base PATH]

DIR (default /tmp/bw/corpus, see bench_pipeline.py --keep) is decoded and split as in the
default pipeline; then ftfy_zh, cjk_mojibake and pinyin_ruby each run over all texts on
their pipeline input (min of --repeat runs: the machine is shared). cjk_mojibake memoises
slot rankings and one-character cluster verdicts on their local context (`_rank`,
`_single_verdict`), so it is timed "warm" (memo kept across repeats, as in a
long-running worker) and "cold" (cleared before each run), and once more cold on the
synthetic damage of tests/repair_damage.py (seeds 3 and 7: every line damaged, none repeated).
--base PATH runs the same measurement with the
package at PATH (e.g. a `git archive` of an older commit) in a subprocess and prints ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parent.parent

def stage_inputs(corpus: str) -> list[str]:
    from cleanse.defaults import zh_web_stages
    from cleanse.document import Document
    from cleanse.io.readers import read_source
    from cleanse.io.sources import expand_inputs
    from cleanse.pipeline import Pipeline

    front = Pipeline("bench", "0", zh_web_stages()[:2])  # decode, split_articles
    return [d.text for d in front.run([read_source(f) for f in expand_inputs([corpus])]) if isinstance(d, Document)]


def measure(corpus: str, repeat: int) -> dict[str, float]:
    from cleanse.repair import fix_text_zh, mojibake, repair_mojibake, strip_ruby

    texts = stage_inputs(corpus)
    after_ftfy = [fix_text_zh(t).text for t in texts]
    after_mojibake = [repair_mojibake(t).text for t in after_ftfy]

    def clear() -> None:  # the memos of this package version (older ones have fewer)
        for name in ("_rank", "_single_verdict"):
            memo = getattr(mojibake, name, None)
            if memo is not None:
                memo.cache_clear()

    sys.path.insert(0, str(ROOT / "tests"))
    from repair_damage import synthetic_cases

    unique = [c.damaged for seed in (3, 7) for c in synthetic_cases(seed)]
    runs = [("ftfy_zh", fix_text_zh, texts, None), ("cjk_mojibake warm", repair_mojibake, after_ftfy, None),
            ("cjk_mojibake cold", repair_mojibake, after_ftfy, clear), ("pinyin_ruby", strip_ruby, after_mojibake, None),
            ("cjk_mojibake unique", repair_mojibake, unique, clear)]
    best = {name: float("inf") for name, *_ in runs}
    for _ in range(repeat):
        for name, fn, inputs, before in runs:
            if before is not None:
                before()
            t0 = time.perf_counter()
            for t in inputs:
                fn(t)
            best[name] = min(best[name], time.perf_counter() - t0)
    best["MB"] = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    best["MB unique"] = sum(len(t.encode("utf-8")) for t in unique) / 1e6
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default="/tmp/bw/corpus")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--base", help="package root of a version to compare with (run in a subprocess)")
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    got = measure(args.corpus, args.repeat)
    if args.json:
        print(json.dumps(got))
        return
    base = None
    if args.base:
        env = dict(os.environ, PYTHONPATH=args.base)
        out = subprocess.run([sys.executable, os.path.abspath(__file__), args.corpus, "--repeat", str(args.repeat),
                              "--json"], env=env, cwd=args.base, check=True, capture_output=True, text=True)
        base = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{got['MB']:.1f} MB of stage input ({got['MB unique']:.2f} MB of unique damage), min of {args.repeat} runs")
    for name, secs in got.items():
        if name.startswith("MB"):
            continue
        mb = got["MB unique" if name.endswith("unique") else "MB"]
        line = f"  {name:20s} {secs:7.3f} s  {mb / secs:7.1f} MB/s"
        if base is not None:
            line += f"   base {base[name]:7.3f} s  ({base[name] / secs:.2f}x)"
        print(line)


if __name__ == "__main__":
    main()
