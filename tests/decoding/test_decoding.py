"""Decoding: every seed decodes; one text in many encodings decodes identically; junk is rejected."""

from __future__ import annotations

import codecs

import pytest

from cleanse import DecodeStage, Document, Reject, detect_and_decode
from cleanse.decoding import byte_offsets
from tests.conftest import seed_bytes, seed_paths

TEXT = seed_bytes("001").decode("utf-8")  # Traditional: encodable in Big5 as well as GBK
SIMPLIFIED = seed_bytes("000").decode("utf-8")


@pytest.mark.parametrize("path", seed_paths())
def test_each_seed_decodes_as_utf8(path: str) -> None:
    raw = open(path, "rb").read()
    result = detect_and_decode(raw)
    assert result.reject is None
    assert result.encoding == "utf-8"
    assert result.text == raw.decode("utf-8")
    assert result.undecodable_bytes == 0


ENCODED = {
    "gbk": (TEXT, TEXT.encode("gbk"), "gb18030"),
    "gb18030": (TEXT, TEXT.encode("gb18030"), "gb18030"),
    "gbk-simplified": (SIMPLIFIED, SIMPLIFIED.encode("gbk"), "gb18030"),
    "big5": (TEXT, TEXT.encode("big5"), "cp950"),
    "utf16le-bom": (TEXT, codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
    "utf16be-bom": (TEXT, codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
    "utf16le-nobom": (TEXT, TEXT.encode("utf-16-le"), "utf-16-le"),
    "utf16be-nobom": (TEXT, TEXT.encode("utf-16-be"), "utf-16-be"),
    "utf16le-nobom-simplified": (SIMPLIFIED, SIMPLIFIED.encode("utf-16-le"), "utf-16-le"),
    "utf8-bom": (TEXT, codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
    "utf32le-bom": (TEXT, codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32-le"),
}


@pytest.mark.parametrize("name", sorted(ENCODED))
def test_same_text_in_every_encoding_decodes_identically(name: str) -> None:
    text, data, codec = ENCODED[name]
    result = detect_and_decode(data)
    assert result.reject is None
    assert result.text == text
    assert result.encoding == codec
    assert result.undecodable_bytes == 0
    assert 0 < result.confidence <= 1


def test_gbk_only_characters_beyond_the_sample_still_decode() -> None:
    # The sample may look like GB2312; the superset codec must still take the GBK-only tail.
    head = SIMPLIFIED * 10  # > 64 KB of GB2312-range text
    tail = "\n镕堃喆" * 3  # outside GB2312, inside GBK
    data = (head + tail).encode("gbk")
    result = detect_and_decode(data)
    assert result.text == head + tail
    assert result.encoding == "gb18030"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b" \n\t\r\n  ", "empty"),
        (codecs.BOM_UTF8 + b"   \n", "empty"),
        (bytes(range(256)) * 64, "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(2000), "binary"),
        (b"abc\x00def\x00" * 200, "binary"),
    ],
    ids=["empty", "blank", "bom-blank", "bytes", "png", "nul-heavy"],
)
def test_non_text_is_rejected_with_reason(data: bytes, reason: str) -> None:
    assert detect_and_decode(data).reject == reason


def test_decode_stage_reject_keeps_raw_bytes() -> None:
    raw = b"\x00\x01\x02\x03" * 100
    out = DecodeStage().process(Document.from_bytes("x.bin", raw))
    assert isinstance(out, Reject)
    assert out.reason == "binary" and out.stage == "decode" and out.raw == raw


def test_undecodable_bytes_are_counted() -> None:
    data = TEXT.encode("gbk")
    broken = data[:1000] + b"\xff\xff" + data[1000:]
    result = detect_and_decode(broken)
    assert result.reject is None
    assert result.undecodable_bytes >= 1


@pytest.mark.parametrize("codec", ["utf-8", "gbk", "big5", "utf-16-le"])
def test_byte_offsets_map_characters_to_source_bytes(codec: str) -> None:
    raw = (codecs.BOM_UTF16_LE if codec == "utf-16-le" else b"") + TEXT.encode(codec)
    doc = DecodeStage().process(Document.from_bytes("x", raw))
    assert isinstance(doc, Document)
    marks = [0, 10, 500, len(doc.text)]
    offsets = byte_offsets(doc, marks)
    for (a, b), (x, y) in zip(zip(marks, marks[1:]), zip(offsets, offsets[1:])):
        assert raw[x:y].decode(doc.encoding) == doc.text[a:b]
    assert offsets[-1] == len(raw)


def test_byte_offsets_exact_with_undecodable_bytes() -> None:
    good = TEXT.encode("gbk")
    raw = good[:300] + b"\xff" + good[300:]
    doc = DecodeStage().process(Document.from_bytes("x", raw))
    assert isinstance(doc, Document) and doc.undecodable_bytes > 0
    (end,) = byte_offsets(doc, [len(doc.text)])
    assert end == len(raw)
    (mid,) = byte_offsets(doc, [len(doc.text) // 2])
    tail = raw[mid:].decode(doc.encoding, "replace")
    assert tail == doc.text[len(doc.text) // 2 :]


@pytest.mark.parametrize("name", ["gbk", "big5", "gbk-simplified"])
def test_clear_cut_chinese_legacy_text_is_decided_without_chardet(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("chardet consulted")

    monkeypatch.setattr("cleanse.decoding.detect.chardet.detect", fail)
    text, data, codec = ENCODED[name]
    result = detect_and_decode(data)
    assert (result.text, result.encoding) == (text, codec)
    assert result.confidence >= 0.97


def test_non_chinese_legacy_text_still_goes_to_chardet(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bytes] = []
    real = detect_and_decode.__globals__["chardet"].detect

    def spy(sample: bytes, *args: object, **kwargs: object) -> object:
        calls.append(sample)
        return real(sample, *args, **kwargs)

    monkeypatch.setattr("cleanse.decoding.detect.chardet.detect", spy)
    text = "Привет, мир! Это обычный русский текст о погоде и новостях. " * 40
    result = detect_and_decode(text.encode("cp1251"))
    assert calls and len(calls[0]) <= 64 * 1024
    assert result.text == text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_bomless_utf16_of_mostly_ascii_text_is_text_not_binary(codec: str) -> None:
    text = "Report 2024: revenue grew 5% (see http://example.com/a?b=1).\n中文摘要在此。\n" * 30
    result = detect_and_decode(text.encode(codec))
    assert result.reject is None
    assert (result.text, result.encoding) == (text, codec)
