"""Clusters of suspects, and the local test that dismisses most of them unjudged: rare
characters that real text also contains (`钼钨`, `芃芃`), debris in a plausible window."""

from __future__ import annotations

import re
from functools import lru_cache

from cleanse.repair.cjk.suspects import COMMON_PUNCT, all_suspects
from cleanse.repair.cjk.tuning import TUNING
from cleanse.repair.model import COST_SYMBOL, Model, is_han, model

_DEBRIS_CHAR = re.compile("[\x00-\x7f\ufffd]")  # ?, !, a letter before a note, U+FFFD


def clusters(text: str, suspects: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Suspects at most cluster_gap characters apart on one line, as (start, end) spans."""
    gap = TUNING.cluster_gap
    out: list[tuple[int, int]] = []
    for s, e in (all_suspects(text) if suspects is None else suspects):
        if out and s - out[-1][1] <= gap and "\n" not in text[out[-1][1]:s]:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _explained(m: Model, text: str, cs: int, ce: int) -> bool:
    """Every suspect in text[cs:ce] is a rare Han character that forms a dictionary word with
    a neighbour (`钼钨`, `孵化`): real text, no need to try candidates. Mojibake never does."""
    rare, strong = TUNING.explained_min_cost, TUNING.explained_min_bigram
    for q in range(cs, ce):
        c = text[q]
        if c < "\x80" or c == "\ufffd":
            return False  # ?, !, a letter before a note: decoder debris, always look
        if c in COMMON_PUNCT:
            continue
        if not is_han(c) or m.unigram_cost(c) < rare:
            # a common character between suspects: fine if it is Han
            if is_han(c):
                continue
            return False
        left = text[q - 1] if q > 0 else ""
        right = text[q + 1] if q + 1 < len(text) else ""
        if not ((left and m.bigram_strength(left, c) >= strong) or (right and m.bigram_strength(c, right) >= strong)):
            return False
    return True


def _damage_shaped(m: Model, text: str, cs: int, ce: int) -> bool:
    """A suspect that the local window must not dismiss: a non-Han symbol (kana, bopomofo,
    box drawing...) right after a Han character (`基地ㄔO`), or `?`/U+FFFD between two
    non-ASCII characters (`沂芯?济`). Candidates still have to pass `judge`."""
    for q in range(cs, ce):
        c = text[q]
        prv = text[q - 1] if q > 0 else ""
        if not prv or not is_han(prv):
            continue
        if c in "?\ufffd":
            if q + 1 < len(text) and text[q + 1] >= "\x80":
                return True
        elif c >= "\x80" and not is_han(c) and c not in COMMON_PUNCT and m.unigram_cost(c) >= COST_SYMBOL:
            return True
    return False


@lru_cache(maxsize=65536)
def _single_verdict(left: str, c: str, right: str) -> tuple[bool, bool]:
    """`_damage_shaped` and `_explained` of a one-character cluster between its neighbours
    ("" at the ends of the text): rare words recur, so the verdicts are memoised."""
    three = left + c + right
    q = len(left)
    return _damage_shaped(model(), three, q, q + 1), _explained(model(), three, q, q + 1)


def dismissed(m: Model, text: str, cs: int, ce: int, lo: int, hi: int) -> bool:
    """The cluster text[cs:ce] (on the line text[lo:hi]) is left alone without candidates:
    its rare characters form words with their neighbours, or the window around it reads
    like text (mean cost below local_ok / local_ok_rare). Never a letter carrying a note
    or a damage-shaped suspect."""
    t = TUNING
    if text[ce - 1].isascii() and text[ce - 1].isalpha():
        return False
    if ce - cs == 1:  # most clusters: one rare character, judged with its neighbours
        shaped, explained = _single_verdict(text[cs - 1] if cs else "", text[cs], text[ce:ce + 1])
    else:
        shaped = _damage_shaped(m, text, cs, ce)
        explained = not shaped and _explained(m, text, cs, ce)
    if shaped:
        return False
    if explained:
        return True
    w0, w1 = max(lo, cs - t.local_before), min(hi, ce + t.local_after)
    return (m.span_cost(text[w0:w1]) / max(1, w1 - w0)
            < (t.local_ok if _DEBRIS_CHAR.search(text, cs, ce) else t.local_ok_rare))
