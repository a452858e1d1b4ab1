"""Large and odd inputs through the default pipeline: time, peak memory, per-stage seconds.

    python benchmarks/bench_large_inputs.py [--scale 1.0] [--only big,many,line] [--keep DIR]

Cases (sizes at --scale 1):
- big:  one 100 MB file (seed lines, UTF-8) and one 100 MB GBK file;
- many: a directory of 100,000 small files (200 B - 2 KB), planning time reported apart;
- line: a 10M-character single line (seed text with the newlines removed), and a 1M-character
  one: if a stage were quadratic, its seconds per character would grow ~10x between them;
- scaling: (in this process) every stage on one document of all five seeds repeated to 0.25,
  0.5, 1 and 2 MB; prints each stage's growth exponent per doubling (1 = linear, 2 = quadratic).
The big/many/line cases use the clean Simplified seeds (000, 002) unless `--text seeds` (all
five seeds, with their mojibake). Each run is a fresh `cleanse run -w 1` process; peak RSS is
the largest process of the run.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from benchmarks.bench_pipeline import run_measured  # noqa: E402


def _seed_text() -> str:
    parts = []
    for p in sorted(glob.glob(os.path.join(ROOT, "seeds", "*.txt"))):
        with open(p, encoding="utf-8") as fh:
            parts.append(fh.read())
    return "\n".join(parts)


def _write_repeated(path: str, unit: bytes, size: int) -> None:
    with open(path, "wb") as fh:
        written = 0
        while written < size:
            chunk = unit[: size - written]
            fh.write(chunk)
            written += len(chunk)


def _run(label: str, inputs: str, out: str, env: dict[str, str], workers: int = 1) -> dict[str, object]:
    m = run_measured([sys.executable, "-m", "cleanse.cli", "run", "-i", inputs, "-o", out, "--overwrite", "-q",
                      "-w", str(workers)], env=env)
    with open(os.path.join(out, "_manifest.json"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    with open(os.path.join(out, "_stats.json"), encoding="utf-8") as fh:
        stages = json.load(fh)["stages"]
    c = manifest["counts"]
    res: dict[str, object] = {
        "case": label, "mb": round(c["bytes"] / 1e6, 1), "inputs": c["inputs"], "rows": c["rows"],
        "rejects": c["rejects"], "seconds": manifest["seconds"], "wall_s": round(m["wall_s"], 1),
        "mb_per_s": round(c["bytes"] / 1e6 / manifest["seconds"], 2),
        "peak_process_mb": round(m["peak_process_mb"]), "peak_tree_mb": round(m["peak_tree_mb"]),
        "stage_seconds": {s["name"]: round(s["seconds"], 2) for s in stages},
        "chars_in": stages[1]["chars_in"] if len(stages) > 1 else None,
    }
    print(json.dumps(res, ensure_ascii=False), flush=True)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--only", default="big,many,line,scaling")
    ap.add_argument("--text", choices=["clean", "seeds"], default="clean")
    ap.add_argument("--keep", metavar="DIR")
    args = ap.parse_args()
    cases = set(args.only.split(","))
    work = args.keep or tempfile.mkdtemp(prefix="cleanse-large-")
    os.makedirs(work, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
    simplified = "\n".join(open(p, encoding="utf-8").read() for p in sorted(glob.glob(os.path.join(ROOT, "seeds", "00[02]*"))))
    text = _seed_text() if args.text == "seeds" else simplified

    if "scaling" in cases:
        import math

        from cleanse import Document, build_default_pipeline

        seeds = _seed_text()
        prev: dict[str, float] = {}
        for kb in (256, 512, 1024, 2048):
            data = ((seeds + "\n") * (kb * 1024 // len(seeds.encode()) + 1)).encode("utf-8")[: kb * 1024]
            data = data[: data.rfind(b"\n") + 1]
            pipeline = build_default_pipeline()
            pipeline.process(Document.from_bytes("scaling", data))
            now = {s.name: s.seconds for s in pipeline.stats}
            growth = {k: round(math.log2(now[k] / prev[k]), 2) for k in now if prev.get(k, 0) > 0.005 and now[k] > 0}
            print(json.dumps({"case": f"scaling {kb} KB", "seconds": {k: round(v, 3) for k, v in now.items()},
                              "exponent": growth}), flush=True)
            prev = now

    if "big" in cases:
        size = int(100e6 * args.scale)
        d = os.path.join(work, "big")
        os.makedirs(d, exist_ok=True)
        _write_repeated(os.path.join(d, "big_utf8.txt"), (text + "\n").encode("utf-8") * 50, size)
        _run("big utf-8 file", os.path.join(d, "big_utf8.txt"), os.path.join(work, "out-big-utf8"), env)
        _write_repeated(os.path.join(d, "big_gbk.txt"), (simplified + "\n").encode("gb18030") * 50, size)
        _run("big gbk file", os.path.join(d, "big_gbk.txt"), os.path.join(work, "out-big-gbk"), env)

    if "many" in cases:
        n = int(100_000 * args.scale)
        d = os.path.join(work, "many")
        rng = random.Random(5)
        lines = [line for line in text.splitlines() if line.strip()]
        t0 = time.perf_counter()
        for i in range(n):
            sub = os.path.join(d, f"{i // 1000:03d}")
            if i % 1000 == 0:
                os.makedirs(sub, exist_ok=True)
            body = "\n".join(rng.choice(lines) for _ in range(rng.randint(1, 6)))[:2000]
            with open(os.path.join(sub, f"{i:06d}.txt"), "wb") as fh:
                fh.write(body.encode("utf-8"))
        print(f"created {n} files in {time.perf_counter() - t0:.1f} s", flush=True)
        from cleanse.executors.shards import plan_shards
        from cleanse.io.sources import expand_inputs

        t0 = time.perf_counter()
        files = expand_inputs([d])
        shards = plan_shards(files)
        print(json.dumps({"case": "planning", "inputs": len(files), "shards": len(shards),
                          "seconds": round(time.perf_counter() - t0, 2)}), flush=True)
        for w in (1, 2):
            res = _run(f"{n} small files w{w}", d, os.path.join(work, f"out-many-w{w}"), env, workers=w)
            if w == 1:
                size = os.path.getsize(os.path.join(work, "out-many-w1", "_manifest.json"))
                print(json.dumps({"case": "manifest", "mb": round(size / 1e6, 1)}), flush=True)
            del res

    if "line" in cases:
        flat = text.replace("\n", "")
        d = os.path.join(work, "line")
        os.makedirs(d, exist_ok=True)
        for chars in (int(1e6 * args.scale), int(10e6 * args.scale)):
            line = (flat * (chars // len(flat) + 1))[:chars]
            p = os.path.join(d, f"line_{chars}.txt")
            with open(p, "w", encoding="utf-8") as fh:
                fh.write(line)
            res = _run(f"{chars:,}-char line", p, os.path.join(work, f"out-line-{chars}"), env)
            per_char = {k: round(v / chars * 1e9, 1) for k, v in res["stage_seconds"].items()}  # type: ignore[union-attr]
            print(json.dumps({"case": f"{chars:,}-char line ns/char per stage", **per_char}), flush=True)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
