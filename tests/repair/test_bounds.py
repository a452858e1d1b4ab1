"""cjk_mojibake's speed shortcuts (docs/repair.md, "Speed work, round 2") against the plain
definitions they replace: the lower bound that rejects re-encoding candidates before judging
them, the odd-phase arrays of the GBK shift sweep, the one-pass letter suspects, and the
document notes looked up per reading."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st
import re

from tests.repair.test_equivalence import _damaged_pieces, _scan_pieces, suspects_with_noted_letters

from cleanse.repair.cjk.codes import GBK2, gbk_table
from cleanse.repair.cjk.judge import WriterMarks, judge
from cleanse.repair.cjk.notes import DocNotes
from cleanse.repair.cjk.reencode import reencode_candidates
from cleanse.repair.cjk.shift import OddPhase
from cleanse.repair.cjk.suspects import LETTER_AFTER_HAN, all_suspects
from cleanse.repair.model import model
from cleanse.repair.pinyin import _SYLLABLE


def test_min_cost_is_a_lower_bound():
    """cost(a, c) >= min_cost(c) for every left context: bigram pairs of the dictionary (the
    cases that lower the cost), random pairs, and no context."""
    m = model()
    rng = random.Random(5)
    pairs = rng.sample(sorted(m.bigram), 3000)
    chars = sorted(m.count)[:4000] + list("，。?!\ufffdaZ1 ㄔ髽")
    pairs += [(rng.choice(chars), rng.choice(chars)) for _ in range(3000)]
    for a, c in pairs:
        assert m.cost(a, c) >= m.min_cost(c), (a, c)
    for c in chars:
        assert m.cost(None, c) >= m.min_cost(c)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_damaged_pieces()), min_size=1, max_size=12).map("".join), st.data())
def test_reencode_bound_rejects_only_failing_candidates(text, data):
    """With the model, the candidates are the plain ones minus some that `judge` rejects,
    in the same order."""
    cs = data.draw(st.integers(0, len(text) - 1))
    ce = data.draw(st.integers(cs + 1, len(text)))
    m = model()
    plain = list(reencode_candidates(text, cs, ce, 0, len(text)))
    bounded = list(reencode_candidates(text, cs, ce, 0, len(text), m))
    kept = iter(plain)
    assert all(any(x == y for y in kept) for x in bounded)  # a subsequence
    for i, j, kind, pieces in plain:
        if judge(m, text, i, j, pieces, marks=WriterMarks(text)) is not None:
            assert (i, j, kind, pieces) in bounded


def odd_phase_reference(text: str, lo: int, hi: int):
    """The odd-phase arrays written as plain loops (the previous implementation)."""
    m = model()
    by_code = gbk_table()[0]
    t = text[lo:hi]
    n = len(t)
    D = [None] * n
    for p, c in enumerate(t):
        if c >= "\x80":
            D[p] = GBK2[c]
        elif "!" <= c <= "~" and p + 1 < n and t[p + 1] >= "\x80":
            D[p] = bytes((0xA3, ord(c) + 0x80))
    s = [None] * (n + 1)
    for q in range(1, n):
        a, b = D[q - 1], D[q]
        if a is not None and b is not None:
            s[q] = by_code.get(a[1] << 8 | b[0])
    P0, PS = [0.0] * (n + 1), [0.0] * (n + 2)
    prev, acc, acc_s = None, 0.0, 0.0
    for q, c in enumerate(t):
        acc += m.cost(prev, c)
        prev = c
        P0[q + 1] = acc
        sq, sp = s[q], s[q - 1] if q > 0 else None
        if sq is not None and sp is not None:
            acc_s += m.cost(sp, sq)
        PS[q + 1] = acc_s
    PS[n + 1] = acc_s
    return D, s, P0, PS


_shift_pieces = st.sampled_from(["上?萍既瞬藕献鹘涣鞔髸甙偌移髽I", "發宫F代", "沂芯?济", "中文", "報告", ",F", "a", "1", " ",
                                 "?", "\ufffd", "。", "é", "ㄔO", "(xiàn)"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_shift_pieces, max_size=10).map("".join), st.data())
def test_odd_phase_arrays_match_reference(text, data):
    lo = data.draw(st.integers(0, len(text)))
    hi = data.draw(st.integers(lo, len(text)))
    ph = OddPhase(model(), text, lo, hi)
    assert (ph.D, ph.s, ph.P0, ph.PS) == odd_phase_reference(text, lo, hi)  # exact floats


@settings(max_examples=600, deadline=None)
@given(st.lists(_scan_pieces, max_size=25).map("".join))
def test_all_suspects_is_both_scans(text):
    """One pass for both kinds of letter suspects = the scan with noted letters and the lone
    letters after a Han character."""
    lone = re.compile(rf"[@-~]{LETTER_AFTER_HAN}")
    reference = sorted(set(suspects_with_noted_letters(text)) | {(mt.start(), mt.start() + 1)
                                                                  for mt in lone.finditer(text)})
    assert all_suspects(text) == reference


_note_pieces = st.sampled_from(["報(bào)", "报(bào)", "日?(bào)", "(bào)", "a(bào)", "領(lǐng)", "领（lǐng）", "導(dǎo)", "(x)",
                                "中(abcdefg)", "（", ")", "文"])


def doc_notes_reference(text: str) -> dict[str, set[str]]:
    """Reading -> characters annotated with it, by one regex pass over the whole text."""
    han_note = re.compile(rf"[(（](?<=([\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ebef])[(（])({_SYLLABLE})[)）]")
    notes: dict[str, set[str]] = {}
    for c, reading in set(han_note.findall(text)):
        notes.setdefault(reading, set()).add(c)
    return notes


@settings(max_examples=300, deadline=None)
@given(st.lists(_note_pieces, max_size=15).map("".join))
def test_doc_notes_per_reading(text):
    whole = doc_notes_reference(text)
    lazy = DocNotes(text)
    for reading in set(whole) | {"bào", "lǐng", "dǎo", "x", "abcdefg", "bao", "a(b"}:
        assert set(lazy.get(reading, ())) == set(whole.get(reading, ())), reading
