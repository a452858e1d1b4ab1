"""Is a decoding doubtful? A plausibility check on the decoded text, after the decision.

The decoder picks a codec; this module asks of its result whether it reads like text that
codec could rightly give, and says why not. The row keeps its text and carries the answer:
the `decoding_doubtful` signal (a filter, docs/schema.md) and, when doubtful, the reason in
`meta` (`decoding_doubt`). The checks, each a field of `DoubtRule` (part of the decode
stage's identity):

- `control_bytes`: the raw input holds a binary region: a window of `control_window` bytes
  (the input cut into consecutive windows, the last one may be shorter) with at least
  `control_window_min` NUL or C0 control bytes (not TAB, LF, FF, CR, nor ESC). Over the whole
  input, not the decoder's 64 KB sample: a JPEG after 64 KB of text decoded as GB18030 with
  confidence 0.98. Compressed data (JPEG, PNG, GIF, ZIP, gzip, fonts, PDF streams) has 9-17%
  of its bytes such, at least 32 of 1,024 in all but 19 of 35,992 sampled windows; text files
  none (chardet's files outside UTF-16/32 and ISO-2022 hold one, but for one the sample rejects;
  the clean sample's texts none). Not for UTF-16/32 (NUL and C0 bytes are half of their code units) nor for
  ISO-2022 (SO/SI shift bytes). When the binary windows hold at least `binary_share` of the
  input, it is not a flagged row but a reject `binary` (decode stage, raw bytes kept):
  `binary_bytes`.
- `low_confidence`: `encoding_confidence` under `confidence_min`.
- `rare_han`: at least `han_min` Han characters and under `frequent_min` of them among the
  200 most frequent characters of Chinese. A wrong double-byte reading (Big5 read as GB18030,
  EUC-JP or EUC-KR read as a Chinese codec, UTF-16 shifted by a stray byte) spreads its Han
  characters evenly over thousands (0-8% frequent on the measured sets); Chinese prose has
  28-60%, classical poetry 4-16%. Not for UTF-8 (a valid UTF-8 reading is the text), nor for
  Japanese or Korean text (kana and Hangul at least `other_cjk_min` of the CJK characters) in
  a codec that is not a Chinese one: Japanese kanji and Korean Hanja are not Chinese's
  frequent ones; nor for Chinese punctuation after the Han characters (at least `clause_min`
  of them followed by a clause or sentence mark, no kana: detect.py's CLAUSE_MIN evidence),
  which is classical poetry's, not a misreading's (at most 0.006 on chardet's non-Chinese
  files read as a Chinese codec without kana, 0.001 on Chinese read as the other Chinese codec).
- `single_byte_over_double_byte`: a single-byte codec (every byte one character) won, yet
  GB18030 reads the bytes as double-byte text with few damaged places (the mostly-valid rule
  of detect.py, `MOSTLY_VALID_RATIO` and `MOSTLY_VALID_MIN`, with `single_byte_places`
  damaged places allowed whatever the length: one stray byte). Legacy CJK text (GBK, Big5,
  EUC-KR, EUC-JP) is pairs of high bytes, which GB18030 reads cleanly; Cyrillic, Greek,
  Hebrew or Thai words in their codec are runs of odd length between spaces, which it does not.

The thresholds were chosen from `python benchmarks/eval_decoding.py --doubt` (docs/decoding.md,
"The decoding_doubtful signal"), not from examples written for them.
"""

from __future__ import annotations

import codecs
from dataclasses import asdict, dataclass
from typing import Any

from cleanse.decoding.detect import (
    CLAUSE_MIN,
    KANA_MAX,
    MOSTLY_VALID_MIN,
    MOSTLY_VALID_RATIO,
    SAMPLE_BYTES,
    Decoded,
    _CONTROL_BYTES,
    _decode_replacing,
    _multibyte,
    class_counts,
    single_byte,
)

# Codecs of Chinese text (names as `codecs.lookup` gives them).
_CHINESE = frozenset(codecs.lookup(c).name for c in ("gb18030", "gbk", "gb2312", "cp950", "big5", "big5hkscs", "hz"))
CHECKS = ("control_bytes", "low_confidence", "rare_han", "single_byte_over_double_byte")
_TEXT_CHARS = 16384  # characters of the decoded text the shares are taken on (as the decoder's)


@dataclass(frozen=True, slots=True)
class DoubtRule:
    """The checks made (`checks`, module docstring) and their thresholds."""

    checks: tuple[str, ...] = CHECKS
    confidence_min: float = 0.02
    han_min: int = 10
    frequent_min: float = 0.1
    other_cjk_min: float = 0.2
    clause_min: float = CLAUSE_MIN
    single_byte_places: int = 1
    control_window: int = 1024
    control_window_min: int = 32
    binary_share: float = 0.5

    def config(self) -> dict[str, Any]:
        d = asdict(self)
        d["checks"] = list(self.checks)
        return d


DOUBT_RULE = DoubtRule()


def decoding_doubt(raw: bytes, decoded: Decoded, rule: DoubtRule = DOUBT_RULE) -> str | None:
    """Why the decoding of `raw` into `decoded` is doubtful (a reason above), or None."""
    if decoded.reject is not None or decoded.encoding is None:
        return None
    checks = rule.checks
    if "control_bytes" in checks and binary_bytes(raw, decoded, rule):
        return "control_bytes"
    if "low_confidence" in checks and decoded.confidence < rule.confidence_min:
        return "low_confidence"
    codec = codecs.lookup(decoded.encoding).name
    if "rare_han" in checks and codec != "utf-8" and _rare_han(decoded.text[:_TEXT_CHARS], codec in _CHINESE, rule):
        return "rare_han"
    if "single_byte_over_double_byte" in checks and single_byte(codec) and _double_byte_reading(raw, rule):
        return "single_byte_over_double_byte"
    return None


def binary_bytes(raw: bytes, decoded: Decoded, rule: DoubtRule = DOUBT_RULE) -> int:
    """The bytes of `raw` in binary windows (`control_bytes` above), 0 when the check is not
    made or does not apply. Linear: one C-level pass over `raw` (what deleting the control
    bytes removes), and one per window only when the whole input holds enough of them for a
    binary window (text has none)."""
    if ("control_bytes" not in rule.checks or decoded.reject is not None or decoded.encoding is None
            or _wide_or_shifted(codecs.lookup(decoded.encoding).name)):
        return 0
    need = rule.control_window_min
    if len(raw) - len(raw.translate(None, _CONTROL_BYTES)) < need:
        return 0
    size = rule.control_window
    binary = 0
    for start in range(0, len(raw), size):
        window = raw[start : start + size]
        if len(window) - len(window.translate(None, _CONTROL_BYTES)) >= need:
            binary += len(window)
    return binary


def _wide_or_shifted(codec: str) -> bool:
    """UTF-16/32 (NUL and C0 bytes in their code units) or ISO-2022 (SO/SI shifts)."""
    return codec.startswith(("utf-16", "utf-32", "iso2022"))


def _rare_han(text: str, chinese_codec: bool, rule: DoubtRule) -> bool:
    _, _, han, frequent, kana, hangul, clause = class_counts(text)
    if han < rule.han_min or frequent >= rule.frequent_min * han:
        return False
    if clause >= rule.clause_min * han and kana <= KANA_MAX * (han + kana + hangul):
        return False
    return chinese_codec or (kana + hangul) < rule.other_cjk_min * (han + kana + hangul)


def _double_byte_reading(raw: bytes, rule: DoubtRule) -> bool:
    sample = raw[:SAMPLE_BYTES]
    text = _decode_replacing(sample, "gb18030", len(raw) > SAMPLE_BYTES)
    errors = text.count("\ufffd")
    multibyte = _multibyte(text, errors)
    return multibyte >= MOSTLY_VALID_MIN and errors * MOSTLY_VALID_RATIO <= max(
        multibyte, rule.single_byte_places * MOSTLY_VALID_RATIO)
