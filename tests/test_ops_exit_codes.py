"""Exit codes, --fail-fast, --max-reject-rate, stage_error tracebacks, Ctrl-C, one-line user errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cleanse.cli import main
from tests.ops_inputs import read_rows, start_slow_run

ROOT = Path(__file__).resolve().parent.parent

BOOM_PIPELINE = '''
from cleanse import DecodeStage, Pipeline, TextStage

class Boom(TextStage):
    """Raises on a document holding "BOOM"."""
    name = "boom"
    version = "1"
    def transform(self, text):
        if "BOOM" in text:
            return [][1]
        return text

def build_pipeline():
    return Pipeline("boom_test", "1", [DecodeStage(), Boom()])
'''


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cleanse.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)


@pytest.fixture()
def boom(tmp_path: Path) -> tuple[Path, Path]:
    script = tmp_path / "boom.py"
    script.write_text(BOOM_PIPELINE, encoding="utf-8")
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(4):
        (inputs / f"{i}.txt").write_text("正文内容。BOOM\n" if i < 3 else "正文内容。\n", encoding="utf-8")
    return script, inputs


def test_stage_error_keeps_the_traceback_and_the_rate_limit_fails_the_run(boom: tuple[Path, Path],
                                                                          tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    script, inputs = boom
    out = tmp_path / "out"
    assert main(["run", str(script), "-i", str(inputs), "-o", str(out), "-q"]) == 0  # no limit asked
    rejects = read_rows(out, "rejects")
    assert [r["reason"] for r in rejects] == ["stage_error"] * 3
    detail = rejects[0]["detail"]
    assert detail.splitlines()[0] == "IndexError: list index out of range"
    assert "Traceback (most recent call last)" in detail and "in transform" in detail
    capsys.readouterr()
    # 3 of 4 records rejected: above 0.5 -> exit 1 with one line naming the reasons
    assert main(["run", str(script), "-i", str(inputs), "-o", str(out), "-q", "--max-reject-rate", "0.5"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "3 of 4 records rejected" in err and "stage_error: 3" in err
    # the limit counts only the reasons asked for
    assert main(["run", str(script), "-i", str(inputs), "-o", str(out), "-q", "--max-reject-rate", "0.5",
                 "--reject-reasons", "empty,undecodable"]) == 0


def test_fail_fast_stops_with_exit_3_and_leaves_a_resumable_directory(boom: tuple[Path, Path],
                                                                      tmp_path: Path) -> None:
    script, inputs = boom
    out = tmp_path / "out"
    r = cli("run", str(script), "-i", str(inputs), "-o", str(out), "-q", "--fail-fast", "-w", "1")
    assert r.returncode == 3, r.stderr
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1
    assert "stage boom failed on" in r.stderr and "IndexError" in r.stderr
    assert not list((out / "documents").glob("part-*")) and not list(out.rglob(".*.tmp-*"))
    # the same run without --fail-fast resumes the directory and finishes
    assert main(["run", str(script), "-i", str(inputs), "-o", str(out), "-q"]) == 0
    assert len(read_rows(out)) == 1


def test_nothing_became_a_row_is_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "blank.txt").write_bytes(b"   \n\n")
    assert main(["run", "-i", str(inputs), "-o", str(tmp_path / "out"), "-q"]) == 1
    err = capsys.readouterr().err
    assert "no input became a row (2 inputs, 2 rejects" in err


@pytest.mark.parametrize("args, message", [
    (["--workers", "0"], "--workers/-w: must be greater than 0, got 0"),
    (["--workers", "-3"], "must be greater than 0, got -3"),
    (["--workers", "two"], "not a number"),
    (["--shard-files", "0"], "--shard-files: must be greater than 0"),
    (["--chunk-mb", "-1"], "--chunk-mb: must be greater than 0"),
    (["--max-reject-rate", "1.5"], "must be a fraction between 0 and 1"),
])
def test_invalid_arguments_are_one_usage_error(args: list[str], message: str, tmp_path: Path) -> None:
    r = cli("run", "-i", "seeds", "-o", str(tmp_path / "out"), *args)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr


def test_user_errors_are_one_line(tmp_path: Path) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    cases = [
        (str(a_file), "is a file, not a directory"),
        ("nosuchscheme://bucket/out", "cannot reach the output"),
        (str(ROOT / "seeds" / "out"), "is inside the input directory"),
    ]
    for output, message in cases:
        r = cli("run", "-i", "seeds", "-o", output, "-q")
        assert r.returncode == 2, (output, r.stderr)
        assert r.stderr.startswith("cleanse: error: ") and message in r.stderr and r.stderr.count("\n") == 1
    assert not (ROOT / "seeds" / "out").exists()


def test_ctrl_c_prints_one_line_exits_130_and_the_run_resumes(tmp_path: Path) -> None:
    proc, out, args = start_slow_run(tmp_path)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert [line for line in err.splitlines() if line.strip()] == [
        f"cleanse: interrupted; run the same command again to resume {out}"]
    assert not (out / "_lock").exists()
    finished = len(list((out / "_shards").glob("*.json")))
    assert 2 <= finished < 30
    assert main(args) == 0
    reference = tmp_path / "ref"
    assert main([*args[:5], str(reference), *args[6:]]) == 0
    assert read_rows(out) == read_rows(reference)


def test_zh_web_script_honours_short_flags(tmp_path: Path) -> None:
    out = tmp_path / "o"
    r = subprocess.run([sys.executable, "pipelines/zh_web.py", "-i", "seeds/000_1c6d4abf59c88839.txt", "-o", str(out), "-q"],
                       cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                       timeout=300)
    assert r.returncode in (0, 1), r.stderr
    assert (out / "_run.json").exists()
    sources = {row["source"] for row in read_rows(out)} | {row["source"] for row in read_rows(out, "rejects")}
    assert sources and all("000_1c6d4abf59c88839" in s for s in sources)
