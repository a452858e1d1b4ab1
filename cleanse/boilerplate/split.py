"""Article splitting: a page holding several articles (【篇一】【篇二】…) becomes one
document per article, each with its segment index and its exact byte range in the source.

Runs right after decoding, on the decoded source-script text, so that character positions
map exactly to source bytes (`cleanse.decoding.byte_offsets`). The marker line itself is
not part of any article: it is recorded in `removed`, and a title written on it
(【篇二】2013年工作总结, 【篇四：…】) becomes the article's `title`.

Markers count only as a sequence numbered 1, 2, 3, … in order: a stray 【第三篇】 inside
one article does not cut it. Text before the first marker, if any, is kept as its own
segment (segment 0), so the segments tile the source and nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from cleanse.boilerplate.headings import _marker_regexes, is_heading, parse_numeral
from cleanse.boilerplate.rules import table_digest
from cleanse.decoding import byte_offsets
from cleanse.document import Document, Removal
from cleanse.stage import Stage


@dataclass(frozen=True, slots=True)
class Marker:
    start: int  # character offset of the marker line
    end: int  # offset where the article text begins (after the marker, or after its line)
    number: int
    line: str  # the marker text removed from the article
    title: str | None


_MARKER_CHARS = ("篇", "範", "范", "例文")  # every marker form holds one of these


def _candidate_line_starts(text: str) -> list[int]:
    """First non-space position of every line holding a marker character, in order. Found
    with str.find (C speed); the marker patterns (class-first) then run on these lines only."""
    lines: set[int] = set()
    for ch in _MARKER_CHARS:
        i = text.find(ch)
        while i >= 0:
            ls = text.rfind("\n", 0, i) + 1
            lines.add(ls)
            le = text.find("\n", i)
            if le < 0:
                break
            i = text.find(ch, le)
    starts = []
    for ls in sorted(lines):
        if not text[ls : ls + 1].isspace():  # the usual case: nothing to skip
            starts.append(ls)
            continue
        le = text.find("\n", ls)
        line = text[ls : le if le >= 0 else len(text)]
        starts.append(ls + len(line) - len(line.lstrip()))
    return starts


def find_markers(text: str) -> list[Marker]:
    """Article markers of `text` forming the sequence 1..k (empty if there is none)."""
    # Cheap exit: every marker form contains one of these characters.
    if "篇" not in text and "範" not in text and "范" not in text and "例文" not in text:
        return []
    found: dict[int, Marker] = {}
    regexes = _marker_regexes()
    for start in _candidate_line_starts(text):
        # Markers start their line: only spaces may precede them. Each pattern is tried at
        # the line's first non-space character (a pattern never matches across a line, so
        # this finds what a scan of the whole text accepts).
        for rx in regexes:
            m = rx.match(text, start)
            if m is None:
                continue
            groups = m.groupdict()
            raw_num = next((groups[k] for k in ("n1", "n2", "n3") if groups.get(k)), None)
            number = parse_numeral(raw_num) if raw_num else None
            if number is None or m.start() in found:
                continue
            rest = (groups.get("rest") or "").strip()
            title = (groups.get("title") or "").strip() or None
            line_end = m.end() + 1 if m.end() < len(text) else m.end()
            if rest and not is_heading(rest):
                # Content glued to the marker: the article starts right after the marker.
                start_rest = m.start("rest") + (len(groups["rest"]) - len(groups["rest"].lstrip()))
                found[m.start()] = Marker(m.start(), start_rest, number, text[m.start() : start_rest].strip(), title)
            else:
                found[m.start()] = Marker(m.start(), line_end, number, text[m.start() : m.end()].strip(), title or rest or None)
    markers = [found[k] for k in sorted(found)]
    # Keep the longest prefix numbered 1, 2, 3, ...: anything else is not an article list.
    seq: list[Marker] = []
    for mk in markers:
        if mk.number == len(seq) + 1:
            seq.append(mk)
    return seq


@dataclass(frozen=True, slots=True)
class ArticleSpan:
    start: int
    end: int
    marker: Marker | None  # None for the text before the first marker


def article_spans(text: str) -> list[ArticleSpan]:
    """Character spans of the articles in `text` ([] when there are no markers)."""
    markers = find_markers(text)
    if not markers:
        return []
    spans: list[ArticleSpan] = []
    if text[: markers[0].start].strip():
        spans.append(ArticleSpan(0, markers[0].start, None))
    for i, mk in enumerate(markers):
        end = markers[i + 1].start if i + 1 < len(markers) else len(text)
        spans.append(ArticleSpan(mk.end, max(mk.end, end), mk))
    return spans


class SplitArticlesStage(Stage):
    """One document per 【篇N】 article, with byte ranges."""

    name = "split_articles"
    version = "1"

    def setup(self) -> None:
        _marker_regexes()

    def config(self) -> dict[str, object]:
        return {"rules": table_digest("articles.json")}

    def process(self, doc: Document) -> Document | list[Document]:
        spans = article_spans(doc.text)
        if not spans:
            self.record(doc, 0)
            return doc
        offsets = byte_offsets(doc, [p for s in spans for p in (s.start, s.end)])
        out: list[Document] = []
        for i, span in enumerate(spans):
            part = doc.segment_copy(doc.text[span.start : span.end], offsets[2 * i], offsets[2 * i + 1])
            changed = 0
            if span.marker is not None:
                part.removed.append(Removal(self.name, "split.marker", span.marker.line))
                changed = len(span.marker.line)
                if span.marker.title:
                    part.title = span.marker.title
            self.record(part, changed)
            out.append(part)
        return out

