"""Spans still mojibake after the repair stages, which script conversion must leave alone.

UTF-8 read as GBK that `cjk_mojibake` could not repair (`钖婁笜瑕藉彜璐堢洤灞呭`) is made of
real characters, and t2s would rewrite them (婁 → 娄, 鑰 → 钥): the bytes, and so the text,
could no longer be recovered from the row. `mojibake_spans` finds such spans so that
`convert_t2s` copies them unchanged and flags them in `signals`.

A window of `WINDOW` characters is still mojibake when both hold:
- **the bytes could be UTF-8**: every character is U+FFFD or a GBK character whose two bytes
  are both UTF-8 bytes of CJK text (lead bytes E0-EF or continuation bytes 80-BF; `UTF8_GBK`,
  5,745 characters). UTF-8 Chinese read as GBK is made only of such pairs; in clean text
  about one character in five is one, so eight in a row are rare;
- **implausible** under the repair plausibility model (`cleanse.repair.model`): its mean
  cost (-log10 P(c | previous character)) is ≥ `MIN_MEAN`.
Overlapping or touching windows merge into one span, trimmed at its ends of ，。 and of
characters that form a dictionary bigram with a neighbour (`後來` before `鎴戜滑…`). Measured (docs/script.md): on the clean
corpus sample (tests/data/clean_corpus) 16 windows pass the first test, the highest mean
cost among them 3.77 (`奉璋。奉璋峨峨，`); UTF-8 read as GBK (replace or ignore) left by the
repair stages on paragraphs of that sample: the lowest 5.2. Other confusions (Big5 and GBK
read as each other) have no such byte signature and are not protected.

Speed: the first test is one table lookup per character, for all texts of a batch at once
with numpy; only windows that pass it are costed (`mojibake_spans_plain` is the definition,
one window at a time, tested against `mojibake_spans_batch`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from cleanse.repair.model import CANTONESE_CHARS, CANTONESE_COST, model

WINDOW = 8
MIN_MEAN = 4.5
# A character at a span's end is clean text when it forms a dictionary bigram (log2 count)
# with a neighbour, or costs less than ，。 do.
EDGE_MIN_BIGRAM = 3
EDGE_PUNCT_COST = 2.0
_UTF8_BYTES = frozenset([*range(0x80, 0xC0), *range(0xE0, 0xF0)])
CONFIG = {"window": WINDOW, "min_mean": MIN_MEAN, "edge_min_bigram": EDGE_MIN_BIGRAM,
          "edge_punct_cost": EDGE_PUNCT_COST, "bytes": "80-BF,E0-EF",
          "model": {"cantonese_chars": CANTONESE_CHARS, "cantonese_cost": CANTONESE_COST}}  # costs of the model


@lru_cache(maxsize=1)
def utf8_gbk_table() -> np.ndarray:
    """Per code point: True for U+FFFD and for a GBK character whose bytes are both UTF-8
    bytes of CJK text (`UTF8_GBK`)."""
    table = np.zeros(0x110000, dtype=bool)
    for b1 in sorted(_UTF8_BYTES):
        for b2 in sorted(_UTF8_BYTES):
            try:
                c = bytes((b1, b2)).decode("gbk")
            except UnicodeDecodeError:
                continue
            if len(c) == 1:
                table[ord(c)] = True
    table[0xFFFD] = True
    return table


def _is_utf8_gbk(c: str) -> bool:
    return bool(utf8_gbk_table()[ord(c)])


def _implausible(text: str, i: int) -> bool:
    """Mean cost of text[i:i + WINDOW] (after text[i - 1]) ≥ MIN_MEAN."""
    pc = model().pair_costs
    prev = text[i - 1] if i else None
    total = 0.0
    for c in text[i:i + WINDOW]:
        total += pc[c if prev is None else prev + c]
        prev = c
    return total >= MIN_MEAN * WINDOW


def _word(m, text: str, i: int, j: int) -> bool:
    return 0 <= i and j < len(text) and m.bigram_strength(text[i], text[j]) >= EDGE_MIN_BIGRAM


def _merge(text: str, starts: list[int]) -> list[tuple[int, int]]:
    """Windows merged into spans, each trimmed at its ends of characters of the clean text
    around it (the clean `來。` before `閼板寵…` passes the byte test too)."""
    out: list[list[int]] = []
    for i in starts:
        if out and i <= out[-1][1]:
            out[-1][1] = i + WINDOW
        else:
            out.append([i, i + WINDOW])
    m = model()
    spans = []
    for a, b in out:
        # Clean text's characters: one forming a dictionary word with its neighbour (後來 in
        # `後來。閼板寵…`), and ，。 (which t2s does not change anyway).
        while a < b and (m.unigram_costs[text[a]] < EDGE_PUNCT_COST or _word(m, text, a - 1, a)
                         or a + 1 < b and _word(m, text, a, a + 1)):
            a += 1
        while b > a and (m.unigram_costs[text[b - 1]] < EDGE_PUNCT_COST or _word(m, text, b - 1, b)
                         or b - 1 > a and _word(m, text, b - 2, b - 1)):
            b -= 1
        if a < b:
            spans.append((a, b))
    return spans


def mojibake_spans_plain(text: str) -> list[tuple[int, int]]:
    """The definition, one window at a time."""
    return _merge(text, [i for i in range(len(text) - WINDOW + 1)
                   if all(map(_is_utf8_gbk, text[i:i + WINDOW])) and _implausible(text, i)])


def mojibake_spans_batch(texts: list[str]) -> list[list[tuple[int, int]]]:
    """`mojibake_spans_plain` of each text: the byte test of every window of all the texts in
    one numpy pass, the cost only of the windows that pass it."""
    out: list[list[tuple[int, int]]] = [[] for _ in texts]
    joined = "\n".join(texts)  # "\n" fails the byte test, so no window spans two texts
    if len(joined) < WINDOW:
        return out
    flags = utf8_gbk_table()[np.frombuffer(joined.encode("utf-32-le"), dtype="<u4")]
    if not flags.any():
        return out
    sums = np.concatenate(([0], np.cumsum(flags, dtype=np.int64)))
    hits = np.flatnonzero(sums[WINDOW:] - sums[:-WINDOW] == WINDOW)
    if len(hits) == 0:
        return out
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))[:-1] + 1, out=starts[1:])
    owner = np.searchsorted(starts, hits, side="right") - 1
    per_text: dict[int, list[int]] = {}
    for h, i in zip(hits.tolist(), owner.tolist()):
        pos = h - int(starts[i])
        if _implausible(texts[i], pos):
            per_text.setdefault(i, []).append(pos)
    for i, positions in per_text.items():
        out[i] = _merge(texts[i], positions)
    return out


def mojibake_spans(text: str) -> list[tuple[int, int]]:
    """Spans of `text` that are still mojibake (see the module docstring)."""
    return mojibake_spans_batch([text])[0]
