"""cleanse: turn scraped Chinese web text into a clean Parquet corpus with provenance."""

from cleanse.document import Document, Reject, Removal, Repair, StageRecord
from cleanse.pipeline import Pipeline, StageStats
from cleanse.stage import Stage, TextEdit, TextStage

__version__ = "0.1.0"

__all__ = [
    "Document", "Pipeline", "Reject", "Removal", "Repair", "Stage", "StageRecord",
    "StageStats", "TextEdit", "TextStage", "__version__",
]
