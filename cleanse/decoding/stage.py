"""The decoding stage: raw bytes on the document → text, with the encoding recorded."""

from __future__ import annotations

import codecs
from typing import Any

from cleanse.decoding.detect import detect_and_decode
from cleanse.decoding.doubt import DOUBT_RULE, DoubtRule, binary_bytes, decoding_doubt
from cleanse.decoding.hint import decode_with_hint, meta_charset
from cleanse.document import Document, Reject
from cleanse.stage import Stage

_BOM_BY_CODEC: dict[str, tuple[bytes, ...]] = {
    "utf-8": (codecs.BOM_UTF8,),
    "utf-16-le": (codecs.BOM_UTF16_LE,),
    "utf-16-be": (codecs.BOM_UTF16_BE,),
    "utf-32-le": (codecs.BOM_UTF32_LE,),
    "utf-32-be": (codecs.BOM_UTF32_BE,),
}


DOUBTFUL_SIGNAL = "decoding_doubtful"


class DecodeStage(Stage):
    """Decode `doc.raw` into `doc.text`; reject empty, binary and mostly undecodable input.

    Binary: the decoder's sample (NUL- or control-heavy), or, over the whole input, windows of
    control bytes holding at least `DoubtRule.binary_share` of it (`doubt.binary_bytes`).

    Every decoded row carries the `decoding_doubtful` signal: True when the decoding fails the
    plausibility check of `cleanse.decoding.doubt` (`doubt`, its thresholds), the reason then
    in `meta["decoding_doubt"]`.
    """

    name = "decode"
    signal_types = {DOUBTFUL_SIGNAL: "bool"}
    version = "13"  # 13: the control_bytes doubt check over the whole input (a window of 1,024 bytes with 32 NUL/C0 control bytes is binary: a JPEG after the 64 KB sample), a reject binary when binary windows are half the input or more; 12: rare Han characters followed by Chinese clause marks (，。、；：？！, CLAUSE_MIN, no kana) are Chinese too (classical poetry), in the decision and in the rare_han doubt check; 11: a short text that UTF-8 reads with a valid multi-byte character and one damaged place is UTF-8, not the single-byte garbage of a stray byte; 10: EUC-JP and EUC-KR compete on kana/Hangul evidence when chardet gives up (or names a Chinese codec whose Han characters are not Chinese, EUC-JP only); 9: the decoding_doubtful signal (and meta decoding_doubt); 8: a legacy Chinese reading with a few damaged places keeps a single-byte codec out (one stray byte in a mostly-ASCII Big5/GB2312 page); 7: the CJK fast path also takes damaged pages (plausibility >= 0.90 with the full frequency evidence; a U+FFFD of the text is no decoding error): same texts, the fast path's confidence where chardet's was; 6: BOM-less UTF-16 needs evidence beyond plausibility (NUL bytes, Chinese frequency or kana); 5: charset hints weighed against the bytes, pages detected on their text; 4: mostly-valid UTF-8 stays UTF-8; 3: ISO-2022, BOM-less UTF-32, Chinese-frequency check; 2: the CJK fast path scores codecs on a 16 KB head

    def __init__(self, max_undecodable: float = 0.25, doubt: DoubtRule = DOUBT_RULE, reject_doubtful: bool = False):
        self.max_undecodable = max_undecodable
        self.doubt = doubt
        # Opt-in: a doubtful decoding is a reject (`doubtful_decoding`, the check, codec and
        # confidence in its detail, its raw bytes kept) instead of a flagged row.
        self.reject_doubtful = reject_doubtful

    def config(self) -> dict[str, Any]:
        return {"max_undecodable": self.max_undecodable, "doubt": self.doubt.config(),
                "reject_doubtful": self.reject_doubtful}

    def process(self, doc: Document) -> Document | Reject:
        if doc.raw is None:
            raise ValueError("decode needs the document's raw bytes")
        raw = doc.raw_slice
        # Markup (a page, a WARC response body): detection on its text, and a charset hint
        # (`declared_encoding`: the HTTP Content-Type's, set by the WARC reader; else the
        # page's <meta charset>) weighed against the bytes (cleanse.decoding.hint). The hint
        # and the decision go to meta. Plain text without a hint decodes exactly as before.
        if raw.lstrip()[:1] == b"<" or doc.declared_encoding:
            hint = doc.declared_encoding or meta_charset(raw)
            result, decision = decode_with_hint(raw, hint, self.max_undecodable, page=raw.lstrip()[:1] == b"<")
            if hint:
                doc.meta["charset_hint"] = hint
            doc.meta["charset_decision"] = decision
        else:
            result = detect_and_decode(raw, self.max_undecodable)
        if result.reject:
            return Reject.of(doc, self.name, result.reject, result.detail)
        doubt = decoding_doubt(raw, result, self.doubt)
        if doubt == "control_bytes":
            # Binary data after (or inside) the text the decoder's sample saw: a reject when it
            # is most of the input (`DoubtRule.binary_share`), else a flagged row.
            binary = binary_bytes(raw, result, self.doubt)
            if binary >= self.doubt.binary_share * len(raw):
                return Reject.of(doc, self.name, "binary",
                                 f"{binary} of {len(raw)} bytes in windows of NUL or control bytes"
                                 f" (decoded as {result.encoding})")
        if doubt is not None and self.reject_doubtful:
            return Reject.of(doc, self.name, "doubtful_decoding",
                             f"{doubt}: decoded as {result.encoding}, confidence {result.confidence:.4f}")
        doc.text = result.text
        doc.encoding = result.encoding
        doc.encoding_confidence = round(result.confidence, 4)
        doc.undecodable_bytes = result.undecodable_bytes
        doc.signals[DOUBTFUL_SIGNAL] = doubt is not None
        if doubt is not None:
            doc.meta["decoding_doubt"] = doubt
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
        return [start + b for b in _encoded_lengths(doc.text, codec, char_indices)]
    return [start + b for b in _bytes_of_chars(raw, codec, char_indices)]


def _encoded_lengths(text: str, codec: str, char_indices: list[int]) -> list[int]:
    # One incremental encoding, piece by piece in index order: linear in the text whatever
    # the number of indices (encoding `text[:i]` for each index is length x indices).
    order = sorted(range(len(char_indices)), key=char_indices.__getitem__)
    out = [0] * len(char_indices)
    enc = codecs.getincrementalencoder(codec)()
    pos = total = 0
    for k in order:
        i = char_indices[k]
        total += len(enc.encode(text[pos:i]))
        pos = max(pos, i)
        out[k] = total
    return out


_BLOCK = 256  # bytes fed at once when looking for character positions in undecodable input


def _bytes_of_chars(raw: bytes, codec: str, char_indices: list[int]) -> list[int]:
    """For each index, the smallest byte position b such that raw[:b] decodes to at least
    that many complete characters. One incremental pass over `raw` in blocks; in the block
    where an index is reached, a binary search from the decoder state at its start. Cost: the
    length of `raw` plus a binary search in one block per index (a binary search re-decoding prefixes costs
    length x log(length) per index)."""
    order = sorted(range(len(char_indices)), key=char_indices.__getitem__)
    out = [0] * len(char_indices)
    dec = codecs.getincrementaldecoder(codec)("cleanse-count")
    probe = codecs.getincrementaldecoder(codec)("cleanse-count")
    pos = chars = 0  # bytes fed to `dec` and the characters it produced
    for k in order:
        target = char_indices[k]
        while pos < len(raw) and chars < target:
            state = dec.getstate()
            n = len(dec.decode(raw[pos : pos + _BLOCK], final=False))
            if chars + n < target:
                pos, chars = min(pos + _BLOCK, len(raw)), chars + n
                continue
            # The index lies in this block: binary search for its byte, each probe decoding
            # from the block's start state.
            lo, hi = 1, min(_BLOCK, len(raw) - pos)
            while lo < hi:
                mid = (lo + hi) // 2
                probe.setstate(state)
                if chars + len(probe.decode(raw[pos : pos + mid], final=False)) >= target:
                    hi = mid
                else:
                    lo = mid + 1
            dec.setstate(state)
            chars += len(dec.decode(raw[pos : pos + lo], final=False))
            pos += lo
        out[k] = pos
    return out
