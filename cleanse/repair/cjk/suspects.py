"""Suspects: the characters that make a span worth a look (rare or non-Chinese characters,
ASCII ? / ! / U+FFFD touching a non-ASCII character, a lone ASCII letter where a shifted GBK
stream realigns, a letter carrying a pinyin note). Clean text has none and returns at regex
speed. Long texts are scanned with numpy table lookups (`flagged_suspects`), short ones with
the regexes (`scanned_suspects`): the same list (tests/repair/test_fastpaths.py)."""

from __future__ import annotations

import math
import re
import string
from functools import lru_cache

import numpy as np

from cleanse.repair.cjk.tuning import TUNING
from cleanse.repair.model import LEGAL_SYMBOLS, ROW1_SYMBOLS, model
from cleanse.repair.pinyin import TONED

# Punctuation and symbols of ordinary Chinese text: never suspects, and no evidence either way.
COMMON_PUNCT = "，。、“”：；（）《》！？‘’—…·「」『』【】〈〉―□○●\u3000\xa0" + LEGAL_SYMBOLS + ROW1_SYMBOLS

# From this length on, numpy's table lookups beat a regex pass (numpy's fixed cost per call
# is some 20-40 µs; measured crossover ~2,000 characters of web text).
NUMPY_MIN_CHARS = 2000


@lru_cache(maxsize=1)
def suspect_re() -> re.Pattern[str]:
    """One character class (so the scan runs at regex speed): a rare or non-Chinese character
    (kana, Greek, Latin-1 letters, symbols...), ASCII ? or !, or U+FFFD. Each hit is then
    classified (`scan_re`)."""
    m = model()
    common = [c for c, n in m.count.items() if m.log_total - math.log10(n) < TUNING.suspect_min_cost]
    common_set = set(common)
    common += [t for t, s in m.t2s.items() if s in common_set]
    cls = "".join(re.escape(c) for c in sorted(set(common)) + sorted(COMMON_PUNCT))
    return re.compile(rf"[^\x00-\x20\x22-\x3e\x40-\x7f{cls}]")


TONED_SET = frozenset(TONED + "ü")
_NOTE_LETTER = f"[a-zü{TONED}]"


@lru_cache(maxsize=1)
def scan_re() -> re.Pattern[str]:
    """`suspect_re` minus the tone-marked letters (and ü) inside a pinyin note
    `[(（][a-zü{TONED}]{1,6}[)）]`, in one pass at regex speed (pinyin residue puts a note
    on nearly every word of some pages). A letter is inside a note when k <= 5 note letters
    and an opening parenthesis precede it and at most 5 - k note letters and a closing one
    follow: one fixed-width lookbehind per k."""
    body = suspect_re().pattern[1:-1]  # the class without its brackets
    tone = "".join(sorted(TONED_SET))
    inside = "|".join(rf"(?<=[(（]{_NOTE_LETTER}{{{k}}}[{tone}])(?={_NOTE_LETTER}{{0,{5 - k}}}[)）])"
                      for k in range(6))
    # One class first (the engine then skips to its next hit at C speed), then the test for
    # the hit's kind: ? / U+FFFD touching a non-ASCII character, ! before one (most hits are
    # ASCII ? in URLs: rejected here rather than in Python), anything else outside a note.
    return re.compile(rf"[{body}](?:(?<=[?\ufffd])(?:(?=[^\x00-\x7f])|(?<=[^\x00-\x7f][?\ufffd]))"
                      rf"|(?<=!)(?=[^\x00-\x7f])|(?<![?!\ufffd])(?!{inside}))")


# A pinyin note with a tone-marked letter or ü, right after an ASCII letter: the letter is a
# suspect (a realigned trail byte carrying the note of the character it replaced).
LETTER_NOTE_AHEAD = rf"(?=[(（][a-z]{{0,5}}[ü{TONED}])(?=[(（]{_NOTE_LETTER}{{1,6}}[)）])"
# An ASCII letter right after a Han character and not part of a word or number: where a
# shifted GBK stream realigns, the last trail byte (0x40-0x7E) reads as a lone letter (`夹g改`).
LETTER_AFTER_HAN = r"(?<=[\u3400-\u9fff][@-~])(?=[^\x00-\x7f]|[,.;:!?\s]|$)"
# Both kinds of letter suspects in one pass (a letter carrying a note is [A-Za-z]).
# Both end a run of [@-~]: `(?![@-~])` rejects the letters inside words and URLs first.
_ANY_LETTER_SUSPECT = re.compile(rf"[@-~](?![@-~])(?:{LETTER_AFTER_HAN}|(?<=[A-Za-z]){LETTER_NOTE_AHEAD})")


def scan_hits(text: str, pos: int = 0) -> list[tuple[int, int]]:
    """The `scan_re` suspects (not the letter suspects) from text[pos:]."""
    return [(p, p + 1) for p in map(re.Match.start, scan_re().finditer(text, pos))]


def all_suspects(text: str) -> list[tuple[int, int]]:
    """(start, end) of every suspect, in text order."""
    if len(text) < NUMPY_MIN_CHARS:
        return scanned_suspects(text)
    return flagged_suspects(text)


def scanned_suspects(text: str) -> list[tuple[int, int]]:
    """`all_suspects` by regex passes. The letter suspects are listed only when a search
    finds one (most texts have none: no match objects, no list to build). Oracle: the
    numpy scan, tests/repair/test_fastpaths.py. Measured (CPU, best of 9 interleaved
    rounds, the texts under NUMPY_MIN_CHARS of the first 0.5 MB of a genre of
    benchmarks/repair_corpus.py, load 0.8): chat 1.29 -> 0.73 ms for 923 texts, reviews
    4.16 -> 3.19 ms for 1,690."""
    first = suspect_re().search(text)  # stops at the first hit; most pages have few
    got = scan_hits(text, first.start()) if first else []
    if _ANY_LETTER_SUSPECT.search(text) is not None:
        letters = [(p, p + 1) for p in map(re.Match.start, _ANY_LETTER_SUSPECT.finditer(text))]
        got = sorted(set(got) | set(letters))
    return got


def flagged_suspects(text: str) -> list[tuple[int, int]]:
    """`all_suspects` by table lookups. A regex pass costs a few ns per character, and the
    letter test starts at every ASCII letter; so candidates are found with numpy (one lookup
    per character, one per pair of neighbours) and each is confirmed with the regexes at its
    position (`_suspect_at`). The candidates are a superset of the hits: the regexes decide."""
    return blocked_suspects(text)[0]


# `blocked_suspects` works on blocks of this many characters: the arrays of a whole text of
# 10^6 characters (4 MB of code points, 1 MB of flags, ...) leave the CPU caches and the scan
# grows faster than the text (cjk_mojibake on 10^6 spaces: 6.3 -> 9.1 ns per character from
# 10^5 to 10^6, exponent 1.16; issue 16).
SCAN_BLOCK = 1 << 16
# A candidate depends on the characters at most 7 positions away (its pair neighbours, and
# the note letters and parentheses of `_inside_note`): each block is scanned with this much
# of its neighbours' text on each side, and keeps only the candidates inside it.
_SCAN_MARGIN = 8


def blocked_suspects(text: str, block: int = SCAN_BLOCK) -> tuple[list[tuple[int, int]], bool]:
    """`flagged_suspects(text)` (the same list: tests/repair/test_fastpaths.py) and whether
    the text holds a tone letter (`TONE_BIT`), computed block by block."""
    n = len(text)
    at = _suspect_at().match
    flags = char_flags()
    if n <= block:  # one block: the whole-text arrays, no margins to cut off
        cp = code_points(text)
        fl = flags.take(cp, mode="clip")
        return [(p, p + 1) for p in _candidates(cp, fl).tolist() if at(text, p)], bool((fl & TONE_BIT).any())
    out: list[tuple[int, int]] = []
    tone = False
    for s in range(0, n, block):
        e = min(n, s + block)
        lo, hi = max(0, s - _SCAN_MARGIN), min(n, e + _SCAN_MARGIN)
        cp = code_points(text[lo:hi])
        fl = flags.take(cp, mode="clip")
        tone = tone or bool((fl[s - lo:e - lo] & TONE_BIT).any())
        idx = _candidates(cp, fl)
        idx = idx[(idx >= s - lo) & (idx < e - lo)] + lo
        out.extend((p, p + 1) for p in idx.tolist() if at(text, p))
    return out, tone


def code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def suspects_flagged(text: str, cp: np.ndarray, fl: np.ndarray) -> list[tuple[int, int]]:
    """`all_suspects(text)` from the code points and their `char_flags` (above the BMP:
    clipped onto U+FFFF), for the whole text at once (`blocked_suspects` is the same, in
    blocks)."""
    at = _suspect_at().match
    return [(p, p + 1) for p in _candidates(cp, fl).tolist() if at(text, p)]


def _candidates(cp: np.ndarray, fl: np.ndarray) -> np.ndarray:
    """Positions that may hold a suspect (a superset; the regexes decide)."""
    n = len(fl)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    cand = np.empty(n, dtype=bool)
    cand[0] = fl[0] & _SUSPECT_BIT
    if n > 1:
        # Each character with its successor as one 16-bit code (an overlapping view).
        pairs = np.ndarray((n - 1,), dtype="<u2", buffer=fl, strides=(1,))
        verdict = _pair_verdicts().take(pairs)
        cand[1:] = (verdict & _SECOND_IS_CANDIDATE) != 0
        cand[:-1] |= (verdict & _FIRST_IS_CANDIDATE) != 0
    idx = cand.nonzero()[0]
    tone = (fl.take(idx) & TONE_BIT) != 0
    if tone.any():  # pinyin residue: a note on nearly every word, its tone letters no suspects
        noted = np.zeros(len(idx), dtype=bool)
        noted[tone] = _inside_note(cp, idx[tone])
        idx = idx[~noted]
    return idx


def _inside_note(cp: np.ndarray, at: np.ndarray) -> np.ndarray:
    """For tone letters at positions `at`: inside a note `[(（][a-zü{TONED}]{1,6}[)）]`
    (what the lookarounds of `scan_re` test): the runs of note letters on each side hold
    at most 5 letters together, with an opening parenthesis before and a closing one after."""
    n = len(cp)
    nf = _note_flags()

    def flags(q: np.ndarray) -> np.ndarray:
        return nf.take(cp.take(q, mode="clip"), mode="clip")
    runs = []
    for step in (-1, 1):
        run = np.zeros(len(at), dtype=np.int64)
        alive = np.ones(len(at), dtype=bool)
        for k in range(1, 7):
            q = at + step * k
            alive &= (q >= 0) & (q < n) & ((flags(q) & _NF_LETTER) != 0)
            run += alive
        runs.append(run)
    left, right = runs
    q_open, q_close = at - left - 1, at + right + 1
    return ((left + right <= 5) & (q_open >= 0) & ((flags(q_open) & _NF_OPEN) != 0)
            & (q_close < n) & ((flags(q_close) & _NF_CLOSE) != 0))


# `char_flags` bits: suspect_re hit that is not a mark, mark (? ! U+FFFD), non-ASCII,
# [@-~], Han (as in LETTER_AFTER_HAN), [A-Za-z], opening parenthesis, tone letter or ü.
_SUSPECT_BIT, _MARK_BIT, _NONASCII_BIT, _LETTER_BIT, _HAN_BIT, _ALPHA_BIT, _PAREN_BIT, TONE_BIT = (
    1, 2, 4, 8, 16, 32, 64, 128)
_SECOND_IS_CANDIDATE, _FIRST_IS_CANDIDATE = 1, 2  # `_pair_verdicts` bits
_NF_OPEN, _NF_CLOSE, _NF_LETTER = 1, 2, 4  # `_note_flags` bits


@lru_cache(maxsize=1)
def char_flags() -> np.ndarray:
    """Per-BMP-code-point flags for the candidates of `all_suspects` (U+FFFF, onto which
    code points above the BMP are clipped, is a non-ASCII suspect like them)."""
    f = np.zeros(0x10000, dtype=np.uint8)
    hit = suspect_re().match
    f[[c for c in range(0x10000) if hit(chr(c))]] |= _SUSPECT_BIT
    f[0xFFFF] |= _SUSPECT_BIT
    marks = [ord(c) for c in "?!\ufffd"]
    f[marks] &= ~np.uint8(_SUSPECT_BIT)
    f[marks] |= _MARK_BIT
    f[0x80:] |= _NONASCII_BIT
    f[ord("@"):ord("~") + 1] |= _LETTER_BIT
    f[0x3400:0xA000] |= _HAN_BIT
    f[[ord(c) for c in string.ascii_letters]] |= _ALPHA_BIT
    f[[ord(c) for c in "(（"]] |= _PAREN_BIT
    f[[ord(c) for c in TONED_SET]] |= TONE_BIT
    return f


@lru_cache(maxsize=1)
def _pair_verdicts() -> np.ndarray:
    """For the flags a, b of two neighbours (index a | b << 8): whether the second or the
    first may be a suspect. A suspect_re hit that is not a mark always; a mark (? ! U+FFFD)
    next to a non-ASCII character; [@-~] after Han (`夹g改`); [A-Za-z] before an opening
    parenthesis (`g(shù)`)."""
    code = np.arange(0x10000)
    a, b = code & 0xFF, code >> 8

    def has(x: np.ndarray, bit: int) -> np.ndarray:
        return (x & bit) != 0
    second = (has(b, _SUSPECT_BIT) | (has(b, _MARK_BIT) & has(a, _NONASCII_BIT))
              | (has(b, _LETTER_BIT) & has(a, _HAN_BIT)))
    first = (has(a, _MARK_BIT) & has(b, _NONASCII_BIT)) | (has(a, _ALPHA_BIT) & has(b, _PAREN_BIT))
    return (second * _SECOND_IS_CANDIDATE | first * _FIRST_IS_CANDIDATE).astype(np.uint8)


@lru_cache(maxsize=1)
def _note_flags() -> np.ndarray:
    """Per-BMP-code-point flags for `_inside_note`."""
    f = np.zeros(0x10000, dtype=np.uint8)
    f[[ord(c) for c in "(（"]] |= _NF_OPEN
    f[[ord(c) for c in ")）"]] |= _NF_CLOSE
    f[[ord(c) for c in string.ascii_lowercase + "ü" + TONED]] |= _NF_LETTER
    return f


@lru_cache(maxsize=1)
def _suspect_at() -> re.Pattern[str]:
    """Matches at a position that `scan_hits` or `_ANY_LETTER_SUSPECT` finds (both one
    character wide)."""
    return re.compile(f"{scan_re().pattern}|{_ANY_LETTER_SUSPECT.pattern}")


def warm_up() -> None:
    """Build the tables (the stage's setup)."""
    scan_re()
    char_flags()
    _pair_verdicts()
    _note_flags()
    _suspect_at()
