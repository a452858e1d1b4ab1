"""cjk_mojibake: each damage class, made synthetically from clean text, is reversed."""

import re

import pytest
from tests.repair_damage import gbk_lost_lead, reencode

from cleanse.document import Document
from cleanse.repair import CjkMojibakeStage, repair_mojibake

SENTENCES = [
    "国务院新闻办公室今天举行新闻发布会，介绍经济运行情况。",
    "研究人员在实验室里发现了一种新的材料，可以用于制造电池。",
    "這所大學的圖書館收藏了大量珍貴的歷史文獻和地方誌。",
    "市政府決定加強對中小企業的扶持力度，推動產業結構轉型升級。",
    "今年春节期间，全国铁路共发送旅客四千多万人次。",
]


def _middle(s: str) -> tuple[int, int]:
    m = max(re.finditer(r"[\u4e00-\u9fff]{6,}", s), key=lambda m: len(m.group()))
    return m.start() + 1, m.end() - 1


@pytest.mark.parametrize("right, wrong", [
    ("utf-8", "gbk"), ("gbk", "latin-1"), ("gbk", "cp1252"), ("gbk", "big5"), ("big5", "gbk")])
@pytest.mark.parametrize("sentence", SENTENCES)
def test_reencode_classes(sentence, right, wrong):
    a, b = _middle(sentence)
    try:
        damaged_mid = reencode(sentence[a:b], right, wrong)
    except (UnicodeEncodeError, UnicodeDecodeError):
        pytest.skip("this span cannot suffer this damage")
    damaged = sentence[:a] + damaged_mid + sentence[b:]
    edit = repair_mojibake(damaged)
    assert edit.text == sentence
    # Provenance: the repaired spans are exactly the damaged text (long spans may be two edits).
    assert "".join(r[1] for r in edit.repairs) == damaged_mid
    assert all(r[0].startswith(right.replace("-", "") + "_as_") for r in edit.repairs)


def test_issue_examples():
    assert repair_mojibake("他说鍘熸湁鐨勯噸绠＄悊很好").text == "他说原有的重管理很好"
    assert repair_mojibake("ÖÐÎÄ网站").text == "中文网站"


def test_gbk_lost_lead_traditional():
    # Traditional text: GBK extension characters have ASCII-range trail bytes that realign.
    s = "上海科技人才合作交流大會暨百家企業(yè)進活動"
    damaged = gbk_lost_lead(s, 1)  # 海 loses its lead byte
    assert damaged.startswith("上?萍既瞬藕献鹘")
    out = repair_mojibake(damaged).text
    assert "科技人才合作交流大會暨百家企業" in out
    assert "?" not in out


def test_lost_character_named_by_note():
    edit = repair_mojibake("朝陽日?bào) 本報(bào)訊")
    assert edit.text.startswith("朝陽日報 ")
    assert ("lost_char_guess", "?bào)", "報", 3) in edit.repairs


def test_unpinned_debris_removed_and_recorded():
    doc = Document(text="轉變?cè)械闹毓芾?、輕服務(wù)", id="x", source="s", source_sha256="0")
    CjkMojibakeStage().process(doc)
    assert doc.text.startswith("轉變的重管理、輕服務")
    assert any(r.reason == "lost_char_debris" and r.text == "?cè)" for r in doc.removed)
    assert all(r.stage == "cjk_mojibake" for r in doc.repairs + doc.removed)


def test_round_trip_lookalike_not_repaired():
    # Real text that happens to round-trip through GBK/UTF-8 stays as it is.
    for text in ["为什么", "你知道为什么吗", "浣犲ソ是乱码吗"[4:]]:
        assert repair_mojibake(text).text == text


def test_idempotent_on_seeds():
    from tests.conftest import seed_bytes

    for prefix in ("003", "004"):
        once = repair_mojibake(seed_bytes(prefix).decode("utf-8")).text
        assert repair_mojibake(once).text == once


def test_every_threshold_is_in_the_stage_identity():
    """Every field of the tuning data (the lossy, cross-reading and Japanese ones too) is in config(), with its value."""
    from dataclasses import fields, is_dataclass

    from cleanse.repair.cjk.tuning import TUNING

    config = CjkMojibakeStage().config()
    for f in fields(TUNING):
        value = getattr(TUNING, f.name)
        if is_dataclass(value):
            assert config[f.name] == {g.name: getattr(value, g.name) for g in fields(value)}
        else:
            assert config[f.name] == value, f.name
    assert [r["kind"] for r in config["reencodings"]] == ["utf8_as_gbk", "big5_as_gbk", "gbk_as_big5",
                                                           "gbk_as_latin1", "gbk_as_cp1252", "big5_as_latin1"]
