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


# --- every sequence Unicode lists (tests/data/unicode_emoji, Emoji 15.1) --------------------
def _unicode_sequences(name: str) -> list[tuple[str, str]]:
    """(type, sequence) of every data line of a Unicode emoji sequence file (ranges expanded)."""
    from pathlib import Path

    out = []
    path = Path(__file__).resolve().parent.parent / "data" / "unicode_emoji" / name
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        points, kind = (f.strip() for f in line.split(";")[:2])
        if ".." in points:
            first, last = (int(p, 16) for p in points.split(".."))
            out.extend((kind, chr(c)) for c in range(first, last + 1))
        else:
            out.append((kind, "".join(chr(int(p, 16)) for p in points.split())))
    return out


def test_every_unicode_emoji_sequence_survives_normalize_zh() -> None:
    zwj = _unicode_sequences("emoji-zwj-sequences.txt")
    other = _unicode_sequences("emoji-sequences.txt")
    assert len(zwj) == 1468 and {k for k, _ in other} == {
        "Basic_Emoji", "Emoji_Keycap_Sequence", "RGI_Emoji_Flag_Sequence", "RGI_Emoji_Modifier_Sequence",
        "RGI_Emoji_Tag_Sequence"}
    broken = []
    for kind, seq in zwj + other:
        for text in (seq, f"今天全家出游{seq}，很开心。", seq + seq, f"好。{seq}\n下一行", f"（{seq}）"):
            if normalize_zh(text).text != text:
                broken.append((kind, ascii(text)))
        # Latin context: spacing rules may act around a CJK-block emoji (〰️ 〽️), never inside
        assert seq in normalize_zh(f"a {seq} b").text, ascii(seq)
    assert broken == []
