"""Main-content extraction: an HTML page becomes its article text, title and metadata."""

from cleanse.extraction.html import extract_main, is_html
from cleanse.extraction.stage import ExtractHtmlStage

__all__ = ["ExtractHtmlStage", "extract_main", "is_html"]
