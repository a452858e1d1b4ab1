"""Idempotence on arbitrary strings (issue 14 item 8): every text stage of the default pipeline,
applied to its own output, changes nothing — over mutated bytes decoded every which way,
lone surrogates, BOMs anywhere, control and invisible characters, not only Chinese prose.

`cjk_mojibake` repeats its pass until the text stops changing (`TUNING.max_passes`): a cluster
gets one edit per pass, and a repair can make its neighbour readable (`éé朝陽日?qǐng)?bào)`: the
first pass restores 報, the second reads `éé` again). Known exception: the composition
`clean_text`, where a later stage (normalize_zh removing control characters and tabs, `( )`
becoming `（）`, line ends becoming `\\n`) makes input that an earlier stage (pinyin_ruby,
ftfy_zh, cjk_mojibake) changes on a second pass (docs/repair.md, "Idempotence").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanse.defaults import text_stages
from cleanse.document import Document
from cleanse.stage import TextStage

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
SEED_TEXT = [p.read_text("utf-8")[:400] for p in SEEDS]
ODD = "\ufeff\u00a0\x00\x07\x1b\x7f\x85\u2028\u200b\u200d\ufffd\r\n\t \ud800\udfff\U0001f600&amp;<p>é\u00c3\u00a9ÃƒÂ©“”，。！"


@st.composite
def arbitrary_text(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["bytes", "mutated", "odd", "any"]))
    if kind == "bytes":
        raw = draw(st.binary(max_size=120))
        codec = draw(st.sampled_from(["utf-8", "gbk", "big5", "latin-1", "cp1252", "utf-16-le"]))
        errors = draw(st.sampled_from(["replace", "surrogateescape", "ignore"]))
        if codec == "utf-16-le" and errors == "surrogateescape":
            errors = "replace"  # surrogateescape cannot take a lone UTF-16 surrogate or last byte
        return raw.decode(codec, errors)
    if kind == "mutated":
        text = draw(st.sampled_from(SEED_TEXT))
        for _ in range(draw(st.integers(1, 6))):
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.text(alphabet=ODD, min_size=1, max_size=4)) + text[at + draw(st.integers(0, 3)):]
        return text
    if kind == "odd":
        return draw(st.text(alphabet=ODD, max_size=60))
    return draw(st.text(max_size=60))


def _once(stage: TextStage, text: str) -> str:
    doc = Document(text=text, id="", source="<t>", source_sha256="")
    stage.process(doc)
    return doc.text


STAGES = {s.name: s for s in text_stages()}
CHECKED = list(STAGES)


@pytest.mark.parametrize("name", CHECKED)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=arbitrary_text())
def test_stage_is_idempotent_on_arbitrary_text(name: str, text: str) -> None:
    stage = STAGES[name]
    once = _once(stage, text)
    assert _once(stage, once) == once


@pytest.mark.parametrize("text", [
    # a repair makes its neighbour readable: one pass restored 報 and left `éé`, a second
    # re-read `éé` (found by the property above while cjk_mojibake made one pass)
    "éé朝陽日?qǐng)?bào) 本報(bào)訊",
])
def test_cjk_mojibake_second_pass_changes_nothing(text: str) -> None:
    stage = STAGES["cjk_mojibake"]
    once = _once(stage, text)
    assert _once(stage, once) == once
