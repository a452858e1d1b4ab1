"""The document model: identity assigned once after splitting, and the remembered UTF-8 size."""

from __future__ import annotations

from cleanse.document import Document, Reject, assign_ids, make_id


def test_utf8_size_follows_every_text_change() -> None:
    doc = Document(text="abc", source="s", source_sha256="0")
    for text in ("abc", "中文", "中文\udcff", "", "x" * 10, "領導(lǐng)"):
        doc.text = text
        assert doc.utf8_size() == len(text.encode("utf-8", "surrogatepass"))
        assert doc.utf8_size() == len(text.encode("utf-8", "surrogatepass"))  # the remembered value


def test_assign_ids_numbers_each_source_in_output_order() -> None:
    a0, a1 = (Document(text=t, source="a", source_sha256="1", segment=7) for t in ("x", "y"))
    rej = Reject("a", "1", "empty", "decode", "", b"")
    b0 = Document(text="z", source="b", source_sha256="2")
    out = list(assign_ids([a0, rej, a1, b0]))
    assert [(o.source, o.segment) for o in out] == [("a", 0), ("a", 1), ("a", 2), ("b", 0)]
    assert [o.id for o in out if isinstance(o, Document)] == [make_id("1", "a", 0), make_id("1", "a", 2),
                                                             make_id("2", "b", 0)]
