"""Bounded cost per document (issue 16): the adversarial inputs that were quadratic.

No wall-clock thresholds: costs are checked by counting work (bytes decoded) over a 10x size
step, and rewritten patterns against the plain ones they replace."""

from __future__ import annotations

import codecs
import re

from hypothesis import given, settings
from hypothesis import strategies as st

import cleanse.decoding.detect  # noqa: F401  (registers the cleanse-count error handler)
from cleanse.boilerplate.split import SplitArticlesStage
from cleanse.decoding import stage as decoding_stage
from cleanse.document import Document
from cleanse.normalization.normalize import _rules, normalize_zh


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \n中a\u3000", max_size=40))
def test_space_before_newline_matches_the_plain_pattern(text: str) -> None:
    assert _rules().space_before_newline.sub("\n", text) == re.sub(r" [ ]*\n", "\n", text)


def test_long_space_run_is_one_space() -> None:
    # 200,000 spaces between two words took 19.8 s (the pattern rescanned the run per space).
    assert normalize_zh("科技" + " " * 200_000 + "工作").text == "科技 工作"


def _old_byte_of_char(raw: bytes, codec: str, index: int) -> int:
    lo, hi = 0, len(raw)
    while lo < hi:
        mid = (lo + hi) // 2
        n = len(codecs.getincrementaldecoder(codec)("cleanse-count").decode(raw[:mid], final=False))
        if n >= index:
            hi = mid
        else:
            lo = mid + 1
    return lo


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["utf-8", "gb18030", "big5", "utf-16-le", "shift_jis", "euc-kr", "cp1252"]),
    st.text(alphabet="双鸭山【篇一】aé\n", min_size=1, max_size=300),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=5),
    st.lists(st.integers(0, 10_000), min_size=1, max_size=12),
)
def test_byte_positions_match_the_prefix_search(codec, text, damage, picks) -> None:
    raw = bytearray(text.encode(codec, "replace"))
    for pos, value in damage:
        raw[pos % len(raw)] = value
    raw = bytes(raw)
    n = len(raw.decode(codec, "cleanse-count"))
    indices = [p % (n + 1) for p in picks]
    assert decoding_stage._bytes_of_chars(raw, codec, indices) == [_old_byte_of_char(raw, codec, i) for i in indices]
    ok = text.encode(codec, "replace").decode(codec)
    assert decoding_stage._encoded_lengths(ok, codec, [i % (len(ok) + 1) for i in picks]) == [
        len(ok[: i % (len(ok) + 1)].encode(codec)) for i in picks
    ]


class _Counting:
    """Stands in for the `codecs` module in the decoding stage: counts the bytes decoded."""

    def __init__(self) -> None:
        self.decoded = 0

    def __getattr__(self, name):
        return getattr(codecs, name)

    def getincrementaldecoder(self, codec):
        factory = codecs.getincrementaldecoder(codec)
        counter = self

        class Counted(factory):  # type: ignore[misc, valid-type]
            def decode(self, data, final=False):
                counter.decoded += len(data)
                return super().decode(data, final)

        return Counted


def _split_cost(monkeypatch, articles: int) -> tuple[int, int]:
    body = "".join(f"【篇{i}】\n" + "内容" * 45 + "\n" for i in range(1, articles + 1))
    doc = Document.from_bytes("x", body.encode() + b"\xff")  # one stray byte: the slow path
    # (decoded as the decoding stage does for UTF-8 with undecodable bytes)
    doc.text, doc.encoding, doc.undecodable_bytes = doc.raw.decode("utf-8", "replace"), "utf-8", 1
    counting = _Counting()
    monkeypatch.setattr(decoding_stage, "codecs", counting)
    out = SplitArticlesStage().process(doc)
    monkeypatch.undo()
    assert isinstance(out, list) and len(out) == articles
    assert out[-1].raw_slice.endswith(b"\xff")
    return counting.decoded, len(doc.raw)


def test_split_cost_is_linear_in_length_times_markers(monkeypatch) -> None:
    # 100k characters with 1,000 markers and one 0xFF byte took 26 s: every marker's byte
    # offset re-decoded prefixes of the whole file. Ten times the articles must cost about ten
    # times the bytes decoded (it was a hundred).
    small, small_len = _split_cost(monkeypatch, 100)
    large, large_len = _split_cost(monkeypatch, 1000)
    assert large / small < 11 * large_len / small_len / 10
