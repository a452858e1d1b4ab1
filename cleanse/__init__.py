"""cleanse: turn scraped Chinese web text into a clean Parquet corpus with provenance.

    import cleanse
    pipeline = cleanse.build_default_pipeline()
    for item in pipeline.run(cleanse.read_sources(["page.txt"])): ...
    cleanse.clean_text("…")              # the default text stages on one string
    cleanse.convert("…", config="t2s")   # exact OpenCC conversion

The names below are the public API; everything else is importable from its module (the
stages from `cleanse.decoding`, `cleanse.boilerplate`, `cleanse.repair`, `cleanse.script`,
`cleanse.normalization`; provenance records from `cleanse.document`; schemas and the output
layout from `cleanse.io.schema` and `cleanse.io.layout`). docs/architecture.md maps them.
"""

from cleanse.decoding import DecodeStage, detect_and_decode
from cleanse.defaults import build_default_pipeline, clean_text
from cleanse.document import Document, Reject
from cleanse.executors.local import run
from cleanse.io.parquet import CorpusPartWriter
from cleanse.io.readers import read_sources
from cleanse.io.sources import expand_inputs
from cleanse.loader import load_pipeline
from cleanse.pipeline import Pipeline
from cleanse.script import convert
from cleanse.stage import Stage, TextEdit, TextStage

__version__ = "0.1.0"

__all__ = [
    # document model and composition
    "Document", "Reject", "Stage", "TextStage", "TextEdit", "DecodeStage", "Pipeline",
    "build_default_pipeline", "load_pipeline",
    # one string at a time
    "clean_text", "convert", "detect_and_decode",
    # reading, running, writing
    "expand_inputs", "read_sources", "run", "CorpusPartWriter", "__version__",
]
