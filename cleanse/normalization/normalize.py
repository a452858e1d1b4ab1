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

from cleanse.stage import TextEdit, TextStage

TABLE_PATH = os.path.join(os.path.dirname(__file__), "punctuation.json")


@dataclass(frozen=True, slots=True)
class _Rules:
    zero_width: re.Pattern[str]
    spaces: re.Pattern[str]
    line_edges: re.Pattern[str]
    space_runs: re.Pattern[str]
    parens: tuple[re.Pattern[str], ...]
    han_before_after: re.Pattern[str]
    in_context: tuple[tuple[re.Pattern[str], str], ...]
    terminal: tuple[tuple[re.Pattern[str], str], ...]
    adjacent_ascii: re.Pattern[str]
    space_around_fw: re.Pattern[str]
    paragraph_break: tuple[re.Pattern[str], ...]
    blank_lines: re.Pattern[str]
    list_number_bare: re.Pattern[str]
    list_number_marked: re.Pattern[str]
    hard_wrap: re.Pattern[str]
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
    ascii_ctx = "".join(t["in_han_context"])
    ascii_all = re.escape(ascii_ctx + "".join(t["terminal"]))
    fw_all = "".join(t["in_han_context"].values()) + "".join(t["terminal"].values()) + "（）"
    in_context = []
    for a, fw in t["in_han_context"].items():
        e = re.escape(a)
        # Literal first so the regex engine can skip to candidates; the context is checked
        # by a look-behind over the character before and a look-ahead over the one after.
        # One space between the mark and its context is seen through (`中文 , 中文`); the
        # space itself goes in the later space-around-full-width step.
        in_context.append((re.compile(rf"{e}(?:(?<=[{hanp}]{e})|(?<=[{hanp}] {e})|(?= ?[{hanp}]))"), fw))
    closers = re.escape(t["after_terminal"])
    particles = t["question_particles"]
    terminal = []
    for a, fw in t["terminal"].items():
        e = re.escape(a)
        alt = rf"|(?<=[{particles}]{e})" if a == "?" else ""
        terminal.append((re.compile(rf"{e}(?:(?<=[{han}]{e})(?=[\s{closers}]|\Z){alt})"), fw))
    num = r"(?:\d{1,3}|[一二三四五六七八九十]{1,3})"
    wrap_min = int(t["hard_wrap_min_line"])
    fw_punct = t["cjk_punct"]  # a class body with ranges: not escaped
    return _Rules(
        zero_width=re.compile(f"[{t['zero_width']}]"),
        spaces=re.compile(f"[{t['spaces']}]"),
        line_edges=re.compile(r" *\n *"),
        space_runs=re.compile(r" {2,}"),
        parens=(
            re.compile(r"\(([^()（）\n]{0,100})\)"),
            re.compile(r"\(([^()（）\n]{0,100})）"),
            re.compile(r"（([^()（）\n]{0,100})\)"),
        ),
        han_before_after=re.compile(f"[{han}]"),
        in_context=tuple(in_context),
        terminal=tuple(terminal),
        adjacent_ascii=re.compile(f"[{re.escape(fw_all)}] ?[{ascii_all}()]|[{ascii_all}()] ?[{re.escape(fw_all)}]"),
        space_around_fw=re.compile(f" (?=[{fw_punct}])|(?<=[{fw_punct}]) "),
        paragraph_break=(
            re.compile(f"([{t['sentence_end']}][{t['closers']}]*)[ {t['spaces']}]+(?=\\S)"),
            re.compile(f"([?!])(?<=[{han}][?!])([{t['closers']}]*)[ {t['spaces']}]+(?=\\S)"),
        ),
        blank_lines=re.compile(r"\n{2,}"),
        list_number_bare=re.compile(rf"\n({num})\n(?=[、.．])"),
        list_number_marked=re.compile(rf"\n({num}[、.．]|[（(]{num}[）)])\n(?=[{han}])"),
        hard_wrap=re.compile(
            rf"\n(?<=[^\n]{{{wrap_min}}}[{han}]\n)(?=[{han}])(?![一二三四五六七八九十]{{1,3}}[、是]|第[一二三四五六七八九十])"
        ),
        url=re.compile(r"(?:https?|ftp)://[!-~]*[A-Za-z0-9/#=&_%+~-]|www\.[A-Za-z0-9-]+\.[!-~]*[A-Za-z0-9/#=&_%+~-]"),
        han=re.compile(f"[{han}]"),
        paren_map=t["parens"],
    )


def normalize_zh(text: str) -> TextEdit:
    """Normalize punctuation and whitespace of Chinese text (see the module doc)."""
    r = _rules()
    before = text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = r.zero_width.sub("", text)
    text = r.spaces.sub(" ", text)
    text = r.line_edges.sub("\n", text)
    text = r.space_runs.sub(" ", text).strip(" \n")
    text = _punctuation(text)
    text = split_paragraphs(text)
    text = r.space_around_fw.sub("", text)
    text = r.blank_lines.sub("\n", text)
    text = _rejoin(text)
    return TextEdit(text) if text != before else TextEdit(text, chars_changed=0)


def split_paragraphs(text: str) -> str:
    """Start a new line where a sentence ends and spaces follow (`…作用。 转变…`): pages that
    lost their line breaks keep the paragraphs apart with spaces. Shared with the boilerplate
    line stage, so that both see the same lines and cleaning twice changes nothing."""
    a, b = _rules().paragraph_break
    text = a.sub("\\1\n", text)
    if "?" in text or "!" in text:
        text = b.sub("\\1\\2\n", text)
    return text


def _punctuation(text: str) -> str:
    r = _rules()
    if "://" in text or "www." in text:
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
    for _ in range(8):
        before = text
        if "(" in text or ")" in text:
            text = _parens(text)
        for rx, fw in r.in_context:
            text = rx.sub(fw, text)
        for rx, fw in r.terminal:
            text = rx.sub(fw, text)
        # A conversion can put Chinese context next to another ASCII mark (`中:,`): go again,
        # so one call reaches the same fixed point as two.
        if text == before or not r.adjacent_ascii.search(text):
            break
    return text


def _parens(text: str) -> str:
    r = _rules()
    han = r.han

    def fix(m: re.Match[str]) -> str:
        inner = m.group(1)
        s = m.string
        i, j = m.start() - 1, m.end()
        if i >= 0 and s[i] == " ":
            i -= 1
        if j < len(s) and s[j] == " ":
            j += 1
        near = (i >= 0 and han.match(s, i)) or (j < len(s) and han.match(s, j))
        if m.group().startswith("(") and m.group().endswith(")") and not (near or han.search(inner)):
            return m.group()
        return f"（{inner}）"

    for _ in range(8):  # nested pairs convert from the inside out
        new = text
        for rx in r.parens:
            new = rx.sub(fix, new)
        if new == text:
            break
        text = new
    return text


def _rejoin(text: str) -> str:
    r = _rules()
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
    """Slot 8: punctuation to full width in Chinese context, whitespace, one paragraph per line."""

    name = "normalize_zh"
    version = "1"

    def config(self) -> dict[str, object]:
        return {"table": _digest()}

    def transform(self, text: str) -> TextEdit:
        return normalize_zh(text)


@lru_cache(maxsize=1)
def _digest() -> str:
    import hashlib

    with open(TABLE_PATH, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]
