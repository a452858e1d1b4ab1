"""Bytes → text: BOM, strict UTF-8, BOM-less UTF-16, then chardet on a bounded sample.

The order is cheapest-and-surest first. chardet only ever sees a bounded sample (it is slow
and its confidence does not improve much past a few tens of KB), and a detected legacy
family is decoded with its superset codec, because the sample cannot prove that the rest of
the file stays inside the subset (a GB2312 guess often meets GBK-only characters later).
"""

from __future__ import annotations

import codecs
import functools
import json
import re
import threading
from dataclasses import dataclass
from importlib import resources

import chardet
import numpy as np

from cleanse.script import family

SAMPLE_BYTES = 64 * 1024
FAST_BYTES = 16 * 1024  # what the CJK fast path scores codecs on

# BOMs, longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# chardet's names (lower-cased) → the superset codec we decode with, then alternatives.
_FAMILY: dict[str, tuple[str, ...]] = {
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "gb18030": ("gb18030",),
    "hz-gb-2312": ("hz",),
    "big5": ("cp950", "big5hkscs"),
    "cp950": ("cp950", "big5hkscs"),
    "big5hkscs": ("big5hkscs", "cp950"),
    "euc-tw": ("cp950", "big5hkscs"),
    "ascii": ("utf-8",),
    "iso-8859-1": ("cp1252",),
    "latin-1": ("cp1252",),
    "windows-1252": ("cp1252",),
    "euc-kr": ("cp949",),
    "shift_jis": ("cp932",),
    "euc-jp": ("euc_jis_2004",),
    "tis-620": ("cp874",),
    "iso-8859-11": ("cp874",),
}

# Tried after chardet's own answer when that answer does not decode the sample cleanly:
# the CJK supersets this library is about.
_FALLBACKS: tuple[str, ...] = ("gb18030", "cp950", "big5hkscs")
_FAMILY_OF = {"gb18030": "gb", "cp950": "big5", "big5hkscs": "big5"}


@dataclass(frozen=True, slots=True)
class Decoded:
    """Result of decoding one source. `reject` is a reason when the bytes are not usable text."""

    text: str
    encoding: str | None
    confidence: float
    undecodable_bytes: int = 0
    bom: bool = False
    reject: str | None = None
    detail: str = ""


# --- counting undecodable bytes -------------------------------------------------------------
_counter = threading.local()


def _count_and_replace(err: UnicodeError) -> tuple[str, int]:
    assert isinstance(err, UnicodeDecodeError)
    _counter.n = getattr(_counter, "n", 0) + (err.end - err.start)
    return "\ufffd", err.end


codecs.register_error("cleanse-count", _count_and_replace)


def decode_counting(data: bytes, codec: str) -> tuple[str, int]:
    """Decode with U+FFFD for bad bytes; returns the text and the number of bytes replaced."""
    _counter.n = 0
    text = data.decode(codec, "cleanse-count")
    return text, _counter.n


# --- detectors ---------------------------------------------------------------------------------
def _decode_range(codec: str, leads: range, trails: range) -> str:
    out = []
    for lead in leads:
        for trail in trails:
            try:
                out.append(bytes((lead, trail)).decode(codec))
            except UnicodeDecodeError:
                pass
    return "".join(out)


# Characters that correctly decoded text is mostly made of: ASCII, CJK and full-width
# punctuation, Latin-1 letters, and the *common* Han characters (GB2312 level 1 and Big5
# level 1, generated from Python's own codecs). A wrong CJK codec still yields Han
# characters, but mostly rare ones; a wrong single-byte codec yields symbols and letters
# of the wrong script. Both score low.
_COMMON_HAN = sorted(set(_decode_range("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF))
                         + _decode_range("big5", range(0xA4, 0xC7), range(0x40, 0xFF))))


# Bits of the class table. A wrong CJK codec reading Korean, Japanese or Cyrillic bytes
# still yields mostly *common* Han characters (EUC-KR's Hangul rows are GB2312's level-1
# rows), so plausibility alone cannot tell; the share of the most frequent characters can:
# correct Chinese has 28-45% of its Han characters among the 200 most frequent ones, a
# misreading spreads them evenly over thousands (under 15% on chardet's test files).
_PLAUSIBLE_BIT, _HAN_BIT, _FREQUENT_BIT, _KANA_BIT, _HANGUL_BIT, _CLAUSE_BIT = 1, 2, 4, 8, 16, 32
FREQUENT_MIN = 0.2  # Han characters among the frequent ones, for a Chinese codec to be believed
FREQUENT_MIN_HAN = 30  # ... judged only when the sample has this many Han characters
# The other evidence of Chinese, for text whose Han characters are rare ones (classical poetry
# and 元曲: 11-16% frequent, as low as Korean read as GB18030, up to 15%): a Han character
# followed by a full-width clause or sentence mark (CLAUSE_MARKS), at least CLAUSE_MIN of the
# Han characters, and no kana (KANA_MAX). Chinese punctuation ends its clauses; Korean, Cyrillic,
# Greek, Hebrew or Thai bytes read as GB18030 or Big5 have ASCII spaces and punctuation between
# their runs. Measured (2026-12-03, docs/decoding.md "Why the frequent-character check"): at most
# 0.006 on the 920 kana-free readings of chardet's non-Chinese files as GB18030, cp950 and
# Big5-HKSCS with 30 Han characters or more (EUC-JP read as GB18030 reaches 0.066, its kana
# 62-73% of the CJK characters; Chinese read as the other Chinese codec at most 0.001); at least 0.052 on the
# clean sample's poetry, 元曲 and classical prose (1,313 readings, GB18030 and Big5-HKSCS);
# on 9,449 held-out ones of the whole regression corpus, poetry and 元曲 at least 0.069, and 2
# of the 1,421 under FREQUENT_MIN are under CLAUSE_MIN (unpunctuated classical prose).
CLAUSE_MARKS = "，。、；：？！"
CLAUSE_MIN = 0.03
KANA_MAX = 0.05  # kana share of the CJK characters above which the fast path leaves the text to chardet
# Plausibility the fast path asks of its codec's reading: FAST_PLAUSIBLE, or
# FAST_PLAUSIBLE_DAMAGED when the frequency evidence is there in full (FREQUENT_MIN_HAN Han
# characters at least, FREQUENT_MIN of them frequent ones). A 2 KB page with one damaged
# paragraph (GBK read as Latin-1, Big5 read as GBK, lost bytes) reads 0.88-0.96 plausible in
# its right codec; below 0.97 it went to chardet, which chose the same codec. Measured
# (2026-12-03, docs/decoding.md "Speed"): the decode stage on the 383 pages of
# `bench_pipeline.py --mix damaged --mb 1` 0.41 -> 0.06 CPU s (chardet on 53 pages -> 4);
# the same text, codec, undecodable count and reject as the plain path (chardet and the
# competition) on 68,175 inputs (chardet's test files whole and cut, clean-corpus texts in
# seven codecs with U+FFFD, dropped bytes and Latin-1 tails, the benchmark corpora);
# oracle test: tests/decoding/test_fast_path.py.
FAST_PLAUSIBLE = 0.97
FAST_PLAUSIBLE_DAMAGED = 0.90

# Letters of the other scripts a crawl meets (Latin Extended, Greek, Cyrillic, Hebrew,
# Arabic, Thai) are plausible too, so that the single-byte codecs can win on their pages.
_OTHER_LETTERS = ((0x100, 0x24F), (0x370, 0x3FF), (0x400, 0x52F), (0x590, 0x6FF), (0xE00, 0xE7F))


def _frequent_han() -> str:
    data = json.loads(resources.files("cleanse.decoding").joinpath("data/frequent_han.json").read_text("utf-8"))
    return data["simplified"] + data["traditional"]


def _class_table() -> np.ndarray:
    # One byte per code point (bits above; astral ones are none), so that one lookup and
    # one bincount give every share.
    table = np.zeros(0x110000, dtype=np.uint8)
    for lo, hi in ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF),
                   *_OTHER_LETTERS):
        table[lo : hi + 1] = _PLAUSIBLE_BIT
    table[[0x09, 0x0A, 0x0D]] = _PLAUSIBLE_BIT
    table[[ord(c) for c in _COMMON_HAN]] = _PLAUSIBLE_BIT
    table[0x4E00:0xA000] |= _HAN_BIT
    table[[ord(c) for c in CLAUSE_MARKS]] |= _CLAUSE_BIT
    table[[ord(c) for c in _frequent_han()]] |= _FREQUENT_BIT
    for bit, ranges in ((_KANA_BIT, family.KANA), (_HANGUL_BIT, family.HANGUL)):
        for lo, hi in ranges:
            if hi < 0x10000:  # BMP only, as the rest of the table
                table[lo : hi + 1] |= bit | _PLAUSIBLE_BIT
    return table


_CLASSES = _class_table()
# Which class values carry each bit: the counts of the bits are one matrix product.
_BITS = np.array([[(v & bit) > 0 for v in range(64)]
                  for bit in (_PLAUSIBLE_BIT, _HAN_BIT, _FREQUENT_BIT, _KANA_BIT, _HANGUL_BIT)], dtype=np.int64)


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


@dataclass(frozen=True, slots=True)
class _Shares:
    plausible: float  # share of plausible characters (astral ones count as not)
    han: float  # share of Han characters
    han_count: int
    frequent: float  # share of the Han characters that are among the most frequent ones
    kana: float  # share of kana among the CJK characters (Han, kana, Hangul)
    hangul: float  # share of Hangul among the CJK characters
    clause: float  # Han characters followed by a clause or sentence mark (CLAUSE_MARKS), per Han character

    def chinese_han(self) -> bool:
        """Are the Han characters those of Chinese text, as far as the sample can tell? Enough of
        them frequent ones (FREQUENT_MIN), or, for rare ones (poetry), Chinese punctuation after
        them and no kana (CLAUSE_MIN, KANA_MAX)."""
        return (self.han_count < FREQUENT_MIN_HAN or self.frequent >= FREQUENT_MIN
                or (self.clause >= CLAUSE_MIN and self.kana <= KANA_MAX))


def class_counts(text: str) -> tuple[int, int, int, int, int, int, int]:
    """(characters, plausible, Han, frequent Han, kana, Hangul, Han followed by a clause mark)
    of `text`: one table lookup, one bincount and one pass over the Han characters."""
    classes = _CLASSES[_codepoints(text)]
    plausible, han, frequent, kana, hangul = (_BITS @ np.bincount(classes, minlength=64)).tolist()
    clause = int(np.count_nonzero(classes[1:][(classes[:-1] & _HAN_BIT) > 0] & _CLAUSE_BIT))
    return len(classes), plausible, han, frequent, kana, hangul, clause


def _shares(text: str) -> _Shares:
    if not text:
        return _Shares(0.0, 0.0, 0, 0.0, 0.0, 0.0, 0.0)
    n, plausible, han, frequent, kana, hangul, clause = class_counts(text)
    cjk = han + kana + hangul
    return _Shares(plausible / n, han / n, han, frequent / han if han else 0.0, kana / cjk if cjk else 0.0,
                   hangul / cjk if cjk else 0.0, clause / han if han else 0.0)


def _plausible_ratio(text: str) -> float:
    """Share of characters that correctly decoded text is made of."""
    return _shares(text).plausible


# Evidence a BOM-less UTF-16 reading needs beyond plausible characters: short GBK text read as
# UTF-16-BE is plausible too (GBK's level-1 lead bytes B0-D7 make Hangul syllables U+B0xx-D7xx).
# One of: code units below U+0100 (a NUL byte each: ASCII, spaces, newlines, which Korean,
# Latin and most mixed text have), Chinese text (Han characters, mostly frequent ones), or kana.
UTF16_LATIN_MIN = 0.05  # share of code units below U+0100
UTF16_KANA_MIN = 0.2  # kana share of the CJK characters


def _sniff_utf16(sample: bytes) -> str | None:
    """Recognise BOM-less UTF-16 by decoding both byte orders and keeping the plausible one.

    Chinese UTF-16 has no NUL bytes at all, so NUL counting alone (enough for Latin text)
    does not work; plausibility of the decoded characters does, for both, when backed by
    evidence of the script (`_utf16_evidence`).
    """
    even = sample[: len(sample) // 2 * 2][:8192]
    if len(even) < 4:
        return None
    best, best_score, best_text = None, 0.0, ""
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = even.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _plausible_ratio(text)
        if score > best_score:
            best, best_score, best_text = codec, score, text
    return best if best_score >= 0.9 and _utf16_evidence(best_text) else None


def _utf16_evidence(text: str) -> bool:
    """Is a plausible UTF-16 reading backed by more than plausibility (UTF16_LATIN_MIN,
    UTF16_KANA_MIN, or Han characters of Chinese text: FREQUENT_MIN_HAN of them, FREQUENT_MIN
    frequent)?"""
    cps = _codepoints(text)
    if len(cps) and np.count_nonzero(cps < 0x100) / len(cps) >= UTF16_LATIN_MIN:
        return True
    shares = _shares(text)
    chinese = shares.han >= 0.3 and shares.han_count >= FREQUENT_MIN_HAN and shares.frequent >= FREQUENT_MIN
    return chinese or shares.kana >= UTF16_KANA_MIN


_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))


def _binary_reason(sample: bytes) -> str | None:
    """Why a sample does not look like text at all (after the UTF-16/32 checks), or None."""
    if not sample:
        return None
    if sample.count(0) / len(sample) > 0.01:
        return "binary"
    # control bytes = what deleting them removes (one C-level pass instead of 27 counts)
    ctrl = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if ctrl / len(sample) > 0.1:
        return "binary"
    return None


def code_unit_layout(head: bytes) -> str:
    """How `detect_and_decode` will read a source that starts with `head`, as far as the width
    of its code units goes (what a reader needs to cut a large file between lines):
    "utf-32" (BOM, or recognised without one: not cut), "utf-16-le" or "utf-16-be" (BOM, or recognised without one), "binary" (the
    decoder rejects it whole), else "bytes" (UTF-8 or a legacy codec: a newline is the byte
    0A, never part of a multi-byte character). Checked in the decoder's order; a head cut
    inside a UTF-8 character still counts as UTF-8.
    """
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    if head.startswith(codecs.BOM_UTF8):
        return "bytes"
    try:
        head.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError as exc:
        utf8 = exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"
    if not utf8:
        if _sniff_utf32(head):
            return "utf-32"
        utf16 = _sniff_utf16(head)
        if utf16:
            return utf16
    return "binary" if _binary_reason(head) else "bytes"


def detect_and_decode(raw: bytes, max_undecodable: float = 0.25) -> Decoded:
    """Decode one source's bytes, or say why they are not text."""
    if not raw.strip():
        return Decoded("", None, 0.0, reject="empty", detail=f"{len(raw)} bytes, all whitespace")

    for bom, codec in _BOMS:
        if raw.startswith(bom):
            text, bad = decode_counting(raw[len(bom):], codec)
            return _finish(raw, text, codec, 1.0, bad, max_undecodable, bom=True)

    iso2022 = _sniff_iso2022(raw)
    if iso2022:
        return _finish(raw, iso2022[1], iso2022[0], 1.0, 0, max_undecodable)

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        mostly = _mostly_utf8(raw)
        if mostly is not None and not _binary_reason(raw[:SAMPLE_BYTES]):
            return _finish(raw, mostly[0], "utf-8", 1.0 - mostly[1] / max(1, len(raw)), mostly[1], max_undecodable)
    else:
        if not _binary_reason(raw[:SAMPLE_BYTES]):
            return _finish(raw, text, "utf-8", 1.0, 0, max_undecodable)
        # NUL-rich valid UTF-8: BOM-less UTF-16 of mostly ASCII text looks like this too.

    sample = raw[:SAMPLE_BYTES]
    truncated = len(raw) > SAMPLE_BYTES
    utf32 = _sniff_utf32(raw)
    if utf32:
        text, bad = decode_counting(raw[: len(raw) // 4 * 4], utf32)
        return _finish(raw, text, utf32, 0.95, bad + len(raw) % 4, max_undecodable)
    utf16 = _sniff_utf16(sample)
    if utf16:
        text, bad = decode_counting(raw[: len(raw) // 2 * 2], utf16)
        bad += len(raw) % 2
        return _finish(raw, text, utf16, 0.95, bad, max_undecodable)

    reason = _binary_reason(sample)
    if reason:
        return Decoded("", None, 0.0, reject=reason, detail="NUL or control bytes in sample")

    # Fast path: legacy Chinese text is mostly Han characters, and exactly one CJK superset
    # decodes it cleanly into *common* characters (the others yield errors or rare ones).
    # That shows within a few KB, so the codecs are scored on a short head; the winner must
    # then decode the whole sample without error too, and read as Chinese (no kana, its Han
    # characters mostly frequent ones: Korean, Japanese and Cyrillic bytes read as GBK or
    # Big5 are clean, common and wrong). When that is clear-cut, chardet (the slowest step
    # by far) is not consulted.
    head = raw[:FAST_BYTES]
    scored = [_score(head, c, len(raw) > FAST_BYTES) for c in _FALLBACKS]
    top = min(scored, key=lambda c: (not c.clean, -c.plausible))  # ties keep _FALLBACKS order
    rival = max(c.plausible for c in scored if _FAMILY_OF[c.codec] != _FAMILY_OF[top.codec])
    if top.clean and top.han >= 0.3 and top.plausible - rival >= 0.15 and top.kana <= KANA_MAX and (
            (top.plausible >= FAST_PLAUSIBLE and top.chinese_han)
            or (top.plausible >= FAST_PLAUSIBLE_DAMAGED and top.han_count >= FREQUENT_MIN_HAN
                and top.chinese_han)):
        if top.text is not None:
            return _finish(raw, top.text, top.codec, top.plausible, 0, max_undecodable)
        text, bad = decode_counting(raw, top.codec)
        if bad == 0 or (truncated and _strictly_decodes(sample, top.codec, truncated)):
            return _finish(raw, text, top.codec, top.plausible, bad, max_undecodable)
    if len(raw) > FAST_BYTES:
        scored = [_score(sample, c, truncated) for c in _FALLBACKS]

    guess = chardet.detect(sample)
    name = (guess.get("encoding") or "").lower()
    chardet_conf = float(guess.get("confidence") or 0.0)
    candidates = list(_FAMILY.get(name, (name,) if name and _known(name) else ()))
    # chardet's answer and the CJK supersets compete on the sample: fewest undecodable bytes
    # and most plausible characters win; chardet's answer gets a bonus scaled by its confidence.
    # A CJK superset whose Han characters are not those of Chinese is out of the running (kana
    # are no evidence against it here: a Chinese page may quote Japanese).
    # A single-byte codec reads any bytes cleanly, so one stray byte in a legacy Chinese page
    # that is mostly ASCII markup made it win (chardet names one, too): when a CJK superset
    # reads the sample as Chinese with a few damaged places, a single-byte reading is out.
    # When chardet gives up (names no double-byte codec: EUC-JP or EUC-KR with one stray byte
    # mid-text get cp737 or cp1006 at 0.02-0.06), EUC-JP and EUC-KR compete too, each only on
    # the evidence of its script (`_mostly_japanese_or_korean`: without it they are not
    # candidates at all), which keeps a single-byte reading out as Chinese does. EUC-JP also when chardet names a Chinese codec whose Han
    # characters are not those of Chinese (EUC-JP whose stray byte pairs up: GB18030 reads it
    # without error, its kana as GB2312's); not EUC-KR: GB18030 shifted by a stray byte reads
    # as Hangul too.
    chinese = any(_mostly_chinese(c) for c in scored)
    not_chinese = {c.codec for c in scored if not c.chinese_han}
    gave_up = all(single_byte(c) for c in candidates)
    rivals = _JK_CODECS if gave_up else ("euc_jis_2004",) if all(c in not_chinese for c in candidates) else ()
    others = [_score(sample, codec, truncated) for codec in candidates if codec not in _FALLBACKS]
    jk = [c for c in (_score(sample, codec, truncated) for codec in rivals if codec not in candidates)
          if _mostly_japanese_or_korean(c, scored[0])]
    best: tuple[float, _Candidate] | None = None
    for c in scored + others + jk:
        value = c.plausible - 5.0 * c.errors / len(sample) + (0.1 * chardet_conf if c.codec in candidates else 0.0)
        if (c.codec in _FALLBACKS and not c.chinese_han) or ((chinese or jk) and single_byte(c.codec)):
            value -= 1.0
        if best is None or value > best[0]:
            best = (value, c)
    assert best is not None
    codec = best[1].codec
    if single_byte(codec) and _short_utf8(raw):
        text, bad = decode_counting(raw, "utf-8")
        return _finish(raw, text, "utf-8", 1.0 - bad / max(1, len(raw)), bad, max_undecodable)
    # chardet's confidence when we follow chardet; our own plausibility score otherwise.
    confidence = chardet_conf if codec in candidates else max(0.0, min(1.0, best[0]))
    text, bad = (best[1].text, 0) if best[1].text is not None else decode_counting(raw, codec)
    return _finish(raw, text, codec, confidence, bad, max_undecodable)


# Tried when chardet names no double-byte codec, on the evidence of their script alone.
_JK_CODECS = ("euc_jis_2004", "cp949")
# EUC-KR's Hangul rows are GB2312's level-1 rows B0-C8, so any GB2312 text reads as Hangul in
# cp949, and classical poetry has its Han characters as rare as Korean read as GB18030 (11-16%
# frequent): Hangul is 95-100% of the CJK characters of chardet's 33 EUC-KR and CP949 files in
# cp949, 57-67% of 49 clean sample texts in GB18030 read as cp949 with few damaged places.
KOREAN_HANGUL_MIN = 0.8


def _mostly_japanese_or_korean(c: _Candidate, gb: _Candidate) -> bool:
    """An EUC-JP or EUC-KR reading (`c`) is Japanese or Korean with a few damaged places: kana
    at least `family.JA_SHARE` of its CJK characters (EUC-JP's kana rows are GB2312's, so a
    GB2312 text reads with as much kana as it has), or Hangul at least `KOREAN_HANGUL_MIN` of
    them with the GB18030 reading (`gb`) Han characters too rare for Chinese, and its
    undecodable sequences as rare as MOSTLY_VALID_RATIO allows."""
    if not _few(c.errors, c.multibyte):
        return False
    if c.codec == "euc_jis_2004":
        return c.kana >= family.JA_SHARE
    return c.hangul >= KOREAN_HANGUL_MIN and gb.han_count >= FREQUENT_MIN_HAN and not gb.chinese_han


def _mostly_chinese(c: _Candidate) -> bool:
    """A CJK superset's reading is Chinese with a few damaged places: enough Han characters,
    most of the non-ASCII ones, those of Chinese (`_Shares.chinese_han`: frequent ones among
    them, a wrong reading has 0-4%, Chinese 30-60% in chardet's Big5 and GB2312 files; or, for
    classical poetry, whose 11-16% are as few as Korean read as GB18030 has, clause marks after
    them, CLAUSE_MIN), no kana, and its undecodable
    sequences as rare as MOSTLY_VALID_RATIO allows (issue 16, Build 1: a stray byte must not
    trade a legacy file for another codec either)."""
    return (c.codec in _FALLBACKS and c.han_count >= FREQUENT_MIN_HAN and c.chinese_han
            and c.kana <= KANA_MAX and 2 * c.han_count >= c.multibyte and _few(c.errors, c.multibyte))


@functools.cache
def single_byte(codec: str) -> bool:
    """Every byte is one character: no high byte pairs with the next one (tried with A1 after
    each, a trail byte of every CJK double-byte codec). Shift_JIS reads A1-DF alone but pairs
    81-9F and E0-FC, so it is not single-byte."""
    if codec.startswith("utf"):
        return False
    try:
        return all(len(bytes((b, 0xA1)).decode(codec, "replace")) == 2 for b in range(0x80, 0x100))
    except LookupError:
        return False


# A file is UTF-8 with a few damaged places when its valid multi-byte characters outnumber
# its runs of undecodable bytes by this much (and there are at least MOSTLY_VALID_MIN of them): one
# stray byte, or a first byte cut off, must not trade a UTF-8 file for GB18030 or cp866
# (issue 16; the ratio also bounds the damage of a legacy Chinese reading, `_mostly_chinese`). Text in a legacy codec read as UTF-8 yields about one error per non-ASCII
# character, and random valid UTF-8 sequences in it are rare.
MOSTLY_VALID_RATIO = 30
MOSTLY_VALID_MIN = 8


def _mostly_utf8(raw: bytes) -> tuple[str, int] | None:
    """(text, undecodable bytes) when `raw` is valid UTF-8 but for a few bytes, else None."""
    sample = raw[:SAMPLE_BYTES]
    head = _decode_replacing(sample, "utf-8", len(raw) > SAMPLE_BYTES)
    if not _few_damaged_places(head):
        return None
    text, bad = decode_counting(raw, "utf-8")
    return (text, bad) if _few_damaged_places(text) else None


# A text too short for MOSTLY_VALID_MIN (a title, a chat line) that UTF-8 reads with at least
# one valid multi-byte character and at most this many damaged places is UTF-8 with a stray
# byte, not the single-byte text a single-byte codec makes of any bytes (`Hello 世界` + FF is
# not cp861 `Hello Σ╕ûτþð`): of 400 short pieces of the clean sample with a stray byte, 358
# decoded wrong before; text in a single-byte codec does not read so (0 of chardet's 412
# files decoded right, 0 of 1,134 of their stray-byte copies; `eval_decoding.py --doubt`).
SHORT_UTF8_PLACES = 1


def _short_utf8(raw: bytes) -> bool:
    """UTF-8 reads the sample with a valid multi-byte character and at most
    `SHORT_UTF8_PLACES` damaged places."""
    places, multibyte = _damage(_decode_replacing(raw[:SAMPLE_BYTES], "utf-8", len(raw) > SAMPLE_BYTES))
    return multibyte >= 1 and places <= SHORT_UTF8_PLACES


def _few_damaged_places(text: str) -> bool:
    return _few(*_damage(text))


def _damage(text: str) -> tuple[int, int]:
    """(damaged places: runs of U+FFFD, valid non-ASCII characters) of a reading."""
    return len(_DAMAGE.findall(text)), _multibyte(text, text.count("\ufffd"))


def _few(places: int, multibyte: int) -> bool:
    """`places` damaged places are few among `multibyte` valid non-ASCII characters."""
    return multibyte >= MOSTLY_VALID_MIN and places * MOSTLY_VALID_RATIO <= multibyte


def _multibyte(text: str, replacements: int) -> int:
    """The characters above U+007F that are not U+FFFD (`replacements` of them), counted in C
    (what encoding to ASCII drops)."""
    return len(text) - len(text.encode("ascii", "ignore")) - replacements


_DAMAGE = re.compile("\ufffd+")


# ISO-2022 designations: the escape sequences that switch to a double-byte set.
_ISO2022_KR = b"\x1b$)C"
_ISO2022_JP = (b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b(I", b"\x1b$(D", b"\x1b$A", b"\x1b$(Q", b"\x1b$(O")
# Tried in order, first strict success wins (the later ones are supersets with more sets).
_ISO2022_JP_CODECS = ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_2004", "iso2022_jp_3")


def _sniff_iso2022(raw: bytes) -> tuple[str, str] | None:
    """ISO-2022-JP/KR: 7-bit text with the escape sequences of a double-byte set, decoded
    strictly (it is valid ASCII too, so this comes before UTF-8)."""
    head = raw[:SAMPLE_BYTES]
    if b"\x1b" not in head or not raw.isascii():
        return None
    codecs_: tuple[str, ...] = ()
    if _ISO2022_KR in head:
        codecs_ = ("iso2022_kr",)
    elif any(seq in head for seq in _ISO2022_JP):
        codecs_ = _ISO2022_JP_CODECS
    for codec in codecs_:
        try:
            return codec, raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return None


def _sniff_utf32(raw: bytes) -> str | None:
    """BOM-less UTF-32: a byte order whose head decodes strictly (which text in any other
    encoding almost never does: every unit must be below 0x110000) into plausible text."""
    head = raw[: min(len(raw) // 4 * 4, 16384)]
    if len(head) < 8 or head.count(0) < len(head) // 4:
        return None
    for codec in ("utf-32-le", "utf-32-be"):
        try:
            text = head.decode(codec)
        except UnicodeDecodeError:
            continue
        if text.count("\x00") <= len(text) // 100:
            cps = _codepoints(text)
            # astral characters (a page of plane-1 symbols) count here, beside some plain text
            plausible = _plausible_ratio(text)
            if plausible >= 0.3 and plausible + float(np.count_nonzero(cps >= 0x10000)) / len(cps) >= 0.9:
                return codec
    return None


@dataclass(frozen=True, slots=True)
class _Candidate:
    plausible: float
    han: float
    han_count: int
    frequent: float  # share of the Han characters among the most frequent ones
    chinese_han: bool  # _Shares.chinese_han
    kana: float
    hangul: float
    errors: int  # U+FFFD in the reading: undecodable sequences, and U+FFFD the text itself holds
    clean: bool  # the sample decodes strictly (no undecodable sequence)
    multibyte: int  # characters above U+007F in the reading, U+FFFD not counted
    codec: str
    text: str | None = None


def _score(sample: bytes, codec: str, truncated: bool) -> _Candidate:
    """How well `codec` decodes the sample: plausibility, Han share, are the Han characters
    frequent ones, kana share, undecodable sequences.

    Errors are counted as U+FFFD from the C-level "replace" handler (one per bad sequence):
    a Python error handler costs ~1 us per call, and a wrong codec makes thousands of errors.
    A sample cut mid-character is not held against the codec (incremental, not final).
    """
    decoded = _decode_replacing(sample, codec, truncated)
    errors = decoded.count("\ufffd")
    # A U+FFFD may be a character of the text (GB18030 encodes it: a page that carries the
    # scars of an earlier lossy decoding); only a strict decoding tells.
    clean = not errors or _strictly_decodes(sample, codec, truncated)
    shares = _shares(decoded[:16384])
    # The whole input decoded without a single error: that is the text (no second decode).
    text = decoded if not truncated and clean else None
    return _Candidate(shares.plausible, shares.han, shares.han_count, shares.frequent, shares.chinese_han(),
                      shares.kana, shares.hangul, errors, clean, _multibyte(decoded, errors), codec, text)


def _decode_replacing(sample: bytes, codec: str, truncated: bool) -> str:
    return codecs.getincrementaldecoder(codec)("replace").decode(sample, final=not truncated)


def _strictly_decodes(sample: bytes, codec: str, truncated: bool) -> bool:
    """No undecodable sequence in the sample (one cut mid-character at the end of a truncated
    sample is not one)."""
    try:
        codecs.getincrementaldecoder(codec)("strict").decode(sample, final=not truncated)
    except UnicodeDecodeError:
        return False
    return True


def _known(codec: str) -> bool:
    try:
        codecs.lookup(codec)
    except LookupError:
        return False
    return True


def _finish(
    raw: bytes, text: str, codec: str, confidence: float, bad: int, max_undecodable: float, bom: bool = False
) -> Decoded:
    if not text.strip():
        return Decoded("", codec, confidence, bad, bom, reject="empty", detail="no visible text after decoding")
    if bad and bad / len(raw) > max_undecodable:
        return Decoded(
            "", codec, confidence, bad, bom,
            reject="undecodable", detail=f"{bad} of {len(raw)} bytes undecodable as {codec}",
        )
    if "\x00" in text and text.count("\x00") / len(text) > 0.01:
        return Decoded("", codec, confidence, bad, bom, reject="binary", detail=f"NUL characters after decoding as {codec}")
    return Decoded(text, codec, confidence, bad, bom)
