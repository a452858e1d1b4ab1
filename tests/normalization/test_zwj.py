"""ZWJ (U+200D) inside emoji sequences is kept; every other zero-width character goes (issue 16).

The sequences are built from the kinds listed in Unicode's emoji-zwj-sequences.txt (family,
role with an object, skin tone, VS16 before the joiner, tag flags are not ZWJ sequences)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cleanse.normalization.normalize import normalize_zh

Z = "\u200d"
SEQUENCES = [
    "\U0001f468" + Z + "\U0001f469" + Z + "\U0001f467" + Z + "\U0001f466",  # family: man, woman, girl, boy
    "\U0001f469" + Z + "\u2764\ufe0f" + Z + "\U0001f48b" + Z + "\U0001f468",  # kiss: woman, man
    "\U0001f468\U0001f3fd" + Z + "\u2695\ufe0f",  # man health worker: medium skin tone
    "\U0001f469" + Z + "\U0001f680",  # woman astronaut
    "\U0001f3f3\ufe0f" + Z + "\U0001f308",  # rainbow flag
    "\u2764\ufe0f" + Z + "\U0001f525",  # heart on fire
    "\U0001f3c3" + Z + "\u2640\ufe0f",  # woman running
    "\U0001f441\ufe0f" + Z + "\U0001f5e8\ufe0f",  # eye in speech bubble
]


def test_zwj_sequences_survive_in_chinese_text() -> None:
    for seq in SEQUENCES:
        text = f"今天全家出游{seq}，很开心。"
        assert normalize_zh(text).text == text, ascii(seq)


def test_zwj_outside_emoji_and_other_zero_width_characters_go() -> None:
    assert normalize_zh("科\u200d技\u200b工\u200c作\u2060会\ufeff议").text == "科技工作会议"
    assert normalize_zh("\U0001f600" + Z + "好").text == "\U0001f600好"  # not followed by an emoji
    assert normalize_zh("好" + Z + "\U0001f600").text == "好\U0001f600"  # not after one
    assert normalize_zh(Z + Z).text == ""


@given(st.text(alphabet=["\U0001f468", "\U0001f469", Z, "\ufe0f", "\u2764", "中", " ", "\u200b"], max_size=30))
def test_idempotent_with_joiners(text: str) -> None:
    once = normalize_zh(text).text
    assert normalize_zh(once).text == once
    assert "\u200b" not in once
