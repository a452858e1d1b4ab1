"""ftfy_zh reads a line's spaces as normalize_zh will leave them (cleanse/repair/spacing.py)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.normalization.normalize import normalize_zh
from cleanse.repair.ftfy_zh import fix_text_zh
from cleanse.repair.spacing import spaces_view, splice

SPACES = [" ", "\xa0", "\u3000", "  ", "\xa0\xa0"]


def test_view_maps_and_drops_spaces_as_normalize_zh():
    assert spaces_view("中\xa0文") == ("中 文", None)  # mapped only: positions unchanged
    view, kept = spaces_view(" 中\u3000\xa0文 Â “十 \n")
    assert view == "中 文 Â“十\n"
    assert kept == [1, 2, 4, 5, 6, 8, 9, 11]
    assert spaces_view(" 中 ", line_start=False, line_end=False)[0] == " 中 "  # a segment cut mid-line


def test_splice_keeps_what_ftfy_did_not_change():
    line = "导\xa0\xa0Â©\xa0"
    view, kept = spaces_view(line)
    assert view == "导 Â©"
    assert splice(line, view, kept, "导 ©") == "导\xa0\xa0©\xa0"
    assert splice(line, view, kept, view) == line


# Lines where normalize_zh does nothing but its space steps: no ASCII punctuation, no
# sentence end, one line.
_line = st.lists(st.sampled_from(["中", "文", "a", "Â", "é", "“", "”", "—", "·", "…", *SPACES]), max_size=16).map("".join)


@settings(max_examples=300, deadline=None)
@given(_line)
def test_view_is_normalize_zh_on_spaces(line):
    assert spaces_view(line)[0] == normalize_zh(line).text


@pytest.mark.parametrize("nbsp, space", [("导\xa0Â©", "导 Â©"), ("的要\xa0Âƒ,鞏固", "的要 Âƒ,鞏固"),
                                          ("落\x1bÂ “十", "落\x1bÂ“十"), ("导\u3000Ã©", "导 Ã©")])
def test_nbsp_and_space_are_read_alike(nbsp, space):
    """`Â©` after a Han character is cp1252 mojibake of ©: fixed whatever space is before it,
    and the NBSP itself stays for normalize_zh (mapped and recorded there)."""
    fixed_nbsp, fixed_space = fix_text_zh(nbsp).text, fix_text_zh(space).text
    assert fixed_nbsp != nbsp and fixed_space != space
    assert normalize_zh(fixed_nbsp).text == normalize_zh(fixed_space).text
    assert "\xa0" not in nbsp or "\xa0" in fixed_nbsp


@pytest.mark.parametrize("text", ["中文\xa0测试", "价格\xa0\xa0100\xa0元", "Café\xa0“中文”", "第一章\u3000总则 · 说明",
                                  "São Paulo\xa0圣保罗", "naïve\xa0 —\xa0天真"])
def test_clean_text_with_nbsp_is_left_alone(text):
    assert fix_text_zh(text).text == text


_mix = st.lists(st.sampled_from(["中", "文", "导", "a", "Ã", "Â", "©", "©", "ƒ", "“", "”", "\x1b", "\xa0", "é",
                                 "\u3000", " ", "  ", "\n", "¤", "\x80", "…", "—"]), max_size=20).map("".join)


@settings(max_examples=500, deadline=None)
@given(_mix)
def test_ftfy_zh_is_stable_under_normalize_zh(text):
    """What ftfy_zh leaves, once normalize_zh has spaced it, ftfy_zh leaves again."""
    once = normalize_zh(fix_text_zh(text).text).text
    assert fix_text_zh(once).text == once
