"""Shared machinery of the conversion engines: code-point arrays, lookup tables, and one
compiled regex scan that finds the rare places where a table is not enough.

Why this shape: per-character dict lookups and `str.translate` cost ~100 ns per
character on CJK text. Instead the text is viewed as a UTF-32 code-point array and
every character is mapped at once through a numpy table (a few ns per character). The
places a table cannot handle (phrase keys, characters whose value is not exactly one
character) are found in bulk too (`CandidateFinder`), and each is confirmed by a regex
whose pattern is a trie of the keys, so Python only looks at real matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

N_CODEPOINTS = 0x110000


def codepoints(text: str) -> np.ndarray:
    """The text as a uint32 array of code points (lone surrogates kept as they are)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def from_codepoints(cps: np.ndarray) -> str:
    return cps.tobytes().decode("utf-32-le", "surrogatepass")


def identity_table() -> np.ndarray:
    return np.arange(N_CODEPOINTS, dtype=np.uint32)


def fill_table(table: np.ndarray, mapping: dict[str, str]) -> None:
    """Write single-character -> single-character entries of `mapping` into `table`."""
    if not mapping:
        return
    keys = np.fromiter((ord(k) for k in mapping), dtype=np.uint32, count=len(mapping))
    vals = np.fromiter((ord(v) for v in mapping.values()), dtype=np.uint32, count=len(mapping))
    table[keys] = vals


def trie_pattern(keys: Iterable[str]) -> str:
    """A regex matching any of `keys`, written as a trie so that at a given start the
    match is the longest key (greedy optional tails are tried longest first, and sibling
    branches begin with distinct characters, so at most one branch can go on)."""
    root: dict = {}
    for key in keys:
        if not key:
            continue
        node = root
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = True
    if not root:
        return "(?!)"  # matches nothing
    return _branches(root)


def _branches(node: dict) -> str:
    alts = [re.escape(ch) + _tail(child) for ch, child in sorted((k, v) for k, v in node.items() if k)]
    return "|".join(alts)


def _tail(node: dict) -> str:
    children = [k for k in node if k]
    if not children:
        return ""
    body = _branches(node)
    if "" in node:
        return f"(?:{body})?"
    if len(children) == 1:
        return body
    return f"(?:{body})"


def compile_trie(keys: Iterable[str]) -> re.Pattern[str]:
    return re.compile(trie_pattern(keys))


def splice(base: str, fixups: list[tuple[int, int, str]]) -> str:
    """`base` with each (start, length, replacement) applied; fixups sorted, disjoint."""
    if not fixups:
        return base
    pieces: list[str] = []
    append = pieces.append
    last = 0
    for start, length, value in fixups:
        append(base[last:start])
        append(value)
        last = start + length
    append(base[last:])
    return "".join(pieces)


def source_map(n_in: int, fixups: list[tuple[int, int, str]]) -> np.ndarray:
    """For each output position of a step, the input position it was carried from, or -1
    inside a replacement whose length differs from what it replaced."""
    parts: list[np.ndarray] = []
    last = 0
    for start, length, value in fixups:
        parts.append(np.arange(last, start, dtype=np.int64))
        if len(value) == length:
            parts.append(np.arange(start, start + length, dtype=np.int64))
        else:
            parts.append(np.full(len(value), -1, dtype=np.int64))
        last = start + length
    parts.append(np.arange(last, n_in, dtype=np.int64))
    return np.concatenate(parts)


def count_changed(in_cps: np.ndarray, out_cps: np.ndarray, origin: np.ndarray | None) -> int:
    """Input characters not carried over unchanged to the output.

    With no length-changing replacement, this is the number of positions that differ.
    Otherwise `origin` maps each output position to the input position it came from
    (-1 inside a length-changing replacement); every input character that is not the
    origin of an identical output character counts as changed.
    """
    if origin is None:
        if len(in_cps) != len(out_cps):  # pragma: no cover - guarded by callers
            raise ValueError("lengths differ without an origin map")
        return int(np.count_nonzero(in_cps != out_cps))
    ok = origin >= 0
    kept = np.count_nonzero(out_cps[ok] == in_cps[origin[ok]])
    return int(len(in_cps) - kept)


def compose_origin(prev: np.ndarray | None, step: np.ndarray) -> np.ndarray:
    if prev is None:
        return step
    out = np.full(len(step), -1, dtype=np.int64)
    ok = step >= 0
    out[ok] = prev[step[ok]]
    return out


# Candidate positions ---------------------------------------------------------------------
#
# A position needs an exact look if a key of two or more characters may start there, or if
# its character is itself a "single candidate" (a one-character key the table cannot hold,
# an IDS operator). Both are found in bulk: a per-code-point flag table, then for the
# multi-character case a hashed table of the keys' first two characters. False positives
# (hash collisions, bigrams that begin no complete key) are harmless: the exact look says
# no. False negatives cannot happen: every key's first bigram is in the table.

FLAG_MULTI = 1
FLAG_SINGLE = 2
FLAG_CHANGES = 4  # the character table changes this character
_BIGRAM_BITS = 22
_BIGRAM_MASK = (1 << _BIGRAM_BITS) - 1
_HASH_MUL = np.uint32(2654435761)


def _bigram_hash(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    # uint32 array arithmetic wraps around silently, which is what a hash wants.
    return ((first * _HASH_MUL) ^ (second * np.uint32(40503)) ^ (second >> np.uint32(7))) & np.uint32(_BIGRAM_MASK)


class CandidateFinder:
    """Finds, in bulk, every position where a key of `multi_keys` may start or a character
    of `single_chars` stands."""

    def __init__(self, multi_keys: Iterable[str], single_chars: Iterable[str], changed_chars: Iterable[str] = ()):
        self.flags = np.zeros(N_CODEPOINTS, dtype=np.uint8)
        self.bigrams = np.zeros(1 << _BIGRAM_BITS, dtype=bool)
        firsts: list[int] = []
        seconds: list[int] = []
        for key in multi_keys:
            firsts.append(ord(key[0]))
            seconds.append(ord(key[1]))
        if firsts:
            f = np.array(firsts, dtype=np.uint32)
            s = np.array(seconds, dtype=np.uint32)
            self.flags[f] |= FLAG_MULTI
            self.bigrams[_bigram_hash(f, s)] = True
        singles = [ord(c) for c in single_chars]
        if singles:
            self.flags[np.array(singles, dtype=np.uint32)] |= FLAG_SINGLE
        changed = [ord(c) for c in changed_chars]
        if changed:
            self.flags[np.array(changed, dtype=np.uint32)] |= FLAG_CHANGES
        self.empty = not firsts and not singles and not changed

    def find(self, cps: np.ndarray) -> tuple[list[int], bool]:
        """(candidate positions, whether the character table changes any character)."""
        # Few numpy calls: on a short document their fixed cost (~1 us each) is the time.
        if self.empty or len(cps) == 0:
            return [], False
        flags = self.flags.take(cps)
        changes = bool((flags & FLAG_CHANGES).any())
        cand = np.flatnonzero(flags & (FLAG_MULTI | FLAG_SINGLE))
        if len(cand) == 0:
            return [], changes
        f = flags.take(cand)
        # The character after each candidate (the last position has none: clipped, then masked).
        nxt = cps.take(cand + 1, mode="clip")
        multi_ok = (f & FLAG_MULTI).astype(bool) & self.bigrams.take(_bigram_hash(cps.take(cand), nxt))
        if cand[-1] == len(cps) - 1:
            multi_ok[-1] = False
        return cand[multi_ok | (f & FLAG_SINGLE).astype(bool)].tolist(), changes
