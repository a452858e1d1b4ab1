"""ftfy_zh: the Chinese-safe config, and the gate proven exact against ungated ftfy."""

import json
import unicodedata
from pathlib import Path

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-* codecs)
import pytest
from ftfy.chardata import CHARMAP_ENCODINGS
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.document import Document
from cleanse.repair.ftfy_zh import CONFIG, UNSAFE_RE, FtfyStage, fix_text_ungated, fix_text_zh

CASES = json.loads((Path(__file__).resolve().parents[1] / "data/ftfy/test_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_gate_matches_ungated_on_ftfy_cases(case):
    text = case["original"]
    assert fix_text_zh(text).text == fix_text_ungated(text)
    # Also embedded in Chinese lines, where the gate skips the clean lines.
    doc = "第一行，干净的中文。\n" + text + "\n最后一行：“引号”（括号）！"
    assert fix_text_zh(doc).text == fix_text_ungated(doc)


def test_latin_mojibake_still_fixed():
    assert fix_text_zh("LietuviÅ³ 中文").text == "Lietuvių 中文"
    edit = fix_text_zh("標題：sÃ³lo")
    assert edit.text == "標題：sólo"
    assert edit.repairs == [("ftfy:apply=decode_inconsistent_utf8", "Ã³", "ó", 4)]


@pytest.mark.parametrize("segment", ["標題：sÃ³lo", "LietuviÅ³ 中文", "a\x1b[31mred", "x\x85y 中文", "ÃƒÂ© 中文",
                                     "caf\u0065\u0301 中文"])
def test_kind_is_ftfys_plan_and_replays(segment):
    """The kind carries ftfy's explanation of the segment; its encoding steps replay it."""
    edit = fix_text_zh(segment)
    (kind, *_), = edit.repairs
    assert kind.startswith("ftfy:")
    plan = [tuple(step.split("=", 1)) for step in kind[len("ftfy:"):].split(";")]
    assert plan == [tuple(s) for s in ftfy.fix_and_explain(segment, CONFIG).explanation]
    replayed = ftfy.apply_plan(segment, [s for s in plan if s[0] != "normalize"])
    if ("normalize", "NFC") in plan:
        replayed = unicodedata.normalize("NFC", replayed)
    assert replayed == edit.text


def test_kind_of_a_segment_with_a_compatibility_ideograph():
    """ftfy runs without NFC there; the NFC this stage applies around the ideograph is a step too."""
    edit = fix_text_zh("\U0002f936 cafe\u0301 sÃ³lo")
    assert edit.text == "\U0002f936 café sólo"
    assert edit.repairs[0][0] == "ftfy:apply=decode_inconsistent_utf8;normalize=NFC"


def test_chinese_punctuation_and_quotes_untouched():
    text = "他说：“你好，世界！”（测试）；‘单引号’……【注】ﬁ 全角ＡＢＣ１２３"
    assert fix_text_zh(text).text == text
    assert fix_text_ungated(text) == text  # the config itself keeps width, quotes, ligatures


def test_safe_set_cannot_form_utf8_mojibake():
    """The argument behind the gate: in every charmap encoding ftfy tries, the SAFE characters
    supply UTF-8 lead bytes or continuation bytes, never both, and NFC leaves them alone."""
    safe = [chr(c) for c in range(0x110000) if not (0xD800 <= c < 0xE000) and not UNSAFE_RE.match(chr(c))]
    for enc in CHARMAP_ENCODINGS:
        leads, conts = set(), set()
        for c in safe:
            try:
                b = c.encode(enc)
            except UnicodeEncodeError:
                continue
            if 0xC2 <= b[0] <= 0xF4:
                leads.add(c)
            elif 0x80 <= b[0] <= 0xBF:
                conts.add(c)
        assert not (leads and conts), enc
    assert all(unicodedata.normalize("NFC", c) == c and not unicodedata.combining(c) for c in safe)


# Text mixing the gate's safe characters with the ones ftfy acts on.
_interesting = st.sampled_from(list("ÃÂâ€œ\x80\x93\x94\xa0é³¤ÖÐÎÄ\ufffd\x1b[m\x00\x7f\u0301\uf900ﬁＡ“”—…·、。，？\n\r\t ")
                               + ["\ud800"])
_text = st.lists(st.one_of(_interesting, st.characters(), st.sampled_from("中文字测试漢語")), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(_text)
def test_gate_is_exact_property(text):
    assert fix_text_zh(text).text == fix_text_ungated(text)


def test_stage_records_repairs():
    doc = Document(text="第一行\nsÃ³lo\n", id="x", source="s", source_sha256="0")
    FtfyStage().process(doc)
    assert doc.text == "第一行\nsólo\n"
    assert [(r.stage, r.kind, r.before, r.after, r.offset) for r in doc.repairs] == [
        ("ftfy_zh", "ftfy:encode=latin-1;decode=utf-8", "Ã³", "ó", 5)]


# --- the tone-letter extension of the gate (ftfy_may_change) ------------------------------

def test_cjk_ideographs_fit_no_charmap_encoding():
    """Premise: a segment with a CJK ideograph can never be re-decoded as a whole by ftfy."""
    from ftfy.chardata import possible_encoding

    for cp in list(range(0x3400, 0x4DC0, 7)) + list(range(0x4E00, 0xA000, 7)) + [0x4DBF, 0x9FFF]:
        for enc in CHARMAP_ENCODINGS:
            assert not possible_encoding(chr(cp), enc), (hex(cp), enc)
            assert not possible_encoding("abc" + chr(cp), enc), (hex(cp), enc)


def test_tone_letters_are_inert_for_the_other_fixers():
    """Premise: NFC keeps tone letters next to any gate-safe character, and no enabled fixer
    other than fix_encoding (C1, surrogates, terminal escapes, control characters) acts on them."""
    from cleanse.repair.ftfy_zh import TONE_LETTERS
    from ftfy import fixes
    from ftfy.chardata import C1_CONTROL_RE

    safe = [chr(c) for c in range(0x110000) if not (0xD800 <= c < 0xE000) and not UNSAFE_RE.match(chr(c))]
    neighbours = [c for c in safe if not ("\u3400" <= c <= "\u9fff")] + safe[::97] + list(TONE_LETTERS)
    for e in TONE_LETTERS:
        assert unicodedata.normalize("NFC", e) == e and not unicodedata.combining(e)
        assert not C1_CONTROL_RE.search(e)
        for fixer in (fixes.remove_control_chars, fixes.fix_surrogates, fixes.remove_terminal_escapes):
            assert fixer("中" + e + "文") == "中" + e + "文"
        for s in neighbours:
            assert unicodedata.normalize("NFC", s + e) == s + e
            assert unicodedata.normalize("NFC", e + s) == e + s


def test_tone_gate_matches_ungated_on_ruby_and_adversarial_lines():
    from cleanse.repair.ftfy_zh import ftfy_may_change

    seed = next((Path(__file__).resolve().parents[2] / "seeds").glob("004_*.txt")).read_text(encoding="utf-8")
    lines = seed.splitlines() + [
        "領(lǐng)導(dǎo)“引號”è“”",  # tone letter followed by cp1252 continuation characters
        "中文é¤ 测试",  # a real UTF-8 mojibake pair next to Chinese
        "lǐng dǎo",  # no ideograph: ftfy must run
        "中à  文",  # spaces may stand for NBSP continuation bytes
    ]
    for line in lines:
        assert fix_text_zh(line).text == fix_text_ungated(line), line
    # the extension does skip ruby lines, and only those
    assert UNSAFE_RE.search("領(lǐng)導(dǎo)") and not ftfy_may_change("領(lǐng)導(dǎo)")
    assert ftfy_may_change("lǐng dǎo") and ftfy_may_change("中文é¤ 测试")


_tone_text = st.lists(st.one_of(st.sampled_from(list("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿü")), _interesting,
                                st.sampled_from(["(lǐng)", "(dǎo)", "中", "文", "“", "”", " ", "·", "\xa0"])),
                      max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(_tone_text)
def test_tone_gate_is_exact_property(text):
    assert fix_text_zh(text).text == fix_text_ungated(text)


# --- the inert-symbol extension of the gate (INERT_SYMBOLS) ------------------------------

def _inert_symbols() -> list[str]:
    from cleanse.repair.ftfy_zh import UNSAFE_BEYOND_INERT_RE

    return [chr(c) for c in range(0x110000) if not (0xD800 <= c < 0xE000)
            and UNSAFE_RE.match(chr(c)) and not UNSAFE_BEYOND_INERT_RE.match(chr(c))]


def test_inert_symbols_premises():
    """Each premise of the INERT_SYMBOLS argument, on ftfy's own tables and Python's Unicode data."""
    import re

    from ftfy.chardata import C1_CONTROL_RE, CONTROL_CHARS, UTF8_CLUES

    inert = _inert_symbols()
    assert {"●", "○", "□", "★", "※", "→", "・", "ㄛ", "①", "﹝", "\U00020000"} <= set(inert)
    assert not {"■", "\ufffd", "×", "é", "\uf900", "\U0002f800", "\u3099"} & set(inert)
    # second characters of canonical compositions (and Hangul vowel and final jamo)
    seconds = {0x1161 + i for i in range(21)} | {0x11A8 + i for i in range(27)}
    for cp in range(0x110000):
        d = unicodedata.decomposition(chr(cp))
        if d and not d.startswith("<") and len(d.split()) == 2:
            seconds.add(int(d.split()[1], 16))
    clues = re.compile("[" + "".join(UTF8_CLUES.values()) + "]", re.VERBOSE)
    for c in inert:
        for enc in CHARMAP_ENCODINGS:
            with pytest.raises(UnicodeEncodeError):
                c.encode(enc)
        assert not clues.match(c) and not C1_CONTROL_RE.match(c) and ord(c) not in CONTROL_CHARS, hex(ord(c))
        assert unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co") and unicodedata.category(c)[0] != "M"
        assert unicodedata.normalize("NFD", c) == c and not unicodedata.combining(c) and ord(c) not in seconds
    # no gate-safe character may start a UTF-8 sequence in ftfy's detector
    firsts = re.compile("[" + "".join(UTF8_CLUES[k] for k in ("utf8_first_of_2", "utf8_first_of_3",
                                                               "utf8_first_of_4")) + "]", re.VERBOSE)
    safe = [chr(c) for c in range(0x110000) if not (0xD800 <= c < 0xE000) and not UNSAFE_RE.match(chr(c))]
    assert not [c for c in safe if firsts.match(c) or ord(c) in seconds]


def test_inert_symbol_lines_are_skipped_and_ftfy_leaves_them():
    from cleanse.repair.ftfy_zh import ftfy_may_change

    for line in ["●●●某某公司●●●\n", "第一章 ※ 注意 → 见下文 ①②③\n", "ㄅㄆㄇ注音・符號\n", "𠂆𠃊古字\n",
                 "┏━━┓ ★☆ abc “引号” ﹝注﹞\n", "● only symbols ◆\n"]:
        assert UNSAFE_RE.search(line) and not ftfy_may_change(line), line
        assert fix_text_ungated(line) == line
    for line in ["●中文é¤ 测试\n", "● sÃ³lo\n", "●\x85中\n", "● cafe\u0301\n", "■中文\n", "●\ufffd中\n", "┌──┐中\n"]:
        assert ftfy_may_change(line), line


_inert_text = st.lists(st.one_of(st.sampled_from(list("●○□◆★※→←・ㄅㄛ①⑴㈠﹝﹞┌─√∑≈℃\u2010\u2016\U00020000\U0002a700")),
                                 _interesting, st.sampled_from(["中", "文", "“", "”", " ", "·", "\xa0", "\n", "ǎ"])),
                       max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(_inert_text)
def test_inert_gate_is_exact_property(text):
    assert fix_text_zh(text).text == fix_text_ungated(text)


def test_gate_matches_ungated_on_the_clean_corpus_and_its_damaged_versions():
    """The oracle over real text: every document of the clean regression corpus sample, and
    the same with one paragraph damaged each usual way (tests/repair_damage.PIPELINE_DAMAGE)."""
    import random

    from tests.repair_damage import PIPELINE_DAMAGE, damaged_paragraph

    rng = random.Random(3)
    kinds = sorted(PIPELINE_DAMAGE)
    path = Path(__file__).resolve().parents[1] / "data/clean_corpus/sample.jsonl"
    docs = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    checked = 0
    for k, text in enumerate(docs):
        assert fix_text_zh(text).text == fix_text_ungated(text)
        paras = text.split("\n")
        j = rng.randrange(len(paras))
        try:
            bad = damaged_paragraph(kinds[k % len(kinds)], paras[j], rng)
        except IndexError:  # nothing to lose a lead byte of
            bad = None
        if bad is not None:
            damaged = "\n".join(paras[:j] + [bad] + paras[j + 1:])
            assert fix_text_zh(damaged).text == fix_text_ungated(damaged)
            checked += 1
    assert checked > len(docs) // 2


def test_cjk_reading_first_leaves_only_what_cjk_mojibake_repairs():
    """A line cjk_mojibake reads first (`ÃÃ“Â“Â` is GBK read as cp1252) keeps that part for it,
    and ftfy still fixes the UTF-8 damage beyond it (`Ã“` is Ó), as a second pass would."""
    from cleanse.repair.cjk import repair_mojibake

    edit = fix_text_zh("ÃÃ“Â“Â(g)以《Ã“")
    assert edit.text == "ÃÃ“Â“Â(g)以《Ó"
    assert edit.repairs == [("ftfy:apply=decode_inconsistent_utf8", "Ã“", "Ó", 11)]
    assert repair_mojibake(edit.text).text == "妹撀撀(g)以《Ó"
    assert fix_text_zh("的領ÃÃ“Â“Â(lǐng)導").text == "的領ÃÃ“Â“Â(lǐng)導"  # nothing beyond: left whole
