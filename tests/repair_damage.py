"""Synthetic damage for the repair tests: the damage classes of issue 3, made from clean text.

Used to judge generalisation beyond the seed strings (a held-out corpus with the same damage
classes is what counts): each function damages a clean string the way real pipelines do, and
`synthetic_cases` builds a seeded, deterministic set of damaged lines with what an exact
repair must give back. `evaluate` scores a repair function on them (also used by
`benchmarks/bench_repair.py --damage`).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parent.parent


def fold_width(text: str) -> str:
    # Width folding as done downstream of the damage (fullwidth ASCII -> ASCII).
    return "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)


def _decode_gbk_tracking(raw: bytes, owner: list[int]) -> tuple[str, set[int]]:
    """Decode GBK like a lenient decoder: an undecodable byte becomes `?` and decoding
    resumes at the next byte. Returns the text and the owners (source character indices) of
    the bytes replaced by `?`: those characters are lost."""
    out: list[str] = []
    lost: set[int] = set()
    p = 0
    while p < len(raw):
        b = raw[p]
        if b < 0x80:
            out.append(chr(b))
            p += 1
            continue
        try:
            out.append(raw[p:p + 2].decode("gbk"))
            p += 2
        except UnicodeDecodeError:
            out.append("?")
            lost.add(owner[p])
            p += 1
    return "".join(out), lost


def gbk_lost_lead_tracked(text: str, indices: list[int]) -> tuple[str, set[int]]:
    """Drop the lead byte of each text[i] (i in indices) from its GBK bytes, decode the rest
    as GBK and fold fullwidth forms. Returns the damaged text and the indices of the source
    characters that cannot come back (the dropped ones and those a decoder replaced by `?`)."""
    raw = bytearray()
    owner: list[int] = []
    for k, c in enumerate(text):
        b = c.encode("gbk")
        if k in indices:
            assert len(b) == 2, c
            b = b[1:]
        raw += b
        owner += [k] * len(b)
    damaged, lost = _decode_gbk_tracking(bytes(raw), owner)
    return fold_width(damaged), lost | set(indices)


def gbk_lost_lead(text: str, index: int) -> str:
    """Drop the lead byte of text[index] in its GBK bytes and decode the rest as GBK."""
    return gbk_lost_lead_tracked(text, [index])[0]


def reencode(text: str, right: str, wrong: str) -> str:
    """Bytes in `right` encoding read as `wrong` (strict; raises if not possible)."""
    return text.encode(right).decode(wrong)


def han_sentences(text: str, min_len: int = 12) -> list[str]:
    return [s for s in re.split(r"[\n]", text) if len(s) >= min_len]


# --- seeded synthetic corpus --------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    kind: str
    script: str  # "zh-Hans" / "zh-Hant"
    original: str
    damaged: str
    lost: frozenset[int]  # original indices that may be missing (or restored) in the output


def clean_lines() -> dict[str, list[str]]:
    """Lines of seeds 000-002: Simplified as they are (001 converted t2s), Traditional as
    they are (000 and 002 converted s2t). Clean text only."""
    from opencc import OpenCC

    seeds = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("00[012]_*.txt"))}
    t2s, s2t = OpenCC("t2s"), OpenCC("s2t")
    hans = han_sentences(seeds["000"]) + han_sentences(seeds["002"]) + han_sentences(t2s.convert(seeds["001"]))
    hant = han_sentences(seeds["001"]) + han_sentences(s2t.convert(seeds["000"])) + han_sentences(s2t.convert(seeds["002"]))
    # Some lines are very long paragraphs: keep cases small and varied by cutting at 200 chars.
    return {"zh-Hans": [s[:200] for s in hans], "zh-Hant": [s[:200] for s in hant]}


REENCODE_CLASSES = {
    "utf8_as_gbk": ("utf-8", "gbk"),
    "gbk_as_latin1": ("gbk", "latin-1"),
    "gbk_as_cp1252": ("gbk", "cp1252"),
    "gbk_as_big5": ("gbk", "big5"),
    "big5_as_gbk": ("big5", "gbk"),
}


def synthetic_cases(seed: int = 3) -> list[Case]:
    """Damaged lines, deterministic for a given seed:
    - `gbk_lost_lead`: one random double-byte character loses its lead byte (whole line).
    - `gbk_lost_lead_x2`: two losses in the same line, the second inside the first's span
      or after it.
    - each re-encoding class: a random span of 4-40 characters of the line is re-encoded
      (spans the codecs cannot carry are skipped).
    """
    rng = random.Random(seed)
    cases: list[Case] = []
    for script, lines in clean_lines().items():
        for line in lines:
            two_byte = [k for k, c in enumerate(line) if c >= "\x80"]
            try:
                line.encode("gbk")
            except UnicodeEncodeError:
                continue
            if len(two_byte) < 4:
                continue
            k = rng.choice(two_byte[: max(1, len(two_byte) - 2)])
            damaged, lost = gbk_lost_lead_tracked(line, [k])
            cases.append(Case(_lost_kind(line, damaged, lost), script, line, damaged, frozenset(lost)))
            later = [j for j in two_byte if k + 3 <= j <= k + 40]
            if later:
                ks = [k, rng.choice(later)]
                damaged, lost = gbk_lost_lead_tracked(line, ks)
                cases.append(Case("gbk_lost_lead_x2", script, line, damaged, frozenset(lost)))
            for kind, (right, wrong) in REENCODE_CLASSES.items():
                if (kind == "big5_as_gbk") != (script == "zh-Hant"):
                    continue  # Big5 holds Traditional text; GBK-as-Big5 is made from Simplified
                n = rng.randint(4, 40)
                a = rng.randrange(0, max(1, len(line) - n))
                b = min(len(line), a + n)
                try:
                    mid = reencode(line[a:b], right, wrong)
                except (UnicodeEncodeError, UnicodeDecodeError):
                    continue
                if mid == line[a:b]:
                    continue
                cases.append(Case(kind, script, line, line[:a] + mid + line[b:], frozenset()))
    return cases


def _lost_kind(original: str, damaged: str, lost: set[int]) -> str:
    """`gbk_lost_lead`, or `gbk_lost_lead_debris` when the stream realigned at once: the
    damaged line is the original with each lost character replaced by one character (`?` or
    the orphaned trail byte read as an ASCII letter). Nothing is mis-paired then, so there is
    no mojibake to reverse: only a lost character, which a `?` in clean text also looks like."""
    if len(damaged) == len(original) and all(
            a == b for k, (a, b) in enumerate(zip(fold_width(original), damaged)) if k not in lost):
        return "gbk_lost_lead_debris"
    return "gbk_lost_lead"


def restored(case: Case, output: str) -> bool:
    """Exact restoration: the output is the original (width-folded on both sides, since the
    damage folds fullwidth forms), where each lost character is either restored or absent."""
    pattern = "".join(re.escape(fold_width(c)) + ("?" if k in case.lost else "")
                      for k, c in enumerate(case.original))
    return re.fullmatch(pattern, fold_width(output)) is not None


def restored_strict(case: Case, output: str) -> bool:
    """Every character back, lost ones included (each correctly guessed)."""
    return fold_width(output) == fold_width(case.original)


def lost_outcome(case: Case, output: str) -> tuple[int, int, int, int] | None:
    """For an output that is exact apart from what stands in the lost characters' places:
    (lost characters guessed right, removed, guessed wrong, debris left: ASCII or U+FFFD),
    else None."""
    o = [fold_width(c) for c in case.original]
    pattern = "".join(("(.)?" if k in case.lost else re.escape(c)) for k, c in enumerate(o))
    mt = re.fullmatch(pattern, fold_width(output))
    if mt is None:
        return None
    lost = sorted(case.lost)
    right = removed = wrong = debris = 0
    for g, k in zip(mt.groups(), lost):
        if g is None:
            removed += 1
        elif g == o[k]:
            right += 1
        elif g.isascii() or g == "\ufffd":
            debris += 1
        else:
            wrong += 1
    return right, removed, wrong, debris


def evaluate(fn, cases: list[Case]) -> dict[tuple[str, str], tuple[int, int, int]]:
    """{(kind, script): (exact, changed but not exact, untouched)}."""
    out: dict[tuple[str, str], list[int]] = {}
    for case in cases:
        got = fn(case.damaged)
        row = out.setdefault((case.kind, case.script), [0, 0, 0])
        if restored(case, got):
            row[0] += 1
        elif got != case.damaged:
            row[1] += 1
        else:
            row[2] += 1
    return {k: tuple(v) for k, v in sorted(out.items())}


SAMPLE = ROOT / "tests" / "data" / "clean_corpus" / "sample.jsonl"


def sample_paragraphs(genres: list[str], per_genre: int, rng: random.Random) -> dict[str, list[str]]:
    """Paragraphs of the clean sample (real text, tests/data/clean_corpus) to damage: 20-300
    characters, at least half Han; `per_genre` of each genre, drawn with `rng`."""
    import json

    by: dict[str, list[str]] = {}
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        for p in d["text"].splitlines():
            p = p.strip()
            if 20 <= len(p) <= 300 and sum("\u4e00" <= c <= "\u9fff" for c in p) >= len(p) / 2:
                by.setdefault(d["genre"], []).append(p)
    return {g: rng.sample(by[g], min(per_genre, len(by[g]))) for g in genres if g in by}


def _cp1252(b: bytes) -> str:
    # What a browser shows for cp1252: its five undefined bytes become C1 controls.
    return "".join(bytes([x]).decode("cp1252") if x not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(x) for x in b)


def _lost_lead(b: bytes, rng: random.Random) -> bytes:
    """Drop one lead byte (not the first or last character's) of GBK bytes."""
    starts, k = [], 0
    while k < len(b):
        if b[k] >= 0x81:
            starts.append(k)
            k += 2
        else:
            k += 1
    k = rng.choice(starts[1:-1] or starts)
    return b[:k] + b[k + 1:]


# Damage of a whole paragraph, as the pipeline meets it: kind -> (codec the text must encode in, maker).
PIPELINE_DAMAGE = {
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


def damaged_paragraph(kind: str, p: str, rng: random.Random) -> str | None:
    """`p` damaged as `kind` (PIPELINE_DAMAGE), or None when it cannot be (not encodable) or
    comes out unchanged."""
    codec, damage = PIPELINE_DAMAGE[kind]
    try:
        p.encode(codec)
        bad = damage(p, rng)
    except (UnicodeError, ValueError):
        return None
    return None if bad == p else bad
