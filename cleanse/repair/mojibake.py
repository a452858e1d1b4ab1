"""CJK mojibake repair: the Chinese encoding damage that ftfy does not try.

Damage classes (see docs/repair.md):
- `gbk_shift`: the lead byte of one GBK character was lost, so every later byte pair is
  re-paired one byte off until an ASCII byte realigns the stream (`上?萍既瞬...髽I`).
  Fullwidth ASCII (GBK A3xx) in the misaligned stream was often folded to ASCII, so an ASCII
  character inside such a span is read back as A3xx.
- `utf8_as_gbk`, `gbk_as_latin1`, `gbk_as_cp1252`, `big5_as_gbk`, `gbk_as_big5`,
  `big5_as_latin1`: a span re-encoded with the codec it was wrongly read with and decoded
  with the right one.
- lost characters: the character whose lead byte was lost (only its trail byte survives), a
  trailing lead byte whose partner was lost, and `?(bào)` debris. These cannot be decoded.
  Where context pins one down (a surviving pinyin note, a strong dictionary bigram with a
  neighbour) it is restored and the repair is marked `lost_char_guess`; otherwise the debris
  is removed (recorded in `removed`).

Every candidate is scored with the character bigram model (`model.py`); a span is replaced
only when the candidate is far more plausible than the input. Clean text returns early: a
compiled regex finds the characters that signal damage, and a cheap local plausibility check
dismisses the rare characters that real text also contains.
"""

from __future__ import annotations

import bisect
import codecs
import heapq
import re
import string
from operator import add, sub
from itertools import accumulate, chain, repeat
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from cleanse.repair.model import (BIGRAM_WEIGHT, COST_ASCII, COST_SYMBOL, COST_UNKNOWN_HAN, LEGAL_SYMBOLS,
                                  ROW1_SYMBOLS, RULES_CONFIG, Model, is_han, model)
from cleanse.repair import lossy
from cleanse.repair.pinyin import DEBRIS_RE, TONED, _SYLLABLE, is_syllable
from cleanse.stage import TextEdit, TextStage

# --- tuning (log10 units; calibrated on the seeds and the clean corpus, see docs/repair.md) ---
LOCAL_OK = 3.9  # a window around decoder debris (?, !, U+FFFD) with a lower mean cost is left alone
LOCAL_OK_RARE = 4.3  # the same for a window whose suspects are only rare characters
MIN_GAIN = 8.0  # a repair must make the span at least 10**8 times more probable
MAX_CAND_MEAN = 3.8  # and the repaired span must itself read like text
MIN_MEAN_DROP = 1.4  # and be clearly better per character
SLOT_COST = 3.0  # a lost character, counted like an ordinary character
NOTE_BONUS = 6.0
NOTE_MIN_GAIN = 2.0  # gain needed (bonus included) when the note confirms the repair  # a decoded character confirmed by the pinyin note that follows it
WINDOW = 6  # how far a re-encoded span may extend beyond its suspects
GUESS_MIN_BIGRAM = 6  # log2 dictionary count of a bigram that backs a restored character
GUESS_MARGIN = 0.4  # the best guess must be 10**0.4 times more probable than the runner-up

# Characters whose presence makes a span worth a look. Built lazily from the model.
_COMMON_PUNCT = "，。、“”：；（）《》！？‘’—…·「」『』【】〈〉―□○●\u3000\xa0" + LEGAL_SYMBOLS + ROW1_SYMBOLS


@lru_cache(maxsize=1)
def suspect_re() -> re.Pattern[str]:
    """One character class (so the scan runs at regex speed): a rare or non-Chinese character
    (kana, Greek, Latin-1 letters, symbols...), ASCII ? or !, or U+FFFD. Each hit is then
    classified by `_suspects`."""
    m = model()
    common = [c for c, n in m.count.items() if m.log_total - _log10(n) < 5.0]
    common_set = set(common)
    common += [t for t, s in m.t2s.items() if s in common_set]
    cls = "".join(re.escape(c) for c in sorted(set(common)) + sorted(_COMMON_PUNCT))
    return re.compile(rf"[^\x00-\x20\x22-\x3e\x40-\x7f{cls}]")


_TONED_SET = frozenset(TONED + "ü")
_NOTE_LETTER = f"[a-zü{TONED}]"


@lru_cache(maxsize=1)
def _scan_re() -> re.Pattern[str]:
    """`suspect_re` minus the tone-marked letters (and ü) inside a pinyin note
    `[(（][a-zü{TONED}]{1,6}[)）]`, in one pass at regex speed (pinyin residue puts a note
    on nearly every word of some pages). A letter is inside a note when k <= 5 note letters
    and an opening parenthesis precede it and at most 5 - k note letters and a closing one
    follow: one fixed-width lookbehind per k."""
    body = suspect_re().pattern[1:-1]  # the class without its brackets
    tone = "".join(sorted(_TONED_SET))
    inside = "|".join(rf"(?<=[(（]{_NOTE_LETTER}{{{k}}}[{tone}])(?={_NOTE_LETTER}{{0,{5 - k}}}[)）])"
                      for k in range(6))
    # One class first (the engine then skips to its next hit at C speed), then the test for
    # the hit's kind: ? / U+FFFD touching a non-ASCII character, ! before one (most hits are
    # ASCII ? in URLs: rejected here rather than in Python), anything else outside a note.
    return re.compile(rf"[{body}](?:(?<=[?\ufffd])(?:(?=[^\x00-\x7f])|(?<=[^\x00-\x7f][?\ufffd]))"
                      rf"|(?<=!)(?=[^\x00-\x7f])|(?<![?!\ufffd])(?!{inside}))")


# A pinyin note with a tone-marked letter or ü, right after an ASCII letter: the letter is a
# suspect (a realigned trail byte carrying the note of the character it replaced).
_LETTER_NOTE_AHEAD = rf"(?=[(（][a-z]{{0,5}}[ü{TONED}])(?=[(（]{_NOTE_LETTER}{{1,6}}[)）])"
_LETTER_NOTE_RE = re.compile(rf"[A-Za-z]{_LETTER_NOTE_AHEAD}")


def _suspects(text: str) -> list[tuple[int, int]]:
    """(start, end) of each suspect, in text order: a rare character, ? / ! / U+FFFD
    touching a non-ASCII character, or an ASCII letter carrying a pinyin note (one with a
    tone-marked letter or ü). Tone-marked letters inside a pinyin note are not suspects
    themselves (tests/test_repair_equivalence.py checks this against the plain scan)."""
    got = _scan_hits(text)
    if "(" in text or "（" in text:
        letters = [(p, p + 1) for p in map(re.Match.start, _LETTER_NOTE_RE.finditer(text))]
        if letters:
            got = sorted(got + letters)
    return got


def _scan_hits(text: str, pos: int = 0) -> list[tuple[int, int]]:
    """The suspects of `_suspects` that are not letters carrying a note (from text[pos:]; a
    ? / ! / U+FFFD that touches no non-ASCII character is not one, and ! counts only before
    one)."""
    return [(p, p + 1) for p in map(re.Match.start, _scan_re().finditer(text, pos))]


# An ASCII letter right after a Han character and not part of a word or number: where a
# shifted GBK stream realigns, the last trail byte (0x40-0x7E) reads as a lone letter (`夹g改`).
# (The letter comes first in the pattern so that the engine scans for it at C speed.)
_LETTER_AFTER_HAN = r"(?<=[\u3400-\u9fff][@-~])(?=[^\x00-\x7f]|[,.;:!?\s]|$)"
_LETTER_SUSPECT = re.compile(rf"[@-~]{_LETTER_AFTER_HAN}")
# Both kinds of letter suspects in one pass (a letter carrying a note is [A-Za-z]).
# Both end a run of [@-~]: `(?![@-~])` rejects the letters inside words and URLs first.
_ANY_LETTER_SUSPECT = re.compile(rf"[@-~](?![@-~])(?:{_LETTER_AFTER_HAN}|(?<=[A-Za-z]){_LETTER_NOTE_AHEAD})")


def _all_suspects(text: str) -> list[tuple[int, int]]:
    """`_suspects` and `_LETTER_SUSPECT` hits, in text order (a letter carrying a note needs
    a tone letter or ü, which `suspect_re` hits: no such letter without a `suspect_re` hit).
    Short texts: `_scanned_suspects`, long ones: `_flagged_suspects` (the same list)."""
    if len(text) < NUMPY_MIN_CHARS:
        return _scanned_suspects(text)
    return _flagged_suspects(text)


# From this length on, numpy's table lookups beat a regex pass (numpy's fixed cost per call
# is some 20-40 µs; measured crossover ~2,000 characters of web text).
NUMPY_MIN_CHARS = 2000


def _scanned_suspects(text: str) -> list[tuple[int, int]]:
    """`_all_suspects` by regex passes."""
    first = suspect_re().search(text)  # stops at the first hit; most pages have few
    got = _scan_hits(text, first.start()) if first else []
    letters = [(p, p + 1) for p in map(re.Match.start, _ANY_LETTER_SUSPECT.finditer(text))]
    if letters:
        got = sorted(set(got) | set(letters))
    return got


def _flagged_suspects(text: str) -> list[tuple[int, int]]:
    """`_all_suspects` by table lookups. A regex pass costs a few ns per character, and the
    letter test starts at every ASCII letter; so candidates are found with numpy (one lookup
    per character, one per pair of neighbours) and each is confirmed with the regexes at its
    position (`_suspect_at`). The candidates are a superset of the hits: the regexes decide."""
    cp = _code_points(text)
    return _suspects_flagged(text, cp, _char_flags().take(cp, mode="clip"))


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _suspects_flagged(text: str, cp: np.ndarray, fl: np.ndarray) -> list[tuple[int, int]]:
    """`_all_suspects(text)` from the code points and their `_char_flags` (above the BMP:
    clipped onto U+FFFF)."""
    n = len(fl)
    if n == 0:
        return []
    cand = np.empty(n, dtype=bool)
    cand[0] = fl[0] & _SUSPECT_BIT
    if n > 1:
        # Each character with its successor as one 16-bit code (an overlapping view).
        pairs = np.ndarray((n - 1,), dtype="<u2", buffer=fl, strides=(1,))
        verdict = _pair_verdicts().take(pairs)
        cand[1:] = (verdict & _SECOND_IS_CANDIDATE) != 0
        cand[:-1] |= (verdict & _FIRST_IS_CANDIDATE) != 0
    idx = cand.nonzero()[0]
    tone = (fl.take(idx) & _TONE_BIT) != 0
    if tone.any():  # pinyin residue: a note on nearly every word, its tone letters no suspects
        noted = np.zeros(len(idx), dtype=bool)
        noted[tone] = _inside_note(cp, idx[tone])
        idx = idx[~noted]
    at = _suspect_at().match
    return [(p, p + 1) for p in idx.tolist() if at(text, p)]


def _inside_note(cp: np.ndarray, at: np.ndarray) -> np.ndarray:
    """For tone letters at positions `at`: inside a note `[(（][a-zü{TONED}]{1,6}[)）]`
    (what the lookarounds of `_scan_re` test): the runs of note letters on each side hold
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


# `_char_flags` bits: suspect_re hit that is not a mark, mark (? ! U+FFFD), non-ASCII,
# [@-~], Han (as in _LETTER_AFTER_HAN), [A-Za-z], opening parenthesis, tone letter or ü.
_SUSPECT_BIT, _MARK_BIT, _NONASCII_BIT, _LETTER_BIT, _HAN_BIT, _ALPHA_BIT, _PAREN_BIT, _TONE_BIT = (
    1, 2, 4, 8, 16, 32, 64, 128)
_SECOND_IS_CANDIDATE, _FIRST_IS_CANDIDATE = 1, 2  # `_pair_verdicts` bits
_NF_OPEN, _NF_CLOSE, _NF_LETTER = 1, 2, 4  # `_note_flags` bits


@lru_cache(maxsize=1)
def _char_flags() -> np.ndarray:
    """Per-BMP-code-point flags for the candidates of `_all_suspects` (U+FFFF, onto which
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
    f[[ord(c) for c in _TONED_SET]] |= _TONE_BIT
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
    """Matches at a position that `_scan_hits` or `_ANY_LETTER_SUSPECT` finds (both one
    character wide)."""
    return re.compile(f"{_scan_re().pattern}|{_ANY_LETTER_SUSPECT.pattern}")


def _has_suspect(text: str) -> bool:
    return bool(_all_suspects(text))


def _log10(n: int) -> float:
    import math

    return math.log10(n)


@lru_cache(maxsize=1)
def gbk_table() -> tuple[dict[int, str], dict[int, list[str]], dict[int, list[str]]]:
    """GBK double-byte code -> character, and plausible characters by lead and by trail byte."""
    m = model()
    by_code: dict[int, str] = {}
    by_lead: dict[int, list[str]] = {}
    by_trail: dict[int, list[str]] = {}
    trails = [t for t in range(0x40, 0xFF) if t != 0x7F]
    for lead in range(0x81, 0xFF):
        # All pairs of one lead in one decode: a newline is never a trail byte, so it ends
        # every pair; a valid pair is one character, an invalid one gives U+FFFD (+ more).
        pieces = b"\n".join(bytes((lead, t)) for t in trails).decode("gbk", "replace").split("\n")
        for trail, c in zip(trails, pieces):
            if len(c) != 1 or c == "\ufffd":
                continue
            by_code[lead << 8 | trail] = c
            if is_han(c) and m.unigram_cost(c) < 5.5:
                by_lead.setdefault(lead, []).append(c)
                by_trail.setdefault(trail, []).append(c)
    return by_code, by_lead, by_trail


def _gbk2(c: str) -> bytes | None:
    """The two GBK bytes of a non-ASCII character, or None."""
    try:
        b = c.encode("gbk")
    except UnicodeEncodeError:
        return None
    return b if len(b) == 2 else None


@dataclass(slots=True)
class Slot:
    """A lost character: what is known about it, and the debris it replaces."""

    debris: str
    lead: int | None = None
    trail: int | None = None
    reading: str | None = None
    # For a lost character whose trail byte the decoder replaced by `?` (a lenient GBK
    # decoder emits `?` for a byte that does not pair with the next one and resumes there):
    # the first byte after the `?` (-1: end of text). Its trail byte then is one that does
    # not pair with that byte, which leaves a handful of characters instead of ~190. Not
    # every decoder works that way (seed 004's `芾?、` lost 理, whose ED pairs with 、's A1),
    # so those characters are preferred (MARKED_PRIOR), not required.
    marked_before: int | None = None


Piece = "str | Slot"


@dataclass(slots=True)
class Edit:
    start: int
    end: int
    kind: str
    pieces: list  # list[str | Slot]
    gain: float


_NOTE_AT = re.compile(rf"[(（]({_SYLLABLE})[)）]")


def _note_after(text: str, pos: int) -> str | None:
    m = _NOTE_AT.match(text, pos)
    return m.group(1) if m and is_syllable(m.group(1)) else None


FILL_PENALTY = 1.0  # a lost character read as its best filler pays for the choice among many


def _next_char(pieces: list, k: int, right: str | None) -> str | None:
    for p in pieces[k + 1:]:
        if isinstance(p, str) and p:
            return p[0]
        if isinstance(p, Slot):
            return None
    return right


def _pieces_cost(m: Model, pieces: list, left: str | None, right: str | None) -> tuple[float, int]:
    """Cost of a candidate. A lost character costs SLOT_COST, or less when one of the
    characters its surviving byte allows fits both neighbours well (`發[展]現代`): that is
    evidence for the shift that left it, and it lets the start of a span be placed right."""
    pc = m.pair_costs
    total = 0.0
    n = 0
    prev = left
    for k, p in enumerate(pieces):
        if isinstance(p, Slot):
            n += 1
            nxt = _next_char(pieces, k, right)
            best = None
            if prev is not None and nxt is not None and (p.lead is not None or p.trail is not None):
                best = _best_filler(p.lead, p.trail, p.reading, p.marked_before, prev, nxt)
            if best is None:
                total += SLOT_COST
            else:
                total += pc[prev + best[1]] + FILL_PENALTY
                prev = best[1]
            continue
        if not p:
            continue
        if prev is None:
            prev = p[0]
            total += pc[prev]
            p = p[1:]
            n += 1
        for c in p:
            total += pc[prev + c]
            prev = c
        n += len(p)
    if right is not None and prev is not None:
        total += pc[prev + right] - m.unigram_costs[right]
    return total, n


@lru_cache(maxsize=65536)
def _best_filler(lead: int | None, trail: int | None, reading: str | None, marked_before: int | None,
                 prev: str, nxt: str) -> tuple[float, str] | None:
    """The candidate of a slot that fits between prev and nxt better than a bare lost
    character, with its cost (memoised: spans judged around one slot share it)."""
    m = model()
    slot = Slot("", lead=lead, trail=trail, reading=reading, marked_before=marked_before)
    best = None
    base = SLOT_COST + m.cost(prev, nxt)
    for c in _candidates(slot):
        f = m.cost(prev, c) + FILL_PENALTY + m.cost(c, nxt) + _prior(slot, c)
        if f < base and (best is None or f < best[0]):
            best = (f, c)
    return best


MIN_GAIN_LETTER = 4.5  # a short shift that realigns on an ASCII letter (`發宫F代` = 發[展]現代)


def _min_gain(text: str, i: int, j: int) -> float:
    """A span of at most 3 characters ending in a lone ASCII letter that completes a GBK
    character with its neighbour's trail byte is damage-shaped on its own: it needs less
    gain (the span is too short to gain 10**8)."""
    c = text[j - 1]
    if j - i <= 3 and ("A" <= c <= "Z" or "a" <= c <= "z") and text[i] >= "\x80":
        return MIN_GAIN_LETTER
    if j - i <= 4 and c in "?\ufffd" and text[i] >= "\x80" and text[j - 2] >= "\x80":
        # the same for a short shift ended by the decoder's mark (`沂芯?济` = [我]市[经]济)
        return MIN_GAIN_LETTER
    return MIN_GAIN


def _judge(m: Model, text: str, i: int, j: int, pieces: list, bonus: float = 0.0) -> float | None:
    """Gain of replacing text[i:j] by pieces, or None if the candidate is not acceptable."""
    left = text[i - 1] if i > 0 else None
    right = text[j] if j < len(text) else None
    orig = m.span_cost(text[i:j], left, right)
    cand, n = _pieces_cost(m, pieces, left, right)
    n_orig = j - i
    if n == 0 or n_orig == 0:
        return None
    if not any(p and not isinstance(p, Slot) for p in pieces) and any(
            is_han(c) and m.unigram_cost(c) < SLOTS_ONLY_MIN_COST for c in text[i:j]):
        # Lost characters alone do not replace a common character (`点?` in a review, `挣?`
        # in a Yuan song): garbage of a lost byte is rarely one.
        return None
    gain = orig - cand + bonus
    if bonus > 0:
        # The pinyin note that follows names the decoded character: strong evidence on its
        # own (a random byte pair has about one chance in 400 to match the reading), unless
        # the input already reads as a word with its left neighbour (`我市g(shù)dp`).
        prev = left
        for c in text[i:j]:
            if prev is not None and is_han(c) and m.bigram_strength(prev, c) >= GUESS_MIN_BIGRAM:
                return None
            prev = c
        return gain if gain >= NOTE_MIN_GAIN else None
    if gain < _min_gain(text, i, j) or cand / n > MAX_CAND_MEAN or orig / n_orig - cand / n < MIN_MEAN_DROP - bonus:
        return None
    return gain


_CJK_READINGS = frozenset({"utf8_as_gbk", "big5_as_gbk", "gbk_as_big5"})
_NO_HAN = re.compile("[^\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ebef]*")
SLOTS_ONLY_MIN_COST = 4.0  # unigram cost below which a Han character is not replaced by lost characters alone

BOUND_SLACK = 1e-6  # rounding allowance of the bounds below (costs are sums of a few dozen terms)


class _ReencodeBounds:
    """Rejects re-encoding candidates that provably fail `_judge` without judging them.
    Every character costs at least `min_cost`, so a candidate's cost has a lower bound that
    needs no pair lookup; the cost of the input span (orig) comes from prefix sums over the
    cluster's window text[a:b] (up to rounding: BOUND_SLACK)."""

    __slots__ = ("a", "prefix", "link", "link_lower", "min_cost")

    def __init__(self, m: Model, text: str, a: int, b: int, first_end: int) -> None:
        pc, uc = m.pair_costs, m.unigram_costs
        self.min_cost = m.min_costs.__getitem__
        self.a = a
        prev = text[a - 1] if a > 0 else None
        acc = 0.0
        prefix = [0.0]  # prefix[k - a]: cost of text[a:k] after its left context
        for c in text[a:b]:
            acc += pc[c if prev is None else prev + c]
            prefix.append(acc)
            prev = c
        # For a span ending at j (first_end <= j <= b, first_end > a): the link of text[j-1]
        # to the right context text[j] in orig, and its lower bound for any candidate.
        link = [0.0] * (b - a + 1)
        link_lower = [0.0] * (b - a + 1)
        for j in range(max(a + 1, first_end), min(b + 1, len(text))):
            right = text[j]
            u = uc[right]
            link[j - a] = pc[text[j - 1] + right] - u
            link_lower[j - a] = self.min_cost(right) - u
        self.prefix, self.link, self.link_lower = prefix, link, link_lower

    def cannot_pass(self, text: str, i: int, j: int, n: int, char_lower: float) -> bool:
        """True when replacing text[i:j] by a candidate of n characters whose min_costs sum
        to char_lower (no slots, no bonus) fails `_judge`."""
        if n == 0:
            return False
        a = self.a
        lower = char_lower + self.link_lower[j - a]
        if lower > (MAX_CAND_MEAN + BOUND_SLACK) * n:
            return True
        orig = self.prefix[j - a] - self.prefix[i - a] + self.link[j - a]
        gain = orig - lower
        return (gain < MIN_GAIN_LETTER - BOUND_SLACK
                or (gain < MIN_GAIN - BOUND_SLACK and gain < _min_gain(text, i, j) - BOUND_SLACK)
                or orig / (j - i) - lower / n < MIN_MEAN_DROP - BOUND_SLACK)


# --- GBK one-byte-off ---------------------------------------------------------------------
#
# A lost byte shifts the pairing of every later byte until an ASCII byte realigns the stream
# (or a second lost byte shifts it back), so the damaged span can be arbitrarily long. All
# shifted readings of a line are suffixes of one "odd-phase" decoding (pair the second byte of
# each character with the first byte of the next), so the line is decoded that way once, both
# readings are costed once per character, and the best span (start = the orphaned trail byte,
# end = a realignment, a `?` left for a lost byte, or a second loss) is found with prefix sums
# in one linear sweep. Only the best few spans are then judged exactly (`_judge`).

APPROX_SLACK = 2.0  # approximate gain (right-hand link ignored) may be this much below MIN_GAIN
MAX_VERIFY = 12  # exact judgements per sweep
START_JITTER = 2  # starts judged on each side of a sweep candidate's start


@lru_cache(maxsize=65536)
def _gbk2_cached(c: str) -> bytes | None:
    return _gbk2(c)


class _OddPhase:
    """Per-line arrays for the shifted (odd-phase) reading of text[lo:hi]."""

    __slots__ = ("t", "n", "D", "s", "P0", "PS", "first")

    def __init__(self, m: Model, text: str, lo: int, hi: int) -> None:
        by_code = gbk_table()[0].get
        pc = m.pair_costs
        t = text[lo:hi]
        n = len(t)
        # Per-character work through map/accumulate (C loops); same values, same order of
        # additions as the plain loops.
        D: list[bytes | None] = list(map(_GBK2.__getitem__, t))
        for p in map(re.Match.start, _FOLDABLE.finditer(t)):
            D[p] = bytes((0xA3, ord(t[p]) + 0x80))  # folded fullwidth form inside a span
        s: list[str | None] = [None]
        s += [by_code(a[1] << 8 | b[0]) if a is not None and b is not None else None for a, b in zip(D, D[1:])]
        s.append(None)
        s = s[:n + 1] if n else [None]
        P0 = [0.0]
        PS = [0.0]
        if n:
            P0 += accumulate(chain((pc[t[0]],), map(pc.__getitem__, map(str.__add__, t[:-1], t[1:]))))
            PS += accumulate(chain((0.0,), (pc[x + y] if x is not None and y is not None else 0.0
                                            for x, y in zip(s[:n - 1], s[1:n]))))
        PS.append(PS[-1])
        self.t, self.n, self.D, self.s, self.P0, self.PS = t, n, D, s, P0, PS


# A printable ASCII character before a non-ASCII one: read as its fullwidth form (GBK A3xx)
# inside a shifted span.
_FOLDABLE = re.compile(r"[!-~](?=[^\x00-\x7f])")


class _Gbk2(dict):
    """c -> its two GBK bytes (None for ASCII or a character without a double-byte code)."""

    def __missing__(self, c: str) -> bytes | None:
        got = _gbk2(c) if c >= "\x80" else None
        if len(self) < 200_000:
            self[c] = got
        return got


_GBK2 = _Gbk2()


def _shift_sweep(m: Model, ph: _OddPhase, a: int, b: int) -> list[tuple[float, int, int, str]]:
    """Approximate gains of shifted spans inside t[a:b]: (gain, i, e, end kind), best per end.
    Start i: t[i]'s first byte is an orphaned trail byte. End kinds at r: 'letter' (the ASCII
    letter t[r] realigns as the last trail byte, span t[i:r+1]), 'mark' (t[r] is `?`/U+FFFD,
    the decoder's mark for the byte after the last lead byte), 'loss' (a second lost byte at
    r: the last carried byte belongs to a lost character, span t[i:r])."""
    t, D, s, P0, PS = ph.t, ph.D, ph.s, ph.P0, ph.PS
    by_code = gbk_table()[0]
    pc = m.pair_costs
    out: list[tuple[float, int, int, str]] = []
    floor = MIN_GAIN_LETTER - APPROX_SLACK
    best_v = 0.0
    best_i = -1
    for r in range(a, b + 1):
        if best_i >= 0:
            k = r - 1  # last odd-phase character s[k]
            base = best_v - PS[k + 1]
            carry = D[r - 1][1]  # type: ignore[index]
            if r < b:
                c = t[r]
                if "@" <= c <= "~":
                    ch = by_code.get(carry << 8 | ord(c))
                    if ch is not None:
                        g = P0[r + 1] + base - (pc[ch] if s[k] is None else pc[s[k] + ch])  # type: ignore[operator]
                        if g >= floor:
                            out.append((g, best_i, r + 1, "letter"))
                elif c in "?\ufffd":
                    g = P0[r + 1] + base - SLOT_COST
                    if g >= floor:
                        out.append((g, best_i, r + 1, "mark"))
            g = P0[r] + base - SLOT_COST
            if g >= floor:
                out.append((g, best_i, r, "loss"))
        if r >= b:
            break
        if s[r] is None:
            best_i = -1
            continue
        i = r - 1
        if i >= a:
            # start at i: orphan slot, then s[i+1] after the left context
            v = -P0[i] - SLOT_COST - (pc[t[i - 1] + s[r]] if i > 0 else pc[s[r]]) + PS[i + 2]  # type: ignore[operator]
            if best_i < 0 or v > best_v:
                best_v, best_i = v, i
    return out


def _shift_pieces(text: str, lo: int, ph: _OddPhase, i: int, e: int, kind: str) -> tuple[int, list, float]:
    """Exact pieces of a shifted span found by `_shift_sweep`: (absolute end, pieces, bonus)."""
    t, D, s = ph.t, ph.D, ph.s
    start_slot = Slot(debris=t[i], trail=D[i][0])  # type: ignore[index]
    last = e - 1 if kind in ("letter", "mark") else e  # first index not read in odd phase
    body = "".join(s[i + 1:last])  # type: ignore[arg-type]
    carry = D[last - 1][1]  # type: ignore[index]
    end = lo + e
    bonus = 0.0
    if kind == "letter":
        ch = gbk_table()[0][carry << 8 | ord(t[e - 1])]
        note = _note_after(text, end)
        if note is not None:
            bonus = NOTE_BONUS if ch in model().chars_for_reading(note) else -NOTE_BONUS
        return end, [start_slot, body + ch], bonus
    if kind == "mark":
        note_m = _NOTE_AT.match(text, end)
        reading = note_m.group(1) if note_m and is_syllable(note_m.group(1)) else None
        if reading:
            end = note_m.end()  # type: ignore[union-attr]
        return end, [start_slot, body, Slot(text[lo + e - 1:end], lead=carry, reading=reading,
                                            marked_before=_first_byte(text, lo + e))], 0.0
    return end, [start_slot, body, Slot("", lead=carry, trail=carry)], 0.0


SHIFT_BACK = 24  # how far before its first suspect a shifted span may start


def _run_end(text: str, p: int, hi: int) -> int:
    """End of the stretch from p that an odd-phase reading can cross (GBK double-byte
    characters, ASCII folded from fullwidth forms), plus the character that ends it."""
    return min(hi, _run_stop(text, p, hi) + 1)


def _run_stop(text: str, p: int, hi: int) -> int:
    """First index from p where an odd-phase reading must stop (hi if none)."""
    n = hi
    while p < n:
        c = text[p]
        if c >= "\x80":
            if _gbk2_cached(c) is None:
                break
        elif not ("!" <= c <= "~" and p + 1 < n and text[p + 1] >= "\x80"):
            break
        p += 1
    return p


def _line_shift_edits(m: Model, text: str, lo: int, hi: int, suspects: list[int]) -> list[Edit]:
    """Verified GBK-shift edits in the line text[lo:hi]; each span holds a suspect."""
    ph = _OddPhase(m, text, lo, hi)
    edits: list[Edit] = []
    todo = [(0, ph.n)]
    while todo:
        a, b = todo.pop()
        cands = _shift_sweep(m, ph, a, b)
        cands.sort(reverse=True)
        found = None
        for g, i, e, kind in cands[:MAX_VERIFY * 4]:
            k = bisect.bisect_left(suspects, lo + i)
            if k == len(suspects) or suspects[k] >= lo + e:
                continue  # no suspect inside: leave it
            end, pieces, bonus = _shift_pieces(text, lo, ph, i, e, kind)
            gain = _judge(m, text, lo + i, end, pieces, bonus)
            if gain is not None:
                found = Edit(lo + i, end, "gbk_shift", pieces, gain)
                # The sweep keeps one start per end and ignores what a lost character's
                # surviving byte allows, so a start a few characters off can score better
                # exactly (`活[動]周系列` rather than `活又[?]系列`): judge those too.
                for i2 in range(max(a, i - START_JITTER), min(e - 1, i + START_JITTER + 1)):
                    if i2 == i or any(ph.s[q] is None for q in range(min(i, i2) + 1, max(i, i2) + 2)):
                        continue
                    end2, pieces2, bonus2 = _shift_pieces(text, lo, ph, i2, e, kind)
                    gain2 = _judge(m, text, lo + i2, end2, pieces2, bonus2)
                    if gain2 is not None and gain2 > found.gain:
                        found = Edit(lo + i2, end2, "gbk_shift", pieces2, gain2)
                break
        if found is not None:
            edits.append(found)
            todo.append((a, found.start - lo))
            todo.append((found.end - lo, b))
    return edits


def _short_shift_candidates(text: str, i: int, hi: int) -> list[tuple[int, list, float]]:
    """A shift that realigns right after its orphaned trail byte: `,F(xiàn)` = A3 | AC46 =
    [lost 。] 現 (the orphan was folded to ASCII), `妥?` = CD | D7 ? = two lost characters."""
    first = _gbk2_cached(text[i]) if text[i] >= "\x80" else _folded(text, i, first=True)
    if first is None or i + 1 >= hi:
        return []
    c = text[i + 1]
    start_slot = Slot(debris=text[i], trail=first[0])
    if c in "?\ufffd":
        return [(i + 2, [start_slot, Slot(c, lead=first[1], marked_before=_first_byte(text, i + 2))], 0.0)]
    code = first[1] << 8 | ord(c)
    if not ("@" <= c <= "~") or code not in gbk_table()[0]:
        return []
    ch = gbk_table()[0][code]
    note = _note_after(text, i + 2)
    bonus = 0.0
    if note is not None:
        bonus = NOTE_BONUS if ch in model().chars_for_reading(note) else -NOTE_BONUS
    return [(i + 2, [start_slot, ch], bonus)]


def _first_byte(text: str, p: int) -> int:
    """First GBK byte of text[p] (-1 past the end or for a character GBK cannot encode)."""
    if p >= len(text):
        return -1
    c = text[p]
    if c < "\x80":
        return ord(c)
    b = _gbk2_cached(c)
    return -1 if b is None else b[0]


@lru_cache(maxsize=4096)
def _marked_candidates(lead: int, after: int) -> tuple[str, ...]:
    """Characters with this lead byte whose trail byte X is one the decoder would have
    replaced by `?` before the byte `after`: X >= 0x80 and X+after is no GBK code."""
    by_code = gbk_table()[0]
    m = model()
    out = []
    for x in range(0x80, 0xFF):
        c = by_code.get(lead << 8 | x)
        if c is None:
            continue
        if after >= 0 and (x << 8 | after) in by_code:
            continue
        if (is_han(c) and m.unigram_cost(c) < 5.5) or c in _LOST_PUNCT:
            out.append(c)
    return tuple(out)


MARKED_PRIOR = 1.0  # log10 preference for a lost character consistent with the decoder's `?`


def _prior(slot: Slot, c: str) -> float:
    """Cost adjustment of candidate c for a slot (negative = preferred)."""
    if slot.marked_before is not None and slot.lead is not None and c in _marked_candidates(slot.lead, slot.marked_before):
        return -MARKED_PRIOR
    return 0.0


def _folded(text: str, p: int, first: bool = False) -> bytes | None:
    """An ASCII character inside a shifted span read as the fullwidth form it was folded from
    (GBK A3xx), when a non-ASCII character follows (or, for the first character of a span,
    an ASCII letter that may be the realigning trail byte: `,F(xiàn)` = A3 AC46 = 。現)."""
    c = text[p]
    if not ("!" <= c <= "~"):
        return None
    if p + 1 >= len(text) or text[p + 1].isspace():
        return None
    nxt = text[p + 1]
    if nxt < "\x80" and not (first and "@" <= nxt <= "~"):
        return None
    return bytes((0xA3, ord(c) + 0x80))


# --- whole-span re-encoding ---------------------------------------------------------------

REENCODE = [
    ("utf8_as_gbk", "gbk", "utf-8"),
    ("big5_as_gbk", "gbk", "big5"),
    ("gbk_as_big5", "big5", "gbk"),
    ("gbk_as_latin1", "latin-1", "gbk"),
    ("gbk_as_cp1252", "cp1252", "gbk"),
    ("big5_as_latin1", "latin-1", "big5"),
]
_LATIN = re.compile(r"[\x80-\xff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")


def _reencode_candidates(text: str, cs: int, ce: int, lo: int, hi: int, m: Model | None = None):
    """(i, j, kind, [candidate]) for every sub-span text[i:j] around the cluster text[cs:ce]
    (±WINDOW) that re-encodes to something else. With the model `m`, candidates that
    provably fail `_judge` (`_ReencodeBounds`) are left out."""
    a, b = max(lo, cs - WINDOW), min(hi, ce + WINDOW)
    bounds: _ReencodeBounds | None = None
    span = text[a:b]
    latin = bool(_LATIN.search(span))
    han = bool(span) and max(span) >= "\u2e80"
    encoded: dict[str, list[bytes | None]] = {}  # per wrong codec (two kinds share each)
    for kind, wrong, right in REENCODE:
        if wrong in ("latin-1", "cp1252") and not latin:
            continue
        if wrong in ("gbk", "big5") and not han:
            continue
        # The codecs are stateless, so a span's bytes are its characters' bytes joined; a span
        # with a character the wrong codec cannot encode fails, so only the starts after the
        # last such character before cs and the ends before the first one from ce are tried.
        enc = encoded.get(wrong)
        if enc is None:
            enc = encoded[wrong] = list(map(_encoded_by[wrong].__getitem__, span))
        if None in enc[cs - a:ce - a]:
            continue
        i0 = cs
        while i0 > a and enc[i0 - 1 - a] is not None:
            i0 -= 1
        j1 = ce
        while j1 < b and enc[j1 - a] is not None:
            j1 += 1
        # offs[x]: bytes of text[i0:i0 + x] in the wrong codec
        offs = [0, *accumulate(map(len, enc[i0 - a:j1 - a]))]  # type: ignore[arg-type]
        byte_len = _BYTE_LEN[right]
        dead = _dead_first_bytes(right)
        for i in range(i0, cs + 1):
            if enc[i - a][0] in dead:  # type: ignore[index]
                continue  # decodes to nothing: skip the decoding and its exception
            # One decoding per start: the span up to j decodes exactly when its bytes end on a
            # character boundary of this decoding before its first invalid sequence (the
            # codecs decode left to right; bytes ending inside a character are a truncated
            # span, and every span past an invalid sequence contains it).
            dec = _decoded_prefix(b"".join(enc[i - a:j1 - a]), right)  # type: ignore[arg-type]
            if not dec:
                continue
            ends = dict(zip(accumulate(map(byte_len.__getitem__, dec)), range(1, len(dec) + 1)))
            lowers = None
            j0 = max(i + 1, ce)
            # k: characters of dec that text[i:j] re-encodes to (None: not a boundary)
            for j, k in zip(range(j0, j1 + 1), map(ends.get, map(sub, offs[j0 - i0:j1 - i0 + 1], repeat(offs[i - i0])))):
                if k is None:
                    continue
                cand = dec[:k]
                if cand == text[i:j]:
                    continue
                if m is not None:
                    if bounds is None:
                        bounds = _ReencodeBounds(m, text, a, b, ce)
                    if lowers is None:
                        lowers = list(accumulate(map(bounds.min_cost, dec)))
                    if bounds.cannot_pass(text, i, j, k, lowers[k - 1]):
                        continue
                yield i, j, kind, [cand]


def _decoded_prefix(raw: bytes, codec: str) -> str:
    """What `raw` decodes to before its first invalid (or truncated) sequence, without
    raising an exception (the common case for a wrong start): errors="replace" for codecs
    in which no valid sequence decodes to U+FFFD (checked for every one- and two-byte
    sequence in tests/test_repair_fastpaths.py), "surrogateescape" for UTF-8, whose valid
    sequences never decode to a lone surrogate."""
    if codec in _NO_VALID_FFFD:
        return raw.decode(codec, "replace").partition("\ufffd")[0]
    if codec == "utf-8":
        dec = raw.decode(codec, "surrogateescape")
        bad = _ESCAPED_BYTE.search(dec)
        return dec if bad is None else dec[:bad.start()]
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        return raw[:exc.start].decode(codec)


_NO_VALID_FFFD = frozenset({"gbk", "big5"})
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


@lru_cache(maxsize=None)
def _dead_first_bytes(codec: str) -> frozenset[int]:
    """Bytes that no character of `codec` starts with: a byte string that begins with one
    fails to decode at its first byte (so `_reencode_candidates` gets no candidate from it).
    Tried with every second byte, followed by continuation bytes for longer UTF-8 forms."""
    # All second bytes of one first byte in one decode, each try ended by a newline (never a
    # trail or continuation byte of these codecs, so it ends every try): a try fails at its
    # first byte exactly when its piece starts with U+FFFD (no valid sequence decodes to
    # U+FFFD here). A newline as the second byte is tried on its own.
    seconds = [t for t in range(256) if t != 0x0A]
    tries = bytearray(b"\n".join(bytes((0, t)) + b"\x80\x80" for t in seconds))  # 5 bytes a try

    def starts_a_character(b: int) -> bool:
        tries[0::5] = bytes((b,)) * len(seconds)
        if any(p[:1] != "\ufffd" for p in tries.decode(codec, "replace").split("\n")):
            return True
        return (bytes((b, 0x0A)) + b"\x80\x80").decode(codec, "replace")[:1] != "\ufffd"
    return frozenset(b for b in range(256) if not starts_a_character(b))


class _ByteLen(dict):
    """c -> its length in bytes in the codec it was decoded with (a dict: C-speed map)."""

    def __init__(self, utf8: bool) -> None:
        super().__init__()
        self.utf8 = utf8

    def __missing__(self, c: str) -> int:
        if self.utf8:
            got = 1 if c < "\x80" else 2 if c < "\u0800" else 3 if c < "\U00010000" else 4
        else:
            got = 1 if c < "\x80" else 2  # GBK, Big5: ASCII is one byte, every other character two
        if len(self) < 200_000:
            self[c] = got
        return got


# The `right` codecs of REENCODE.
_BYTE_LEN = {"gbk": _ByteLen(False), "big5": _ByteLen(False), "utf-8": _ByteLen(True)}


class _Encoded(dict):
    """c -> its bytes in one codec (None if the codec cannot encode it), filled on use."""

    def __init__(self, codec: str) -> None:
        super().__init__()
        self.codec = codec

    def __missing__(self, c: str) -> bytes | None:
        try:
            got = c.encode(self.codec)
        except UnicodeEncodeError:
            got = None
        if len(self) < 200_000:
            self[c] = got
        return got


_encoded_by = {codec: _Encoded(codec) for codec in {wrong for _, wrong, _ in REENCODE}}


# --- driver -------------------------------------------------------------------------------

def _clusters(text: str, suspects: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in (_all_suspects(text) if suspects is None else suspects):
        if out and s - out[-1][1] <= 4 and "\n" not in text[out[-1][1]:s]:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _explained(m: Model, text: str, cs: int, ce: int) -> bool:
    """Every suspect in text[cs:ce] is a rare Han character that forms a dictionary word with
    a neighbour (`钼钨`, `孵化`): real text, no need to try candidates. Mojibake never does."""
    for q in range(cs, ce):
        c = text[q]
        if c < "\x80" or c == "\ufffd":
            return False  # ?, !, a letter before a note: decoder debris, always look
        if c in _COMMON_PUNCT:
            continue
        if not is_han(c) or m.unigram_cost(c) < 5.0:
            # a common character between suspects: fine if it is Han
            if is_han(c):
                continue
            return False
        left = text[q - 1] if q > 0 else ""
        right = text[q + 1] if q + 1 < len(text) else ""
        if not ((left and m.bigram_strength(left, c) >= 3) or (right and m.bigram_strength(c, right) >= 3)):
            return False
    return True


def _damage_shaped(m: Model, text: str, cs: int, ce: int) -> bool:
    """A suspect that the local window must not dismiss: a non-Han symbol (kana, bopomofo,
    box drawing...) right after a Han character (`基地ㄔO`), or `?`/U+FFFD between two
    non-ASCII characters (`沂芯?济`). Candidates still have to pass `_judge`."""
    for q in range(cs, ce):
        c = text[q]
        prv = text[q - 1] if q > 0 else ""
        if not prv or not is_han(prv):
            continue
        if c in "?\ufffd":
            if q + 1 < len(text) and text[q + 1] >= "\x80":
                return True
        elif c >= "\x80" and not is_han(c) and c not in _COMMON_PUNCT and m.unigram_cost(c) >= COST_SYMBOL:
            return True
    return False


@lru_cache(maxsize=65536)
def _single_verdict(left: str, c: str, right: str) -> tuple[bool, bool]:
    """`_damage_shaped` and `_explained` of a one-character cluster between its neighbours
    ("" at the ends of the text): rare words recur, so the verdicts are memoised."""
    three = left + c + right
    q = len(left)
    return _damage_shaped(model(), three, q, q + 1), _explained(model(), three, q, q + 1)


_DEBRIS_CHAR = re.compile("[\x00-\x7f\ufffd]")  # ?, !, a letter before a note, U+FFFD


def find_edits(text: str, suspects: list[tuple[int, int]] | None = None, runs: bool = True) -> list[Edit]:
    """Repairs of the clusters of suspects in `text` (default: `_all_suspects(text)`), in
    text order."""
    if suspects is None:
        suspects = _all_suspects(text)
    m = model()
    # Whole runs of UTF-8 read as GBK first (lossy too, `lossy.py`); their suspects are done.
    run_edits: list[Edit] = []
    line_hi = -1
    for cs, _ in (suspects if runs else ()):
        if cs >= line_hi:
            line_lo = text.rfind("\n", max(0, line_hi), cs) + 1
            line_hi = text.find("\n", cs)
            line_hi = len(text) if line_hi < 0 else line_hi
            run_edits.extend(Edit(r.start, r.end, lossy.KIND, [r.after], r.gain)
                             for r in lossy.utf8_run_repairs(m, text, line_lo, line_hi))
    if run_edits:
        starts = [e.start for e in run_edits]

        def covered(p: int) -> bool:
            k = bisect.bisect_right(starts, p) - 1
            return k >= 0 and p < run_edits[k].end
        suspects = [s for s in suspects if not covered(s[0])]
        rest = find_edits(text, suspects, False) if suspects else []
        # an edit of the rest that reaches into a run (its window) gives way to the run
        rest = [e for e in rest if not (covered(e.start) or covered(e.end - 1) or any(
            e.start <= r.start < e.end for r in run_edits))]
        return sorted(run_edits + rest, key=lambda e: e.start)
    clusters: list[tuple[int, int, int, int]] = []  # cluster start, end, line start, line end
    regions: list[list] = []  # [line start, region start, region end, suspect positions]
    # Clusters come in text order: the current line and the last odd-phase stop are reused
    # (searching from each cluster would be quadratic on a long line).
    lo = hi = 0
    run_from, run_stop = -1, -1
    for cs, ce in _clusters(text, suspects):
        if not lo <= cs < hi:
            lo = text.rfind("\n", hi if hi else 0, cs) + 1
            hi = text.find("\n", cs)
            hi = len(text) if hi < 0 else hi
            run_from = -1
        w0, w1 = max(lo, cs - 2), min(hi, ce + 3)
        letter_note = text[ce - 1].isascii() and text[ce - 1].isalpha()
        if ce - cs == 1:  # most clusters: one rare character, judged with its neighbours
            shaped, explained = _single_verdict(text[cs - 1] if cs else "", text[cs], text[ce:ce + 1])
        else:
            shaped = _damage_shaped(m, text, cs, ce)
            explained = not shaped and _explained(m, text, cs, ce)
        if not letter_note and not shaped and (
                explained or m.span_cost(text[w0:w1]) / max(1, w1 - w0)
                < (LOCAL_OK if _DEBRIS_CHAR.search(text, cs, ce) else LOCAL_OK_RARE)):
            continue
        clusters.append((cs, ce, lo, hi))
        # The region a shifted span through this cluster can occupy: from SHIFT_BACK
        # characters before it to where the odd-phase reading must stop (+1 for the
        # realigning letter or `?`).
        a = max(lo, cs - SHIFT_BACK)
        if not (0 <= run_from <= ce <= run_stop):
            run_from, run_stop = ce, _run_stop(text, ce, hi)
        b = min(hi, run_stop + 1)  # _run_end(text, ce, hi)
        if regions and regions[-1][0] == lo and a <= regions[-1][2]:
            regions[-1][2] = max(regions[-1][2], b)
            regions[-1][3].extend(range(cs, ce))
        else:
            regions.append([lo, a, b, list(range(cs, ce))])
    long_shifts: list[Edit] = []
    for _, a, b, suspects in regions:
        long_shifts.extend(_line_shift_edits(m, text, a, b, suspects))
    edits: list[Edit] = []
    done = 0
    # Long shifts that may still serve a cluster (start >= lo, start < ce, end > cs): cs, ce
    # and lo only grow, so a shift enters once (by start) and leaves for good.
    by_start = sorted(range(len(long_shifts)), key=lambda x: long_shifts[x].start)
    entered = 0
    active: list[int] = []
    for cs, ce, lo, hi in clusters:
        if cs < done:
            continue
        lo = max(lo, done)
        while entered < len(by_start) and long_shifts[by_start[entered]].start < ce:
            active.append(by_start[entered])
            entered += 1
        active = sorted(x for x in active if long_shifts[x].end > cs and long_shifts[x].start >= lo)
        best: Edit | None = None
        for x in active:  # in the order found, so that ties go the same way
            e = long_shifts[x]
            if best is None or e.gain > best.gain:
                best = e
        for i in range(max(lo, cs - 1), min(ce, hi)):
            for end, pieces, bonus in _short_shift_candidates(text, i, hi):
                gain = _judge(m, text, i, end, pieces, bonus)
                if gain is not None and (best is None or gain > best.gain):
                    best = Edit(i, end, "gbk_shift", pieces, gain)
        for i, j, kind, pieces in _reencode_candidates(text, cs, ce, lo, hi, m):
            if kind in _CJK_READINGS and _NO_HAN.fullmatch(pieces[0]):
                continue  # CJK symbols read as other symbols (kaomoji `(*￣▽￣)`): no repair
            gain = _judge(m, text, i, j, pieces)
            if gain is not None and (best is None or gain > best.gain):
                best = Edit(i, j, kind, pieces, gain)
        if best is not None:
            edits.append(best)
            done = best.end
    return edits


def _debris_slots(text: str, edits: list[Edit]) -> list[Edit]:
    """`?(bào)` / `?bào)` outside the repaired spans: a lost character named by its note (only
    called when the text holds a ? and a tone-marked letter)."""
    out: list[Edit] = []
    starts = [e.start for e in edits]  # edits are in text order and do not overlap
    for mt in DEBRIS_RE.finditer(text):
        if not is_syllable(mt.group(1)):
            continue
        k = bisect.bisect_right(starts, mt.start()) - 1
        if k >= 0 and mt.start() < edits[k].end:
            continue
        out.append(Edit(mt.start(), mt.end(), "lost_char", [Slot(mt.group(), reading=mt.group(1))], 0.0))
    return out


def _doc_notes(text: str) -> dict[str, set[str]]:
    """Reading -> characters annotated with it elsewhere in the document (`報(bào)`)."""
    notes: dict[str, set[str]] = {}
    if "(" not in text and "（" not in text:
        return notes
    for c, reading in set(_HAN_NOTE.findall(text)):
        notes.setdefault(reading, set()).add(c)
    return notes


# A note and the Han character (`is_han`) before it (parenthesis first: fast scan).
_HAN_CLASS = r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ebef]"
_HAN_NOTE = re.compile(rf"[(（](?<=({_HAN_CLASS})[(（])({_SYLLABLE})[)）]")


class _DocNotes:
    """`_doc_notes(text)` computed per reading on demand: only slots with a reading ask,
    and they ask for a few readings, while pinyin residue puts a note on nearly every word."""

    __slots__ = ("text", "found", "has_paren")

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: dict[str, frozenset[str]] = {}
        self.has_paren = "(" in text or "（" in text

    def get(self, reading: str, default=()):
        got = self.found.get(reading)
        if got is None:
            got = frozenset()
            if self.has_paren and _SYLLABLE_FULL.fullmatch(reading):
                got = frozenset(_annotated(self.text, reading))
            self.found[reading] = got
        return got if got else default


_SYLLABLE_FULL = re.compile(_SYLLABLE)


def _annotated(text: str, reading: str) -> list[str]:
    """The Han characters annotated with `reading` (`_HAN_NOTE` for one reading): str.find
    for the opening of the note runs at memchr speed, a regex pass does not."""
    out = []
    n = len(reading)
    for opening in ("(", "（"):
        p = text.find(opening + reading)
        while p >= 0:
            if p > 0 and text[p + 1 + n:p + 2 + n] in (")", "）") and is_han(text[p - 1]):
                out.append(text[p - 1])
            p = text.find(opening + reading, p + 1)
    return out


# Punctuation a lost character may have been (GBK A1xx/A3xx); scored like any candidate.
_LOST_PUNCT = "。，、：；“”《》！？"


def _candidates(slot: Slot) -> list[str]:
    _, by_lead, by_trail = gbk_table()
    m = model()
    if slot.reading is not None:
        cands = list(m.chars_for_reading(slot.reading))
        if slot.lead is not None:
            cands = [c for c in cands if (b := _gbk2(c)) is not None and b[0] == slot.lead]
        return cands
    if slot.lead is not None and slot.trail is not None:
        # a second loss: the carried byte is the lead or the trail of the lost character
        return (by_lead.get(slot.lead, []) + by_trail.get(slot.trail, [])
                + [p for p in _LOST_PUNCT if slot.lead in p.encode("gbk")])
    if slot.lead is not None:
        return by_lead.get(slot.lead, []) + [p for p in _LOST_PUNCT if p.encode("gbk")[0] == slot.lead]
    if slot.trail is not None:
        return by_trail.get(slot.trail, []) + [p for p in _LOST_PUNCT if p.encode("gbk")[1] == slot.trail]
    return []


@lru_cache(maxsize=16384)
def _script_candidates(reading: str | None, lead: int | None, trail: int | None, traditional: bool) -> tuple[str, ...]:
    """`_candidates` of such a slot that are in the script of the text: no Simplified-only
    character in Traditional text, no character that t2s changes in Simplified text."""
    cands = _candidates(Slot("", lead=lead, trail=trail, reading=reading))
    if traditional:
        simplified_only = _simplified_only()
        return tuple(c for c in cands if c not in simplified_only)
    t2s = model().t2s
    return tuple(c for c in cands if t2s.get(c, c) == c)


@lru_cache(maxsize=1)
def _simplified_only() -> frozenset[str]:
    """Simplified forms that are not Traditional characters themselves (变, not 于)."""
    t2s = model().t2s
    return frozenset(v for k, v in t2s.items() if v != k and v not in t2s and len(v) == 1)


@lru_cache(maxsize=1)
def _traditional_re() -> re.Pattern[str]:
    """Any character that OpenCC maps to a different Simplified one."""
    t2s = model().t2s
    return re.compile("[" + "".join(re.escape(k) for k, v in sorted(t2s.items()) if v != k) + "]")


def _resolve(seq: list, notes: dict[str, set[str]], slots: list[int] | None = None,
             traditional: bool | None = None, work: list[int] | None = None) -> dict[int, str | None]:
    """Decide every slot in `seq` (a flat list of characters and Slots): a character or None.

    Candidates are ranked by -log10 P(c | left) + link cost to the right neighbour. A slot is
    restored only when the best candidate is GUESS_MARGIN more probable (log10) than the
    runner-up and is backed by evidence: a dictionary bigram with a neighbour, the pinyin
    note, or (for punctuation) its own frequency. The most confident slot is decided first,
    so that its neighbours can use it.

    A slot's neighbours are the nearest characters, skipping undecided (or unrestored)
    slots, so deciding a slot can only change the neighbours of slots in the same run of
    adjacent slots. Runs are therefore decided independently (the order within a run is the
    same as in one global most-confident-first loop), each with a heap in which only the
    slots whose neighbour changed are re-ranked: linear in the number of slots for ordinary
    text instead of quadratic. `slots` (the Slot indices) and `traditional` (whether the text
    is in Traditional script) may be passed when the caller knows them; `work`, if given,
    receives one entry per ranking computed (tests check that the work is linear).
    """
    if slots is None:
        slots = [k for k, x in enumerate(seq) if isinstance(x, Slot)]
    if traditional is None:
        # A guess must be in the script of the text around it (GBK holds both: 變 is a
        # candidate for 转's lost bytes, and the model scores it like 变).
        traditional = _traditional_re().search("".join(x for x in seq if isinstance(x, str))) is not None
    traditional = bool(traditional)

    def rank(k: int, left: str | None, right: str | None) -> tuple[tuple[bool, float], str | None]:
        if work is not None:
            work.append(k)
        slot = seq[k]
        noted_chars = notes.get(slot.reading, ()) if slot.reading is not None else ()
        return _rank(slot.reading, slot.lead, slot.trail, slot.marked_before, left, right, traditional,
                     frozenset(noted_chars))

    decided: dict[int, str | None] = {}
    n = len(seq)
    r0 = 0
    while r0 < len(slots):
        r1 = r0 + 1
        while r1 < len(slots) and slots[r1] == slots[r1 - 1] + 1:
            r1 += 1
        first, last = slots[r0], slots[r1 - 1]
        outer_left = seq[first - 1] if first > 0 else None
        outer_right = seq[last + 1] if last + 1 < n else None
        r0 = r1
        if first == last:
            decided[first] = rank(first, outer_left, outer_right)[1]
            continue
        _resolve_run(seq, first, last, outer_left, outer_right, rank, decided)
    return decided


@lru_cache(maxsize=65536)
def _rank(reading: str | None, lead: int | None, trail: int | None, marked_before: int | None,
          left: str | None, right: str | None, traditional: bool,
          noted_chars: frozenset[str]) -> tuple[tuple[bool, float], str | None]:
    """Rank of a slot's best candidate between `left` and `right` (see `_resolve`): the sort
    key (backed and clear, margin) and the character (None: not restored). Memoised: the
    same damage recurs within and across documents."""
    m = model()
    u_right = m.unigram_costs[right] if right is not None else 0.0
    marked = (_marked_candidates(lead, marked_before)
              if marked_before is not None and lead is not None else ())
    pc = m.pair_costs
    cands = _script_candidates(reading, lead, trail, traditional)
    # cost = P(c | left) [+ prior] [+ link to right] [- note]: the plain sum for every
    # candidate at C speed, then the few with a prior or a note recomputed in the order
    # of the written formula (floating point: same order, same value).
    if left is None:
        costs = list(map(pc.__getitem__, cands))
    else:
        costs = list(map(pc.__getitem__, map(left.__add__, cands)))
    if right is not None:
        costs = list(map(add, costs, map(sub, map(pc.__getitem__, map(str.__add__, cands, repeat(right))),
                                          repeat(u_right))))
    if marked or noted_chars:
        for x, c in enumerate(cands):
            if c in marked or c in noted_chars:
                cost = pc[c if left is None else left + c] + (-MARKED_PRIOR if c in marked else 0.0)  # _prior
                if right is not None:
                    cost += pc[c + right] - u_right
                if c in noted_chars:
                    cost -= 1.0
                costs[x] = cost
    scored = heapq.nsmallest(2, zip(costs, cands))  # == sorted(...)[:2]

    def backed(c: str) -> bool:
        return (c in noted_chars or c in _LOST_PUNCT
                or (left is not None and m.bigram_strength(left, c) >= GUESS_MIN_BIGRAM)
                or (right is not None and m.bigram_strength(c, right) >= GUESS_MIN_BIGRAM))
    ok = bool(scored) and backed(scored[0][1]) and (
        len(scored) == 1 or scored[1][0] - scored[0][0] >= GUESS_MARGIN)  # len: 0, 1 or 2 (nsmallest)
    margin = (scored[1][0] - scored[0][0]) if len(scored) > 1 else 9.0
    return (ok, margin if ok else 0.0), (scored[0][1] if ok else None)


def _resolve_run(seq: list, first: int, last: int, outer_left: str | None, outer_right: str | None,
                 rank, decided: dict[int, str | None]) -> None:
    """Most confident first over the adjacent slots seq[first..last] (see `_resolve`).
    Heap order (not ok, -margin, index) is the loop's order: highest key, then lowest index."""
    import heapq

    def neighbour(k: int, step: int) -> str | None:
        k += step
        while first <= k <= last:
            c = decided.get(k)
            if c is not None:
                return c
            k += step
        return outer_left if step < 0 else outer_right

    stamp: dict[int, int] = {}
    choice: dict[int, str | None] = {}
    heap: list[tuple[bool, float, int, int]] = []

    def push(k: int) -> None:
        key, ch = rank(k, neighbour(k, -1), neighbour(k, 1))
        stamp[k] = stamp.get(k, 0) + 1
        choice[k] = ch
        heapq.heappush(heap, (not key[0], -key[1], k, stamp[k]))

    for k in range(first, last + 1):
        push(k)
    while heap:
        _, _, k, st = heapq.heappop(heap)
        if k in decided or st != stamp[k]:
            continue
        c = decided[k] = choice[k]
        if c is None:
            continue  # an unrestored slot is skipped by its neighbours: nothing changes
        for step in (-1, 1):  # slots that now see c as their neighbour
            q = k + step
            while first <= q <= last:
                if q in decided:
                    if decided[q] is not None:
                        break
                else:
                    push(q)
                q += step


def repair_mojibake(text: str) -> TextEdit:
    """Find and repair CJK mojibake in `text`; see the module docstring."""
    # Debris (`?(bào)`, DEBRIS_RE) needs a ? and a tone-marked letter.
    debris = "?" in text or "？" in text or "\ufffd" in text
    if len(text) < NUMPY_MIN_CHARS:
        suspects = _scanned_suspects(text)
    else:
        cp = _code_points(text)
        fl = _char_flags().take(cp, mode="clip")
        suspects = _suspects_flagged(text, cp, fl)
        debris = debris and bool((fl & _TONE_BIT).any())
    if not suspects and not (debris and DEBRIS_RE.search(text)):
        return TextEdit(text)
    edits = find_edits(text, suspects)
    if debris:
        edits += _debris_slots(text, edits)
    if not edits:
        return TextEdit(text)
    edits.sort(key=lambda e: e.start)
    # One sequence of characters and slots so that slots see their neighbours. A slot only
    # sees the items next to it, so a stretch of text contributes its first and last
    # character (the whole document would be a list of every character).
    seq: list = []
    slots: list[int] = []
    chars: list[str] = []  # the text around and inside the edits, to tell the script
    pos = 0
    for e in edits:
        gap = text[pos:e.start]
        if gap:
            seq.append(gap[0])
            if len(gap) > 1:
                seq.append(gap[-1])
            chars.append(gap)
        for p in e.pieces:
            if isinstance(p, Slot):
                slots.append(len(seq))
                seq.append(p)
            elif p:
                seq.append(p[0])
                if len(p) > 1:
                    seq.append(p[-1])
                chars.append(p)
        pos = e.end
    if pos < len(text):
        seq.append(text[pos])
        chars.append(text[pos:])
    traditional = _traditional_re().search("".join(chars)) is not None
    decided = _resolve(seq, _DocNotes(text), slots, traditional) if slots else {}

    repairs: list[tuple[str, str, str, int]] = []
    removed: list[tuple[str, str]] = []
    out: list[str] = []
    pos = 0
    next_slot = iter(slots)
    for e in edits:
        after: list[str] = []
        for p in e.pieces:
            if isinstance(p, Slot):
                c = decided.get(next(next_slot))
                if c is not None:
                    after.append(c)
                    repairs.append(("lost_char_guess", p.debris, c, e.start))
                elif p.debris:
                    removed.append(("lost_char_debris", p.debris))
            else:
                after.append(p)
        repl = "".join(after)
        if e.kind != "lost_char":
            repairs.append((e.kind, text[e.start:e.end], repl, e.start))
        if e.kind == lossy.KIND and "\ufffd" in repl:
            # what could not be read back stays U+FFFD, marked (nothing guessed)
            repairs.append((lossy.LOST, text[e.start:e.end], "\ufffd" * repl.count("\ufffd"), e.start))
        out.append(text[pos:e.start])
        out.append(repl)
        pos = e.end
    out.append(text[pos:])
    return TextEdit("".join(out), repairs=repairs, removed=removed)


class CjkMojibakeStage(TextStage):
    """Slot 4: repair GBK/Big5/UTF-8/Latin-1 mojibake in Chinese text, restore or remove
    lost characters (using surviving pinyin notes before `pinyin_ruby` drops them)."""

    name = "cjk_mojibake"
    version = "4"

    def setup(self) -> None:
        model()
        _scan_re()
        _char_flags()
        _pair_verdicts()
        _note_flags()
        _suspect_at()
        gbk_table()
        for _, _, right in REENCODE:
            _dead_first_bytes(right)
        _traditional_re()
        _simplified_only()

    def config(self) -> dict:
        return {"min_gain": MIN_GAIN, "max_cand_mean": MAX_CAND_MEAN, "local_ok": LOCAL_OK,
                "local_ok_rare": LOCAL_OK_RARE, "min_mean_drop": MIN_MEAN_DROP, "slot_cost": SLOT_COST,
                "note_bonus": NOTE_BONUS, "note_min_gain": NOTE_MIN_GAIN, "window": WINDOW,
                "guess_min_bigram": GUESS_MIN_BIGRAM, "guess_margin": GUESS_MARGIN, "fill_penalty": FILL_PENALTY,
                "min_gain_letter": MIN_GAIN_LETTER, "approx_slack": APPROX_SLACK, "max_verify": MAX_VERIFY,
                "start_jitter": START_JITTER, "shift_back": SHIFT_BACK, "marked_prior": MARKED_PRIOR,
                "slots_only_min_cost": SLOTS_ONLY_MIN_COST, "common_punct": _COMMON_PUNCT, "lossy": lossy.CONFIG,
                "model": {"bigram_weight": BIGRAM_WEIGHT, "cost_unknown_han": COST_UNKNOWN_HAN,
                          "cost_symbol": COST_SYMBOL, "cost_ascii": COST_ASCII, **RULES_CONFIG}}

    def transform(self, text: str) -> TextEdit:
        return repair_mojibake(text)
