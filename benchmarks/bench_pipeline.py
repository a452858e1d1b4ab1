"""Throughput and memory of the default pipeline, side by side with the naive composition.

    python benchmarks/bench_pipeline.py [--mb 40] [--naive-mb 2] [--keep DIR] [--mix seeds|web|damaged]

Builds a corpus deterministically from the seeds (lines shuffled into pages of 4-64 KB; 60%
UTF-8, 25% GBK, 15% Big5 for Traditional pages; each paragraph made unique by a random clause,
see `pages`), then in the same run measures:
- naive: per file `chardet.detect` + decode + `ftfy.fix_text` + `opencc.OpenCC("t2s").convert`
  (opencc-python-reimplemented), on the first `--naive-mb` MB (it is slow; MB/s is a rate);
- cleanse: `cleanse run` (default zh_web pipeline) with --workers 1 and --workers 2, each in a
  fresh process, timed by the run itself (`_manifest.json` seconds) and end to end. "MB/s"
  includes the one-time setup of each process (loading dictionaries and rules, `setup_seconds`,
  about 0.6 s); "MB/s ex setup" is the steady rate a large corpus sees (the naive timing
  likewise starts after its OpenCC converter is built).
Each worker count runs `--repeat` times (default 3), interleaved; the table shows the median
run and the range of MB/s (a shared machine varies by 20% from one minute to the next).
Peak memory: the largest single process (getrusage of children) and the peak summed RSS of the
whole process tree (sampled from /proc every 20 ms), worst run. Prints a table; `--json` for
machines.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


# Which seeds pages are drawn from. "seeds": uniformly, so 2 of 5 pages come from the heavily
# damaged seeds 003/004 (a worst case). "web": a mostly clean crawl, 90% of pages from the clean
# seeds 000-002 and 10% from the damaged ones.
MIXES = {"seeds": (1, 1, 1, 1, 1), "web": (0.3, 0.3, 0.3, 0.05, 0.05), "damaged": ()}


def _clean_prose(traditional: bool) -> str:
    """The clean seed of one script (000 Simplified, 001 Traditional) as one line."""
    with open(sorted(glob.glob(os.path.join(ROOT, "seeds", "001_*.txt" if traditional else "000_*.txt")))[0],
              encoding="utf-8") as fh:
        return "".join(fh.read().split())


def pages(seed: int = 1, mix: str = "seeds", unique: bool = False) -> Iterator[tuple[bytes, str]]:
    """Endless deterministic pages of shuffled seed lines, as (raw bytes, codec): Simplified
    pages in UTF-8 or GBK, Traditional ones in UTF-8 or Big5 (cp950).

    `unique`: every content line (30 characters or more) ends with a random excerpt of 8-20
    characters of clean prose in the page's script, so that paragraphs do not repeat verbatim
    across pages, as in a real crawl (short template lines still repeat, as they do on real
    sites). Without it, every page line is a verbatim seed line, and a cache keyed on whole
    lines would make any throughput figure meaningless."""
    rng = random.Random(seed)
    seeds = []
    for p in sorted(glob.glob(os.path.join(ROOT, "seeds", "*.txt"))):
        with open(p, encoding="utf-8") as fh:
            lines = [line for line in fh.read().splitlines() if line.strip()]
        traditional = os.path.basename(p)[:3] in ("001", "003", "004")
        seeds.append((lines, traditional))
    prose = {t: _clean_prose(t) for t in (False, True)} if unique else {}
    while True:
        lines, traditional = rng.choices(seeds, weights=MIXES[mix])[0] if mix != "seeds" else rng.choice(seeds)
        size = rng.randint(4_000, 64_000)
        page, n = [], 0
        while n < size:
            line = rng.choice(lines)
            if unique and len(line) >= 30:
                k = rng.randint(8, 20)
                i = rng.randrange(len(prose[traditional]) - k)
                line += prose[traditional][i : i + k]
            page.append(line)
            n += len(line.encode("utf-8")) + 1
        text = "\n".join(page) + "\n"
        r = rng.random()
        if r < 0.6:
            yield text.encode("utf-8"), "utf-8"
        elif traditional:
            yield text.encode("cp950", "replace"), "cp950"
        else:
            yield text.encode("gb18030"), "gb18030"


def damaged_pages(seed: int = 1, size: int = 2_000) -> Iterator[tuple[bytes, str]]:
    """Endless deterministic pages of about `size` bytes of real clean text, every one with
    damage (issue 11): paragraphs of one genre of tests/data/clean_corpus, each made unique
    by a random excerpt of 8-20 characters of another document (no paragraph repeats verbatim
    across pages), then one paragraph damaged one of the usual ways
    (eval_repair_damage.DAMAGE: GBK/Big5 read as Latin-1/cp1252, Big5 and GBK read as each
    other, UTF-8 read as GBK with replace/ignore, a lost GBK lead byte) or, on one page in
    five, a line of the damaged seeds 003 (GBK shifts) or 004 (pinyin ruby residue) set in.
    Pages are UTF-8 (70 %) or GB18030."""
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    from eval_repair_damage import DAMAGE

    rng = random.Random(seed)
    with open(os.path.join(ROOT, "tests", "data", "clean_corpus", "sample.jsonl"), encoding="utf-8") as fh:
        docs = [json.loads(line) for line in fh]
    by_genre: dict[str, list[str]] = {}
    for d in docs:
        by_genre.setdefault(d["genre"], []).extend(p for p in d["text"].splitlines() if p.strip())
    prose = "".join(d["text"].replace("\n", "") for d in docs)
    seeds_damaged = []
    for name in ("003", "004"):
        with open(glob.glob(os.path.join(ROOT, "seeds", f"{name}_*.txt"))[0], encoding="utf-8") as fh:
            seeds_damaged.append([line for line in fh.read().splitlines() if len(line) >= 20])
    kinds = sorted(DAMAGE)
    genres = sorted(by_genre)
    while True:
        paras = by_genre[rng.choice(genres)]
        page, n = [], 0
        while n < size:
            k = rng.randint(8, 20)
            i = rng.randrange(len(prose) - k)
            page.append(rng.choice(paras) + prose[i:i + k])
            n += len(page[-1].encode("utf-8")) + 1
        j = rng.randrange(len(page))
        if rng.random() < 0.2:
            page.insert(j, rng.choice(rng.choice(seeds_damaged)))
        else:
            for _ in range(10):  # a kind whose codec can encode this paragraph
                codec, damage = DAMAGE[rng.choice(kinds)]
                try:
                    page[j].encode(codec)
                    bad = damage(page[j], rng)
                except (UnicodeError, ValueError, IndexError):
                    continue
                if bad != page[j]:
                    page[j] = bad
                    break
        text = "\n".join(page) + "\n"
        if rng.random() < 0.7:
            yield text.encode("utf-8"), "utf-8"
        else:
            yield text.encode("gb18030"), "gb18030"


def build_corpus(out: str, mb: float, seed: int = 1, mix: str = "seeds", unique: bool = True) -> list[str]:
    """Write `pages` (`damaged_pages` for the "damaged" mix) as files under `out` until they
    hold `mb` MB; returns their paths."""
    total, paths = 0, []
    source = damaged_pages(seed) if mix == "damaged" else pages(seed, mix, unique)
    for i, (data, _) in enumerate(source):
        if total >= mb * 1e6:
            break
        path = os.path.join(out, f"{i // 1000:03d}", f"page{i:06d}.txt")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
        paths.append(path)
        total += len(data)
    return paths


class TreeRss:
    """Peak summed RSS (bytes) of a process and all its descendants, sampled from /proc."""

    def __init__(self, pid: int, period: float = 0.02):
        self.pid, self.period, self.peak = pid, period, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat", "rb") as fh:
                        ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(d))
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(children.get(p, []))
        return out

    def _loop(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.is_set():
            total = 0
            for p in self._tree():
                try:
                    with open(f"/proc/{p}/statm") as fh:
                        total += int(fh.read().split()[1]) * page
                except (OSError, IndexError, ValueError):
                    pass
            self.peak = max(self.peak, total)
            time.sleep(self.period)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


_WRAP = r"""
import json, resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
ru = resource.getrusage(resource.RUSAGE_CHILDREN)  # Linux: max RSS over all reaped descendants
print(json.dumps({"code": code, "maxrss_kb": ru.ru_maxrss, "cpu_s": ru.ru_utime + ru.ru_stime}))
"""


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """Run a command; wall seconds, CPU seconds, peak single-process RSS and peak tree RSS (MB)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _WRAP, *cmd], env=env, stdout=subprocess.PIPE, text=True)
    sampler = TreeRss(proc.pid)
    stdout, _ = proc.communicate()
    wall = time.perf_counter() - t0
    tree = sampler.stop()
    info = json.loads(stdout.strip().splitlines()[-1])
    if info["code"] != 0:
        raise SystemExit(f"{cmd} failed with {info['code']}")
    return {"wall_s": wall, "cpu_s": info["cpu_s"], "peak_process_mb": info["maxrss_kb"] / 1024,
            "peak_tree_mb": tree / 1e6}


def _burn(n: int = 3 * 10**7) -> float:
    t0 = time.perf_counter()
    x = 0
    for i in range(n):
        x += i
    return time.perf_counter() - t0


def machine_parallelism() -> float:
    """How much faster two CPU-bound processes finish two units of work than one process does
    (2.0 on two idle cores; less when other processes compete). Read the workers' speed-up
    against this."""
    import multiprocessing

    t0 = time.perf_counter()
    _burn()
    _burn()
    one = time.perf_counter() - t0
    with multiprocessing.get_context("fork").Pool(2) as pool:
        t0 = time.perf_counter()
        pool.map(_burn, [3 * 10**7] * 2)
        two = time.perf_counter() - t0
    return one / two


NAIVE = r"""
import sys, time, chardet, ftfy, opencc
paths = sys.argv[1:]
cc = opencc.OpenCC("t2s")
t0 = time.perf_counter(); c0 = time.process_time(); n = 0
for p in paths:
    raw = open(p, "rb").read(); n += len(raw)
    enc = chardet.detect(raw)["encoding"] or "utf-8"
    text = raw.decode(enc, "replace")
    cc.convert(ftfy.fix_text(text))
print(time.perf_counter() - t0, time.process_time() - c0)
"""


def naive_sample(paths: list[str], mb: float) -> tuple[list[str], int]:
    """The first files of `paths` up to `mb` MB (the naive composition's share), and their bytes."""
    sample, n = [], 0
    for p in paths:
        if n >= mb * 1e6:
            break
        sample.append(p)
        n += os.path.getsize(p)
    return sample, n


def cleanse_run(corpus: str, dest: str, workers: int, total: int, env: dict[str, str]) -> dict:
    """One `cleanse run` in a fresh process: its own clock, setup, stage seconds, memory."""
    m = run_measured([sys.executable, "-m", "cleanse.cli", "run", "-i", corpus, "-o", dest,
                      "--overwrite", "-q", "-w", str(workers)], env=env)
    with open(os.path.join(dest, "_manifest.json"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    with open(os.path.join(dest, "_stats.json"), encoding="utf-8") as fh:
        stages = json.load(fh)["stages"]
    secs = manifest["seconds"]
    setup = manifest.get("setup_seconds") or 0.0
    return {"mb": total / 1e6, "seconds": secs, "mb_per_s": total / 1e6 / secs,
            "setup_s": setup, "steady_mb_per_s": total / 1e6 / (secs - setup),
            "rows": manifest["counts"]["rows"], **m,
            "stage_seconds": {s["name"]: round(s["seconds"], 2) for s in stages}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=40.0, help="corpus size for cleanse (MB)")
    ap.add_argument("--naive-mb", type=float, default=2.0, help="part of the corpus the naive composition runs on")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs per worker count, interleaved; the median is reported (default 3)")
    ap.add_argument("--keep", metavar="DIR", help="build the corpus and outputs here and keep them")
    ap.add_argument("--mix", choices=sorted(MIXES), default="seeds",
                    help="seeds: pages drawn uniformly from the five seeds (2 of 5 heavily damaged); "
                         "web: 90%% clean pages, 10%% damaged; damaged: 2 KB pages of real clean text, "
                         "every one with damage (`damaged_pages`)")
    ap.add_argument("--verbatim-lines", action="store_true",
                    help="pages of verbatim seed lines (the corpus of earlier figures; paragraphs repeat across pages)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    work = args.keep or tempfile.mkdtemp(prefix="cleanse-bench-")
    corpus = os.path.join(work, "corpus")
    if os.path.isdir(corpus):
        shutil.rmtree(corpus)
    paths = build_corpus(corpus, args.mb, mix=args.mix, unique=not args.verbatim_lines)
    total = sum(os.path.getsize(p) for p in paths)
    env = {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
    results: dict[str, dict[str, float]] = {}

    # Naive composition on a prefix of the corpus (rate in MB/s).
    sample, n = naive_sample(paths, args.naive_mb)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", NAIVE, *sample], env=env, capture_output=True, text=True, check=True)
    naive_s, naive_cpu = map(float, out.stdout.split())
    results["naive"] = {"mb": n / 1e6, "seconds": naive_s, "mb_per_s": n / 1e6 / naive_s,
                        "wall_s": time.perf_counter() - t0, "cpu_s": naive_cpu}

    # Repeats are interleaved (w1, w2, w1, w2, ...) so that a slow spell of a shared machine
    # hits every configuration alike; each configuration reports its median run (by seconds),
    # and the range of its MB/s.
    runs: dict[int, list[dict]] = {w: [] for w in args.workers}
    for _ in range(args.repeat):
        for w in args.workers:
            runs[w].append(cleanse_run(corpus, os.path.join(work, f"out-w{w}"), w, total, env))
    for w, rs in runs.items():
        rs.sort(key=lambda r: r["seconds"])
        med = dict(rs[len(rs) // 2])
        med["runs"] = len(rs)
        med["mb_per_s_range"] = [round(rs[-1]["mb_per_s"], 2), round(rs[0]["mb_per_s"], 2)]
        for key in ("peak_process_mb", "peak_tree_mb"):  # memory: the worst run
            med[key] = max(r[key] for r in rs)
        results[f"cleanse_w{w}"] = med

    naive_rate = results["naive"]["mb_per_s"]
    naive_cpu_rate = results["naive"]["mb"] / results["naive"]["cpu_s"]
    for k, r in results.items():
        r["x_naive"] = r["mb_per_s"] / naive_rate
        # The same ratio in CPU time (the process's own, setup included for cleanse): what a
        # shared machine distorts least.
        r["x_naive_cpu"] = r["mb"] / r["cpu_s"] / naive_cpu_rate
    if "cleanse_w1" in results and "cleanse_w2" in results:
        w1, w2 = results["cleanse_w1"], results["cleanse_w2"]
        results["speedup_2_workers"] = {"x": w2["mb_per_s"] / w1["mb_per_s"],
                                        "x_ex_setup": w2["steady_mb_per_s"] / w1["steady_mb_per_s"],
                                        "machine_parallelism": machine_parallelism()}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"corpus ({args.mix} mix): {len(paths)} files, {total / 1e6:.1f} MB (naive on {results['naive']['mb']:.1f} MB)")
        print(f"{'run':<12} {'MB/s':>8} {'range':>13} {'x naive':>8} {'seconds':>8} {'setup s':>7} "
              f"{'MB/s ex setup':>13} {'wall s':>7} {'cpu s':>7} {'peak proc MB':>12} {'peak tree MB':>12}")
        for k, r in results.items():
            if k == "speedup_2_workers":
                continue
            lo, hi = r.get("mb_per_s_range", (r["mb_per_s"], r["mb_per_s"]))
            print(f"{k:<12} {r['mb_per_s']:>8.2f} {f'{lo:.2f}-{hi:.2f}':>13} {r['x_naive']:>8.1f} {r['seconds']:>8.2f} "
                  f"{r.get('setup_s', float('nan')):>7.2f} {r.get('steady_mb_per_s', float('nan')):>13.2f} {r['wall_s']:>7.1f} "
                  f"{r.get('cpu_s', float('nan')):>7.1f} "
                  f"{r.get('peak_process_mb', float('nan')):>12.0f} {r.get('peak_tree_mb', float('nan')):>12.0f}")
        if "speedup_2_workers" in results:
            sp = results["speedup_2_workers"]
            print(f"2 workers / 1 worker: {sp['x']:.2f}x, {sp['x_ex_setup']:.2f}x without the setup (which the parent "
                  f"does once, before the workers fork); two CPU-bound processes on this machine right now: "
                  f"{sp['machine_parallelism']:.2f}x")
        print("x naive in CPU time (MB per CPU second, cleanse's setup included): "
              + ", ".join(f"{k} {r['x_naive_cpu']:.1f}x" for k, r in results.items() if k.startswith("cleanse_w")))
        if "cleanse_w1" in results:
            print("stage seconds (1 worker):", results["cleanse_w1"]["stage_seconds"])
        print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores "
              "(other processes on the machine distort the workers' speed-up)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
