"""CJK compatibility ideographs (docs/normalization.md): kept by every stage but convert_t2s,
which maps them exactly as NFC followed by Traditional -> Simplified (OpenCC's own t2s)."""

from __future__ import annotations

import unicodedata

import pytest

from cleanse.document import Document
from cleanse.normalization.normalize import normalize_zh

COMPAT = [chr(c) for first, last in ((0xF900, 0xFAFF), (0x2F800, 0x2FA1F)) for c in range(first, last + 1)
          if unicodedata.name(chr(c), "").startswith("CJK COMPATIBILITY IDEOGRAPH")]
# The twelve in U+FA0E-FA29 with no decomposition (﨑 U+FA11 among them) are unified ideographs.
MAPPED = [c for c in COMPAT if unicodedata.normalize("NFC", c) != c]


def _process(stage, text: str) -> str:
    doc = Document(text=text, id="", source="s", source_sha256="")
    stage.process(doc)
    return doc.text


def test_the_compatibility_blocks() -> None:
    assert (len(COMPAT), len(MAPPED)) == (1014, 1002)
    assert "\ufa11" in COMPAT and "\ufa11" not in MAPPED  # 﨑: no normalization form changes it


def test_normalize_zh_keeps_every_compatibility_ideograph() -> None:
    text = "古籍：" + "".join(COMPAT) + "。"
    assert normalize_zh(text).text == text


def test_ftfy_zh_keeps_them() -> None:
    from cleanse.repair.ftfy_zh import FtfyStage

    stage = FtfyStage()
    stage.setup()
    text = "文字蒙求：\U0002f936，" + "".join(COMPAT[:200]) + "。"
    assert _process(stage, text) == text


@pytest.fixture(scope="module")
def t2s():
    from cleanse.script.stage import ConvertStage

    stage = ConvertStage("t2s")
    stage.setup()
    return stage


def test_t2s_is_nfc_then_conversion_for_each(t2s) -> None:
    for ch in COMPAT:
        assert _process(t2s, f"古籍{ch}。") == _process(t2s, f"古籍{unicodedata.normalize('NFC', ch)}。"), ascii(ch)
    assert _process(t2s, "音\uf914") == "音乐"  # 樂 U+F914: converted, not left traditional
    assert _process(t2s, "山\ufa11") == "山\ufa11"
