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
import json
import random
import re
from pathlib import Path


def _cp1252(b: bytes) -> str:
    # What a browser shows for cp1252: its five undefined bytes become C1 controls.
    return "".join(bytes([x]).decode("cp1252") if x not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(x) for x in b)


def _lost_lead(b: bytes, rng: random.Random) -> bytes:
    leads = [k for k in range(len(b) - 1) if b[k] >= 0x81 and (k == 0 or b[k - 1] < 0x81 or True)]
    # a lead byte: walk the stream to find character starts
    starts, k = [], 0
    while k < len(b):
        if b[k] >= 0x81:
            starts.append(k)
            k += 2
        else:
            k += 1
    k = rng.choice(starts[1:-1] or starts)
    return b[:k] + b[k + 1:]


DAMAGE = {
    "gbk_as_latin1": ("gbk", lambda t, r: t.encode("gbk").decode("latin-1")),
    "gbk_as_cp1252": ("gbk", lambda t, r: _cp1252(t.encode("gbk"))),
    "big5_as_latin1": ("big5", lambda t, r: t.encode("big5").decode("latin-1")),
    "big5_as_gbk": ("big5", lambda t, r: t.encode("big5").decode("gbk", "replace")),
    "gbk_as_big5": ("gbk", lambda t, r: t.encode("gbk").decode("big5", "replace")),
    "utf8_as_gbk": ("utf-8", lambda t, r: t.encode("utf-8").decode("gbk")),
    "utf8_as_gbk_replace": ("utf-8", lambda t, r: t.encode("utf-8").decode("gbk", "replace")),
    "utf8_as_gbk_ignore": ("utf-8", lambda t, r: t.encode("utf-8").decode("gbk", "ignore")),
    "gbk_lost_lead": ("gbk", lambda t, r: _lost_lead(t.encode("gbk"), r).decode("gbk", "replace")),
}
GENRES_EVAL = ["classical_prose_hant", "poetry_hans", "legal_hans", "tech_hans"]


def _paragraphs(per_genre: int, rng: random.Random) -> dict[str, list[str]]:
    sample = Path(__file__).parent.parent / "tests" / "data" / "clean_corpus" / "sample.jsonl"
    by: dict[str, list[str]] = {}
    for line in sample.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        for p in d["text"].splitlines():
            p = p.strip()
            if 20 <= len(p) <= 300 and sum("\u4e00" <= c <= "\u9fff" for c in p) >= len(p) / 2:
                by.setdefault(d["genre"], []).append(p)
    return {g: rng.sample(by[g], min(per_genre, len(by[g]))) for g in GENRES_EVAL if g in by}


def pipeline_eval(per_genre: int = 40) -> None:
    from cleanse.defaults import clean_text
    rng = random.Random(11)
    paras = _paragraphs(per_genre + 2, rng)
    for kind, (codec, damage) in DAMAGE.items():
        cells = []
        for g, ps in paras.items():
            ok = n = marked = 0
            for k in range(len(ps) - 2):
                p = ps[k]
                try:
                    p.encode(codec)
                    bad = damage(p, rng)
                except (UnicodeError, ValueError):
                    continue
                if bad == p:
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
