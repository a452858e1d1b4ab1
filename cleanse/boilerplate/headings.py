"""Lines that read as headings, and article markers: shared by the splitter and the header stage.

`is_heading` decides whether a short line reads as a title (the splitter uses it for a title
written on a marker line, the header stage for a page's first line); `is_marker_line`
whether a line is an article marker (【篇一】, 【第二篇】, 篇三：…), which the header stage
must never take for a title. Both stages import this module; neither imports the other.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cleanse.boilerplate.rules import load_table
from cleanse.boilerplate.variants import compile_rule

MAX_TITLE = 60

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SENTENCE_INSIDE = re.compile(r"[，。；！？;]")  # inside a heading only ASCII ,!? (titles of code, English)
_LIST_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十百]+\s*[、.．]|\d{1,3}\s*[、.．)）]|[（(]\s*[一二三四五六七八九十\d]+\s*[）)]"
    r"|第[一二三四五六七八九十百\d]+[章节条部分篇])"
)


def is_heading(line: str) -> bool:
    """A short line that reads as a title: no sentence punctuation inside or at the end."""
    # Measured without whitespace, so the decision survives whitespace normalization.
    compact = "".join(line.split())
    if not (2 <= len(compact) <= MAX_TITLE):
        return False
    if "。" in compact or compact[-1] in "，,；;：:、":
        return False
    if _SENTENCE_INSIDE.search(compact[:-1]):  # 《浪淘沙・北戴河》毛泽东 一九五四年夏大雨落幽燕，白浪滔天，…
        return False
    if _LIST_MARKER.match(compact):
        return False
    han = len(_HAN.findall(compact))
    return han >= 2 and han >= 0.3 * len(compact)


_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_DIGITS.update({"〇": 0, "两": 2})


def parse_numeral(s: str) -> int | None:
    """`3`, `３`, `十二`, `二十`, `二十三` -> int; None if not a number below 1000."""
    s = s.strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)  # int() accepts full-width digits
    total = 0
    current = 0
    for c in s:
        if c in _DIGITS:
            current = _DIGITS[c]
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        elif c == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


@lru_cache(maxsize=1)
def _marker_regexes() -> tuple[re.Pattern[str], ...]:
    t = load_table("articles.json")
    num = f"[{t['numerals']}]{{1,4}}"
    return tuple(compile_rule(m["pattern"].replace("NUM", num), re.M) for m in t["markers"])


def is_marker_line(line: str) -> bool:
    """Whether `line` starts with an article marker (【篇一】, 【第二篇】, 篇三：…), whatever its
    number. Used by the header stage, which must never take a marker for a title (text
    cleaned without `split_articles`, e.g. by `clean_text`, still holds the markers)."""
    line = line.strip()
    if "篇" not in line and "範" not in line and "范" not in line and "例文" not in line:
        return False
    for rx in _marker_regexes():
        m = rx.match(line)
        if m is not None:
            groups = m.groupdict()
            raw_num = next((groups[k] for k in ("n1", "n2", "n3") if groups.get(k)), None)
            if raw_num and parse_numeral(raw_num) is not None:
                return True
    return False
