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
from functools import lru_cache

from cleanse.repair.cjk.tuning import TUNING
from cleanse.repair.memo import Memo
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
    dictionary word with a neighbour (tests/repair/test_line_gates.py holds this
    definition written out as the oracle of the tables)."""
    verdict, strong = _clean_tables(m)
    v = verdict[text[q]]
    if v is not None:
        return v
    return (q > 0 and strong[text[q - 1:q + 1]]) or (q + 1 < len(text) and strong[text[q:q + 2]])


@lru_cache(maxsize=4)
def _clean_tables(m: Model) -> tuple[Memo, Memo]:
    """`_reads_clean` as two memos: a character's verdict on its own (True: punctuation or
    very common; False: rare; None: a neighbour decides), and whether a pair is a dictionary
    word (log2 count >= clean_min_bigram)."""
    def verdict(c: str) -> bool | None:
        if c in T.clean_punct:
            return True
        u = m.unigram_cost(c)
        if u < T.clean_always_cost:
            return True
        if u >= T.clean_max_cost:
            return False
        return None

    def strong(pair: str) -> bool:
        return m.bigram_strength(pair[0], pair[1]) >= T.clean_min_bigram
    return Memo(verdict), Memo(strong)


def trimmed(m: Model, text: str, i: int, j: int) -> tuple[int, int]:
    """The run text[i:j] without the characters at its ends that read as clean text
    (`_reads_clean`), keeping at least min_run - 1 characters. The loops of the plain
    definition with its two tests as memo lookups: clean text walks every character of a run
    (a law's paragraph is one run), and the call per character was most of cjk_mojibake's
    time on legal and technical text. Oracle: tests/repair/test_line_gates.py (the plain
    loops). Measured (cjk_mojibake on the first 0.5 MB of a genre of
    benchmarks/repair_corpus.py, CPU s, best of 5 interleaved rounds, plain loops -> these,
    load 3): legal_hans 0.016 -> 0.011 (34 -> 51 MB/s), tech_hans 0.040 -> 0.030, reviews
    (0.3 MB) 0.065 -> 0.056, poetry_hans (0.3 MB) 0.547 -> 0.517."""
    verdict, strong = _clean_tables(m)
    k = T.min_run
    n = len(text)
    while j - i >= k:
        q = j - 1
        v = verdict[text[q]]
        if v is None:
            v = (q > 0 and strong[text[q - 1:j]]) or (j < n and strong[text[q:j + 1]])
        if not v:
            break
        j = q
    while j - i >= k:
        v = verdict[text[i]]
        if v is None:
            v = (i > 0 and strong[text[i - 1:i + 1]]) or (i + 1 < n and strong[text[i:i + 2]])
        if not v:
            break
        i += 1
    return i, j


# Slack of `too_lost`: T.edge - 1 characters off one end are at most 2 * (T.edge - 1) bytes
# (every non-ASCII GBK character is two bytes).
_EDGE_BYTES = 2 * (T.edge - 1)


def too_lost(run: str) -> bool:
    """True when no span text[a:b] that `utf8_run_repairs` tries for this trimmed run (a at
    most T.edge - 1 characters after its start, b as many before its end) can keep its lost
    share within max_lost_share: the gate that lets clean text (whose GBK bytes read as UTF-8
    are mostly U+FFFD) skip the (T.edge)^2 readings with one.

    Proof sketch: UTF-8 with errors="replace" decodes bytes as segments (a character, or one
    U+FFFD per maximal invalid subpart), and every byte of a segment after its first is a
    continuation byte. Dropping k <= _EDGE_BYTES leading bytes removes the segments starting
    there (at most k) and leaves at most 3 continuation bytes, one U+FFFD each, before the
    next segment, from which the decoding is the same; cutting k bytes at the end removes
    the segments from there (at most k) and the straddling one, which becomes at most one
    U+FFFD. So a span's reading has at least lost - (2 * _EDGE_BYTES + 1) U+FFFD and at most
    n + 4 characters, where lost / n are the run's. Oracle (the readings themselves):
    tests/repair/test_cost_gates.py. Measured (with `ends_too_lost`; UTF-8 readings made by
    `utf8_run_repairs` on the first 0.3 MB of each genre of benchmarks/repair_corpus.py):
    poetry_hans 45,053 -> 19,923, classical_prose_hant 10,305 -> 2,012, reviews 13,069 -> 4,668."""
    return _beyond_share(read_utf8_run(run), 2 * _EDGE_BYTES + 1, 4)


def ends_too_lost(reading: str | None) -> bool:
    """`too_lost` for the spans text[a:b] of one start a, from the reading of text[a:j] (j the
    trimmed run's end): cutting at most _EDGE_BYTES bytes at the end only (see above)."""
    return _beyond_share(reading, _EDGE_BYTES + 1, 1)


def _beyond_share(reading: str | None, lost_slack: int, n_slack: int) -> bool:
    if reading is None:
        return False  # a character GBK cannot encode: the spans without it may still read
    return reading.count("\ufffd") - lost_slack > T.max_lost_share * (len(reading) + n_slack)


def utf8_run_repairs(m: Model, text: str, lo: int, hi: int) -> list[RunRepair]:
    """Accepted readings of the runs in text[lo:hi] (one line)."""
    out: list[RunRepair] = []
    for mt in _RUN.finditer(text, lo, hi):
        i, j = mt.span()
        if j - i < T.min_run:
            continue  # (trimming keeps it as it is)
        # clean text next to the damage is in the same run (`…招商引资目标任务。`): trim it
        i, j = trimmed(m, text, i, j)
        if j - i < T.min_run:
            continue
        if too_lost(text[i:j]):
            continue  # no span within T.edge of these ends can pass the lost-share test
        # the ends of the damage need not fall on the trimmed run's ends: a few characters
        # more or less on each side, the cheapest total wins (reading + what stays as is)
        best = None
        for a in range(i, min(i + T.edge, j)):
            for b in range(j, max(j - T.edge, a + T.min_run - 1), -1):
                after = read_utf8_run(text[a:b])
                if b == j and ends_too_lost(after):
                    break  # no end b of this start keeps the lost share
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
