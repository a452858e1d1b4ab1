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

from cleanse.boilerplate.rules import OTHER_SPACE, LineRuleSet, line_rules, load_table, table_digest
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
    # second cleaning pass finds no boilerplate line the first one missed. The scan names
    # the spaces besides U+0020 (NBSP, U+3000, tabs…) the text holds, so that the split
    # runs literal-first patterns (several times faster than a class).
    kinds, positions, anchor_ids = _scan(text, rs)
    split = split_paragraphs(text, other_spaces=kinds)
    pre_changed = 0
    if split != text:
        # Each run of k spaces became one newline: k characters changed.
        pre_changed = split.count("\n") - text.count("\n") + len(text) - len(split)
        text = split
        _, positions, anchor_ids = _scan(text, rs)
    cuts: list[tuple[int, int, str, str]] = []  # (start, end, reason, removed text)
    n = len(text)
    rules_for = rs.rules_for
    anchor_triggers = rs.anchor_triggers
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


# The scan reads the text in blocks of this many characters (plus one, for the pair that
# straddles the cut): a block's code points, flags and pairs stay in the CPU cache, and the
# temporaries are bounded. The whole stage, whole-text arrays against blocks, interleaved in
# one run (CPU time, best of 5, load 2.1-5.1), on `brackets` at 10^4 / 10^5 / 10^6 / 10^7
# characters: 7.00 / 5.30 / 5.74 / 10.18 ns/char -> 7.35 / 5.54 / 5.49 / 5.95 (exponent
# 10^6 -> 10^7: 1.25 -> 1.04; one_line_han 1.24 -> 1.02); peak Python allocations
# (tracemalloc) 13.0 -> 1.2 bytes/char at 10^6, 0.1 at 10^7. docs/operations.md.
SCAN_BLOCK = 1 << 16


def _scan(text: str, rs: LineRuleSet, block: int | None = None) -> tuple[str, list[int], list[int]]:
    """The spaces besides U+0020 that `text` holds (sorted), and the sorted positions where a
    trigger's anchor bigram (or a one-character trigger) occurs with the anchor's index into
    `rs.anchor_triggers`. Found with a few numpy operations per block; the caller checks the
    few triggers of each anchor with `str.startswith` (a regex over all trigger spellings
    costs about 150 ns per candidate character)."""
    n = len(text)
    block = block or SCAN_BLOCK
    table, anchors = rs.char_flags, rs.anchors
    last = len(anchors) - 1
    spaces: set[int] = set()
    positions: list[int] = []
    ids: list[int] = []
    for a in range(0, n, block):
        piece = text[a : a + block + 1]
        m = len(piece)
        codes = np.frombuffer(piece.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        # (Methods and ufuncs rather than numpy's Python-level wrappers such as flatnonzero:
        # on texts of a few thousand characters their overhead counts.)
        flags = table.take(codes, mode="clip")
        other = flags & OTHER_SPACE
        if other.any():
            spaces.update(np.unique(codes[other.view(bool)]).tolist())
        if m < 2:
            continue
        # Pairs whose first character starts an anchor and whose second ends one: a flag test
        # over the block leaves few pairs for the exact lookup. (Only bit 0 can be set, so the
        # bytes are valid booleans.) The pairs start at a .. a + m - 2: the last character of
        # a block (but the text's) is the first of the next.
        both = flags[:-1] & (flags[1:] >> 2)
        idx = both.view(bool).nonzero()[0]
        if len(idx):
            # Each character with its successor as one little-endian 64-bit code: an
            # overlapping view, no copy.
            pairs = np.ndarray((m - 1,), dtype="<u8", buffer=codes, offset=0, strides=(4,))
            pair_codes = pairs.take(idx)
            at = anchors.searchsorted(pair_codes)
            np.minimum(at, last, out=at)
            hit = anchors.take(at) == pair_codes
            positions.extend((idx[hit] + a).tolist())
            ids.extend(at[hit].tolist())
    first_single = len(anchors)
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
    return "".join(map(chr, sorted(spaces))), positions, ids


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
