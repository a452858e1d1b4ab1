"""HTML page -> main-content text, with the title and header metadata moved to `title`/`meta`.

The DOM work is done by resiliparse (`extract_plain_text(main_content=True)`: block
structure kept, one list item and one table row per line, navigation/footer/sidebar
elements skipped by its class and role heuristics). Measured against trafilatura on 69
real Chinese pages with hand-made gold (benchmarks/eval_extraction.py, README
"Dependencies"): the same F1 alone, at about 15x the speed. cleanse adds three generic
steps on top, each recorded in `removed`:

1. Ruby annotations: `<rt>`/`<rp>` are dropped before extraction, so `<ruby>创<rp>(</rp>
   <rt>chuàng</rt><rp>)</rp></ruby>` keeps its base text `创`.
2. Link density per line: anchor text is fenced with two private-use sentinels before
   extraction, so every extracted line knows how much of it was link text. A line that is
   mostly links (`首页 | 时政 | 国际`, related-article lists, pagination) is dropped
   (`extract.link_line`). Should that drop nearly everything (a page that is one big link),
   nothing is dropped.
3. The title: `<h1>` when it agrees with `<title>`, else the longest part of `<title>` split
   at its site-name separators. Lines repeating it are dropped (`extract.title`), and when
   the headline line is found in the first half of the text, the lines before it (site
   banner, breadcrumbs) are dropped too (`extract.before_title`).

Date, author and publisher from `<meta>` tags go to `meta`. Thresholds, separators and meta
names are data: `rules/html.json`.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

from cleanse.stage import TextEdit, data_digest

LINK_OPEN, LINK_CLOSE, PAD = "\ue000", "\ue001", "\ue002"
_SENTINELS = str.maketrans("", "", LINK_OPEN + LINK_CLOSE + PAD)
_SPACE = re.compile(r"\s+")
_ANCHOR_OPEN = re.compile(r"<a(?:\s[^<>]*)?>", re.I)
_ANCHOR_CLOSE = re.compile(r"</a\s*>", re.I)
_ONE_CHAR_NODE = re.compile(r"(?<=>)[^\s<>&]\s*(?=<)|(?<=>)\s+[^\s<>&]\s*(?=<)")
# A page starts, after a BOM, comments, an XML declaration and a doctype, with one of the
# elements pages really start with (crawled pages often lack <html> and begin at <table>,
# <div>, <script> or <form>).
_HTML_START = re.compile(
    r"\A\ufeff?\s*(?:(?:<!--.*?-->|<\?xml[^>]*>)\s*)*(?:<!doctype\s+html\b|"
    r"<(?:html|head|body|meta|title|link|base|script|style|noscript|div|table|form|center|frameset"
    r"|iframe|span|font|p|h[1-6]|ul|img|a)[\s>/])",
    re.I | re.S,
)
_CLOSING_TAG = re.compile(r"</[A-Za-z][A-Za-z0-9]*\s*>")


def is_html(text: str) -> bool:
    """A whole HTML page (or a page's body without <html>): it starts with an HTML element,
    after a BOM, comments, an XML declaration, a doctype, and has closing tags. Text with
    tag fragments in the middle is not a page (the html_residue stage handles those)."""
    head = text[:8192]
    return bool(_HTML_START.match(head)) and len(_CLOSING_TAG.findall(head, 0, 8192)) >= 2


@dataclass(frozen=True, slots=True)
class _Rules:
    max_link_share: float
    min_kept_share: float
    max_before_title_share: float
    separators: re.Pattern[str]
    dropped_selector: str
    meta_field: dict[str, str]  # lower-cased <meta> name/property -> field


RULES_PATH = os.path.join(os.path.dirname(__file__), "rules", "html.json")


def rules_digest() -> str:
    """Content hash of the rule table: part of the stage's config."""
    return data_digest(RULES_PATH)


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    with open(RULES_PATH, encoding="utf-8") as f:
        t = json.load(f)
    seps = sorted(t["title_separators"], key=len, reverse=True)
    meta_field = {name: field for field, names in t["meta_fields"].items() for name in names}
    return _Rules(
        max_link_share=float(t["max_link_share"]),
        min_kept_share=float(t["min_kept_share"]),
        max_before_title_share=float(t["max_before_title_share"]),
        separators=re.compile("|".join(re.escape(s) for s in seps)),
        dropped_selector=", ".join(t["dropped_elements"]),
        meta_field=meta_field,
    )


def _squash(s: str) -> str:
    return _SPACE.sub("", s)


def _page_meta(tree: HTMLTree, rules: _Rules) -> dict[str, str]:
    meta: dict[str, str] = {}
    head = tree.head
    if head is None:
        return meta
    for el in head.query_selector_all("meta[content]"):
        key = (el.getattr("property") or el.getattr("name") or el.getattr("itemprop") or "").strip().lower()
        field = rules.meta_field.get(key)
        value = _SPACE.sub(" ", el.getattr("content") or "").strip()
        if field and value and field not in meta and len(value) <= 200:
            meta[field] = value
    return meta


def _title(tree: HTMLTree, rules: _Rules) -> tuple[str | None, str | None]:
    """(the headline, the whole <title> text)."""
    title_tag = _SPACE.sub(" ", (tree.title or "").translate(_SENTINELS)).strip() or None
    h1s = [_SPACE.sub(" ", h.text.translate(_SENTINELS)).strip() for h in tree.document.query_selector_all("h1")]
    h1s = [h for h in h1s if h]
    if title_tag:
        squashed = _squash(title_tag)
        for h in h1s:
            if len(_squash(h)) >= 2 and _squash(h) in squashed:
                return h, title_tag
        parts = [p.strip() for p in rules.separators.split(title_tag) if p.strip()]
        return (max(parts, key=len) if parts else title_tag), title_tag
    return (h1s[0] if h1s else None), None


def extract_main(html: str) -> TextEdit:
    """The main content of one HTML page as text, one block / list item / table row per line."""
    rules = _rules()
    if LINK_OPEN in html or LINK_CLOSE in html or PAD in html:
        html = html.translate(_SENTINELS)
    # Anchors are fenced in the markup itself: setting the text of parsed <a> nodes costs
    # resiliparse milliseconds per node (24 s on a 1,649-link Wikipedia page), a regex
    # over the string costs nothing. An unclosed <a> leaves the rest of its line as link text.
    html = _ANCHOR_CLOSE.sub(LINK_CLOSE + r"\g<0>", _ANCHOR_OPEN.sub(r"\g<0>" + LINK_OPEN, html))
    # resiliparse's main-content mode drops text nodes of one character: harmless in English,
    # but in Chinese that is a word (`<b>我</b>`, a ruby base `<ruby>创<rt>…`, `短<i>句</i>`).
    # Such nodes are fenced with PAD in the markup (a walk over the parsed nodes in Python
    # cost 8 ms per page, this regex well under 1 ms).
    html = _ONE_CHAR_NODE.sub(PAD + r"\g<0>" + PAD, html)
    tree = HTMLTree.parse(html)
    removed: list[tuple[str, str]] = []
    for el in tree.document.query_selector_all(rules.dropped_selector):
        if el.tag in ("rt", "rp"):
            removed.append(("extract.ruby", el.text.translate(_SENTINELS)))
        if el.parent is not None:
            el.parent.remove_child(el)
    title, title_tag = _title(tree, rules)
    meta = _page_meta(tree, rules)
    if tree.body is not None:
        _keep_text_lists(tree)
    raw = extract_plain_text(tree, main_content=True, list_bullets=False, alt_texts=False, preserve_formatting=True)
    lines = [ln.strip() for ln in raw.split("\n")]
    lines = _drop_link_lines(lines, rules, removed)
    lines = _drop_title_lines(lines, title, title_tag, rules, removed)
    text = "\n".join(ln for ln in lines if ln)
    return TextEdit(text, removed=removed, title=title, meta=meta)


def _keep_text_lists(tree: HTMLTree) -> None:
    """resiliparse's main-content mode drops every <ul> (its heuristic for menus). A <ul>
    without links is a list of content: it becomes an <ol>, which is kept, one item per
    line. (Lists of links would go anyway, by link density, but on the benchmark pages
    keeping them costs precision: their non-link residue, such as dates, stays.)"""
    for ul in tree.body.query_selector_all("ul"):
        if ul.query_selector("a") is not None or ul.parent is None:
            continue
        ol = tree.create_element("ol")
        while ul.first_child is not None:
            ol.append_child(ul.remove_child(ul.first_child))
        ul.parent.replace_child(ol, ul)


def _link_share(line: str) -> float:
    inside, n_link, n_all = False, 0, 0
    for ch in line:
        if ch == LINK_OPEN:
            inside = True
        elif ch == LINK_CLOSE:
            inside = False
        elif ch != PAD and not ch.isspace():
            n_all += 1
            n_link += inside
    return n_link / n_all if n_all else 0.0


def _drop_link_lines(lines: list[str], rules: _Rules, removed: list[tuple[str, str]]) -> list[str]:
    plain = [ln.translate(_SENTINELS) for ln in lines]
    if not any(LINK_OPEN in ln for ln in lines):
        return plain
    keep = [not ln or LINK_OPEN not in ln or _link_share(ln) <= rules.max_link_share for ln in lines]
    total = sum(len(p) for p in plain)
    kept = sum(len(p) for p, k in zip(plain, keep) if k)
    if total and kept / total < rules.min_kept_share:
        return plain
    out = []
    for p, k in zip(plain, keep):
        if k:
            out.append(p)
        elif p:
            removed.append(("extract.link_line", p))
    return out


def _drop_title_lines(
    lines: list[str], title: str | None, title_tag: str | None, rules: _Rules, removed: list[tuple[str, str]]
) -> list[str]:
    targets = {_squash(t) for t in (title, title_tag) if t}
    targets.discard("")
    if not targets:
        return lines
    hits = [i for i, ln in enumerate(lines) if ln and _squash(ln) in targets]
    if not hits:
        return lines
    total = sum(len(ln) for ln in lines) or 1
    start = 0
    headline = next((i for i in hits if title and _squash(lines[i]) == _squash(title)), None)
    if headline is not None and sum(len(ln) for ln in lines[:headline]) / total <= rules.max_before_title_share:
        start = headline
        for ln in lines[:headline]:
            if ln and _squash(ln) not in targets:
                removed.append(("extract.before_title", ln))
    hit_set = set(hits)
    out = []
    for i, ln in enumerate(lines):
        if i in hit_set:
            removed.append(("extract.title", ln))
        elif i >= start:
            out.append(ln)
    return out
