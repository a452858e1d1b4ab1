"""Quality signals per row. Nothing is dropped: the signals let a user filter afterwards.

- `char_count`: characters in the text (newlines included).
- `han_ratio`: Han characters / non-whitespace characters.
- `placeholder_count`: template placeholders left by 范文 sites (`20xx年`, `xx届`, `××`, `XX公司`).
- `masked_count`: runs of `*` masking names or dates (`建设创新型*的目标`, `(*-2020年)`).
- `mojibake_score`: share of non-whitespace characters that look like leftover mojibake:
  Han characters outside the common sets (GB2312 levels 1+2 and Big5 level 1, taken from
  Python's own codecs), U+FFFD, private-use characters, `?` between two Han characters
  (a lost GBK byte), and Latin-1/cp1252 sequences typical of UTF-8 read as Latin-1.
  Self-contained: it needs no frequency table. Wrong-but-common characters produced by a
  GBK shift (上?萍既瞬…) score only through their `?` and rare neighbours.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cleanse.stage import TextEdit, TextStage

_HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{_HAN_RANGES}]")
_SPACE = re.compile(r"\s")
_PLACEHOLDER = re.compile(
    rf"(?<![A-Za-z0-9])(?:(?:19|20)[xX×]{{2}}|[xX×○]{{2,4}})(?![A-Za-z0-9])(?:(?<=[{_HAN_RANGES}][xX×○]{{2}})|(?<=[{_HAN_RANGES}][xX×○]{{3}})|(?<=[{_HAN_RANGES}][xX×○]{{4}})|(?=[{_HAN_RANGES}]))"
)
_MASK = re.compile(r"(?<![A-Za-z0-9*＊])[*＊]+|(?<=[A-Za-z0-9])[*＊]+(?![A-Za-z0-9*＊])")
_CP1252_TAIL = "\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"


@lru_cache(maxsize=1)
def common_han() -> frozenset[str]:
    """Han characters of GB2312 (levels 1+2) and Big5 level 1, from Python's codecs."""
    chars: set[str] = set()
    gb = bytes(b for hi in range(0xB0, 0xF8) for lo in range(0xA1, 0xFF) for b in (hi, lo))
    chars.update(gb.decode("gb2312", errors="ignore"))
    big5 = bytearray()
    for hi in range(0xA4, 0xC7):
        for lo in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            if (hi, lo) <= (0xC6, 0x7E):
                big5 += bytes((hi, lo))
    chars.update(big5.decode("big5", errors="ignore"))
    return frozenset(c for c in chars if _HAN.match(c))


def _ranges(codepoints: list[int]) -> str:
    out = []
    start = prev = codepoints[0]
    for cp in codepoints[1:] + [-1]:
        if cp == prev + 1:
            prev = cp
            continue
        out.append(chr(start) if start == prev else f"{chr(start)}-{chr(prev)}")
        start = prev = cp
    return "".join(out)


@lru_cache(maxsize=1)
def _mojibake_regex() -> re.Pattern[str]:
    common = common_han()
    rare = [
        cp
        for lo, hi in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
        for cp in range(lo, hi + 1)
        if chr(cp) not in common
    ]
    return re.compile(
        f"[{_ranges(rare)}\ufffd\ue000-\uf8ff]"
        f"|(?<=[{_HAN_RANGES}])\\?(?=[{_HAN_RANGES}])"
        f"|[\u00c0-\u00ff][{_CP1252_TAIL}]"
    )


def quality_signals(text: str) -> dict[str, float]:
    n = len(text)
    non_space = n - len(_SPACE.findall(text))
    han = len(_HAN.findall(text))
    return {
        "char_count": float(n),
        "han_ratio": han / non_space if non_space else 0.0,
        "placeholder_count": float(len(_PLACEHOLDER.findall(text))),
        "masked_count": float(len(_MASK.findall(text))),
        "mojibake_score": len(_mojibake_regex().findall(text)) / non_space if non_space else 0.0,
    }


class QualitySignalsStage(TextStage):
    """Slot 9: per-row quality signals; the text is not changed."""

    name = "quality_signals"
    version = "1"

    def transform(self, text: str) -> TextEdit:
        return TextEdit(text, signals=quality_signals(text), chars_changed=0)
