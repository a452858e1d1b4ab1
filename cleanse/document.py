"""The document model: one slotted dataclass plus the provenance records it carries.

A `Document` is born from raw source bytes (`raw`, with `text` empty), gets its text from
the decoding stage, and is then transformed, split or rejected by later stages. Every
change a stage makes is recorded on the document itself, so a row in the corpus can say
what happened to it.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from collections.abc import Iterable, Iterator
from typing import NamedTuple, Union


# The three provenance records are NamedTuples rather than frozen dataclasses: a document can
# carry thousands of them (one per removed pinyin note), and a NamedTuple is created about
# twice as fast and its fields are read into Arrow columns with `itemgetter`. They compare,
# hash and print as before and stay immutable; unlike dataclasses they are also tuples.
class StageRecord(NamedTuple):
    """One stage that processed the document: which version, and how many characters it changed."""

    name: str
    version: str
    chars_changed: int


class Removal(NamedTuple):
    """Text a stage deleted, with the rule that deleted it (for auditing every deletion)."""

    stage: str
    reason: str
    text: str


class Repair(NamedTuple):
    """A local repair: `before` at character `offset` (in the stage's input text) became `after`."""

    stage: str
    kind: str
    before: str
    after: str
    offset: int


@dataclass(slots=True)
class Document:
    """One document on its way from raw bytes to a corpus row.

    `segment` and `id` are assigned once, when the document leaves the pipeline
    (`assign_ids`): the segment is the position among the outputs of its source, and the id is
    derived from the source identity and the segment, never from the text, so re-running a
    changed pipeline over the same inputs keeps ids stable. Until then both are provisional.
    `byte_start`/`byte_end` delimit the raw source bytes this document came from.
    """

    text: str
    source: str
    source_sha256: str
    id: str = ""
    segment: int = 0
    byte_start: int = 0
    byte_end: int = 0
    encoding: str | None = None
    encoding_confidence: float | None = None
    undecodable_bytes: int = 0
    title: str | None = None
    script: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    signals: dict[str, float] = field(default_factory=dict)
    stages: list[StageRecord] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    # The whole source's bytes (shared, not copied, between segments). Not written to rows;
    # kept so that a reject can carry its raw bytes and a splitter can map byte ranges.
    raw: bytes | None = field(default=None, repr=False)
    # A charset the container names (an HTTP header, a WARC record, an HTML meta tag): a hint
    # for the decoder from the reader. Not written to rows.
    declared_encoding: str | None = None
    # Memo for `utf8_size`: (the text object it measured, its size). Not part of the value.
    _utf8_memo: tuple[str, int] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_bytes(cls, source: str, raw: bytes, sha256: str | None = None) -> Document:
        """A fresh, undecoded document for a whole source file."""
        digest = sha256 or hashlib.sha256(raw).hexdigest()
        return cls(
            text="",
            source=source,
            source_sha256=digest,
            byte_start=0,
            byte_end=len(raw),
            raw=raw,
        )

    def segment_copy(self, text: str, byte_start: int, byte_end: int) -> Document:
        """A new document for one part of this one (its text and byte range), inheriting its
        provenance so far. Its segment and id are assigned when it leaves the pipeline."""
        return Document(
            text=text,
            source=self.source,
            source_sha256=self.source_sha256,
            byte_start=byte_start,
            byte_end=byte_end,
            encoding=self.encoding,
            encoding_confidence=self.encoding_confidence,
            undecodable_bytes=self.undecodable_bytes,
            title=self.title,
            script=self.script,
            meta=dict(self.meta),
            signals=dict(self.signals),
            stages=list(self.stages),
            removed=list(self.removed),
            repairs=list(self.repairs),
            raw=self.raw,
        )

    def utf8_size(self) -> int:
        """The UTF-8 size of `text` in bytes (lone surrogates count 3).

        Remembered for the current text object: most stages hand back the very same string when
        they change nothing, so the pipeline's per-stage byte counts encode a text only after a
        stage changed it, not once per stage. Measured (2026-12-02, 2-core machine under load):
        encoding every text of the 10 MB seeds-mix benchmark corpus 11 times (once per stage)
        takes 2.2 s, against a 5 s run. tests/test_document.py checks it against encoding.
        """
        text, memo = self.text, self._utf8_memo
        if memo is not None and memo[0] is text:
            return memo[1]
        n = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
        self._utf8_memo = (text, n)
        return n

    @property
    def raw_slice(self) -> bytes:
        """The raw source bytes this document covers (empty if the bytes were dropped)."""
        if self.raw is None:
            return b""
        return self.raw[self.byte_start : self.byte_end]


def make_id(source_sha256: str, source: str, segment: int) -> str:
    """Stable id from the source identity (content hash and path) and the segment index.

    The path is part of the identity so that two copies of one file stay two documents;
    the content hash makes an edited file a new document.
    """
    h = hashlib.blake2b(digest_size=12)
    h.update(source_sha256.encode("ascii"))
    h.update(b"\0")
    h.update(source.encode("utf-8", "surrogateescape"))
    h.update(b"\0")
    h.update(str(segment).encode("ascii"))
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class Reject:
    """A document (or a part of one) that cannot become a row, with the reason why.

    Nothing is lost: the reject keeps the raw bytes it stands for.
    """

    source: str
    source_sha256: str
    reason: str
    stage: str
    detail: str
    raw: bytes
    segment: int = 0
    byte_start: int = 0
    byte_end: int = 0

    @classmethod
    def of(cls, doc: Document, stage: str, reason: str, detail: str = "") -> Reject:
        return cls(
            source=doc.source,
            source_sha256=doc.source_sha256,
            reason=reason,
            stage=stage,
            detail=detail,
            raw=doc.raw_slice,
            segment=doc.segment,
            byte_start=doc.byte_start,
            byte_end=doc.byte_end,
        )


def assign_ids(items: Iterable[Document | Reject]) -> Iterator[Document | Reject]:
    """Give every output its segment and id: the one place a document's identity is set.

    The outputs of one source arrive together and in order (the pipeline keeps input order), so
    they are numbered 0, 1, 2… as they come: the articles split from a page, the chunks of a
    large file and the articles inside them, and the rejects among them, each get their own
    segment. A source read twice in a row counts on (no two rows share an id).
    """
    source, n = None, 0
    for item in items:
        if item.source != source:
            source, n = item.source, 0
        if isinstance(item, Reject):
            if item.segment != n:
                item = dataclasses.replace(item, segment=n)
        else:
            item.segment = n
            item.id = make_id(item.source_sha256, item.source, n)
        n += 1
        yield item


Item = Union[Document, Reject]
