"""convert_t2s leaves a converted character as it was where cjk_mojibake would read the
converted text otherwise (`cleanse/script/reread.py`; issue 11 item 3, issue 14 item 8)."""

import json
from pathlib import Path

import pytest

import cleanse.script.reread as reread
from cleanse.repair import fix_text_zh, repair_mojibake, strip_ruby
from cleanse.script import convert
from cleanse.script.stage import KEPT_SIGNAL, convert_edit, convert_edits
from tests.repair_damage import synthetic_cases

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "clean_corpus" / "sample.jsonl"
DOCS = [json.loads(line)["text"] for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


def test_clean_text_is_converted_exactly():
    # no clean character left unconverted: the stage's output is plain OpenCC's
    edits = convert_edits(DOCS, protect=True)
    assert [i for i, (e, d) in enumerate(zip(edits, DOCS)) if e.text != convert(d)] == []
    assert {e.signals[KEPT_SIGNAL] for e in edits} == {0}


@pytest.mark.parametrize("text, kept, expected", [
    ("夼蘿�", 1, "夼蘿�"),  # 萝 would make `夼萝�` a GBK shift of 怕
    ("夼蘿�\n後來的發展", 1, "夼蘿�\n后来的发展"),  # only the line it is on
    ("恕�薺��鏤�瀏��Q��c", 3, "恕�薺��鏤�瀏��Q��c"),
    ("鰼?�", 1, "鰼?�"),  # 鳛? would be a lost character
])
def test_what_cjk_mojibake_would_reread_stays(text, kept, expected):
    assert repair_mojibake(text).text == text  # cjk_mojibake leaves the input as it is
    plain = convert(text)
    assert repair_mojibake(plain).text != plain  # but not its conversion
    edit = convert_edit(text, protect=True)
    assert edit.text == expected and edit.signals[KEPT_SIGNAL] == kept
    assert repair_mojibake(edit.text).text == edit.text


def test_damage_cjk_mojibake_reads_in_the_input_too_is_converted_around():
    # cjk_mojibake would repair the input itself (the stage used alone on damaged text): its
    # edits are not conversion's doing, and the text around them is converted as usual
    text = "夼蘿�，後來"  # with context, cjk_mojibake reads neither form
    assert convert_edit(text, protect=True).text == convert(text)
    seed = (Path(__file__).resolve().parents[2] / "seeds").glob("003*.txt")
    raw = next(seed).read_text(encoding="utf-8")
    assert repair_mojibake(raw).text != raw
    assert convert_edit(raw, protect=True).text == convert(raw)


def test_a_line_whose_length_changed_is_left_whole():
    # tw2sp's phrases change lengths (主機板 -> 主板): no positions in common with the input
    edit = convert_edit("主機板夼蘿�", "tw2sp", protect=True)
    assert edit.text == "主機板夼蘿�" and edit.signals[KEPT_SIGNAL] == 6 and edit.chars_changed == 0
    edit = convert_edit("主機板\n夼蘿�", "tw2sp", protect=True)
    assert edit.text == "主板\n夼蘿�" and edit.signals[KEPT_SIGNAL] == 1
    assert edit.chars_changed == convert_edit("主機板", "tw2sp").chars_changed


def test_the_gate_is_exact_on_damaged_text(monkeypatch):
    # Oracle: the guard looking at every changed line (no gate) gives the same edits on
    # synthetic damage of every class, as damaged and as the repair stages leave it.
    texts = []
    for case in synthetic_cases(3):
        t = case.damaged
        texts.append(t)
        for fn in (fix_text_zh, repair_mojibake, strip_ruby):
            t = fn(t).text
        texts.append(t)
    gated = convert_edits(texts, protect=True)
    monkeypatch.setattr(reread, "_gated_lines", lambda text, out: set(range(out.count("\n") + 1)))
    every = convert_edits(texts, protect=True)
    assert [(e.text, e.signals) for e in gated] == [(e.text, e.signals) for e in every]
    assert sum(e.signals[KEPT_SIGNAL] > 0 for e in every) > 0
