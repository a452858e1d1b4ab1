"""Per-stage byte counts: the UTF-8 size of each stage's input, memoised per text object."""

from __future__ import annotations

from cleanse.document import Document
from cleanse.pipeline import Pipeline
from cleanse.stage import TextEdit, TextStage


class Upper(TextStage):
    name = "upper"
    version = "1"

    def transform(self, text: str) -> str:
        return text.upper()  # a new string object: the next stage must measure again


class Pinyin(TextStage):
    name = "pinyin"
    version = "1"

    def transform(self, text: str) -> TextEdit:
        # Grows the text with 2- and 3-byte characters and records one removal.
        return TextEdit(text + "領lǐ", removed=[("note", "(x)")])


class Same(TextStage):
    name = "same"
    version = "1"

    def transform(self, text: str) -> str:
        return text  # the same object: measured once, remembered


def test_bytes_in_is_utf8_size_of_each_stage_input() -> None:
    texts = ["abc", "中文 text", "", "𠀀x"]
    docs = [Document(text=t, id=str(i), source="s", source_sha256="0" * 64, byte_end=99) for i, t in enumerate(texts)]
    p = Pipeline("t", "1", [Upper(), Same(), Pinyin(), Same.__class__("Same2", (Same,), {"name": "same2"})()])
    out = list(p.run(docs))
    assert [d.text for d in out] == [t.upper() + "領lǐ" for t in texts]
    size = lambda ts: sum(len(t.encode("utf-8")) if t else 99 for t in ts)  # noqa: E731 (empty text: byte range)
    upper = [t.upper() for t in texts]
    assert [s.bytes_in for s in p.stats] == [size(texts), size(upper), size(upper), size([t + "領lǐ" for t in upper])]
    assert p.stats[2].chars_removed == 3 * len(texts)
    assert all(d.removed[0].stage == "pinyin" and d.removed[0].text == "(x)" for d in out)
    assert all(d.utf8_size() == len(d.text.encode("utf-8")) for d in out)
