"""The best filler of a lost character between two neighbours (`best_filler`), computed at the
price of its few exceptional candidates.

A lost character's candidates (`lost.candidates`: up to ~190 GBK characters with its surviving
byte) are costed between the characters on its left and right. The plain definition
(`judge._best_filler_plain` in tests/repair/test_cost_gates.py) looks up both pair costs of
every candidate; on damaged text with new neighbours at each hole nearly all of them are memo
misses (`Model._cost`, some µs each). But for most candidates both costs are the back-off
value: `cost(prev, c)` is `unigram(c) - log10(1 - BIGRAM_WEIGHT)` unless prev+c is a dictionary
bigram or c == prev, and `cost(c, nxt)` is `unigram(nxt) - log10(1 - BIGRAM_WEIGHT)` (the same
for every c) unless c+nxt is a bigram, c == nxt, or nxt is ASCII ?/! after a particle
(`model.context_ceiling`: a "plain" candidate, Han or CJK punctuation, meets no other rule).
So only those exceptions are looked up; the rest use values computed once per slot, summed in
the same order (the same floats). Oracle: tests/repair/test_cost_gates.py.

Measured (one line of Han characters with ASCII `?` holes, `bench_repair_scaling.py
--adversarial`, CPU seconds of cjk_mojibake, old -> new in the same minute): 5 % holes 10^4
characters 0.83 -> 0.60, 10^5 7.85 -> 6.46; alternating `中?文?…` 10^4 2.42 -> 1.54, 10^5
22.3 -> 11.3.
"""

from __future__ import annotations

import math
from functools import lru_cache

from cleanse.repair.cjk.edits import Slot
from cleanse.repair.cjk.lost import candidates, marked_candidates, plain_candidate
from cleanse.repair.cjk.tuning import TUNING
from cleanse.repair.model import BIGRAM_WEIGHT, PARTICLES, model


@lru_cache(maxsize=4096)
def _candidate_rows(lead: int | None, trail: int | None, reading: str | None) -> list[tuple[str, str, float, bool]]:
    """Per candidate of a slot with these bytes and reading: the character, its t2s key, its
    back-off cost after any left neighbour, whether it is plain. None of it depends on the
    decoder's mark after the slot (`marked_before`), which varies from hole to hole: built
    once per byte pair, not once per mark (on `中?文?…` most `_slot_table` entries were new,
    each ~190 calls of `prior` and `plain_candidate`)."""
    m = model()
    back_off = math.log10(1 - BIGRAM_WEIGHT)
    slot = Slot("", lead=lead, trail=trail, reading=reading)
    return [(c, m.t2s.get(c, c), m.unigram_costs[c] - back_off, plain_candidate(c)) for c in candidates(slot)]


@lru_cache(maxsize=4096)
def _slot_table(lead: int | None, trail: int | None, reading: str | None, marked_before: int | None):
    """Per candidate of such a slot: the character, its t2s key, its prior (`lost.prior`), its
    back-off cost after any left neighbour, whether it is plain."""
    rows = _candidate_rows(lead, trail, reading)
    if marked_before is None or lead is None:
        return [(c, key, 0.0, back_off, plain) for c, key, back_off, plain in rows]
    marked = marked_candidates(lead, marked_before)
    preferred = -TUNING.marked_prior
    return [(c, key, preferred if c in marked else 0.0, back_off, plain) for c, key, back_off, plain in rows]


def best_filler(lead: int | None, trail: int | None, reading: str | None, marked_before: int | None,
                prev: str, nxt: str) -> tuple[float, str] | None:
    """The candidate of a slot that fits between prev and nxt better than a bare lost character,
    with its cost; the first of the cheapest in candidate order (as the plain loop)."""
    m = model()
    pc, bigram, t2s = m.pair_costs, m.bigram, m.t2s
    fill = TUNING.fill_penalty
    base = TUNING.slot_cost + m.cost(prev, nxt)
    tp, tn = t2s.get(prev, prev), t2s.get(nxt, nxt)
    right_back_off = m.unigram_costs[nxt] - math.log10(1 - BIGRAM_WEIGHT)
    mark_after = nxt in "?!"
    best = None
    for c, key, pr, left_back_off, plain in _slot_table(lead, trail, reading, marked_before):
        if plain and c != prev and tp + key not in bigram:
            left = left_back_off
        else:
            left = pc[prev + c]
        if plain and c != nxt and key + tn not in bigram and not (mark_after and c in PARTICLES):
            right = right_back_off
        else:
            right = pc[c + nxt]
        f = left + fill + right + pr
        if f < base and (best is None or f < best[0]):
            best = (f, c)
    return best
