"""Pinyin ruby residue: `領(lǐng)導(dǎo)` -> `領導`.

Flattening `<ruby>領<rp>(</rp><rt>lǐng</rt><rp>)</rp></ruby>` leaves a parenthesised
syllable after the character it annotates. A note is recognised only when it is one valid
Mandarin syllable (checked against the pinyin table) carrying a tone mark, so real
parentheses (`北京(Beijing)`, `(一)`, `(記者 馬雋)`) never match. The note is evidence of
which character it annotates; `cjk_mojibake` (which runs first) reads it to restore lost
characters, this stage then removes what is left.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cleanse.repair.model import is_han, model, strip_tone
from cleanse.stage import TextEdit, TextStage

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# One syllable: lowercase letters, ü and tone-marked vowels. Validated against the table.
_SYLLABLE = f"[a-zü{TONED}]{{1,6}}"
# A note: ( or （, a syllable, ) or ）. Several notes in a row are one match (idempotence).
NOTE_RE = re.compile(rf"(?:[(（]{_SYLLABLE}[)）])+")
_ONE_NOTE_RE = re.compile(rf"[(（]({_SYLLABLE})[)）]")
# Debris of a lost character with its note: `?(bào)`, or `?bào)` where the decoder swallowed
# the `(` together with the lost lead byte.
DEBRIS_RE = re.compile(rf"[?？\ufffd][(（]?({_SYLLABLE})[)）]")
# Cheap precheck: a tone-marked letter right after an opening parenthesis.
PRECHECK_RE = re.compile(rf"[(（?？\ufffd][a-zü]{{0,5}}[{TONED}]")


@lru_cache(maxsize=1)
def toneless_syllables() -> frozenset[str]:
    return frozenset(strip_tone(r) for r in model().readings)


@lru_cache(maxsize=8192)
def is_syllable(s: str) -> bool:
    """One Mandarin syllable with a tone mark (`lǐng`), per the reading table."""
    return any(c in TONED for c in s) and strip_tone(s) in toneless_syllables()


def note_syllables(match_text: str) -> list[str] | None:
    """Syllables of a run of notes, or None if any of them is not a toned syllable."""
    sylls = _ONE_NOTE_RE.findall(match_text)
    return sylls if sylls and all(is_syllable(s) for s in sylls) else None


def annotatable(c: str) -> bool:
    """Characters a surviving note may follow: a Han character or debris of a lost one
    (`?`, U+FFFD, or an ASCII letter that was the trail byte of a GBK character)."""
    return is_han(c) or c in "?？\ufffd" or ("a" <= c <= "z") or ("A" <= c <= "Z")


def strip_ruby(text: str) -> TextEdit:
    """Remove pinyin ruby notes that follow a Han character (or its debris)."""
    if not PRECHECK_RE.search(text):
        return TextEdit(text)
    removed: list[tuple[str, str]] = []
    if "?" in text or "？" in text or "\ufffd" in text:
        text = remove_debris(text, removed)
    out: list[str] = []
    pos = 0
    for m in NOTE_RE.finditer(text):
        start = m.start()
        if start == 0 or not annotatable(text[start - 1]):
            continue
        if note_syllables(m.group()) is None:
            continue
        out.append(text[pos:start])
        removed.append(("pinyin_ruby", m.group()))
        pos = m.end()
    if not removed:
        return TextEdit(text)
    out.append(text[pos:])
    # A lost character's debris may sit between a character and its note: run to a fixpoint
    # so that the stage is idempotent.
    again = "".join(out)
    if again != text and PRECHECK_RE.search(again):
        more = strip_ruby(again)
        removed.extend(more.removed)
        again = more.text
    return TextEdit(again, removed=removed)


def remove_debris(text: str, removed: list[tuple[str, str]]) -> str:
    """Drop `?(bào)` / `?bào)`: a lost character (the `?`) and its note, when the restoration
    in `cjk_mojibake` could not pin the character down."""
    def drop(m: re.Match[str]) -> str:
        if not is_syllable(m.group(1)):
            return m.group()
        removed.append(("lost_char_debris", m.group()))
        return ""
    while True:  # removing one piece of debris can expose another (`??(lǐng)lǐng)`)
        new = DEBRIS_RE.sub(drop, text)
        if new == text:
            return text
        text = new


class PinyinRubyStage(TextStage):
    """Slot 5: remove the pinyin notes left by flattened `<ruby>` markup."""

    name = "pinyin_ruby"
    version = "1"

    def transform(self, text: str) -> TextEdit:
        return strip_ruby(text)
