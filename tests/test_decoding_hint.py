"""Charset hints weighed against the bytes: a label decides only where the bytes leave room."""

from __future__ import annotations

import pytest

from cleanse.decoding import DecodeStage
from cleanse.decoding.hint import decode_with_hint, hinted_codec, meta_charset
from cleanse.document import Document

TEXT = "这是一个中文网页的正文内容，用于测试编码识别，记者采访了当地居民。" * 3
TRAD = "這是一篇繁體中文的新聞報導，內容相當豐富，記者採訪了當地居民。" * 3


def _page(body: str, meta: str = "") -> str:
    return (f"<!DOCTYPE html><html><head>{meta}<title>t</title><script>var a = 'x';</script></head>"
            f"<body><div class='nav'><a href='/'>home</a></div><p>{body}</p></body></html>")


@pytest.mark.parametrize(("text", "codec", "label", "want", "decision"), [
    (TEXT, "gbk", "gb2312", "gb18030", "hint_agrees"),  # gb2312 label read as GB18030
    (TEXT, "utf-8", "iso-8859-1", "utf-8", "bytes_over_hint"),  # wrong label loses
    (TEXT, "gbk", "big5", "gb18030", "bytes_over_hint"),
    (TRAD, "cp950", "gb2312", "cp950", "bytes_over_hint"),
    (TRAD, "cp950", "big5", "cp950", "hint_agrees"),
])
def test_page_hint_against_bytes(text, codec, label, want, decision):
    raw = _page(text).encode(codec)
    result, got = decode_with_hint(raw, label, page=True)
    assert (result.encoding, got) == (want, decision)
    assert text in result.text


def test_hint_decides_ambiguous_bytes():
    raw = "caf\u00e9 cr\u00e8me".encode("cp1252")
    result, decision = decode_with_hint(raw, "iso-8859-1")
    assert result.text == "café crème" and decision in ("hint", "hint_agrees")


def test_labels():
    assert hinted_codec("GB2312") == "gb18030" and hinted_codec("big5") == "cp950"
    assert hinted_codec("no-such-codec") is None
    assert meta_charset(b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=GBK">') == "gbk"
    assert meta_charset(b"<meta charset='utf-8'>") == "utf-8"


def test_plain_gbk_text_without_hint():
    # GBK's level-1 lead bytes read as UTF-16-BE are Hangul syllables: plausible, but no NUL
    # byte, kana or frequent Han character backs that reading (it was taken before the fix).
    plain = Document.from_bytes("p.txt", TEXT.encode("gbk"))
    DecodeStage().process(plain)
    assert plain.meta == {} and plain.text == TEXT


def test_stage_records_hint_and_decision():
    doc = Document.from_bytes("p.html", _page(TEXT, "<meta charset='gb2312'>").encode("gbk"))
    DecodeStage().process(doc)
    assert doc.encoding == "gb18030" and TEXT in doc.text
    assert doc.meta == {"charset_hint": "gb2312", "charset_decision": "hint_agrees"}
    labelled = Document.from_bytes("r", TEXT.encode("utf-8"))
    labelled.declared_encoding = "iso-8859-1"
    DecodeStage().process(labelled)
    assert labelled.text == TEXT and labelled.meta["charset_decision"] == "bytes_over_hint"


def test_short_legacy_lines_are_not_read_as_bomless_utf16():
    # 4 of the seeds' short lines in GBK were read as UTF-16-BE before the evidence check.
    from cleanse.decoding import detect_and_decode
    from tests.ops_inputs import seed_lines

    checked = 0
    for line in (ln for ln in seed_lines() if 8 <= len(ln) <= 200):
        for codec in ("gbk", "big5"):
            try:
                raw = line.encode(codec)
            except UnicodeEncodeError:
                continue
            result = detect_and_decode(raw)
            assert (result.text, result.encoding.startswith("utf-16")) == (line, False), codec
            checked += 1
    assert checked >= 80
