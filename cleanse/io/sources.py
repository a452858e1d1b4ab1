"""Finding input files: paths, directories, globs and URIs → a sorted list of `SourceFile`s.

Reading them is `cleanse.io.readers`."""

from __future__ import annotations

import glob
import logging
import os
import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pyarrow.fs as pafs

from cleanse.io.storage import is_uri

log = logging.getLogger("cleanse.inputs")


class InputError(ValueError):
    """An input argument that names nothing (raised before any work starts)."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input file: where to read it (`path`, as given or found), its size, and its
    canonical `name` — what the `source` column, ids and a run's identity are made of.

    The name does not depend on the working directory or on how a path was typed: a file
    found in a directory argument `D` is `basename(D)/relative/path` (`/` separators), a file
    given by itself is its base name, a file matched by a glob is named from the glob's
    literal directory like a directory argument, and URIs are named the same way. `name` defaults to
    `path` (for `SourceFile`s built by hand).
    """

    path: str
    size: int
    name: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.path)


def escape_name(name: str) -> str:
    """A file name or path as text that is always valid UTF-8, losslessly.

    POSIX file names are bytes; Python gives the bytes that are not UTF-8 as lone surrogates
    (`surrogateescape`), which no Parquet or JSON writer accepts (a GBK-encoded name aborted
    the whole run). A name that is valid UTF-8 and holds no backslash is returned unchanged
    (nearly every name: ids do not move). Otherwise every backslash is doubled and every byte
    that is not part of valid UTF-8 becomes `\\xNN` (two lower-case hex digits): `中文.txt`
    encoded in GBK is `\\xd6\\xd0\\xce\\xc4.txt`. Two different names never escape to
    the same text, and `unescape_name` gives the original bytes back."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        if "\\" not in name:
            return name
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte (not from the OS)
        raw = name.encode("utf-8", "surrogatepass")
    return raw.replace(b"\\", b"\\\\").decode("utf-8", "backslashreplace")


_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2})")


def unescape_name(text: str) -> bytes:
    """The bytes of a name escaped by `escape_name` (for a name that was not escaped, its UTF-8)."""
    if "\\" not in text:
        return text.encode("utf-8")
    out, pos = bytearray(), 0
    for m in _ESCAPE.finditer(text):
        out += text[pos:m.start()].encode("utf-8")
        out += b"\\" if m.group(1) == "\\" else bytes([int(m.group(1)[1:], 16)])
        pos = m.end()
    return bytes(out + text[pos:].encode("utf-8"))


class Inputs(list[SourceFile]):
    """What `expand_inputs` found: the files to read (a list), and in `skipped` what was found
    but is not read, each `{"path", "reason", "detail"}` with reason `unreadable_directory`
    or `symlink_outside_root` (also logged as a warning line). The run counts them in its
    manifest (`counts.inputs_skipped`, `skipped_inputs`)."""

    def __init__(self, files: Sequence[SourceFile] = (), skipped: Sequence[dict[str, str]] = ()):
        super().__init__(files)
        self.skipped: list[dict[str, str]] = list(skipped)


def _is_glob(p: str) -> bool:
    return any(c in p for c in "*?[")


def expand_inputs(inputs: Sequence[str], follow_symlinks: bool = False) -> Inputs:
    """Files, directories (recursively) and globs → a sorted, de-duplicated list of files.

    Hidden files and directories (names starting with '.') inside a directory are skipped.
    The order is the same on every run and machine (sorted by canonical name, see
    `SourceFile`), which is what makes ids and row order reproducible whatever the working
    directory. Raises `InputError` naming every input that matches nothing, and two different
    files that would get the same name.
    Symlinks found inside a directory are read only when they stay inside it, unless
    `follow_symlinks` (`_walk`); a path named on the command line is always read. What a
    directory holds but is not read (an unreadable subdirectory, a skipped symlink) is in the
    result's `skipped` (`Inputs`).
    """
    found: dict[str, SourceFile] = {}  # by real path: one file given twice is read once
    skipped: list[dict[str, str]] = []
    missing: list[str] = []
    for item in inputs:
        if is_uri(item):
            uri_files = list_uri_files(item)
            if not uri_files:
                missing.append(f"{item} (no such file or directory, or an empty directory)")
            for f in uri_files:
                found.setdefault(f.path, f)
            continue
        named: list[tuple[str, str]]  # (path, canonical name)
        if os.path.isdir(item):
            named = [(p, _name_in(item, p)) for p in _walk(item, follow_symlinks, skipped)]
        elif os.path.isfile(item):
            named = [(item, escape_name(os.path.basename(os.path.realpath(item))))]
        elif _is_glob(item):
            base = _glob_base(item)
            named = []
            for m in glob.glob(item, recursive=True):
                named.extend((p, _name_in(base, p)) for p in (_walk(m, follow_symlinks, skipped) if os.path.isdir(m) else [m]))
            if not named:
                missing.append(f"{item} (glob matched nothing)")
        else:
            missing.append(f"{item} (no such file or directory)")
            continue
        for p, name in named:
            norm = os.path.normpath(p)
            key = os.path.realpath(norm)
            if key not in found:
                try:
                    size = os.path.getsize(norm)
                except OSError:
                    size = 0  # unreadable: the reader turns it into a reject with the reason
                found[key] = SourceFile(norm, size, name)
    if missing:
        raise InputError("input not found: " + "; ".join(missing))
    by_name: dict[str, SourceFile] = {}
    for f in found.values():
        other = by_name.setdefault(f.name, f)
        if other is not f:
            raise InputError(f"two inputs have the same name {f.name!r} ({other.path} and {f.path}); "
                             f"give their directories instead, or rename one")
    return Inputs([by_name[k] for k in sorted(by_name)], sorted(skipped, key=lambda d: d["path"]))


def _name_in(root: str, path: str) -> str:
    """The canonical name of `path` found under the directory `root`: `basename(root)/rel`."""
    real_root = os.path.realpath(root)
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    parts = [os.path.basename(real_root) or "root", *rel.split(os.sep)]
    return escape_name("/".join(p for p in parts if p not in ("", ".")))


def _glob_base(pattern: str) -> str:
    """The literal directory a glob starts from (`data/2024/*.txt` -> `data/2024`)."""
    parts = pattern.split(os.sep)
    literal = []
    for part in parts[:-1]:
        if _is_glob(part):
            break
        literal.append(part)
    return os.sep.join(literal) or ("." if not pattern.startswith(os.sep) else os.sep)


def _walk(root: str, follow_symlinks: bool = False, skipped: list[dict[str, str]] | None = None) -> Iterator[str]:
    """The files under `root`, sorted. A symlink whose target lies outside `root` (after
    resolving every link) is skipped with a warning unless `follow_symlinks`: a planted
    `page.txt -> /etc/passwd` must not become a row. An unreadable directory is a warning
    line, not a silent gap. Both are appended to `skipped` (see `Inputs`)."""
    real_root = os.path.realpath(root)
    skipped = [] if skipped is None else skipped

    def unreadable(exc: OSError) -> None:
        log.warning("input directory not readable, skipped: %s (%s)", exc.filename, exc.strerror)
        skipped.append({"path": escape_name(str(exc.filename)), "reason": "unreadable_directory",
                        "detail": f"{type(exc).__name__}: {exc.strerror}"})

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = os.path.join(dirpath, name)
            if not follow_symlinks and os.path.islink(path) and not _inside(os.path.realpath(path), real_root):
                target = os.path.realpath(path)
                log.warning("symlink out of the input root, skipped: %s -> %s", path, target)
                skipped.append({"path": escape_name(path), "reason": "symlink_outside_root",
                                "detail": f"-> {escape_name(target)} (--follow-symlinks reads it)"})
                continue
            yield path


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def list_uri_files(uri: str) -> list[SourceFile]:
    """The files at a pyarrow filesystem URI (a file, or a directory listed recursively;
    hidden names skipped), as `scheme://path` URIs named like local files (a directory's files
    `basename(dir)/rel`, so a corpus has the same names and ids on a local disk and on an
    object store). Globs are not expanded on URIs."""
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
    top = posixpath.basename(base.rstrip("/")) or "root"
    out = []
    for i in infos:
        rel = i.path[len(base):] if i.path.startswith(base) else i.path
        if i.type == pafs.FileType.File and not any(part.startswith(".") for part in rel.split("/") if part):
            name = top if info.type == pafs.FileType.File else posixpath.join(top, rel.strip("/"))
            out.append(SourceFile(f"{scheme}://{i.path}", i.size or 0, name))
    return out
