"""CPU seconds of each stage of the default pipeline on the damaged mix, against the naive
composition in the same run, optionally with an older package side by side.

    python benchmarks/bench_stage_cpu.py [--mb 1] [--naive-mb 0.25] [--repeat 2] [--base PATH] [--corpus DIR]

The corpus is `bench_pipeline.damaged_pages` (2 KB pages of real clean text, every one
damaged; `--corpus DIR` reuses one written by `bench_pipeline.py --keep`). Each package
(this one, and the one at `--base PATH`, e.g. a `git archive` of an older commit) runs the
default pipeline in a fresh process, in-process and with one worker, and reports each
stage's CPU time (`time.process_time` around every batch, where the stage loop times wall
time) and the process's CPU time for setup and for the run; runs alternate between packages
(`--repeat`, best of). The naive composition (chardet + ftfy + opencc-python-reimplemented,
`bench_pipeline.NAIVE`) runs on the first --naive-mb MB in the same run; "x naive" compares
MB per CPU second (cleanse's setup included, as in bench_pipeline.py). The stage loop's wall
timings stay wall time in real runs: only this benchmark's process swaps the clock.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

CHILD = r"""
import json, sys, time, types
sys.path.insert(0, sys.argv[1])
import cleanse.stage
cleanse.stage.time = types.SimpleNamespace(perf_counter=time.process_time)
from cleanse.defaults import build_default_pipeline
from cleanse.io.readers import read_source
from cleanse.io.sources import expand_inputs
c0 = time.process_time()
p = build_default_pipeline()
p.setup()
c1 = time.process_time()
n = sum(1 for _ in p.run(read_source(f) for f in expand_inputs([sys.argv[2]])))
c2 = time.process_time()
print(json.dumps({"cleanse": cleanse.__file__, "items": n, "setup_cpu": c1 - c0, "run_cpu": c2 - c1,
                  "stages": {s.name: s.seconds for s in p.stats}}))
"""


def run_package(root: str, corpus: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, root, corpus], check=True, capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    from benchmarks.bench_pipeline import NAIVE, build_corpus, naive_sample

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--naive-mb", type=float, default=0.25)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--base", help="package root of a version to compare with")
    ap.add_argument("--corpus", help="a corpus directory written before (default: a new damaged mix)")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    tmp = tempfile.mkdtemp(prefix="stage_cpu_")
    corpus = args.corpus or os.path.join(tmp, "corpus")
    if not args.corpus:
        build_corpus(corpus, args.mb, mix="damaged")
    paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs)
    total = sum(os.path.getsize(p) for p in paths)
    naive_paths, n = naive_sample(paths, args.naive_mb)
    out = subprocess.run([sys.executable, "-c", NAIVE, *naive_paths], capture_output=True, text=True, check=True)
    naive_cpu = float(out.stdout.split()[1])
    naive_rate = n / 1e6 / naive_cpu
    packages = [("this", ROOT)] + ([("base", os.path.abspath(args.base))] if args.base else [])
    best: dict[str, dict] = {}
    for _ in range(args.repeat):
        for name, root in packages[::-1]:
            got = run_package(root, corpus)
            if name not in best or got["run_cpu"] < best[name]["run_cpu"]:
                best[name] = got
    print(f"corpus {len(paths)} files, {total / 1e6:.2f} MB; naive on {n / 1e6:.2f} MB: {naive_cpu:.2f} CPU s "
          f"({naive_rate:.3f} MB per CPU s)")
    stages = list(best["this"]["stages"])
    head = "".join(f"{name:>12s}" for name, _ in packages)
    print(f"{'CPU s (best of ' + str(args.repeat) + ')':22s}{head}")
    for s in stages:
        print(f"{s:22s}" + "".join(f"{best[name]['stages'].get(s, float('nan')):12.2f}" for name, _ in packages))
    for key in ("setup_cpu", "run_cpu"):
        print(f"{key:22s}" + "".join(f"{best[name][key]:12.2f}" for name, _ in packages))
    rate = {name: total / 1e6 / (best[name]["setup_cpu"] + best[name]["run_cpu"]) for name, _ in packages}
    print(f"{'MB per CPU s':22s}" + "".join(f"{rate[name]:12.3f}" for name, _ in packages))
    print(f"{'x naive (CPU)':22s}" + "".join(f"{rate[name] / naive_rate:12.2f}" for name, _ in packages))
    print(f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
