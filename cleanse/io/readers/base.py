"""The reader interface (described in `cleanse.io.readers`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from cleanse.document import Document, Reject
from cleanse.io.sources import SourceFile


@dataclass(slots=True)
class SourceInfo:
    """What the manifest records about one input (complete once its records are read)."""

    sha256: str | None
    bytes: int
    extra: dict[str, Any] = field(default_factory=dict)

    def manifest_fields(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "bytes": self.bytes, **self.extra}


@dataclass(slots=True)
class Opened:
    """An input opened by a reader: its manifest facts and its records (read lazily)."""

    info: SourceInfo
    records: Iterator[Document | Reject]


class Reader(ABC):
    """Turns one input file into undecoded documents and rejects."""

    name: ClassVar[str]

    @abstractmethod
    def open(self, src: SourceFile) -> Opened:
        """Open `src`; must not raise for a bad file (an unreadable file is a `Reject` record)."""

    def parts(self, src: SourceFile, max_bytes: int) -> list[Any] | None:
        """How to cut a large `src` into parts of about `max_bytes` for several shards (each
        passed back as `open(src, part=…)`), or None: read it whole (the default)."""
        return None

    def config(self) -> dict[str, Any]:
        """The options that change what the reader produces (part of a run's identity)."""
        return {}
