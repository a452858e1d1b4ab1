"""Gates of cjk_mojibake that prove a cluster (or a run) has no acceptable candidate of one
damage family before the per-start searches (docs/repair.md, "Cost proportional to damage"),
each against the plain path: the same candidates, and the same repairs of whole texts on the
clean regression sample and on damaged text (synthetic damage of the seeds, and the
corpus sample damaged the usual ways, as benchmarks/eval_repair_damage.py does)."""

import contextlib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.repair.cjk import lossy, reencode
from cleanse.repair.cjk.repair import repair_mojibake
from cleanse.repair.model import model
from tests.repair_damage import PIPELINE_DAMAGE, damaged_paragraph, sample_paragraphs, synthetic_cases
from tests.repair.test_corpus import GENRES
from tests.repair.test_equivalence import _damaged_pieces

GATES = ((reencode, "ALIGNED_GATE"),)


@contextlib.contextmanager
def plain_paths():
    """Every gate of GATES off (the plain searches)."""
    saved = [getattr(mod, name) for mod, name in GATES]
    try:
        for mod, name in GATES:
            setattr(mod, name, False)
        yield
    finally:
        for (mod, name), v in zip(GATES, saved):
            setattr(mod, name, v)


def _outcome(text: str):
    e = repair_mojibake(text)
    return e.text, e.repairs, e.removed


def _plain_outcome(text: str):
    with plain_paths():
        return _outcome(text)


_PIECES = st.sampled_from([
    "芃芃黍苗，陰雨膏之。", "零露瀼瀼", "甡甡其鹿", "子曰學而時習之", "可以爲有道之士乎哉？", "硁硁乎", "我如今挣?，",
    "床前明月光，疑是地上霜。", "锦瑟无端五十弦", "中華民國的歷史", "い地チ瓣", "鎴戜滑浠婂ぉ", "ÎÒÃÇ½ñÌì", "瓣ゅ",
    "，", "。", "?", "\ufffd", "a", " ", "\n"] + _damaged_pieces())


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=10).map("".join), st.data())
def test_aligned_gate_keeps_the_candidates(text, data):
    """The Big5/GBK re-reading gate drops only clusters whose candidates the exact cost
    filter drops: the candidate lists with and without it are equal."""
    m = model()
    cs = data.draw(st.integers(0, len(text) - 1))
    ce = data.draw(st.integers(cs + 1, min(len(text), cs + 5)))
    gated = list(reencode.reencode_candidates(text, cs, ce, 0, len(text), m))
    with plain_paths():
        plain = list(reencode.reencode_candidates(text, cs, ce, 0, len(text), m))
    assert gated == plain


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=10).map("".join))
def test_gates_keep_the_repairs_of_mixed_text(text):
    assert _outcome(text) == _plain_outcome(text)


@pytest.mark.parametrize("genre", sorted(GENRES))
def test_gates_keep_the_outcome_on_the_clean_sample(genre):
    for d in GENRES[genre]:
        assert _outcome(d["text"]) == _plain_outcome(d["text"]), d.get("id")


def test_gates_keep_the_outcome_on_damaged_text():
    cases = [c.damaged for seed in (3, 7) for c in synthetic_cases(seed)]
    rng = random.Random(11)
    paras = sample_paragraphs(sorted(GENRES), 12, rng)
    for kind in PIPELINE_DAMAGE:
        for ps in paras.values():
            for p in ps:
                bad = damaged_paragraph(kind, p, rng)
                if bad is not None:
                    cases.append(bad)
    assert len(cases) > 1000
    changed = 0
    for text in cases:
        got = _outcome(text)
        assert got == _plain_outcome(text), text
        changed += got[0] != text
    assert changed > 500  # the damage is repaired, through the gates


def _plain_reads_clean(m, text: str, q: int) -> bool:
    """`lossy._reads_clean` as first written (the oracle of its memo tables)."""
    t = lossy.T
    c = text[q]
    if c in t.clean_punct:
        return True
    u = m.unigram_cost(c)
    if u < t.clean_always_cost:
        return True
    if u >= t.clean_max_cost:
        return False
    return ((q > 0 and m.bigram_strength(text[q - 1], c) >= t.clean_min_bigram)
            or (q + 1 < len(text) and m.bigram_strength(c, text[q + 1]) >= t.clean_min_bigram))


def _plain_trimmed(m, text: str, i: int, j: int) -> tuple[int, int]:
    while j - i >= lossy.T.min_run and _plain_reads_clean(m, text, j - 1):
        j -= 1
    while j - i >= lossy.T.min_run and _plain_reads_clean(m, text, i):
        i += 1
    return i, j


def _check_runs(text: str) -> None:
    m = model()
    for q in range(len(text)):
        assert lossy._reads_clean(m, text, q) == _plain_reads_clean(m, text, q), (text, q)
    for mt in lossy._RUN.finditer(text):
        assert lossy.trimmed(m, text, *mt.span()) == _plain_trimmed(m, text, *mt.span()), text


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=10).map("".join))
def test_trimming_is_the_plain_loop(text):
    _check_runs(text)


def test_trimming_is_the_plain_loop_on_the_sample():
    for ds in GENRES.values():
        for d in ds[:40]:
            _check_runs(d["text"])
