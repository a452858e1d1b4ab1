"""GBK one-byte shift (a lost lead byte): `gbk_shift`.

A lost byte shifts the pairing of every later byte until an ASCII byte realigns the stream
(or a second lost byte shifts it back), so the damaged span can be arbitrarily long
(`上?萍既瞬...髽I`). All shifted readings of a line are suffixes of one "odd-phase" decoding
(pair the second byte of each character with the first byte of the next), so the line is
decoded that way once, both readings are costed once per character, and the best span
(start = the orphaned trail byte, end = a realignment, a `?` left for a lost byte, or a second
loss) is found with prefix sums in one linear sweep (`shift_edits`). Only the best few spans
are then judged exactly. Fullwidth ASCII (GBK A3xx) in the misaligned stream was often folded
to ASCII, so an ASCII character inside such a span is read back as A3xx. Short shifts that
realign at once (`,F(xiàn)`, `宫F代`) are enumerated directly (`short_shift_candidates`).
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate, chain

from cleanse.repair.cjk import kinds
from cleanse.repair.cjk.codes import GBK2, first_byte, folded, gbk_table
from cleanse.repair.cjk.edits import Edit, Slot
from cleanse.repair.cjk.judge import WriterMarks, judge
from cleanse.repair.cjk.notes import NOTE_AT, note_after
from cleanse.repair.cjk.tuning import TUNING
from cleanse.repair.model import Model, model
from cleanse.repair.pinyin import is_syllable

# A printable ASCII character before a non-ASCII one: read as its fullwidth form (GBK A3xx)
# inside a shifted span.
_FOLDABLE = re.compile(r"[!-~](?=[^\x00-\x7f])")


class OddPhase:
    """Per-line arrays for the shifted (odd-phase) reading of text[lo:hi]."""

    __slots__ = ("t", "n", "D", "s", "P0", "PS", "first")

    def __init__(self, m: Model, text: str, lo: int, hi: int) -> None:
        by_code = gbk_table()[0].get
        pc = m.pair_costs
        t = text[lo:hi]
        n = len(t)
        # Per-character work through map/accumulate (C loops); same values, same order of
        # additions as the plain loops (the oracle in tests/repair/test_bounds.py).
        D: list[bytes | None] = list(map(GBK2.__getitem__, t))
        for p in map(re.Match.start, _FOLDABLE.finditer(t)):
            D[p] = bytes((0xA3, ord(t[p]) + 0x80))  # folded fullwidth form inside a span
        s: list[str | None] = [None]
        s += [by_code(a[1] << 8 | b[0]) if a is not None and b is not None else None for a, b in zip(D, D[1:])]
        s.append(None)
        s = s[:n + 1] if n else [None]
        P0 = [0.0]
        PS = [0.0]
        if n:
            P0 += accumulate(chain((pc[t[0]],), map(pc.__getitem__, map(str.__add__, t[:-1], t[1:]))))
            PS += accumulate(chain((0.0,), (pc[x + y] if x is not None and y is not None else 0.0
                                            for x, y in zip(s[:n - 1], s[1:n]))))
        PS.append(PS[-1])
        self.t, self.n, self.D, self.s, self.P0, self.PS = t, n, D, s, P0, PS


def _sweep(m: Model, ph: OddPhase, a: int, b: int) -> list[tuple[float, int, int, str]]:
    """Approximate gains of shifted spans inside t[a:b]: (gain, i, e, end kind), best per end.
    Start i: t[i]'s first byte is an orphaned trail byte. End kinds at r: 'letter' (the ASCII
    letter t[r] realigns as the last trail byte, span t[i:r+1]), 'mark' (t[r] is `?`/U+FFFD,
    the decoder's mark for the byte after the last lead byte), 'loss' (a second lost byte at
    r: the last carried byte belongs to a lost character, span t[i:r])."""
    t, D, s, P0, PS = ph.t, ph.D, ph.s, ph.P0, ph.PS
    by_code = gbk_table()[0]
    pc = m.pair_costs
    slot_cost = TUNING.slot_cost
    out: list[tuple[float, int, int, str]] = []
    floor = TUNING.min_gain_letter - TUNING.approx_slack
    best_v = 0.0
    best_i = -1
    for r in range(a, b + 1):
        if best_i >= 0:
            k = r - 1  # last odd-phase character s[k]
            base = best_v - PS[k + 1]
            carry = D[r - 1][1]  # type: ignore[index]
            if r < b:
                c = t[r]
                if "@" <= c <= "~":
                    ch = by_code.get(carry << 8 | ord(c))
                    if ch is not None:
                        g = P0[r + 1] + base - (pc[ch] if s[k] is None else pc[s[k] + ch])  # type: ignore[operator]
                        if g >= floor:
                            out.append((g, best_i, r + 1, "letter"))
                elif c in "?\ufffd":
                    g = P0[r + 1] + base - slot_cost
                    if g >= floor:
                        out.append((g, best_i, r + 1, "mark"))
            g = P0[r] + base - slot_cost
            if g >= floor:
                out.append((g, best_i, r, "loss"))
        if r >= b:
            break
        if s[r] is None:
            best_i = -1
            continue
        i = r - 1
        if i >= a:
            # start at i: orphan slot, then s[i+1] after the left context
            v = -P0[i] - slot_cost - (pc[t[i - 1] + s[r]] if i > 0 else pc[s[r]]) + PS[i + 2]  # type: ignore[operator]
            if best_i < 0 or v > best_v:
                best_v, best_i = v, i
    return out


def _note_bonus(text: str, end: int, ch: str) -> float:
    """+note_bonus when the pinyin note at text[end] names ch, -note_bonus when it names
    another character, 0 without a note."""
    note = note_after(text, end)
    if note is None:
        return 0.0
    return TUNING.note_bonus if ch in model().chars_for_reading(note) else -TUNING.note_bonus


def _pieces(text: str, lo: int, ph: OddPhase, i: int, e: int, kind: str) -> tuple[int, list, float]:
    """Exact pieces of a shifted span found by `_sweep`: (absolute end, pieces, bonus)."""
    t, D, s = ph.t, ph.D, ph.s
    start_slot = Slot(debris=t[i], trail=D[i][0])  # type: ignore[index]
    last = e - 1 if kind in ("letter", "mark") else e  # first index not read in odd phase
    body = "".join(s[i + 1:last])  # type: ignore[arg-type]
    carry = D[last - 1][1]  # type: ignore[index]
    end = lo + e
    if kind == "letter":
        ch = gbk_table()[0][carry << 8 | ord(t[e - 1])]
        return end, [start_slot, body + ch], _note_bonus(text, end, ch)
    if kind == "mark":
        note_m = NOTE_AT.match(text, end)
        reading = note_m.group(1) if note_m and is_syllable(note_m.group(1)) else None
        if reading:
            end = note_m.end()  # type: ignore[union-attr]
        return end, [start_slot, body, Slot(text[lo + e - 1:end], lead=carry, reading=reading,
                                            marked_before=first_byte(text, lo + e))], 0.0
    return end, [start_slot, body, Slot("", lead=carry, trail=carry)], 0.0


def run_stop(text: str, p: int, hi: int) -> int:
    """First index from p where an odd-phase reading must stop (hi if none): a character with
    no GBK double-byte code, or ASCII not followed by non-ASCII (no folded fullwidth form)."""
    n = hi
    while p < n:
        c = text[p]
        if c >= "\x80":
            if GBK2[c] is None:
                break
        elif not ("!" <= c <= "~" and p + 1 < n and text[p + 1] >= "\x80"):
            break
        p += 1
    return p


def shift_edits(m: Model, text: str, lo: int, hi: int, suspects: list[int], marks: WriterMarks) -> list[Edit]:
    """Verified GBK-shift edits in text[lo:hi] (within one line); each span holds one of the
    suspect positions. The sweep repeats on both sides of an accepted span. `marks`: the
    text's writer's marks, for `judge`."""
    t = TUNING
    ph = OddPhase(m, text, lo, hi)
    edits: list[Edit] = []
    todo = [(0, ph.n)]
    while todo:
        a, b = todo.pop()
        cands = _sweep(m, ph, a, b)
        cands.sort(reverse=True)
        found = None
        for g, i, e, kind in cands[:t.max_verify * 4]:
            k = bisect.bisect_left(suspects, lo + i)
            if k == len(suspects) or suspects[k] >= lo + e:
                continue  # no suspect inside: leave it
            end, pieces, bonus = _pieces(text, lo, ph, i, e, kind)
            gain = judge(m, text, lo + i, end, pieces, bonus, marks=marks)
            if gain is not None:
                found = Edit(lo + i, end, kinds.GBK_SHIFT, pieces, gain)
                # The sweep keeps one start per end and ignores what a lost character's
                # surviving byte allows, so a start a few characters off can score better
                # exactly (`活[動]周系列` rather than `活又[?]系列`): judge those too.
                for i2 in range(max(a, i - t.start_jitter), min(e - 1, i + t.start_jitter + 1)):
                    if i2 == i or any(ph.s[q] is None for q in range(min(i, i2) + 1, max(i, i2) + 2)):
                        continue
                    end2, pieces2, bonus2 = _pieces(text, lo, ph, i2, e, kind)
                    gain2 = judge(m, text, lo + i2, end2, pieces2, bonus2, marks=marks)
                    if gain2 is not None and gain2 > found.gain:
                        found = Edit(lo + i2, end2, kinds.GBK_SHIFT, pieces2, gain2)
                break
        if found is not None:
            edits.append(found)
            todo.append((a, found.start - lo))
            todo.append((found.end - lo, b))
    return edits


def short_shift_candidates(text: str, i: int, hi: int) -> list[tuple[int, list, float]]:
    """A shift that realigns right after its orphaned trail byte: `,F(xiàn)` = A3 | AC46 =
    [lost 。] 現 (the orphan was folded to ASCII), `妥?` = CD | D7 ? = two lost characters.
    (end, pieces, bonus) for text[i:end]."""
    first = GBK2[text[i]] if text[i] >= "\x80" else folded(text, i, first=True)
    if first is None or i + 1 >= hi:
        return []
    c = text[i + 1]
    start_slot = Slot(debris=text[i], trail=first[0])
    if c in "?\ufffd":
        return [(i + 2, [start_slot, Slot(c, lead=first[1], marked_before=first_byte(text, i + 2))], 0.0)]
    code = first[1] << 8 | ord(c)
    if not ("@" <= c <= "~") or code not in gbk_table()[0]:
        return []
    ch = gbk_table()[0][code]
    return [(i + 2, [start_slot, ch], _note_bonus(text, i + 2, ch))]
