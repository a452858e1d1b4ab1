"""Normalization: invisible characters before the repairs (`InvisibleStage`), punctuation and
whitespace (`NormalizeZhStage`, slot 8) and per-row quality signals (`QualitySignalsStage`, slot 9)."""

from cleanse.normalization.invisible import InvisibleStage, strip_invisible
from cleanse.normalization.normalize import NormalizeZhStage, normalize_zh
from cleanse.normalization.signals import QualitySignalsStage, quality_signals

__all__ = ["InvisibleStage", "NormalizeZhStage", "QualitySignalsStage", "normalize_zh", "quality_signals",
           "strip_invisible"]
