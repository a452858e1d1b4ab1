"""ftfy with a Chinese-safe configuration, behind an exact gate.

ftfy's defaults damage Chinese: width folding turns ，（）：；！？ into ASCII, quote uncurling
and ligature fixing rewrite punctuation, NFKC would fold compatibility forms. The config
below keeps only the fixes for real damage (mojibake, C1 controls, surrogates, terminal
escapes, control characters) and NFC. HTML entities are left to the boilerplate stage and
line breaks to normalisation, so that each change is made and recorded in one place.

ftfy reads whitespace (a space may stand for byte A0, an NBSP blocks its UTF-8 detector), and
normalize_zh rewrites it late in the pipeline: each segment also goes to ftfy with its spaces
as normalize_zh will leave them (`cleanse/repair/spacing.py`), so a second `clean_text` finds
nothing more to fix.

ftfy runs under 1 MB/s on Chinese. `fix_text` works line by line (segments end at "\\n" or
after `max_decode_length` characters), so a segment made only of characters in SAFE (ASCII
printables, tab/newline, CJK ideographs and punctuation, fullwidth forms, and a few
punctuation marks) is returned unchanged by ftfy with this config and can be skipped: no
charmap encoding ftfy tries can turn such characters into both a UTF-8 lead byte and a
continuation byte, none is changed by NFC, and the enabled fixers only touch characters
outside SAFE. `tests/repair/test_ftfy.py` checks gated == ungated on ftfy's own test cases
and with hypothesis.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import ftfy
import ftfy.fixes
import numpy as np
from ftfy.chardata import UTF8_CLUES, UTF8_DETECTOR_RE

from cleanse.repair.pinyin import TONED
from cleanse.repair.spacing import space_map, splice, spaces_view
from cleanse.stage import TextEdit, TextStage, common_affixes

CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=True,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=True,
    normalization="NFC",
    explain=True,  # ftfy's steps go into the repair's kind (`repair_kind`)
)

# Characters ftfy (with CONFIG) never changes, alone or in any combination.
SAFE_RANGES = (
    "\t\n\r\x20-\x7e"  # printable ASCII and the whitespace controls ftfy keeps
    "\u3000-\u3029\u3030-\u303f"  # CJK symbols and punctuation (not the combining tone marks 302A-302F)
    "\u3041-\u3096\u30a1-\u30fa\u30fc-\u30ff"  # kana, without the combining voicing marks
    "\u3400-\u4dbf\u4e00-\u9fff"  # CJK unified ideographs (not the compatibility block, which NFC maps)
    "\uff01-\uff60"  # fullwidth forms (width folding is off)
    "\u2014\u2018\u2019\u201c\u201d\u2026\u00b7\u00a0"  # — ‘ ’ “ ” … · and NBSP (common in scraped text)
)
UNSAFE_RE = re.compile(f"[^{SAFE_RANGES}]")

# Pinyin tone letters (ruby residue `領(lǐng)`, on nearly every word of some pages) are
# outside SAFE: in Latin-1 and cp1252 they are UTF-8 lead bytes. A segment whose only unsafe
# characters are tone letters is still left alone by ftfy when it contains a CJK ideograph
# and ftfy's own UTF8_DETECTOR_RE finds nothing in it: no single-byte encoding ftfy tries can
# encode a CJK ideograph, so the whole-segment re-decodings (and the Latin-1 -> cp1252 step)
# are never tried; `decode_inconsistent_utf8` only acts on UTF8_DETECTOR_RE matches; there
# are no C1 controls; and no other enabled fixer touches tone letters, which NFC keeps.
# `tests/repair/test_ftfy.py` checks each of these premises on ftfy itself.
TONE_LETTERS = TONED + "ü"
UNSAFE_BEYOND_TONES_RE = re.compile(f"[^{SAFE_RANGES}{TONE_LETTERS}]")
CJK_IDEOGRAPH_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")


# Symbols that a segment of SAFE characters may hold and still be left alone by ftfy (with
# CONFIG): ● ○ □ ◆ ★ ※ → ・ ㄅ ① ⑴ ㈠ ﹝﹞, arrows, box drawing, math operators, bopomofo…
# (U+2010-2BFF, U+30FB, U+3105-33FF, U+FE10-FE6B, U+FF61-FFEE) and the CJK ideographs beyond
# the BMP (extensions B-G, not the compatibility ideographs), chosen from ftfy's
# own tables: none can be encoded in any of ftfy's CHARMAP_ENCODINGS (so a segment holding
# one is never re-decoded as a whole, nor taken from Latin-1 to cp1252), none is in a class
# of UTF8_CLUES (and no SAFE character starts a UTF-8 sequence there: `decode_inconsistent_utf8`
# finds nothing), none is a C1, control, format or surrogate character, and each is a starter
# (combining class 0) that NFC neither decomposes nor composes with a neighbour. ftfy's other
# enabled fixers touch none of them, so with SAFE characters around them ftfy changes
# nothing. `tests/repair/test_ftfy.py` checks each premise on ftfy itself and gated ==
# ungated with hypothesis. Measured (2026-12-03): on the 383 pages of
# `bench_pipeline.py --mix damaged --mb 1`, 2,177 segments went to ftfy (14 changed; 1,459
# for a `●` alone); with these, 273 (docs/repair.md, "ftfy_zh").
INERT_SYMBOLS = (
    "\u2010-\u2012\u2016-\u2017\u201b\u201f\u2023-\u2025\u2027\u2031-\u2038\u203b-\u2043"
    "\u2045-\u205e\u2070-\u2071\u2074-\u207e\u2080-\u208e\u2090-\u209c\u20a0-\u20a6"
    "\u20a8-\u20ab\u20ad-\u20c0\u2100-\u2115\u2117-\u2121\u2123-\u2125\u2127-\u2129"
    "\u212c-\u218b\u2190-\u2199\u219c-\u21ad\u21af-\u21cc\u21d0-\u2201\u2203\u2205"
    "\u2207-\u2208\u220a-\u220b\u220d-\u220e\u2210\u2212-\u2218\u221b-\u221d\u221f-\u2223"
    "\u2225\u2227-\u2228\u222a\u222c-\u2240\u2242-\u2243\u2245-\u2246\u224a-\u225f\u2263"
    "\u2266-\u226c\u2272-\u2273\u2276-\u2277\u227a-\u227f\u2282-\u2283\u2286-\u2287"
    "\u228a-\u22ab\u22b0-\u22df\u22e4-\u22e9\u22ee-\u230f\u2311-\u231f\u2322-\u2328"
    "\u232b-\u2426\u2440-\u244a\u2460-\u24ff\u2501\u2503-\u250b\u250d-\u250f\u2511-\u2513"
    "\u2515-\u2517\u2519-\u251b\u251d-\u2523\u2525-\u252b\u252d-\u2533\u2535-\u253b"
    "\u253d-\u254f\u256d-\u257f\u2581-\u2583\u2585-\u2587\u2589-\u258b\u258d-\u258f"
    "\u2594-\u259f\u25a1-\u25c9\u25cb-\u2adb\u2add-\u2b73\u2b76-\u2b95\u2b97-\u2bff\u30fb"
    "\u3105-\u312f\u3190-\u31bf\u31c0-\u31e3\u3200-\u321e\u3220-\u33ff\ufe10-\ufe19"
    "\ufe30-\ufe52\ufe54-\ufe66\ufe68-\ufe6b\uff61-\uffbe\uffc2-\uffc7\uffca-\uffcf"
    "\uffd2-\uffd7\uffda-\uffdc\uffe0-\uffe6\uffe8-\uffee\U00020000-\U0002a6df"
    "\U0002a700-\U0002b738\U0002b740-\U0002b81d\U0002b820-\U0002cea1\U0002ceb0-\U0002ebe0"
    "\U00030000-\U0003134a"
)
UNSAFE_BEYOND_INERT_RE = re.compile(f"[^{SAFE_RANGES}{INERT_SYMBOLS}]")


def ftfy_may_change(segment: str) -> bool:
    """False when ftfy (with CONFIG) provably returns this segment unchanged."""
    if not UNSAFE_RE.search(segment) or not UNSAFE_BEYOND_INERT_RE.search(segment):
        return False
    if UNSAFE_BEYOND_TONES_RE.search(segment) or not CJK_IDEOGRAPH_RE.search(segment):
        return True
    return _utf8_clue_pair(segment) and UTF8_DETECTOR_RE.search(segment.translate(space_map())) is not None


# Per-character flags (numpy table lookups are several times faster than a regex pass).
_UNSAFE_BIT, _UTF8_FIRST_BIT, _UTF8_CONTINUATION_BIT = 1, 2, 4


@lru_cache(maxsize=1)
def _char_flags() -> np.ndarray:
    """Per-BMP-code-point flags: UNSAFE_RE, and the classes of ftfy's UTF8_DETECTOR_RE (a
    character that may start a UTF-8 sequence, one that may continue it). U+FFFF, onto
    which code points above the BMP are clipped, has every flag ("maybe")."""
    f = np.zeros(0x10000, dtype=np.uint8)
    classes = ((_UNSAFE_BIT, UNSAFE_RE),
               *((_UTF8_FIRST_BIT, re.compile(f"[{UTF8_CLUES[k]}]", re.VERBOSE))
                 for k in ("utf8_first_of_2", "utf8_first_of_3", "utf8_first_of_4")),
               (_UTF8_CONTINUATION_BIT, re.compile(f"[{UTF8_CLUES['utf8_continuation']}]", re.VERBOSE)))
    bmp = "".join(map(chr, range(0x10000)))
    for bit, cls in classes:  # each a one-character class: its matches are the members
        f[[m.start() for m in cls.finditer(bmp)]] |= bit
    f[list(space_map())] |= _UTF8_CONTINUATION_BIT  # U+0020 in the view (`spaces_view`)
    f[0xFFFF] = _UNSAFE_BIT | _UTF8_FIRST_BIT | _UTF8_CONTINUATION_BIT
    return f


def _flags_of(text: str) -> np.ndarray:
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    return _char_flags().take(cp, mode="clip")


# `has_unsafe` looks up the table in blocks of this many characters: its temporary arrays
# (13 bytes a character) stay the same small size whatever the text's length. Over the whole
# text at once the cost per character grew with the text (CPU time, `科技` + spaces + `工作`:
# 3.4 ns/char at 10^5 characters, 4.5 at 10^6, 8.7 at 10^7, as fresh multi-megabyte arrays
# are paged in on every call); in blocks it is 3.4 at each size (2026-12-03, load ~5).
UNSAFE_BLOCK = 1 << 16


def has_unsafe(text: str) -> bool:
    """UNSAFE_RE.search(text) is not None; by table lookup from 3,000 characters on (numpy
    has a fixed cost per call of some 20 µs, a regex pass ~3 ns per character), in blocks of
    `UNSAFE_BLOCK` characters."""
    if len(text) < 3000:
        return UNSAFE_RE.search(text) is not None
    return any((_flags_of(text[i:i + UNSAFE_BLOCK]) & _UNSAFE_BIT).any()
               for i in range(0, len(text), UNSAFE_BLOCK))


def _utf8_clue_pair(segment: str) -> bool:
    """False when UTF8_DETECTOR_RE cannot match: each of its matches starts with a character
    that may start a UTF-8 sequence followed by one that may continue it. (On pinyin
    residue, full of tone letters, the detector itself tries every position.)"""
    if len(segment) < 200:  # the detector is faster than numpy's fixed cost per call
        return True
    return _clue_pair_in(_flags_of(segment))


def _clue_pair_in(fl: np.ndarray) -> bool:
    """A character that may start a UTF-8 sequence followed by one that may continue it
    (`fl`: `_flags_of` a text)."""
    return bool((((fl[:-1] & _UTF8_FIRST_BIT) != 0) & ((fl[1:] & _UTF8_CONTINUATION_BIT) != 0)).any())


# CJK compatibility ideographs (U+F900-FAFF, U+2F800-2FA1F) are kept: NFC maps each to a
# unified ideograph, which loses the variant form an edition chose (甾 U+2F936 -> 甾 U+753E
# in a classical text). ftfy runs without NFC on a segment that has one, and NFC is applied
# to the text between them.
_COMPAT_IDEOGRAPH = re.compile("([\uf900-\ufaff\U0002f800-\U0002fa1f])")
_CONFIG_NO_NFC = CONFIG._replace(normalization=None)


def _ftfy(segment: str) -> tuple[str, list[tuple[str, str]]]:
    """ftfy on one segment, compatibility ideographs kept: the result and ftfy's plan."""
    if _COMPAT_IDEOGRAPH.search(segment) is None:
        fixed, plan = ftfy.fix_and_explain(segment, CONFIG)
    else:
        fixed, plan = ftfy.fix_and_explain(segment, _CONFIG_NO_NFC)
        parts = _COMPAT_IDEOGRAPH.split(fixed)
        normalized = "".join(p if k % 2 else unicodedata.normalize("NFC", p) for k, p in enumerate(parts))
        if normalized != fixed:
            plan = [*plan, ("normalize", "NFC")]
        fixed = normalized
    return fixed, list(plan or ())


def _spaced_ftfy(segment: str, line_start: bool, line_end: bool) -> tuple[str, list[tuple[str, str]]]:
    """ftfy on the segment, then on the result with its spaces as normalize_zh will leave them
    (`spacing`: what a second `clean_text` would give ftfy), that change put back."""
    fixed, plan = _ftfy(segment)
    view, kept = spaces_view(fixed, line_start, line_end)
    if view != fixed and ftfy_may_change(view):
        fixed_view, more = _ftfy(view)
        if fixed_view != view:
            fixed, plan = splice(fixed, view, kept, fixed_view), plan + more
    return fixed, plan


def _fix_segment(segment: str, line_start: bool = True, line_end: bool = True) -> tuple[str, list[tuple[str, str]]]:
    """ftfy on one segment (`_spaced_ftfy`), compatibility ideographs kept, GBK/Big5 damage
    left to cjk_mojibake: the fixed segment and ftfy's explanation (the plans of the readings
    used, [] when unchanged). When cjk_mojibake reads the segment first, ftfy still makes the
    change it would make in the segment as cjk_mojibake leaves it, if that change lies outside
    cjk_mojibake's repairs (in their common prefix or suffix) and cjk_mojibake then reads the
    fixed segment the same way: else the second `clean_text` would make it."""
    bare, plan0 = _without_controls(segment)
    fixed, plan = _spaced_ftfy(bare, line_start, line_end)
    if fixed == segment:
        return segment, []
    cjk = _cjk_reading_first(bare, fixed)
    if cjk is None:
        return fixed, plan0 + plan
    if not ftfy_may_change(cjk):
        return bare, plan0
    again, plan = _spaced_ftfy(cjk, line_start, line_end)
    if again == cjk:
        return bare, plan0
    p, s = common_affixes(bare, cjk)
    q, t = common_affixes(cjk, again)
    end, d = len(cjk) - t, len(bare) - len(cjk)
    if end <= p:  # in the common prefix: same offsets
        fixed = bare[:q] + again[q:len(again) - t] + bare[end:]
    elif q >= len(cjk) - s:  # in the common suffix: offsets shifted by d
        fixed = bare[:q + d] + again[q:len(again) - t] + bare[end + d:]
    else:
        return bare, plan0
    # Only if cjk_mojibake still reads the fixed segment as it read the segment: ftfy's change
    # alters its context, and the second `clean_text` would then give ftfy the whole segment.
    from cleanse.repair.cjk import repair_mojibake
    return (fixed, plan0 + plan) if repair_mojibake(fixed).text == again else (bare, plan0)


def _without_controls(segment: str) -> tuple[str, list[tuple[str, str]]]:
    """The segment without terminal escapes and control characters (ftfy's own fixers, which
    need no context), and their plan. Removed first, so that whether cjk_mojibake reads the
    segment first is decided on the text a second `clean_text` sees (`Ú\x8eÄ¬\x0exe`: with the
    control character cjk_mojibake reads `Ú\x8eÄ¬` as GBK 趲默, without it not, and ftfy's
    reading stands). ASCII controls are never a byte of a GBK or Big5 character."""
    plan = []
    bare = segment
    if CONFIG.remove_terminal_escapes:
        bare, before = ftfy.fixes.remove_terminal_escapes(bare), bare
        if bare != before:
            plan.append(("apply", "remove_terminal_escapes"))
    if CONFIG.remove_control_chars:
        bare, before = ftfy.fixes.remove_control_chars(bare), bare
        if bare != before:
            plan.append(("apply", "remove_control_chars"))
    return bare, plan


def repair_kind(plan: list[tuple[str, str]]) -> str:
    """The kind of an ftfy repair: `ftfy:` and ftfy's explanation of the segment, each step
    `operation=argument`, joined by `;` (`ftfy:encode=latin-1;decode=utf-8`). The steps are
    ftfy's `fix_and_explain` plan for the whole segment (the line) the repair is in:
    `ftfy.apply_plan(segment, plan)` replays the encoding steps (`normalize` is NFC) when
    ftfy's reading of the segment as it is made the change; the steps of the spaced reading
    (`_spaced_ftfy`) follow them and replay on `spacing.spaces_view` of its result."""
    return "ftfy:" + ";".join(f"{op}={arg}" for op, arg in plan) if plan else "ftfy"


def fix_text_ungated(text: str) -> str:
    """ftfy with the Chinese-safe config on every segment, split as ftfy.fix_text splits (the
    reference for the gate)."""
    out = []
    pos = 0
    while pos < len(text):
        end = text.find("\n", pos) + 1 or len(text)
        end = min(end, pos + CONFIG.max_decode_length)
        out.append(_fix_segment(text[pos:end], pos == 0 or text[pos - 1] == "\n",
                                text[end - 1] == "\n" or end == len(text))[0])
        pos = end
    return "".join(out)


# ftfy reads GBK-as-Latin-1 damage (`ÎÒÃÇ½ñÌì`) as broken UTF-8 and turns pieces of it
# into Latin Extended, Greek or Cyrillic letters (`Ç½` -> `ǽ`, `Ð¡Î¢` -> `С΢`), destroying
# the bytes `cjk_mojibake` restores the Chinese from. When ftfy's result has such letters,
# the CJK repair gets the first look: if it repairs the segment by re-encoding, ftfy leaves it.
_NON_CJK_LETTERS = re.compile("[\u0100-\u06ff]")
# Two GBK/Big5 characters read as Latin-1/cp1252 in a row at least (`Ä°stanbul` is Turkish).
_LEGACY_PAIRS = re.compile("[\x80-\xff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]{4}")


def _cjk_reading_first(segment: str, fixed: str) -> str | None:
    """The segment as cjk_mojibake repairs it when that repair re-encodes and ftfy's result has
    Latin Extended, Greek or Cyrillic letters; else None (ftfy's result stands)."""
    if _NON_CJK_LETTERS.search(fixed) is None or _LEGACY_PAIRS.search(segment) is None:
        return None
    from cleanse.repair.cjk import kinds, repair_mojibake
    edit = repair_mojibake(segment)
    return edit.text if any(r[0] in kinds.REENCODINGS for r in edit.repairs) else None


def fix_text_zh(text: str) -> TextEdit:
    """ftfy's fixes that are safe for Chinese, run only on segments that could change."""
    if not has_unsafe(text):
        return TextEdit(text)
    out: list[str] = []
    repairs: list[tuple[str, str, str, int]] = []
    pos = 0
    n = len(text)
    limit = CONFIG.max_decode_length
    while pos < n:
        # The same segmentation as ftfy.fix_text.
        end = text.find("\n", pos) + 1
        if end == 0:
            end = n
        if end - pos > limit:
            end = pos + limit
        segment = text[pos:end]
        if ftfy_may_change(segment):
            fixed, plan = _fix_segment(segment, pos == 0 or text[pos - 1] == "\n", end == n or text[end - 1] == "\n")
            if fixed != segment:
                p, s = common_affixes(segment, fixed)
                repairs.append((repair_kind(plan), segment[p:len(segment) - s], fixed[p:len(fixed) - s], pos + p))
            segment = fixed
        out.append(segment)
        pos = end
    return TextEdit("".join(out), repairs=repairs)


class FtfyStage(TextStage):
    """Slot 3: ftfy with the Chinese-safe config, gated."""

    name = "ftfy_zh"
    version = "4"  # 4: spaces read as normalize_zh leaves them; controls removed first

    def setup(self) -> None:
        _char_flags()

    def config(self) -> dict:
        return {"ftfy": ftfy.__version__, **{k: v for k, v in CONFIG._asdict().items() if k != "explain"}}

    def transform(self, text: str) -> TextEdit:
        return fix_text_zh(text)
