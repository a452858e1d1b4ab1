"""Per-stage byte counts (the UTF-8 size of each stage's input, memoised per text object) and
batches (input order, rejects and outputs do not depend on the batch size)."""

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


class FailsOnX(TextStage):
    name = "fails_on_x"
    version = "1"

    def transform(self, text: str) -> str:
        if "X" in text:
            raise ValueError("no X please")
        return text + "!"


LOG: list[tuple[str, str]] = []


class LogFirst(TextStage):
    name = "log_first"
    version = "1"

    def transform(self, text: str) -> str:
        LOG.append((self.name, text))
        return text.upper()


class LogLast(LogFirst):
    name = "log_last"

    def transform(self, text: str) -> str:
        LOG.append((self.name, text))
        return text


def test_batches_keep_order_outputs_and_stats_and_run_stage_by_stage() -> None:
    from cleanse.document import Reject

    texts = ["a", "bx", "c", "d", "ex", "f", "g"]
    results = set()
    for batch_docs, batch_bytes, size in [(1, 1 << 20, 1), (3, 1 << 20, 3), (64, 1 << 20, 7), (64, 25, 3)]:
        docs = [Document(text=t, id=str(i), source=f"s{i}", source_sha256="0" * 64, byte_end=10)
                for i, t in enumerate(texts)]
        LOG.clear()
        p = Pipeline("t", "1", [LogFirst(), FailsOnX(), LogLast()], batch_docs=batch_docs, batch_bytes=batch_bytes)
        out = list(p.run(docs))
        # Every input comes out once, in input order: a document or a reject with its reason.
        assert [o.source for o in out] == [f"s{i}" for i in range(len(texts))]
        assert [isinstance(o, Reject) and o.reason == "stage_error" for o in out] == ["x" in t for t in texts]
        assert [s.docs_in for s in p.stats] == [7, 7, 5] and p.stats[1].rejected == 2
        results.add(tuple((type(o).__name__, getattr(o, "text", None)) for o in out))
        # Each stage goes over a whole batch (`size` documents of 10 bytes) before the next starts.
        expected = []
        for k in range(0, len(texts), size):
            chunk = texts[k : k + size]
            expected += [("log_first", t) for t in chunk]
            expected += [("log_last", t.upper() + "!") for t in chunk if "x" not in t]
        assert LOG == expected
    assert len(results) == 1  # the batch size changes nothing in the output


class BatchUpper(TextStage):
    """Transforms whole batches; a batch holding "bad" raises, and so does "bad" alone."""

    name = "batch_upper"
    version = "1"
    batch_calls = 0

    def transform(self, text: str) -> str:
        if text == "bad":
            raise ValueError("bad text")
        return text.upper()

    def transform_batch(self, texts: list[str]) -> list[TextEdit | str]:
        BatchUpper.batch_calls += 1
        return [self.transform(t) for t in texts]


def test_batch_transform_falls_back_to_one_by_one_and_rejects_only_the_bad_document() -> None:
    from cleanse.document import Reject

    docs = [Document(text=t, id=str(i), source=f"s{i}", source_sha256="0" * 64, byte_end=10)
            for i, t in enumerate(["a", "bad", "c", "d"])]
    BatchUpper.batch_calls = 0
    p = Pipeline("t", "1", [BatchUpper()], batch_docs=2)
    out = list(p.run(docs))
    assert BatchUpper.batch_calls == 2  # one call per batch of two
    assert [o.text if not isinstance(o, Reject) else o.reason for o in out] == ["A", "stage_error", "C", "D"]
    # The good document of the failed batch was transformed once, not twice.
    assert [len(o.stages) for o in out if not isinstance(o, Reject)] == [1, 1, 1]
    assert p.stats[0].docs_in == 4 and p.stats[0].docs_out == 3 and p.stats[0].rejected == 1
