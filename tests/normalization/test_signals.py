"""quality_signals counts a long text in blocks (`BLOCK_CHARS`): the same signals as counting
it whole, including the pairs that straddle two blocks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.normalization import signals

# Han (common and rare), kana, spaces, `?` holes, Latin-1/cp1252 mojibake pairs, placeholder
# and mask characters, private use, U+FFFD and an astral Han character.
ALPHABET = "中文的丶亍 \n\u3000?ÃƒÂ©€™xX×○*＊年届公司A1\ue000\ufffd𠀀"


def _whole(text: str) -> dict[str, float]:
    old = signals.BLOCK_CHARS
    signals.BLOCK_CHARS = 10**9
    try:
        return signals.quality_signals(text)
    finally:
        signals.BLOCK_CHARS = old


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, max_size=200), st.integers(1, 9))
def test_blocked_signals_equal_the_whole_text(text: str, block: int) -> None:
    whole = _whole(text)
    old = signals.BLOCK_CHARS
    signals.BLOCK_CHARS = block
    try:
        assert signals.quality_signals(text) == whole
    finally:
        signals.BLOCK_CHARS = old


def test_a_long_text_has_the_signals_of_its_parts() -> None:
    # Longer than one block, with every counted kind at a block's edge.
    unit = "科技20xx年XX公司建设*的目标中?文Ã©" + "中" * (signals.BLOCK_CHARS - 25)
    text = unit * 3
    got = signals.quality_signals(text)
    assert got == _whole(text)
    assert got["placeholder_count"] == 6 and got["masked_count"] == 3 and got["mojibake_score"] > 0
