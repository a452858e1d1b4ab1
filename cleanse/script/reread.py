"""Characters that conversion must leave as they are because `cjk_mojibake` would read the
converted text otherwise (issue 11 item 3, issue 14 item 8).

`cjk_mojibake` runs before `convert_t2s` and leaves a span it finds no repair for as it is
(`夼蘿�`, `恕�薺`, `鰼?`). Converted, such a span can read as mojibake (`夼萝�` is a GBK shift
of 怕, `鳛?` a lost character): a second `clean_text` would "repair" what the first one
wrote, and the row would no longer hold the characters the bytes were read as. So `guard`
asks `cjk_mojibake` itself (`repair_mojibake`, one pass, on the lines that conversion
changed) what it would do with the converted text, and puts back the input character at
every converted position inside or beside an edit it would make; then asks again, until it
makes no edit that a converted character is part of. A character put back is copied
unchanged and counted in the signal `mojibake_unconverted`.

"Beside" widens by rounds (`MARGINS`): the converted characters next to the edit first, then
within 4 characters, then the whole line (an edit of a line depends on that line alone and
on the document's pinyin notes and script, `cjk.stage.touched_lines`). An edit with no
converted character within reach (`cjk_mojibake` would change the input as well) is not
conversion's doing and changes nothing here.

A line whose conversion changed its length (phrases of tw2sp, s2twp, ...: never t2s, tw2s,
hk2s) has no character positions in common with its input: where `cjk_mojibake` would edit
it, the whole line is left unconverted.

Cost: clean text whose conversion changes nothing costs nothing; otherwise one pass of
`cjk_mojibake`'s suspect scan over the converted text, and its clusters on the lines
conversion changed (docs/script.md, "Spans cjk_mojibake would read").
"""

from __future__ import annotations

from difflib import SequenceMatcher
from itertools import accumulate

from cleanse.repair.cjk import repair_mojibake
from cleanse.repair.cjk.suspects import all_suspects
from cleanse.normalization.normalize import punctuation
from cleanse.repair.model import is_han
from cleanse.stage import common_affixes

# How far from an edit converted characters are put back, round after round (None: the
# whole line); a round that puts nothing back moves on to the next margin.
MARGINS: tuple[int | None, ...] = (1, 4, None)
# A converted character is looked at only this close to a suspect that is not Han (a GBK
# shift may start `TUNING.shift_back` = 24 characters before its first suspect).
REACH = 25
# The middle of a changed line longer than this is taken as one edit (no alignment).
MAX_ALIGN = 2000
CONFIG = {"margins": list(MARGINS), "reach": REACH, "max_align": MAX_ALIGN}


def guard(text: str, out: str) -> tuple[str, int, list[str]]:
    """(`out`, the conversion of `text`, with the converted characters put back that
    `cjk_mojibake` would otherwise read as part of an edit; how many were put back; the
    lines of a changed length left unconverted whole, as in `text`)."""
    if out == text:
        return out, 0, []
    src, cur = text.split("\n"), out.split("\n")
    if len(src) != len(cur):  # pragma: no cover - conversion never touches a newline
        raise AssertionError("conversion changed the number of lines")
    gated = _gated_lines(text, out)
    if not gated:
        return out, 0, []
    own: dict[int, list[tuple[int, int]]] | None = None  # the input's own edits, per line
    restored = 0
    whole: list[str] = []
    margin = 0
    while margin < len(MARGINS):
        lines = _changed_lines(src, cur, gated)
        if not lines:
            break
        edits = _line_edits(cur, lines)
        if own is None and edits:
            own = _line_edits(src, _changed_lines(src, cur, gated, src))
        # An edit that overlaps one cjk_mojibake would make in the input is not conversion's.
        new = {k: [sp for sp in spans if not any(_overlap(sp, o) for o in own.get(k, ()))]
               for k, spans in edits.items()} if own is not None else {}
        new = {k: spans for k, spans in new.items() if spans}
        if not new:
            break
        put_back = 0
        for k, spans in new.items():
            if len(src[k]) != len(cur[k]):  # no common positions: the whole line
                cur[k], n = src[k], len(src[k])
                whole.append(src[k])
            else:
                cur[k], n = _put_back(src[k], cur[k], spans, MARGINS[margin])
            put_back += n
        restored += put_back
        if not put_back:
            margin += 1
    return "\n".join(cur), restored, whole


def _gated_lines(text: str, out: str) -> set[int]:
    """The lines where a converted character lies within `REACH` of a suspect of
    `cjk_mojibake` in the converted text that is not a Han character (a `?`/U+FFFD touching
    non-ASCII, Latin-1 letters, kana, symbols: `cjk.suspects.all_suspects`)."""
    marks = [p for p, _ in all_suspects(out) if not is_han(out[p])]
    if not marks:
        return set()
    got = set()
    for p in marks:
        lo, hi = max(0, p - REACH), min(len(out), p + REACH + 1)
        if text[lo:hi] != out[lo:hi]:
            a = out.rfind("\n", 0, p) + 1
            b = out.find("\n", p)
            b = len(out) if b < 0 else b
            lo, hi = max(lo, a), min(hi, b)
            if text[lo:hi] != out[lo:hi]:
                got.add(out.count("\n", 0, p))
    return got


def _line_edits(lines: list[str], changed: list[tuple[int, tuple[int, int]]]) -> dict[int, list[tuple[int, int]]]:
    """Per line of `changed`, the spans of it that one pass of `cjk_mojibake` over the text
    of `lines` with its punctuation as `normalize_zh` writes it (`punctuation`: one character
    for one, so positions stay), looking at those lines only, would change (lines it leaves
    are absent). A second `clean_text` gives cjk_mojibake the text with that punctuation
    (`创éé(` reads as Big5 `斐谷谷(`, `创éé（` as nothing)."""
    joined = punctuation("\n".join(lines))
    lines = joined.split("\n")
    edited = repair_mojibake(joined, [span for _, span in changed]).text
    if edited == joined:
        return {}
    after = edited.split("\n")
    if len(after) != len(lines):  # pragma: no cover - an edit stays within its line
        return {k: [(0, len(lines[k]))] for k, _ in changed}
    return {k: _edit_spans(lines[k], after[k]) for k, _ in changed if after[k] != lines[k]}


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]  # touching counts (an insertion is an empty span)


def _changed_lines(src: list[str], cur: list[str], gated: set[int], of: list[str] | None = None
                   ) -> list[tuple[int, tuple[int, int]]]:
    """(index, (start, end) in the text of `of`, default `cur`, joined) of the lines of
    `gated` where `cur` differs from the input `src`."""
    lines = cur if of is None else of
    starts = [0, *accumulate(len(line) + 1 for line in lines)]
    return [(k, (starts[k], starts[k] + len(lines[k]))) for k in sorted(gated) if src[k] != cur[k]]


def _put_back(a: str, b: str, spans: list[tuple[int, int]], margin: int | None) -> tuple[str, int]:
    """The line `b` (the conversion of `a`, of the same length) with the converted
    characters within `margin` of `spans` (what `cjk_mojibake` would change) put back, and
    how many."""
    if margin is None:
        return a, sum(x != y for x, y in zip(a, b))
    near = set()
    for s, e in spans:
        near.update(range(max(0, s - margin), min(len(b), e + margin)))
    chars = list(b)
    n = 0
    for q in sorted(near):
        if chars[q] != a[q]:
            chars[q] = a[q]
            n += 1
    return "".join(chars), n


def _edit_spans(b: str, edited: str) -> list[tuple[int, int]]:
    """Spans of `b` that became something else in `edited` (insertions: an empty span)."""
    p, s = common_affixes(b, edited)
    end_b, end_e = len(b) - s, len(edited) - s
    if end_b - p > MAX_ALIGN or end_e - p > MAX_ALIGN:
        return [(p, end_b)]
    matcher = SequenceMatcher(None, b[p:end_b], edited[p:end_e], autojunk=False)
    return [(p + i1, p + i2) for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal"]
