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

import numpy as np

from cleanse.stage import TextEdit, TextStage

_HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{_HAN_RANGES}]")
# Placeholders: a year `19xx`/`20xx`, or 2-4 of x/X/×/○ touching a Han character
# (`xx届`, `XX公司`, `市××`). Each regex starts with a character class so the engine can skip
# to candidates; the look-behinds after it check that the candidate starts a token.
_PLACEHOLDERS = (
    re.compile(r"[12](?<![A-Za-z0-9][12])[09][xX×]{2}(?![A-Za-z0-9])"),
    re.compile(
        rf"[xX×○](?<![A-Za-z0-9][xX×○])[xX×○]{{1,3}}(?![A-Za-z0-9xX×○])"
        rf"(?:(?<=[{_HAN_RANGES}][xX×○]{{2}})|(?<=[{_HAN_RANGES}][xX×○]{{3}})|(?<=[{_HAN_RANGES}][xX×○]{{4}})|(?=[{_HAN_RANGES}]))"
    ),
)
# A run of `*` not glued into a Latin/numeric token, counted once per star kind of its
# first character: a pattern starting with a literal is scanned for several times faster
# than one starting with a class. The look-behinds then check the character before it.
_MASKS = tuple(
    (star, re.compile(rf"{re.escape(star)}(?:(?<![A-Za-z0-9*＊]{re.escape(star)})[*＊]*|(?<=[A-Za-z0-9]{re.escape(star)})[*＊]*(?![A-Za-z0-9*＊]))"))
    for star in "*＊"
)
# `?` between two Han characters: a lost double-byte half. Literal first.
_HOLE = re.compile(rf"\?(?<=[{_HAN_RANGES}]\?)(?=[{_HAN_RANGES}])")


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


_HAN_BIT, _SPACE_BIT, _ODD_BIT, _LATIN_HEAD_BIT, _CP1252_TAIL_BIT, _PLACEHOLDER_BIT = 1, 2, 4, 8, 16, 32


@lru_cache(maxsize=1)
def _flags() -> np.ndarray:
    """Per-BMP-code-point flags, so that counting is a vectorized table lookup (numpy),
    not a regex pass per signal."""
    f = np.zeros(0x10000, dtype=np.uint8)
    for lo, hi in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)):
        f[lo : hi + 1] |= _HAN_BIT
    odd = (f & _HAN_BIT).astype(bool)
    odd[[ord(c) for c in common_han()]] = False
    f[odd] |= _ODD_BIT
    f[0xFFFD] |= _ODD_BIT
    f[0xE000:0xF900] |= _ODD_BIT  # private use
    f[[c for c in range(0x10000) if chr(c).isspace()]] |= _SPACE_BIT
    f[0xC0:0x100] |= _LATIN_HEAD_BIT
    tail = [*range(0x80, 0xC0), 0x152, 0x153, 0x160, 0x161, 0x178, 0x17D, 0x17E, 0x192, 0x2C6, 0x2DC,
            *range(0x2013, 0x2023), 0x2026, 0x2030, 0x2039, 0x203A, 0x20AC, 0x2122]
    f[tail] |= _CP1252_TAIL_BIT
    f[[ord(c) for c in "xX×○"]] |= _PLACEHOLDER_BIT
    return f


# A long text is counted in blocks of this many characters, the signals summed over them:
# the whole-text code-point and flag arrays of a long document no longer fit the CPU caches
# (`bench_adversarial --stages quality_signals`, whole text against blocks in alternating runs
# at load 6-9: exponent from 10^5 to 10^6 characters 1.08-1.28 -> 0.95-1.06; docs/operations.md,
# "Cost per character as documents grow"). Oracle test: the blocked
# counts equal the whole-text ones (tests/normalization/test_signals.py).
BLOCK_CHARS = 1 << 16


def quality_signals(text: str) -> dict[str, float]:
    n = len(text)
    if n == 0:
        return {"char_count": 0.0, "han_ratio": 0.0, "placeholder_count": 0.0, "masked_count": 0.0, "mojibake_score": 0.0}
    flags = _flags()
    han_n = odd = spaces = 0
    pairs: list[np.ndarray] = []  # starts of two adjacent placeholder characters
    holes = stars = False  # (searched for per block too: a whole-text search reads it from memory)
    for a in range(0, n, BLOCK_CHARS):
        size = min(BLOCK_CHARS, n - a)
        # One character more than the block: the pairs that start in it.
        cp = np.frombuffer(text[a:a + size + 1].encode("utf-32-le", "surrogatepass"), dtype="<u4")
        # Code points above the BMP are clipped onto U+FFFF, whose flags are all zero.
        fl = flags.take(cp, mode="clip")
        own = fl[:size]
        # One table lookup per character, then one count per flag (a 3-way count_nonzero is
        # about twice as fast as a bincount, which widens every flag byte to int64).
        han_n += int(np.count_nonzero(own & _HAN_BIT))
        odd += int(np.count_nonzero(own & _ODD_BIT))
        spaces += int(np.count_nonzero(own & _SPACE_BIT))
        if cp.max() > 0xFFFF:  # CJK extensions B-H are Han, and rare
            ext = int(np.count_nonzero((cp[:size] >= 0x20000) & (cp[:size] <= 0x3FFFF)))
            han_n += ext
            odd += ext
        if len(fl) >= 2 and np.count_nonzero(fl & _LATIN_HEAD_BIT):  # UTF-8 read as Latin-1/cp1252
            odd += int(np.count_nonzero((fl[:-1] & _LATIN_HEAD_BIT).astype(bool) & (fl[1:] & _CP1252_TAIL_BIT).astype(bool)))
        mark = (fl & _PLACEHOLDER_BIT).astype(bool)
        if mark.any():
            pairs.append(np.flatnonzero(mark[:-1] & mark[1:]) + a)
        holes = holes or text.find("?", a, a + size) >= 0
        stars = stars or text.find("*", a, a + size) >= 0 or text.find("＊", a, a + size) >= 0
    non_space = n - spaces
    if holes:
        odd += len(_HOLE.findall(text))
    placeholders = _count_placeholders(text, np.concatenate(pairs)) if pairs else 0
    masked = sum(len(rx.findall(text)) for star, rx in _MASKS if star in text) if stars else 0
    return {
        "char_count": float(n),
        "han_ratio": han_n / non_space if non_space else 0.0,
        "placeholder_count": float(placeholders),
        "masked_count": float(masked),
        "mojibake_score": odd / non_space if non_space else 0.0,
    }


def _count_placeholders(text: str, pairs: np.ndarray) -> int:
    # Every placeholder holds two adjacent characters of `xX×○` (`pairs`: where such pairs
    # start). The placeholder regexes start with a character class, which the engine tries
    # at every position (slow), so they run only on windows around such pairs. A match lies
    # within two characters before a pair run and its end; the window adds one more character
    # on each side for the look-arounds (look-behinds see before `pos` anyway).
    if len(pairs) == 0:
        return 0
    n = len(text)
    windows: list[list[int]] = []
    for p in pairs.tolist():
        start, end = max(0, p - 3), min(n, p + 4)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = end
        else:
            windows.append([start, end])
    return sum(len(rx.findall(text, s, e)) for s, e in windows for rx in _PLACEHOLDERS)


class QualitySignalsStage(TextStage):
    """Per-row quality signals; the text is not changed."""

    name = "quality_signals"
    version = "1"
    signal_types = {"char_count": "int64", "han_ratio": "double", "placeholder_count": "int64",
                    "masked_count": "int64", "mojibake_score": "double"}

    def setup(self) -> None:
        common_han()
        _flags()

    def transform(self, text: str) -> TextEdit:
        return TextEdit(text, signals=quality_signals(text), chars_changed=0)
