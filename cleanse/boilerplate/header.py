"""Header and footer metadata: title, date, publisher, author, views, summary.

Only the head of a document is searched for a header block (and its last lines for a
labelled footer). The title is the first line when the page evidently has one: a heading
line (short, no sentence punctuation inside or at its end, not a date, label or article
marker) followed by body text. By default it stays in the text (the text keeps the whole
document) and `title` holds a copy; `move_title=True` cuts it out. A title already known
(from an HTML <title>/<h1> or a previous pass) is kept, never replaced by another line, so a
second pass changes nothing in either mode. After the title, a run of header lines (labelled fields, a date with an optional publisher, a lone view count, a
summary such as 核心提示) is moved to `meta`. A run is taken only if it holds at least one
unambiguous header line, so a lone number or a `时间：…` line in a notice stays content.
Labels and patterns are data: `rules/header.json`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, islice

from cleanse.boilerplate.headings import is_heading, is_marker_line
from cleanse.boilerplate.rules import load_table, table_digest
from cleanse.boilerplate.variants import compile_rule, expand_pattern, literal_alternation, literal_spellings
from cleanse.document import Document
from cleanse.stage import StageOutput, TextEdit, TextStage

MAX_HEAD_LINES = 16  # non-blank lines examined after the title
MAX_TAIL_LINES = 6
MAX_HEADER_LINE = 200
MAX_SUMMARY_LINE = 600

_VIEWS = re.compile(r"(\d{1,3}(?:[,，]\d{3})+|\d*)\s*(?:次|人次)?")
_SENTENCE_PUNCT = re.compile(r"[，。；！？,;!?]")
_LONE_NUMBER = re.compile(r"^\d{1,7}$")
_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9]")


@dataclass(frozen=True, slots=True)
class _HeaderRules:
    label: re.Pattern[str]
    field_of: dict[str, str]  # label spelling (any script) -> field name
    weak: frozenset[str]  # weak label spellings (时间, 日期: ambiguous on their own)
    date: re.Pattern[str]
    date_line: re.Pattern[str]
    date_line_rev: re.Pattern[str]
    toolbar: re.Pattern[str]
    summary: re.Pattern[str]
    bylines: tuple[re.Pattern[str], ...]
    date_parts: re.Pattern[str]
    not_publisher: tuple[str, ...]  # a "publisher" ending so is a clause (…会议通过): content


@lru_cache(maxsize=1)
def _rules() -> _HeaderRules:
    t = load_table("header.json")
    field_of: dict[str, str] = {}
    weak: set[str] = set()
    for table, is_weak in ((t["fields"], False), (t["weak_fields"], True)):
        for field, labels in table.items():
            for lab in labels:
                for spelling in literal_spellings(lab):
                    field_of[spelling] = field
                    if is_weak:
                        weak.add(spelling)
    # The labels as a trie of all their script spellings: every alternative starts with a
    # literal, so the engine skips to candidate characters (a flat alternation of variant
    # classes is tried at every position). At one position both forms take the longest label
    # that a colon follows.
    label_re = re.compile(r"(?P<label>" + literal_alternation(field_of) + r")" + expand_pattern(r"\s*[:：]\s*"))
    date = t["date"]
    time = t["time"]
    # No quotation marks in a publisher: `日期 单位“` is a sentence being quoted, and whether
    # a space separates the mark decided it before (normalization removes that space).
    pub = r"[^\s，。,；;！？!?：:|｜“”‘’\"'「」『』]{2,30}(?:\s+[^\s，。,；;！？!?：:|｜“”‘’\"'「」『』]{2,30})?"
    date_line = compile_rule(
        rf"^[【\[(（]?\s*(?P<date>{date})(?:\s*(?P<time>{time}))?\s*[】\])）]?(?:\s+(?P<pub>{pub}))?$"
    )
    date_line_rev = compile_rule(rf"^(?P<pub>{pub})\s+(?P<date>{date})(?:\s*(?P<time>{time}))?$")
    summary = compile_rule(
        r"^[【\[]?(?:" + "|".join(map(re.escape, t["summary_labels"])) + r")[】\]]?\s*[:：]\s*(?P<s>.+)$"
    )
    return _HeaderRules(
        label=label_re,
        field_of=field_of,
        weak=frozenset(weak),
        date=compile_rule(date),
        date_line=date_line,
        date_line_rev=date_line_rev,
        toolbar=compile_rule(t["toolbar"]),
        summary=summary,
        bylines=tuple(compile_rule(p) for p in t["bylines"]),
        not_publisher=tuple(t["not_publisher_endings"]),
        date_parts=re.compile(r"(\d{4})\D{1,3}?(\d{1,2})\D{1,3}?(\d{1,2})(?:\D+?(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?)?"),
    )


def iso_date(raw: str) -> str:
    """`2008年3月28日 10:30` / `2008-03-28` -> `2008-03-28 10:30` / `2008-03-28`; else `raw`."""
    m = _rules().date_parts.search(raw)
    if m is None:
        return raw.strip()
    y, mo, d, hh, mm, ss = m.groups()
    if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31):
        return raw.strip()
    out = f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"
    if hh is not None:
        out += f" {int(hh):02d}:{int(mm):02d}" + (f":{int(ss):02d}" if ss else "")
    return out


def parse_labelled_line(line: str) -> dict[str, str] | None:
    """Fields of a header line made only of `label：value` items (and page tools), else None."""
    r = _rules()
    t = r.toolbar.sub(" ", line)
    ms = list(r.label.finditer(t))
    if not ms:
        return None
    fields: dict[str, str] = {}
    prefix = t[: ms[0].start()].strip(" \t\u00a0\u3000|｜/·")
    if prefix:
        dl = r.date_line.match(prefix)
        if dl is None or dl.group("pub"):
            return None
        fields["published"] = iso_date(prefix)
    strong = bool(prefix)
    for k, m in enumerate(ms):
        end = ms[k + 1].start() if k + 1 < len(ms) else len(t)
        value = t[m.end() : end].strip(" \t\u00a0\u3000|｜/·")
        spelling = m.group("label")
        field = r.field_of[spelling]
        if field == "views":
            # 1234, 1,234 (thousands separators), optionally with a counter word
            mv = _VIEWS.fullmatch(value)
            if mv is None:
                return None
            value = mv.group(1).replace(",", "").replace("，", "")
        elif len(value) > 40 or _SENTENCE_PUNCT.search(value):
            return None
        elif field == "published":
            if not r.date.search(value):
                return None
            value = iso_date(value)
        if spelling not in r.weak:
            strong = True
        if value:
            fields.setdefault(field, value)
    if not strong and len(ms) < 2:
        return None
    return fields


def parse_date_line(line: str) -> dict[str, str] | None:
    """`2008-03-28 洛阳市科技局` -> published (+ publisher); None if not such a line."""
    r = _rules()
    m = r.date_line.match(line) or r.date_line_rev.match(line)
    if m is None:
        return None
    fields = {"published": iso_date(m.group("date") + " " + (m.group("time") or ""))}
    pub = m.group("pub")
    if pub:
        if pub.isdigit() or pub.endswith(r.not_publisher):
            return None  # `2020年11月27日 上海市第十五届人民代表大会常务委员会第二十七次会议通过`
        fields["publisher"] = pub
    return fields


def _is_duplicate_summary(summary: str, body: str) -> bool:
    # Compare on letters only (punctuation and quotes differ between summary and body), by
    # the share of the summary's 4-character shingles that occur in the body's opening.
    s = "".join(_WORD.findall(summary[:300]))
    b = "".join(_WORD.findall(body[: 3 * len(summary) + 500]))
    if len(s) < 4:
        return False
    grams = {s[i : i + 4] for i in range(len(s) - 3)}
    hit = sum(1 for g in grams if g in b)
    return hit >= 0.6 * len(grams)


def _lines(text: str, start: int, limit: int) -> list[tuple[int, int]]:
    """(start, end) of up to `limit` lines from `start` (end excludes the newline)."""
    out = []
    pos = start
    n = len(text)
    while pos <= n and len(out) < limit:
        e = text.find("\n", pos)
        if e < 0:
            out.append((pos, n))
            break
        out.append((pos, e))
        pos = e + 1
    return out


def extract_header(text: str, move_title: bool = False, known_title: str | None = None) -> TextEdit:
    """Find the title and move the header block and labelled footer lines of `text` into
    title/meta. The title line stays in the text unless `move_title`; with `known_title`
    (the document already has a title) no other line becomes the title, and with
    `move_title` a first line equal to it is cut."""
    meta: dict[str, str] = {}
    removed: list[tuple[str, str]] = []
    cuts: list[tuple[int, int]] = []
    title: str | None = None
    # Lazily: the header loop usually stops after a line or two.
    lines = _iter_nonblank_lines(text, 0)
    first_span = next(lines, None)
    if first_span is None:
        return TextEdit(text, chars_changed=0)

    idx = 0
    first = text[first_span[0] : first_span[1]].strip()
    if known_title is not None:
        if first == known_title.strip():
            title = first
            idx = 1
    elif (
        is_heading(first)
        and parse_date_line(first) is None
        and parse_labelled_line(first) is None
        and not is_marker_line(first)
    ):
        # Tentatively the title; confirmed below only if the body after the header block
        # does not itself open with a heading-like line (so a second pass takes nothing).
        title = first
        idx = 1

    zone: list[tuple[tuple[int, int], str, str, dict[str, str]]] = []  # (span, reason, line, fields)
    strong = False
    summary_line: tuple[tuple[int, int], str, str] | None = None
    for span in islice(lines if idx else chain((first_span,), lines), MAX_HEAD_LINES):
        line = text[span[0] : span[1]].strip()
        if title is not None and line == title:
            zone.append((span, "header.title_repeat", line, {}))
            continue
        if len(line) <= MAX_HEADER_LINE:
            f = parse_labelled_line(line)
            if f is not None:
                zone.append((span, "header.fields", line, f))
                strong = True
                continue
            f = parse_date_line(line)
            if f is not None:
                zone.append((span, "header.date", line, f))
                strong = True
                continue
            if _LONE_NUMBER.match(line):
                zone.append((span, "header.views", line, {"views": line}))
                continue
        if len(line) <= MAX_SUMMARY_LINE:
            m = _rules().summary.match(line)
            if m is not None:
                summary_line = (span, line, m.group("s").strip())
                zone.append((span, "header.summary", line, {}))
                strong = True
                continue
        break
    body_start = zone[-1][0][1] if zone else (first_span[1] if title is not None else 0)
    if title is not None and known_title is None:
        body_first = _first_nonblank(text, body_start)
        if body_first is None or is_heading(body_first):
            title = None
            zone = []
            strong = False
            summary_line = None
            body_start = 0
    if title is not None and move_title:
        cuts.append(first_span)
        removed.append(("header.title", first))
    for span, reason, line, fields in zone:
        if reason in ("header.views",) and not strong:
            continue
        cuts.append(span)
        removed.append((reason, line))
        for k, v in fields.items():
            meta.setdefault(k, v)
    if summary_line is not None and strong:
        _, _, summary = summary_line
        if not _is_duplicate_summary(summary.rstrip("…. "), text[body_start:]):
            meta["summary"] = summary
    if not strong:
        body_start = first_span[1] if title is not None else 0

    _byline(text, body_start, meta)
    _tail(text, cuts, meta, removed)
    if known_title is not None:
        title = None  # the document's title stands
    if not cuts:  # meta may still hold a byline read from the text
        return TextEdit(text, title=title, meta=meta, chars_changed=0)
    return _cut(text, cuts, removed, title, meta)


def _first_nonblank(text: str, start: int) -> str | None:
    span = next(_iter_nonblank_lines(text, start), None)
    return text[span[0] : span[1]].strip() if span else None


def _iter_nonblank_lines(text: str, start: int) -> Iterator[tuple[int, int]]:
    """(start, end) of the non-blank lines from `start`, in order."""
    pos = start
    n = len(text)
    while pos <= n:
        e = text.find("\n", pos)
        if e < 0:
            e = n
        if pos < e and not text[pos:e].isspace():
            yield (pos, e)
        pos = e + 1


def _byline(text: str, start: int, meta: dict[str, str]) -> None:
    """Read a news byline opening the first body line (朝阳日报 本报讯（记者 马隽）4月8日，…)
    into `meta` (publisher, author). It stays in the text: it is the opening of the
    article's first sentence (a dateline), not a separate header line, and cutting it would
    cut content. Only a byline followed by text on its line counts."""
    for s, e in _lines(text, start, 8):
        line = text[s:e].strip()
        if not line:
            continue
        for rx in _rules().bylines:
            m = rx.match(line)
            if m is not None and m.end() < len(line):
                if m.group("publisher"):
                    meta.setdefault("publisher", m.group("publisher").strip())
                if m.group("author"):
                    meta.setdefault("author", m.group("author").strip())
                return
        return


def _tail(text: str, cuts: list[tuple[int, int]], meta: dict[str, str], removed: list[tuple[str, str]]) -> None:
    # Labelled metadata lines at the very end (发布时间：… 浏览次数：…) belong to the footer.
    end = len(text)
    taken = 0
    floor = max((c[1] for c in cuts), default=0)
    while end > floor and taken < MAX_TAIL_LINES:
        s = text.rfind("\n", 0, end) + 1
        line = text[s:end].strip()
        if line:
            if len(line) > MAX_HEADER_LINE:
                return
            f = parse_labelled_line(line)
            if f is None or not _has_strong_label(line):
                return
            cuts.append((s, end))
            removed.append(("footer.fields", line))
            for k, v in f.items():
                meta.setdefault(k, v)
            taken += 1
        if s == 0:
            return
        end = s - 1


def _has_strong_label(line: str) -> bool:
    r = _rules()
    return any(m.group("label") not in r.weak for m in r.label.finditer(line))


def _cut(text: str, cuts: list[tuple[int, int]], removed: list[tuple[str, str]], title: str | None, meta: dict[str, str]) -> TextEdit:
    cuts = sorted(set(cuts))
    out = []
    pos = 0
    changed = 0
    n = len(text)
    for s, e in cuts:
        if s < pos:
            continue
        # A whole-line cut also takes its line break, so no blank line is left behind.
        if e < n and text[e] == "\n" and (s == 0 or text[s - 1] == "\n"):
            e += 1
        out.append(text[pos:s])
        changed += e - s
        pos = e
    out.append(text[pos:])
    return TextEdit("".join(out), removed=removed, title=title, meta=meta, chars_changed=changed)


class HeaderMetaStage(TextStage):
    """Title and header/footer metadata -> `title`/`meta` (after the line rules)."""

    name = "header_meta"
    version = "5"  # 4: no quotation marks in a date line's publisher; 5: the title stays in the text

    def __init__(self, move_title: bool = False):
        self.move_title = move_title

    def setup(self) -> None:
        _rules()

    def config(self) -> dict[str, object]:
        return {"rules": table_digest("header.json"), "move_title": self.move_title}

    def transform(self, text: str) -> TextEdit:
        return extract_header(text, self.move_title)

    def process(self, doc: Document) -> Document:
        return self.apply(doc, extract_header(doc.text, self.move_title, doc.title))

    def process_batch(self, docs: list[Document]) -> list[StageOutput]:
        return [self.process(d) for d in docs]
