"""Throughput of the repair stages (ftfy_zh + cjk_mojibake + pinyin_ruby) against plain ftfy.

    PYTHONPATH=. python benchmarks/bench_repair.py [--mb 2]

Clean input: seeds 000-002 and jieba's test sentences (natural prose), repeated to --mb
megabytes (UTF-8) in documents of 3000 characters; "rare-heavy": OpenCC phrase-dictionary
lines (dense in rare characters, the worst case for the gate). Damaged input: seeds 003 and 004, repeated. Reports MB/s per core
(one process) and the ratio against `ftfy.fix_text` (default config) on the same text, then
each stage alone on its pipeline input (best of 3 runs).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import ftfy

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from cleanse.repair import fix_text_zh, repair_mojibake, strip_ruby  # noqa: E402
from cleanse.repair import CjkMojibakeStage, FtfyStage, PinyinRubyStage  # noqa: E402
from benchmarks.bench_repair_corpus import best_time  # noqa: E402


def repair_all(text: str) -> str:
    text = fix_text_zh(text).text
    text = repair_mojibake(text).text
    return strip_ruby(text).text


def docs_of(texts: list[str], mb: float) -> list[str]:
    blob = "\n".join(texts)
    docs: list[str] = []
    size = 0
    i = 0
    while size < mb * 1e6:
        doc = blob[i:i + 3000]
        i = (i + 3000) % max(1, len(blob) - 3000)
        docs.append(doc)
        size += len(doc.encode("utf-8"))
    return docs


def rate(fn, docs: list[str]) -> float:
    size = sum(len(d.encode("utf-8")) for d in docs)
    t = time.perf_counter()
    for d in docs:
        fn(d)
    return size / 1e6 / (time.perf_counter() - t)


def stage_rates(docs: list[str], repeat: int = 3) -> dict[str, float]:
    """MB/s of each stage alone on its pipeline input (best of `repeat`: the machine is shared)."""
    size = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    after_ftfy = [fix_text_zh(d).text for d in docs]
    after_mojibake = [repair_mojibake(d).text for d in after_ftfy]
    out = {}
    for name, fn, inputs in (("ftfy_zh", fix_text_zh, docs), ("cjk_mojibake", repair_mojibake, after_ftfy),
                             ("pinyin_ruby", strip_ruby, after_mojibake)):
        out[name] = size / best_time(fn, inputs, repeat)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=2.0)
    args = ap.parse_args()
    from tests.repair.test_clean import clean_corpus

    for stage in (FtfyStage(), CjkMojibakeStage(), PinyinRubyStage()):
        stage.setup()  # tables and regexes built outside the timing, as the executors do
    corpus = clean_corpus()
    prose = corpus[:4]  # seeds 000-002 and the jieba sentences
    clean = docs_of(prose, args.mb)
    rare = docs_of(corpus[4:], args.mb / 4)
    damaged = docs_of([p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("00[34]_*.txt"))],
                      args.mb / 4)
    for label, docs in (("clean", clean), ("rare-heavy", rare), ("damaged", damaged)):
        ours = rate(repair_all, docs)
        plain = rate(ftfy.fix_text, docs)
        print(f"{label:10s} repair stages {ours:8.2f} MB/s   plain ftfy {plain:6.2f} MB/s   ratio {ours / plain:6.1f}x")
        print(" " * 11 + "   ".join(f"{k} {v:7.1f} MB/s" for k, v in stage_rates(docs).items()))


if __name__ == "__main__":
    main()
