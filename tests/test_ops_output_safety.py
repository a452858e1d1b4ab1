"""Safe output directories: the lock, stale locks, foreign directories, the "different run" message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleanse.cli import main
from cleanse.io.lock import OutputLocked, output_lock
from tests.ops_inputs import make_corpus, write_slow_pipeline

ROOT = Path(__file__).resolve().parent.parent


def test_two_runs_on_one_directory_one_is_refused(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", 400)  # the slow pipeline: about 2 s of work
    script = write_slow_pipeline(tmp_path / "slow.py")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "cleanse.cli", "run", str(script), "-i", str(corpus), "-o", str(out), "-q",
           "-w", "1"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    codes = sorted(rc for rc, _ in results)
    assert codes == [0, 2], results
    refused = next(err for rc, err in results if rc == 2)
    assert "is in use by another cleanse run (pid" in refused and refused.count("\n") == 1
    assert not (out / "_lock").exists()


def test_a_held_lock_refuses_and_a_stale_one_is_taken_over(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    with output_lock(str(out)):
        holder = json.loads((out / "_lock").read_text())
        assert holder["pid"] == os.getpid()
        with pytest.raises(OutputLocked, match=f"pid {os.getpid()}"):
            with output_lock(str(out)):
                pass
        assert main(["run", "-i", "seeds", "-o", str(out), "-q"]) == 2
    assert not (out / "_lock").exists()
    # a killed run leaves its lock file behind, but nobody holds it
    (out / "_lock").write_text(json.dumps({"host": "h", "pid": 999999, "started": "then"}))
    capsys.readouterr()
    assert main(["run", "-i", "seeds", "-o", str(out), "-q"]) == 0
    err = capsys.readouterr().err  # a warning, shown even with --quiet
    assert "took over the stale lock" in err and "pid 999999 on h" in err
    assert not (out / "_lock").exists()


def test_a_stale_lock_on_a_uri_output(tmp_path: Path) -> None:
    out = tmp_path / "remote"
    out.mkdir()
    (out / "_lock").write_text(json.dumps({"host": os.uname().nodename, "pid": 999999, "started": "then"}))
    assert main(["run", "-i", "seeds", "-o", f"file://{out}", "-q"]) == 0
    (out / "_lock").write_text(json.dumps({"host": "another-host", "pid": 1, "started": "then"}))
    with pytest.raises(OutputLocked, match="if no run is active, delete"):
        with output_lock(f"file://{out}"):
            pass


def test_a_non_empty_foreign_directory_needs_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "photos"
    out.mkdir()
    (out / "holiday.jpg").write_bytes(b"\xff\xd8")
    assert main(["run", "-i", "seeds", "-o", str(out), "-q"]) == 2
    assert "is not empty and holds no cleanse output (1 files, e.g. holiday.jpg)" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["holiday.jpg"]
    assert main(["run", "-i", "seeds", "-o", str(out), "-q", "--overwrite"]) == 0
    assert (out / "holiday.jpg").exists() and (out / "documents").is_dir()


def test_input_inside_the_output_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["run", "-i", "seeds", "-o", str(out), "-q"]) == 0
    # an --overwrite run over its own output (inputs listed from inside it) must not read them
    assert main(["run", "-i", str(out / "documents"), "seeds", "-o", str(out), "-q", "--overwrite"]) == 2
    assert "is inside the output directory" in capsys.readouterr().err
    assert list((out / "documents").glob("part-*.parquet"))  # nothing deleted


def test_the_different_run_message_names_what_differs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    seeds = sorted(str(p) for p in (ROOT / "seeds").glob("*.txt"))
    assert main(["run", "-i", *seeds[:3], "-o", str(out), "-q"]) == 0
    capsys.readouterr()
    assert main(["run", "-i", *seeds[:3], "-o", str(out), "-q", "--shard-files", "7"]) == 2
    assert "--shard-files 1000 before, 7 now" in capsys.readouterr().err
    assert main(["run", "-i", *seeds, "-o", str(out), "-q"]) == 2
    assert "number of inputs 3 before, 5 now" in capsys.readouterr().err
