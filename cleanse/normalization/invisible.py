"""Invisible characters, before the repair stages read the text (`InvisibleStage`).

`normalize_zh` runs near the end of the pipeline and deletes zero-width characters and turns
other spaces into U+0020 (its table, `punctuation.json`). Done only there, a deletion joins
characters the repair stages saw apart (`Ã\\u200dÃ` becomes `ÃÃ`, which `cjk_mojibake` reads as
GBK 妹; `創(\\u200dàng)` becomes a pinyin note), so cleaning the cleaned text changed it again
(issue 14 item 8). This stage does the same to those characters first, so the repairs see them
as `normalize_zh` will leave them.

It takes only the characters of that table that cannot be part of mojibake: ASCII ones (tab,
vertical tab, form feed, carriage return: one byte, never inside a multi-byte character of any
codec) and those no codec the repairs re-read (`MOJIBAKE_CODECS`) can encode (zero-width
characters, U+2000-U+200A, U+202F, U+205F). NBSP (byte A0 of a Latin-1/cp1252 reading: `Ã\\xa0`
is à) and U+3000 (GBK/Big5 A1A1) stay for the repairs and `normalize_zh`. A ZWJ inside an emoji
sequence stays (the rule of `normalize_zh`). Line ends become `\\n`, as `normalize_zh` makes them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cleanse.normalization.normalize import TABLE_PATH, ZWJ, _rules
from cleanse.stage import TextEdit, TextStage, changed_span, data_digest

# The codecs a repair stage reads text back into bytes with (ftfy_zh: Latin-1/cp1252;
# cjk_mojibake: those and GBK, Big5; tests/test_ops_idempotence.py checks the list covers it).
MOJIBAKE_CODECS = ("latin-1", "cp1252", "gbk", "big5")


def _mojibake_material(c: str) -> bool:
    """Whether `c` can be a character of a wrong reading: encodable in a codec of
    MOJIBAKE_CODECS and not ASCII (an ASCII byte is never part of a multi-byte character)."""
    if c < "\x80":
        return False
    for codec in MOJIBAKE_CODECS:
        try:
            c.encode(codec)
            return True
        except UnicodeEncodeError:
            pass
    return False


@lru_cache(maxsize=1)
def invisible_chars() -> tuple[str, str]:
    """(characters deleted, characters turned into a space) by this stage: those of
    `normalize_zh`'s table that are not mojibake material. ZWJ is left out of both (its own rule)."""
    r = _rules()
    deleted = "".join(c for c in r.zero_width_chars if c != ZWJ and not _mojibake_material(c))
    spaced = "".join(c for c in r.space_chars if not _mojibake_material(c))
    return deleted, spaced


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    deleted, spaced = invisible_chars()
    return re.compile(f"[{re.escape(deleted + spaced)}]")


def strip_invisible(text: str) -> TextEdit:
    """Delete the zero-width characters (but a ZWJ inside an emoji sequence), turn tabs and
    the other invisible spaces of `invisible_chars` into U+0020, line ends into `\\n`."""
    before = text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if ZWJ in text:
        text = _rules().stray_zwj.sub("", text)
    deleted = invisible_chars()[0]
    rx = _pattern()
    m = rx.search(text)
    while m is not None:  # one str.replace per kind present (most texts hold none)
        c = m.group()
        text = text.replace(c, "" if c in deleted else " ")
        m = rx.search(text, m.start())
    return TextEdit(text, chars_changed=changed_span(before, text))


class InvisibleStage(TextStage):
    """Invisible characters as `normalize_zh` will leave them, before the repairs (see the module doc)."""

    name = "invisible"
    version = "1"

    def setup(self) -> None:
        _pattern()

    def config(self) -> dict[str, object]:
        deleted, spaced = invisible_chars()
        return {"table": data_digest(TABLE_PATH), "codecs": list(MOJIBAKE_CODECS),
                "deleted": [f"U+{ord(c):04X}" for c in deleted], "spaced": [f"U+{ord(c):04X}" for c in spaced]}

    def transform(self, text: str) -> TextEdit:
        return strip_invisible(text)

