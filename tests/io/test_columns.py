"""The Parquet writers build Arrow columns themselves (cleanse.io.columns); they must give
exactly the table pyarrow's own `Table.from_pylist` gives for the same rows."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.document import Document, Reject, Removal, Repair, StageRecord
from cleanse.io.columns import rows_table, string_array
from cleanse.io.schema import DOCUMENT_SCHEMA, REJECT_SCHEMA, document_row, reject_row

# Han, pinyin tone marks, ASCII, NUL, an astral character (4 UTF-8 bytes), NBSP.
text = st.text(alphabet=st.sampled_from("中文領導lǐngdǎo ab,.\x00\n𠀀\u00a0"), max_size=12)
long_text = st.text(alphabet=st.sampled_from("中文領導lǐngdǎo ab\n𠀀"), min_size=60, max_size=400)
maybe = lambda s: st.none() | s  # noqa: E731


@st.composite
def documents(draw: st.DrawFn) -> Document:
    doc = Document(
        text=draw(text | long_text), id=draw(text), source=draw(text), source_sha256="ab" * 32,
        segment=draw(st.integers(0, 2**31 - 1)), byte_start=draw(st.integers(0, 2**40)),
        byte_end=draw(st.integers(0, 2**40)), encoding=draw(maybe(st.sampled_from(["utf-8", "gb18030"]))),
        encoding_confidence=draw(maybe(st.floats(0, 1))), undecodable_bytes=draw(st.integers(0, 10**6)),
        title=draw(maybe(text)), script=draw(maybe(st.sampled_from(["hans", "hant"]))),
        meta=draw(st.dictionaries(text, text, max_size=3)),
        signals={**draw(st.dictionaries(st.sampled_from(["han_ratio", "mojibake_score"]),
                                        st.floats(allow_nan=False) | st.integers(-5, 5))),
                 **draw(st.dictionaries(st.sampled_from(["char_count", "masked_count"]), st.integers(0, 2**62)))},
    )
    doc.stages.extend(StageRecord(draw(text), "1", draw(st.integers(0, 10**9))) for _ in range(draw(st.integers(0, 3))))
    doc.removed.extend(Removal(draw(text), draw(text), draw(text | long_text)) for _ in range(draw(st.integers(0, 4))))
    doc.repairs.extend(Repair(draw(text), draw(text), draw(text), draw(text), draw(st.integers(0, 10**6)))
                       for _ in range(draw(st.integers(0, 3))))
    return doc


def reference(docs: list[Document]) -> pa.Table:
    return pa.Table.from_pylist([document_row(d, "zh_web@1+abc") for d in docs], schema=DOCUMENT_SCHEMA)


@settings(max_examples=150, deadline=None)
@given(st.lists(documents(), max_size=6))
def test_documents_table_equals_from_pylist(docs: list[Document]) -> None:
    built = rows_table([document_row(d, "zh_web@1+abc") for d in docs], DOCUMENT_SCHEMA)
    built.validate(full=True)
    assert built.schema.equals(DOCUMENT_SCHEMA, check_metadata=True)
    assert built.equals(reference(docs))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(text, maybe(st.binary(max_size=20))), max_size=8))
def test_rejects_table_equals_from_pylist(items: list[tuple[str, bytes | None]]) -> None:
    rows = [reject_row(Reject(src, "00" * 32, "stage_error", "decode", detail, raw or b"", i, 0, len(raw or b"")))
            for i, (src, raw) in enumerate(items) for detail in (src if raw else None,)]
    built = rows_table(rows, REJECT_SCHEMA)
    built.validate(full=True)
    assert built.equals(pa.Table.from_pylist(rows, schema=REJECT_SCHEMA))


@pytest.mark.parametrize("values", [["a\x00b", "c"], ["", ""], [], ["中", None, "ǐ"], ["x" * 1000, "中" * 900, None]])
def test_string_array_edge_cases(values: list[str | None]) -> None:
    # NUL inside a value (falls back from the joined encoding), empties, nulls, long values.
    assert string_array(values).equals(pa.array(values, pa.string()))


def test_lone_surrogate_raises_like_pyarrow() -> None:
    with pytest.raises(UnicodeEncodeError):
        pa.array(["a\udcff"], pa.string())
    with pytest.raises(UnicodeEncodeError):
        string_array(["a\udcff"])
    with pytest.raises(UnicodeEncodeError):
        string_array(["a\udcff" * 100])


def test_records_keep_attribute_access_and_value_semantics() -> None:
    r = Removal("pinyin_ruby", "note", "(lǐng)")
    assert (r.stage, r.reason, r.text) == ("pinyin_ruby", "note", "(lǐng)")
    assert r == Removal("pinyin_ruby", "note", "(lǐng)") and hash(r) == hash(Removal("pinyin_ruby", "note", "(lǐng)"))
    assert repr(r) == "Removal(stage='pinyin_ruby', reason='note', text='(lǐng)')"
    with pytest.raises(AttributeError):
        r.text = "x"  # type: ignore[misc]
    assert Repair("s", "k", "a", "b", 3).offset == 3 and StageRecord("s", "1", 2).chars_changed == 2


def test_fast_record_construction_equals_the_constructor() -> None:
    from cleanse.stage import _new_record

    for cls, values in ((Removal, ("a", "b", "c")), (Repair, ("s", "k", "a", "b", 3)), (StageRecord, ("s", "1", 2))):
        fast = _new_record(cls, values)
        assert type(fast) is cls and fast == cls(*values) and fast._asdict() == cls(*values)._asdict()


def test_corpus_writer_rows_are_snapshots_at_write_time(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pyarrow.parquet as pq

    from cleanse.io.layout import documents_part
    from cleanse.io.parquet import CorpusPartWriter

    doc = Document(text="領導", id="a", source="s", source_sha256="0" * 64, meta={"k": "v"})
    doc.removed.append(Removal("pinyin_ruby", "note", "(lǐng)"))
    expected = reference([doc]).replace_schema_metadata(None)
    writer = CorpusPartWriter(str(tmp_path), 0, "zh_web@1+abc")
    writer.write(doc)
    doc.removed.append(Removal("x", "y", "z"))  # after the write: not in the row
    doc.meta["late"] = "1"
    writer.close()
    got = pq.read_table(tmp_path / documents_part(0)).replace_schema_metadata(None)
    assert got.equals(expected)


def test_row_groups_close_on_the_memory_rows_hold_not_only_their_text(tmp_path) -> None:
    """A crawl page's row can carry hundreds of small removals: the buffered rows' memory,
    not their text alone, closes a row group (a 100 MB WARC once buffered 6,000 such rows)."""
    import pyarrow.parquet as pq

    from cleanse.document import Document, Removal
    from cleanse.io.parquet import CorpusPartWriter, WriterOptions, buffered_bytes

    def doc(i: int) -> Document:
        d = Document(text="正文" * 50, source="s", source_sha256="0" * 64, byte_start=0, byte_end=300, id=f"{i:016x}")
        d.removed = [Removal("pinyin_ruby", "pinyin_ruby", "(yè)") for _ in range(300)]
        return d

    assert buffered_bytes(doc(0)) > 300 * 160 > 3 * len(doc(0).text) * 100
    writer = CorpusPartWriter(str(tmp_path), 0, "p", options=WriterOptions(row_group_bytes=1 << 20))
    for i in range(200):
        writer.write(doc(i))
    assert writer.close() == (200, 0)
    meta = pq.ParquetFile(tmp_path / "documents" / "part-00000.parquet").metadata
    assert meta.num_rows == 200 and meta.num_row_groups >= 8  # by text alone: one row group
