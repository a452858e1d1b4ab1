"""Big5 read as GBK and GBK read as Big5 with errors="replace" (`cjk/big5.py`): every
character read back is right, the others stay U+FFFD with a `lost` record, a lost character
is restored only on the model's margin, and clean text with unreadable characters is left
alone."""

import random

import pytest

from tests.repair_damage import sample_paragraphs

from cleanse.defaults import clean_text
from cleanse.repair import repair_mojibake
from cleanse.repair.cjk import big5, kinds

CROSS = {kinds.BIG5_AS_GBK_RUN, kinds.GBK_AS_BIG5_RUN}
CASES = {  # damage -> (codec written, codec read, genres of the sample)
    "big5_as_gbk": ("big5", "gbk", ["classical_prose_hant"]),
    "gbk_as_big5": ("gbk", "big5", ["classical_prose_hans", "legal_hans", "tech_hans"]),
}


def _kept_right(original: str, got: str) -> bool:
    return len(got) == len(original) and all(a == b or b == "\ufffd" for a, b in zip(original, got))


@pytest.mark.parametrize("codec", ["gbk", "big5"])
def test_the_decoder_replaces_one_byte_and_resumes(codec):
    """The premise of the byte reconstruction: an invalid pair costs its lead byte only."""
    assert bytes((0xA4, 0x40, 0x41)).decode("gbk", "replace") == "\ufffd@A"
    assert bytes((0x81, 0x41)).decode("big5", "replace") == "\ufffdA"
    for lead, trail in ((0xAA, 0xBA), (0xC6, 0xA1), (0x85, 0x40)):
        got = bytes((lead, trail, 0x41)).decode(codec, "replace")
        if got[0] == "\ufffd":
            assert got == "\ufffd" + bytes((trail, 0x41)).decode(codec, "replace")


def test_a_lost_character_has_a_handful_of_choices():
    # 的 is Big5 AA BA: GBK's user-defined area, so its lead byte is lost and BA survives.
    got = big5.choices("gbk", "big5", big5.HOLE, 0xBA, 0xBE)
    assert "的" in got and len(got) <= 10
    # a known lead with its trail lost before A5: trails that do not pair with A5 in GBK
    got = big5.choices("gbk", "big5", 0xBE, big5.HOLE, 0xA5)
    assert "歷" in got and len(got) <= 20


@pytest.mark.parametrize("kind", CASES)
def test_paragraphs_are_read_back_with_each_lost_character_marked(kind):
    right, wrong, genres = CASES[kind]
    by = sample_paragraphs(genres, 40, random.Random(7))
    paras = [p for g in genres for p in by[g]]
    n = kept = 0
    for p in paras:
        try:
            bad = p.encode(right).decode(wrong, "replace")
        except UnicodeEncodeError:
            continue
        if "\ufffd" not in bad:
            continue
        n += 1
        e = repair_mojibake(bad)
        if not _kept_right(p, e.text):
            continue
        kept += 1
        assert kind + "_run" in {r[0] for r in e.repairs}
        marks = sum(len(r[2]) for r in e.repairs if r[0] == kinds.LOST)
        assert marks >= e.text.count("\ufffd")  # every U+FFFD left has its record
    assert n >= 10
    assert kept >= 0.75 * n, (kept, n)


def test_through_the_pipeline_only_marks_are_left():
    """clean_text of a Big5-read-as-GBK paragraph between clean lines: the clean_text of the
    original, apart from characters left as U+FFFD (t2s included)."""
    by = sample_paragraphs(["classical_prose_hant"], 30, random.Random(3))["classical_prose_hant"]
    head, tail = by[-1], by[-2]
    n = kept = 0
    for p in by[:-2]:
        try:
            bad = p.encode("big5").decode("gbk", "replace")
        except UnicodeEncodeError:
            continue
        n += 1
        kept += _kept_right(clean_text(f"{head}\n{p}\n{tail}"), clean_text(f"{head}\n{bad}\n{tail}"))
    assert n >= 5 and kept >= 0.75 * n, (kept, n)


@pytest.mark.parametrize("text", [
    "芃\ufffd芃黍\ufffd苗，阴雨膏之。四国\ufffd有王，郇伯劳之。",  # was 刷人⒍�苗 (gbk_as_big5_run)
])
def test_false_cross_readings(text):
    assert repair_mojibake(text).text == text


def test_clean_text_with_unreadable_characters_is_not_cross_read():
    rng = random.Random(5)
    genres = ["classical_prose_hant", "classical_prose_hans", "poetry_hans", "legal_hans", "tech_hans", "chat"]
    by = sample_paragraphs(genres, 40, rng)
    for g in genres:
        for p in by.get(g, []):
            q = list(p)
            for _ in range(rng.randint(1, 3)):
                q.insert(rng.randrange(len(q) + 1), "\ufffd")
            text = "".join(q)
            assert not CROSS & {r[0] for r in repair_mojibake(text).repairs}, text


def test_a_restored_character_needs_the_margin():
    """Lost characters are restored only when the model makes one 10**guess_margin times more
    probable than every other character the bytes allow: raising the margin restores none."""
    import dataclasses

    from cleanse.repair.cjk import lost, tuning

    p = "中華民國的歷史，我們今天去台北。"
    bad = p.encode("big5").decode("gbk", "replace")
    got = repair_mojibake(bad).text
    assert _kept_right(p, got)
    old = tuning.TUNING.cross
    try:
        object.__setattr__(tuning.TUNING, "cross", dataclasses.replace(old, guess_margin=99.0))
        lost._rank.cache_clear()
        marked = repair_mojibake(bad).text
    finally:
        object.__setattr__(tuning.TUNING, "cross", old)
        lost._rank.cache_clear()
    assert _kept_right(p, marked)
    assert marked.count("\ufffd") > got.count("\ufffd")
