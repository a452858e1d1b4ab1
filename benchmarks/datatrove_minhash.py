"""datatrove's MinHash dedup (its four steps, LocalPipelineExecutor) on a JSONL corpus, with
character n-grams (a tokenizer that splits into characters: the same shingles as cleanse).
Run with the python of a separate venv holding datatrove (not a cleanse dependency):

    /work/venv-datatrove/bin/python benchmarks/datatrove_minhash.py --jsonl C.jsonl --work DIR --tasks 2

Prints one JSON line: seconds per step and in all, and the ids datatrove removed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time

import datatrove.pipeline.dedup.minhash as dt_minhash
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter


class Chars:
    def word_tokenize(self, text: str) -> list[str]:
        return [c for c in text if not c.isspace()]


# Character shingles instead of a word tokenizer (datatrove's zh one needs spacy + jieba).
dt_minhash.load_word_tokenizer = lambda language: Chars()
CharSignature = MinhashDedupSignature


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--jsonl", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--tasks", type=int, default=1)
    p.add_argument("--ngram", type=int, default=5)
    p.add_argument("--buckets", type=int, default=14)
    p.add_argument("--hashes", type=int, default=8)
    a = p.parse_args()
    cfg = MinhashConfig(n_grams=a.ngram, num_buckets=a.buckets, hashes_per_bucket=a.hashes)
    w = a.work
    reader = lambda: JsonlReader(os.path.dirname(a.jsonl), glob_pattern=os.path.basename(a.jsonl))  # noqa: E731
    times = {}
    steps = [
        ("signatures", [reader(), CharSignature(output_folder=f"{w}/sigs", config=cfg)], a.tasks),
        ("buckets", [MinhashDedupBuckets(input_folder=f"{w}/sigs", output_folder=f"{w}/buckets", config=cfg)],
         cfg.num_buckets),
        ("cluster", [MinhashDedupCluster(input_folder=f"{w}/buckets", output_folder=f"{w}/remove_ids", config=cfg)], 1),
        ("filter", [reader(), MinhashDedupFilter(input_folder=f"{w}/remove_ids",
                                                 exclusion_writer=JsonlWriter(f"{w}/removed")),
                    JsonlWriter(f"{w}/kept")], a.tasks),
    ]
    t_all = time.perf_counter()
    for name, pipeline, tasks in steps:
        t0 = time.perf_counter()
        LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=min(tasks, a.tasks),
                              logging_dir=f"{w}/logs/{name}").run()
        times[name] = round(time.perf_counter() - t0, 3)
    total = round(time.perf_counter() - t_all, 3)
    removed = []
    for root, _, files in os.walk(f"{w}/removed"):
        for f in files:
            op = gzip.open if f.endswith(".gz") else open
            with op(os.path.join(root, f), "rt", encoding="utf-8") as fh:
                removed += [json.loads(line)["id"] for line in fh]
    print(json.dumps({"seconds": total, "steps": times, "removed": removed}))


if __name__ == "__main__":
    main()
