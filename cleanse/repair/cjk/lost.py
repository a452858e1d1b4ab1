"""Lost characters: the character whose lead byte was lost (only its trail byte survives), a
lead byte whose partner was lost, `?(bào)` debris. They cannot be decoded; `resolve` restores
one only where context pins it down (kind `lost_char_guess`), otherwise its debris is removed
(reason `lost_char_debris`)."""

from __future__ import annotations

import bisect
import heapq
import math
import re
from functools import lru_cache
from itertools import repeat
from operator import add, sub

from cleanse.repair.cjk import kinds
from cleanse.repair.cjk.codes import GBK2, gbk_table
from cleanse.repair.cjk.edits import Edit, Slot
from cleanse.repair.cjk.tuning import TUNING
from cleanse.repair.model import BIGRAM_WEIGHT, PARTICLES, _ascii_letter, is_han, is_latin_diacritic, model, script_of
from cleanse.repair.pinyin import DEBRIS_RE, is_syllable

LOST_PUNCT = TUNING.lost_punct
_BACK_OFF = math.log10(1 - BIGRAM_WEIGHT)  # cost(a, c) = unigram(c) - _BACK_OFF without a bigram


def candidates(slot: Slot) -> list[str]:
    """The characters a slot may have been: GBK characters with its surviving byte(s) (plus
    common punctuation), or the characters with its reading."""
    if slot.choices is not None:
        return list(slot.choices)
    _, by_lead, by_trail = gbk_table()
    m = model()
    if slot.reading is not None:
        cands = list(m.chars_for_reading(slot.reading))
        if slot.lead is not None:
            cands = [c for c in cands if (b := GBK2[c]) is not None and b[0] == slot.lead]
        return cands
    if slot.lead is not None and slot.trail is not None:
        # a second loss: the carried byte is the lead or the trail of the lost character
        return (by_lead.get(slot.lead, []) + by_trail.get(slot.trail, [])
                + [p for p in LOST_PUNCT if slot.lead in p.encode("gbk")])
    if slot.lead is not None:
        return by_lead.get(slot.lead, []) + [p for p in LOST_PUNCT if p.encode("gbk")[0] == slot.lead]
    if slot.trail is not None:
        return by_trail.get(slot.trail, []) + [p for p in LOST_PUNCT if p.encode("gbk")[1] == slot.trail]
    return []


@lru_cache(maxsize=4096)
def marked_candidates(lead: int, after: int) -> tuple[str, ...]:
    """Characters with this lead byte whose trail byte X is one the decoder would have
    replaced by `?` before the byte `after`: X >= 0x80 and X+after is no GBK code."""
    by_code = gbk_table()[0]
    rows = _marked_rows(lead)
    if after < 0:
        return tuple(c for _, c in rows)
    return tuple(c for high, c in rows if high | after not in by_code)


@lru_cache(maxsize=None)
def _marked_rows(lead: int) -> tuple[tuple[int, str], ...]:
    """(X << 8, character) for the trail bytes X >= 0x80 of `lead` whose character may be
    restored (common Han, lost punctuation), in byte order: what `marked_candidates` filters
    by `after` (it looked every character up again for each `after`: on `中?文?…` that was
    ~25 % of cjk_mojibake's profile; oracle in tests/repair/test_cost_fast_paths.py)."""
    by_code = gbk_table()[0]
    m = model()
    out = []
    for x in range(0x80, 0xFF):
        c = by_code.get(lead << 8 | x)
        if c is not None and ((is_han(c) and m.unigram_cost(c) < TUNING.candidate_max_cost) or c in LOST_PUNCT):
            out.append((x << 8, c))
    return tuple(out)


@lru_cache(maxsize=4096)
def mark_explained(lead: int, after: int) -> bool:
    """A lost character with this lead byte before the decoder's `?` (followed by the byte
    `after`) may have been a character that is not rare: one of `marked_candidates` is
    lost punctuation or a Han character below `suspect_min_cost`. Otherwise the shift that
    reads the `?` this way explains it only by a rare character (lead A6: Greek letters;
    F5 before A3: 醌 and rarer)."""
    m = model()
    return any(c in LOST_PUNCT or m.unigram_cost(c) < TUNING.suspect_min_cost
               for c in marked_candidates(lead, after))


def prior(slot: Slot, c: str) -> float:
    """Cost adjustment of candidate c for a slot (negative = preferred)."""
    if slot.marked_before is not None and slot.lead is not None and c in marked_candidates(slot.lead, slot.marked_before):
        return -TUNING.marked_prior
    return 0.0


@lru_cache(maxsize=16384)
def _script_candidates(reading: str | None, lead: int | None, trail: int | None, traditional: bool,
                       choices: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """`candidates` of such a slot that are in the script of the text: no Simplified-only
    character in Traditional text, no character that t2s changes in Simplified text."""
    cands = candidates(Slot("", lead=lead, trail=trail, reading=reading, choices=choices))
    if traditional:
        simplified_only = _simplified_only()
        return tuple(c for c in cands if c not in simplified_only)
    t2s = model().t2s
    return tuple(c for c in cands if t2s.get(c, c) == c)


@lru_cache(maxsize=16384)
def _candidate_table(reading: str | None, lead: int | None, trail: int | None, traditional: bool,
                     choices: tuple[str, ...] | None = None) -> tuple[tuple[str, ...], list]:
    """`_script_candidates` of such a slot and, per candidate, for `_rank`: the character, its
    t2s key, its back-off cost after any left neighbour (no dictionary bigram), and whether
    it is plain (`plain_candidate`: no context rule but reduplication and ?/! after a particle
    applies to it on either side)."""
    m = model()
    cands = _script_candidates(reading, lead, trail, traditional, choices)
    return cands, [(c, m.t2s.get(c, c), m.unigram_costs[c] - _BACK_OFF, plain_candidate(c)) for c in cands]


def plain_candidate(c: str) -> bool:
    """No rule of `model.context_ceiling` applies to c on either side, except c == neighbour
    and (on its right) ASCII ?/! after a particle."""
    return not script_of(c) and c not in "?!" and not is_latin_diacritic(c) and not _ascii_letter(c)


@lru_cache(maxsize=1)
def _simplified_only() -> frozenset[str]:
    """Simplified forms that are not Traditional characters themselves (变, not 于)."""
    t2s = model().t2s
    return frozenset(v for k, v in t2s.items() if v != k and v not in t2s and len(v) == 1)


@lru_cache(maxsize=1)
def traditional_re() -> re.Pattern[str]:
    """Any character that OpenCC maps to a different Simplified one."""
    t2s = model().t2s
    return re.compile("[" + "".join(re.escape(k) for k, v in sorted(t2s.items()) if v != k) + "]")


def debris_slots(text: str, edits: list[Edit]) -> list[Edit]:
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
        out.append(Edit(mt.start(), mt.end(), kinds.LOST_CHAR, [Slot(mt.group(), reading=mt.group(1))], 0.0))
    return out


def resolve(seq: list, notes, slots: list[int] | None = None,
            traditional: bool | None = None, work: list[int] | None = None) -> dict[int, str | None]:
    """Decide every slot in `seq` (a flat list of characters and Slots): a character or None.
    `notes`: reading -> characters annotated with it (`notes.DocNotes` or a dict).

    Candidates are ranked by -log10 P(c | left) + link cost to the right neighbour. A slot is
    restored only when the best candidate is guess_margin more probable (log10) than the
    runner-up and is backed by evidence: a dictionary bigram with a neighbour, the pinyin
    note, or (for punctuation) its own frequency. The most confident slot is decided first,
    so that its neighbours can use it.

    A slot's neighbours are the nearest characters, skipping undecided (or unrestored)
    slots, so deciding a slot can only change the neighbours of slots in the same run of
    adjacent slots. Runs are therefore decided independently (the order within a run is the
    same as in one global most-confident-first loop, the oracle in
    tests/repair/test_equivalence.py), each with a heap in which only the slots whose
    neighbour changed are re-ranked: linear in the number of slots for ordinary text instead
    of quadratic. `slots` (the Slot indices) and `traditional` (whether the text is in
    Traditional script) may be passed when the caller knows them; `work`, if given, receives
    one entry per ranking computed (tests check that the work is linear).
    """
    if slots is None:
        slots = [k for k, x in enumerate(seq) if isinstance(x, Slot)]
    if traditional is None:
        # A guess must be in the script of the text around it (GBK holds both: 變 is a
        # candidate for 转's lost bytes, and the model scores it like 变).
        traditional = traditional_re().search("".join(x for x in seq if isinstance(x, str))) is not None
    traditional = bool(traditional)

    def rank(k: int, left: str | None, right: str | None) -> tuple[tuple[bool, float], str | None]:
        if work is not None:
            work.append(k)
        slot = seq[k]
        noted_chars = notes.get(slot.reading, ()) if slot.reading is not None else ()
        return _rank(slot.reading, slot.lead, slot.trail, slot.marked_before, left, right, traditional,
                     frozenset(noted_chars), slot.choices)

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
        _resolve_run(first, last, outer_left, outer_right, rank, decided)
    return decided


@lru_cache(maxsize=65536)
def _rank(reading: str | None, lead: int | None, trail: int | None, marked_before: int | None,
          left: str | None, right: str | None, traditional: bool,
          noted_chars: frozenset[str], choices: tuple[str, ...] | None = None) -> tuple[tuple[bool, float], str | None]:
    """Rank of a slot's best candidate between `left` and `right` (see `resolve`): the sort
    key (backed and clear, margin) and the character (None: not restored). Memoised: the
    same damage recurs within and across documents."""
    m = model()
    t = TUNING
    u_right = m.unigram_costs[right] if right is not None else 0.0
    marked = (marked_candidates(lead, marked_before)
              if marked_before is not None and lead is not None else ())
    pc = m.pair_costs
    cands, table = _candidate_table(reading, lead, trail, traditional, choices)
    # cost = P(c | left) [+ prior] [+ link to right] [- note]: the plain sum for every
    # candidate, then the few with a prior or a note recomputed in the order of the written
    # formula (floating point: same order, same value). A pair cost is looked up only where
    # it can differ from the back-off value (`filler.py`: a dictionary bigram, a neighbour
    # equal to the candidate, ?/! after a particle, a candidate some context rule applies
    # to); elsewhere it is that value, computed once (the same float). With new neighbours
    # at each lost character nearly every lookup was a memo miss: on 1.08 MB of damaged 2 KB
    # pages (`bench_pipeline.py --mix damaged`) `_rank` took ~35 % of cjk_mojibake's
    # profile (docs/repair.md). Oracle: tests/repair/test_cost_fast_paths.py.
    bigram = m.bigram
    if left is None:
        costs = list(map(pc.__getitem__, cands))
    else:
        tl = m.t2s.get(left, left)
        costs = [back_off if plain and c != left and tl + key not in bigram else pc[left + c]
                 for c, key, back_off, plain in table]
    if right is not None:
        tr = m.t2s.get(right, right)
        right_back_off = u_right - _BACK_OFF
        mark_after = right in "?!"
        links = [right_back_off if plain and c != right and key + tr not in bigram
                 and not (mark_after and c in PARTICLES) else pc[c + right] for c, key, _, plain in table]
        costs = list(map(add, costs, map(sub, links, repeat(u_right))))
    if marked or noted_chars:
        for x, c in enumerate(cands):
            if c in marked or c in noted_chars:
                cost = pc[c if left is None else left + c] + (-t.marked_prior if c in marked else 0.0)  # prior
                if right is not None:
                    cost += pc[c + right] - u_right
                if c in noted_chars:
                    cost -= t.noted_prior
                costs[x] = cost
    scored = heapq.nsmallest(2, zip(costs, cands))  # == sorted(...)[:2]

    margin = (scored[1][0] - scored[0][0]) if len(scored) > 1 else t.lone_margin
    if choices is not None:
        # A slot with its own few choices (big5.py, every Han character its bytes allow):
        # the model's margin over the runner-up is the evidence (measured in docs/repair.md).
        ok = bool(scored) and margin >= t.cross.guess_margin
        return (ok, margin if ok else 0.0), (scored[0][1] if ok else None)

    def backed(c: str) -> bool:
        return (c in noted_chars or c in LOST_PUNCT
                or (left is not None and m.bigram_strength(left, c) >= t.guess_min_bigram)
                or (right is not None and m.bigram_strength(c, right) >= t.guess_min_bigram))
    ok = bool(scored) and backed(scored[0][1]) and (
        len(scored) == 1 or margin >= t.guess_margin)  # len: 0, 1 or 2 (nsmallest)
    return (ok, margin if ok else 0.0), (scored[0][1] if ok else None)


def _resolve_run(first: int, last: int, outer_left: str | None, outer_right: str | None,
                 rank, decided: dict[int, str | None]) -> None:
    """Most confident first over the adjacent slots seq[first..last] (see `resolve`).
    Heap order (not ok, -margin, index) is the loop's order: highest key, then lowest index."""

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


def warm_up() -> None:
    traditional_re()
    _simplified_only()
