"""Big5 read as GBK and GBK read as Big5 at paragraph scale, lossy (errors="replace"):
`big5_as_gbk_run` and `gbk_as_big5_run` (entry point `cross_run_repairs`).

Both codecs pair a lead byte >= 0x81 with a trail byte, so the bytes of one read with the
other mostly pair up again; but a pair that is no character of the wrong codec (Big5's
commonest characters A440-A7A0 and AAA1-AFFE are GBK's user-defined area) makes the
decoder put one U+FFFD for the lead byte and resume at the next byte (Python's CJK codecs;
`tests/repair/test_big5.py` checks it). So the bytes of a damaged run are the wrong codec's
bytes of each character, each U+FFFD one byte of unknown value, and read with the right
codec from an aligned start they give every character exactly except those that hold an
unknown byte. The unknown byte is not arbitrary: the wrong codec failed on it, so it is a
byte >= 0x80 that pairs with no byte that followed it in that codec (`choices`). A lost
character therefore has a handful of candidates (Big5 A4xx-A7xx with a known trail byte:
the GBK-invalid leads A1-A7, 5-7 characters), not ~190: `Slot.choices`. `lost.resolve` restores
one only where context pins it down (margin and dictionary evidence, as every lost
character); the rest stays U+FFFD, recorded as a `lost` repair (nothing is guessed without
evidence).

A run is a maximal stretch of characters the wrong codec encodes, or U+FFFD, on one line,
that holds a U+FFFD (a strict re-reading without loss is `reencode`'s). It is replaced only
when it has at least min_known readable characters, the input is implausible on its own, the reading (a lost character at slot_cost) is
plausible, at most max_lost_share of it is lost and the gain is at least min_gain
(`TUNING.cross`); a few characters more or less at each end are tried.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from cleanse.repair.cjk import kinds
from cleanse.repair.cjk.codes import ENCODED
from cleanse.repair.cjk.edits import Edit, Slot
from cleanse.repair.cjk.tuning import TUNING
from cleanse.repair.model import Model, is_han

T = TUNING.cross
HOLE = -1


@dataclass(frozen=True)
class CrossReading:
    kind: str
    wrong: str  # the codec the bytes were decoded with (errors="replace")
    right: str  # the codec they were written in


CROSS_READINGS = (
    CrossReading(kinds.BIG5_AS_GBK_RUN, "gbk", "big5"),
    CrossReading(kinds.GBK_AS_BIG5_RUN, "big5", "gbk"),
)


@lru_cache(maxsize=None)
def pairs(codec: str) -> dict[int, str]:
    """Every double-byte code of `codec` (lead << 8 | trail) -> its character."""
    out: dict[int, str] = {}
    trails = [t for t in range(0x40, 0x100) if t != 0x7F]
    for lead in range(0x80, 0x100):
        # all trails of one lead in one decode, each pair ended by a newline (never a trail)
        pieces = b"\n".join(bytes((lead, t)) for t in trails).decode(codec, "replace").split("\n")
        for t, c in zip(trails, pieces):
            if len(c) == 1 and c != "\ufffd":
                out[lead << 8 | t] = c
    return out


@lru_cache(maxsize=None)
def _code_arrays(right: str, wrong: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """`pairs(right)` as arrays in `pairs` order for `choices`: lead bytes, trail bytes,
    whether the character may be a guess (common punctuation or Han), whether each
    lead-trail pair is a character of `wrong` (65,536 entries), and the characters."""
    items = list(pairs(right).items())
    codes = np.array([code for code, _ in items], dtype=np.int64)
    chars = [c for _, c in items]
    punct = _punct()
    keep = np.array([c in punct or is_han(c) for c in chars], dtype=bool)
    in_wrong = np.zeros(1 << 16, dtype=bool)
    in_wrong[list(pairs(wrong))] = True
    return codes >> 8, codes & 0xFF, keep, in_wrong, chars


@lru_cache(maxsize=1)
def _punct() -> frozenset[str]:
    return frozenset(T.lost_punct)


@lru_cache(maxsize=65536)
def choices(wrong: str, right: str, lead: int, trail: int, after: int) -> tuple[str, ...]:
    """The characters of `right` a lost character may have been: its bytes are lead and trail
    (HOLE where the byte was lost), `after` is the byte that followed (HOLE / -2 at the end).
    Every Han character and the common punctuation: a rare character competes too, so that a
    guess is never made only because the right one was not a candidate."""
    # Every code filtered at once (numpy: a slot with both bytes lost filtered all ~20k
    # codes in Python, ~10 ms; on 1.08 MB of damaged 2 KB pages that loop was ~25 % of
    # cjk_mojibake's profile, docs/repair.md); the same characters in the same order as the
    # plain filter (oracle: tests/repair/test_cost_fast_paths.py).
    lb, tb, keep, in_wrong, chars = _code_arrays(right, wrong)
    ok = keep & (lb == lead if lead != HOLE else (lb >= 0x80) & ~in_wrong[lb << 8 | tb])
    if trail != HOLE:
        ok &= tb == trail
    else:
        ok &= tb >= 0x80
        if after >= 0:
            ok &= ~in_wrong[tb << 8 | after]
    return tuple(chars[k] for k in np.flatnonzero(ok))


def stream(text: str, a: int, b: int, wrong: str) -> list[int] | None:
    """The bytes of text[a:b] in the wrong codec, HOLE for each U+FFFD (None when a character
    has no encoding in it)."""
    enc = ENCODED[wrong]
    raw: list[int] = []
    for c in text[a:b]:
        if c == "\ufffd":
            raw.append(HOLE)
            continue
        e = enc[c]
        if e is None:
            return None
        raw.extend(e)
    return raw


def read(raw: list[int], after: int, r: CrossReading) -> list | None:
    """`raw` decoded with the right codec from an aligned start: pieces (strings and Slots,
    each Slot a character that holds an unknown byte), or None when the known bytes are no
    text of that codec."""
    table = pairs(r.right)
    pieces: list = []
    buf: list[str] = []
    n = len(raw)
    k = 0
    while k < n:
        x = raw[k]
        if 0 <= x < 0x80:
            buf.append(chr(x))
            k += 1
            continue
        if k + 1 >= n:
            return None  # a lead byte without its trail
        y = raw[k + 1]
        if x != HOLE and y != HOLE:
            c = table.get(x << 8 | y)
            if c is None:
                return None
            buf.append(c)
        else:
            nxt = raw[k + 2] if k + 2 < n else after
            cands = choices(r.wrong, r.right, x, y, nxt)
            if not cands:
                return None
            if buf:
                pieces.append("".join(buf))
                buf = []
            pieces.append(Slot("\ufffd" * ((x == HOLE) + (y == HOLE)), choices=cands, mark=True))
        k += 2
    if buf:
        pieces.append("".join(buf))
    return pieces


def _reading_cost(m: Model, pieces: list, left: str | None, right: str | None) -> tuple[float, int, int]:
    """Cost, length and lost characters of a reading (a lost character costs slot_cost and
    links to neither neighbour)."""
    total = 0.0
    n = lost = 0
    last = len(pieces) - 1
    for k, p in enumerate(pieces):
        if isinstance(p, Slot):
            total += T.slot_cost
            n += 1
            lost += 1
        else:
            total += m.span_cost(p, left if k == 0 else None, right if k == last else None)
            n += len(p)
    return total, n, lost


def _input_cost(m: Model, s: str, left: str | None, right: str | None) -> tuple[float, float]:
    """Cost of the input (a U+FFFD at slot_cost, linked to neither neighbour, as in
    `judge.input_cost`) and the mean cost of its readable characters: how implausible the
    input is on its own is judged without its holes, which cost the same in any reading."""
    total = 0.0
    pieces = s.split("\ufffd")
    for k, p in enumerate(pieces):
        if p:
            total += m.span_cost(p, left if k == 0 else None, right if k == len(pieces) - 1 else None)
    holes = len(pieces) - 1
    known = len(s) - holes
    return total + T.slot_cost * holes, (total / known if known else 0.0)


def _after_byte(text: str, b: int, wrong: str) -> int:
    if b >= len(text):
        return -2
    e = ENCODED[wrong][text[b]]
    return HOLE if not e else e[0]


def _runs(text: str, lo: int, hi: int, wrong: str):
    """Maximal stretches of text[lo:hi] that `wrong` encodes (U+FFFD included) holding a
    U+FFFD and a non-ASCII character other than it."""
    enc = ENCODED[wrong]
    i = lo
    while i < hi:
        while i < hi and text[i] != "\ufffd" and enc[text[i]] is None:
            i += 1
        j = i
        while j < hi and (text[j] == "\ufffd" or enc[text[j]] is not None):
            j += 1
        if j > i and "\ufffd" in text[i:j]:
            yield i, j
        i = j + 1 if j == i else j


def cross_run_repairs(m: Model, text: str, lo: int, hi: int) -> list[Edit]:
    """Accepted readings of the runs in text[lo:hi] (one line), both directions (they may
    overlap: the caller keeps the best)."""
    found: list[Edit] = []
    for r in CROSS_READINGS:
        for i, j in _runs(text, lo, hi, r.wrong):
            while j > i and text[j - 1].isspace():
                j -= 1
            while i < j and text[i].isspace():
                i += 1
            if j - i < T.min_run:
                continue
            best = None
            for a in range(i, min(i + T.edge, j)):
                if text[a].isspace():
                    continue
                for b in range(j, max(j - T.edge, a + T.min_run - 1), -1):
                    e = _judge(m, text, a, b, r)
                    if e is not None and (best is None or e.gain + T.cover_bonus * (e.end - e.start)
                                          > best.gain + T.cover_bonus * (best.end - best.start)):
                        best = e
            if best is not None:
                found.append(best)
    return found


def _judge(m: Model, text: str, a: int, b: int, r: CrossReading) -> Edit | None:
    raw = stream(text, a, b, r.wrong)
    if raw is None:
        return None
    pieces = read(raw, _after_byte(text, b, r.wrong), r)
    if pieces is None:
        return None
    left = text[a - 1] if a > 0 else None
    right = text[b] if b < len(text) else None
    span = text[a:b]
    if len(span) - span.count("\ufffd") < T.min_known:
        return None  # too little to judge (`芃�芃黍�`: three rare characters and two holes)
    orig, known_mean = _input_cost(m, span, left, right)
    if known_mean < T.min_input_mean:
        return None
    cand, n, lost = _reading_cost(m, pieces, left, right)
    if n == 0 or lost > T.max_lost_share * n or cand / n > T.max_reading_mean or orig - cand < T.min_gain:
        return None
    if not any(isinstance(p, str) and any(is_han(c) for c in p) for p in pieces):
        return None
    return Edit(a, b, r.kind, pieces, orig - cand)
