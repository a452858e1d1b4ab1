"""Pinyin ruby residue made from real clean text, with neutral tones: is it all removed, and
does the rest of the text come back exactly?

    pip install pypinyin   # bench only (MIT); it gives the neutral tones: 我(wǒ)們(men)的(de)
    PYTHONPATH=. python benchmarks/eval_pinyin_residue.py [--docs 40] [--chars 400]

Documents of the clean sample (tests/data/clean_corpus, real text of every genre), each cut
to `--chars` characters, are annotated as flattened `<ruby>` markup leaves them, with
pypinyin's readings in context (Style.TONE: neutral syllables carry no mark):
- full: every Han character, `(…)`;            - full_fw: every Han character, `（…）`;
- sparse: 30 % of the Han characters (seed 004's kind of page, where only some are annotated);
- words: pairs of Han characters with a run of two notes `先生(xiān)(sheng)`.
Then `strip_ruby` alone, and the three repair stages in the pipeline's order (ftfy_zh,
cjk_mojibake, pinyin_ruby). Reported per style: documents restored exactly, toneless and
toned notes left. The clean originals themselves must not change (tests/repair/test_corpus.py).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from pathlib import Path

from pypinyin import Style, pinyin

from cleanse.repair import fix_text_zh, repair_mojibake, strip_ruby
from cleanse.repair.model import is_han
from cleanse.repair.pinyin import TONED

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "tests" / "data" / "clean_corpus" / "sample.jsonl"
FIXTURE = ROOT / "tests" / "data" / "pinyin_residue" / "annotated.jsonl"
STYLES = ("full", "full_fw", "sparse", "words")
NOTE = re.compile(r"[(（]([a-zü" + TONED + r"]{1,6})[)）]")


def annotate(text: str, style: str, rng: random.Random) -> str:
    readings = pinyin(text, style=Style.TONE, errors=lambda s: [None] * len(s))
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        r = readings[i][0] if readings[i] and readings[i][0] else None
        if not (is_han(c) and r):
            out.append(c)
            i += 1
            continue
        if style == "words" and i + 1 < len(text) and is_han(text[i + 1]) and readings[i + 1][0]:
            out.append(f"{c}{text[i + 1]}({r})({readings[i + 1][0]})")
            i += 2
            continue
        if style == "sparse" and rng.random() >= 0.3:
            out.append(c)
        else:
            out.append(f"{c}（{r}）" if style == "full_fw" else f"{c}({r})")
        i += 1
    return "".join(out)


def _kinds(text: str) -> Counter:
    return Counter("toned" if any(t in TONED for t in s) else "toneless" for s in NOTE.findall(text))


def three_stages(text: str) -> str:
    for fn in (fix_text_zh, repair_mojibake, strip_ruby):
        text = fn(text).text
    return text


def write_fixture(by_genre: dict[str, list[dict]], chars: int) -> None:
    """One document per genre and style: its line in the sample (where its text is) and the
    annotated text; tests/repair/test_pinyin.py checks that strip_ruby gives the text back."""
    FIXTURE.parent.mkdir(exist_ok=True)
    rng = random.Random(7)
    with open(FIXTURE, "w", encoding="utf-8") as f:
        for k, style in enumerate(STYLES):
            for ds in by_genre.values():
                d = ds[k % len(ds)]
                f.write(json.dumps({"line": d["line"], "source": d["source"], "chars": chars, "style": style,
                                    "annotated": annotate(d["text"][:chars], style, rng)},
                                   ensure_ascii=False) + "\n")
    print(f"wrote {FIXTURE}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=40, help="documents per genre")
    ap.add_argument("--chars", type=int, default=400)
    ap.add_argument("--write-fixture", action="store_true",
                    help=f"write {FIXTURE.relative_to(ROOT)} (one document per genre and style)")
    args = ap.parse_args()
    by_genre: dict[str, list[dict]] = {}
    for i, line in enumerate(SAMPLE.read_text(encoding="utf-8").splitlines()):
        d = json.loads(line)
        got = by_genre.setdefault(d["genre"], [])
        if len(got) < args.docs:
            got.append({**d, "line": i})
    if args.write_fixture:
        write_fixture(by_genre, args.chars)
        return
    docs = [d["text"][:args.chars] for ds in by_genre.values() for d in ds]
    print(f"{len(docs)} documents from {len(by_genre)} genres, {sum(map(len, docs)):,} characters")
    print("style     notes  toneless | strip_ruby: exact  left(toneless/toned) | 3 stages: exact  left")
    for style in STYLES:
        rng = random.Random(7)
        n = Counter()
        for orig in docs:
            damaged = annotate(orig, style, rng)
            base = _kinds(orig)
            notes = _kinds(damaged) - base
            n["notes"] += sum(notes.values())
            n["toneless"] += notes["toneless"]
            for key, fn in (("s", lambda t: strip_ruby(t).text), ("p", three_stages)):
                got = fn(damaged)
                n[key + "exact"] += got == orig
                left = _kinds(got) - base
                n[key + "toneless"] += left["toneless"]
                n[key + "toned"] += left["toned"]
        print(f"{style:8} {n['notes']:6} {n['toneless']:9} | {n['sexact']:4}/{len(docs)} "
              f"{n['stoneless']:5}/{n['stoned']:<5} | {n['pexact']:4}/{len(docs)} {n['ptoneless']:5}/{n['ptoned']}")


if __name__ == "__main__":
    main()
