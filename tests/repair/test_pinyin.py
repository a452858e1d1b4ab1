"""pinyin_ruby: ruby residue removed, real parentheses kept, idempotent (issue 5 item 1)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.document import Document
from cleanse.repair import PinyinRubyStage, strip_ruby


@pytest.mark.parametrize("before, after", [
    ("領(lǐng)導(dǎo)", "領導"),
    ("全國知識產(chǎn)權(quán)", "全國知識產權"),
    ("日?qǐng)?bào) 本報(bào)訊", "日 本報訊"),  # lost characters' debris (when not restored earlier)
    ("努力,F(xiàn)總結", "努力,F總結"),
    ("我市g(shù)dp", "我市gdp"),
    ("領（lǐng）導", "領導"),
])
def test_removes_notes(before, after):
    assert strip_ruby(before).text == after


@pytest.mark.parametrize("text", [
    "北京(Beijing)", "(一)", "(記者 馬雋)", "（TRIZ理论）", "(*-2020年)", "函数f(x)", "中国(China)",
    "他(ta)说", "北京(Běijīng)", "单位(mm)",
])
def test_keeps_real_parentheses(text):
    assert strip_ruby(text).text == text


def test_removals_recorded_by_stage():
    doc = Document(text="領(lǐng)導(dǎo)", id="x", source="s", source_sha256="0")
    PinyinRubyStage().process(doc)
    assert doc.text == "領導"
    assert [(r.stage, r.reason, r.text) for r in doc.removed] == [
        ("pinyin_ruby", "pinyin_ruby", "(lǐng)"), ("pinyin_ruby", "pinyin_ruby", "(dǎo)")]


_piece = st.sampled_from(["領", "導", "(lǐng)", "(dǎo)", "?", "(", ")", "lǐng)", "中", "a", "(一)", "（", "）", " "])


@settings(max_examples=300, deadline=None)
@given(st.lists(_piece, max_size=20).map("".join))
def test_idempotent(text):
    once = strip_ruby(text).text
    assert strip_ruby(once).text == once


def test_seed_004_idempotent():
    from tests.conftest import seed_bytes

    once = strip_ruby(seed_bytes("004").decode("utf-8")).text
    assert strip_ruby(once).text == once
    assert "(" not in once.replace("(記者 馬雋)", "")
