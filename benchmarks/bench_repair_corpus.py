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

    PYTHONPATH=. python benchmarks/bench_repair_corpus.py --genres [--genre-mb 1] [--repeat 3]

Clean text of every genre of the real regression corpus (benchmarks/repair_corpus.py, built
from the fetched mirrors): MB/s of each repair stage on its pipeline input and of the three
in a row, per genre (the first --genre-mb MB of its documents; goal for cjk_mojibake: ≥ 50).
Then the cost per damaged character: paragraphs of each genre, damaged the usual ways
(eval_repair_damage.DAMAGE), each stage's µs per character of damaged input against the same
paragraphs clean, in the same run.
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
    import importlib

    from cleanse.repair import fix_text_zh, repair_mojibake, strip_ruby

    # Where the memos live: cleanse/repair/cjk/ since the split (issue 11), mojibake.py before.
    modules = []
    for name in ("cleanse.repair.cjk.lost", "cleanse.repair.cjk.clusters", "cleanse.repair.mojibake"):
        try:
            modules.append(importlib.import_module(name))
        except ImportError:
            pass

    texts = stage_inputs(corpus)
    after_ftfy = [fix_text_zh(t).text for t in texts]
    after_mojibake = [repair_mojibake(t).text for t in after_ftfy]

    def clear() -> None:  # the memos of this package version (older ones have fewer)
        for module in modules:
            for name in ("_rank", "_single_verdict"):
                memo = getattr(module, name, None)
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
            t0 = time.process_time()
            for t in inputs:
                fn(t)
            best[name] = min(best[name], time.process_time() - t0)
    best["MB"] = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    best["MB unique"] = sum(len(t.encode("utf-8")) for t in unique) / 1e6
    return best


def best_time(fn, inputs: list[str], repeat: int) -> float:
    """Best of `repeat` CPU times (this process) of `fn` over every input, in seconds: a shared
    machine inflates wall-clock time, not CPU time."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        for t in inputs:
            fn(t)
        best = min(best, time.process_time() - t0)
    return best


def _three(t: str) -> None:
    from cleanse.repair import fix_text_zh, repair_mojibake, strip_ruby

    strip_ruby(repair_mojibake(fix_text_zh(t).text).text)


def genre_rates(genre_mb: float, repeat: int) -> None:
    """MB/s per genre of clean text: each stage on its pipeline input, and the three in a row."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from repair_corpus import corpus

    from cleanse.repair import fix_text_zh, repair_mojibake, strip_ruby

    _three("領(lǐng)導 ÎÒÃÇ")  # tables loaded outside the timing
    print(f"clean text, MB/s of CPU time (best of {repeat}; first {genre_mb} MB of each genre; 'cold': "
          "cjk_mojibake's first pass, before its memos of local contexts hold this genre)")
    print(f"{'genre':22s} {'MB':>6s} {'ftfy_zh':>8s} {'cjk cold':>8s} {'cjk_mojibake':>12s} {'pinyin_ruby':>11s} "
          f"{'3 stages':>8s}")
    for genre, docs in corpus().items():
        texts, size = [], 0
        for _, t in docs:
            if size >= genre_mb * 1e6:
                break
            texts.append(t)
            size += len(t.encode("utf-8"))
        inputs = [fix_text_zh(t).text for t in texts]  # cjk_mojibake's pipeline input
        cold = best_time(repair_mojibake, inputs, 1)
        row = [best_time(fix_text_zh, texts, repeat), cold, best_time(repair_mojibake, inputs, repeat),
               best_time(strip_ruby, texts, repeat), best_time(_three, texts, repeat)]
        print(f"{genre:22s} {size / 1e6:6.2f} " + " ".join(f"{size / 1e6 / secs:{w}.1f}"
                                                       for secs, w in zip(row, (8, 8, 12, 11, 8))))


def damage_costs(per_genre: int, repeat: int) -> None:
    """µs per character of damaged paragraphs against the same paragraphs clean, per stage."""
    import random

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from eval_repair_damage import DAMAGE, _paragraphs

    from cleanse.repair import fix_text_zh, repair_mojibake, strip_ruby

    _three("領(lǐng)導 ÎÒÃÇ")
    rng = random.Random(11)
    paras = [p for ps in _paragraphs(per_genre, rng).values() for p in ps]
    stages = (("ftfy_zh", fix_text_zh), ("cjk_mojibake", repair_mojibake), ("pinyin_ruby", strip_ruby),
              ("3 stages", _three))
    print(f"\ncost per character, µs (best of {repeat}; {len(paras)} paragraphs of the clean sample, "
          "20-300 characters; cjk_mojibake/pinyin_ruby on ftfy_zh's output)")
    print(f"{'damage':22s} {'chars':>7s} " + " ".join(f"{n:>14s}" for n, _ in stages))
    rows = [("clean", "", lambda t, r: t), *((k, c, f) for k, (c, f) in DAMAGE.items())]
    clean_us = {}
    for kind, codec, damage in rows:
        inputs = []
        for p in paras:
            try:
                if codec:
                    p.encode(codec)
                bad = damage(p, rng)
            except (UnicodeError, ValueError):
                continue
            if bad != p or kind == "clean":
                inputs.append(bad)
        n = sum(map(len, inputs))
        if not n:  # no paragraph can be damaged this way (strict UTF-8 read as GBK)
            continue
        after_ftfy = [fix_text_zh(t).text for t in inputs]
        cells = []
        for name, fn in stages:
            us = best_time(fn, after_ftfy if name in ("cjk_mojibake", "pinyin_ruby") else inputs, repeat) / n * 1e6
            if kind == "clean":
                clean_us[name] = us
                cells.append(f"{us:14.3f}")
            else:
                cells.append(f"{us:7.2f} ({us / clean_us[name]:4.0f}x)")
        print(f"{kind:22s} {n:7d} " + " ".join(cells))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default="/tmp/bw/corpus")
    ap.add_argument("--genres", action="store_true", help="clean MB/s per genre and cost per damaged character")
    ap.add_argument("--genre-mb", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--base", help="package root of a version to compare with (run in a subprocess)")
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.genres:
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        genre_rates(args.genre_mb, args.repeat)
        damage_costs(40, args.repeat)
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        return
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
