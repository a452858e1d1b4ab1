"""Corpus-wide deduplication: exact (normalised form) and near (MinHash LSH over character
n-grams), resolved deterministically, nothing lost (docs/dedup.md)."""

from cleanse.dedup.clusters import Resolution, resolve
from cleanse.dedup.minhash import MinHashConfig, band_keys, estimate, signatures
from cleanse.dedup.normalize import dedup_form, exact_key
from cleanse.dedup.phase import DedupConfig, DedupError, DedupSummary, dedup_output, text_signatures

__all__ = ["DedupConfig", "DedupError", "DedupSummary", "MinHashConfig", "Resolution", "band_keys",
           "dedup_form", "dedup_output", "estimate", "exact_key", "resolve", "signatures", "text_signatures"]
