"""Held-out clean text for the repair stages: sources none of their rules was written from.

    PYTHONPATH=. python benchmarks/heldout_corpus.py [--mb 3] [--show 40] GENRE...

GENRE: poetry_werneror (Werneror/Poetry @4cfe49c, MIT: poems of every dynasty, the CSV files
the fetched snapshot holds; a document is title, author and poem), classical_niutrans,
modern_niutrans (NiuTrans/Classical-Modern @4e746ea, MIT: the classical source texts of its
parallel corpus, `双语数据/**/source.txt`, and their modern translations, `target.txt`),
guwen_niutrans (its `古文原文/**/text.txt`). Documents are drawn with a fixed seed up to --mb
MB a genre (texts holding U+FFFD are left out); every document a repair stage changes is
printed with its repairs (`repair_corpus.repair_changes`). Needs the mirrors under
/work/.mirror (the `fetch` tool); nothing of them is committed but the test excerpts of
tests/repair/test_false_repairs_heldout.py. Figures: docs/repair.md, "Held out".
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from repair_corpus import MIRRORS, repair_changes  # noqa: E402

WERNEROR = ("Werneror+Poetry/repo", "4cfe49c06858e00d15f84d192fe5294295f79689")
NIUTRANS = ("NiuTrans+Classical-Modern/repo", "4e746ea9f")
NIU_FILES = {"classical_niutrans": "source.txt", "modern_niutrans": "target.txt", "guwen_niutrans": "text.txt"}
MAX_NIU_FILES = 4000  # files drawn before the size cap (the repository holds ~52,000)


def _blobs(source: tuple[str, str], paths: list[str]) -> list[str]:
    """The files at the source's commit, one `git cat-file --batch` ("" for a file the
    snapshot lacks: its largest files may be absent)."""
    git_dir, commit = source
    p = subprocess.run(["git", "-C", str(MIRRORS / git_dir), "cat-file", "--batch"],
                       input="".join(f"{commit}:{x}\n" for x in paths).encode(), capture_output=True, check=True)
    data, k, out = p.stdout, 0, []
    for _ in paths:
        nl = data.index(b"\n", k)
        head = data[k:nl].split()
        if head[-1] == b"missing":
            out.append("")
            k = nl + 1
            continue
        size = int(head[2])
        out.append(data[nl + 1:nl + 1 + size].decode("utf-8", "replace"))
        k = nl + 1 + size + 1
    return out


def _paths(source: tuple[str, str]) -> list[str]:
    git_dir, commit = source
    out = subprocess.run(["git", "-C", str(MIRRORS / git_dir), "-c", "core.quotepath=false", "ls-tree", "-r",
                          "--name-only", commit], capture_output=True, check=True).stdout.decode()
    return out.splitlines()


def genre_docs(genre: str, max_bytes: float, seed: int = 5) -> list[tuple[str, str]]:
    """(source label, text) drawn from a held-out genre up to max_bytes of UTF-8."""
    rng = random.Random(seed)
    docs: list[tuple[str, str]] = []
    if genre == "poetry_werneror":
        paths = [p for p in _paths(WERNEROR) if p.endswith(".csv")]
        for path, text in zip(paths, _blobs(WERNEROR, paths)):
            for row in csv.DictReader(io.StringIO(text)):
                docs.append((f"werneror:{path}", f"{row['题目']}\n{row['作者']}\n{row['内容']}"))
    elif genre in NIU_FILES:
        paths = [p for p in _paths(NIUTRANS) if p.endswith("/" + NIU_FILES[genre])]
        rng.shuffle(paths)
        paths = paths[:MAX_NIU_FILES]
        docs = [(f"niutrans:{p}", t) for p, t in zip(paths, _blobs(NIUTRANS, paths))]
    else:
        raise SystemExit(f"unknown genre {genre!r}: one of poetry_werneror, {', '.join(NIU_FILES)}")
    rng.shuffle(docs)
    out, n = [], 0
    for label, text in docs:
        if not text or "\ufffd" in text:
            continue
        out.append((label, text))
        n += len(text.encode())
        if n > max_bytes:
            break
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("genres", nargs="+")
    ap.add_argument("--mb", type=float, default=3.0)
    ap.add_argument("--show", type=int, default=40)
    args = ap.parse_args()
    changed_any = 0
    for genre in args.genres:
        docs = genre_docs(genre, args.mb * 1e6)
        t0 = time.process_time()
        changed = [(label, ch) for label, text in docs if (ch := repair_changes(text))]
        el = time.process_time() - t0
        mb = sum(len(t.encode()) for _, t in docs) / 1e6
        print(f"{genre:20s} {len(docs):6d} docs {mb:6.2f} MB  changed {len(changed):4d}  ({mb / el:.1f} MB/s, 3 stages)")
        for label, ch in changed[:args.show]:
            print("   ", label, ch)
        changed_any += len(changed)
    return 1 if changed_any else 0


if __name__ == "__main__":
    sys.exit(main())
