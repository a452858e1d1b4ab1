"""Binary bytes the decoder's 64 KB sample does not see (issue 16, Build 1): the `control_bytes`
doubt check over the whole input, and the `binary` reject when binary is most of it."""

from __future__ import annotations

import codecs
import random

import pytest

from cleanse import DecodeStage, Document, Reject, detect_and_decode
from cleanse.decoding.detect import SAMPLE_BYTES
from cleanse.decoding.doubt import DOUBT_RULE, DoubtRule, binary_bytes, decoding_doubt
from tests.conftest import seed_bytes

TEXT = seed_bytes("001").decode("utf-8")  # Traditional: encodable in GBK, Big5 and UTF-8
# The codec each text encoding decodes as.
CODECS = {"gbk": "gb18030", "big5": "cp950", "utf-8": "utf-8"}


def _long_text(codec: str, size: int = SAMPLE_BYTES + 6000) -> bytes:
    """`TEXT` repeated, encoded, cut at a line end past `size` bytes (the sample is all text)."""
    raw = b""
    while len(raw) < size:
        raw += TEXT.encode(codec) + b"\n"
    return raw


def _jpeg_like(n: int, seed: int = 0) -> bytes:
    """A JFIF header and `n` random bytes (compressed data: about 10% of them NUL or C0)."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + random.Random(seed).randbytes(n)


def _decode(raw: bytes, stage: DecodeStage | None = None) -> Document | Reject:
    return (stage or DecodeStage()).process(Document.from_bytes("x.txt", raw))


def _assert_text_not_binary(raw: bytes, codec: str, text: str | None = None) -> None:
    """`raw` decodes as `codec` (into `text`), has no binary window and its row is not flagged."""
    decoded = detect_and_decode(raw)
    assert decoded.reject is None and decoded.encoding == codec
    assert text is None or decoded.text == text
    assert binary_bytes(raw, decoded) == 0
    out = _decode(raw)
    assert isinstance(out, Document) and out.signals["decoding_doubtful"] is False


@pytest.mark.parametrize("codec", sorted(CODECS))
def test_a_jpeg_after_the_sample_is_flagged(codec: str) -> None:
    # Before decode 13: GB18030 with confidence 0.98, decoding_doubtful false.
    text = _long_text(codec)
    raw = text + _jpeg_like(16384)
    assert detect_and_decode(raw).encoding == CODECS[codec]
    out = _decode(raw)
    assert isinstance(out, Document)
    assert out.signals["decoding_doubtful"] is True
    assert out.meta["decoding_doubt"] == "control_bytes"


def test_binary_inside_the_sample_under_its_thresholds_is_flagged() -> None:
    # 40 KB of text and 4 KB of JPEG: 1% control bytes in the sample, under the sample's 10%.
    raw = _long_text("gbk", 40000) + _jpeg_like(4096)
    assert len(raw) < SAMPLE_BYTES and detect_and_decode(raw).reject is None
    out = _decode(raw)
    assert isinstance(out, Document) and out.meta["decoding_doubt"] == "control_bytes"


@pytest.mark.parametrize("codec", ["gbk", "big5"])
def test_a_binary_tail_larger_than_the_text_is_a_binary_reject_with_its_raw_bytes(codec: str) -> None:
    raw = _long_text(codec) + _jpeg_like(200_000)
    assert detect_and_decode(raw).reject is None  # the decoder alone decodes it
    out = _decode(raw)
    assert isinstance(out, Reject)
    assert (out.reason, out.stage) == ("binary", "decode")
    assert out.raw == raw
    assert "control bytes" in out.detail


@pytest.mark.parametrize("codec", sorted(CODECS))
def test_the_same_text_alone_is_not_flagged(codec: str) -> None:
    raw = _long_text(codec)
    decoded = detect_and_decode(raw)
    sensitive = DoubtRule(control_window_min=1)  # one control byte in a window would do
    assert binary_bytes(raw, decoded, sensitive) == 0
    assert decoding_doubt(raw, decoded, sensitive) is None
    out = _decode(raw, DecodeStage(doubt=sensitive))
    assert isinstance(out, Document) and out.signals["decoding_doubtful"] is False


def test_a_few_stray_control_bytes_in_text_are_no_binary() -> None:
    # Control bytes a text file does carry: a DOS end-of-file mark, a vertical tab, a
    # backspace, a few together in one line; 20 of them in 70 KB.
    lines = _long_text("gbk").split(b"\n")
    rng = random.Random(3)
    for k in range(15):
        i = rng.randrange(len(lines))
        lines[i] += bytes([(0x01, 0x08, 0x0B, 0x1A, 0x1F)[k % 5]])
    lines[7] += b"\x02\x03\x0f\x16\x1f"
    raw = b"\n".join(lines) + b"\x1a"
    _assert_text_not_binary(raw, "gb18030")
    assert isinstance(_decode(raw, DecodeStage(reject_doubtful=True)), Document)


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF16_LE])
def test_utf16_is_not_affected(bom: bytes) -> None:
    # Mostly-ASCII UTF-16: every other byte NUL, far over a binary window's share.
    text = ("Chapter 1. " + TEXT[:200] + " the end of the line\n") * 300
    raw = bom + text.encode("utf-16-le")
    assert len(raw) - len(raw.translate(None, bytes(range(32)))) > len(raw) // 10
    _assert_text_not_binary(raw, "utf-16-le", text)


def test_iso2022_kr_shift_bytes_are_not_affected() -> None:
    # Each Hangul run is framed by SO/SI (0x0E/0x0F): control bytes, a binary window's worth.
    text = "역사적 예수 연구 a b 한국어 c d 문장 e\n" * 200
    raw = text.encode("iso2022_kr")
    assert raw.count(b"\x0e") >= 32 * (len(raw) // 1024)
    _assert_text_not_binary(raw, "iso2022_kr", text)


def test_a_page_with_a_charset_and_a_binary_tail_is_flagged() -> None:
    # Markup takes the hint path (cleanse.decoding.hint); the check runs after either path.
    page = b'<html><head><meta charset="gbk"></head><body>' + _long_text("gbk") + b"</body></html>"
    out = _decode(page + _jpeg_like(8192))
    assert isinstance(out, Document) and out.meta["decoding_doubt"] == "control_bytes"
    assert _decode(page).signals["decoding_doubtful"] is False  # type: ignore[union-attr]


def test_the_thresholds_are_part_of_the_stage_identity() -> None:
    config = DecodeStage().config()["doubt"]
    assert "control_bytes" in config["checks"]
    assert (config["control_window"], config["control_window_min"], config["binary_share"]) == (
        DOUBT_RULE.control_window, DOUBT_RULE.control_window_min, DOUBT_RULE.binary_share)
    assert DecodeStage(doubt=DoubtRule(binary_share=1.0)).config() != DecodeStage().config()
