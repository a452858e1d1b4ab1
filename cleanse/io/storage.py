"""Where a run reads and writes: a local directory, or any pyarrow filesystem URI.

A plain path uses the operating system directly (fsync + rename: atomic and durable). A URI
(`s3://bucket/corpus`, `gs://…`, `hdfs://…`, `file:///shared/corpus`) goes through
`pyarrow.fs`: files are written under a hidden temporary name and then moved into place. On
object stores a move is a server-side copy plus a delete, and a copy appears whole or not at
all, so a reader still never sees a partial `part-*.parquet`; a killed run may leave a hidden
temporary object, which the next run deletes.

On the local disk every path written or deleted must lie inside the output directory once
symlinks are resolved (`Storage.local_path`): a symlink planted inside it (`OUT/rejects ->
/elsewhere`) makes the run stop with `OutsideOutput` before anything is written or deleted
there, and `--overwrite` never deletes outside.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

import pyarrow.fs as pafs
import pyarrow.parquet as pq



class OutputError(RuntimeError):
    """The output directory cannot be used (it is a file, unreachable, locked, or unsafe)."""


class OutsideOutput(OutputError):
    """A path to write or delete resolves (through a symlink) outside the output directory."""


def is_within(path: str, root: str) -> bool:
    """Whether `path` is `root` or below it (both real, absolute paths)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def commit_local(tmp: str, final: str) -> None:
    """Flush `tmp` to disk and rename it to `final` (atomic on POSIX filesystems)."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, final)


def is_uri(path: str) -> bool:
    """A `scheme://…` location (handled by pyarrow.fs) rather than an operating-system path."""
    scheme, sep, _ = path.partition("://")
    return bool(sep) and scheme.isalnum() and len(scheme) > 1


def is_tmp_name(name: str) -> bool:
    """Temporary files of an unfinished write (see `Storage.tmp`)."""
    return name.startswith(".") and ".tmp-" in name


class Storage:
    """A directory on the local disk or on a pyarrow filesystem; paths are relative to it."""

    def __init__(self, location: str):
        self.location = location
        if is_uri(location):
            self.fs, root = pafs.FileSystem.from_uri(location)
            self.local = False
            self.root = root.rstrip("/")
            self._sep = "/"
        else:
            self.fs = pafs.LocalFileSystem()
            self.local = True
            self.root = location
            self._sep = os.sep

    # --- paths --------------------------------------------------------------------------
    def path(self, rel: str = "") -> str:
        """The full path of `rel` (for the local disk, an OS path; otherwise a path in `fs`)."""
        if not rel:
            return self.root
        return os.path.join(self.root, rel) if self.local else posixpath.join(self.root, rel)

    def local_path(self, rel: str, is_dir: bool = False) -> str:
        """The OS path of `rel` for writing or deleting: its directory (for a directory, the
        path itself) must resolve inside the output directory, else `OutsideOutput`. (The
        file itself may be a symlink: a rename replaces the link, a delete removes the link.)"""
        full = self.path(rel)
        if rel:
            real = os.path.realpath(full if is_dir else os.path.dirname(full))
            root = os.path.realpath(self.root)
            if not is_within(real, root):
                raise OutsideOutput(
                    f"refusing to write or delete {full}: it resolves to {real}, outside the output directory "
                    f"{self.location} (a symlink inside it?); remove the link or choose another --output")
        return full

    def tmp(self, rel: str) -> str:
        """A hidden, unique temporary name next to `rel` (unique across processes and hosts)."""
        d, name = posixpath.split(rel)
        return posixpath.join(d, f".{name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")

    # --- reading ------------------------------------------------------------------------
    def exists(self, rel: str) -> bool:
        if self.local:
            return os.path.exists(self.path(rel))
        return self.fs.get_file_info(self.path(rel)).type != pafs.FileType.NotFound

    def read_json(self, rel: str) -> Any:
        if self.local:
            with open(self.path(rel), encoding="utf-8") as fh:
                return json.load(fh)
        with self.fs.open_input_stream(self.path(rel)) as fh:
            return json.loads(fh.read().decode("utf-8"))

    def checksum(self, rel: str) -> dict[str, Any]:
        """`{"bytes": size, "sha256": hex}` of the file at `rel` (streamed)."""
        h, n = hashlib.sha256(), 0
        fh: Any = open(self.path(rel), "rb") if self.local else self.fs.open_input_stream(self.path(rel))
        with fh:
            while block := fh.read(1 << 20):
                h.update(block)
                n += len(block)
        return {"bytes": n, "sha256": h.hexdigest()}

    def parquet_file(self, rel: str) -> pq.ParquetFile:
        """The Parquet file at `rel`, opened for reading (metadata, batches, columns)."""
        return pq.ParquetFile(self.path(rel), filesystem=None if self.local else self.fs)

    def list_files(self, rel: str = "", recursive: bool = False) -> list[str]:
        """Relative paths of the files under `rel`, sorted."""
        base = self.path(rel)
        if self.fs.get_file_info(base).type != pafs.FileType.Directory:
            return []
        infos = self.fs.get_file_info(pafs.FileSelector(base, recursive=recursive))
        root = self.fs.normalize_path(self.root) if not self.local else os.path.abspath(self.root)
        out = []
        for info in infos:
            if info.type != pafs.FileType.File:
                continue
            p = info.path if not self.local else os.path.abspath(info.path)
            out.append(p[len(root):].lstrip("/" + os.sep))
        return sorted(out)

    # --- writing ------------------------------------------------------------------------
    def makedirs(self, rel: str = "") -> None:
        if self.local:
            os.makedirs(self.local_path(rel, is_dir=True), exist_ok=True)
        else:
            self.fs.create_dir(self.path(rel), recursive=True)

    def commit(self, tmp_rel: str, rel: str) -> None:
        """Move a finished temporary file to its final name (atomic where the filesystem is)."""
        if self.local:
            commit_local(self.local_path(tmp_rel), self.local_path(rel))
        else:
            self.fs.move(self.path(tmp_rel), self.path(rel))

    @contextmanager
    def open_atomic(self, rel: str) -> Iterator[BinaryIO]:
        """A binary stream for writing `rel` piece by piece; the file appears only when the
        block exits without an exception (otherwise the temporary file is deleted)."""
        tmp = self.tmp(rel)
        fh: Any = open(self.local_path(tmp), "wb") if self.local else self.fs.open_output_stream(self.path(tmp))
        try:
            with fh:
                yield fh
        except BaseException:
            self.delete_file(tmp)
            raise
        self.commit(tmp, rel)

    def write_bytes_atomic(self, rel: str, data: bytes) -> None:
        tmp = self.tmp(rel)
        if self.local:
            with open(self.local_path(tmp), "wb") as fh:
                fh.write(data)
        else:
            with self.fs.open_output_stream(self.path(tmp)) as fh:
                fh.write(data)
        self.commit(tmp, rel)

    def write_json_atomic(self, rel: str, data: Any, indent: int | None = 2) -> None:
        blob = json.dumps(data, ensure_ascii=False, indent=indent) + "\n"
        self.write_bytes_atomic(rel, blob.encode("utf-8"))

    def delete_file(self, rel: str) -> None:
        try:
            if self.local:
                os.remove(self.local_path(rel))
            else:
                self.fs.delete_file(self.path(rel))
        except FileNotFoundError:
            pass  # already gone: deleting is idempotent

    def delete_dir(self, rel: str) -> None:
        if self.local:
            shutil.rmtree(self.local_path(rel, is_dir=True), ignore_errors=True)
        elif self.exists(rel):
            self.fs.delete_dir(self.path(rel))

    def __repr__(self) -> str:
        return f"Storage({self.location!r})"
