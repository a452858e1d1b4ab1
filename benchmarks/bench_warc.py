"""Throughput and memory: a generated WARC.gz -> Parquet, cleanse against datatrove's
WarcReader + Trafilatura extractor + ParquetWriter (the peer a user would pick), same file,
same run.

    PYTHONPATH=. python benchmarks/bench_warc.py [--mb 100] [--workers 1] [--repeat 2]
        [--datatrove-python /work/venv-datatrove/bin/python] [--datatrove-timeout 1]
        [--workdir /tmp/bench_warc]

The crawl (benchmarks/warc_gen.py): request/response/metadata records, one gzip member per
record, HTML news pages built from seed paragraphs, 60% UTF-8, 25% GBK, 15% Big5, 10% with
a wrong charset label. --mb is the decompressed size. Each system runs in its own process
(cleanse: `cleanse run`; datatrove: LocalPipelineExecutor, `tasks=workers`, in its own
venv), `--repeat` times, interleaved; per run: wall seconds, CPU seconds and peak RSS of that
process and the children it waited for (`os.wait4`). The peer runs as datatrove's examples
configure it: `Trafilatura(favour_precision=True)` with its default 1 s timeout per document.
Before timing, the peer's venv must import its extractor (`check_peer`); afterwards its
extractor counters (timeouts, errors) are printed, and no ratio is claimed when more than 1%
of the pages failed there. Both outputs are compared on the same pages: rows, characters per
row, rows keeping template chrome (the generated footer or related-links heading).

`--image-share 0.9 --mb 1100 --skip-peer` builds a ~1 GB WARC.gz whose bulk is image
payloads (skipped by the reader) to measure cleanse's peak memory on a file that large.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
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
    folder, out, logs, workers, timeout = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    LocalPipelineExecutor(pipeline=[WarcReader(folder, glob_pattern="*.warc.gz"),
                                    Trafilatura(favour_precision=True, timeout=timeout),
                                    ParquetWriter(out)], tasks=workers, workers=workers, logging_dir=logs).run()
""")

# Strings of the generated template outside the article (warc_gen.page_html), Simplified and
# Traditional: a row holding one kept navigation, related links or the footer.
CHROME = ("关于我们", "關於我們", "相关新闻", "相關新聞")


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + sys seconds of the process and the children it waited for
    rss_mb: float  # peak RSS of the largest of them


def timed(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run `cmd`; its own wall, CPU and peak RSS (os.wait4: this child only, not earlier ones)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"{cmd[:3]} failed (exit {proc.returncode}):\n{stderr.decode(errors='replace')[-3000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def check_peer(python: str) -> None:
    """Refuse to time a datatrove whose extractor cannot run: datatrove's ExtractorSandbox runs
    trafilatura in a child process; if `import trafilatura` fails there (e.g. lxml >= 5.2
    without lxml_html_clean, which justext needs), the child dies before it is ready and EVERY
    document waits the whole timeout, then is dropped. Session 4's 900 s run measured exactly that."""
    probe = subprocess.run([python, "-c", "import datatrove, trafilatura, warcio, cchardet, magic; "
                            "print(datatrove.__version__ if hasattr(datatrove, '__version__') else '', "
                            "trafilatura.__version__)"], capture_output=True, text=True)
    if probe.returncode:
        sys.exit(f"the datatrove venv cannot import its extractor ({python}):\n{probe.stderr.strip()[-800:]}\n"
                 "fix that venv first (e.g. `pip install lxml_html_clean`), or the peer times out on every page")


def datatrove_stats(logs: Path) -> dict[str, int]:
    """The extractor's counters from datatrove's stats.json (extracted, timeout, clean_error, ...)."""
    counts: dict[str, int] = {}
    for step in json.loads((logs / "stats.json").read_text()):
        if "Trafilatura" in step.get("name", ""):
            for key, value in step.get("stats", {}).items():
                if isinstance(value, (int, float)):
                    counts[key] = int(value)
                elif isinstance(value, dict) and "total" in value and key != "doc_len":
                    counts[key] = int(value["total"])
    return counts


def text_quality(folder: Path) -> str:
    """Rows, mean characters per row, share of rows keeping template chrome, share with U+FFFD."""
    import pyarrow.parquet as pq

    texts = [t for p in sorted(folder.rglob("*.parquet")) for t in pq.read_table(p, columns=["text"]).column(0).to_pylist()]
    n = max(len(texts), 1)
    chrome = sum(any(c in t for c in CHROME) for t in texts)
    fffd = sum("\ufffd" in t for t in texts)
    chars = sum(len(t) for t in texts)
    return (f"{len(texts)} rows, {chars / n:.0f} chars/row, chrome kept in {chrome / n:.1%} of rows, "
            f"U+FFFD in {fffd / n:.1%}")


def report(name: str, runs: list[Run], pages: int, mb: float) -> Run:
    best = min(runs, key=lambda r: r.cpu)
    walls = ", ".join(f"{r.wall:.1f}" for r in runs)
    cpus = ", ".join(f"{r.cpu:.1f}" for r in runs)
    print(f"{name}: wall {walls} s, CPU {cpus} s; best CPU {best.cpu:.1f} s = {pages / best.cpu:.1f} pages/CPU-s, "
          f"{mb / best.cpu:.2f} MB/CPU-s; wall {pages / best.wall:.1f} pages/s, {mb / best.wall:.2f} MB/s; "
          f"peak RSS {max(r.rss_mb for r in runs):.0f} MB")
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=100)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1, help="runs per system, interleaved")
    ap.add_argument("--image-share", type=float, default=0.0)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/bench_warc"))
    ap.add_argument("--datatrove-python", default="/work/venv-datatrove/bin/python")
    ap.add_argument("--datatrove-timeout", type=float, default=1.0,
                    help="Trafilatura(timeout=...) per document; 1 s is datatrove's default")
    ap.add_argument("--skip-peer", action="store_true")
    args = ap.parse_args()
    if not args.skip_peer:
        check_peer(args.datatrove_python)
    crawl_dir = args.workdir / f"crawl_{args.mb:g}_{args.image_share:g}"
    crawl = crawl_dir / "crawl.warc.gz"
    if not crawl.exists():
        crawl_dir.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        pages = generate(crawl, args.mb, image_share=args.image_share)
        (crawl_dir / "pages.json").write_text(json.dumps({"pages": pages}))
        print(f"generated {crawl} in {time.perf_counter() - t0:.0f} s")
    pages = json.loads((crawl_dir / "pages.json").read_text())["pages"]
    print(f"{crawl}: {crawl.stat().st_size / 1e6:.1f} MB on disk, {args.mb:g} MB decompressed, {pages} HTML pages; "
          f"load average {os.getloadavg()[0]:.2f}")

    out = args.workdir / "out_cleanse"
    dt_out, dt_logs = args.workdir / "out_datatrove", args.workdir / "logs_datatrove"
    script = args.workdir / "run_datatrove.py"
    script.write_text(DATATROVE)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    ours: list[Run] = []
    peer: list[Run] = []
    for _ in range(args.repeat):
        ours.append(timed([sys.executable, "-m", "cleanse.cli", "run", "--input", str(crawl), "--output", str(out),
                           "--workers", str(args.workers), "--overwrite", "--quiet"], env))
        if args.skip_peer:
            continue
        for p in (dt_out, dt_logs):
            shutil.rmtree(p, ignore_errors=True)
        peer.append(timed([args.datatrove_python, str(script), str(crawl_dir), str(dt_out), str(dt_logs),
                           str(args.workers), str(args.datatrove_timeout)]))
    print(f"load average after the runs {os.getloadavg()[0]:.2f}")
    best = report("cleanse", ours, pages, args.mb)
    print(f"  output: {text_quality(out / 'documents')}")
    if args.skip_peer:
        return
    dt_best = report(f"datatrove WarcReader+Trafilatura(favour_precision=True, timeout={args.datatrove_timeout:g})",
                     peer, pages, args.mb)
    stats = datatrove_stats(dt_logs)
    print(f"  output: {text_quality(dt_out)}; extractor counters {stats}")
    lost = stats.get("timeout", 0) + stats.get("broken_process", 0) + stats.get("clean_error", 0)
    if lost > 0.01 * pages:
        print(f"no ratio: {lost} of {pages} pages timed out or failed in the peer's extractor")
        return
    print(f"ratio datatrove / cleanse: CPU {dt_best.cpu / best.cpu:.2f}x, wall {dt_best.wall / best.wall:.2f}x "
          f"(> 1: cleanse faster)")


if __name__ == "__main__":
    main()
