"""Finding the edits of a text: whole runs of UTF-8 read as GBK first (`lossy`), then per
cluster of suspects the best accepted candidate of every damage family (GBK shifts found by
one sweep per region, short shifts, re-encodings of the sub-spans around the cluster)."""

from __future__ import annotations

import bisect
import re

from cleanse.repair.cjk import big5, kinds, lossy
from cleanse.repair.cjk.clusters import clusters, dismissed
from cleanse.repair.cjk.edits import Edit
from cleanse.repair.cjk.judge import WriterMarks, judge
from cleanse.repair.cjk.reencode import reencode_candidates
from cleanse.repair.cjk.shift import run_stop, shift_edits, short_shift_candidates
from cleanse.repair.cjk.suspects import all_suspects
from cleanse.repair.cjk.tuning import TUNING
from cleanse.repair.model import Model, _ascii_letter, is_han, is_latin_diacritic, model
from cleanse.stage import common_affixes


def find_edits(text: str, suspects: list[tuple[int, int]] | None = None, runs: bool = True,
               marks: WriterMarks | None = None) -> list[Edit]:
    """Repairs of the clusters of suspects in `text` (default: `all_suspects(text)`), in
    text order, not overlapping. `marks`: the text's `WriterMarks` (made here when None)."""
    if suspects is None:
        suspects = all_suspects(text)
    if marks is None:
        marks = WriterMarks(text)
    m = model()
    run_edits = _run_edits(m, text, suspects) if runs else []
    if run_edits:
        # Whole runs of UTF-8 read as GBK (lossy too) first; their suspects are done.
        starts = [e.start for e in run_edits]

        def covered(p: int) -> bool:
            k = bisect.bisect_right(starts, p) - 1
            return k >= 0 and p < run_edits[k].end
        suspects = [s for s in suspects if not covered(s[0])]
        rest = find_edits(text, suspects, False, marks) if suspects else []
        # an edit of the rest that reaches into a run (its window) gives way to the run
        rest = [e for e in rest if not (covered(e.start) or covered(e.end - 1) or any(
            e.start <= r.start < e.end for r in run_edits))]
        return sorted(run_edits + rest, key=lambda e: e.start)
    kept, regions = _kept_clusters(m, text, suspects)
    long_shifts: list[Edit] = []
    for _, a, b, positions in regions:
        long_shifts.extend(shift_edits(m, text, a, b, positions, marks))
    return _best_per_cluster(m, text, kept, long_shifts, marks)


def _run_edits(m: Model, text: str, suspects: list[tuple[int, int]]) -> list[Edit]:
    """`lossy.utf8_run_repairs` and, on a line with a U+FFFD, `big5.cross_run_repairs` on
    every line that holds a suspect (where two overlap, the higher gain wins)."""
    out: list[Edit] = []
    line_hi = -1
    for cs, _ in suspects:
        if cs >= line_hi:
            line_lo = text.rfind("\n", max(0, line_hi), cs) + 1
            line_hi = text.find("\n", cs)
            line_hi = len(text) if line_hi < 0 else line_hi
            line = [Edit(r.start, r.end, kinds.UTF8_AS_GBK_RUN, [r.after], r.gain)
                    for r in lossy.utf8_run_repairs(m, text, line_lo, line_hi)]
            if "\ufffd" in text[line_lo:line_hi]:
                cross = big5.cross_run_repairs(m, text, line_lo, line_hi)
                if cross:
                    line = _best_of(line + cross)
            out.extend(line)
    return out


def _best_of(edits: list[Edit]) -> list[Edit]:
    """The edits that no overlapping edit of higher gain displaces, in text order."""
    kept: list[Edit] = []
    for e in sorted(edits, key=lambda e: -e.gain):
        if all(e.end <= o.start or o.end <= e.start for o in kept):
            kept.append(e)
    return sorted(kept, key=lambda e: e.start)


def _kept_clusters(m: Model, text: str, suspects: list[tuple[int, int]]):
    """The clusters not dismissed, as (start, end, line start, line end), and the regions a
    shifted span through them can occupy, as [line start, start, end, suspect positions]:
    from shift_back characters before a cluster to where the odd-phase reading must stop
    (+1 for the realigning letter or `?`), merged when they touch on one line."""
    kept: list[tuple[int, int, int, int]] = []
    regions: list[list] = []
    # Clusters come in text order: the current line and the last odd-phase stop are reused
    # (searching from each cluster would be quadratic on a long line).
    lo = hi = 0
    run_from, stop = -1, -1
    for cs, ce in clusters(text, suspects):
        if not lo <= cs < hi:
            lo = text.rfind("\n", hi if hi else 0, cs) + 1
            hi = text.find("\n", cs)
            hi = len(text) if hi < 0 else hi
            run_from = -1
        if dismissed(m, text, cs, ce, lo, hi):
            continue
        kept.append((cs, ce, lo, hi))
        a = max(lo, cs - TUNING.shift_back)
        if not (0 <= run_from <= ce <= stop):
            run_from, stop = ce, run_stop(text, ce, hi)
        b = min(hi, stop + 1)
        if regions and regions[-1][0] == lo and a <= regions[-1][2]:
            regions[-1][2] = max(regions[-1][2], b)
            regions[-1][3].extend(range(cs, ce))
        else:
            regions.append([lo, a, b, list(range(cs, ce))])
    return kept, regions


def _unknown_only(m: Model, before: str, after: str) -> bool:
    """What a re-encoding changes reads as nothing but characters rare enough to be suspects
    themselves (`ƒé(jìn)` -> `冮(jìn)`, cp1252 83 E9 read as GBK): its unchanged ends (cheap
    ASCII) would make it pass on average, and a result made only of suspects is no evidence
    of a repair. Without this the repair of a neighbour could make it pass on a second pass
    (`本ƒé(bào)` after `日?qǐng)?bào)`; tests/repair/test_idempotence.py)."""
    p, q = common_affixes(before, after)
    core = after[p:len(after) - q]
    return bool(core) and all(m.unigram_cost(c) >= TUNING.suspect_min_cost for c in core)


def _han_pair_swap(kind: str, before: str, after: str) -> bool:
    """A Big5/GBK re-reading whose change is at most two Han characters read as others
    (`泬寥` -> `田归`, GBK-as-Big5 read back: 泬寥 is 楚辞's word for a clear sky, in two held-out
    poems of Werneror/Poetry): any two Big5 characters are the bytes of some GBK pair and back,
    and two characters are too few to tell a rare word from damage. A change holding a symbol
    is damage-shaped and still judged (`vector 笢﹝` -> `vector 中。`)."""
    if kind not in (kinds.BIG5_AS_GBK, kinds.GBK_AS_BIG5):
        return False
    p, q = common_affixes(before, after)
    core = before[p:len(before) - q]
    return 0 < len(core) <= 2 and all(is_han(c) for c in core)


def _repeat_only(before: str, after: str) -> bool:
    """What a re-encoding changes is one character repeated, read as another one repeated
    (`éé` -> `谷谷`, GBK A8A6 read as Big5): a repeated Han character is cheap by the
    reduplication rule (`model.context_ceiling`), and nothing else in the result is evidence
    (a repeated Latin letter with a diacritic gets no such ceiling in the input)."""
    p, q = common_affixes(before, after)
    core, was = after[p:len(after) - q], before[p:len(before) - q]
    return len(core) > 1 and len(set(core)) == 1 and len(set(was)) == 1


def _latin_word(kind: str, before: str, after: str) -> bool:
    """A Latin reading whose changed span is a word of Latin letters: ASCII letters and
    letters with diacritics side by side and nothing else (`öleléééééééés` -> `鰈el殚殚殚殚s`,
    Hungarian read back as GBK). Chinese read as Latin-1 is mostly high bytes paired with
    high bytes, and its symbols (`¡£`, `£¬`, `½`) are not letters; a word that mixes both
    kinds of letters is a European word."""
    if kind not in kinds.LATIN1_READINGS:
        return False
    p, q = common_affixes(before, after)
    core = before[p:len(before) - q]
    if any(ord(c) > 0x7F and not is_latin_diacritic(c) for c in core):
        return False
    return any(is_latin_diacritic(a) and _ascii_letter(b) or _ascii_letter(a) and is_latin_diacritic(b)
               for a, b in zip(core, core[1:]))


def _lone_han(text: str, i: int, j: int, kind: str, after: str) -> bool:
    """A re-reading with another CJK codec whose new Han characters all stand between
    symbols, with neither a Han character nor sentence punctuation (`han_company`) beside any
    of them (`o(╯□╰)o` -> `o(究↓系)o`, Big5 read as GBK): nothing in the result says it is
    text (`vector 笢﹝` -> `vector 中。` is repaired: 中 next to 。). A result with no Han
    character at all is no candidate (`reencode._NO_HAN`)."""
    return kind in kinds.CJK_READINGS and _all_lone(text, i, j, after)


def _lone_latin(text: str, i: int, j: int, kind: str, after: str, lo: int, hi: int) -> bool:
    """A Latin reading whose new Han characters all stand alone (as in `_lone_han`) on a line
    (text[lo:hi]) that is ASCII but for the span (`Offering 5×£35 pin ups` -> `5祝35`,
    `` `¬´ `` -> `` `炭 ``: ftfy's own negative test cases): two symbols in English text are
    no evidence. Chinese read as Latin-1 leaves more on its line: the rest of its debris
    (`Rust µÄ async ºÍ await` is repaired: 的 and 和 stand alone), or what an earlier pass
    made of it (`粤公网安备 4404…1358ºÅ`)."""
    if kind not in kinds.LATIN1_READINGS or not _all_lone(text, i, j, after):
        return False
    # searched in place, not sliced: each search stops at the nearest other non-ASCII character
    return _NON_ASCII.search(text, lo, i) is None and _NON_ASCII.search(text, j, hi) is None


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _all_lone(text: str, i: int, j: int, after: str) -> bool:
    """Every Han character that `after` brings into text[i:j] has neither a Han character
    nor sentence punctuation (`TUNING.han_company`) beside it."""
    before = text[i:j]
    p, q = common_affixes(before, after)
    seq = (text[i - 1] if i > 0 else "") + after + (text[j] if j < len(text) else "")
    off = 1 if i > 0 else 0
    company = TUNING.han_company
    near = [is_han(c) or c in company for c in seq]
    for k in range(off + p, off + len(after) - q):
        if is_han(seq[k]) and ((k > 0 and near[k - 1]) or (k + 1 < len(seq) and near[k + 1])):
            return False
    return True


def _best_per_cluster(m: Model, text: str, kept: list[tuple[int, int, int, int]],
                      long_shifts: list[Edit], marks: WriterMarks) -> list[Edit]:
    """For each cluster in turn (after the end of the last edit): the accepted candidate
    with the highest gain among the long shifts through it, the short shifts starting at
    it and the re-encodings around it (ties: the first found)."""
    edits: list[Edit] = []
    done = 0
    # Long shifts that may still serve a cluster (start >= lo, start < ce, end > cs): cs, ce
    # and lo only grow, so a shift enters once (by start) and leaves for good.
    by_start = sorted(range(len(long_shifts)), key=lambda x: long_shifts[x].start)
    entered = 0
    active: list[int] = []
    for cs, ce, line_lo, hi in kept:
        if cs < done:
            continue
        lo = max(line_lo, done)
        while entered < len(by_start) and long_shifts[by_start[entered]].start < ce:
            active.append(by_start[entered])
            entered += 1
        active = sorted(x for x in active if long_shifts[x].end > cs and long_shifts[x].start >= lo)
        best: Edit | None = None
        for x in active:  # in the order found, so that ties go the same way
            e = long_shifts[x]
            if best is None or e.gain > best.gain:
                best = e
        for i in range(max(lo, cs - 1), min(ce, hi)):
            for end, pieces, bonus in short_shift_candidates(text, i, hi):
                gain = judge(m, text, i, end, pieces, bonus, marks=marks)
                if gain is not None and (best is None or gain > best.gain):
                    best = Edit(i, end, kinds.GBK_SHIFT, pieces, gain)
        for i, j, kind, pieces in reencode_candidates(text, cs, ce, lo, hi, m):
            if (_han_pair_swap(kind, text[i:j], pieces[0]) or _unknown_only(m, text[i:j], pieces[0])
                    or _lone_han(text, i, j, kind, pieces[0])
                    or _repeat_only(text[i:j], pieces[0]) or _latin_word(kind, text[i:j], pieces[0])
                    or _lone_latin(text, i, j, kind, pieces[0], line_lo, hi)):
                continue
            gain = judge(m, text, i, j, pieces, marks=marks)
            if gain is not None and (best is None or gain > best.gain):
                best = Edit(i, j, kind, pieces, gain)
        if best is not None:
            edits.append(best)
            done = best.end
    return edits
