"""The gates and one-call fast paths that make `cjk_mojibake`'s cost follow damage, not text
(issue 11, item 5; figures in docs/repair.md, "Cost proportional to damage"), each against
the plain definition it replaces."""

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.repair.cjk.lossy import read_utf8_run

# Pieces of real damage and of clean text: UTF-8 read as GBK (strict, lossy), clean Chinese of
# both scripts, punctuation, U+FFFD, characters GBK cannot encode, lone surrogates.
_RUN_PIECES = st.sampled_from([
    "鎴戜滑浠婂ぉ", "鍘诲寳浜", "銆�", "\ufffd", "涓", "囦", "中文", "國語", "，", "。", "的", "乎哉", "ÎÒ", "é", "€",
    "\u00b7", "😀", "\ud800", "ア", "한", "灞呭", "璐堢洤", "鏂版氮", "a", "1"])


def _read_utf8_run_plain(run: str) -> str | None:
    """The definition: each character's GBK bytes (U+FFFD dropped), read as UTF-8."""
    raw = bytearray()
    for c in run:
        if c == "\ufffd":
            continue
        try:
            raw += c.encode("gbk")
        except UnicodeEncodeError:
            return None
    return raw.decode("utf-8", "replace")


@settings(max_examples=600, deadline=None)
@given(st.lists(_RUN_PIECES, max_size=20).map("".join))
def test_run_read_in_one_call_is_the_per_character_reading(run):
    assert read_utf8_run(run) == _read_utf8_run_plain(run)
