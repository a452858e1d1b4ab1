"""Worker process pools with process hygiene, shared by the local executor and the dedup phase.

A worker of `new_pool`
- dies with its driver: the kernel sends it SIGKILL when the driver dies (Linux
  `prctl(PR_SET_PDEATHSIG)`), so a driver killed by SIGKILL leaves no workers behind (they held
  about 140 MB each, for minutes);
- never runs the driver's Python signal handlers: it is forked with SIGTERM and SIGINT blocked
  (`signals_held`) and unblocks them once it ignores SIGINT (Ctrl-C reaches the whole process
  group; the driver handles it and stops the workers) and takes SIGTERM as by default
  (`Process.terminate`, no traceback).

`stop` terminates a pool's workers at once (an interrupt, a failure: their work in flight is
abandoned, and the callers' files are written under temporary names that a resume deletes).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def exit_with_driver(driver_pid: int) -> None:
    """Have the kernel send this worker SIGKILL when the driver dies (Linux `prctl`).
    Elsewhere a no-op: the pool's own shutdown stops workers on a clean exit. The parent may
    already have died between the fork and this call: then exit now."""
    import ctypes

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != driver_pid:
        os._exit(1)


# Signals a new worker must not take with the driver's Python handlers (the CLI's SIGTERM
# handler, one a library such as Ray installed, the default SIGINT handler), which it inherits
# through fork until `_init_child` replaces them. The pool's own shutdown sends SIGTERM to
# workers that may have only just been forked; run by a handler that raises, the exception
# could leave `os.fork()` in the child before multiprocessing's guard and the child went on as
# a second copy of the driver (seen once: a second pytest session that failed a test, and a
# worker that tried to join the driver's children). So the driver blocks them while it forks
# workers; the child inherits the blocked mask and unblocks them once its own dispositions are
# set, so that a SIGTERM sent meanwhile stops it as intended.
_HELD_AT_START = frozenset({signal.SIGTERM, signal.SIGINT}) if hasattr(signal, "pthread_sigmask") else frozenset()


@contextmanager
def signals_held() -> Iterator[None]:
    """SIGTERM and SIGINT blocked in this thread meanwhile (delivered on exit, in order). Wrap
    every `submit` to a pool of `new_pool`: a submit may fork workers."""
    if not _HELD_AT_START:
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_AT_START)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _init_child(driver_pid: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    exit_with_driver(driver_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if _HELD_AT_START:  # held by the driver across the fork (`signals_held`): now they act as set above
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD_AT_START)
    if initializer is not None:
        initializer(*initargs)


def new_pool(workers: int, initializer: Callable[..., None] | None = None,
             initargs: tuple[Any, ...] = ()) -> ProcessPoolExecutor:
    """A pool of `workers` processes with the hygiene above; `initializer(*initargs)` runs in
    each after it. fork where it exists (workers inherit what the driver loaded, pages
    shared), else spawn."""
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_child,
                               initargs=(os.getpid(), initializer, initargs))


def stop(pool: ProcessPoolExecutor) -> None:
    """Terminate the pool's workers now and shut it down (pending work cancelled)."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        proc.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def pool_map(fn: Callable[..., Any], args: Sequence[tuple[Any, ...]], workers: int) -> list[Any]:
    """`[fn(*a) for a in args]` on a pool of `workers` processes, results in order. On any
    exception (a worker's, or an interrupt in the driver) the workers are stopped before it
    propagates: none outlives the call."""
    pool = new_pool(workers)
    try:
        with signals_held():
            futures = [pool.submit(fn, *a) for a in args]
        out = [f.result() for f in futures]
    except BaseException:
        stop(pool)
        raise
    pool.shutdown(wait=True)
    return out
