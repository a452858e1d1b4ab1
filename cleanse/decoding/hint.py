"""Charset hints (HTTP Content-Type, `<meta charset>`) weighed against the bytes.

The detector decides first, from the bytes alone. The hint then wins only where the bytes
leave room: when the detector's answer is uncertain (confidence under `TRUST`), has
undecodable bytes, or is a reject, and the hinted codec decodes every byte. A label naming
a subset is read as its superset (`gb2312` -> GB18030, `big5` -> cp950), as browsers do.
So a page labelled `gb2312` is decoded as GB18030, and a wrong label (`iso-8859-1` on
UTF-8 or GBK bytes) loses to clear evidence. The decision is recorded:

- `no_hint`: there was none; `hint_agrees`: the detector found the hinted family;
- `hint`: the bytes were ambiguous and the hint decided;
- `bytes_over_hint`: the detector's clear answer differs from the hint and was kept;
- `unknown_hint`: the label names no codec Python knows.
"""

from __future__ import annotations

import codecs
import re

from cleanse.decoding.detect import Decoded, decode_counting, detect_and_decode

TRUST = 0.5
HINT_CONFIDENCE = 0.5  # recorded when the hint decided
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([-\w.:]{1,40})""", re.I)
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "euc-cn": "gb18030",
             "big5": "cp950", "x-big5": "cp950", "big5-hkscs": "big5hkscs", "iso-8859-1": "cp1252",
             "latin1": "cp1252", "ascii": "utf-8", "us-ascii": "utf-8", "shift_jis": "cp932", "euc-kr": "cp949"}


def meta_charset(raw: bytes) -> str | None:
    """The charset an HTML page declares in a `<meta>` tag within its first 4 KB."""
    m = _META_CHARSET.search(raw[:4096])
    return m.group(1).decode("ascii", "replace").lower() if m else None


def hinted_codec(label: str) -> str | None:
    """The codec a charset label means (superset for subset labels), or None if unknown."""
    label = label.strip().lower()
    name = _SUPERSET.get(label, label)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


_MARKUP = re.compile(rb"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^<>]*>", re.I | re.S)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def detect_page(raw: bytes, max_undecodable: float = 0.25) -> Decoded:
    """Detection for an HTML page: the detector sees the page's text without its markup.

    On a page, Chinese is a small share of the bytes (tags, scripts and styles are ASCII), so
    the detector's legacy-Chinese checks, which need mostly-Han text, would not fire on the
    raw bytes. The codec found on the text is then used for the whole page."""
    if raw.startswith(_BOMS) or b"\x00" in raw[:64]:
        return detect_and_decode(raw, max_undecodable)
    text_bytes = _MARKUP.sub(b"\n", raw)
    found = detect_and_decode(text_bytes, max_undecodable)
    if found.reject is not None or found.encoding is None:
        return detect_and_decode(raw, max_undecodable)
    text, bad = decode_counting(raw, found.encoding)
    if bad and bad / len(raw) > max_undecodable:
        return detect_and_decode(raw, max_undecodable)
    return Decoded(text, found.encoding, found.confidence, bad)


def decode_with_hint(raw: bytes, hint: str | None, max_undecodable: float = 0.25,
                     page: bool = False) -> tuple[Decoded, str]:
    """(the decoded text, the decision above). `page`: the bytes are an HTML page
    (detection on its text, `detect_page`)."""
    found = detect_page(raw, max_undecodable) if page else detect_and_decode(raw, max_undecodable)
    if not hint:
        return found, "no_hint"
    codec = hinted_codec(hint)
    if codec is None:
        return found, "unknown_hint"
    if found.encoding and codecs.lookup(found.encoding).name == codec:
        return found, "hint_agrees"
    if found.reject is None and found.bom:
        return found, "bytes_over_hint"
    uncertain = found.reject is not None or found.undecodable_bytes > 0 or found.confidence < TRUST
    if uncertain:
        text, bad = decode_counting(raw, codec)
        if bad == 0 and text.strip():
            return Decoded(text, codec, HINT_CONFIDENCE), "hint"
    return found, "bytes_over_hint"
