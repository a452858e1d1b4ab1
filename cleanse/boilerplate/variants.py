"""Script-agnostic patterns: rules are written in Simplified Chinese and compiled to match
Traditional (and common variant) spellings too.

The variant sets come from the OpenCC character tables shipped with
opencc-python-reimplemented (Apache-2.0): STCharacters, TSCharacters, TWVariants, HKVariants.
Expanding every Han character of a pattern into a class (`发` -> `[发發髮]`) is slightly
over-inclusive for rare variant pairs, which is harmless for boilerplate keywords and means
`clean_text` users who skip the t2s conversion get the same rules.
"""

from __future__ import annotations

import itertools
import os
import re
from functools import lru_cache

import opencc

_DICT_DIR = os.path.join(os.path.dirname(opencc.__file__), "dictionary")
_TABLES = ("STCharacters.txt", "TSCharacters.txt", "TWVariants.txt", "HKVariants.txt")

# Whitespace that does not cross lines, for patterns applied to whole texts.
INLINE_SPACE = " \\t\\u00a0\\u3000\\u2000-\\u200b\\u202f\\u205f"


@lru_cache(maxsize=1)
def han_variants() -> dict[str, str]:
    """Every character with a script variant -> all its variants (itself first), as one string."""
    groups: dict[str, set[str]] = {}
    for name in _TABLES:
        with open(os.path.join(_DICT_DIR, name), encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 2:
                    continue
                chars = [c for c in parts if len(c) == 1]
                if len(chars) < 2:
                    continue
                # Union the groups of all characters on the line (one mapping step: a -> b c).
                merged: set[str] = set(chars)
                for c in chars:
                    merged |= groups.get(c, set())
                for c in merged:
                    groups[c] = merged
    return {c: c + "".join(sorted(g - {c})) for c, g in groups.items()}


def _is_han(c: str) -> bool:
    o = ord(c)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF


def expand_pattern(pattern: str) -> str:
    """Rewrite a regex so each Han character also matches its script variants, and `\\s`
    matches only same-line whitespace (rules are applied to whole texts, line by line)."""
    variants = han_variants()
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            esc = pattern[i : i + 2]
            if esc == "\\s":
                out.append(INLINE_SPACE if in_class else f"[{INLINE_SPACE}]")
            else:
                out.append(esc)
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
                out.append(c)
            else:
                out.append(variants.get(c, c) if _is_han(c) else c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            # A ']' right after '[' or '[^' is a literal member, not the end of the class.
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < n and pattern[i] == "]":
                out.append("\\]")
                i += 1
            continue
        if _is_han(c) and c in variants:
            out.append(f"[{variants[c]}]")
        else:
            out.append(c)
        i += 1
    return "".join(out)


def literal_spellings(word: str, limit: int = 256) -> list[str]:
    """All script spellings of a literal keyword (`发布` -> 发布, 發布, 发佈, 發佈, ...)."""
    variants = han_variants()
    choices = [variants.get(c, c) for c in word]
    out = []
    for combo in itertools.product(*choices):
        out.append("".join(combo))
        if len(out) >= limit:
            break
    return out


def compile_rule(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(expand_pattern(pattern), flags)


def literal_alternation(words: set[str] | list[str]) -> str:
    """A regex matching any of `words`, factored as a trie.

    A flat `a|b|c` alternation makes the regex engine try every word at every candidate
    position; the trie tries one branch per distinct next character (about 3x faster here).
    """
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        alts = [re.escape(c) + build(sub) for c, sub in sorted(node.items()) if c != ""]
        if not alts:
            return ""
        if len(alts) == 1 and not ends:
            return alts[0]
        body = "(?:" + "|".join(alts) + ")"
        return body + "?" if ends else body

    return build(trie)
