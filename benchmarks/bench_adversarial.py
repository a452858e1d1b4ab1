"""Adversarial inputs per stage at growing sizes (issue 16): ns per character and the growth
exponent between sizes (1.0 is linear; the acceptance bound is 1.1).

    python -m benchmarks.bench_adversarial [--sizes 10000,100000,1000000] [--stages normalize_zh,...]
                                           [--repeat 7] [--min-sample 0.02] [--wall] [--memory]
                                           [--recheck 1.1]

Each input is built to a target length in characters and run through one stage alone. Times
are CPU time of this process (`time.process_time`; `--wall` for wall-clock), the best of
`--repeat` rounds, each round timing every size once (interleaved, so a burst of load hits
all sizes alike). A sample runs the stage as many times as it takes for `--min-sample`
seconds (counted once, before the rounds), so that a fast stage on a short text is not
measured at the clock's granularity and the per-sample cost of reading the clock. The
exponent is log(t2/t1) / log(n2/n1) for consecutive sizes. The load average is printed before
and after; the last line names the largest spread between a size's best and median round
(how much the machine moved the figures: load on a shared machine only adds time, so the
best round is the figure).

The same rounds time a **baseline**, `str.replace` of the input's most frequent character
(one linear pass that writes a new string of the same size: no algorithm, only the machine),
on the same text. Its exponent shows what the machine does at these sizes (a string of 10^6
characters is 1-4 MB, past the CPU caches); `rel` is the stage's exponent with the
baseline's growth taken out, log((t2/b2)/(t1/b1)) / log(n2/n1) + 1: above 1 only when the
stage grows faster than a linear pass over the same memory. `--memory` adds the peak of
Python allocations per character (`tracemalloc`, one extra run per size): an algorithm that
builds something superlinear shows there too.
`--recheck BOUND` measures every row with an exponent above BOUND once more, after the table,
with twice the rounds and one more size ten times the largest where a call there is projected
to take at most 5 s (`recheck` lines): a step at a
cache size (the text and a stage's temporaries leave the 2 MiB L2 cache near 10^6 characters)
stays flat over the next decade, an algorithm that grows faster than its input grows on. The
first table's figures are not replaced: both are printed.
`split_articles` runs on the decoded bytes (UTF-8 plus one stray 0xFF byte, the slow path).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from collections.abc import Callable

from cleanse.boilerplate.split import SplitArticlesStage
from cleanse.defaults import text_stages
from cleanse.document import Document


def _fill(unit: str, n: int, head: str = "", tail: str = "") -> str:
    body = n - len(head) - len(tail)
    return head + (unit * (body // len(unit) + 1))[:body] + tail


INPUTS: dict[str, Callable[[int], str]] = {
    "spaces": lambda n: _fill(" ", n, "科技", "工作"),
    "spaces_lines": lambda n: _fill("  \n", n, "科技", "工作"),
    "one_line_han": lambda n: _fill("双鸭山市科信局开展工作", n),
    "marks": lambda n: _fill(",:;", n, "中"),
    "brackets": lambda n: _fill("(中", n),
    "question_marks": lambda n: _fill("中?", n),
    "markers": lambda n: "".join(f"【篇{i}】\n" + "内容" * 45 + "\n" for i in range(1, n // 98 + 1)),
    "zero_width": lambda n: _fill("中\u200b", n),
    "newlines": lambda n: _fill("中\n", n),
}


# A recheck adds the size 10x the largest only for rows whose call there is projected to take
# at most this long (cjk_mojibake on `中?` takes ~12 s a call at 10^6).
RECHECK_CALL_SECONDS = 5.0


def _once(fn: Callable[[], object], clock: Callable[[], float], calls: int = 1) -> float:
    """Time per call of `calls` calls of `fn`."""
    t0 = clock()
    for _ in range(calls):
        fn()
    return (clock() - t0) / calls


def _calls_for(fn: Callable[[], object], clock: Callable[[], float], min_sample: float) -> int:
    """How many calls of `fn` take at least `min_sample` seconds (doubling from one call)."""
    calls = 1
    while True:
        t = _once(fn, clock, calls) * calls
        if t >= min_sample:
            return calls
        calls = calls * 2 if t <= 0 else max(calls * 2, int(calls * min_sample / t * 1.2))


def _peak_bytes(fn: Callable[[], object]) -> int:
    import tracemalloc

    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _baseline(text: str) -> Callable[[], object]:
    """`str.replace` of the most frequent character: a linear pass writing a same-size string."""
    from collections import Counter

    common = Counter(text[:100_000]).most_common(1)[0][0]
    other = "\x01" if common != "\x01" else "\x02"
    return lambda: text.replace(common, other)


def _exponents(times: list[tuple[int, float]]) -> list[float]:
    return [math.log(max(t2, 1e-9) / max(t1, 1e-9)) / math.log(n2 / n1)
            for (n1, t1), (n2, t2) in zip(times, times[1:])]


def _runner(stage, text: str) -> Callable[[], object]:
    """One run of `stage` on `text` (a fresh document each time for split_articles)."""
    if stage.name == "split_articles":
        raw = text.encode() + b"\xff"

        def run() -> object:
            doc = Document.from_bytes("bench", raw)
            doc.text, doc.encoding, doc.undecodable_bytes = raw.decode("utf-8", "replace"), "utf-8", 1
            return stage.process(doc)

        return run
    return lambda: stage.transform(text)


def _measure(stage, make: Callable[[int], str], sizes: list[int], repeat: int, clock: Callable[[], float],
             min_sample: float) -> tuple[list[int], list[float], list[float], list[list[float]]]:
    """Lengths, best stage time and best baseline time per size, and the stage's rounds."""
    texts = [make(n) for n in sizes]
    runs = [_runner(stage, t) for t in texts]
    bases = [_baseline(t) for t in texts]
    calls = [_calls_for(r, clock, min_sample) for r in runs]
    base_calls = [_calls_for(b, clock, min_sample) for b in bases]
    samples: list[list[float]] = [[] for _ in sizes]
    base_samples: list[list[float]] = [[] for _ in sizes]
    for _ in range(repeat):
        for i in range(len(sizes)):
            samples[i].append(_once(runs[i], clock, calls[i]))
            base_samples[i].append(_once(bases[i], clock, base_calls[i]))
    return [len(t) for t in texts], [min(x) for x in samples], [min(x) for x in base_samples], samples


def _relative(lengths: list[int], best: list[float], base: list[float]) -> list[float]:
    return [e - b + 1 for e, b in zip(_exponents(list(zip(lengths, best))), _exponents(list(zip(lengths, base))))]


def _row(stage: str, name: str, lengths: list[int], best: list[float], base: list[float]) -> str:
    cells = " ".join(f"{t / n * 1e9:>14.1f}" for n, t in zip(lengths, best))
    bcells = " ".join(f"{t / n * 1e9:.2f}" for n, t in zip(lengths, base))
    return (f"{stage:<16} {name:<15} {cells}  " + " ".join(f"{e:.2f}" for e in _exponents(list(zip(lengths, best))))
            + f" | {bcells}, " + " ".join(f"{e:.2f}" for e in _exponents(list(zip(lengths, base))))
            + " | " + " ".join(f"{e:.2f}" for e in _relative(lengths, best, base)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--stages", default="")
    ap.add_argument("--inputs", default="")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--min-sample", type=float, default=0.02, help="seconds of clock per timed sample")
    ap.add_argument("--wall", action="store_true", help="wall-clock time instead of CPU time")
    ap.add_argument("--memory", action="store_true", help="peak Python allocations per character (tracemalloc)")
    ap.add_argument("--recheck", type=float, default=0.0, metavar="BOUND",
                    help="measure rows with an exponent above BOUND again, with one more size (10x the largest)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    clock = time.perf_counter if args.wall else time.process_time
    stages = [SplitArticlesStage(), *text_stages()]
    if args.stages:
        stages = [s for s in stages if s.name in args.stages.split(",")]
    inputs = {k: v for k, v in INPUTS.items() if not args.inputs or k in args.inputs.split(",")}
    for s in stages:
        s.setup()
    print(f"load average {_load()}; {'clock: wall' if args.wall else 'clock: CPU'}, best of {args.repeat} "
          f"interleaved rounds, samples of >= {args.min_sample} s; baseline: str.replace of the most frequent character")
    print(f"{'stage':<16} {'input':<15} " + " ".join(f"{'ns/char@' + str(n):>14}" for n in sizes)
          + "  exponents | baseline ns/char, exponents | rel" + ("  | alloc bytes/char" if args.memory else ""))
    worst = worst_rel = 0.0
    spread = (0.0, "")
    again: list[tuple[object, str, Callable[[int], str], float]] = []
    for stage in stages:
        for name, make in inputs.items():
            if (stage.name == "split_articles") != (name == "markers") and name != "one_line_han":
                continue
            lengths, best, base, samples = _measure(stage, make, sizes, args.repeat, clock, args.min_sample)
            for n, x in zip(lengths, samples):
                if statistics.median(x) / max(min(x), 1e-12) - 1 > spread[0]:
                    spread = (statistics.median(x) / max(min(x), 1e-12) - 1, f"{stage.name} {name} {n}")
            exps, rel = _exponents(list(zip(lengths, best))), _relative(lengths, best, base)
            worst = max([worst, *exps])
            worst_rel = max([worst_rel, *rel])
            mem = ""
            if args.memory:
                mem = "  | " + " ".join(f"{_peak_bytes(_runner(stage, make(n))) / n:.1f}" for n in lengths)
            print(_row(stage.name, name, lengths, best, base) + mem, flush=True)
            if args.recheck and max(exps) > args.recheck:
                again.append((stage, name, make, best[-1]))
    print(f"worst exponent: {worst:.2f}; worst relative to the baseline: {worst_rel:.2f}")
    if again:
        print(f"recheck of the rows above {args.recheck}: best of {2 * args.repeat} rounds, the sizes and "
              f"{sizes[-1] * 10} (where a call at {sizes[-1]} took under {RECHECK_CALL_SECONDS / 10} s); "
              f"load average {_load()}")
        first = last = 0.0
        for stage, name, make, largest in again:
            more = [*sizes, sizes[-1] * 10] if largest * 10 <= RECHECK_CALL_SECONDS else sizes
            lengths, best, base, _ = _measure(stage, make, more, 2 * args.repeat, clock, args.min_sample)
            exps = _exponents(list(zip(lengths, best)))
            first = max([first, *exps[: len(sizes) - 1]])
            last = max([last, *exps[len(sizes) - 1:]])
            print("recheck " + _row(stage.name, name, lengths, best, base), flush=True)
        print(f"worst exponent in the rechecks: {first:.2f} up to {sizes[-1]}, {last:.2f} from {sizes[-1]} to "
              f"{sizes[-1] * 10}")
    print(f"largest spread, median over best round: {100 * spread[0]:.0f} % ({spread[1]}); load average {_load()}")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


if __name__ == "__main__":
    main()
