"""Repair kinds of `cjk_mojibake` (the `kind` of its repair records, docs/schema.md) and its
removal reason. Each names one damage family or one decision about a lost character."""

GBK_SHIFT = "gbk_shift"  # GBK lost a lead byte: later pairs re-paired one byte off (shift.py)
UTF8_AS_GBK = "utf8_as_gbk"  # a span re-encoded: UTF-8 bytes that were read as GBK (reencode.py)
BIG5_AS_GBK = "big5_as_gbk"
GBK_AS_BIG5 = "gbk_as_big5"
GBK_AS_LATIN1 = "gbk_as_latin1"
GBK_AS_CP1252 = "gbk_as_cp1252"
BIG5_AS_LATIN1 = "big5_as_latin1"
UTF8_AS_GBK_RUN = "utf8_as_gbk_run"  # a whole run of UTF-8 read as GBK, also lossy (lossy.py)
BIG5_AS_GBK_RUN = "big5_as_gbk_run"  # a whole run of Big5 read as GBK, lossy (big5.py)
GBK_AS_BIG5_RUN = "gbk_as_big5_run"  # a whole run of GBK read as Big5, lossy (big5.py)
LOST = "lost"  # characters that could not be read back, left as U+FFFD (after = one U+FFFD each)
LOST_CHAR_GUESS = "lost_char_guess"  # a lost character restored from its context (lost.py)
LOST_CHAR = "lost_char"  # internal edit kind: `?(bào)` debris (no repair record of its own)
LOST_CHAR_DEBRIS = "lost_char_debris"  # removal reason: debris of a lost character not restored

# Runs whose characters that could not be read back stay U+FFFD, each recorded as `lost`.
LOSSY_RUNS = frozenset({UTF8_AS_GBK_RUN, BIG5_AS_GBK_RUN, GBK_AS_BIG5_RUN})
# Re-readings of CJK bytes with another CJK codec: a result with no Han character is no repair.
CJK_READINGS = frozenset({UTF8_AS_GBK, BIG5_AS_GBK, GBK_AS_BIG5})
# Re-readings of legacy CJK bytes as a Latin codec (their input is Latin letters and symbols).
LATIN1_READINGS = frozenset({GBK_AS_LATIN1, GBK_AS_CP1252, BIG5_AS_LATIN1})
# Every re-encoding of a span (ftfy_zh leaves a segment to cjk_mojibake that one of them repairs).
REENCODINGS = CJK_READINGS | LATIN1_READINGS
