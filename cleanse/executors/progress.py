"""Progress reporting: a one-line bar on a terminal, periodic log lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from cleanse.executors.local import Shard, ShardResult


def _fmt_eta(seconds: float) -> str:
    if seconds != seconds or seconds == float("inf"):
        return "--:--"
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h:d}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class Progress:
    """Counts finished shards; call `update` per shard and `close` at the end.

    mode: "bar" (redrawn line, for terminals), "log" (a line every `interval` seconds), "quiet".
    """

    def __init__(self, mode: str = "auto", stream: TextIO | None = None, interval: float = 10.0):
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "bar" if self.stream.isatty() else "log"
        self.mode = mode
        self.total_files = 0
        self.total_bytes = 1
        self.interval = interval
        self.files = 0
        self.bytes = 0
        self.docs = 0
        self.t0 = time.monotonic()
        self._last_log = self.t0

    def start(self, pending: list[Shard]) -> None:
        """The shards this run will process (shards finished by an earlier run are not counted)."""
        self.total_files = sum(len(s.files) for s in pending)
        self.total_bytes = max(sum(s.bytes for s in pending), 1)
        self.t0 = self._last_log = time.monotonic()
        if self.mode == "log":
            self.stream.write(f"processing {self.total_files} files, {self.total_bytes / 1e6:.1f} MB\n")

    def update(self, result: ShardResult, shard: Shard) -> None:
        self.files += len(shard.files)
        self.bytes += shard.bytes
        self.docs += result.rows
        if self.mode == "bar":
            self.stream.write("\r" + self.line())
            self.stream.flush()
        elif self.mode == "log":
            now = time.monotonic()
            if now - self._last_log >= self.interval or self.files >= self.total_files:
                self._last_log = now
                self.stream.write(self.line() + "\n")
                self.stream.flush()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.t0, 1e-9)
        frac = min(self.bytes / self.total_bytes, 1.0)
        mbps = self.bytes / 1e6 / elapsed
        eta = (elapsed / frac - elapsed) if frac > 0 else float("inf")
        width = 24
        bar = "#" * int(frac * width) + "-" * (width - int(frac * width))
        return (f"[{bar}] {frac:6.1%} files {self.files}/{self.total_files} "
                f"{self.bytes / 1e6:.1f}/{self.total_bytes / 1e6:.1f} MB {mbps:.2f} MB/s "
                f"{self.docs / elapsed:.0f} docs/s ETA {_fmt_eta(eta)}")

    def close(self) -> None:
        if self.mode == "bar":
            self.stream.write("\n")
            self.stream.flush()
