"""cleanse: turn scraped Chinese web text into a clean Parquet corpus with provenance.

    import cleanse
    pipeline = cleanse.build_default_pipeline()
    for item in pipeline.run(cleanse.read_sources(["page.txt"])): ...
    cleanse.clean_text("…")              # the default text stages on one string
    cleanse.convert("…", config="t2s")   # exact OpenCC conversion
"""

from cleanse.boilerplate import BoilerplateLinesStage, HeaderMetaStage, HtmlResidueStage, SplitArticlesStage
from cleanse.decoding import DecodeStage, byte_offsets, detect_and_decode
from cleanse.defaults import build_default_pipeline, clean_text
from cleanse.document import Document, Reject, Removal, Repair, StageRecord
from cleanse.executors.local import run
from cleanse.io.parquet import CorpusPartWriter, ParquetPartWriter
from cleanse.io.schema import DOCUMENT_SCHEMA, REJECT_SCHEMA
from cleanse.io.sources import expand_inputs, read_source, read_sources
from cleanse.loader import load_pipeline
from cleanse.normalization import NormalizeZhStage, QualitySignalsStage
from cleanse.pipeline import Pipeline, StageStats
from cleanse.repair import CjkMojibakeStage, FtfyStage, PinyinRubyStage
from cleanse.script import ConvertStage, convert, detect_script
from cleanse.stage import Stage, TextEdit, TextStage

__version__ = "0.1.0"

__all__ = [
    # document model and composition
    "Document", "Reject", "Removal", "Repair", "StageRecord", "Stage", "TextStage", "TextEdit",
    "Pipeline", "StageStats", "build_default_pipeline", "load_pipeline", "clean_text", "convert",
    # stages, in default pipeline order
    "DecodeStage", "SplitArticlesStage", "FtfyStage", "CjkMojibakeStage", "PinyinRubyStage", "ConvertStage",
    "HtmlResidueStage", "BoilerplateLinesStage", "HeaderMetaStage", "NormalizeZhStage", "QualitySignalsStage",
    # reading, decoding, writing, running
    "expand_inputs", "read_source", "read_sources", "detect_and_decode", "byte_offsets", "detect_script",
    "CorpusPartWriter", "ParquetPartWriter", "DOCUMENT_SCHEMA", "REJECT_SCHEMA", "run", "__version__",
]
