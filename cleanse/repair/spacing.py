"""A line's spaces as `normalize_zh` will leave them, for a repair that reads spaces.

ftfy reads whitespace: a U+0020 may stand for a lost byte A0 (`Ã ` is à), an NBSP before a
letter blocks its detector of embedded UTF-8 (`导\\xa0Â©` stays, `导 Â©` becomes `导 ©`), and a
space between two letters keeps them apart (`Â “` stays, `Â“` is cp1252 “). `normalize_zh`, late
in the pipeline, turns NBSP and U+3000 into U+0020, collapses runs, strips line ends and drops
the spaces around full-width punctuation, so a second `clean_text` gave ftfy another text to
read than the first (issue 14 item 8). `ftfy_zh` therefore reads `spaces_view` of a line — the
same steps with `normalize_zh`'s own rules (`punctuation.json`), each character either kept,
turned into U+0020 or dropped — and `splice` puts what ftfy changed back into the line: the
characters outside the changed span stay as they were (an NBSP stays an NBSP for
`normalize_zh` to map and record).

`cjk_mojibake` reads spaces too (an NBSP next to `Ãì` makes another re-encoding window than
nothing, `\xa0Ãì)` stays while `Ãì)` is Big5 鏈): its stage reads the text as it is, then each
line whose view differs as `spaces_view` leaves it (`spaced_reread`), and splices the change.

Not seen here: `normalize_zh`'s paragraph breaks and line joins (they move line ends, hence
ftfy's segments) and its punctuation mapping (ASCII to full width: neither side is material
for ftfy).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from functools import lru_cache

from cleanse.normalization.normalize import _rules
from cleanse.stage import TextEdit, common_affixes


@lru_cache(maxsize=1)
def space_map() -> dict[int, str]:
    """`str.translate` table: every space `normalize_zh` turns into U+0020."""
    return {ord(c): " " for c in _rules().space_chars if c != " "}


# Spaces `normalize_zh` drops once the other spaces are U+0020: before a line break, after one
# (or at the start of a line), at the end of the text, and all but the first of a run.
_EDGE_AND_RUN = {
    (True, True): re.compile(r"^ +| +(?=\n)| +$|(?<= ) +"),
    (True, False): re.compile(r"^ +| +(?=\n)|(?<= ) +"),
    (False, True): re.compile(r" +(?=\n)| +$|(?<= ) +"),
    (False, False): re.compile(r" +(?=\n)|(?<= ) +"),
}


def _drop(view: str, kept: list[int], rx: re.Pattern[str]) -> tuple[str, list[int]]:
    dead = [False] * len(view)
    for m in rx.finditer(view):
        dead[m.start():m.end()] = [True] * (m.end() - m.start())
    if not any(dead):
        return view, kept
    keep = [i for i, d in enumerate(dead) if not d]
    return "".join(view[i] for i in keep), [kept[i] for i in keep]


def spaces_view(line: str, line_start: bool = True, line_end: bool = True) -> tuple[str, list[int] | None]:
    """(the line with its spaces as `normalize_zh` leaves them, the index in `line` of each
    character of the view, or None when no character was dropped). `line_start`: the line
    begins the text or follows a line break; `line_end`: it ends with one or ends the text."""
    view = line.translate(space_map())
    if " " not in view:
        return view, None
    kept = list(range(len(view)))
    view, kept = _drop(view, kept, _EDGE_AND_RUN[line_start, line_end])
    view, kept = _drop(view, kept, _rules().space_around_fw)
    return view, (kept if len(kept) < len(line) else None)


def splice(line: str, view: str, kept: list[int] | None, fixed: str) -> str:
    """`line` with the span of `view` that became `fixed` replaced (positions through `kept`)."""
    if fixed == view:
        return line
    p, s = common_affixes(view, fixed)
    e = len(view) - s
    at = (lambda i: i) if kept is None else kept.__getitem__
    start = at(p) if p < len(view) else len(line)
    end = at(e - 1) + 1 if e > p else start
    return line[:start] + fixed[p:len(fixed) - s] + line[end:]


def spaced_reread(edit: TextEdit, repair: Callable[[str, list[tuple[int, int]]], TextEdit]) -> TextEdit:
    """`edit` (a repair's result), then `repair` on its text with every line's spaces as
    `normalize_zh` leaves them (`spaces_view`), on the lines where that differs, and what
    that changed spliced back (`splice`): what a second `clean_text` would give the repair.
    `repair(text, lines)` looks only at the (start, end) spans `lines` of `text`. The offsets
    of the reread's records are mapped back through the view of each line."""
    lines = edit.text.split("\n")
    views = [spaces_view(line) for line in lines]
    spans, pos = [], 0
    for line, (view, _) in zip(lines, views):
        if view != line:
            spans.append((pos, pos + len(view)))
        pos += len(view) + 1
    if not spans:
        return edit
    text = "\n".join(view for view, _ in views)
    again = repair(text, spans)
    after = again.text.split("\n")
    if again.text == text or len(after) != len(lines):  # a repair stays within its line
        return edit
    out = [line if new == view else splice(line, view, kept, new)
           for line, (view, kept), new in zip(lines, views, after)]
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    view_starts = [0]
    for view, _ in views[:-1]:
        view_starts.append(view_starts[-1] + len(view) + 1)

    def offset(o: int) -> int:
        k = bisect.bisect_right(view_starts, o) - 1
        col, kept = o - view_starts[k], views[k][1]
        return starts[k] + (kept[col] if kept is not None and col < len(kept) else col)
    repairs = [(kind, before, fixed, offset(o)) for kind, before, fixed, o in again.repairs]
    return TextEdit("\n".join(out), repairs=edit.repairs + repairs, removed=edit.removed + again.removed)
