"""Finding input files (paths, directories, globs) and reading them as documents."""

from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from cleanse.document import Document, Reject


class InputError(ValueError):
    """An input argument that names nothing (raised before any work starts)."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input file: the path as the user would recognise it, and its size."""

    path: str
    size: int


def _is_glob(p: str) -> bool:
    return any(c in p for c in "*?[")


def expand_inputs(inputs: Sequence[str]) -> list[SourceFile]:
    """Files, directories (recursively) and globs → a sorted, de-duplicated list of files.

    Hidden files and directories (names starting with '.') inside a directory are skipped.
    The order is the same on every run and machine (sorted by path), which is what makes ids
    and row order reproducible. Raises `InputError` naming every input that matches nothing.
    """
    found: dict[str, SourceFile] = {}
    missing: list[str] = []
    for item in inputs:
        if os.path.isdir(item):
            paths = list(_walk(item))
        elif os.path.isfile(item):
            paths = [item]
        elif _is_glob(item):
            paths = []
            for m in glob.glob(item, recursive=True):
                paths.extend(_walk(m) if os.path.isdir(m) else [m])
            if not paths:
                missing.append(f"{item} (glob matched nothing)")
        else:
            missing.append(f"{item} (no such file or directory)")
            continue
        for p in paths:
            norm = os.path.normpath(p)
            if norm not in found:
                try:
                    size = os.path.getsize(norm)
                except OSError:
                    size = 0  # unreadable: the reader turns it into a reject with the reason
                found[norm] = SourceFile(norm, size)
    if missing:
        raise InputError("input not found: " + "; ".join(missing))
    return [found[k] for k in sorted(found)]


def _walk(root: str) -> Iterator[str]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield os.path.join(dirpath, name)


def read_source(src: SourceFile) -> Document | Reject:
    """Read one file as bytes into an undecoded document (or a reject if it cannot be read)."""
    try:
        with open(src.path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        return Reject(src.path, "", "unreadable", "read", f"{type(exc).__name__}: {exc}", b"")
    return Document.from_bytes(src.path, raw, hashlib.sha256(raw).hexdigest())


def read_sources(sources: Iterable[SourceFile | str]) -> Iterator[Document | Reject]:
    """Stream documents from files, one file in memory at a time."""
    for s in sources:
        yield read_source(s if isinstance(s, SourceFile) else SourceFile(s, 0))
