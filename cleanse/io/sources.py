"""Finding input files: paths, directories, globs and URIs → a sorted list of `SourceFile`s.

Reading them is `cleanse.io.readers`."""

from __future__ import annotations

import glob
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pyarrow.fs as pafs

from cleanse.io.storage import is_uri

log = logging.getLogger("cleanse.inputs")


class InputError(ValueError):
    """An input argument that names nothing (raised before any work starts)."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input file: the path as the user would recognise it, and its size."""

    path: str
    size: int


def _is_glob(p: str) -> bool:
    return any(c in p for c in "*?[")


def expand_inputs(inputs: Sequence[str], follow_symlinks: bool = False) -> list[SourceFile]:
    """Files, directories (recursively) and globs → a sorted, de-duplicated list of files.

    Hidden files and directories (names starting with '.') inside a directory are skipped.
    The order is the same on every run and machine (sorted by path), which is what makes ids
    and row order reproducible. Raises `InputError` naming every input that matches nothing.
    Symlinks found inside a directory are read only when they stay inside it, unless
    `follow_symlinks` (`_walk`); a path named on the command line is always read.
    """
    found: dict[str, SourceFile] = {}
    missing: list[str] = []
    for item in inputs:
        if is_uri(item):
            uri_files = list_uri_files(item)
            if not uri_files:
                missing.append(f"{item} (no such file or directory, or an empty directory)")
            for f in uri_files:
                found.setdefault(f.path, f)
            continue
        if os.path.isdir(item):
            paths = list(_walk(item, follow_symlinks))
        elif os.path.isfile(item):
            paths = [item]
        elif _is_glob(item):
            paths = []
            for m in glob.glob(item, recursive=True):
                paths.extend(_walk(m, follow_symlinks) if os.path.isdir(m) else [m])
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


def _walk(root: str, follow_symlinks: bool = False) -> Iterator[str]:
    """The files under `root`, sorted. A symlink whose target lies outside `root` (after
    resolving every link) is skipped with a warning unless `follow_symlinks`: a planted
    `page.txt -> /etc/passwd` must not become a row. An unreadable directory is a warning
    line, not a silent gap."""
    real_root = os.path.realpath(root)

    def unreadable(exc: OSError) -> None:
        log.warning("input directory not readable, skipped: %s (%s)", exc.filename, exc.strerror)

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = os.path.join(dirpath, name)
            if not follow_symlinks and os.path.islink(path) and not _inside(os.path.realpath(path), real_root):
                log.warning("symlink out of the input root, skipped: %s -> %s", path, os.path.realpath(path))
                continue
            yield path


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def list_uri_files(uri: str) -> list[SourceFile]:
    """The files at a pyarrow filesystem URI (a file, or a directory listed recursively;
    hidden names skipped), as `scheme://path` URIs. Globs are not expanded on URIs."""
    scheme = uri.partition("://")[0]
    fs, root = pafs.FileSystem.from_uri(uri)
    info = fs.get_file_info(root)
    if info.type == pafs.FileType.File:
        infos = [info]
    elif info.type == pafs.FileType.Directory:
        infos = fs.get_file_info(pafs.FileSelector(root, recursive=True))
    else:
        return []
    base = info.path
    out = []
    for i in infos:
        rel = i.path[len(base):] if i.path.startswith(base) else i.path
        if i.type == pafs.FileType.File and not any(part.startswith(".") for part in rel.split("/") if part):
            out.append(SourceFile(f"{scheme}://{i.path}", i.size or 0))
    return out
