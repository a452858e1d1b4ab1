"""Normalization: punctuation and whitespace (`NormalizeZhStage`, slot 8) and per-row
quality signals (`QualitySignalsStage`, slot 9)."""

from cleanse.normalization.normalize import NormalizeZhStage, normalize_zh
from cleanse.normalization.signals import QualitySignalsStage, quality_signals

__all__ = ["NormalizeZhStage", "QualitySignalsStage", "normalize_zh", "quality_signals"]
