"""Progress output: a bar on a terminal, log lines otherwise, nothing with --quiet."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from cleanse.cli import main
from cleanse.decoding import DecodeStage
from cleanse.executors.progress import Progress
from cleanse.executors.shards import Shard, ShardResult
from cleanse.io.sources import SourceFile
from tests.conftest import SEED_DIR


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _shards(n: int) -> list[Shard]:
    return [Shard(i, (SourceFile(f"f{i}a", 500_000), SourceFile(f"f{i}b", 500_000))) for i in range(n)]


def _result(shard: Shard, rows: int = 10) -> ShardResult:
    return ShardResult(shard.index, rows, 0, shard.bytes, 0.1, [], [])


def _feed(progress: Progress, n: int = 3) -> None:
    shards = _shards(n)
    progress.start(shards)
    for s in shards:
        progress.update(_result(s), s)
    progress.close()


LINE = re.compile(r"\[[#-]{24}\] +[\d.]+% files (\d+)/(\d+) ([\d.]+)/([\d.]+) MB [\d.]+ MB/s \d+ docs/s ETA [\d:-]+")


def test_bar_on_a_terminal_redraws_one_line() -> None:
    term = FakeTerminal()
    p = Progress("auto", stream=term)
    assert p.mode == "bar"
    _feed(p)
    out = term.getvalue()
    assert out.endswith("\n") and out.count("\n") == 1  # one line, redrawn with carriage returns
    frames = [f.strip() for f in out.split("\r") if f.strip()]
    assert len(frames) == 4  # the empty bar, then one frame per shard
    parsed = [LINE.fullmatch(f) for f in frames]
    assert all(parsed), frames
    assert [m.group(1) for m in parsed] == ["0", "2", "4", "6"] and parsed[-1].group(2) == "6"
    assert parsed[-1].group(3) == parsed[-1].group(4) == "3.0"
    assert "100.0%" in frames[-1] and "[" + "#" * 24 + "]" in frames[-1]


def test_log_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    p = Progress("auto", stream=stream, interval=0.0)
    assert p.mode == "log"
    _feed(p)
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert lines[0] == "processing 6 files, 3.0 MB in 3 shards"
    assert [LINE.fullmatch(line).group(1) for line in lines[1:]] == ["2", "4", "6"]


def test_log_lines_are_periodic_and_the_last_one_always_comes() -> None:
    stream = io.StringIO()
    _feed(Progress("log", stream=stream, interval=3600.0), n=5)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and LINE.fullmatch(lines[1]).group(1) == "10"


def test_quiet_run_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "-i", SEED_DIR, "-o", str(tmp_path / "q"), "--quiet", "-w", "1"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_cli_log_progress_then_summary_and_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "-i", SEED_DIR, "-o", str(tmp_path / "l"), "--progress", "log", "-w", "1"]) == 0
    captured = capsys.readouterr()
    err = captured.err.splitlines()
    assert err[0].startswith("processing 5 files") and LINE.fullmatch(err[-1])
    assert re.match(rf"5 inputs -> \d+ rows, 0 rejects in {re.escape(str(tmp_path / 'l'))}\n", captured.out)
    assert "docs in" in captured.out and f"decode@{DecodeStage.version}" in captured.out
    # The run's time, with the one-time setup (loading dictionaries, compiling rules) apart
    # (none here when an earlier test in this process already loaded them).
    assert re.search(r"^\d+\.\d\d s( \(\d+\.\d\d s of it loading dictionaries and rules\))?, \d+\.\d\d MB/s$",
                     captured.out, re.M)
