"""Which language family a text is written in: Chinese, Japanese, Korean or other.

The `script` column says `hans`/`hant`/`mixed` for Chinese text (see `cleanse.script.detect`)
and `ja`, `ko` or `other` for the rest, so that a user can filter the Japanese and Korean
pages a Chinese crawl always holds. Decided from character counts (rules as data, below):

- ``ko``: Hangul syllables and jamo are at least KO_SHARE of the CJK characters
  (Han + kana + Hangul). Korean prose is almost all Hangul; a Chinese page quoting a
  Korean name is far below.
- ``ja``: kana are at least JA_SHARE of the CJK characters. Japanese prose is 30-70% kana
  (particles and endings are kana); a Chinese page with a Japanese product name is far below.
- ``other``: CJK characters are fewer than OTHER_SHARE of all letters (an English or
  Russian page, a code listing with one Chinese comment).
- otherwise Chinese (the caller tells Simplified from Traditional).
"""

from __future__ import annotations

import numpy as np

# Code-point ranges of each class (inclusive), shared with the decoding plausibility table.
KANA = ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9D))
HANGUL = ((0xAC00, 0xD7A3), (0x1100, 0x11FF), (0x3130, 0x318F))
HAN = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))

KO_SHARE = 0.3
JA_SHARE = 0.2
OTHER_SHARE = 0.05

VERSION = "1"  # part of the identity of the stages that report it

_HAN, _KANA, _HANGUL, _LETTER = 1, 2, 3, 4
_N = 0x110000


def _table() -> np.ndarray:
    # Letters first (ASCII, Latin-1, Latin Extended, Greek, Cyrillic, Armenian, Hebrew,
    # Arabic, Indic, Thai): the CJK classes then overwrite their own ranges.
    table = np.zeros(_N, dtype=np.uint8)
    table[ord("A") : ord("Z") + 1] = _LETTER
    table[ord("a") : ord("z") + 1] = _LETTER
    table[0xC0:0x250] = _LETTER
    table[[0xD7, 0xF7]] = 0
    table[0x370:0x1000] = _LETTER
    for cls, ranges in ((_HAN, HAN), (_KANA, KANA), (_HANGUL, HANGUL)):
        for lo, hi in ranges:
            table[lo : hi + 1] = cls
    return table


_TABLE = _table()


def family_counts(cps: np.ndarray) -> tuple[int, int, int, int]:
    """(Han, kana, Hangul, other letters) in a code-point array."""
    counts = np.bincount(_TABLE[cps], minlength=5)
    return int(counts[_HAN]), int(counts[_KANA]), int(counts[_HANGUL]), int(counts[_LETTER])


def classify_family(han: int, kana: int, hangul: int, letters: int) -> str | None:
    """'ko', 'ja', 'other', or None for Chinese (see the module doc)."""
    cjk = han + kana + hangul
    if cjk == 0:
        return "other" if letters else None  # digits and punctuation alone: nothing to tell
    if cjk < OTHER_SHARE * (cjk + letters):
        return "other"
    if hangul >= KO_SHARE * cjk:
        return "ko"
    if kana >= JA_SHARE * cjk:
        return "ja"
    return None


def detect_family(text: str) -> str | None:
    """'ko', 'ja', 'other', or None when the text is Chinese."""
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return classify_family(*family_counts(cps))


def family_table() -> np.ndarray:
    """The class of every code point (0 none, 1 Han, 2 kana, 3 Hangul, 4 other letter)."""
    return _TABLE
