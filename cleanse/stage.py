"""Stages: small, named, versioned units of work on documents.

Two kinds:
- `Stage`: sees the whole document; may transform it, split it into several, or reject it.
- `TextStage`: wraps a pure text function (`transform(text) -> TextEdit`). The wrapper, not
  the function, stamps the stage name on every repair and removal and counts what changed,
  so text functions stay plain and testable on strings.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Union

from cleanse.document import Document, Reject, Removal, Repair, StageRecord

# What `Stage.process` may return: the document (changed or not), its parts, or a reject.
# A sequence may mix documents and rejects (a splitter that rejects one empty part).
StageOutput = Union[Document, Reject, Sequence[Union[Document, Reject]]]

# Records are built with tuple.__new__ (C) rather than the NamedTuple constructor (a Python
# call each): a document can get thousands of them from one stage.
_new_record = tuple.__new__


class Stage(ABC):
    """A named, versioned step. Subclasses set `name` and `version` and implement `process`.

    Bump `version` whenever the output for some input changes: the version is written into
    every row, so a corpus says which rules made it.
    """

    name: ClassVar[str]
    version: ClassVar[str]

    def config(self) -> dict[str, Any]:
        """The options that change this stage's output (hashed into the pipeline id)."""
        return {}

    def setup(self) -> None:
        """Load what the stage needs (dictionaries, models, compiled patterns) before the first
        document. Executors call it once per process, before workers fork, so the tables are
        built once and shared; it must be idempotent. Processing works without it (the
        resources load lazily), it only moves the cost out of the first document."""

    @abstractmethod
    def process(self, doc: Document) -> StageOutput:
        """Process one document."""

    def record(self, doc: Document, chars_changed: int) -> None:
        doc.stages.append(_new_record(StageRecord, (self.name, self.version, chars_changed)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name}@{self.version})"


@dataclass(slots=True)
class TextEdit:
    """What a text function returns: the new text and a record of what it did.

    `repairs` holds (kind, before, after, offset) tuples, `removed` holds (reason, text)
    tuples; the `TextStage` wrapper adds the stage name. `chars_changed` may be given when
    the function knows it exactly; otherwise the wrapper measures the changed span.
    """

    text: str
    repairs: list[tuple[str, str, str, int]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    chars_changed: int | None = None
    title: str | None = None
    script: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    signals: dict[str, float] = field(default_factory=dict)


class TextStage(Stage):
    """A stage around a pure text function. Subclasses implement `transform`."""

    @abstractmethod
    def transform(self, text: str) -> TextEdit | str:
        """Transform one text. Returning a plain `str` means: no repairs or removals to report."""

    def transform_batch(self, texts: list[str]) -> list[TextEdit | str]:
        """Transform several texts; the same as `transform` on each (which is the default).
        A stage overrides it when one call over many texts saves a fixed cost per call. The
        pipeline hands each batch of documents to `process_batch`, and should that raise,
        processes them one by one so that only the bad one is rejected."""
        return [self.transform(t) for t in texts]

    def process(self, doc: Document) -> Document:
        return self.apply(doc, self.transform(doc.text))

    def process_batch(self, docs: list[Document]) -> list[Document]:
        """`process` on each document through one `transform_batch` call. No document is
        changed if `transform_batch` raises."""
        results = self.transform_batch([d.text for d in docs])
        if len(results) != len(docs) or not all(isinstance(r, (TextEdit, str)) for r in results):
            raise TypeError(f"{self.name}: transform_batch must give one TextEdit or str per text")
        return [self.apply(d, r) for d, r in zip(docs, results)]

    def apply(self, doc: Document, result: TextEdit | str) -> Document:
        """Write a transform's result into the document, with the stage's records."""
        before = doc.text
        if isinstance(result, str):
            result = TextEdit(result)
        doc.text = result.text
        if result.repairs:
            name = self.name
            doc.repairs.extend([_new_record(Repair, (name, k, b, a, o)) for k, b, a, o in result.repairs])
        if result.removed:
            name = self.name
            doc.removed.extend([_new_record(Removal, (name, r, t)) for r, t in result.removed])
        if result.title is not None:
            doc.title = result.title
        if result.script is not None:
            doc.script = result.script
        if result.meta:
            doc.meta.update(result.meta)
        if result.signals:
            doc.signals.update(result.signals)
        changed = result.chars_changed
        if changed is None:
            changed = changed_span(before, result.text)
        self.record(doc, changed)
        return doc


def _common_prefix_len(a: str, b: str) -> int:
    # Binary search over slice equality: the comparisons run in C (memcmp), so this is
    # O(n log n) machine work instead of an O(n) Python loop.
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def changed_span(before: str, after: str) -> int:
    """Length of the region that differs between two texts (0 if equal).

    The span from the first to the last differing character, measured on the longer text:
    cheap, exact for a single edit, an upper bound for several.
    """
    if before == after:
        return 0
    p = _common_prefix_len(before, after)
    s = _common_prefix_len(before[p:][::-1], after[p:][::-1])
    return max(len(before), len(after)) - p - s
