"""One large file, 1 worker against 2: what cutting a file at record boundaries buys
(`cleanse/io/readers/split.py`).

    PYTHONPATH=. python benchmarks/bench_split.py [--mb 20] [--kinds jsonl,jsonl.gz,warc,warc.gz,parquet]
        [--repeat 2] [--workdir /tmp/bench_split]

One generated file per splittable kind, each about --mb MB (decompressed):
- jsonl: one JSON object a line (`text`, `url`), paragraphs of the seeds, 3-12 a record;
- jsonl.gz: the same lines, a gzip member per 500 lines (the splitter cuts at members);
- warc / warc.gz: the crawl of benchmarks/warc_gen.py (request/response/metadata records;
  .gz: one member per record);
- parquet: the JSON Lines' records in row groups of 1,000 rows.
Each run is a fresh `cleanse run --workers N` process; runs with 1 and 2 workers alternate
(1, 2, 1, 2, ...). Reported per run: wall seconds, CPU seconds (user + sys of the driver and
the workers it waited for, `os.wait4`), shards, and whether the document ids equal those of
the 1-worker run. The load average (`os.getloadavg`) is printed before and after: on a shared
machine the wall-clock speed-up is only meaningful when the load is below the core count.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.bench_warc import timed  # noqa: E402
from benchmarks.warc_gen import generate, seed_paragraphs  # noqa: E402

KINDS = ("jsonl", "jsonl.gz", "warc", "warc.gz", "parquet")


def json_records(mb: float, seed: int = 0) -> list[dict[str, str]]:
    rng = random.Random(seed)
    paras = seed_paragraphs()
    out, size = [], 0
    while size < mb * 1e6:
        text = "\n".join(paras[rng.randrange(len(paras))] for _ in range(rng.randint(3, 12)))
        out.append({"url": f"http://news.example.cn/{len(out)}.html", "text": text})
        size += len(text.encode("utf-8")) + 60
    return out


def build(kind: str, mb: float, folder: Path) -> Path:
    path = folder / f"big.{kind}"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    if kind.startswith("warc"):
        generate(path, mb)
        return path
    records = json_records(mb)
    lines = [json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in records]
    if kind == "jsonl":
        path.write_bytes(b"".join(lines))
    elif kind == "jsonl.gz":
        with open(path, "wb") as fh:
            for i in range(0, len(lines), 500):
                fh.write(gzip.compress(b"".join(lines[i:i + 500]), 6))
    elif kind == "parquet":
        pq.write_table(pa.Table.from_pylist(records), path, row_group_size=1000)
    else:
        raise ValueError(kind)
    return path


def run(path: Path, out: Path, workers: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `cleanse run`."""
    r = timed([sys.executable, "-m", "cleanse.cli", "run", "--input", str(path), "--output", str(out),
               "--workers", str(workers), "--overwrite", "--quiet"], dict(os.environ, PYTHONPATH=str(ROOT)))
    return r.wall, r.cpu


def ids(out: Path) -> list[str]:
    return [i for p in sorted((out / "documents").glob("part-*.parquet"))
            for i in pq.read_table(p, columns=["id"]).column(0).to_pylist()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=20)
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/bench_split"))
    args = ap.parse_args()
    for kind in args.kinds.split(","):
        path = build(kind, args.mb, args.workdir / f"in_{args.mb:g}")
        load0 = os.getloadavg()[0]
        times: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
        reference: list[str] | None = None
        same = True
        for _ in range(args.repeat):
            for workers in (1, 2):
                out = args.workdir / f"out_{kind}_{workers}"
                times[workers].append(run(path, out, workers))
                got = ids(out)
                reference = got if reference is None else reference
                same &= got == reference
        shards = json.loads((args.workdir / f"out_{kind}_2" / "_manifest.json").read_text())["counts"]["shards"]
        load1 = os.getloadavg()[0]
        row = {w: " / ".join(f"{wall:.1f} s wall, {cpu:.1f} s CPU" for wall, cpu in t) for w, t in times.items()}
        best = {w: min(wall for wall, _ in t) for w, t in times.items()}
        cpu = {w: min(c for _, c in t) for w, t in times.items()}
        print(f"{kind}: {path.stat().st_size / 1e6:.1f} MB on disk, {shards} shards, {len(reference or [])} rows, "
              f"ids identical for 1 and 2 workers: {same}; load {load0:.1f} -> {load1:.1f}")
        print(f"  1 worker:  {row[1]}")
        print(f"  2 workers: {row[2]}")
        print(f"  speed-up (best wall) {best[1] / best[2]:.2f}x; CPU 2 workers / 1 worker {cpu[2] / cpu[1]:.2f}")


if __name__ == "__main__":
    main()
