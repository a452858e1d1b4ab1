"""Byte-level tables of the legacy codecs: GBK codes, each character's bytes per codec (memoised
with `Memo`), and the fullwidth folding seen inside shifted GBK spans."""

from __future__ import annotations

from functools import lru_cache

from cleanse.repair.memo import Memo
from cleanse.repair.model import is_han, model
from cleanse.repair.cjk.tuning import TUNING


@lru_cache(maxsize=1)
def gbk_table() -> tuple[dict[int, str], dict[int, list[str]], dict[int, list[str]]]:
    """GBK double-byte code -> character, and plausible characters by lead and by trail byte."""
    m = model()
    max_cost = TUNING.candidate_max_cost
    by_code: dict[int, str] = {}
    by_lead: dict[int, list[str]] = {}
    by_trail: dict[int, list[str]] = {}
    trails = [t for t in range(0x40, 0xFF) if t != 0x7F]
    for lead in range(0x81, 0xFF):
        # All pairs of one lead in one decode: a newline is never a trail byte, so it ends
        # every pair; a valid pair is one character, an invalid one gives U+FFFD (+ more).
        pieces = b"\n".join(bytes((lead, t)) for t in trails).decode("gbk", "replace").split("\n")
        for trail, c in zip(trails, pieces):
            if len(c) != 1 or c == "\ufffd":
                continue
            by_code[lead << 8 | trail] = c
            if is_han(c) and m.unigram_cost(c) < max_cost:
                by_lead.setdefault(lead, []).append(c)
                by_trail.setdefault(trail, []).append(c)
    return by_code, by_lead, by_trail


def _encoder(codec: str):
    def encode(c: str) -> bytes | None:
        try:
            return c.encode(codec)
        except UnicodeEncodeError:
            return None
    return encode


# c -> its bytes in each codec a span may have been wrongly read with (None: not encodable).
ENCODED = {codec: Memo(_encoder(codec)) for codec in ("gbk", "big5", "latin-1", "cp1252")}


def _gbk_pair(c: str) -> bytes | None:
    b = ENCODED["gbk"][c]
    return b if b is not None and len(b) == 2 else None


# c -> its two GBK bytes (None for ASCII or a character without a double-byte code).
GBK2: Memo[str, bytes | None] = Memo(_gbk_pair)


def _utf8_len(c: str) -> int:
    return 1 if c < "\x80" else 2 if c < "\u0800" else 3 if c < "\U00010000" else 4


def _legacy_len(c: str) -> int:
    return 1 if c < "\x80" else 2  # GBK, Big5: ASCII is one byte, every other character two


# c -> its length in bytes in the codec it was decoded with.
BYTE_LEN = {"gbk": Memo(_legacy_len), "big5": Memo(_legacy_len), "utf-8": Memo(_utf8_len)}


def first_byte(text: str, p: int) -> int:
    """First GBK byte of text[p] (-1 past the end or for a character GBK cannot encode)."""
    if p >= len(text):
        return -1
    c = text[p]
    if c < "\x80":
        return ord(c)
    b = GBK2[c]
    return -1 if b is None else b[0]


def folded(text: str, p: int, first: bool = False) -> bytes | None:
    """An ASCII character inside a shifted span read as the fullwidth form it was folded from
    (GBK A3xx), when a non-ASCII character follows (or, for the first character of a span,
    an ASCII letter that may be the realigning trail byte: `,F(xiàn)` = A3 AC46 = 。現)."""
    c = text[p]
    if not ("!" <= c <= "~"):
        return None
    if p + 1 >= len(text) or text[p + 1].isspace():
        return None
    nxt = text[p + 1]
    if nxt < "\x80" and not (first and "@" <= nxt <= "~"):
        return None
    return bytes((0xA3, ord(c) + 0x80))
