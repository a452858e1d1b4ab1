"""Filter stages: a document either passes unchanged or becomes a reject with a reason.

A filter only writes `check(doc) -> None | (reason, detail)`; the base class turns a failed
check into `Reject.of(doc, stage, reason, detail)` (nothing is lost: the reject keeps the raw
bytes) and counts it in the stage's stats. Thresholds are dataclass fields of each stage, so
they are data: in `config()` (the pipeline id) and settable from a configuration dict
(`cleanse.filters.build_filters`).
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from cleanse.document import Document, Reject
from cleanse.stage import Stage


@dataclass
class FilterStage(Stage):
    """A stage that keeps or rejects whole documents."""

    name: ClassVar[str]
    version: ClassVar[str]

    @abstractmethod
    def check(self, doc: Document) -> tuple[str, str] | None:
        """None to keep the document, or (reason, detail) to reject it."""

    def process(self, doc: Document) -> Document | Reject:
        failed = self.check(doc)
        if failed is None:
            self.record(doc, 0)
            return doc
        return Reject.of(doc, self.name, failed[0], failed[1])

    def config(self) -> dict[str, Any]:
        return asdict(self)

    def __hash__(self) -> int:
        return id(self)
