"""convert_t2s leaves spans that are still mojibake as they are, and flags them (issue 11 item 3)."""

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.document import Document
from cleanse.repair import fix_text_zh, repair_mojibake, strip_ruby
from cleanse.script import ConvertStage, convert
from cleanse.script.protect import mojibake_spans, mojibake_spans_batch, mojibake_spans_plain, utf8_gbk_table
from cleanse.script.stage import KEPT_SIGNAL, convert_edit, convert_edits
from tests.script.test_convert import CASES

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "clean_corpus" / "sample.jsonl"
DOCS = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]


def _utf8_as_gbk(text: str, errors: str) -> str:
    return text.encode("utf-8").decode("gbk", errors)


def _repaired(text: str) -> str:
    for fn in (fix_text_zh, repair_mojibake, strip_ruby):
        text = fn(text).text
    return text


def test_table_is_the_gbk_pairs_of_utf8_bytes():
    table = utf8_gbk_table()
    assert table[ord("\ufffd")] and not table[ord("的")] and not table[ord("\n")]
    garbage = _utf8_as_gbk("我们今天去北京开会讨论发展问题", "replace")
    assert all(table[ord(c)] for c in garbage)


def test_no_span_on_the_clean_corpus_sample():
    spans = mojibake_spans_batch([d["text"] for d in DOCS])
    assert [(d["source"], d["text"][a:b]) for d, s in zip(DOCS, spans) for a, b in s] == []


def test_no_span_on_opencc_cases_and_exact_through_the_stage():
    inputs = [c["input"] for c in CASES]
    outputs = [v for c in CASES for v in c["expected"].values()]
    assert [s for s in mojibake_spans_batch(inputs + outputs) if s] == []
    cases = [(c["input"], c["expected"]["t2s"]) for c in CASES if "t2s" in c["expected"]]
    edits = convert_edits([src for src, _ in cases], protect=True)
    assert [e.text for e in edits] == [want for _, want in cases]
    assert {e.signals[KEPT_SIGNAL] for e in edits} == {0}


def test_leftover_utf8_read_as_gbk_is_not_converted():
    # What the repair stages leave of paragraphs of the clean sample read as GBK: the spans
    # flagged are copied unchanged, so their bytes still read back as the original.
    rng = random.Random(5)
    flagged = 0
    for d in rng.sample(DOCS, 40):
        for errors in ("replace", "ignore"):
            left = _repaired(_utf8_as_gbk(d["text"][:300], errors))
            edit = convert_edit(left, protect=True)
            spans = mojibake_spans(left)
            assert edit.signals[KEPT_SIGNAL] == sum(b - a for a, b in spans)
            # The spans copied, the text between them converted as usual.
            want, last = [], 0
            for a, b in spans:
                want += [convert(left[last:a]), left[a:b]]
                last = b
            assert edit.text == "".join(want) + convert(left[last:])
            flagged += bool(spans)
    assert flagged >= 20  # the repair stages leave such garbage in about one paragraph in three


def test_the_issue_example():
    garbage = _utf8_as_gbk("鑰匙和门锁的发展历史", "replace")
    text = "後來。" + garbage + "\n漢字"
    edit = convert_edit(text, protect=True)
    assert edit.text == "后来。" + garbage + "\n汉字"
    assert edit.signals[KEPT_SIGNAL] == len(garbage)
    assert convert_edit(text).text != edit.text  # unprotected, the garbage is rewritten


def test_stage_declares_and_writes_the_signal():
    stage = ConvertStage()
    assert stage.signal_types == {KEPT_SIGNAL: "int64"}
    assert stage.version == "4" and stage.config()["protect_mojibake"] is not None
    garbage = _utf8_as_gbk("我们今天去北京开会讨论", "replace")
    doc = Document(text="後來" + garbage, id="x", source="s", source_sha256="0")
    stage.process(doc)
    assert doc.text == "后来" + garbage and doc.signals[KEPT_SIGNAL] == len(garbage)
    off = ConvertStage(protect_mojibake=False)
    assert off.config() != stage.config()
    assert off.transform("後來" + garbage).text != doc.text


_pieces = st.sampled_from([
    _utf8_as_gbk("我们今天去北京", "replace"), _utf8_as_gbk("鑰匙", "ignore"), "\ufffd", "後來", "的", "。",
    "\n", " ", "a", "鐧煎", "奉璋峨峨", "臣不臣、父不父", _utf8_as_gbk("发展", "strict")])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_pieces, max_size=12).map("".join), max_size=6))
def test_batch_equals_plain_definition(texts):
    assert mojibake_spans_batch(texts) == [mojibake_spans_plain(t) for t in texts]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_pieces, max_size=12).map("".join), max_size=6))
def test_protected_batch_equals_one_by_one(texts):
    assert convert_edits(texts, protect=True) == [convert_edit(t, protect=True) for t in texts]


@pytest.mark.parametrize("errors", ["replace", "ignore"])
def test_batch_equals_plain_on_real_damage(errors):
    texts = [_repaired(_utf8_as_gbk(d["text"][:200], errors)) for d in DOCS[::40]]
    assert mojibake_spans_batch(texts) == [mojibake_spans_plain(t) for t in texts]
