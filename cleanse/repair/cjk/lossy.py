"""UTF-8 read as GBK at any scale, also lossy (errors="replace" / "ignore"): `utf8_as_gbk_run`
(entry point `utf8_run_repairs`).

`text.encode("utf-8").decode("gbk", errors)` turns Chinese into rare GBK characters
(`鎴戜滑浠婂ぉ`); where a byte pair is no GBK character the decoder drops the lead byte
("ignore") or puts U+FFFD for it ("replace"). UTF-8 resynchronises after a lost byte, so a
run of such characters is read back by re-encoding each one with GBK (U+FFFD dropped) and
decoding the bytes as UTF-8 with errors="replace": each character that lost a byte becomes
U+FFFD, the rest is exact. Nothing is guessed: a lost character stays U+FFFD and is recorded
as a `lost` repair at its position.

A run is a maximal stretch of non-ASCII characters (ASCII is a character boundary in both
readings unless a GBK pair swallowed it, and then it is inside the run). It is replaced only
when the input is implausible on its own (mean cost >= min_input_mean), the reading is
plausible (mean cost <= max_reading_mean, lost characters counted as slot_cost), at most
max_lost_share of its characters are lost, and the gain is at least min_gain (`TUNING.lossy`):
clean Chinese re-read this way is mostly U+FFFD (its GBK bytes are no UTF-8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cleanse.repair.cjk.tuning import TUNING
from cleanse.repair.model import Model

T = TUNING.lossy

_RUN = re.compile("[^\x00-\x7f]+")


@dataclass(slots=True)
class RunRepair:
    start: int
    end: int
    after: str
    gain: float


def read_utf8_run(run: str) -> str | None:
    """The UTF-8 reading of a run of GBK characters (U+FFFD for each lost character), or None
    when a character has no GBK encoding. GBK encodes character by character (a stateless
    codec), so the run is encoded in one call: the bytes are each character's bytes joined
    (tests/repair/test_cost_gates.py holds the per-character definition as its oracle).
    Measured: cjk_mojibake on 0.2 MB of clean classical prose (Traditional), CPU time,
    0.86 s -> 0.17 s (the per-character encode was 80 % of that text's profile)."""
    try:
        raw = run.replace("\ufffd", "").encode("gbk")
    except UnicodeEncodeError:
        return None
    return raw.decode("utf-8", "replace")


def _reading_cost(m: Model, s: str, left: str | None, right: str | None) -> float:
    total = 0.0
    pieces = s.split("\ufffd")
    for k, p in enumerate(pieces):
        lft = left if k == 0 else None
        rgt = right if k == len(pieces) - 1 else None
        total += m.span_cost(p, lft, rgt) if p else 0.0
    return total + T.slot_cost * (len(pieces) - 1)


def _reads_clean(m: Model, text: str, q: int) -> bool:
    """text[q] reads as clean text: punctuation, or a common character that forms a
    dictionary word with a neighbour."""
    c = text[q]
    if c in T.clean_punct:
        return True
    u = m.unigram_cost(c)
    if u < T.clean_always_cost:
        return True
    if u >= T.clean_max_cost:
        return False
    return ((q > 0 and m.bigram_strength(text[q - 1], c) >= T.clean_min_bigram)
            or (q + 1 < len(text) and m.bigram_strength(c, text[q + 1]) >= T.clean_min_bigram))


def utf8_run_repairs(m: Model, text: str, lo: int, hi: int) -> list[RunRepair]:
    """Accepted readings of the runs in text[lo:hi] (one line)."""
    out: list[RunRepair] = []
    for mt in _RUN.finditer(text, lo, hi):
        i, j = mt.span()
        # clean text next to the damage is in the same run (`…招商引资目标任务。`): trim it
        while j - i >= T.min_run and _reads_clean(m, text, j - 1):
            j -= 1
        while j - i >= T.min_run and _reads_clean(m, text, i):
            i += 1
        if j - i < T.min_run:
            continue
        # the ends of the damage need not fall on the trimmed run's ends: a few characters
        # more or less on each side, the cheapest total wins (reading + what stays as is)
        best = None
        for a in range(i, min(i + T.edge, j)):
            for b in range(j, max(j - T.edge, a + T.min_run - 1), -1):
                after = read_utf8_run(text[a:b])
                if not after or after == text[a:b]:
                    continue
                lost = after.count("\ufffd")
                n = len(after)
                if lost > T.max_lost_share * n or n == lost:
                    continue
                left = text[a - 1] if a > 0 else None
                right = text[b] if b < len(text) else None
                orig = m.span_cost(text[a:b], left, right)
                if orig / (b - a) < T.min_input_mean:
                    continue
                cand = _reading_cost(m, after, left, right)
                if cand / n > T.max_reading_mean or orig - cand < T.min_gain:
                    continue
                if best is None or orig - cand > best.gain:
                    best = RunRepair(a, b, after, orig - cand)
        if best is not None:
            out.append(best)
    if out:
        out = sorted(out + _short_runs(m, text, lo, hi, out), key=lambda r: r.start)
    return out


def _short_runs(m: Model, text: str, lo: int, hi: int, found: list[RunRepair]) -> list[RunRepair]:
    """On a line already shown to be UTF-8 read as GBK (`found`), the short runs left between
    ASCII (`30%銆�` = `30%` + 。 with its last byte lost) are the same damage: each one
    that holds a U+FFFD and reads as nothing but lost characters is replaced by them (one
    U+FFFD per lost character, marked `lost`), when the input is implausible on its own."""
    out: list[RunRepair] = []
    for mt in _RUN.finditer(text, lo, hi):
        i, j = mt.span()
        if j - i >= T.min_run or "\ufffd" not in text[i:j] or any(r.start < j and i < r.end for r in found):
            continue
        if any(_reads_clean(m, text, q) for q in range(i, j) if text[q] != "\ufffd"):
            continue
        after = read_utf8_run(text[i:j])
        if not after or after.strip("\ufffd") or len(after) >= j - i:
            continue
        left = text[i - 1] if i > 0 else None
        right = text[j] if j < len(text) else None
        orig = m.span_cost(text[i:j], left, right)
        if orig / (j - i) >= T.min_input_mean:
            out.append(RunRepair(i, j, after, orig - T.slot_cost * len(after)))
    return out
