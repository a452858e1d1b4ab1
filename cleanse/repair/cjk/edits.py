"""The data model of a repair candidate: an `Edit` replaces text[start:end] by pieces, each a
string or a `Slot` (a lost character, decided later by `lost.resolve`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Slot:
    """A lost character: what is known about it, and the debris it replaces."""

    debris: str
    lead: int | None = None
    trail: int | None = None
    reading: str | None = None
    # For a lost character whose trail byte the decoder replaced by `?` (a lenient GBK
    # decoder emits `?` for a byte that does not pair with the next one and resumes there):
    # the first byte after the `?` (-1: end of text). Its trail byte then is one that does
    # not pair with that byte, which leaves a handful of characters instead of ~190. Not
    # every decoder works that way (seed 004's `芾?、` lost 理, whose ED pairs with 、's A1),
    # so those characters are preferred (marked_prior), not required.
    marked_before: int | None = None
    # The characters it may have been, when its damage family knows them (big5.py); None:
    # from its bytes in GBK or its reading (`lost.candidates`).
    choices: tuple[str, ...] | None = None
    # Not restored: stays one U+FFFD, recorded as `lost` (True), or is removed (False).
    mark: bool = False


@dataclass(slots=True)
class Edit:
    start: int
    end: int
    kind: str  # a repair kind (kinds.py)
    pieces: list  # list[str | Slot]
    gain: float
