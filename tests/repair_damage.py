"""Synthetic damage for the repair tests: the damage classes of issue 3, made from clean text.

Used to judge generalisation beyond the seed strings (a held-out corpus with the same damage
classes is what counts): each function damages a clean string the way real pipelines do.
"""

from __future__ import annotations

import codecs
import re


def _fold_width(text: str) -> str:
    # Width folding as done downstream of the damage (fullwidth ASCII -> ASCII).
    return "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)


def _question(err: UnicodeDecodeError) -> tuple[str, int]:
    return "?", err.start + 1


codecs.register_error("cleanse_test_question", _question)


def gbk_lost_lead(text: str, index: int) -> str:
    """Drop the lead byte of text[index] in its GBK bytes and decode the rest as GBK."""
    raw = bytearray()
    cut = None
    for k, c in enumerate(text):
        b = c.encode("gbk")
        if k == index:
            assert len(b) == 2
            cut = len(raw)
        raw += b
    del raw[cut]
    return _fold_width(bytes(raw).decode("gbk", errors="cleanse_test_question"))


def reencode(text: str, right: str, wrong: str) -> str:
    """Bytes in `right` encoding read as `wrong` (strict; raises if not possible)."""
    return text.encode(right).decode(wrong)


def han_sentences(text: str, min_len: int = 12) -> list[str]:
    return [s for s in re.split(r"[\n]", text) if len(s) >= min_len]
