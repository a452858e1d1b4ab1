"""cleanse: turn scraped Chinese web text into a clean Parquet corpus with provenance.

    import cleanse
    pipeline = cleanse.build_default_pipeline()
    for item in pipeline.run(cleanse.read_sources(["page.txt"])): ...
    cleanse.clean_text("…")              # the default text stages on one string
"""

from cleanse.decoding import DecodeStage, byte_offsets, detect_and_decode
from cleanse.defaults import build_default_pipeline, clean_text
from cleanse.document import Document, Reject, Removal, Repair, StageRecord
from cleanse.executors.local import run
from cleanse.io.parquet import CorpusPartWriter, ParquetPartWriter
from cleanse.io.schema import DOCUMENT_SCHEMA, REJECT_SCHEMA
from cleanse.io.sources import expand_inputs, read_source, read_sources
from cleanse.loader import load_pipeline
from cleanse.pipeline import Pipeline, StageStats
from cleanse.stage import Stage, TextEdit, TextStage

__version__ = "0.1.0"

__all__ = [
    "DOCUMENT_SCHEMA", "REJECT_SCHEMA", "CorpusPartWriter", "DecodeStage", "Document", "ParquetPartWriter",
    "Pipeline", "Reject", "Removal", "Repair", "Stage", "StageRecord", "StageStats", "TextEdit", "TextStage",
    "__version__", "build_default_pipeline", "byte_offsets", "clean_text", "detect_and_decode", "expand_inputs",
    "load_pipeline", "read_source", "read_sources", "run",
]
