"""Judging a candidate: a span is replaced only when the candidate is far more plausible than
the input (gain), reads like text itself (mean cost) and is clearly better per character.
Costs come from the character bigram model (`model.py`)."""

from __future__ import annotations

import re
from functools import lru_cache

from cleanse.repair.cjk.codes import GBK2, first_byte
from cleanse.repair.cjk.edits import Slot
from cleanse.repair.cjk.filler import best_filler
from cleanse.repair.cjk.lost import mark_explained
from cleanse.repair.cjk.tuning import TUNING
from cleanse.repair.model import PARTICLES, Model, is_han, model


def _next_char(pieces: list, k: int, right: str | None) -> str | None:
    for p in pieces[k + 1:]:
        if isinstance(p, str) and p:
            return p[0]
        if isinstance(p, Slot):
            return None
    return right


def pieces_cost(m: Model, pieces: list, left: str | None, right: str | None) -> tuple[float, int]:
    """Cost of a candidate and its length. A lost character costs slot_cost, or less when one
    of the characters its surviving byte allows fits both neighbours well (`發[展]現代`): that
    is evidence for the shift that left it, and it lets the start of a span be placed right."""
    pc = m.pair_costs
    slot_cost, fill_penalty = TUNING.slot_cost, TUNING.fill_penalty
    total = 0.0
    n = 0
    prev = left
    for k, p in enumerate(pieces):
        if isinstance(p, Slot):
            n += 1
            nxt = _next_char(pieces, k, right)
            best = None
            if prev is not None and nxt is not None and (p.lead is not None or p.trail is not None):
                best = _best_filler(p.lead, p.trail, p.reading, p.marked_before, prev, nxt)
            if best is None:
                total += slot_cost
            else:
                total += pc[prev + best[1]] + fill_penalty
                prev = best[1]
            continue
        if not p:
            continue
        if prev is None:
            prev = p[0]
            total += pc[prev]
            p = p[1:]
            n += 1
        for c in p:
            total += pc[prev + c]
            prev = c
        n += len(p)
    if right is not None and prev is not None:
        total += pc[prev + right] - m.unigram_costs[right]
    return total, n


@lru_cache(maxsize=65536)
def _best_filler(lead: int | None, trail: int | None, reading: str | None, marked_before: int | None,
                 prev: str, nxt: str) -> tuple[float, str] | None:
    """The candidate of a slot that fits between prev and nxt better than a bare lost
    character, with its cost (`filler.best_filler`; memoised: spans judged around one slot
    share it)."""
    return best_filler(lead, trail, reading, marked_before, prev, nxt)


def min_gain(text: str, i: int, j: int, marks: WriterMarks | None = None) -> float:
    """A span of at most 3 characters ending in a lone ASCII letter that completes a GBK
    character with its neighbour's trail byte is damage-shaped on its own: it needs less
    gain (the span is too short to gain 10**8). Without `marks` the writer's marks are not
    looked at: the result is then at most the full answer (what `reencode`'s lower bound
    needs, which must never reject what `judge` would accept)."""
    c = text[j - 1]
    t = TUNING
    if j - i <= t.short_letter_span and ("A" <= c <= "Z" or "a" <= c <= "z") and text[i] >= "\x80":
        return t.min_gain_letter
    if j - i <= t.short_mark_span and c in "?\ufffd" and text[i] >= "\x80" and text[j - 2] >= "\x80":
        # the same for a short shift ended by the decoder's mark (`沂芯?济` = [我]市[经]济),
        # unless the span already holds a word (`房价倒挂???` in a review: a writer's ? marks),
        # or the mark is explained only by a rare lost character: read shifted, the last byte
        # of the character before it is that character's lead byte (`加快发é�` -> `》ⅷ`: é is
        # A8A6, and A6xx are Greek letters; `如今挣?，` -> `如今日，`: F5xx before A3 is 醌 or rarer)
        last = GBK2[text[j - 2]]
        if (not _holds_word(text, i, j) and not (c == "?" and marks is not None and marks.at(j))
                and (last is None or mark_explained(last[1], first_byte(text, j)))):
            return t.min_gain_letter
    return t.min_gain


class WriterMarks:
    """Whether the `?` at text[j-1] is the writer's: it ends a clause (a space or the end of
    the text follows) in a document that ends its clauses with ASCII marks: at least `writer_marks_min` of `.`
    right after a Han character, or `?` / `!` right after a sentence-final particle, each
    before a space or the end (`係.`, `係咩?`, `好貴吖?`: HKCanCor, Hong Kong and Taiwan chat).
    There a `?` at a clause end is the writer's question mark (`一萬蚊?` -> `一萬美`,
    `你隻兔仔?` -> `你隻兔米`), and a shift ended by it needs the full gain. Decoders leave
    `?` wherever a byte was lost, never `.`, and rarely a `?` after a particle. (ASCII `,`
    between Han characters is no evidence: mainland web text writes it too, and a seed
    report so punctuated ends with real damage, `生产力促进中奶逑?`.)

    The marks are counted once per text, on the first question (most texts never ask):
    one object per text, made by `find.find_edits` and handed to every `judge` of it."""

    __slots__ = ("text", "_many")

    def __init__(self, text: str) -> None:
        self.text = text
        self._many: bool | None = None

    def at(self, j: int) -> bool:
        """The `?` at text[j-1] is the writer's (see the class)."""
        text = self.text
        if not (j == len(text) or text[j].isspace()):
            return False
        if self._many is None:
            self._many = writer_marks(text) >= TUNING.writer_marks_min
        return self._many


def writer_marks(text: str) -> int:
    """The ASCII punctuation of `WriterMarks` in text (counted up to writer_marks_min)."""
    n = 0
    if "." in text or "?" in text or "!" in text:
        for _ in _WRITER_MARK.finditer(text):
            n += 1
            if n >= TUNING.writer_marks_min:
                break
    return n


_HAN = "\u3400-\u9fff"
_WRITER_MARK = re.compile(rf"(?<=[{_HAN}])\.(?=\s|$)|(?<=[{PARTICLES}])[?!](?=\s|$)")


def _holds_word(text: str, i: int, j: int) -> bool:
    """Two Han characters of text[i-1:j] in a row form a dictionary bigram."""
    m = model()
    prev = text[i - 1] if i > 0 else ""
    for c in text[i:j]:
        if prev and is_han(prev) and is_han(c) and m.bigram_strength(prev, c) >= TUNING.explained_min_bigram:
            return True
        prev = c
    return False


def input_cost(m: Model, text: str, i: int, j: int, left: str | None, right: str | None) -> float:
    """Cost of the input span text[i:j]. A U+FFFD in it is a character nobody can read, in the
    input as in any candidate: it costs slot_cost (what a lost character costs in a
    candidate) and links to neither neighbour, so a repair gains nothing from removing it
    and has to be earned by the characters around it (a second pass over text with the
    `lost` marks of a first one finds nothing to gain). Re-encoded spans never hold one (no
    codec they were wrongly read with encodes U+FFFD): the bounds of `reencode` are unchanged."""
    span = text[i:j]
    if "\ufffd" not in span:
        return m.span_cost(span, left, right)
    pieces = span.split("\ufffd")
    last = len(pieces) - 1
    total = TUNING.slot_cost * last
    for k, p in enumerate(pieces):
        if p:
            total += m.span_cost(p, left if k == 0 else None, right if k == last else None)
    return total


def judge(m: Model, text: str, i: int, j: int, pieces: list, bonus: float = 0.0, *,
          marks: WriterMarks) -> float | None:
    """Gain of replacing text[i:j] by pieces, or None if the candidate is not acceptable.
    `marks`: the writer's marks of `text` (one `WriterMarks` per text)."""
    t = TUNING
    left = text[i - 1] if i > 0 else None
    right = text[j] if j < len(text) else None
    orig = input_cost(m, text, i, j, left, right)
    cand, n = pieces_cost(m, pieces, left, right)
    n_orig = j - i
    if n == 0 or n_orig == 0:
        return None
    slots_only = not any(p and not isinstance(p, Slot) for p in pieces)
    if slots_only and any(is_han(c) and m.unigram_cost(c) < t.slots_only_min_cost for c in text[i:j]):
        # Lost characters alone do not replace a common character (`点?` in a review, `挣?`
        # in a Yuan song): garbage of a lost byte is rarely one.
        return None
    gain = orig - cand + bonus
    if bonus > 0:
        # The pinyin note that follows names the decoded character: strong evidence on its
        # own (a random byte pair has about one chance in 400 to match the reading), unless
        # the input already reads as a word with its left neighbour (`我市g(shù)dp`).
        prev = left
        for c in text[i:j]:
            if prev is not None and is_han(c) and m.bigram_strength(prev, c) >= t.guess_min_bigram:
                return None
            prev = c
        return gain if gain >= t.note_min_gain else None
    if slots_only and "\ufffd" in text[i:j]:
        # A U+FFFD with lost characters alone around it (`汔�` -> ``, `非�凶�` -> `非��`) is
        # the shape of any unreadable character next to a rare one, and of the `lost` marks
        # of a first pass: nothing but the rarity of its neighbours says they are debris.
        return None
    needed = min_gain(text, i, j, marks)
    if gain < needed or cand / n > t.max_cand_mean or orig / n_orig - cand / n < t.min_mean_drop - bonus:
        return None
    if _repeat_for_repeat(text[i:j], pieces):
        return None
    return gain


def _repeat_for_repeat(span: str, pieces: list) -> bool:
    """A run of one non-Han character read as a run of one other character (`ááááááá` ->
    `ⅷⅷⅷⅷⅷⅷ、`): the bigram of a repeated character scores well whatever it is, so the run
    says nothing about its bytes. Real damage of a run of Han characters is never one
    repeated non-Han character (a run of one Han character keeps its own bytes' reading)."""
    core = span.rstrip("?\ufffd")
    if len(core) < 2 or len(set(core)) != 1 or is_han(core[0]):
        return False
    out = "".join(p for p in pieces if isinstance(p, str))
    return len(set(out.rstrip("?\ufffd、，。"))) == 1
