"""Boilerplate lines: site adverts, disclaimers, navigation, share bars, page tools, footers,
editor credits and pipe-only layout residue, removed by the rules in `rules/lines.json`.

A line is removed only when a rule matches it *and* it is no longer than the rule's
`max_len`: boilerplate is short, and a long line that merely mentions a keyword is content.
And the match must be the line's unit of boilerplate, not a phrase inside a sentence: when
the rest of the line holds a clause (`prose_guard` in the rule file: at least 10 Han
characters and a sentence mark), the line is content (`…生成下载链接（下载地址）`), unless the
rule is a sentence by nature (disclaimers).
Precision matters more than recall, so rules are specific and every one carries `keep`
examples of content it must leave alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from cleanse.boilerplate.rules import ANCHOR_FIRST, OTHER_SPACE, LineRuleSet, line_rules, load_table, table_digest
from cleanse.normalization.normalize import split_paragraphs
from cleanse.stage import TextEdit, TextStage

_PIPES = "|｜"
# What a layout line is made of: pipes and same-line spaces (a line of only these, holding
# a pipe, is removed).
_LAYOUT = " \t\u00a0\u3000|｜"
# A pipe at the very end (or start) of an otherwise normal line: a table-cell or link-bar
# separator left over from the page layout ("…稳步发展。 |").
_EDGE_PIPES = re.compile(r"^[ \t\u00a0\u3000]*[|｜][ \t\u00a0\u3000]*|[ \t\u00a0\u3000]*[|｜][ \t\u00a0\u3000]*$")


def remove_boilerplate_lines(text: str) -> TextEdit:
    """Remove boilerplate lines (and inline editor credits); every removal is recorded."""
    rs = line_rules()
    # See the lines the normalizer will see (it breaks `。 ` runs into paragraphs), so that a
    # second cleaning pass finds no boilerplate line the first one missed.
    codes = _code_points(text)
    flags = rs.char_flags.take(codes, mode="clip")
    # Which spaces besides U+0020 (NBSP, U+3000, tabs…) the text holds, from the flags, so
    # that the split runs literal-first patterns (several times faster than a class).
    other = flags & OTHER_SPACE
    kinds = ""
    if other.any():
        kinds = "".join(map(chr, np.unique(codes[other.view(bool)]).tolist()))
    split = split_paragraphs(text, other_spaces=kinds)
    pre_changed = 0
    if split != text:
        # Each run of k spaces became one newline: k characters changed.
        pre_changed = split.count("\n") - text.count("\n") + len(text) - len(split)
        text = split
        codes = _code_points(text)
        flags = rs.char_flags.take(codes, mode="clip")
    cuts: list[tuple[int, int, str, str]] = []  # (start, end, reason, removed text)
    n = len(text)
    rules_for = rs.rules_for
    anchor_triggers = rs.anchor_triggers
    positions, anchor_ids = _trigger_candidates(text, codes, flags, rs)
    k, count = 0, len(positions)
    while k < count:
        p = positions[k]
        ls = text.rfind("\n", 0, p) + 1
        le = text.find("\n", p)
        if le < 0:
            le = n
        # The triggers at the candidates of this line (start, spelling: each occurrence
        # once, as a spelling has one anchor), and the longest line their rules could
        # remove (a line longer than a rule's max_len is content to it); 0: no trigger.
        found: list[tuple[int, int, str]] = []  # (start, -length, spelling)
        longest = 0
        while k < count and positions[k] <= le:
            p = positions[k]
            for off, word, reach in anchor_triggers[anchor_ids[k]]:
                if text.startswith(word, p - off):
                    found.append((p - off, -len(word), word))
                    if reach > longest:
                        longest = reach
            k += 1
        # Rules measure the stripped line (edge pipes removed).
        if not longest or (le - ls > longest and _measure(text[ls:le].strip().strip(_PIPES).strip()) > longest):
            continue
        # Only the rules of the triggers on this line are tried, in table order: those of
        # the occurrences a scan for trigger spellings takes, leftmost first, the longest
        # spelling at a start, none overlapping the one before (a spelling's `rules_for`
        # covers the triggers it contains).
        if len(found) == 1:
            selected: Iterable[int] = rules_for[found[0][2]]  # sorted already
        else:
            chosen: set[int] = set()
            end = ls
            for start, minus_len, word in sorted(found):
                if start >= end:
                    chosen.update(rules_for[word])
                    end = start - minus_len
            selected = sorted(chosen)
        _match_line(text, ls, le, [rs.rules[i] for i in selected], cuts)
    if "|" in text or "｜" in text:
        _pipe_cuts(text, cuts)
    if not cuts:
        return TextEdit(text, chars_changed=pre_changed)
    edit = _apply_cuts(text, cuts)
    edit.chars_changed = (edit.chars_changed or 0) + pre_changed
    return edit


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _trigger_candidates(text: str, codes: np.ndarray, flags: np.ndarray, rs: LineRuleSet) -> tuple[list[int], list[int]]:
    """Sorted positions where a trigger's anchor bigram (or a one-character trigger) occurs,
    and the anchor's index into `rs.anchor_triggers`. Found with a few numpy operations;
    the caller checks the few triggers of each anchor with `str.startswith` (a regex over
    all trigger spellings costs about 150 ns per candidate character)."""
    n = len(text)
    positions: list[int] = []
    ids: list[int] = []
    if n >= 2:
        # Pairs whose first character starts an anchor and whose second ends one: a flag test
        # over the whole text leaves few pairs for the exact lookup. (Methods and ufuncs
        # rather than numpy's Python-level wrappers such as flatnonzero: on texts of a few
        # thousand characters their overhead counts.)
        # (Only bit 0 can be set, so the bytes are valid booleans.)
        both = flags[:-1] & (flags[1:] >> 2)
        idx = both.view(bool).nonzero()[0]
        if len(idx):
            # Each character with its successor as one little-endian 64-bit code: an
            # overlapping view, no copy.
            pairs = np.ndarray((n - 1,), dtype="<u8", buffer=codes, offset=0, strides=(4,))
            pair_codes = pairs.take(idx)
            anchors = rs.anchors
            at = anchors.searchsorted(pair_codes)
            np.minimum(at, len(anchors) - 1, out=at)
            hit = anchors.take(at) == pair_codes
            positions = idx[hit].tolist()
            ids = at[hit].tolist()
    first_single = len(rs.anchors)
    found: list[tuple[int, int]] = []
    for j, c in enumerate(rs.single_triggers):  # rare characters (©): str.find is a memchr
        i = text.find(c)
        while i >= 0:
            found.append((i, first_single + j))
            i = text.find(c, i + 1)
    if found:
        found.extend(zip(positions, ids))
        found.sort()
        positions = [p for p, _ in found]
        ids = [a for _, a in found]
    return positions, ids


def _measure(line: str) -> int:
    """A line's length for `max_len`, not counting whitespace: normalization later collapses
    space and NBSP runs, and a line must not become removable on a second cleaning pass."""
    return len("".join(line.split()))


def _match_line(text: str, ls: int, le: int, rules, cuts: list[tuple[int, int, str, str]]) -> None:
    raw = text[ls:le]
    # Edge pipes are layout, not content: rules see the line without them.
    line = raw.strip().strip(_PIPES).strip()
    if not line:
        return
    lead = raw.find(line)
    size = _measure(line)
    for rule in rules:
        if size > rule.max_len:
            continue
        m = rule.regex.search(line)
        if m is None:
            continue
        if rule.scope == "line" and not rule.sentence and _is_prose(rule.regex.sub("", line)):
            continue
        if rule.scope == "inline":
            if m.end() > m.start():
                cuts.append((ls + lead + m.start(), ls + lead + m.end(), rule.id, m.group()))
            continue
        # Drop the whole line with its line break, so no blank line is left behind.
        end = le + 1 if le < len(text) else le
        cuts.append((ls, end, rule.id, line))
        return


@lru_cache(maxsize=1)
def _prose_guard() -> tuple[int, re.Pattern[str]]:
    g = load_table("lines.json")["prose_guard"]
    return int(g["min_han"]), re.compile("[" + re.escape(g["marks"]) + "]")


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _is_prose(rest: str) -> bool:
    """Does the rest of a matched line (outside the rule's matches) hold a clause of its own?"""
    min_han, marks = _prose_guard()
    return marks.search(rest) is not None and len(_HAN.findall(rest)) >= min_han


def _pipe_cuts(text: str, cuts: list[tuple[int, int, str, str]]) -> None:
    # One visit per line holding a pipe (found with str.find, C speed): a line of only pipes
    # and spaces is dropped with its line break; a lone pipe at the edge of a line is cut.
    pos = 0
    n = len(text)
    # The next occurrence of each pipe character (-1: none left), looked up again only once
    # passed: finding both afresh per line rescans the text up to the rarer one each time,
    # quadratic on a long text with many `|` and no `｜`.
    nxt = [text.find(c) for c in _PIPES]
    while True:
        for j, c in enumerate(_PIPES):
            if 0 <= nxt[j] < pos:
                nxt[j] = text.find(c, pos)
        i = min((j for j in nxt if j >= 0), default=-1)
        if i < 0:
            return
        ls = text.rfind("\n", 0, i) + 1
        le = text.find("\n", i)
        if le < 0:
            le = n
        line = text[ls:le]
        if not line.strip(_LAYOUT):
            cuts.append((ls, le + 1 if le < n else le, "layout.pipes", line))
        # Only a lone edge pipe: lines with inner pipes may be tables and are kept.
        elif line.count("|") + line.count("｜") == 1:
            m = _EDGE_PIPES.search(line)
            if m is not None:
                cuts.append((ls + m.start(), ls + m.end(), "layout.edge_pipe", m.group()))
        pos = le + 1


def _apply_cuts(text: str, cuts: list[tuple[int, int, str, str]]) -> TextEdit:
    cuts.sort(key=lambda c: (c[0], -c[1]))
    out: list[str] = []
    removed: list[tuple[str, str]] = []
    pos = 0
    changed = 0
    for start, end, reason, what in cuts:
        if start < pos:  # nested in a cut already made (e.g. an inline match on a dropped line)
            continue
        out.append(text[pos:start])
        removed.append((reason, what))
        changed += end - start
        pos = end
    out.append(text[pos:])
    return TextEdit("".join(out), removed=removed, chars_changed=changed)


class BoilerplateLinesStage(TextStage):
    """Adverts, disclaimers, navigation, share, tools, footers, pipes."""

    name = "boilerplate_lines"
    version = "3"  # 3: prose guard; bare 上篇/下篇 and 关键词 lines kept

    def setup(self) -> None:
        line_rules()

    def config(self) -> dict[str, object]:
        return {"rules": table_digest("lines.json")}

    def transform(self, text: str) -> TextEdit:
        return remove_boilerplate_lines(text)
