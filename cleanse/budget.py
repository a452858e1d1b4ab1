"""Per-document budgets: no document may stall a run or take all its memory.

Two limits, both data (part of the pipeline's identity through `Pipeline.config()`):
- `max_bytes`: a document whose source bytes exceed it is not processed; it becomes a reject
  with reason `too_large` (and its raw bytes) before the first stage;
- `max_seconds` + `seconds_per_mb` x the document's source megabytes: the time one stage
  may spend on one document. When it runs out, the stage is interrupted and the document
  becomes a reject with reason `too_slow` (and its raw bytes); the run goes on with the next
  document. The share per megabyte keeps large documents (an 8 MiB chunk of a big file) from
  being rejected on a slow or loaded machine: the slowest default stage, `cjk_mojibake` on
  heavily damaged text, takes about 6.6 us per character (2-core machine, load ~10), about
  2.2 s per MB of Chinese UTF-8.

The time limit is a real-time interval timer (`signal.setitimer(ITIMER_REAL)`), whose
handler raises `OverBudget` in the stage's code: Python code and the `re` module are
interrupted within milliseconds; a C call that does not check for signals is interrupted when
it returns. `OverBudget` derives from `BaseException`, so a stage's own `except Exception`
cannot swallow it. Where no timer can be armed (not the main thread, or no `setitimer`), the
time is checked after the stage returns instead: the document still becomes `too_slow`, but
only once the stage has finished with it.

A document that ends as `too_slow` depends on the machine's speed: the default budget is far
above what any real page needs (the slowest stage runs at several MB/s, and a document is at
most one 8 MiB chunk: 60 + 60 x 8.4 = 563 s), so it only ever fires on pathological input.
"""

from __future__ import annotations

import signal
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["Budget", "OverBudget", "deadline"]

DEFAULT_MAX_SECONDS = 60.0
DEFAULT_SECONDS_PER_MB = 60.0
DEFAULT_MAX_BYTES = 64 << 20


@dataclass(frozen=True, slots=True)
class Budget:
    """The limits for one document; None switches a limit off."""

    max_seconds: float | None = DEFAULT_MAX_SECONDS  # per stage and document, plus:
    seconds_per_mb: float = DEFAULT_SECONDS_PER_MB  # per MB (1e6 bytes) of the document's source
    max_bytes: int | None = DEFAULT_MAX_BYTES  # source bytes of one document

    def __post_init__(self) -> None:
        if self.max_seconds is not None and not self.max_seconds > 0:
            raise ValueError(f"max_seconds must be positive or None, got {self.max_seconds}")
        if self.max_bytes is not None and not self.max_bytes > 0:
            raise ValueError(f"max_bytes must be positive or None, got {self.max_bytes}")
        if not self.seconds_per_mb >= 0:
            raise ValueError(f"seconds_per_mb must be 0 or more, got {self.seconds_per_mb}")

    def config(self) -> dict[str, Any]:
        return asdict(self)

    def seconds_for(self, source_bytes: int) -> float | None:
        """The time a stage may spend on a document of `source_bytes` (None: no limit)."""
        if self.max_seconds is None:
            return None
        return self.max_seconds + self.seconds_per_mb * source_bytes / 1e6


class OverBudget(BaseException):
    """A stage ran past its time budget on a document (raised by the timer's handler)."""


def _raise(signum: int, frame: Any) -> None:
    raise OverBudget()


# The handler is swapped in and out around every stage call on every document. `signal.signal`
# wraps the C function in enum conversions that cost 8.5 us a call against 0.6 (2026-12-03):
# with the class below instead of a generator, a `deadline(60)` block costs 3.5-5.0 us
# against 11.8-18.3 (three interleaved runs of 20,000 blocks, load 7-9), which on 2 KB pages
# (12 stages, 383 pages a MB) is ~0.02 CPU s per MB against ~0.07. Same function, same handlers (the C one, `_signal.signal`,
# returns the raw previous handler, which it takes back).
try:
    from _signal import signal as _set_handler  # CPython's C function
except ImportError:  # another interpreter: the plain wrapper
    _set_handler = signal.signal


def _can_arm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class deadline:
    """Raise `OverBudget` in the block once `seconds` have passed (None: no limit).

    Nests: an inner deadline never extends an outer one, and the outer one is re-armed with
    what is left of it when the inner block ends. Without a usable timer (see the module
    docstring) the block runs to its end and `OverBudget` is raised after it if it overran.

    A class rather than a `contextmanager` generator: one block runs around every stage call
    on every document, and the generator machinery cost as much as the timer calls.
    """

    __slots__ = ("seconds", "armed", "outer_left", "previous", "t0")

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds

    def __enter__(self) -> None:
        seconds = self.seconds
        self.armed = False
        if seconds is None:
            return
        if not _can_arm():
            self.t0 = time.perf_counter()
            return
        self.outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
        self.t0 = time.monotonic()
        self.previous = _set_handler(signal.SIGALRM, _raise)
        self.armed = True
        signal.setitimer(signal.ITIMER_REAL, seconds if not self.outer_left else min(seconds, self.outer_left))

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self.seconds is None:
            return
        if not self.armed:
            if exc_type is None and time.perf_counter() - self.t0 > self.seconds:
                raise OverBudget()
            return
        signal.setitimer(signal.ITIMER_REAL, 0)
        _set_handler(signal.SIGALRM, self.previous if self.previous is not None else signal.SIG_DFL)
        outer_left = self.outer_left
        if outer_left:
            left = outer_left - (time.monotonic() - self.t0)
            if left <= 0:  # the outer deadline passed while the inner block ran
                raise OverBudget()
            signal.setitimer(signal.ITIMER_REAL, left)
