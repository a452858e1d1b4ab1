"""Boilerplate removal: article splitting, HTML residue, boilerplate lines, header metadata.

Stages (default pipeline slots): `SplitArticlesStage` (2, after decoding),
`HtmlResidueStage`, `BoilerplateLinesStage`, `HeaderMetaStage` (7, in this order, after t2s),
`RejectEmptyStage` (last: a document left without text becomes a reject, not an empty row).
Rules are data under `rules/`, documented in docs/boilerplate.md; every rule matches
Simplified and Traditional spellings alike.
"""

from cleanse.boilerplate.empty import RejectEmptyStage
from cleanse.boilerplate.header import HeaderMetaStage, extract_header
from cleanse.boilerplate.html import HtmlResidueStage, strip_html_residue
from cleanse.boilerplate.lines import BoilerplateLinesStage, remove_boilerplate_lines
from cleanse.boilerplate.split import SplitArticlesStage, article_spans, find_markers
from cleanse.stage import TextEdit


def clean_boilerplate(text: str) -> TextEdit:
    """HTML residue, boilerplate lines and header metadata in one call (the slot-7 stages)."""
    edits = []
    for fn in (strip_html_residue, remove_boilerplate_lines, extract_header):
        e = fn(text)
        edits.append(e)
        text = e.text
    out = TextEdit(text)
    for e in edits:
        out.repairs.extend(e.repairs)
        out.removed.extend(e.removed)
        out.meta.update({k: v for k, v in e.meta.items() if k not in out.meta})
        if e.title is not None:
            out.title = e.title
    return out


def boilerplate_stages() -> list:
    """The slot-7 stages in pipeline order."""
    return [HtmlResidueStage(), BoilerplateLinesStage(), HeaderMetaStage()]


__all__ = [
    "BoilerplateLinesStage", "HeaderMetaStage", "HtmlResidueStage", "RejectEmptyStage", "SplitArticlesStage",
    "article_spans", "boilerplate_stages", "clean_boilerplate", "extract_header", "find_markers",
    "remove_boilerplate_lines", "strip_html_residue",
]
