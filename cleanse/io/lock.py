"""Safe output directories: one run at a time, never into a file, never into someone else's files.

`output_lock(storage)` holds `OUT/_lock` for the whole run:
- on a local disk with `fcntl.flock` (exclusive, non-blocking). The operating system drops
  the lock when the process holding it dies, however it dies, so a `_lock` file left by a
  killed run is recognised as stale (nobody holds it) and taken over, with a log line;
- on a pyarrow filesystem URI (object stores have no locks) by writing `_lock` with the
  holder's host, pid and start time: a lock of a dead process on this host is stale and taken
  over; any other is refused, and the message says to delete `_lock` if no run is active.

A second run on a locked directory raises `OutputLocked` naming the holder. `check_output`
refuses an output that is a file, or whose storage cannot be reached.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow.fs as pafs

from cleanse.io.layout import LOCK_FILE
from cleanse.io.storage import OutputError, Storage

log = logging.getLogger("cleanse.lock")




class OutputLocked(OutputError):
    """Another run holds the output directory's lock."""


def check_output(storage: Storage) -> None:
    """Raise `OutputError` unless `storage` is (or can become) a directory."""
    try:
        kind = storage.fs.get_file_info(storage.path()).type
    except (OSError, ValueError) as exc:  # pyarrow raises OSError subclasses for unreachable stores
        raise OutputError(f"cannot reach the output {storage.location}: {_one_line(exc)}") from exc
    if kind == pafs.FileType.File:
        raise OutputError(f"the output {storage.location} is a file, not a directory")


def _one_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _holder() -> dict[str, Any]:
    return {"host": socket.gethostname(), "pid": os.getpid(),
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def _describe(holder: dict[str, Any] | None) -> str:
    if not holder:
        return "holder unknown"
    return f"pid {holder.get('pid')} on {holder.get('host')}, since {holder.get('started')}"


def _parse(blob: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(blob.decode("utf-8"))
        return data if isinstance(data, dict) else None
    except (ValueError, UnicodeDecodeError):
        return None


def _pid_alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def output_lock(output: Storage | str) -> Iterator[None]:
    """Hold the output directory's exclusive lock (creating the directory) for the block."""
    if isinstance(output, Storage):
        storage = output
    else:
        try:
            storage = Storage(output)
        except (OSError, ValueError) as exc:
            raise OutputError(f"cannot reach the output {output}: {_one_line(exc)}") from exc
    check_output(storage)
    try:
        storage.makedirs()
    except OSError as exc:
        raise OutputError(f"cannot create the output directory {storage.location}: {_one_line(exc)}") from exc
    if storage.local:
        with _local_lock(storage.path(LOCK_FILE), storage.location):
            yield
    else:
        with _remote_lock(storage):
            yield


@contextmanager
def _local_lock(path: str, location: str) -> Iterator[None]:
    import fcntl

    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _parse(os.pread(fd, 4096, 0))
            os.close(fd)
            raise OutputLocked(f"{location} is in use by another cleanse run ({_describe(holder)}); "
                               f"wait for it to finish, or stop it, then run again") from None
        # The file may have been removed (by a holder releasing it) between open and flock:
        # then our lock is on a dead inode, so start over with the new file.
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        previous = _parse(os.pread(fd, 4096, 0))
        if previous:
            log.warning("%s: took over the stale lock of a run that stopped without releasing it (%s)",
                        location, _describe(previous))
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(_holder()) + "\n").encode("utf-8"), 0)
        log.debug("%s: lock taken", location)
        yield
    finally:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        os.close(fd)


@contextmanager
def _remote_lock(storage: Storage) -> Iterator[None]:
    me = _holder()
    if storage.exists(LOCK_FILE):
        with storage.fs.open_input_stream(storage.path(LOCK_FILE)) as fh:
            holder = _parse(fh.read())
        if holder and holder.get("host") == me["host"] and not _pid_alive(holder.get("pid")):
            log.warning("%s: took over the stale lock of a run that stopped without releasing it (%s)",
                        storage.location, _describe(holder))
        else:
            raise OutputLocked(
                f"{storage.location} is in use by another cleanse run ({_describe(holder)}); if no run is "
                f"active, delete {storage.path(LOCK_FILE)} and run again")
    storage.write_json_atomic(LOCK_FILE, me)
    try:
        yield
    finally:
        storage.delete_file(LOCK_FILE)
