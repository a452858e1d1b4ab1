"""The decoding stage: raw bytes on the document → text, with the encoding recorded."""

from __future__ import annotations

import codecs
from typing import Any

from cleanse.decoding.detect import detect_and_decode
from cleanse.document import Document, Reject
from cleanse.stage import Stage

_BOM_BY_CODEC: dict[str, tuple[bytes, ...]] = {
    "utf-8": (codecs.BOM_UTF8,),
    "utf-16-le": (codecs.BOM_UTF16_LE,),
    "utf-16-be": (codecs.BOM_UTF16_BE,),
    "utf-32-le": (codecs.BOM_UTF32_LE,),
    "utf-32-be": (codecs.BOM_UTF32_BE,),
}


class DecodeStage(Stage):
    """Decode `doc.raw` into `doc.text`; reject empty, binary and mostly undecodable input."""

    name = "decode"
    version = "3"  # 2: the CJK fast path scores codecs on a 16 KB head; 3: ISO-2022, BOM-less UTF-32, Chinese-frequency check

    def __init__(self, max_undecodable: float = 0.25):
        self.max_undecodable = max_undecodable

    def config(self) -> dict[str, Any]:
        return {"max_undecodable": self.max_undecodable}

    def process(self, doc: Document) -> Document | Reject:
        if doc.raw is None:
            raise ValueError("decode needs the document's raw bytes")
        raw = doc.raw_slice
        result = detect_and_decode(raw, self.max_undecodable)
        if result.reject:
            return Reject.of(doc, self.name, result.reject, result.detail)
        doc.text = result.text
        doc.encoding = result.encoding
        doc.encoding_confidence = round(result.confidence, 4)
        doc.undecodable_bytes = result.undecodable_bytes
        self.record(doc, 0)
        return doc


def byte_offsets(doc: Document, char_indices: list[int]) -> list[int]:
    """Absolute source byte offsets of character positions in `doc.text` as decoded.

    Valid for the text as the decoding stage left it (before any stage changed it), which
    is where splitting happens. Exact for every codec, including files with undecodable
    bytes (those take a slower path that re-decodes incrementally).
    """
    if doc.raw is None or doc.encoding is None:
        raise ValueError("byte_offsets needs a decoded document with its raw bytes")
    codec = doc.encoding
    raw = doc.raw_slice
    start = doc.byte_start
    for bom in _BOM_BY_CODEC.get(codec, ()):
        if raw.startswith(bom):
            start += len(bom)
            raw = raw[len(bom):]
            break
    if doc.undecodable_bytes == 0:
        text = doc.text
        return [start + len(text[:i].encode(codec)) for i in char_indices]
    return [start + _byte_of_char(raw, codec, i) for i in char_indices]


def _byte_of_char(raw: bytes, codec: str, index: int) -> int:
    # Smallest byte position b such that raw[:b] decodes to at least `index` complete characters.
    lo, hi = 0, len(raw)
    while lo < hi:
        mid = (lo + hi) // 2
        n = len(codecs.getincrementaldecoder(codec)("cleanse-count").decode(raw[:mid], final=False))
        if n >= index:
            hi = mid
        else:
            lo = mid + 1
    return lo
