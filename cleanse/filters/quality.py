"""Filters on the quality signals (`cleanse.normalization.signals`): length, Han ratio,
leftover mojibake, template placeholders and masked names.

Each reads the document's `signals` when the `quality_signals` stage already computed them for
the current text, else computes them. Rejects: `too_short`, `low_han_ratio`, `mojibake`,
`placeholders`, `masked`. The defaults are lenient (see docs/dedup.md: they drop only what is
not a Chinese text at all); a corpus builder tightens them in configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

from cleanse.document import Document
from cleanse.filters.base import FilterStage
from cleanse.normalization.signals import quality_signals


def _signals(doc: Document) -> dict[str, float]:
    s = doc.signals
    if "char_count" in s and s["char_count"] == len(doc.text):
        return s
    return quality_signals(doc.text)


@dataclass(eq=False)
class MinLengthFilter(FilterStage):
    """Rejects a text of fewer than `min_chars` non-whitespace characters (`too_short`)."""

    name = "filter_min_length"
    version = "1"
    min_chars: int = 20

    def check(self, doc: Document) -> tuple[str, str] | None:
        n = len(doc.text) - sum(doc.text.count(c) for c in " \n\t\u3000")
        return None if n >= self.min_chars else ("too_short", f"{n} < {self.min_chars} characters")


@dataclass(eq=False)
class HanRatioFilter(FilterStage):
    """Rejects a text whose Han characters are less than `min_ratio` of its non-whitespace
    characters (`low_han_ratio`): English, code, lists of numbers."""

    name = "filter_han_ratio"
    version = "1"
    min_ratio: float = 0.3

    def check(self, doc: Document) -> tuple[str, str] | None:
        r = _signals(doc)["han_ratio"]
        return None if r >= self.min_ratio else ("low_han_ratio", f"{r:.3f} < {self.min_ratio}")


@dataclass(eq=False)
class MojibakeFilter(FilterStage):
    """Rejects a text whose `mojibake_score` (share of characters that look like leftover
    mojibake) exceeds `max_score` (`mojibake`)."""

    name = "filter_mojibake"
    version = "1"
    max_score: float = 0.1

    def check(self, doc: Document) -> tuple[str, str] | None:
        s = _signals(doc)["mojibake_score"]
        return None if s <= self.max_score else ("mojibake", f"{s:.3f} > {self.max_score}")


@dataclass(eq=False)
class PlaceholderFilter(FilterStage):
    """Rejects a template text: more than `max_placeholders` placeholders (`20xx年`, `XX公司`)
    or more than `max_masked` masked runs (`*`) per 1,000 characters (`placeholders`, `masked`)."""

    name = "filter_placeholders"
    version = "1"
    max_placeholders: float = 5.0
    max_masked: float = 10.0

    def check(self, doc: Document) -> tuple[str, str] | None:
        s = _signals(doc)
        per_k = 1000.0 / max(1.0, s["char_count"])
        p, m = s["placeholder_count"] * per_k, s["masked_count"] * per_k
        if p > self.max_placeholders:
            return "placeholders", f"{p:.1f} per 1,000 characters > {self.max_placeholders}"
        if m > self.max_masked:
            return "masked", f"{m:.1f} per 1,000 characters > {self.max_masked}"
        return None
