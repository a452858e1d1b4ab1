"""Japanese lines: kana are text there, not the debris of a CJK codec read wrongly.

GBK and Big5 read as each other, or shifted by a byte, turn Chinese into kana mixed with Han
(`中華民國的歷史` as Big5 read as GBK: `い地チ瓣…`), so a kana is a suspect. In a Japanese
line the same kana are its particles and endings, and every "repair" of them is damage
(`私のTW200` -> `私及TW200`, `ご挨拶` -> `ご“ま`: chardet's EUC-JP and Shift_JIS test files).
What tells the two apart is what comes with the kana: the wrong readings that make kana
make, in the same GBK rows, Greek, Cyrillic, pinyin letters, bopomofo and box drawing, and
the lossy ones U+FFFD; Japanese text has kana and Han and none of those. A line is
Japanese when (`JapaneseTuning`, in the stage's identity):

- it holds at least `min_kana` kana, at least `min_share` of its Han and kana characters,
- and at most one of those foreign characters per `kana_per_foreign` kana.

Measured on damaged lines of the clean sample (every line of 6+ characters read as Big5
as GBK, GBK as Big5, UTF-8 as GBK and GBK one byte shifted, all with `errors="replace"`):
1 of 28,351 damaged lines is Japanese by this rule (`## まノゅン`, Big5 read as GBK); of
the lines with kana in chardet's Japanese test files, 7,501 of 8,290.
"""

from __future__ import annotations

import re

import numpy as np

from cleanse.repair.cjk.tuning import TUNING
from cleanse.script.family import KANA, family_counts

_KANA = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in KANA) + "]")
# What the readings that make kana also make (GBK rows A6-A9) and the lossy ones' U+FFFD.
_FOREIGN = re.compile(r"[\u0391-\u03c9\u0401-\u0451\u2500-\u257f\u3105-\u3129\ufffd"
                      r"āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňɑɡ]")


def is_japanese(text: str) -> bool:
    """True when `text` (a line, or a whole document) reads as Japanese (module doc)."""
    t = TUNING.japanese
    kana = len(_KANA.findall(text))
    if kana < t.min_kana:
        return False
    if len(_FOREIGN.findall(text)) * t.kana_per_foreign > kana:
        return False
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    han = family_counts(cps)[0]
    return kana >= t.min_share * (kana + han)


def off_japanese_lines(text: str, suspects: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The suspects (sorted) that are not on a Japanese line. A line is Japanese by its own
    characters, or, when it is too short to tell (`<title>年末年始もFaithさん</title>`), when it
    holds a kana and no foreign character in a text that is Japanese as a whole. Each line
    holding a suspect is looked at once, the whole text at most once."""
    out: list[tuple[int, int]] = []
    hi = -1
    japanese = False
    whole: bool | None = None
    for sus in suspects:
        if sus[0] >= hi:
            lo = text.rfind("\n", 0, sus[0]) + 1
            hi = text.find("\n", sus[0])
            hi = len(text) if hi < 0 else hi
            line = text[lo:hi]
            japanese = is_japanese(line)
            if not japanese and _KANA.search(line) and not _FOREIGN.search(line):
                if whole is None:
                    whole = is_japanese(text)
                japanese = whole
        if not japanese:
            out.append(sus)
    return out
