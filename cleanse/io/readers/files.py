"""Plain files: one document per file, or line-aligned chunks of a large one (`cleanse.io.chunks`)."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import pyarrow.fs as pafs

from cleanse.document import Document, Reject
from cleanse.io.chunks import CHUNK_BYTES, ChunkedSource
from cleanse.io.readers.base import Opened, Reader, SourceInfo
from cleanse.io.sources import SourceFile
from cleanse.io.storage import is_uri


class NotRegularFile(OSError):
    """A FIFO, socket or device where a file was expected."""


def open_regular(path: str) -> BinaryIO:
    """`open(path, "rb")` for a regular file only, else `NotRegularFile`. Opened without
    blocking (a FIFO with no writer would block `open` forever) and checked on the open
    descriptor (no window between a check and the open). A device (`/dev/zero`, reached
    through a symlink) would read until memory runs out."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "FIFO" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device" \
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "directory" if stat.S_ISDIR(mode) else "special file"
            raise NotRegularFile(f"not a regular file ({kind}): not read")
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _read_regular(path: str) -> bytes:
    with open_regular(path) as fh:
        return fh.read()


def read_source(src: SourceFile) -> Document | Reject:
    """Read one file as bytes into an undecoded document (or a reject if it cannot be read)."""
    try:
        if is_uri(src.path):
            fs, path = pafs.FileSystem.from_uri(src.path)
            with fs.open_input_stream(path) as stream:
                raw = stream.read()
        else:
            raw = _read_regular(src.path)
    except NotRegularFile as exc:
        return Reject(src.name, "", "not_regular_file", "read", str(exc), b"")
    except OSError as exc:
        return Reject(src.name, "", "unreadable", "read", f"{type(exc).__name__}: {exc}", b"")
    return Document.from_bytes(src.name, raw, hashlib.sha256(raw).hexdigest())


def read_sources(sources: Iterable[SourceFile | str]) -> Iterator[Document | Reject]:
    """Stream documents from files, one file in memory at a time."""
    for s in sources:
        yield read_source(s if isinstance(s, SourceFile) else SourceFile(s, 0))


class FileReader(Reader):
    """A file as one document; a file larger than `chunk_bytes` as consecutive line-aligned
    chunks (manifest field `chunks` when there are several)."""

    name = "file"

    def __init__(self, chunk_bytes: int = CHUNK_BYTES):
        self.chunk_bytes = chunk_bytes

    def open(self, src: SourceFile) -> Opened:
        if src.size > self.chunk_bytes:
            chunks = ChunkedSource(src.path, src.size, self.chunk_bytes, name=src.name)
            extra = {"chunks": len(chunks)} if len(chunks) > 1 else {}
            return Opened(SourceInfo(chunks.sha256, src.size, extra), iter(chunks))
        item = read_source(src)
        size = len(item.raw) if isinstance(item, Document) and item.raw is not None else src.size
        return Opened(SourceInfo(item.source_sha256, size), iter((item,)))
