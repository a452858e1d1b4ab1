"""Adversarial inputs per stage at growing sizes (issue 16): ns per character and the growth
exponent between sizes (1.0 is linear; the acceptance bound is 1.1).

    python -m benchmarks.bench_adversarial [--sizes 10000,100000,1000000] [--stages normalize_zh,...]

Each input is built to a target length in characters, run through one stage alone (best of
`--repeat` runs), and the exponent is log(t2/t1) / log(n2/n1) for consecutive sizes.
`split_articles` runs on the decoded bytes (UTF-8 plus one stray 0xFF byte, the slow path).
"""

from __future__ import annotations

import argparse
import math
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


def _time(fn: Callable[[], object], repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _runner(stage, text: str) -> Callable[[], object]:
    if stage.name == "split_articles":
        raw = text.encode() + b"\xff"

        def run() -> object:
            doc = Document.from_bytes("bench", raw)
            doc.text, doc.encoding, doc.undecodable_bytes = raw.decode("utf-8", "replace"), "utf-8", 1
            return stage.process(doc)

        return run
    return lambda: stage.transform(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--stages", default="")
    ap.add_argument("--inputs", default="")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    stages = [SplitArticlesStage(), *text_stages()]
    if args.stages:
        stages = [s for s in stages if s.name in args.stages.split(",")]
    inputs = {k: v for k, v in INPUTS.items() if not args.inputs or k in args.inputs.split(",")}
    for s in stages:
        s.setup()
    print(f"{'stage':<16} {'input':<15} " + " ".join(f"{'ns/char@' + str(n):>16}" for n in sizes) + "  exponents")
    worst = 0.0
    for stage in stages:
        for name, make in inputs.items():
            if (stage.name == "split_articles") != (name == "markers") and name != "one_line_han":
                continue
            times = []
            for n in sizes:
                text = make(n)
                times.append((len(text), _time(_runner(stage, text), args.repeat)))
            exps = [math.log(max(t2, 1e-9) / max(t1, 1e-9)) / math.log(n2 / n1)
                    for (n1, t1), (n2, t2) in zip(times, times[1:])]
            worst = max([worst, *exps])
            cells = " ".join(f"{t / n * 1e9:>16.1f}" for n, t in times)
            print(f"{stage.name:<16} {name:<15} {cells}  " + " ".join(f"{e:.2f}" for e in exps), flush=True)
    print(f"worst exponent: {worst:.2f}")


if __name__ == "__main__":
    main()
