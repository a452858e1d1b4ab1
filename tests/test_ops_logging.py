"""Logging through Python's `logging` (issue 14 item 9): -v / -vv on stderr, --log-file FILE."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanse.cli import main

SEEDS = str(Path(__file__).resolve().parent.parent / "seeds")


def test_quiet_by_default_verbose_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "-i", SEEDS, "-o", str(tmp_path / "a"), "-q"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["run", "-i", SEEDS, "-o", str(tmp_path / "b"), "-q", "-v"]) == 0
    err = capsys.readouterr().err
    assert "cleanse: INFO: pipeline zh_web@" in err and "5 input files" in err and "1 to do" in err
    assert "shard 0 finished" not in err  # -v: steps only
    assert main(["run", "-i", SEEDS, "-o", str(tmp_path / "c"), "-q", "-vv"]) == 0
    assert "cleanse: DEBUG: shard 0 finished: 7 rows, 0 rejects" in capsys.readouterr().err


def test_log_file_gets_everything(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "run.log"
    assert main(["run", "-i", SEEDS, "-o", str(tmp_path / "o"), "-q", "--log-file", str(log)]) == 0
    assert capsys.readouterr().err == ""
    text = log.read_text(encoding="utf-8")
    assert "cleanse.run DEBUG shard 0 finished" in text and "cleanse INFO pipeline zh_web@" in text
    assert "cleanse.lock DEBUG" in text
