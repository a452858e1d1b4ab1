"""Pinyin notes as evidence: the note after a decoded character (`報(bào)`), and the
characters a reading annotates elsewhere in the document."""

from __future__ import annotations

import re

from cleanse.repair.model import is_han
from cleanse.repair.pinyin import _SYLLABLE, is_syllable

NOTE_AT = re.compile(rf"[(（]({_SYLLABLE})[)）]")
_SYLLABLE_FULL = re.compile(_SYLLABLE)


def note_after(text: str, pos: int) -> str | None:
    """The reading of the pinyin note at text[pos], if one is there."""
    m = NOTE_AT.match(text, pos)
    return m.group(1) if m and is_syllable(m.group(1)) else None


class DocNotes:
    """Reading -> the Han characters annotated with it in the document, computed per reading
    on demand: only slots with a reading ask, and they ask for a few readings, while pinyin
    residue puts a note on nearly every word (tested against the whole-document scan)."""

    __slots__ = ("text", "found", "has_paren")

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: dict[str, frozenset[str]] = {}
        self.has_paren = "(" in text or "（" in text

    def get(self, reading: str, default=()):
        got = self.found.get(reading)
        if got is None:
            got = frozenset()
            if self.has_paren and _SYLLABLE_FULL.fullmatch(reading):
                got = frozenset(_annotated(self.text, reading))
            self.found[reading] = got
        return got if got else default


def _annotated(text: str, reading: str) -> list[str]:
    """The Han characters annotated with `reading`: str.find for the opening of the note runs
    at memchr speed, a regex pass does not."""
    out = []
    n = len(reading)
    for opening in ("(", "（"):
        p = text.find(opening + reading)
        while p >= 0:
            if p > 0 and text[p + 1 + n:p + 2 + n] in (")", "）") and is_han(text[p - 1]):
                out.append(text[p - 1])
            p = text.find(opening + reading, p + 1)
    return out
