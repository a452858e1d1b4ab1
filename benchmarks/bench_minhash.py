"""MinHash implementations on the same character 5-gram shingles of planted documents:
rensa (Rust), this project's numpy permutations, datasketch. Speed (CPU seconds, so that a
busy shared machine does not distort the ratio), bytes per signature, and correctness (mean
absolute error of the estimated Jaccard against the exact Jaccard of the shingle sets, on
pairs of planted copies and random pairs).

    python benchmarks/bench_minhash.py --docs 3000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench_dedup import pipeline_text  # noqa: E402
from planted import load_pool, planted_corpus  # noqa: E402

from cleanse.dedup.minhash import MinHashConfig, estimate, signatures  # noqa: E402
from cleanse.dedup.normalize import dedup_form  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--docs", type=int, default=3000)
    args = p.parse_args()
    docs = list(planted_corpus(args.docs, load_pool()))
    forms = [dedup_form(pipeline_text(d)) for d in docs]
    index = {d.name: i for i, d in enumerate(docs)}
    rng = random.Random(3)
    pairs = [(index[d.base], i) for i, d in enumerate(docs) if d.base]
    pairs += [(rng.randrange(len(docs)), rng.randrange(len(docs))) for _ in range(len(pairs))]
    n = 5
    sets = [{f[i:i + n] for i in range(len(f) - n + 1)} for f in forms]
    exact = np.array([len(sets[a] & sets[b]) / len(sets[a] | sets[b]) for a, b in pairs])
    mb = sum(len(f.encode()) for f in forms) / 1e6
    results = []
    for backend in ("rensa", "numpy"):
        cfg = MinHashConfig(backend=backend)
        t0 = time.process_time()
        sig = np.concatenate([signatures(forms[s:s + 1024], cfg) for s in range(0, len(forms), 1024)])
        secs = time.process_time() - t0
        est = np.array([estimate(sig[a], sig[b]) for a, b in pairs])
        results.append({"impl": f"cleanse shingles + {backend}", "cpu_s": round(secs, 3),
                        "docs_per_cpu_s": round(len(forms) / secs), "mb_per_cpu_s": round(mb / secs, 2),
                        "bytes_per_signature": sig.shape[1] * sig.itemsize,
                        "mean_abs_error": round(float(np.abs(est - exact).mean()), 4)})
    try:
        from datasketch import MinHash

        t0 = time.process_time()
        ms = []
        for f in forms:
            m = MinHash(num_perm=128, seed=1)
            m.update_batch([f[i:i + n].encode("utf-8") for i in range(max(1, len(f) - n + 1))])
            ms.append(m)
        secs = time.process_time() - t0
        est = np.array([ms[a].jaccard(ms[b]) for a, b in pairs])
        results.append({"impl": "datasketch MinHash.update_batch", "cpu_s": round(secs, 3),
                        "docs_per_cpu_s": round(len(forms) / secs), "mb_per_cpu_s": round(mb / secs, 2),
                        "bytes_per_signature": ms[0].hashvalues.nbytes,
                        "mean_abs_error": round(float(np.abs(est - exact).mean()), 4)})
    except ImportError:
        pass
    for r in results:
        print(json.dumps({"docs": len(forms), "mb": round(mb, 2), "pairs": len(pairs), **r}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
