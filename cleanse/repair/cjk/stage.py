"""The `cjk_mojibake` stage (slot 4 of the default pipeline)."""

from __future__ import annotations

from dataclasses import asdict

from cleanse.repair.cjk import big5, lost, reencode, suspects
from cleanse.repair.cjk.codes import gbk_table
from cleanse.repair.cjk.repair import repair_mojibake
from cleanse.repair.cjk.tuning import TUNING
from cleanse.repair.spacing import spaced_reread
from cleanse.repair.model import BIGRAM_WEIGHT, COST_ASCII, COST_SYMBOL, COST_UNKNOWN_HAN, RULES_CONFIG, model
from cleanse.stage import TextEdit, TextStage


class CjkMojibakeStage(TextStage):
    """Slot 4: repair GBK/Big5/UTF-8/Latin-1 mojibake in Chinese text, restore or remove
    lost characters (using surviving pinyin notes before `pinyin_ruby` drops them)."""

    name = "cjk_mojibake"
    # 15: a Big5/GBK re-reading of at most two Han characters into others is no repair
    # (find._han_pair_swap: 泬寥 -> 田归 in held-out poems);
    # 14 (held-out classical poetry, Werneror/Poetry): a deletion-only edit of a Han
    # character before an ASCII `?` is dropped on a line of literary or classical text (repair._LiteraryLines, TUNING.literary_line_cost);
    # 13 (colloquial genres of the clean corpus): written Cantonese's everyday characters are
    # known to the model (CANTONESE_CHARS) and its particles are particles; a short shift
    # ended by `?` at a clause end needs the full gain in a document punctuated with ASCII
    # marks (`writer_marks_min`);
    # 12: a deletion-only edit is also dropped when its Han characters are written elsewhere
    # in the text, not before a mark (repair._Written);
    # 11: an edit that would only delete text (lost characters not restored) before a space or
    # a line end is dropped; a repeat of one non-Han character is no repair; a Latin reading of
    # a European word neither, nor of lone symbols on an ASCII line; suspects on Japanese lines
    # are left alone (japanese.py);
    # 10: the text also read with its spaces as normalize_zh leaves them (`spaced_reread`);
    # 9: a repeat re-read as another repeat is no repair; 8: a short shift ended by `?` needs
    # a lost character that is not rare to explain the mark
    version = "15"

    def setup(self) -> None:
        model()
        suspects.warm_up()
        gbk_table()
        reencode.warm_up()
        lost.warm_up()

    def config(self) -> dict:
        return {**asdict(TUNING), "common_punct": suspects.COMMON_PUNCT,
                "reencodings": [asdict(r) for r in reencode.REENCODINGS],
                "cross_readings": [asdict(r) for r in big5.CROSS_READINGS],
                "model": {"bigram_weight": BIGRAM_WEIGHT, "cost_unknown_han": COST_UNKNOWN_HAN,
                          "cost_symbol": COST_SYMBOL, "cost_ascii": COST_ASCII, **RULES_CONFIG}}

    def transform(self, text: str) -> TextEdit:
        # then the text with its spaces as normalize_zh will leave them (cleanse/repair/spacing.py)
        return spaced_reread(repair_to_fixed_point(text), lambda t, lines: repair_to_fixed_point(t, lines=lines))


def repair_to_fixed_point(text: str, max_passes: int | None = None,
                          lines: list[tuple[int, int]] | None = None) -> TextEdit:
    """`repair_mojibake` again on its own output until it changes nothing, at most
    `TUNING.max_passes` passes, so that the stage is idempotent (`Ã©朝陽日?qǐng)`: the first
    pass repairs the debris of its cluster, the second `Ã©`). Clean text costs one pass; a
    pass that changes the text costs one more. The repairs of a later pass have offsets in
    the text the earlier passes left (as the records of two stages in a row). `lines`: the
    first pass looks only at those lines (`repair_mojibake`)."""
    edit = repair_mojibake(text, lines)
    repairs, removed = edit.repairs, edit.removed
    for _ in range((TUNING.max_passes if max_passes is None else max_passes) - 1):
        if edit.text == text:
            break
        lines = touched_lines(text, edit) if LINE_PASSES else None
        text = edit.text
        edit = repair_mojibake(text, lines)
        repairs, removed = repairs + edit.repairs, removed + edit.removed
    return TextEdit(edit.text, repairs=repairs, removed=removed)


# Later passes look only at the lines the pass before touched (off = whole texts: the oracle).
LINE_PASSES = True


def touched_lines(text: str, edit: TextEdit) -> list[tuple[int, int]] | None:
    """The lines of `edit.text` that the pass from `text` changed or recorded a repair on, as
    (start, end) spans; None (every line) when the pass changed the number of lines.

    A pass finds the edits of each line from that line alone: suspects and their clusters,
    the GBK-shift regions, the re-encoding windows and the UTF-8/Big5 runs all stop at a
    newline, and lost characters on different lines are decided apart (a stretch of text
    between them). The document-wide inputs (its pinyin notes, its script) are taken from
    the whole text as before. So a line that a pass left without an edit gets none from the
    next pass either, and only the touched lines need another look; an edit that changes
    nothing and records nothing (a `?`/U+FFFD read as a lost U+FFFD) is the only one not
    seen here, and repeating it would change nothing. Oracle (every pass on the whole text):
    tests/repair/test_idempotence.py. Measured (the stage on the 1.08 MB damaged mix of 383
    2 KB pages, warm, CPU, best of 5 interleaved rounds, load 4.2-4.5): whole-text passes
    1.330 s -> 1.081 s (one pass alone 1.01 s)."""
    old = text.split("\n")
    new = edit.text.split("\n")
    if len(old) != len(new):
        return None
    touched = {k for k, (a, b) in enumerate(zip(old, new)) if a != b}
    touched.update(text.count("\n", 0, r[3]) for r in edit.repairs)
    spans = []
    pos = 0
    for k, line in enumerate(new):
        if k in touched:
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans
