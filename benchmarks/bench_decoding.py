"""Decoding throughput on Chinese pages: cleanse's detect_and_decode against the naive
composition (chardet.detect on the same 64 KB sample, then decode), one core, same run.

    python benchmarks/bench_decoding.py [--kb 4 40] [--repeat 5] [--cleanse-root DIR]

Documents: the five seeds cut into pieces of --kb KB of text, encoded in GBK, in Big5
after OpenCC s2t (characters outside Big5 dropped) and in UTF-8. MB/s counts encoded input bytes; the median of
--repeat runs. `--cleanse-root` times another checkout's cleanse (e.g. main before a change)
in its place, so that before/after figures come from one machine and one minute.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def documents(kb: int) -> dict[str, list[bytes]]:
    import opencc

    s2t = opencc.OpenCC("s2t")
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    out: dict[str, list[bytes]] = {"gbk": [], "big5": [], "utf-8": []}
    for text in texts:
        step = kb * 1024 // 3  # about kb KB of UTF-8
        for i in range(0, len(text), step):
            piece = text[i : i + step]
            if len(piece) < step // 2:
                continue
            out["utf-8"].append(piece.encode("utf-8"))
            out["gbk"].append(piece.encode("gbk", "ignore"))
            out["big5"].append(s2t.convert(piece).encode("big5", "ignore"))
    return out


def timed(fn, docs: list[bytes], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for d in docs:
            fn(d)
        runs.append(time.perf_counter() - t0)
    return sum(map(len, docs)) / 1e6 / statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kb", type=int, nargs="+", default=[4, 40])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cleanse-root", default=str(ROOT))
    args = ap.parse_args()
    sys.path.insert(0, args.cleanse_root)
    import chardet

    from cleanse.decoding import detect_and_decode

    def naive(raw: bytes) -> str:
        name = chardet.detect(raw[: 64 * 1024])["encoding"] or "utf-8"
        return raw.decode(name, "replace")

    print(f"cleanse from {Path(sys.modules['cleanse'].__file__).parent.parent}")
    print("| docs | encoding | n | cleanse MB/s | chardet+decode MB/s | ratio |\n| --- | --- | ---: | ---: | ---: | ---: |")
    for kb in args.kb:
        for enc, docs in documents(kb).items():
            ours = timed(detect_and_decode, docs, args.repeat)
            theirs = timed(naive, docs, max(1, args.repeat // 2))
            print(f"| {kb} KB | {enc} | {len(docs)} | {ours:.1f} | {theirs:.2f} | {ours / theirs:.0f}x |")


if __name__ == "__main__":
    main()
