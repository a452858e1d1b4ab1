"""Filter stages: drops become rejects with a reason (nothing lost). All off by default.

    from cleanse.filters import build_filters
    stages = build_filters({"min_length": {"min_chars": 50}, "han_ratio": {"min_ratio": 0.5},
                            "language": {"keep": ["zh"]}})

A pipeline script appends them after `quality_signals` (they reuse its signals). The keys, the
stages and their thresholds (dataclass fields, in each stage's `config()`): docs/dedup.md.
"""

from __future__ import annotations

from typing import Any

from cleanse.filters.base import FilterStage
from cleanse.filters.language import LanguageFilter, identify
from cleanse.filters.quality import HanRatioFilter, MinLengthFilter, MojibakeFilter, PlaceholderFilter

FILTERS: dict[str, type[FilterStage]] = {
    "min_length": MinLengthFilter,
    "han_ratio": HanRatioFilter,
    "mojibake": MojibakeFilter,
    "placeholders": PlaceholderFilter,
    "language": LanguageFilter,
}


def build_filters(config: dict[str, dict[str, Any]]) -> list[FilterStage]:
    """Filter stages from a configuration mapping (key -> thresholds), in `FILTERS` order.
    Unknown keys or thresholds raise ValueError naming them."""
    unknown = set(config) - set(FILTERS)
    if unknown:
        raise ValueError(f"unknown filters {sorted(unknown)}; known: {sorted(FILTERS)}")
    out = []
    for key, cls in FILTERS.items():
        if key in config:
            try:
                out.append(cls(**(config[key] or {})))
            except TypeError as exc:
                raise ValueError(f"filter {key}: {exc}") from None
    return out


__all__ = ["FILTERS", "FilterStage", "HanRatioFilter", "LanguageFilter", "MinLengthFilter", "MojibakeFilter",
           "PlaceholderFilter", "build_filters", "identify"]
