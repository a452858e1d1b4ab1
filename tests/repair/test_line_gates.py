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

from cleanse.repair.cjk import reencode
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
