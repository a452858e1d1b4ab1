"""Loading the boilerplate rule tables (data files under `rules/`), compiled once per process.

Every rule is data: id, class, pattern, description, examples (text the rule must remove)
and keep (content the rule must never touch). `tests/test_boilerplate_rules.py` checks every
example and keep entry, in Simplified and in Traditional, so a rule edit that breaks either
fails loudly. The file formats are documented in docs/boilerplate.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cleanse.boilerplate.variants import compile_rule, literal_alternation, literal_spellings

RULES_DIR = os.path.join(os.path.dirname(__file__), "rules")


def load_table(name: str) -> dict[str, Any]:
    with open(os.path.join(RULES_DIR, name), encoding="utf-8") as f:
        return json.load(f)


@lru_cache(maxsize=None)
def table_digest(name: str) -> str:
    """Content hash of a rule table: part of a stage's config, so editing a rule changes the
    pipeline id written into every row."""
    with open(os.path.join(RULES_DIR, name), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class LineRule:
    """One line rule. `scope` is "line" (drop the whole line) or "inline" (drop the match)."""

    id: str
    cls: str
    regex: re.Pattern[str]
    max_len: int
    scope: str
    examples: tuple[str, ...]
    keep: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LineRuleSet:
    rules: tuple[LineRule, ...]
    # One regex over all trigger spellings, run on the lines a tier regex (below) has hit: a
    # hit makes its line a candidate for the rules of that trigger.
    trigger_regex: re.Pattern[str]
    # trigger spelling -> indices of the rules to try on a line where it occurs (its own
    # rules and those of every trigger it contains: `网站首页` also selects `首页` rules).
    rules_for: dict[str, tuple[int, ...]]
    # Length tiers, bounds ascending: tier k's regex finds the trigger spellings of the rules
    # whose max_len >= bounds[k]. A line of stripped length L can only be changed by rules
    # with max_len >= L, so the text is scanned with the regex of each line's tier (the first
    # bound >= L); a line it misses is skipped. Long content paragraphs are thus scanned for
    # few, rarer triggers, which is most of the speed of this stage.
    tier_bounds: tuple[int, ...]
    tier_regexes: tuple[re.Pattern[str], ...]


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
    bounds = tuple(sorted({r.max_len for r in rules}))
    tier_regexes = tuple(
        re.compile(literal_alternation({w for w, ix in own.items() if any(rules[i].max_len >= b for i in ix)}))
        for b in bounds
    )
    return LineRuleSet(
        rules=tuple(rules),
        trigger_regex=re.compile(literal_alternation(own)),
        rules_for=rules_for,
        tier_bounds=bounds,
        tier_regexes=tier_regexes,
    )
