"""opencc-python-reimplemented's conversion, reproduced exactly over its own dictionaries.

What that library (0.1.7, `OpenCC.convert`) does:

1. It splits the text at separators (runs of whitespace and single punctuation marks
   from a fixed list, `LEGACY_SEPARATORS`); separators are copied, never converted.
2. Each piece goes through the conversion chain; each step is a group of dictionaries.
3. Within a group, dictionary by dictionary: in a fragment, find the *longest* key
   occurring anywhere (the leftmost among equally long ones), replace it with its first
   value, and repeat in the parts to its left and right. Replaced text is final for the
   group; the next dictionary only sees the fragments nothing has matched yet. (This is
   not OpenCC's left-to-right maximal match: for ``ABCD`` with keys ``AB`` and ``BCD`` it
   takes ``BCD``.)
4. Segmentation settings in its configs are ignored.

Reformulated for speed: within one dictionary, step 3 accepts occurrences in the order
(longest first, then leftmost), each unless it overlaps one already accepted. So a key
occurrence that overlaps no other occurrence of two or more characters is always
accepted, and one-character keys are a per-character table (first dictionary of the
group that has the character). Only clusters of overlapping multi-character occurrences
need the exact procedure, and a cluster is independent of the rest of the text. Keys
that contain a separator can never match (pieces contain none) and are dropped. Pieces
themselves do not matter then: no live key or value contains a separator, which is
checked when the dictionaries are loaded.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from cleanse.script import fastscan
from cleanse.script.dictionaries import Leaf, load_legacy_config
from cleanse.script.engine import Step, StepConverter, apply_step

# The punctuation opencc-python-reimplemented splits at (its `split_chars_re`), besides
# runs of whitespace (Python's ``\s``, i.e. `str.isspace`).
LEGACY_PUNCTUATION = (
    "-,.?!*　，。、；：？！…“”‘’『』「」﹁﹂—－（）《》〈〉～．／＼︒︑︔︓︿﹀︹︺︙︐［﹇］﹈︕︖︰︳︴︽︾︵︶｛︷｝︸﹃﹄【︻】︼"
)


@lru_cache(maxsize=1)
def legacy_separators() -> frozenset[str]:
    """Every character at which the legacy library splits its input."""
    everything = "".join(map(chr, range(fastscan.N_CODEPOINTS)))
    spaces = re.findall(r"\s", everything)
    return frozenset(spaces) | frozenset(LEGACY_PUNCTUATION)


class LegacyGroup:
    """One chain step: dictionaries applied in order, compiled for bulk scanning."""

    def __init__(self, dicts: tuple[Leaf, ...]):
        seps = legacy_separators()
        self.dicts: list[tuple[dict[str, str], tuple[int, ...], tuple[int, ...]]] = []
        singles: dict[str, str] = {}
        multi: set[str] = set()
        for leaf in dicts:
            live = {k: v for k, v in leaf.entries.items() if not any(c in seps for c in k)}
            for k, v in live.items():
                if v == "":
                    # The library treats an empty value as "no match" for the whole
                    # fragment; no bundled dictionary has one, so this is not modelled.
                    raise ValueError(f"{leaf.name}: empty value for {k!r} is not supported")
                if any(c in seps for c in v):
                    raise ValueError(f"{leaf.name}: value {v!r} contains a separator; not supported")
            lengths = tuple(sorted({len(k) for k in live}, reverse=True))
            self.dicts.append((live, lengths, tuple(n for n in lengths if n > 1)))
            for k, v in live.items():
                if len(k) == 1:
                    singles.setdefault(k, v)
                else:
                    multi.add(k)
        self.table = fastscan.identity_table()
        simple = {k: v for k, v in singles.items() if len(v) == 1}
        fastscan.fill_table(self.table, simple)
        changed = {k for k, v in simple.items() if k != v}
        self.special = {k: v for k, v in singles.items() if len(v) != 1}
        self.candidates = fastscan.CandidateFinder(multi, self.special, changed)

    def longest_multi(self, s: str, p: int) -> int:
        """Length of the longest multi-character key of any dictionary occurring at `p`."""
        best = 0
        for entries, _, multi_lengths in self.dicts:
            for n in multi_lengths:
                if n <= best:
                    break
                if s[p : p + n] in entries:
                    best = n
                    break
        return best

    def resolve(self, region: str) -> str:
        """The library's procedure (step 3 above) on one cluster of overlapping matches."""
        size = len(region)
        covered = bytearray(size)
        starts: dict[int, tuple[int, str]] = {}
        for entries, lengths, _ in self.dicts:
            for n in lengths:
                if n > size:
                    continue
                for i in range(size - n + 1):
                    if any(covered[i : i + n]):
                        continue
                    value = entries.get(region[i : i + n])
                    if value is not None:
                        starts[i] = (n, value)
                        covered[i : i + n] = b"\x01" * n
        out: list[str] = []
        i = 0
        while i < size:
            hit = starts.get(i)
            if hit is None:
                out.append(region[i])
                i += 1
            else:
                out.append(hit[1])
                i += hit[0]
        return "".join(out)

    def step(self, step: Step, track_origin: bool) -> Step:
        cand, changes = self.candidates.find(step.cps)
        if not cand and not changes:
            return step
        fixups: list[tuple[int, int, str]] = []
        length_changed = False
        if cand:
            s = step.string()
            pos = 0
            for i in cand:
                if i < pos:
                    continue
                longest = self.longest_multi(s, i)
                if longest == 0:
                    value = self.special.get(s[i])
                    if value is not None:
                        fixups.append((i, 1, value))
                        length_changed = True
                        pos = i + 1
                    continue
                # Grow the cluster over every multi-character occurrence overlapping it.
                end = i + longest
                p = i + 1
                while p < end:
                    n = self.longest_multi(s, p)
                    if p + n > end:
                        end = p + n
                    p += 1
                region = s[i:end]
                value = self.resolve(region)
                fixups.append((i, end - i, value))
                if len(value) != end - i:
                    length_changed = True
                pos = end
        return apply_step(step, self.table if changes else None, fixups, length_changed, track_origin)


class LegacyConverter(StepConverter):
    """opencc-python-reimplemented's output for one of its configs, computed fast."""

    def __init__(self, config: str):
        self.name, chain = load_legacy_config(config)
        self.chain = [LegacyGroup(group) for group in chain]

    def _run(self, text: str, cps: np.ndarray, track_origin: bool) -> Step:
        step = Step(text, cps, None, None)
        for group in self.chain:
            step = group.step(step, track_origin)
        return step
