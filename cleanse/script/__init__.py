"""cleanse.script: exact OpenCC script conversion (Traditional <-> Simplified and regional
variants), fast, with a pipeline stage that records what it did."""

from cleanse.script.convert import convert, get_converter

__all__ = ["convert", "get_converter"]
