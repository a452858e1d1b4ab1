"""The repair stages' table-lookup (numpy) fast paths and the debris regex against the
definitions they replace (docs/repair.md, "Speed work, round 3"). The fast paths only run on long texts, so
they are called here directly on short ones (or on padded ones)."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.repair.test_equivalence import _scan_pieces

from cleanse.repair import ftfy_zh, pinyin
from cleanse.repair.cjk.reencode import NO_VALID_FFFD, REENCODINGS, dead_first_bytes, decoded_prefix
from cleanse.repair.cjk.suspects import (TONE_BIT, all_suspects, blocked_suspects, char_flags, code_points,
                                         flagged_suspects, scanned_suspects, suspects_flagged)
from cleanse.repair.pinyin import _SYLLABLE, DEBRIS_RE, TONED, is_syllable

# Beyond the scan pieces: the neighbours the flag tables test (non-ASCII, Han before a
# letter, letters before a parenthesis), code points above the BMP (clipped onto U+FFFF),
# U+FFFF itself and a lone surrogate.
_flag_pieces = st.one_of(_scan_pieces, st.sampled_from(["\U00020001", "\uffff", "\ud800", "ḿ", "ń", "ǜ", "（lǜ）",
                                                        "g(shù)", "夹g改", "中?文", "ab?", "!中", "\n", "@", "~",
                                                        "孵", "钼钨", "(bào", "zhuàng)", "ぷ"]))


@settings(max_examples=800, deadline=None)
@given(st.lists(_flag_pieces, max_size=30).map("".join))
def test_flagged_suspects_match_the_regex_scan(text):
    assert flagged_suspects(text) == scanned_suspects(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(_flag_pieces, max_size=30).map("".join))
def test_long_texts_take_the_flag_path(text):
    padded = text + "。中文" * 700  # past NUMPY_MIN_CHARS
    assert all_suspects(padded) == scanned_suspects(padded)


@settings(max_examples=600, deadline=None)
@given(st.lists(_flag_pieces, max_size=30).map("".join), st.integers(1, 24))
def test_blocked_scan_is_the_whole_text_scan(text, block):
    """The block-by-block scan (the fast path on long texts, blocks of 64K characters) finds
    the suspects of the whole-text arrays and of the regexes, and the same tone flag, for any
    block size (a block boundary between a character and its neighbours, inside a note)."""
    cp = code_points(text)
    fl = char_flags().take(cp, mode="clip")
    whole = suspects_flagged(text, cp, fl)
    assert whole == scanned_suspects(text)
    assert blocked_suspects(text, block) == (whole, bool((fl & TONE_BIT).any()))


_OLD_DEBRIS_RE = re.compile(rf"[?？\ufffd][(（]?({_SYLLABLE})[)）]")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["?", "？", "\ufffd", "(", "（", ")", "）", "bào", "bao", "ng", "ǎ", "lü", "領",
                                 "abcdefg", "x"]), max_size=14).map("".join))
def test_debris_regex_keeps_the_syllable_matches(text):
    """The debris regex asks for a tone mark itself: the matches that pass `is_syllable`
    are the same as with the plain regex."""
    def spans(rx):
        return [m.span() for m in rx.finditer(text) if is_syllable(m.group(1))]
    assert spans(DEBRIS_RE) == spans(_OLD_DEBRIS_RE)
    def drop(m: re.Match) -> str:  # as pinyin.remove_debris
        return "" if is_syllable(m.group(1)) else m.group()
    assert DEBRIS_RE.sub(drop, text) == _OLD_DEBRIS_RE.sub(drop, text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(TONED + "üaeiouvnmg中文(（)）?é\xe0\u024f\u0250\u1e3f")), max_size=20))
def test_tone_letter_precheck_never_misses(text):
    padded = text + "中" * 1000  # the numpy path
    if any(c in TONED for c in text):
        assert pinyin.may_have_tone_letter(padded)


_ftfy_alphabet = st.sampled_from(list("中文。，\xa0·—‘’“”… ab\n\tÃ©Â¤ä¸€™‰ŠšŽž€ĄąαβЖж") + list(TONED) + ["\U00020001", "\ud800"])


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_ftfy_alphabet, max_size=24))
def test_ftfy_flag_gates_match_the_regexes(text):
    fl = ftfy_zh._flags_of(text)
    assert bool((fl & ftfy_zh._UNSAFE_BIT).any()) == (ftfy_zh.UNSAFE_RE.search(text) is not None)
    if ftfy_zh.UTF8_DETECTOR_RE.search(text):  # the precheck is a necessary condition
        assert ftfy_zh._clue_pair_in(fl)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=3 * ftfy_zh.UNSAFE_BLOCK), st.sampled_from(["é", "\U0001f600", "中"]))
def test_has_unsafe_in_blocks_matches_the_regex(at, ch):
    """The block-wise lookup finds one character anywhere, block edges included."""
    text = "中" * at + ch + " " * (3 * ftfy_zh.UNSAFE_BLOCK - at)
    assert ftfy_zh.has_unsafe(text) == (ftfy_zh.UNSAFE_RE.search(text) is not None)
    edge = "中" * (ftfy_zh.UNSAFE_BLOCK - 1) + "é"
    assert ftfy_zh.has_unsafe(edge + "中" * 5000) and ftfy_zh.has_unsafe("中" * ftfy_zh.UNSAFE_BLOCK + "é")


def test_replacement_decoding_stops_where_strict_decoding_fails():
    """`reencode_candidates` decodes GBK and Big5 with errors="replace" and cuts at the
    first U+FFFD: no valid sequence of these codecs decodes to U+FFFD."""

    for codec in NO_VALID_FFFD:
        for lead in range(256):
            for raw in [bytes((lead,))] + [bytes((lead, trail)) for trail in range(256)]:
                try:
                    assert "\ufffd" not in raw.decode(codec), (codec, raw)
                except UnicodeDecodeError:
                    pass


def test_dead_first_bytes_start_no_character():

    for codec in {r.right for r in REENCODINGS}:
        for b in dead_first_bytes(codec):
            for tail in (b"", b"\x40", b"\x80", b"\xa1\xa1", b"\xa4\x40", b"\x80\x80\x80"):
                try:
                    (bytes((b,)) + tail).decode(codec)
                    raise AssertionError((codec, b, tail))
                except UnicodeDecodeError as exc:
                    assert exc.start == 0


@settings(max_examples=1000, deadline=None)
@given(st.binary(max_size=12), st.sampled_from(["gbk", "big5", "utf-8"]))
def test_decoded_prefix_is_strict_decoding_up_to_the_first_error(raw, codec):

    try:
        expected = raw.decode(codec)
    except UnicodeDecodeError as exc:
        expected = raw[:exc.start].decode(codec)
    assert decoded_prefix(raw, codec) == expected
