"""No empty rows: a document with no text left after cleaning becomes a reject.

A page whose preamble (date, source and view-count lines, an advert) precedes its first
【篇一】 is split into a preamble segment and the articles; cleaning may leave the preamble
with nothing. Such a segment is not a row: it becomes a reject `empty_after_cleaning` with
its raw bytes and, in `detail`, what the stages removed from it (JSON: [stage, reason,
text] per removal). It keeps its segment number, so the segments of a source (rows and
rejects together) stay dense, 0..k, and the same for any worker count (they are numbered
once, after the whole pipeline: `cleanse.document.assign_ids`).

Folding the preamble into the next article was the alternative; it was not taken because
the preamble's byte range would no longer be one article's, and whether it is empty is
known only after the cleaning stages have run.
"""

from __future__ import annotations

import json

from cleanse.document import Document, Reject
from cleanse.stage import Stage


class RejectEmptyStage(Stage):
    """Last stage of the default pipeline: blank text -> reject `empty_after_cleaning`."""

    name = "reject_empty"
    version = "1"

    def process(self, doc: Document) -> Document | Reject:
        if doc.text.strip():
            self.record(doc, 0)
            return doc
        removed = [[r.stage, r.reason, r.text] for r in doc.removed]
        return Reject.of(doc, self.name, "empty_after_cleaning", json.dumps(removed, ensure_ascii=False))
