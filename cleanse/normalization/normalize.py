"""Punctuation and whitespace normalization for Chinese text.

- ASCII `,` `:` `;` next to a Han character or Chinese punctuation become `，` `：` `；`;
  between digits, in times, in URLs and in Latin text they stay (`3,000`, `10:30`).
- `?` `!` become `？` `！` after a Han character at the end of a sentence (followed by a
  space, a closing quote/bracket or the line end) or after a question particle (吗呢…).
  Mid-line `?` between Han characters is left alone: it is usually a mojibake hole, and the
  repair stages and the mojibake signal need to see it.
- `(`…`)` become `（`…`）` when the bracketed text or a neighbour is Han (`(一)`,
  `(*-2020年)` -> `（*-2020年）`); mixed pairs `(…）` are completed.
- NBSP, U+3000 and other spaces become plain spaces; lines are stripped; space runs become
  one space; spaces around full-width punctuation go; blank lines go (one paragraph per
  line); sentence-final punctuation followed by a space starts a new paragraph.
- A list number alone on its line is rejoined with its item (`17` + `、完善…`), and a
  paragraph hard-wrapped mid-sentence (a long line ending in a Han character followed by a
  line starting with one) is rejoined.

Every step is a whole-text regex substitution (no per-line Python), and the composition is
idempotent: normalizing normalized text changes nothing (property-tested). The character
tables are data: `punctuation.json`.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from cleanse.stage import TextEdit, TextStage, changed_span, data_digest

TABLE_PATH = os.path.join(os.path.dirname(__file__), "punctuation.json")


_MARK_RUN = re.compile(r"[,:;][,:;]+")
# Whether a run exists at all: one literal-first search per mark present (a search starting
# with a class, or a two-character substring test, is several times slower).
_RUN_STARTS = tuple((m, re.compile(re.escape(m) + "[,:;]")) for m in ",:;")
# A remaining ASCII mark beside (through one space) a full-width mark that a conversion
# may have produced: one literal-first pattern per mark.
_NEAR_FULL_WIDTH = dict(
    (m, re.compile(rf"{re.escape(m)}(?: ?[，：；？！（）]|(?<=[，：；？！（）]{re.escape(m)})|(?<=[，：；？！（）] {re.escape(m)}))"))
    for m in ",:;?!"
)
# Whether a text may hold a URL (see `_Rules.url`).
_SCHEME = re.compile("://")
_WWW = re.compile(r"www\.")
_CONTENT = r"[^()（）\n]"  # what a bracket pair holds: no bracket, no line break
_INNER = _CONTENT + "{0,100}"
_INNER_LAZY = _CONTENT + "{0,100}?"


ZWJ = "\u200d"


@dataclass(frozen=True, slots=True)
class _Rules:
    zero_width_chars: str
    # Any zero-width character or space other than U+0020.
    mapped_chars: re.Pattern[str]
    stray_zwj: re.Pattern[str]
    space_chars: tuple[str, ...]
    space_before_newline: re.Pattern[str]
    space_after_newline: re.Pattern[str]
    space_runs: re.Pattern[str]
    parens_ascii_open: re.Pattern[str]
    parens_fw_open: re.Pattern[str]
    in_context: tuple[tuple[re.Pattern[str], str], ...]
    out_of_context: tuple[re.Pattern[str], ...]
    run_or_out_of_context: tuple[re.Pattern[str], ...]
    context_marks: tuple[str, ...]
    context_table: dict[int, str]
    hanp_char: re.Pattern[str]
    terminal: tuple[tuple[re.Pattern[str], str], ...]
    terminal_marks: tuple[str, ...]
    space_around_fw: re.Pattern[str]
    paragraph_break: re.Pattern[str]
    paragraph_break_plain: re.Pattern[str]
    blank_lines: re.Pattern[str]
    list_number_bare: re.Pattern[str]
    list_number_marked: re.Pattern[str]
    hard_wrap: re.Pattern[str]
    # A line break any of the three above could remove (one scan; most texts hold none),
    # and the same or a blank line.
    line_join: re.Pattern[str]
    blank_or_join: re.Pattern[str]
    url: re.Pattern[str]
    han: re.Pattern[str]
    paren_map: dict[str, str]


@lru_cache(maxsize=1)
def table() -> dict:
    with open(TABLE_PATH, encoding="utf-8") as f:
        return json.load(f)


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    t = table()
    han = t["han"]
    hanp = han + t["cjk_punct"]
    in_context = []
    out_of_context = []
    run_or_out_of_context = []
    for a, fw in t["in_han_context"].items():
        e = re.escape(a)
        # Literal first so the regex engine can skip to candidates; the context is checked
        # by a look-behind over the character before and a look-ahead over the one after.
        # One space between the mark and its context is seen through (`中文 , 中文`); the
        # space itself goes in the later space-around-full-width step.
        in_context.append((re.compile(rf"{e}(?:(?<=[{hanp}]{e})|(?<=[{hanp}] {e})|(?= ?[{hanp}]))"), fw))
        # The same mark without that context: when the text holds none, every mark
        # converts and str.replace does it (C speed, no per-match work).
        out_of_context.append(re.compile(rf"{e}(?<![{hanp}]{e})(?<![{hanp}] {e})(?! ?[{hanp}])"))
        # Either that, or the start of a run of marks (`_MARK_RUN`): one scan per mark rules
        # out both in the common case.
        run_or_out_of_context.append(re.compile(rf"{e}(?:[,:;]|(?<![{hanp}]{e})(?<![{hanp}] {e})(?! ?[{hanp}]))"))
    closers = re.escape(t["after_terminal"])
    particles = t["question_particles"]
    terminal = []
    for a, fw in t["terminal"].items():
        e = re.escape(a)
        alt = rf"|(?<=[{particles}]{e})" if a == "?" else ""
        terminal.append((re.compile(rf"{e}(?:(?<=[{han}]{e})(?=[\s{closers}]|\Z){alt})"), fw))
    num = r"(?:\d{1,3}|[一二三四五六七八九十]{1,3})"
    wrap_min = int(t["hard_wrap_min_line"])
    # What follows the line break each line join removes.
    list_number_bare = rf"({num})\n(?=[、.．])"
    list_number_marked = rf"({num}[、.．]|[（(]{num}[）)])\n(?=[{han}])"
    hard_wrap = (
        # Cheap one-character checks first; the 100-character look-behind last.
        rf"(?<=[{han}]\n)(?=[{han}])(?![一二三四五六七八九十]{{1,3}}[、是]|第[一二三四五六七八九十])"
        rf"(?<=[^\n]{{{wrap_min}}}[{han}]\n)"
    )
    line_join = rf"(?={list_number_bare})|(?={list_number_marked})|{hard_wrap}"
    fw_punct = t["cjk_punct"]  # a class body with ranges: not escaped
    return _Rules(
        zero_width_chars=t["zero_width"],  # plain characters, no ranges
        mapped_chars=re.compile(f"[{t['zero_width'].replace(ZWJ, '')}{t['spaces']}]"),
        # A ZWJ stays only inside an emoji sequence (👨‍👩‍👧, 👩🏽‍⚕️, 🏳️‍🌈): after an emoji or
        # its modifier (VS16, a tag) and before an emoji. Everywhere else it goes.
        stray_zwj=re.compile(f"(?<![{t['emoji']}{t['emoji_modifiers']}]){ZWJ}|{ZWJ}(?![{t['emoji']}])"),
        space_chars=_class_chars(t["spaces"]),
        # Two literal-first passes (an alternation `[ \n]…` would stop at every newline).
        # The look-behind makes a run of spaces not followed by a line break cost its
        # length once, not once per space (` [ ]*\n` is quadratic on such a run).
        space_before_newline=re.compile(r"(?<! ) +\n"),
        space_after_newline=re.compile(r"\n [ ]*"),
        space_runs=re.compile(r"  [ ]*"),
        # `(…)` is Chinese when it holds a Han character or touches one (through at most one
        # space); a mixed pair `(…）` always is. The forms that open with `(` are one
        # alternation of look-aheads (see `_parens`); every form captures the opening
        # bracket, the content and the closing bracket, for `_convert_pairs`.
        parens_ascii_open=re.compile(
            rf"(\()(?:"
            rf"(?:(?<=[{han}]\()|(?<=[{han}] \())(?={_INNER}\))"  # Han before
            # Han inside, at most 100 characters either side of it. A content of at most
            # 101 characters needs just a Han character; a longer one (rare) takes the lazy
            # scan, which the length check spares its quadratic backtracking elsewhere.
            rf"|(?={_CONTENT}{{0,101}}\))(?=[^()（）\n{han}]{{0,100}}[{han}])"
            rf"|(?={_CONTENT}{{102,201}}\))(?={_INNER_LAZY}[{han}]{_INNER}\))"
            rf"|(?={_INNER}\) ?[{han}])"  # Han after
            rf"|(?={_INNER}）)"  # mixed pair
            rf")({_CONTENT}*)([)）])"
        ),
        parens_fw_open=re.compile(rf"(（)(?={_INNER}\))({_CONTENT}*)(\))"),
        in_context=tuple(in_context),
        out_of_context=tuple(out_of_context),
        run_or_out_of_context=tuple(run_or_out_of_context),
        context_marks=tuple(t["in_han_context"]),
        context_table=str.maketrans(t["in_han_context"]),
        hanp_char=re.compile(f"[{hanp}]"),
        terminal=tuple(terminal),
        terminal_marks=tuple(t["terminal"]),
        space_around_fw=re.compile(f" (?:(?=[{fw_punct}])|(?<=[{fw_punct}] ))"),
        paragraph_break=_paragraph_break(t, han, f" {t['spaces']}"),
        paragraph_break_plain=_paragraph_break(t, han, " "),
        blank_lines=re.compile(r"\n\n[\n]*"),
        list_number_bare=re.compile(rf"\n{list_number_bare}"),
        list_number_marked=re.compile(rf"\n{list_number_marked}"),
        hard_wrap=re.compile(rf"\n{hard_wrap}"),
        line_join=re.compile(rf"\n(?:{line_join})"),
        blank_or_join=re.compile(rf"\n(?:\n|{line_join})"),
        url=re.compile(r"(?:https?|ftp)://[!-~]*[A-Za-z0-9/#=&_%+~-]|www\.[A-Za-z0-9-]+\.[!-~]*[A-Za-z0-9/#=&_%+~-]"),
        han=re.compile(f"[{han}]"),
        paren_map=t["parens"],
    )


def _class_chars(body: str) -> tuple[str, ...]:
    """The characters of a table's class body (plain characters and `a-z` ranges)."""
    out: list[str] = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            out.extend(chr(c) for c in range(ord(body[i]), ord(body[i + 2]) + 1))
            i += 3
        else:
            out.append(body[i])
            i += 1
    return tuple(out)


def _paragraph_break(t: dict, han: str, sp: str, first: str | None = None) -> re.Pattern[str]:
    # Spaces after a sentence end (`。`, or `?`/`!` right after a Han character), possibly
    # behind up to two closing quotes/brackets. The pattern starts with the space class, so
    # the engine only stops at spaces, which are rare in Chinese text. `sp` is the space
    # class body. With `first`, only runs starting with that one space character: the
    # pattern starts with a literal, which the engine finds several times faster than a
    # class (with `sp` a single plain space, the same holds for every run).
    cl = t["closers"]
    lead = f"[{sp}]" if first is None else re.escape(first)
    ends = [f"[{t['sentence_end']}]", f"[{han}][?!]"]
    behind = "|".join(f"(?<={e}{c}{lead})" for e in ends for c in ("", f"[{cl}]", f"[{cl}]{{2}}"))
    return re.compile(f"{lead}(?:{behind})[{sp}]*(?=\\S)")


@lru_cache(maxsize=None)
def _paragraph_break_from(first: str) -> re.Pattern[str]:
    t = table()
    return _paragraph_break(t, t["han"], f" {t['spaces']}", first)


def normalize_zh(text: str) -> TextEdit:
    """Normalize punctuation and whitespace of Chinese text (see the module doc)."""
    r = _rules()
    before = text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Zero-width characters go and other spaces (NBSP, U+3000…) become plain ones: a pure
    # character map, done with one str.replace per kind present (C speed). One class scan
    # finds the kinds in turn, resuming where the last one was found; most texts hold none,
    # and a one-character test per kind (22 of them) costs twice that scan.
    if ZWJ in text:
        text = r.stray_zwj.sub("", text)
    m = r.mapped_chars.search(text)
    while m is not None:
        c = m.group()
        text = text.replace(c, "" if c in r.zero_width_chars else " ")
        m = r.mapped_chars.search(text, m.start())
    # Each step is skipped when a one-character test shows it has nothing to do (a
    # one-character `in` is a memchr; a two-character one costs about as much as the
    # literal-first substitution itself).
    if " " in text:
        text = r.space_before_newline.sub("\n", text)
        text = r.space_after_newline.sub("\n", text)
        text = r.space_runs.sub(" ", text)
    text = text.strip(" \n")
    # Line structure first (paragraph breaks, blank lines, rejoined list numbers and
    # wrapped lines), then punctuation: a join can create new punctuation context, while
    # punctuation never changes where lines break. This order makes the whole idempotent.
    if " " in text:  # all spaces are plain spaces by now
        text = r.paragraph_break_plain.sub("\n", text)
    # One scan rules out blank lines and line joins together (a two-character `in` test
    # would cost about as much as that scan). The first line is checked apart (`_rejoin`).
    if r.blank_or_join.search(text) is not None or r.line_join.match("\n" + text[:8]) is not None:
        text = r.blank_lines.sub("\n", text)
        text = _rejoin(text)
    text = _punctuation(text)
    if " " in text:
        text = r.space_around_fw.sub("", text)
    return TextEdit(text, chars_changed=changed_span(before, text))


def split_paragraphs(text: str, other_spaces: bool | str = True) -> str:
    """Start a new line where a sentence ends and spaces follow (`…作用。 转变…`): pages that
    lost their line breaks keep the paragraphs apart with spaces. Shared with the boilerplate
    line stage, so that both see the same lines and cleaning twice changes nothing.

    `other_spaces=False` promises that `text` holds no space but U+0020 (no NBSP, U+3000,
    tab…): the same result from a pattern that starts with a literal, several times faster.
    A string names the other spaces `text` holds (`"\\xa0"`): one literal-first pass per
    kind, for each run starts with one kind (its first character decides), and a run
    changed to a line break neither starts nor ends another."""
    r = _rules()
    if isinstance(other_spaces, str):
        for first in " " + other_spaces:
            text = _paragraph_break_from(first).sub("\n", text)
        return text
    return (r.paragraph_break if other_spaces else r.paragraph_break_plain).sub("\n", text)


def space_characters() -> tuple[str, ...]:
    """The characters normalized to a plain space (NBSP, U+3000, tab…), from the table."""
    return _rules().space_chars


def punctuation(text: str) -> str:
    """The punctuation steps of `normalize_zh` alone (ASCII marks and brackets to full width
    in Chinese context): one character for one, so positions stay (`cleanse.script.reread`
    reads text as normalize_zh will write it)."""
    return _punctuation(text)


def _punctuation(text: str) -> str:
    r = _rules()
    # (Literal-first scans, gated by a memchr: a multi-character `in` is slower.)
    if ("/" in text and _SCHEME.search(text)) or ("w" in text and _WWW.search(text)):
        # URLs keep their ASCII punctuation: convert only the text between them.
        pieces = []
        pos = 0
        for m in r.url.finditer(text):
            pieces.append(_punctuation_plain(text[pos : m.start()]))
            pieces.append(m.group())
            pos = m.end()
        pieces.append(_punctuation_plain(text[pos:]))
        return "".join(pieces)
    return _punctuation_plain(text)


def _punctuation_plain(text: str) -> str:
    r = _rules()
    while True:  # ends: every round converts at least one ASCII mark, or stops
        before = text
        if "(" in text or ")" in text:
            text = _parens(text)
        present = [k for k, mark in enumerate(r.context_marks) if mark in text]
        remaining = r.terminal_marks + r.context_marks  # the ASCII marks that may be left
        if all(r.run_or_out_of_context[k].search(text) is None for k in present):
            # No run, and every mark beside Chinese: all convert, by str.replace (C speed).
            # (A mark in context stays so as others convert: full-width marks are context.)
            for k in present:
                text = text.replace(r.context_marks[k], r.in_context[k][1])
            remaining = r.terminal_marks
        else:
            if any(m in text and rx.search(text) for m, rx in _RUN_STARTS):
                text = _MARK_RUN.sub(_convert_run, text)
            for (rx, fw), other, mark in zip(r.in_context, r.out_of_context, r.context_marks):
                if mark in text:
                    text = text.replace(mark, fw) if other.search(text) is None else rx.sub(fw, text)
        for (rx, fw), mark in zip(r.terminal, r.terminal_marks):
            if mark in text:
                text = rx.sub(fw, text)
        # A conversion can put Chinese context next to another ASCII mark (`中:,`): go again
        # until nothing changes, so one call reaches the same fixed point as two.
        if text == before or not _may_convert_again(text, remaining):
            break
    return text


def _may_convert_again(text: str, marks: tuple[str, ...]) -> bool:
    """Whether another round could convert anything. A round converts ASCII marks to
    ，：；？！（）; a mark left unconverted decides on the characters within two of it
    (through one space), and `_parens` reaches its own fixed point and looks only at Han
    characters and brackets. So a further round can change something only if a remaining
    ASCII mark has one of those full-width marks within two characters. `marks`: the ASCII
    marks the text may still hold (a one-character test for an absent one scans it all)."""
    return any(m in text and _NEAR_FULL_WIDTH[m].search(text) for m in marks)


def _convert_run(m: re.Match[str]) -> str:
    # A run like `:::` or `,;` next to Chinese converts as a whole (a per-character
    # look-behind would only see the first mark's context).
    s = m.string
    i, j = m.start() - 1, m.end()
    if i >= 0 and s[i] == " ":
        i -= 1
    if j < len(s) and s[j] == " ":
        j += 1
    hanp = _rules().hanp_char
    if (i >= 0 and hanp.match(s, i)) or (j < len(s) and hanp.match(s, j)):
        return m.group().translate(_rules().context_table)
    return m.group()


def _parens(text: str) -> str:
    # One pass reaches the fixed point: every form matches two consecutive bracket
    # characters of a line (the content holds none of `()（）`), such pairs are disjoint, a
    # conversion turns both of its pair full width, and what decides a pair (Han inside or
    # beside it, its length, which side is already full width) no other conversion
    # changes. So a nested outer pair, whose content holds the inner one, never converts,
    # now or in a later round; and the forms can be tried together, in one scan.
    r = _rules()
    # Skip a scan when its two bracket characters are not both present.
    if "(" in text and (")" in text or "）" in text):
        text = _convert_pairs(r.parens_ascii_open, text)
    if "（" in text and ")" in text:
        text = _convert_pairs(r.parens_fw_open, text)
    return text


def _convert_pairs(rx: re.Pattern[str], text: str) -> str:
    # `rx` captures (opening bracket, content, closing bracket), so `split` yields
    # [text, open, content, close, text, …]: setting every open and close piece by slice
    # assignment converts all pairs in C, where a `\\1` template substitution costs a
    # Python call per match (web pages hold thousands of brackets).
    pieces = rx.split(text)
    n = len(pieces) // 4
    if not n:
        return text
    pieces[1::4] = ["（"] * n
    pieces[3::4] = ["）"] * n
    return "".join(pieces)


def _rejoin(text: str) -> str:
    r = _rules()
    # The passes below see the text behind a line break, so that the first line is like the
    # others. That break can only start a list-number join (a wrap join needs a Han
    # character before it), which lies within the text's first 8 characters.
    if r.line_join.search(text) is None and r.line_join.match("\n" + text[:8]) is None:
        return text
    text = "\n" + text
    text = r.list_number_bare.sub("\n\\1", text)
    text = r.list_number_marked.sub("\n\\1", text)
    for _ in range(64):  # a wrapped paragraph may span several lines
        new = r.hard_wrap.sub("", text)
        if new == text:
            break
        text = new
    return text[1:]


class NormalizeZhStage(TextStage):
    """Punctuation to full width in Chinese context, whitespace, one paragraph per line."""

    name = "normalize_zh"
    version = "2"  # 2: a ZWJ inside an emoji sequence is kept

    def setup(self) -> None:
        _rules()

    def config(self) -> dict[str, object]:
        return {"table": data_digest(TABLE_PATH)}

    def transform(self, text: str) -> TextEdit:
        return normalize_zh(text)


