"""Leftover HTML in scraped text: tags, attribute fragments, comments, scripts and entities.

Tags and attribute fragments are deleted (recorded in `removed`); block-level tags become a
line break so paragraphs stay apart. Entities are decoded (recorded as repairs). Only known
tag names and quoted `name="value"` attribute shapes are touched, so `a<b` or `x>3` in
content survive. The tag and attribute lists are data: `rules/html.json`.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from cleanse.boilerplate.rules import load_table, table_digest
from cleanse.stage import TextEdit, TextStage

_ATTR_HINT = re.compile(r"""=\s*["']""")
# What `[A-Za-z_]` matches under re.IGNORECASE: the ASCII letters, `_`, and four letters
# that fold onto ASCII ones (İ ı ſ, and the Kelvin sign). Checked over all code points by
# tests/boilerplate/test_rules.py.
NAME_START_IGNORECASE = "A-Za-z_\u0130\u0131\u017f\u212a"
_ATTR = r"""[A-Za-z_][-\w:.]*\s*=\s*(?:"[^"\n<>]{0,200}"|'[^'\n<>]{0,200}')"""


class _HtmlRules:
    def __init__(self) -> None:
        t = load_table("html.json")
        block = "|".join(re.escape(n) for n in sorted(t["block_tags"], key=len, reverse=True))
        inline = "|".join(re.escape(n) for n in sorted(t["inline_tags"], key=len, reverse=True))
        dropped = "|".join(re.escape(n) for n in t["dropped_with_content"])
        # A tag is `<name>`, `</name>`, `<name/>` or `<name ...=...>`: requiring an `=` in a
        # non-empty body keeps prose such as `a<b and c>d` intact.
        body = r"""(?:[^<>"'=]|"[^"<>]*"|'[^'<>]*'){0,500}=(?:[^<>"']|"[^"<>]*"|'[^'<>]*'){0,500}"""
        self.dropped = re.compile(rf"<({dropped})\b[^>]*>.*?</\1\s*>", re.I | re.S)
        self.comment = re.compile(r"<!--.*?-->", re.S)
        self.block_tag = re.compile(rf"</?(?:{block})(?:\s*/?|\s{body})>", re.I)
        self.inline_tag = re.compile(rf"</?(?:{inline})(?:\s*/?|\s{body})>", re.I)
        # An attribute list whose tag opening was lost: `value="4" unitname="”">`. It needs a
        # closing `>`, or two attributes, or one well-known attribute name, to count.
        # The first name character is matched first (a class the engine can skip to), then a
        # look-behind makes sure it starts a word. The class is matched case-sensitively:
        # under IGNORECASE the engine cannot skip to a cased class and tries the whole
        # pattern at every position. It lists what `[A-Za-z_]` matches ignoring case.
        first = rf"(?-i:[{NAME_START_IGNORECASE}])(?<![-\w.][A-Za-z_])"
        tail = _ATTR[len("[A-Za-z_]"):]
        known_tail = "|".join(f"(?<={re.escape(n[0])}){re.escape(n[1:])}" for n in t["known_attributes"])
        self.attr_fragment = re.compile(
            rf"""{first}(?:{tail}\s*(?:{_ATTR}\s*)*/?>"""
            rf"""|{tail}(?:\s*{_ATTR})+"""
            rf"""|(?:{known_tail})\s*=\s*(?:"[^"\n<>]{{0,200}}"|'[^'\n<>]{{0,200}}'))""",
            re.I,
        )
        bare = "|".join(t["entities_without_semicolon"])
        self.entity = re.compile(rf"&(?:#[0-9]{{1,7}};|#[xX][0-9a-fA-F]{{1,6}};|[A-Za-z][A-Za-z0-9]{{1,31}};|(?:{bare})(?![A-Za-z0-9;]))")


@lru_cache(maxsize=1)
def _rules() -> _HtmlRules:
    return _HtmlRules()


# The fast exit looks for its three characters block by block, so that the three searches
# read each block of a long text from the CPU cache, not the whole text from memory three
# times. `bench_adversarial --stages html_residue` on texts without them, whole-text searches
# against blocks in alternating runs at load 6-9: exponent from 10^5 to 10^6 characters
# 1.08-1.24 -> 1.00-1.11 (at 0.1-0.2 ns/char; docs/operations.md).
SCAN_BLOCK = 1 << 16


def may_hold_html(text: str) -> bool:
    """Whether `text` holds `<`, `&` or `=`: nothing the stage changes matches without one."""
    for a in range(0, len(text), SCAN_BLOCK):
        b = a + SCAN_BLOCK
        if text.find("<", a, b) >= 0 or text.find("&", a, b) >= 0 or text.find("=", a, b) >= 0:
            return True
    return False


def strip_html_residue(text: str) -> TextEdit:
    """Decode entities and delete leftover tags, comments, scripts and attribute fragments."""
    if not may_hold_html(text):  # the fast exit
        return TextEdit(text, chars_changed=0)
    repairs: list[tuple[str, str, str, int]] = []
    removed: list[tuple[str, str]] = []
    changed = 0
    # Repeat until nothing changes: removing a tag can complete an entity or another tag
    # (`&am<b>p;`, `<<p>p>`), and running the stage twice must change nothing.
    for _ in range(8):
        text, n = _one_pass(text, repairs, removed)
        if n == 0:
            break
        changed += n
    return TextEdit(text, repairs=repairs, removed=removed, chars_changed=changed)


def _one_pass(
    text: str, repairs: list[tuple[str, str, str, int]], removed: list[tuple[str, str]]
) -> tuple[str, int]:
    r = _rules()
    changed = 0

    if "&" in text:
        # Loop: `&amp;nbsp;` decodes in two steps, and a second run must find nothing left.
        for _ in range(4):
            out: list[str] = []
            pos = 0
            for m in r.entity.finditer(text):
                ent = m.group()
                dec = html.unescape(ent if ent.endswith(";") else ent + ";")
                if dec == ent or dec == ent + ";":
                    continue  # not a known entity: leave it
                out.append(text[pos : m.start()])
                out.append(dec)
                repairs.append(("html_entity", ent, dec, m.start()))
                changed += len(ent)
                pos = m.end()
            if not out:
                break
            out.append(text[pos:])
            text = "".join(out)

    def cut(regex: re.Pattern[str], reason: str, repl: str = "") -> None:
        nonlocal text, changed
        pieces: list[str] = []
        pos = 0
        for m in regex.finditer(text):
            pieces.append(text[pos : m.start()])
            pieces.append(repl)
            removed.append((reason, m.group()))
            changed += len(m.group())
            pos = m.end()
        if pieces:
            pieces.append(text[pos:])
            text = "".join(pieces)

    if "<" in text:
        cut(r.dropped, "html.script")
        cut(r.comment, "html.comment")
        cut(r.block_tag, "html.tag", "\n")
        cut(r.inline_tag, "html.tag")
    # The fragment regex cannot start with a literal; find a quoted `=` cheaply first.
    if "=" in text and _ATTR_HINT.search(text):
        cut(r.attr_fragment, "html.attributes")
    return text, changed


class HtmlResidueStage(TextStage):
    """HTML tags, comments and entities left in the text; runs before the line rules look at lines."""

    name = "html_residue"
    version = "1"

    def setup(self) -> None:
        _rules()

    def config(self) -> dict[str, object]:
        return {"rules": table_digest("html.json")}

    def transform(self, text: str) -> TextEdit:
        return strip_html_residue(text)
