"""Readers: one input file → undecoded documents (and rejects), plus what the manifest records.

The interface (`cleanse.io.readers.base`):

    class Reader(ABC):
        name: ClassVar[str]
        def open(self, src: SourceFile) -> Opened: ...

    @dataclass
    class Opened:
        info: SourceInfo                            # what the manifest records about the input
        records: Iterator[Document | Reject]        # read lazily, in the input's order

    @dataclass
    class SourceInfo:
        sha256: str | None                          # of the whole input file ("": unreadable)
        bytes: int                                  # its size
        extra: dict[str, Any]                       # reader-specific manifest fields, e.g. {"chunks": 3}

A record is an undecoded `Document`: `text=""`, `source` (the input's path as given),
`source_sha256` (of the whole file), `raw` (bytes or anything sliceable like bytes, e.g.
`SourceBytes`), `byte_start`/`byte_end` (the record's exact range in `raw`, so a row can point
back into the file), and optionally `meta` (e.g. {"url": …} from a WARC header) and
`declared_encoding` (a charset named by the container, a hint for the decoder). Or a `Reject`
(reason, detail, raw bytes) for what cannot be read. Readers set no `segment` or `id`: the
pipeline numbers a source's outputs in order (`cleanse.document.assign_ids`). `info` may be
completed while `records` is consumed (a streaming format hashes as it reads); the executor
writes it to the manifest after the shard's records are all processed.

Readers here: `FileReader` (`files.py`: a file as one document, or line-aligned chunks of a
large one).
"""

from cleanse.io.readers.base import Opened, Reader, SourceInfo
from cleanse.io.readers.files import FileReader, read_source, read_sources

__all__ = ["FileReader", "Opened", "Reader", "SourceInfo", "read_source", "read_sources"]
