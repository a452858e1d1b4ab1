"""The extraction stage: HTML pages -> main-content text; every other text passes untouched."""

from __future__ import annotations

from cleanse.extraction.html import extract_main, is_html, rules_digest
from cleanse.stage import TextEdit, TextStage


class ExtractHtmlStage(TextStage):
    """First text stage: a text that is a whole HTML page (`is_html`) becomes its main
    content; title, date, author and publisher go to `title`/`meta`. Plain text, and text
    with stray tag fragments, is returned unchanged (the html_residue stage handles those)."""

    name = "extract_html"
    version = "1"

    def config(self) -> dict[str, object]:
        return {"rules": rules_digest(), "extractor": "resiliparse"}

    def transform(self, text: str) -> TextEdit | str:
        if not is_html(text):
            return text
        edit = extract_main(text)
        edit.meta = {"content_type": "text/html", **edit.meta}
        return edit
