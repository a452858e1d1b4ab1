"""Throughput and memory: a generated WARC.gz -> Parquet, cleanse against datatrove's
WarcReader + Trafilatura extractor + ParquetWriter (the peer a user would pick), same file,
same run.

    PYTHONPATH=. python benchmarks/bench_warc.py [--mb 100] [--workers 1]
        [--datatrove-python /work/venv-datatrove/bin/python] [--workdir /tmp/bench_warc]

The crawl (benchmarks/warc_gen.py): request/response/metadata records, one gzip member per
record, HTML news pages built from seed paragraphs, 60% UTF-8, 25% GBK, 15% Big5, 10% with
a wrong charset label. --mb is the decompressed size. Each system runs in its own process
(cleanse: `cleanse run`; datatrove: LocalPipelineExecutor, `tasks=workers`, in its own
venv); wall-clock seconds and the peak RSS of the largest process (getrusage of children)
are reported, and the ratio of pages per second.

`--image-share 0.9 --mb 1100 --skip-peer` builds a ~1 GB WARC.gz whose bulk is image
payloads (skipped by the reader) to measure cleanse's peak memory on a file that large.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.warc_gen import generate  # noqa: E402

DATATROVE = textwrap.dedent("""
    import sys
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.extractors import Trafilatura
    from datatrove.pipeline.writers import ParquetWriter
    folder, out, logs, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    LocalPipelineExecutor(pipeline=[WarcReader(folder, glob_pattern="*.warc.gz"), Trafilatura(favour_precision=True, timeout=30),
                                    ParquetWriter(out)], tasks=workers, workers=workers, logging_dir=logs).run()
""")


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(seconds, peak RSS in MB of the largest child process so far)."""
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - t0
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def parquet_rows(folder: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in folder.rglob("*.parquet"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=100)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--image-share", type=float, default=0.0)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/bench_warc"))
    ap.add_argument("--datatrove-python", default="/work/venv-datatrove/bin/python")
    ap.add_argument("--skip-peer", action="store_true")
    args = ap.parse_args()
    crawl_dir = args.workdir / f"crawl_{args.mb:g}_{args.image_share:g}"
    crawl = crawl_dir / "crawl.warc.gz"
    if not crawl.exists():
        crawl_dir.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        pages = generate(crawl, args.mb, image_share=args.image_share)
        (crawl_dir / "pages.json").write_text(json.dumps({"pages": pages}))
        print(f"generated {crawl} in {time.perf_counter() - t0:.0f} s")
    pages = json.loads((crawl_dir / "pages.json").read_text())["pages"]
    print(f"{crawl}: {crawl.stat().st_size / 1e6:.1f} MB on disk, {args.mb:g} MB decompressed, {pages} HTML pages")

    out = args.workdir / "out_cleanse"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    s_cleanse, rss_cleanse = timed([sys.executable, "-m", "cleanse.cli", "run", "--input", str(crawl), "--output", str(out),
                                    "--workers", str(args.workers), "--overwrite", "--quiet"], env)
    rows = parquet_rows(out / "documents")
    print(f"cleanse: {s_cleanse:.1f} s, {pages / s_cleanse:.1f} pages/s, {args.mb / s_cleanse:.2f} MB/s, "
          f"{rows} rows, peak RSS {rss_cleanse:.0f} MB")
    if args.skip_peer:
        return
    dt_out, dt_logs = args.workdir / "out_datatrove", args.workdir / "logs_datatrove"
    for p in (dt_out, dt_logs):
        shutil.rmtree(p, ignore_errors=True)
    script = args.workdir / "run_datatrove.py"
    script.write_text(DATATROVE)
    s_dt, rss_dt = timed([args.datatrove_python, str(script), str(crawl_dir), str(dt_out), str(dt_logs), str(args.workers)])
    dt_rows = parquet_rows(dt_out)
    print(f"datatrove WarcReader+Trafilatura: {s_dt:.1f} s, {pages / s_dt:.1f} pages/s, {args.mb / s_dt:.2f} MB/s, "
          f"{dt_rows} rows, peak RSS (max of all children so far) {rss_dt:.0f} MB")
    print(f"ratio cleanse / datatrove (pages per second): {s_dt / s_cleanse:.2f}x")


if __name__ == "__main__":
    main()
