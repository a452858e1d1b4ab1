"""Plain files: one document per file, or line-aligned chunks of a large one (`cleanse.io.chunks`)."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import pyarrow.fs as pafs

from cleanse.document import Document, Reject
from cleanse.io.chunks import CHUNK_BYTES, ChunkedSource, SourceChanged, file_version
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


# Times a small file that changed while it was read is read again before it is a reject.
REREADS = 2


def _read_regular(path: str, name: str) -> bytes:
    """The file's bytes, read whole, as one version of it: its size and modification time
    (`fstat` on the open descriptor) are the same before and after the read and the size is
    what was read; else it is read again, up to `REREADS` times, then `SourceChanged`."""
    with open_regular(path) as fh:
        for _ in range(REREADS + 1):
            before = file_version(fh)
            fh.seek(0)
            raw = fh.read()
            after = file_version(fh)
            if before == after and len(raw) == after[0]:
                return raw
        raise SourceChanged(name, f"{before[0]} bytes before a read, {len(raw)} read, {after[0]} after; "
                                  f"{REREADS + 1} reads")


def read_source(src: SourceFile) -> Document | Reject:
    """Read one file as bytes into an undecoded document (or a reject if it cannot be read)."""
    try:
        if is_uri(src.path):
            fs, path = pafs.FileSystem.from_uri(src.path)
            with fs.open_input_stream(path) as stream:
                raw = stream.read()
        else:
            raw = _read_regular(src.path, src.name)
    except SourceChanged as exc:
        return Reject(src.name, "", "changed_while_read", "read", exc.detail, b"")
    except NotRegularFile as exc:
        return Reject(src.name, "", "not_regular_file", "read", str(exc), b"")
    except OSError as exc:
        return Reject(src.name, "", "unreadable", "read", f"{type(exc).__name__}: {exc}", b"")
    return Document.from_bytes(src.name, raw, hashlib.sha256(raw).hexdigest())


def read_sources(sources: Iterable[SourceFile | str]) -> Iterator[Document | Reject]:
    """Stream documents from files, one file in memory at a time."""
    for s in sources:
        yield read_source(s if isinstance(s, SourceFile) else SourceFile(s, 0))


def _rejected(src: SourceFile, reason: str, detail: str) -> Opened:
    return Opened(SourceInfo("", src.size), iter((Reject(src.name, "", reason, "read", detail, b""),)))


class FileReader(Reader):
    """A file as one document; a file larger than `chunk_bytes` as consecutive line-aligned
    chunks (manifest field `chunks` when there are several)."""

    name = "file"

    def __init__(self, chunk_bytes: int = CHUNK_BYTES):
        self.chunk_bytes = chunk_bytes

    def open(self, src: SourceFile) -> Opened:
        if src.size > self.chunk_bytes:
            try:
                chunks = self._chunked(src)
            except SourceChanged:
                raise  # read again by the executor (`process_shard`)
            except NotRegularFile as exc:
                return _rejected(src, "not_regular_file", str(exc))
            except OSError as exc:  # unreadable, or deleted since the inputs were listed
                return _rejected(src, "unreadable", f"{type(exc).__name__}: {exc}")
            extra = {"chunks": len(chunks)} if len(chunks) > 1 else {}
            return Opened(SourceInfo(chunks.sha256, chunks.data.size, extra), iter(chunks))
        item = read_source(src)
        size = len(item.raw) if isinstance(item, Document) and item.raw is not None else src.size
        return Opened(SourceInfo(item.source_sha256, size), iter((item,)))

    def _chunked(self, src: SourceFile) -> ChunkedSource:
        if is_uri(src.path):
            return ChunkedSource(src.path, src.size, self.chunk_bytes, name=src.name)
        fh = open_regular(src.path)
        try:
            return ChunkedSource(src.path, src.size, self.chunk_bytes, name=src.name, fh=fh)
        except BaseException:
            fh.close()
            raise
