"""Language identification packages that ship their model, on zh/ja/ko/en text.

    python benchmarks/bench_langid.py [--chatterbot /work/.mirror/gunthercox+chatterbot-corpus/repo]

Text not written by us: the utterances of gunthercox/chatterbot-corpus (BSD-3-Clause, commit
a01efec; chinese, traditionalchinese, japanese, korean, english; short conversational lines,
the hard case) joined in groups of 5 lines (a short paragraph), and the documents of
tests/data/clean_corpus/sample.jsonl (zh, 10 genres incl. classical poetry and law). For each
package: accuracy per language, documents per second, model load time and memory.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIRROR = "/work/.mirror/gunthercox+chatterbot-corpus/repo"
LANGS = {"chinese": "zh", "traditionalchinese": "zh", "japanese": "ja", "korean": "ko", "english": "en"}


def chatterbot(mirror: str) -> list[tuple[str, str]]:
    names = subprocess.run(["git", f"--git-dir={mirror}", "ls-tree", "-r", "--name-only", "HEAD"],
                           capture_output=True, text=True, check=True).stdout.split()
    out = []
    for name in names:
        parts = name.split("/")
        if len(parts) == 4 and parts[2] in LANGS and name.endswith(".yml"):
            text = subprocess.run(["git", f"--git-dir={mirror}", "show", f"HEAD:{name}"], capture_output=True,
                                  text=True, check=True).stdout
            lines = [m.group(1).strip() for m in re.finditer(r"^\s*-\s+-?\s*(.+)$", text, re.M)]
            lines = [ln for ln in lines if len(ln) > 1]
            for i in range(0, len(lines) - 4, 5):
                out.append((LANGS[parts[2]], "\n".join(lines[i:i + 5])))
    return out


def clean_corpus() -> list[tuple[str, str]]:
    with open(os.path.join(ROOT, "tests", "data", "clean_corpus", "sample.jsonl"), encoding="utf-8") as fh:
        return [("zh", json.loads(line)["text"][:2000]) for line in fh]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(name: str, data: list[tuple[str, str]]) -> dict:
    before = rss_mb()
    t0 = time.perf_counter()
    if name == "py3langid":
        sys.path.insert(0, ROOT)
        from cleanse.filters.language import identify

        identify("预热")
        fn = lambda t: identify(t)[0]  # noqa: E731
    elif name == "lingua":
        from lingua import LanguageDetectorBuilder

        det = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()
        fn = lambda t: (lambda r: r.iso_code_639_1.name.lower() if r else "?")(det.detect_language_of(t))  # noqa: E731
    else:
        raise SystemExit(name)
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    got = [fn(t) for _, t in data]
    secs = time.perf_counter() - t0
    per = {}
    for lang in sorted({g for g, _ in data}):
        idx = [i for i, (g, _) in enumerate(data) if g == lang]
        per[lang] = {"n": len(idx), "accuracy": round(sum(got[i] == lang for i in idx) / len(idx), 4)}
    return {"package": name, "load_seconds": round(load, 2), "docs_per_s": round(len(data) / secs, 1),
            "mb_per_s": round(sum(len(t.encode()) for _, t in data) / 1e6 / secs, 3),
            "memory_mb": round(rss_mb() - before, 1), "per_language": per}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--chatterbot", default=MIRROR)
    p.add_argument("--package", choices=["py3langid", "lingua"], action="append")
    args = p.parse_args()
    data = chatterbot(args.chatterbot) + clean_corpus()
    for name in args.package or ["py3langid", "lingua"]:
        # One package per process: the memory figures must not add up.
        if args.package:
            print(json.dumps(measure(name, data)), flush=True)
        else:
            subprocess.run([sys.executable, __file__, "--chatterbot", args.chatterbot, "--package", name], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
