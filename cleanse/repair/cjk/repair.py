"""`repair_mojibake`: find the edits, decide their lost characters, apply them and record
each repair (kinds.py)."""

from __future__ import annotations

import re
from collections import Counter

from cleanse.repair.cjk import kinds
from cleanse.repair.cjk.edits import Edit, Slot
from cleanse.repair.cjk.find import find_edits
from cleanse.repair.cjk.japanese import off_japanese_lines
from cleanse.repair.cjk.lost import debris_slots, resolve, traditional_re
from cleanse.repair.cjk.notes import DocNotes
from cleanse.repair.cjk.suspects import NUMPY_MIN_CHARS, blocked_suspects, scanned_suspects
from cleanse.repair.cjk.tuning import TUNING
from cleanse.repair.model import is_han, model
from cleanse.repair.pinyin import DEBRIS_RE
from cleanse.stage import TextEdit


def repair_mojibake(text: str, lines: list[tuple[int, int]] | None = None) -> TextEdit:
    """Find and repair CJK mojibake in `text` (see the package docstring). With `lines`
    (sorted, disjoint (start, end) spans of whole lines), only the suspects on those lines
    are looked at: the edits of a line depend on that line alone (`stage.repair_to_fixed_point`
    uses it for the lines an earlier pass touched)."""
    # Debris (`?(bào)`, DEBRIS_RE) needs a ? and a tone-marked letter.
    debris = "?" in text or "？" in text or "\ufffd" in text
    if len(text) < NUMPY_MIN_CHARS:
        suspects = scanned_suspects(text)
    else:
        suspects, toned = blocked_suspects(text)
        debris = debris and toned
    if lines is not None:
        suspects = _within(suspects, lines)
    if suspects:
        suspects = off_japanese_lines(text, suspects)
    if not suspects and not (debris and DEBRIS_RE.search(text)):
        return TextEdit(text)
    edits = find_edits(text, suspects)
    if debris:
        edits += debris_slots(text, edits)
    if not edits:
        return TextEdit(text)
    edits.sort(key=lambda e: e.start)
    # One sequence of characters and slots so that slots see their neighbours. A slot only
    # sees the items next to it, so a stretch of text contributes its first and last
    # character (the whole document would be a list of every character).
    seq: list = []
    slots: list[int] = []
    chars: list[str] = []  # the text around and inside the edits, to tell the script
    pos = 0
    for e in edits:
        gap = text[pos:e.start]
        if gap:
            seq.append(gap[0])
            if len(gap) > 1:
                seq.append(gap[-1])
            chars.append(gap)
        for p in e.pieces:
            if isinstance(p, Slot):
                slots.append(len(seq))
                seq.append(p)
            elif p:
                seq.append(p[0])
                if len(p) > 1:
                    seq.append(p[-1])
                chars.append(p)
        pos = e.end
    if pos < len(text):
        seq.append(text[pos])
        chars.append(text[pos:])
    traditional = traditional_re().search("".join(chars)) is not None
    decided = resolve(seq, DocNotes(text), slots, traditional) if slots else {}

    repairs: list[tuple[str, str, str, int]] = []
    removed: list[tuple[str, str]] = []
    out: list[str] = []
    pos = 0
    next_slot = iter(slots)
    written = _Written(text)
    literary = _LiteraryLines(text)
    for e in edits:
        choices = [decided.get(next(next_slot)) for p in e.pieces if isinstance(p, Slot)]
        if _deletion_only(e, choices) and (e.end == len(text) or text[e.end].isspace()
                                           or written.elsewhere(text[e.start:e.end])
                                           or literary.han_before_mark(e)):
            continue  # nothing read back: the edit would only delete the text it replaces
        chosen = iter(choices)
        after: list[str] = []
        for p in e.pieces:
            if isinstance(p, Slot):
                c = next(chosen)
                if c is not None:
                    after.append(c)
                    repairs.append((kinds.LOST_CHAR_GUESS, p.debris, c, e.start))
                elif p.mark:
                    after.append("\ufffd")
                elif p.debris:
                    removed.append((kinds.LOST_CHAR_DEBRIS, p.debris))
            else:
                after.append(p)
        repl = "".join(after)
        if e.kind != kinds.LOST_CHAR:
            repairs.append((e.kind, text[e.start:e.end], repl, e.start))
        if e.kind in kinds.LOSSY_RUNS and "\ufffd" in repl:
            # what could not be read back stays U+FFFD, marked (nothing guessed)
            repairs.append((kinds.LOST, text[e.start:e.end], "\ufffd" * repl.count("\ufffd"), e.start))
        out.append(text[pos:e.start])
        out.append(repl)
        pos = e.end
    out.append(text[pos:])
    return TextEdit("".join(out), repairs=repairs, removed=removed)


def _deletion_only(e: Edit, choices: list[str | None]) -> bool:
    """True when applying `e` would only delete text: a re-reading whose characters are all
    lost characters that were not restored and are not marked (`你昨天輪班ㄚ?` would lose its
    `ㄚ?` and nothing would take its place). At the end of a line or before a space, that is
    the shape of a writer's question mark after a colloquial particle (`好靚架咩? 等我`),
    and the edit is dropped; so is one deleting a Han character before an ASCII `?` on a
    line of literary or classical text (`_LiteraryLines`)."""
    if e.kind == kinds.LOST_CHAR or not choices:
        return False
    if any(isinstance(p, str) and p for p in e.pieces):
        return False
    return all(c is None for c in choices) and not any(
        isinstance(p, Slot) and p.mark for p in e.pieces)


class _LiteraryLines:
    """A deletion-only edit that ends in an ASCII `?` and would delete a Han character with it,
    on a line of literary or classical text, is dropped (`han_before_mark`): `飧我沆?浆`,
    `何限嵚?磊落人`, `曷日旌?落` in the poems of Werneror/Poetry, whose site wrote `?` for a
    character its charset lacks (an encoder's lost character, errors="replace" in the legacy
    direction: the Han character before it is text, often the first of a word, 沆瀣, 嵚崟).
    Deleting it, with the `?` that marks the loss, leaves no trace. On a line of modern prose
    the same shape is a lost byte's debris and is still removed (`信息骷?发布` in the seeds).
    A line is literary when its other Han characters (at least 4) have a mean unigram cost of
    at least `TUNING.literary_line_cost`: 3.56-4.33 on the lines of those poems; the seeds'
    lines 2.98 at the median and 3.34 at the 99th percentile, reviews 3.24, the Rust book
    3.50 (docs/repair.md, "Held out"). Each line's sum is computed once per text, on demand."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: dict[int, tuple[float, int]] = {}

    def han_before_mark(self, e: Edit) -> bool:
        text = self.text
        span = text[e.start:e.end]
        if not span.endswith("?") or not any(is_han(c) for c in span):
            return False
        lo = text.rfind("\n", 0, e.start) + 1
        total, n = self.lines.get(lo) or self._line(lo)
        m = model()
        for c in span:
            if is_han(c):
                total -= m.unigram_cost(c)
                n -= 1
        return n >= 4 and total / n >= TUNING.literary_line_cost

    def _line(self, lo: int) -> tuple[float, int]:
        hi = self.text.find("\n", lo)
        m = model()
        costs = [m.unigram_cost(c) for c in self.text[lo:hi if hi >= 0 else len(self.text)] if is_han(c)]
        self.lines[lo] = got = (sum(costs), len(costs))
        return got


class _Written:
    """Which Han characters the text holds outside the place of a lost character: not
    followed by `?`, `？` or U+FFFD. Debris of a lost byte is a random pairing; a character the
    writer uses elsewhere is text (`攻打斟?，` in 左传, where the source lost 鄩 and `斟灌`
    comes just before: deleting `斟?` deleted a real 斟). Counted once per text, on demand."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.clean: Counter | None = None

    def elsewhere(self, span: str) -> bool:
        if self.clean is None:
            self.clean = Counter(self.text)
            self.clean.subtract(m.group(1) for m in _BEFORE_MARK.finditer(self.text))
        han = [c for c in span if is_han(c)]
        return bool(han) and all(self.clean[c] > 0 for c in han)


_BEFORE_MARK = re.compile("(.)(?=[?？\ufffd])", re.S)


def _within(suspects: list[tuple[int, int]], lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The suspects that start inside one of `lines` (both sorted)."""
    out = []
    k = 0
    for sus in suspects:
        while k < len(lines) and lines[k][1] <= sus[0]:
            k += 1
        if k == len(lines):
            break
        if lines[k][0] <= sus[0]:
            out.append(sus)
    return out

