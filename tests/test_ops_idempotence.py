"""Idempotence on arbitrary strings (issue 14 item 8): every text stage of the default pipeline,
applied to its own output, changes nothing, and so does `clean_text`, the whole composition —
over mutated bytes decoded every which way, lone surrogates, BOMs anywhere, control and
invisible characters, not only Chinese prose.

`cjk_mojibake` repeats its pass until the text stops changing (`TUNING.max_passes`): a cluster
gets one edit per pass, and a repair can make its neighbour readable (`éé朝陽日?qǐng)?bào)`: the
first pass restores 報, the second reads `éé` again). For the composition, a later stage must
not make input an earlier one changes on a second pass: `normalize_zh` (near the end) deleted
invisible characters and wrote a bracket beside Han full width without its spaces, which let
pinyin_ruby, ftfy_zh or cjk_mojibake fire on the cleaned text. The `invisible` stage now does
the deletions before the repairs, and pinyin_ruby reads a loose note as normalize_zh will
write it (docs/repair.md, "Idempotence").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanse.defaults import clean_text, text_stages
from cleanse.document import Document
from cleanse.normalization.invisible import MOJIBAKE_CODECS, invisible_chars, strip_invisible
from cleanse.repair.pinyin import strip_ruby
from cleanse.stage import TextStage

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
SEED_TEXT = [p.read_text("utf-8")[:400] for p in SEEDS]
ODD = "\ufeff\u00a0\x00\x07\x1b\x7f\x85\u2028\u200b\u200d\ufffd\r\n\t \ud800\udfff\U0001f600&amp;<p>é\u00c3\u00a9ÃƒÂ©“”，。！"


@st.composite
def arbitrary_text(draw: st.DrawFn, kinds: tuple[str, ...] = ("bytes", "mutated", "odd", "any")) -> str:
    kind = draw(st.sampled_from(kinds))
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
    if kind == "brackets":  # odd characters right beside the brackets of seed 003's pinyin notes
        text = SEED_TEXT[3]
        marks = [i for i, c in enumerate(text) if c in "()"]
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.sampled_from(marks)) + draw(st.integers(0, 1))
            text = text[:at] + draw(st.text(alphabet=ODD, min_size=1, max_size=3)) + text[at:]
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
    # re-read `éé` (found by the property above while cjk_mojibake made one pass; since
    # cjk_mojibake 9 `éé` -> `谷谷` is no repair, tests/repair/test_false_repairs.py)
    "éé朝陽日?qǐng)?bào) 本報(bào)訊",
])
def test_cjk_mojibake_second_pass_changes_nothing(text: str) -> None:
    stage = STAGES["cjk_mojibake"]
    once = _once(stage, text)
    assert _once(stage, once) == once


# --- the whole composition ------------------------------------------------------------------
# Fixed examples (derandomized here and under CI), so the test cannot fail by luck; the same
# property over 2,000 random examples per seed is measured in docs/repair.md ("Idempotence").
@settings(max_examples=120, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(text=arbitrary_text(kinds=("bytes", "mutated", "odd", "any", "brackets")))
def test_clean_text_is_idempotent_on_arbitrary_text(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@pytest.mark.parametrize("text", [
    # Reduced from the inputs the property found changing on a second pass (10 of 600 before
    # the fix, seed 1; the last three at 2,000 examples after the first part of it).
    # normalize_zh deleted an invisible character between two characters that a repair then
    # read together: `ÃÃ` is GBK 妹 (cjk_mojibake), `創(àng)` a pinyin note
    "”\tÃ\u200dÃ\x07<",
    "鐘祥全面實施創(\u200dàng)新驅動發展戰略",
    # ... or turned a tab into the space that ftfy_zh reads as a lost byte A0 (`Ã ` = à)
    "\u200b\ud800\x07\ufeff\x00m\n;ÂpÃ\t\x07©\nm",
    # ... or wrote a loose note tight: `質(\tzhì)` -> `质（zhì）`, `加強\t(qiáng)` -> `加强（qiáng）`,
    # after debris `�\xa0(yè)` -> `�（yè）`, after a trail-byte letter `五m\t(dǎo)產` -> `五m（dǎo）产`
    "被確定為國家專利質(\tzhì)押融資試點城市",
    "以轉(zhuǎ\udfff\xa0\x7f)變管理模式、加強\t(qiáng)隊(duì)伍建設(shè)為手段",
    "促進(jìn)產(chǎn\udfff\xa0\x7f(yè)結(jié)構(gòu)轉(zhuǎn)型升級",
    "五\x00m\t\x7f(dǎo)產(chǎn)業(yè)發(fā)展",
    "促進(jìn)產(chǎn (yè)結(jié)構(gòu)",
    "知識產(chǎ”\x1ba\xa0(quán)工作會",
    # ftfy_zh read `Ã`/`Â` beside an NBSP otherwise than beside the space normalize_zh makes of
    # it (an NBSP before the letter blocks ftfy's UTF-8 detector), and `Â “` otherwise than the
    # `Â“` left when normalize_zh drops the space before full-width punctuation: it now reads
    # the spaces as normalize_zh leaves them (cleanse/repair/spacing.py)
    "\xa0Ã\xa0�双鸭山市科信局认真贯彻", "的要\xa0Âƒ\u200d,鞏固提升", "全面貫徹落\x1bÂ “十七大精神", "导\xa0Â©",
    "通知\xa0\xa0Â©\xa0二〇一〇", "Ã\u3000中文",  # a run of spaces, U+3000
    # ... and left a whole line to cjk_mojibake when it read part of it (`ÃÃ“Â“Â` -> 妹撀撀), so
    # the `Ã“` (Ó) beyond that part was fixed only by a second pass
    "ÃÃ“Â“Â(g)以《Ã“",
    # ... or decided that on the line with its control characters, which ftfy then removed
    # (`Ú\x8eÄ¬\x0exe`: GBK 趲默 for cjk_mojibake with the \x0e, ڎĬ for ftfy without it)
    "Ú\x8eÄ¬\x0exe\x16",
])
def test_clean_text_second_pass_changes_nothing(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


# cjk_mojibake re-read the Simplified character that convert_t2s wrote before `é�` as a short
# GBK shift (`发é�` -> `》ⅷ`, `继é�` -> `台`; the Traditional `發`/`繼` have no such reading): the
# `?`/U+FFFD was explained only by a lost Greek letter (é is A8A6). Fixed in judge.min_gain
# (`lost.mark_explained`); tests/repair/test_false_repairs.py has the stage-level cases.
@pytest.mark.parametrize("text", ["切實發揮科技在經濟社會加快發é\udfff改善民生中的支撐作用", "（一）繼é\udfff😀續推進企業"])
def test_cjk_mojibake_second_pass_after_t2s_changes_nothing(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


# cjk_mojibake re-read what convert_t2s wrote (`恕�薺` -> `恕�荠` -> `芊�`, `鰼?` -> `鳛?` -> `�`,
# `夼蘿�` -> `夼萝�` -> GBK shift 怕): convert_t2s now leaves a converted character as it was where
# cjk_mojibake would read the converted text otherwise (cleanse/script/reread.py); and it read
# `Ãì` as Big5 鏈 once normalize_zh had stripped the NBSP before it (`\xa0Ãì)`): cjk_mojibake now
# also reads the text with its spaces as normalize_zh leaves them (cleanse/repair/spacing.py).
# Reduced from the property (seeds 5, 6, 9 at 2,000 examples). Since cjk_mojibake 11 `Ãì)` is
# left as it is on both passes (was 链): one lone Han character read from two Latin-1
# letters on a line that is otherwise ASCII is no evidence (`find._lone_latin`).
@pytest.mark.parametrize("text, expected", [
    ("恕�薺��鏤�瀏��Q��c", "恕�薺��鏤�瀏��Q��c"), ("鰼?\udc86", "鰼?�"), ("夼蘿�", "夼蘿�"),
    ("\xa0Ãì)", "Ãì)"), ("中文\xa0Ãì)", "中文 链)"),
])
def test_cjk_mojibake_second_pass_after_later_stages_changes_nothing(text: str, expected: str) -> None:
    once = clean_text(text)
    assert once == expected
    assert clean_text(once) == once


# Found by the property once convert_t2s asked cjk_mojibake (seed 3): with ASCII brackets
# `创éé(` reads as Big5 `斐谷谷(`, with the full-width ones normalize_zh writes it reads as
# nothing; the first pass kept `個創`, the second converted them. The guard reads the
# converted text with normalize_zh's punctuation (`normalize.punctuation`).
@pytest.mark.parametrize("text", ["以《四個創éé(chuàng)新加快科技"])
def test_convert_t2s_reads_punctuation_as_normalize_zh_writes_it(text: str) -> None:
    from cleanse.script.stage import convert_edit

    assert convert_edit(text, protect=True).text == "以《四个创éé(chuàng)新加快科技"
    once = clean_text(text)
    assert clean_text(once) == once


def test_convert_t2s_leaves_what_cjk_mojibake_would_reread_and_counts_it() -> None:
    from cleanse.script.stage import KEPT_SIGNAL, convert_edit

    edit = convert_edit("夼蘿�\n後來的發展", protect=True)
    assert edit.text == "夼蘿�\n后来的发展"  # 蘿 kept (萝 would make `夼萝�` a GBK shift), the rest converted
    assert edit.signals[KEPT_SIGNAL] == 1 and edit.chars_changed == 3
    assert convert_edit("夼蘿�", protect=False).text == "夼萝�"


# --- the invisible stage and loose notes ------------------------------------------------------
def test_invisible_characters_are_those_no_mojibake_can_hold() -> None:
    from cleanse.repair.cjk.codes import ENCODED

    deleted, spaced = invisible_chars()
    assert set(ENCODED) <= set(MOJIBAKE_CODECS)  # every codec cjk_mojibake re-reads with
    assert set(deleted) == {"\u200b", "\u200c", "\u2060", "\ufeff"}  # ZWJ has its emoji rule
    assert "\t" in spaced and "\u2009" in spaced
    assert "\xa0" not in spaced and "\u3000" not in spaced  # Latin-1 byte A0, GBK/Big5 A1A1
    assert strip_invisible("科\u200b技\r\n工\t作\xa0\u3000").text == "科技\n工 作\xa0\u3000"
    assert strip_invisible("👨\u200d👩\u200d👧 a\u200db").text == "👨\u200d👩\u200d👧 ab"


@pytest.mark.parametrize("text, expected", [
    ("強 (qiáng)隊", "強隊"), ("質( zhì )押", "質押"), ("產\xa0(chǎn)業", "產業"),
    ("產(chǎn (yè)結", "產(chǎn結"),  # after a trail-byte letter, with Han after: full width, tight
    ("word (lǐng) means", "word (lǐng) means"),  # ASCII brackets stay ASCII: the spaces stay
    ("他 (ta)说", "他 (ta)说"),  # no tone mark: content unless ruby residue is around
    ("北京 (Beijing)", "北京 (Beijing)"),
])
def test_a_loose_note_is_read_as_normalize_zh_writes_it(text: str, expected: str) -> None:
    assert strip_ruby(text).text == expected
