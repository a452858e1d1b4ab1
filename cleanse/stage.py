"""Stages: small, named, versioned units of work on documents.

Two kinds:
- `Stage`: sees the whole document; may transform it, split it into several, or reject it.
- `TextStage`: wraps a pure text function (`transform(text) -> TextEdit`). The wrapper, not
  the function, stamps the stage name on every repair and removal and counts what changed,
  so text functions stay plain and testable on strings.

The base class owns the loop over a batch and the stats (`Stage.run_batch`): a pipeline only
hands each stage its batch. A stage that raises on a document turns that document into a
reject (reason `stage_error`) instead of stopping the run.
"""

from __future__ import annotations

import hashlib
import time
import traceback
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, ClassVar, Union

from cleanse.budget import Budget, OverBudget, deadline
from cleanse.document import Document, Item, Reject, Removal, Repair, StageRecord

# What `Stage.process` may return: the document (changed or not), its parts, or a reject.
# A sequence may mix documents and rejects (a splitter that rejects one empty part).
StageOutput = Union[Document, Reject, Sequence[Union[Document, Reject]]]

# Records are built with tuple.__new__ (C) rather than the NamedTuple constructor (a Python
# call each): a document can get thousands of them from one stage. Measured (2026-12-02, 2-core
# machine under load, best of 5): 4.4 against 5.5 us per record for 200,000 removals; the 10 MB
# seeds-mix benchmark corpus carries 481,718 records, so about 0.5 s of a 5 s run.
# tests/io/test_columns.py checks that both constructions give equal records.
_new_record = tuple.__new__


@dataclass(slots=True)
class StageStats:
    """Counters for one stage over a run; `merge` adds up shards."""

    name: str
    version: str
    docs_in: int = 0
    docs_out: int = 0
    rejected: int = 0
    chars_in: int = 0
    chars_out: int = 0
    chars_changed: int = 0
    chars_removed: int = 0
    repairs: int = 0
    bytes_in: int = 0  # UTF-8 size of the texts entering the stage (source bytes for `decode`)
    seconds: float = 0.0
    reject_reasons: dict[str, int] = field(default_factory=dict)

    def merge(self, other: StageStats) -> None:
        for f in ("docs_in", "docs_out", "rejected", "chars_in", "chars_out", "chars_changed",
                  "chars_removed", "repairs", "bytes_in", "seconds"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        for reason, n in other.reject_reasons.items():
            self.reject_reasons[reason] = self.reject_reasons.get(reason, 0) + n

    def count_reject(self, reason: str) -> None:
        self.rejected += 1
        self.reject_reasons[reason] = self.reject_reasons.get(reason, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["mb_per_s"] = (self.bytes_in / 1e6 / self.seconds) if self.seconds > 0 else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> StageStats:
        d = {k: v for k, v in d.items() if k != "mb_per_s"}
        return cls(**d)


class Stage(ABC):
    """A named, versioned step. Subclasses set `name` and `version` and implement `process`.

    Bump `version` whenever the output for some input changes: the version is written into
    every row, so a corpus says which rules made it.
    """

    name: ClassVar[str]
    version: ClassVar[str]
    # The signals this stage writes into `Document.signals`, by name, with their types
    # ("double", "int64", "bool" or "string"): the writer assembles the `signals` struct
    # column from the declarations of the pipeline's stages (`cleanse.io.schema`). A signal a
    # stage writes without declaring it stops the shard with an error naming it.
    signal_types: ClassVar[dict[str, str]] = {}

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

    def process_batch(self, docs: list[Document]) -> list[StageOutput]:
        """One output per document, in order. The default calls `process` on each; a document
        on which it raises becomes a `stage_error` reject. A stage overrides this when one call
        over many documents saves a fixed cost per call; should the override raise, `run_batch`
        falls back to this default, so it must not change a document unless it succeeds."""
        return self.process_each(docs)

    def batches_itself(self) -> bool:
        """Whether this stage does better than `process` on each document of a batch (then a
        time budget covers the whole batch call first, see `run_batch`)."""
        return type(self).process_batch is not Stage.process_batch

    def process_each(self, docs: list[Document], budget: Budget | None = None) -> list[StageOutput]:
        """`process` on each document; one that raises becomes a `stage_error` reject, one that
        takes longer than the `budget` allows a `too_slow` reject (`cleanse.budget`)."""
        out: list[StageOutput] = []
        for doc in docs:
            result: StageOutput
            limit = None if budget is None else budget.seconds_for(doc.byte_end - doc.byte_start)
            try:
                with deadline(limit):
                    result = self.process(doc)
            except OverBudget:
                result = Reject.of(doc, self.name, "too_slow",
                                   f"{self.name} took more than {limit:.3g} s on this document")
            except Exception as exc:  # a bug or bad input in one document must not stop the run
                result = Reject.of(doc, self.name, "stage_error", error_detail(exc))
            out.append(result)
        return out

    def run_batch(self, items: list[Item], stats: StageStats, budget: Budget | None = None) -> list[Item]:
        """Process a batch (rejects pass straight through, in place) and add what this stage
        did to `stats`. Counters are kept in locals and added once per batch: with small
        documents this bookkeeping is a visible share of the run.

        `budget` sets the time a stage may spend per document (`cleanse.budget`): a stage that
        works document by document gets each document's limit for it; a stage that batches
        gets the sum of the limits for the batch call, and on overrunning the batch is redone
        document by document."""
        docs = [item for item in items if not isinstance(item, Reject)]
        if not docs:
            return items
        before = [(len(d.text), len(d.removed), len(d.repairs)) for d in docs]
        bytes_in = sum([d.utf8_size() if d.text else d.byte_end - d.byte_start for d in docs])
        t0 = time.perf_counter()
        if budget is not None and budget.max_seconds is None:
            budget = None
        if budget is not None and not self.batches_itself():
            results = self.process_each(docs, budget)
        else:
            limit = None if budget is None else sum(budget.seconds_for(d.byte_end - d.byte_start) or 0 for d in docs)
            try:
                with deadline(limit):
                    results = self.process_batch(docs)
                if len(results) != len(docs):
                    raise TypeError(f"{self.name}: process_batch gave {len(results)} outputs for {len(docs)} documents")
            except (Exception, OverBudget):  # redone one by one: only the bad document becomes a reject
                results = self.process_each(docs, budget)
        elapsed = time.perf_counter() - t0

        name = self.name
        out: list[Item] = []
        docs_out = chars_out = chars_changed = chars_removed = repairs = 0
        produced = iter(zip(results, before))
        for item in items:
            if isinstance(item, Reject):
                out.append(item)
                continue
            result, (_, n_removed, n_repairs) = next(produced)
            outputs: Sequence[Item] = (result,) if isinstance(result, (Document, Reject)) else result
            for o in outputs:
                if isinstance(o, Reject):
                    stats.count_reject(o.reason)
                else:
                    docs_out += 1
                    chars_out += len(o.text)
                    records = o.stages
                    if records and records[-1].name == name:
                        chars_changed += records[-1].chars_changed
                    if len(o.removed) > n_removed:
                        chars_removed += sum([len(r.text) for r in o.removed[n_removed:]])
                    repairs += len(o.repairs) - n_repairs
                out.append(o)
        stats.docs_in += len(docs)
        stats.docs_out += docs_out
        stats.chars_in += sum([b[0] for b in before])
        stats.chars_out += chars_out
        stats.chars_changed += chars_changed
        stats.chars_removed += chars_removed
        stats.repairs += repairs
        stats.bytes_in += bytes_in
        stats.seconds += elapsed
        return out

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
        A stage overrides it when one call over many texts saves a fixed cost per call. Should
        it raise, the batch is processed again one document at a time, so that only the bad
        one is rejected."""
        return [self.transform(t) for t in texts]

    def process(self, doc: Document) -> Document:
        return self.apply(doc, self.transform(doc.text))

    def batches_itself(self) -> bool:
        return type(self).transform_batch is not TextStage.transform_batch

    def process_batch(self, docs: list[Document]) -> list[StageOutput]:
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


def error_detail(exc: BaseException) -> str:
    """A `stage_error` reject's detail: `Type: message` on the first line (what reports group
    by), then the traceback (what a developer needs to find the bug)."""
    head = f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__
    return head + "\n\n" + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip()


def common_affixes(before: str, after: str) -> tuple[int, int]:
    """(p, s): the lengths of the common prefix of two texts and of their common suffix that
    does not reach into that prefix. `before[p:len(before) - s]` became `after[p:len(after) - s]`.

    The one changed-span helper of the package. The prefix and suffix are found by galloping:
    slices of 1, 2, 4… characters are compared (in C) until one differs, then the last step is
    bisected, so the characters copied add up to about twice the answer; edits near the ends of
    a long text (stripped edges, a first paragraph) cost little.
    """
    p = _gallop(before, after, 0, 1)
    return p, _gallop(before, after, p, -1)


def _gallop(a: str, b: str, floor: int, step: int) -> int:
    # Length of the common prefix (step 1) or of the common suffix not reaching into the
    # first `floor` characters (step -1).
    m = min(len(a), len(b)) - floor
    la, lb = len(a), len(b)

    def same(i: int, j: int) -> bool:
        # Whether characters i..j-1, counted from the start (or the end), agree.
        return a[i:j] == b[i:j] if step == 1 else a[la - j : la - i] == b[lb - j : lb - i]

    lo, k = 0, 1
    while k <= m and same(lo, k):
        lo, k = k, k * 2
    hi = min(k, m + 1) - 1  # the longest length not yet ruled out
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if same(lo, mid):
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
    p, s = common_affixes(before, after)
    return max(len(before), len(after)) - p - s


@lru_cache(maxsize=None)
def data_digest(path: str) -> str:
    """Content hash (16 hex digits) of a rule or table file a stage reads: part of the stage's
    `config()`, so editing a rule changes the pipeline id written into every row."""
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]
