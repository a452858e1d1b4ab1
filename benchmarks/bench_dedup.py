"""Dedup benchmark on a planted corpus (benchmarks/planted.py): precision and recall per kind
of planted copy, throughput and memory; a parameter sweep; datatrove's MinHash on the same
corpus; a simulated 10M-document signatures-only run.

    python benchmarks/bench_dedup.py sweep --docs 20000
    python benchmarks/bench_dedup.py run --docs 100000 [--datatrove-python /work/venv-datatrove/bin/python]
    python benchmarks/bench_dedup.py simulate --docs 10000000
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from planted import KINDS, Planted, load_pool, planted_corpus  # noqa: E402

from cleanse import convert  # noqa: E402
from cleanse.dedup.clusters import KIND_KEPT, resolve  # noqa: E402
from cleanse.dedup.minhash import MinHashConfig  # noqa: E402
from cleanse.dedup.phase import DedupConfig, text_signatures  # noqa: E402


def pipeline_text(d: Planted) -> str:
    """What the pipeline hands the dedup phase: Traditional copies already converted."""
    return convert(d.text, "t2s") if d.kind == "traditional" else d.text


def score(docs: list[Planted], dropped: set[int], dup_of: dict[int, int]) -> dict[str, object]:
    """Recall per planted kind (a copy is found when dropped as a duplicate of its base, or its
    base dropped as a duplicate of it), precision over all dropped documents."""
    index = {d.name: i for i, d in enumerate(docs)}
    found = collections.Counter()
    total = collections.Counter()
    true_pairs = set()
    for i, d in enumerate(docs):
        if d.base is not None:
            b = index[d.base]
            true_pairs.add((b, i))
            total[d.kind] += 1
            if (i in dropped and dup_of[i] == b) or (b in dropped and dup_of[b] == i):
                found[d.kind] += 1
    # A dropped document is correct when it and its kept document are copies of one base.
    group = {i: index[d.base] if d.base else i for i, d in enumerate(docs)}
    correct = sum(1 for i in dropped if group[i] == group[dup_of[i]])
    wrong_quotation = sum(1 for i in dropped if docs[i].kind == "quotation" or docs[dup_of[i]].kind == "quotation")
    recall = {k: round(found[k] / total[k], 4) if total[k] else None for k in KINDS}
    return {"dropped": len(dropped), "precision": round(correct / len(dropped), 4) if dropped else 1.0,
            "recall": round(sum(found.values()) / max(1, sum(total.values())), 4), "recall_by_kind": recall,
            "quotation_false_positives": wrong_quotation, "planted": sum(total.values())}


def dedup_in_memory(texts: list[str], cfg: DedupConfig) -> tuple[set[int], dict[int, int], float]:
    t0 = time.perf_counter()
    exact, bands, sig = [], [], []
    for s in range(0, len(texts), 1024):
        e, b, g = text_signatures(texts[s:s + 1024], cfg)
        exact.append(e), bands.append(b), sig.append(g)
    exact, bands, sig = np.concatenate(exact), np.concatenate(bands), np.concatenate(sig)
    rank = np.arange(len(texts))
    res = resolve(rank, exact, bands, lambda o: sig[o], cfg.minhash.threshold)
    dropped = set(np.flatnonzero(res.kind != KIND_KEPT).tolist())
    return dropped, {i: int(res.kept_as[i]) for i in dropped}, time.perf_counter() - t0


def cmd_sweep(args: argparse.Namespace) -> None:
    docs = list(planted_corpus(args.docs, load_pool()))
    texts = [pipeline_text(d) for d in docs]
    for ngram in (3, 5, 7):
        for bands, rows in ((16, 8), (32, 4), (20, 5)):
            for thr in (0.5, 0.6, 0.7, 0.8):
                cfg = DedupConfig(minhash=MinHashConfig(ngram=ngram, bands=bands, rows=rows, threshold=thr))
                dropped, dup_of, secs = dedup_in_memory(texts, cfg)
                s = score(docs, dropped, dup_of)
                print(json.dumps({"ngram": ngram, "bands": bands, "rows": rows, "threshold": thr,
                                  "seconds": round(secs, 2), **s}, ensure_ascii=False), flush=True)


def group_score(docs: list[Planted], dropped_names: set[str]) -> dict[str, object]:
    """Scoring that needs no `duplicate_of` (datatrove does not give one), applied to both: a
    dropped document is correct when it belongs to a planted pair whose other member is kept;
    a planted pair is found when exactly one of its two documents is dropped."""
    by_name = {d.name: d for d in docs}
    partner: dict[str, str] = {}
    for d in docs:
        if d.base is not None:
            partner[d.name], partner[d.base] = d.base, d.name
    correct = sum(1 for n in dropped_names if n in partner and partner[n] not in dropped_names)
    found = collections.Counter()
    total = collections.Counter()
    for d in docs:
        if d.base is not None:
            total[d.kind] += 1
            found[d.kind] += (d.name in dropped_names) != (d.base in dropped_names)
    return {"dropped": len(dropped_names), "precision": round(correct / max(1, len(dropped_names)), 4),
            "recall": round(sum(found.values()) / max(1, sum(total.values())), 4),
            "recall_by_kind": {k: round(found[k] / total[k], 4) for k in KINDS if total[k]},
            "quotation_dropped": sum(1 for n in dropped_names if by_name[n].kind == "quotation")}


def write_output(docs: list[Planted], out: str, per_part: int = 5000) -> None:
    """A finished cleanse output holding the planted documents as the pipeline would hand them
    to the dedup phase (Traditional copies converted), written without running the pipeline
    (this machine is shared: the pipeline's own speed is measured by bench_pipeline.py)."""
    import hashlib

    from cleanse.document import Document, make_id
    from cleanse.io.layout import MANIFEST_FILE, RUN_FILE
    from cleanse.io.parquet import CorpusPartWriter
    from cleanse.io.storage import Storage

    storage = Storage(out)
    for p in range(0, len(docs), per_part):
        w = CorpusPartWriter(storage, p // per_part, "planted")
        for d in docs[p:p + per_part]:
            raw = d.text.encode("utf-8")
            sha = hashlib.sha256(raw).hexdigest()
            src = f"/planted/{d.name}.txt"
            w.write(Document(text=pipeline_text(d), id=make_id(sha, src, 0), source=src, source_sha256=sha,
                             byte_end=len(raw), encoding="utf-8"))
        w.close()
    storage.write_json_atomic(RUN_FILE, {"pipeline": "planted", "inputs": len(docs)})
    storage.write_json_atomic(MANIFEST_FILE, {"counts": {"rows": len(docs)}})


def load(before: float) -> dict[str, float]:
    """The machine's 1-minute load average before and after a step (2 cores: above 2, the
    wall clock measures the other processes too; compare CPU seconds)."""
    return {"load_before": round(before, 2), "load_after": round(os.getloadavg()[0], 2)}


def cmd_run(args: argparse.Namespace) -> None:
    import shutil

    import pyarrow.parquet as pq

    from bench_pipeline import run_measured

    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    docs = list(planted_corpus(args.docs, load_pool()))
    py = sys.executable
    base = f"{work}/out_base"
    write_output(docs, base)
    table = pq.read_table(f"{base}/documents", columns=["id", "source", "text"])
    name_of = {i: os.path.basename(s)[:-4] for i, s in zip(table.column("id").to_pylist(), table.column("source").to_pylist())}
    text_mb = sum(len(t.encode("utf-8")) for t in table.column("text").to_pylist()) / 1e6
    with open(f"{work}/corpus.jsonl", "w", encoding="utf-8") as fh:
        for i, t in zip(table.column("id").to_pylist(), table.column("text").to_pylist()):
            fh.write(json.dumps({"id": name_of[i], "text": t}, ensure_ascii=False) + "\n")
    n = table.num_rows
    del table
    for w in args.workers:
        out = f"{work}/out_w{w}"
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(base, out)
        load0 = os.getloadavg()[0]
        flags = ["--no-repeated-lines"] if args.no_repeated_lines else []
        m = run_measured([py, "-m", "cleanse.cli", "dedup", out, "-q", "-w", str(w), *flags])
        dups = pq.read_table(f"{out}/duplicates", columns=["source", "duplicate_of"]).to_pylist()
        if w == args.workers[0]:
            kept_ids = {d["source"]: d["duplicate_of"] for d in dups}
        elif kept_ids != {d["source"]: d["duplicate_of"] for d in dups}:
            raise SystemExit(f"different duplicates with {w} workers")
        dropped = {os.path.basename(d["source"])[:-4] for d in dups}
        summary = json.load(open(f"{out}/_dedup/summary.json"))
        print(json.dumps({"step": f"cleanse dedup -w {w} {' '.join(flags)}".strip(), "docs": n, "text_mb": round(text_mb, 1),
                          "docs_per_s": round(n / m["wall_s"]), "mb_per_s": round(text_mb / m["wall_s"], 2),
                          **{k: round(v, 2) for k, v in m.items()}, "signature_seconds": summary["signature_seconds"],
                          "repeated_lines": summary.get("repeated_lines"), **load(load0),
                          **group_score(docs, dropped)}), flush=True)
    if args.datatrove_python:
        configs = {"matched": ("matched 32x4", ["--buckets", "32", "--hashes", "4"]), "default": ("default 14x8", [])}
        for tasks in args.datatrove_tasks or args.workers:
            dt = f"{work}/datatrove_{tasks}"
            for label, extra in (configs[c] for c in args.datatrove_configs):
                shutil.rmtree(dt, ignore_errors=True)
                cmd = [args.datatrove_python, os.path.join(os.path.dirname(__file__), "datatrove_minhash.py"),
                       "--jsonl", f"{work}/corpus.jsonl", "--work", dt, "--tasks", str(tasks), *extra]
                out_file = f"{work}/datatrove_out.json"
                load0 = os.getloadavg()[0]
                m = run_measured(["bash", "-c", " ".join(cmd) + f" > {out_file} 2> {work}/datatrove_log.txt"])
                res = json.load(open(out_file))
                print(json.dumps({"step": f"datatrove {label} tasks={tasks}", "docs": n,
                                  "docs_per_s": round(n / m["wall_s"]), "mb_per_s": round(text_mb / m["wall_s"], 2),
                                  **{k: round(v, 2) for k, v in m.items()}, "steps": res["steps"], **load(load0),
                                  **group_score(docs, set(res["removed"]))}), flush=True)


def cmd_simulate(args: argparse.Namespace) -> None:
    """The driver's part of the phase (load keys, group bands, resolve) on `--docs` synthetic
    documents: random band keys with 1% planted near-duplicate pairs (shared bands). Reports
    peak RSS per document; no text exists, as in the real phase (signature files are read
    only for candidates; here they are a lookup of random signatures for those)."""
    cfg = MinHashConfig()
    n = args.docs
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    t0 = time.perf_counter()
    rng = np.random.default_rng(1)
    bands = rng.integers(1, 2**63, size=(n, cfg.bands), dtype=np.uint64)
    exact = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    dup = rng.choice(n, size=n // 100, replace=False)
    src = rng.integers(0, n, size=len(dup))
    bands[dup, : cfg.bands // 2] = bands[src, : cfg.bands // 2]
    rank = rng.permutation(n).astype(np.int64)
    t_gen = time.perf_counter() - t0

    def lookup(ordinals: np.ndarray) -> np.ndarray:
        sig = np.random.default_rng(2).integers(0, 2**32, size=(len(ordinals), cfg.num_perm), dtype=np.uint32)
        return sig

    t0 = time.perf_counter()
    res = resolve(rank, exact, bands, lookup, cfg.threshold)
    secs = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss0
    print(json.dumps({"docs": n, "bands": cfg.bands, "generate_s": round(t_gen, 1), "resolve_s": round(secs, 1),
                      "peak_rss_mb": round(peak / 1e6), "bytes_per_doc": round(peak / n),
                      "inputs_bytes_per_doc": bands.itemsize * cfg.bands + 16 + 8,
                      "dropped": int((res.kind != 0).sum())}), flush=True)


def main() -> int:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sweep")
    s.add_argument("--docs", type=int, default=20000)
    r = sub.add_parser("run")
    r.add_argument("--docs", type=int, default=100000)
    r.add_argument("--work", default="/tmp/cleanse_dedup_bench")
    r.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    r.add_argument("--datatrove-python", default=None)
    r.add_argument("--no-repeated-lines", action="store_true", help="cleanse without its repeated-lines pass "
                   "(datatrove's MinHash has none: the like-for-like comparison)")
    r.add_argument("--datatrove-tasks", type=int, nargs="+", default=None, help="default: --workers")
    r.add_argument("--datatrove-configs", nargs="+", choices=("matched", "default"), default=["matched", "default"])
    m = sub.add_parser("simulate")
    m.add_argument("--docs", type=int, default=10_000_000)
    args = p.parse_args()
    {"sweep": cmd_sweep, "run": cmd_run, "simulate": cmd_simulate}[args.cmd](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
