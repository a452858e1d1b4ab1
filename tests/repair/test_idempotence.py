"""clean_text(clean_text(x)) == clean_text(x) on damaged real text (issue 11): paragraphs of
the clean sample (tests/data/clean_corpus) damaged the lossy ways, set between two clean
lines. The second pass used to repair again around the U+FFFD that the first one left as
`lost` marks (57-60 of 80 UTF-8-read-as-GBK documents, 6 of 6 Big5-read-as-GBK), and a single
unreadable character in clean text made cjk_mojibake delete its neighbour (`宿�` -> ``)."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.repair_damage import damaged_paragraph, sample_paragraphs

from cleanse.defaults import clean_text
from cleanse.repair import repair_mojibake

GENRES = ("classical_prose_hant", "poetry_hans", "legal_hans", "tech_hans")


def _paragraphs(per_genre: int = 12) -> list[str]:
    by = sample_paragraphs(list(GENRES), per_genre, random.Random(11))
    return [p for g in GENRES for p in by[g]]


KINDS = ("utf8_as_gbk_replace", "utf8_as_gbk_ignore", "big5_as_gbk", "gbk_as_big5", "gbk_lost_lead")


@pytest.mark.parametrize("kind", KINDS)
def test_second_pass_changes_nothing_on_damaged_text(kind):
    rng = random.Random(3)
    paras = _paragraphs(40 if kind == "big5_as_gbk" else 12)  # few paragraphs encode in Big5
    checked, changed = 0, []
    for p in paras:
        bad = damaged_paragraph(kind, p, rng)
        if bad is None:
            continue
        once = clean_text(f"{paras[0]}\n{bad}\n{paras[-1]}")
        checked += 1
        if clean_text(once) != once:
            changed.append(once.split("\n")[1][:60])
    assert checked >= 5
    assert not changed, changed


@pytest.mark.parametrize("text", [
    # clean text with one character lost to a UTF-8 decoding error upstream (each was deleted
    # together with its neighbour, or "repaired" into another character)
    "公孫丑問曰：夫子加齊之卿相，得行道焉，雖由此霸王不異矣。如此，則動心否乎？宿\ufffd",
    "齒\ufffd之間，不能自已。", "東夷\ufffd人也。", "匕\ufffd象形。", "從廾\ufffd持之。",
    # second passes over the output of the lossy repair (`lost` marks left as U+FFFD)
    "隷亦作疌。尼辄切。\ufffd下足所履\ufffd\ufffd疾也\ufffd从\ufffd人又。入声\ufffd",
    "音提携\ufffd㝿不能行\ufffd为人所引也。从尢从\ufffd。是巂声\ufffd",
    "民亦劳\ufffd，汔\ufffd小息。惠此京师，以绥四国。",
    "与章切\ufffd开也\ufffd从日一勿\ufffd岂谓一旗开展于日中\ufffd。葢\ufffd。一者地也",
    # second passes over the output of the Big5-read-as-GBK repair (gbk_shift deleted 凶, 舟)
    "走兽总\ufffd\ufffd从禸\ufffd●象头\ufffd。非\ufffd凶\ufffd\ufffd\ufffd今声\ufffd",
    "不行而进谓之前\ufffd从止\ufffd舟\ufffd\ufffd前则由●变之\ufffd●俗\ufffd剪\ufffd两\ufffd\ufffd复\ufffd",
])
def test_unreadable_character_next_to_real_text_is_left_alone(text):
    assert repair_mojibake(text).text == text


@pytest.mark.parametrize("text", [
    # `ƒé` (cp1252 bytes 83 E9) inserted into clean text: GBK reads 冮, a character as rare as
    # the suspects themselves, so the re-reading is no evidence of a repair (it was applied, on
    # the first pass or, next to a repaired `?(bào)`, on the second)
    "以促進ƒé(jìn)科技成果轉(zhuǎn)化為核心",
    "新在新常態(tài)ƒé下的引領(lǐng)作用。",
    "朝陽日?qǐng)?bào) 本ƒé(bào)訊 (記者 馬雋)4月8日,記者在市科技局獲悉",
])
def test_reading_made_only_of_rare_characters_is_no_repair(text):
    once = repair_mojibake(text).text
    assert "冮" not in once
    assert repair_mojibake(once).text == once


# --- later passes look only at the lines the pass before touched (stage.touched_lines) -------
def _fixed_point_both_ways(text: str):
    from cleanse.repair.cjk import stage

    got = stage.repair_to_fixed_point(text)
    saved = stage.LINE_PASSES
    try:
        stage.LINE_PASSES = False
        plain = stage.repair_to_fixed_point(text)
    finally:
        stage.LINE_PASSES = saved
    return (got.text, got.repairs, got.removed), (plain.text, plain.repairs, plain.removed)


def _damaged_documents() -> list[str]:
    from tests.repair_damage import PIPELINE_DAMAGE, synthetic_cases

    rng = random.Random(5)
    paras = _paragraphs(9)
    docs = []
    for kind in PIPELINE_DAMAGE:
        for k in range(0, len(paras) - 3, 4):
            bad = damaged_paragraph(kind, paras[k + 1], rng)
            if bad is not None:  # damage on one line, or on two
                docs.append("\n".join([paras[k], bad, paras[k + 2]]))
                other = damaged_paragraph(kind, paras[k + 3], rng)
                docs.append("\n".join([bad, paras[k], other or paras[k + 3]]))
    cases = [c.damaged for c in synthetic_cases(3)]
    docs += ["\n".join(cases[k:k + 5]) for k in range(0, len(cases), 5)]
    # a line the second pass changes again (a cluster gets one edit per pass: the seeds' `Χ?`
    # after 改造提升传统产业), beside clean lines
    lines = ["可以爲有道之士乎哉？學廣", "芃芃黍苗，陰雨膏之。", "我如今挣?，"]
    for k in range(4):
        docs.append("\n".join(lines[:k] + ["(二)加大利用高新技术脑焯嵘?传统产业Χ?,积极培育"] + lines[k:]))
    return docs


def test_later_passes_on_touched_lines_are_the_whole_text_passes():
    docs = _damaged_documents()
    assert len(docs) > 100
    for doc in docs:
        got, plain = _fixed_point_both_ways(doc)
        assert got == plain, doc[:80]
    assert sum(_fixed_point_both_ways(d)[0][0] != d for d in docs) > 50  # most of them are repaired


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["芃芃黍苗，", "我们今天去北京。", "éé朝陽日?qǐng)?bào)", "\n", "\n", "高新技术脑焯嵘?传统产业Χ?,", "ÎÒÃÇ½ñÌì", "鎴戜滑浠婂ぉ",
                                 "上?萍既瞬藕献鹘涣", "い地チ瓣", "發宫F代", "加快发é\ufffd改善", "?", "\ufffd", "a"]),
                min_size=1, max_size=12).map("".join))
def test_later_passes_on_touched_lines_on_mixed_lines(text):
    got, plain = _fixed_point_both_ways(text)
    assert got == plain


def test_touched_lines():
    from cleanse.repair.cjk.stage import touched_lines
    from cleanse.stage import TextEdit

    text = "第一行\n錯行\n第三行"
    assert touched_lines(text, TextEdit("第一行\n对行\n第三行")) == [(4, 6)]
    assert touched_lines(text, TextEdit(text, repairs=[("k", "第三", "第三", 7)])) == [(7, 10)]
    assert touched_lines(text, TextEdit("第一行第三行")) is None  # a line less: every line
