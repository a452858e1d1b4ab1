"""Loading the boilerplate rule tables (data files under `rules/`), compiled once per process.

Every rule is data: id, class, pattern, description, examples (text the rule must remove)
and keep (content the rule must never touch). `tests/boilerplate/test_rules.py` checks every
example and keep entry, in Simplified and in Traditional, so a rule edit that breaks either
fails loudly. The file formats are documented in docs/boilerplate.md.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from cleanse.boilerplate.variants import compile_rule, literal_spellings
from cleanse.normalization.normalize import space_characters
from cleanse.stage import data_digest

# Bits of LineRuleSet.char_flags. ANCHOR_SECOND is ANCHOR_FIRST shifted by two, so that
# `flags[:-1] & flags[1:] >> 2` marks the pairs that may be anchors (lines.py).
ANCHOR_FIRST, OTHER_SPACE, ANCHOR_SECOND = 1, 2, 4

RULES_DIR = os.path.join(os.path.dirname(__file__), "rules")


def load_table(name: str) -> dict[str, Any]:
    with open(os.path.join(RULES_DIR, name), encoding="utf-8") as f:
        return json.load(f)


def table_digest(name: str) -> str:
    """Content hash of a rule table: part of a stage's config."""
    return data_digest(os.path.join(RULES_DIR, name))


@dataclass(frozen=True, slots=True)
class LineRule:
    """One line rule. `scope` is "line" (drop the whole line) or "inline" (drop the match)."""

    id: str
    cls: str
    regex: re.Pattern[str]
    max_len: int
    scope: str
    sentence: bool  # a sentence by nature: not subject to the prose guard
    examples: tuple[str, ...]
    keep: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LineRuleSet:
    rules: tuple[LineRule, ...]
    # trigger spelling -> indices of the rules to try on a line where it occurs (its own
    # rules and those of every trigger it contains: `网站首页` also selects `首页` rules).
    rules_for: dict[str, tuple[int, ...]]
    # Prefilter for the trigger scan (numpy, see lines.py): every trigger of two or more
    # characters has an anchor bigram, its second and third characters (its only two for a
    # two-character trigger: the first two characters of a word are often a common word,
    # `技术` of `技术支持`, the next two rarely are). `char_flags[c] & ANCHOR_FIRST` if an anchor
    # starts with code point `c` (above the BMP: clipped onto U+FFFF); `anchors` holds the
    # sorted codes `first | second << 32`; `anchor_triggers[k]` lists, for anchor k, the
    # (offset of the anchor in the trigger, trigger spelling, reach) of its triggers, where
    # reach is the longest line (max_len) a rule selected by the trigger may remove.
    # One-character triggers (©) follow as anchors len(anchors) + j, `single_triggers[j]`.
    # `char_flags[c] & ANCHOR_SECOND` if an anchor ends with `c`.
    char_flags: np.ndarray
    anchors: np.ndarray
    anchor_triggers: tuple[tuple[tuple[int, str, int], ...], ...]
    single_triggers: str


def _case_spellings(word: str) -> set[str]:
    return {word, word.lower(), word.upper(), word.title()} if word.isascii() else {word}


@lru_cache(maxsize=1)
def line_rules() -> LineRuleSet:
    table = load_table("lines.json")
    rules: list[LineRule] = []
    own: dict[str, set[int]] = {}
    for i, r in enumerate(table["rules"]):
        flags = re.IGNORECASE if r.get("ignore_case") else 0
        rules.append(
            LineRule(
                id=r["id"],
                cls=r["class"],
                regex=compile_rule(r["pattern"], flags),
                max_len=int(r.get("max_len", 200)),
                scope=r.get("scope", "line"),
                sentence=bool(r.get("sentence", False)),
                examples=tuple(r.get("examples", ())),
                keep=tuple(r.get("keep", ())),
            )
        )
        for trig in r["triggers"]:
            for spelling in literal_spellings(trig):
                for sp in _case_spellings(spelling):
                    own.setdefault(sp, set()).add(i)
    rules_for = {
        w: tuple(sorted(set().union(*(ix for v, ix in own.items() if v in w)))) for w in own
    }
    char_flags = np.zeros(0x10000, dtype=np.uint8)
    # Spaces the paragraph split must see besides U+0020 (see lines.py).
    char_flags[[ord(c) for c in space_characters()]] |= OTHER_SPACE
    by_anchor: dict[int, list[tuple[int, str, int]]] = {}
    single: dict[str, list[tuple[int, str, int]]] = {}
    for w, ix in sorted(rules_for.items()):
        reach = max(rules[i].max_len for i in ix)
        if len(w) == 1:
            single.setdefault(w, []).append((0, w, reach))
            continue
        off = 1 if len(w) > 2 else 0
        a = w[off : off + 2]
        char_flags[min(ord(a[0]), 0xFFFF)] |= ANCHOR_FIRST
        char_flags[min(ord(a[1]), 0xFFFF)] |= ANCHOR_SECOND
        by_anchor.setdefault(ord(a[0]) | ord(a[1]) << 32, []).append((off, w, reach))
    anchors = sorted(by_anchor)
    return LineRuleSet(
        char_flags=char_flags,
        anchors=np.array(anchors, dtype=np.uint64),
        anchor_triggers=tuple(tuple(by_anchor[c]) for c in anchors) + tuple(tuple(v) for _, v in sorted(single.items())),
        single_triggers="".join(sorted(single)),
        rules=tuple(rules),
        rules_for=rules_for,
    )
