"""Atomic file writes: a reader never sees a half-written output file."""

from __future__ import annotations

import json
import os
from typing import Any


def tmp_path(path: str) -> str:
    """The temporary name a file is written under before its atomic rename."""
    d, name = os.path.split(path)
    return os.path.join(d, f".{name}.tmp-{os.getpid()}")


def commit(tmp: str, final: str) -> None:
    """Flush `tmp` to disk and rename it to `final` (atomic on POSIX filesystems)."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, final)


def write_json_atomic(path: str, data: Any) -> None:
    tmp = tmp_path(path)
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2, sort_keys=False)
        fh.write("\n")
    commit(tmp, path)
