"""Exact-restoration rates of cjk_mojibake on the seeded synthetic damage (tests/repair_damage.py).

    PYTHONPATH=. python benchmarks/eval_repair_damage.py

Columns: exact = original with each lost character restored or absent (what the test floors
use); strict = every lost character restored correctly too; then, over the cases that are
exact apart from what stands in the lost characters' places: lost characters guessed right,
removed, wrong character (a wrong guess, or a damaged character left in place), debris left
(ASCII `?` or letter, U+FFFD).
"""
import sys, time
sys.path.insert(0, "tests")
from repair_damage import synthetic_cases, restored, restored_strict, lost_outcome
from cleanse.repair import repair_mojibake
def stage_eval() -> None:
    cases = synthetic_cases()
    t = time.perf_counter()
    rows: dict = {}
    for c in cases:
        got = repair_mojibake(c.damaged).text
        r = rows.setdefault((c.kind, c.script), [0, 0, 0, 0, 0, 0, 0, 0, 0])
        r[0] += 1
        if restored(c, got):
            r[1] += 1
        elif got == c.damaged:
            r[7] += 1
        r[2] += restored_strict(c, got)
        lo = lost_outcome(c, got) if c.lost else None
        if lo:
            r[3] += lo[0]; r[4] += lo[1]; r[5] += lo[2]; r[8] += lo[3]
    el = time.perf_counter() - t
    for k, (n, ex, st, right, rem, wrong, _, unt, deb) in sorted(rows.items()):
        line = f"{k[0]:20s} {k[1]:8s} exact {ex:3d}/{n:<3d} {100*ex/n:5.1f}%  strict {st:3d}/{n:<3d} untouched {unt:3d}"
        if right + rem + wrong + deb:
            line += f"  lost: right {right:3d} removed {rem:3d} wrong char {wrong:3d} debris left {deb:3d}"
        print(line)
    print("time", round(el, 2))


# --- whole default pipeline, damage made from the real clean corpus (issue 11) -------------
# PYTHONPATH=. python benchmarks/eval_repair_damage.py --pipeline
# Paragraphs of tests/data/clean_corpus/sample.jsonl (real text nobody here wrote), damaged
# the usual ways and set between two clean lines; exact = clean_text(damaged document) ==
# clean_text(original document). Lossy classes (UTF-8 read as GBK with errors="replace" /
# "ignore") cannot be exact in general: "marked" counts the documents whose every stretch
# that was not restored is flagged (a `lost` repair at its span).
import random
import re

from repair_damage import PIPELINE_DAMAGE as DAMAGE, damaged_paragraph, sample_paragraphs

GENRES_EVAL = ["classical_prose_hant", "poetry_hans", "legal_hans", "tech_hans"]


def _paragraphs(per_genre: int, rng: random.Random) -> dict[str, list[str]]:
    return sample_paragraphs(GENRES_EVAL, per_genre, rng)


def pipeline_eval(per_genre: int = 40) -> None:
    from cleanse.defaults import clean_text
    rng = random.Random(11)
    paras = _paragraphs(per_genre + 2, rng)
    for kind in DAMAGE:
        cells = []
        for g, ps in paras.items():
            ok = n = marked = 0
            for k in range(len(ps) - 2):
                p = ps[k]
                bad = damaged_paragraph(kind, p, rng)
                if bad is None:
                    continue
                doc = f"{ps[-1]}\n{p}\n{ps[-2]}"
                n += 1
                got, want = clean_text(f"{ps[-1]}\n{bad}\n{ps[-2]}"), clean_text(doc)
                ok += got == want
                # exact apart from lost characters, each left as one U+FFFD
                marked += got != want and "\ufffd" in got and re.fullmatch(
                    ".".join(map(re.escape, got.split("\ufffd"))), want, re.S) is not None
            cells.append((f"{g} {ok}/{n}" + (f" (+{marked} marked)" if marked else "")) if n else f"{g} -")
        print(f"{kind:22s} " + "  ".join(cells))


if __name__ == "__main__" and "--pipeline" in sys.argv:
    pipeline_eval()
elif __name__ == "__main__":
    stage_eval()
