"""Exact fast paths of the repair stages' inner loops (issue 11, item 5; figures in
docs/repair.md, "Cost proportional to damage"), each against the plain definition it replaces."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.repair.cjk import big5, lost
from cleanse.repair.cjk.big5 import CROSS_READINGS, HOLE, is_han, pairs
from cleanse.repair.model import LEGAL_SYMBOLS, PARTICLES, PUNCT_COST, ROW1_SYMBOLS, model
from tests.repair.test_cost_gates import _SLOTS, _neighbours

_table_memo = lost._candidate_table


def _chars() -> list[str]:
    """Characters that meet every branch of `Model._cost` and `context_ceiling`: known and
    unknown Han (both scripts, astral), particles, punctuation and symbols of every cost
    class, kana, Hangul, Cyrillic, Greek, fullwidth forms, Latin with and without diacritics,
    digits, ?, !, U+FFFD."""
    m = model()
    known = sorted(m.count)
    trad = sorted(m.t2s)
    return sorted(set(known[::97] + trad[::211] + list(PARTICLES) + list(PUNCT_COST) + list(LEGAL_SYMBOLS[::5])
                      + list(ROW1_SYMBOLS[::4]) + list("的一是不了人我在有他这中大来上国们乎哉芃瀼硁甡")
                      + list("ぷアㄔ갑ᄀㄱжЖΩαＡｚ０９！～éǎÀɏḀỹaZ1 \u3000?!\ufffd") + ["\U00020000", "\U0002a6d6", "\u4dbf", "\u9fa5"]))


def test_pair_cost_is_the_definition():
    """`_pair_cost` (the memo's miss path) gives the very float of `_cost` for every pair of
    a broad sample, reduplications and dictionary bigrams in both scripts."""
    m = model()
    chars = _chars()
    s2t = {s: t for t, s in m.t2s.items()}
    bigrams = list(m.bigram)[::37]
    keys = ([a + b for a, b in itertools.product(chars, chars)] + bigrams
            + ["".join(s2t.get(c, c) for c in k) for k in bigrams])
    for key in keys:
        assert m._pair_cost(key) == m._cost(key[0], key[1]), key
    for c in chars:
        assert m._pair_cost(c) == m._cost(None, c), c


def hole_ok(wrong: str, x: int, nxt: int) -> bool:
    """Byte x can be one the `wrong` decoder replaced by U+FFFD before the byte nxt
    (HOLE: unknown, -2: end of text): x >= 0x80 (else it decodes as ASCII) and x nxt is no
    character of that codec."""
    return x >= 0x80 and (nxt < 0 or (x << 8 | nxt) not in pairs(wrong))


def _choices_plain(wrong: str, right: str, lead: int, trail: int, after: int) -> tuple[str, ...]:
    """The definition: every double-byte code of `right`, filtered."""
    punct = frozenset(big5.T.lost_punct)

    def fits(code: int) -> bool:
        lb, tb = divmod(code, 256)
        return ((lb == lead if lead != HOLE else hole_ok(wrong, lb, tb))
                and (tb == trail if trail != HOLE else hole_ok(wrong, tb, after)))
    return tuple(c for code, c in pairs(right).items() if fits(code) and (c in punct or is_han(c)))


def test_choices_by_byte_index_are_the_plain_scan():
    """`choices` visits only the codes of its known byte: same characters, same order."""
    cases = [(lead, HOLE, after) for lead in range(0x80, 0x100, 9) for after in (HOLE, -2, 0x41, 0xA1)]
    cases += [(HOLE, trail, -2) for trail in range(0x40, 0x100, 11)]
    cases += [(HOLE, HOLE, HOLE), (HOLE, HOLE, -2), (HOLE, HOLE, 0x40)]
    for r in CROSS_READINGS:
        for lead, trail, after in cases:
            got = big5.choices.__wrapped__(r.wrong, r.right, lead, trail, after)
            assert got == _choices_plain(r.wrong, r.right, lead, trail, after), (r, lead, trail, after)


_NEIGHBOURS = st.one_of(st.none(), _neighbours())


@settings(max_examples=500, deadline=None)
@given(_SLOTS, _NEIGHBOURS, _NEIGHBOURS, st.booleans(), st.sets(st.sampled_from("的是中國国我乎哉")))
def test_rank_looks_up_only_pairs_that_differ_from_back_off(slot, left, right, traditional, noted):
    """`_rank` with the back-off shortcut gives what it gives when every pair is looked up."""
    lead, trail, reading, marked_before = slot
    args = (reading, lead, trail, marked_before, left, right, traditional, frozenset(noted))
    assert lost._rank.__wrapped__(*args) == _rank_all_looked_up(args)


def _rank_all_looked_up(args: tuple):
    """`_rank` with every pair cost looked up (no candidate taken for plain): the definition."""
    def every_pair(*a):
        cands, rows = _table_memo(*a)
        return cands, [(c, key, back_off, False) for c, key, back_off, _ in rows]
    try:
        lost._candidate_table = every_pair
        return lost._rank.__wrapped__(*args)
    finally:
        lost._candidate_table = _table_memo


def test_rank_with_big5_choices_is_the_plain_lookup():
    for r in CROSS_READINGS:
        for lead in (0xA4, 0xB0, 0xC8):
            cands = big5.choices(r.wrong, r.right, lead, HOLE, -2)
            for left, right in (("中", "國"), ("的", None), (None, "，"), ("?", "乎"), ("乎", "?")):
                args = (None, None, None, None, left, right, True, frozenset(), cands)
                assert lost._rank.__wrapped__(*args) == _rank_all_looked_up(args)


# Clean text of the genres whose kept clusters make most re-encoding candidates (Big5 and GBK
# re-readings of plain Han text), with some damage glued in.
_CLEAN_PIECES = st.sampled_from([
    "芃芃黍苗，陰雨膏之。", "零露瀼瀼", "甡甡其鹿", "子曰學而時習之", "可以爲有道之士乎哉？", "硁硁乎",
    "床前明月光，疑是地上霜。", "锦瑟无端五十弦", "中華民國的歷史", "い地チ瓣", "鎴戜滑浠婂ぉ", "ÎÒÃÇ½ñÌì", "，", "。", "?"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_CLEAN_PIECES, min_size=1, max_size=8).map("".join), st.data())
def test_reencode_exact_cost_filter_drops_only_rejected_candidates(text, data):
    """The exact-cost filter after the min_cost bound: what it drops `judge` rejects, and
    what is left comes in the plain order."""
    from cleanse.repair.cjk.judge import WriterMarks, judge
    from cleanse.repair.cjk.reencode import reencode_candidates

    m = model()
    cs = data.draw(st.integers(0, len(text) - 1))
    ce = data.draw(st.integers(cs + 1, min(len(text), cs + 4)))
    plain = list(reencode_candidates(text, cs, ce, 0, len(text)))
    fast = list(reencode_candidates(text, cs, ce, 0, len(text), m))
    assert fast == [c for c in plain if c in fast]
    marks = WriterMarks(text)
    assert [c for c in plain if judge(m, text, c[0], c[1], c[3], marks=marks) is not None] == [
        c for c in fast if judge(m, text, c[0], c[1], c[3], marks=marks) is not None]


def test_marked_candidates_are_the_plain_loop():
    """Every lead byte, with `after` unknown, at the end, and each byte that follows."""
    from cleanse.repair.cjk.codes import gbk_table
    from cleanse.repair.cjk.lost import LOST_PUNCT, TUNING, marked_candidates

    by_code = gbk_table()[0]
    m = model()

    def plain(lead: int, after: int) -> tuple[str, ...]:
        trails = [x for x in range(0x80, 0xFF) if lead << 8 | x in by_code
                  and not (after >= 0 and (x << 8 | after) in by_code)]
        cands = [by_code[lead << 8 | x] for x in trails]
        return tuple(c for c in cands if (is_han(c) and m.unigram_cost(c) < TUNING.candidate_max_cost)
                     or c in LOST_PUNCT)
    for lead in range(0x81, 0xFF, 3):
        for after in (-1, -2, 0x20, 0x3F, 0x40, 0x80, 0xA1, 0xFE):
            assert marked_candidates.__wrapped__(lead, after) == plain(lead, after), (lead, after)
