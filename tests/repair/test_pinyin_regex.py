"""pinyin_ruby's single compiled regex removes exactly what the readable definition removes:
maximal runs of syntactic notes after an annotatable character, all syllables valid."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.repair.model import is_han
from cleanse.repair.pinyin import _SYLLABLE, is_syllable, ruby_re, strip_ruby

NOTE_RUN = re.compile(rf"(?:[(（]{_SYLLABLE}[)）])+")
ONE_NOTE = re.compile(rf"[(（]({_SYLLABLE})[)）]")


def reference_runs(text: str) -> list[tuple[int, int]]:
    """The definition, one match at a time (the stage's earlier implementation)."""
    out = []
    for m in NOTE_RUN.finditer(text):
        start = m.start()
        prev = text[start - 1] if start else ""
        if not prev or not (is_han(prev) or prev in "?？\ufffd" or prev.isascii() and prev.isalpha()):
            continue
        if all(is_syllable(s) for s in ONE_NOTE.findall(m.group())):
            out.append(m.span())
    return out


def compiled_runs(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in ruby_re().finditer(text)]


def test_known_cases():
    text = "領(lǐng)導(dǎo)北京(Beijing)(一)記(jì)(zhě)者(lǐng)(abc)為(lv)呂(lǚ)?(bào)g(shù)𠀀(hǎo)"
    assert compiled_runs(text) == reference_runs(text)
    assert [text[a:b] for a, b in compiled_runs(text)] == ["(lǐng)", "(dǎo)", "(jì)(zhě)", "(lǚ)", "(bào)", "(shù)", "(hǎo)"]
    assert strip_ruby("領(lǐng)導(dǎo)").text == "領導"


_pieces = st.sampled_from(["(", ")", "（", "）", "lǐng", "dǎo", "lu", "lǚ", "ü", "bao", "bào", "zhuàng",
                           "zhuàngg", "ḿ", "ńg", "a", "é", "ǎ", "x", "A", "領", "北", "?", "？", "\ufffd",
                           " ", "1", "。", "\U00020000", ")(", "(shì)", "(ǎ)", "(n)"])


@settings(max_examples=600, deadline=None)
@given(st.lists(_pieces, max_size=25).map("".join))
def test_compiled_regex_matches_definition(text):
    assert compiled_runs(text) == reference_runs(text)
