"""Process hygiene of the dedup phase's worker pool (issue 16 item 5), as for the run's
executor (tests/test_hostile_process.py): its workers die with a SIGKILLed driver, and SIGTERM
or Ctrl-C stops the phase with one line, no traceback, no worker left, a directory that
`cleanse dedup` then finishes with the same result as an uninterrupted phase."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cleanse.cli import main
from tests.conftest import SEED_DIR
from tests.ops_inputs import read_rows
from tests.test_hostile_process import _alive

# `cleanse dedup OUT -w 2` whose signature step sleeps in each worker (after writing the
# worker's pid to PIDS/), so that a signal lands while the pool is busy.
DRIVER = textwrap.dedent("""
    import os, sys, time
    from cleanse.cli import main
    from cleanse.dedup import phase

    def slow(out_dir, part, cfg):
        with open(os.path.join(sys.argv[2], str(os.getpid())), "w") as fh:
            fh.write(part)
        time.sleep(120)

    phase.compute_part_signatures = slow
    sys.exit(main(["dedup", sys.argv[1], "-w", "2", "-q"]))
""")


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dedup_process") / "run"
    assert main(["run", "-i", str(SEED_DIR), "-o", str(out), "-q", "-w", "1", "--shard-files", "1"]) == 0
    return out


def _start(finished: Path, tmp_path: Path) -> tuple[subprocess.Popen, Path, list[int]]:
    out, pids = tmp_path / "out", tmp_path / "pids"
    shutil.copytree(finished, out)
    pids.mkdir()
    root = Path(__file__).resolve().parent.parent.parent
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(out), str(pids)], cwd=root, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(root)}, start_new_session=True)
    deadline = time.time() + 120  # both workers started (a bounded wait for an event, not a threshold)
    while time.time() < deadline and proc.poll() is None and len(list(pids.iterdir())) < 2:
        time.sleep(0.02)
    workers = [int(p.name) for p in pids.iterdir()]
    assert len(workers) == 2 and all(map(_alive, workers)), proc.stderr.read() if proc.poll() is not None else ""
    return proc, out, workers


def _gone(pids: list[int]) -> bool:
    deadline = time.time() + 60
    while time.time() < deadline and any(map(_alive, pids)):
        time.sleep(0.02)
    return not any(map(_alive, pids))


def _cleanup(proc: subprocess.Popen, workers: list[int]) -> None:
    proc.kill()
    proc.wait()
    for pid in workers:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's prctl")
def test_dedup_workers_die_with_a_killed_driver(finished: Path, tmp_path: Path) -> None:
    proc, _, workers = _start(finished, tmp_path)
    try:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert _gone(workers)  # without the parent-death signal they sleep on for two minutes
    finally:
        _cleanup(proc, workers)


@pytest.mark.parametrize("how", ["sigterm-driver", "sigterm-group", "ctrl-c"])
def test_a_signal_stops_dedup_with_one_line_and_it_resumes(finished: Path, tmp_path: Path, how: str) -> None:
    proc, out, workers = _start(finished, tmp_path)
    try:
        if how == "sigterm-driver":  # `kill PID`, a scheduler
            os.kill(proc.pid, signal.SIGTERM)
        else:  # a container stop of the group; Ctrl-C in a terminal reaches the whole group
            os.killpg(proc.pid, signal.SIGTERM if how == "sigterm-group" else signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        word, code = ("interrupted", 130) if how == "ctrl-c" else ("terminated", 143)
        assert proc.returncode == code, err
        assert [line for line in err.splitlines() if line.strip()] == [
            f"cleanse: {word}; run the same command again to resume {out}"]
        assert _gone(workers)
    finally:
        _cleanup(proc, workers)
    _assert_resumes_to_reference(finished, out, tmp_path)
    assert not [p for p in out.rglob(".*") if ".tmp-" in p.name]


def _assert_resumes_to_reference(finished: Path, out: Path, tmp_path: Path) -> None:
    """The stopped phase left no lock, and running it again gives what an uninterrupted run gives."""
    assert not (out / "_lock").exists()
    reference = tmp_path / "ref"
    shutil.copytree(finished, reference)
    assert main(["dedup", str(reference), "-q", "-w", "1"]) == 0
    assert main(["dedup", str(out), "-q", "-w", "2"]) == 0
    assert read_rows(out) == read_rows(reference)
    assert read_rows(out, "duplicates") == read_rows(reference, "duplicates")


KILLER = DRIVER.replace("    time.sleep(120)\n", "    os.kill(os.getpid(), signal.SIGKILL)\n").replace(
    "import os, sys, time", "import os, signal, sys, time")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_a_killed_dedup_worker_is_one_line_and_it_resumes(finished: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(finished, out)
    (tmp_path / "pids").mkdir()
    root = Path(__file__).resolve().parent.parent.parent
    proc = subprocess.run([sys.executable, "-c", KILLER, str(out), str(tmp_path / "pids")], cwd=root,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(root)}, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert [line for line in proc.stderr.splitlines() if line.strip()] == [
        f"cleanse: error: a dedup worker process died (killed or crashed); run the same command again to resume {out}"]
    _assert_resumes_to_reference(finished, out, tmp_path)
