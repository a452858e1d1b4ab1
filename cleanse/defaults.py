"""The default Chinese web pipeline's stages, in order (used by pipelines/zh_web.py,
`cleanse run` without a pipeline script, and `clean_text`)."""

from __future__ import annotations

from cleanse.boilerplate import (
    BoilerplateLinesStage, HeaderMetaStage, HtmlResidueStage, RejectEmptyStage, SplitArticlesStage,
)
from cleanse.decoding import DecodeStage
from cleanse.document import Document
from cleanse.extraction import ExtractHtmlStage
from cleanse.normalization import InvisibleStage, NormalizeZhStage, QualitySignalsStage
from cleanse.pipeline import Pipeline
from cleanse.repair import CjkMojibakeStage, FtfyStage, PinyinRubyStage
from cleanse.script import ConvertStage
from cleanse.stage import Stage, TextStage

PIPELINE_NAME = "zh_web"
PIPELINE_VERSION = "0.1.0"


def text_stages() -> list[TextStage]:
    """The stages that work on text alone (after decoding and splitting), in order."""
    return [
        ExtractHtmlStage(),  # whole HTML pages -> main content (other texts untouched)
        InvisibleStage(),  # what normalize_zh deletes without context, before the repairs read the text
        FtfyStage(), CjkMojibakeStage(), PinyinRubyStage(),  # repair (source script)
        ConvertStage("t2s"),  # exact OpenCC Traditional -> Simplified
        HtmlResidueStage(), BoilerplateLinesStage(), HeaderMetaStage(),  # boilerplate
        NormalizeZhStage(),  # punctuation and whitespace
        QualitySignalsStage(),
    ]


def zh_web_stages() -> list[Stage]:
    """All stages of the default pipeline: decode, split, the text stages, then no empty rows."""
    return [DecodeStage(), SplitArticlesStage(), *text_stages(), RejectEmptyStage()]


def build_default_pipeline() -> Pipeline:
    return Pipeline(PIPELINE_NAME, PIPELINE_VERSION, zh_web_stages())


_TEXT_STAGES: list[TextStage] | None = None


def clean_text(text: str) -> str:
    """Apply the default text stages (repair, conversion, cleaning) to one string."""
    global _TEXT_STAGES
    if _TEXT_STAGES is None:
        _TEXT_STAGES = text_stages()
    doc = Document(text=text, id="", source="<text>", source_sha256="")
    for stage in _TEXT_STAGES:
        stage.process(doc)
    return doc.text
