"""The dedup phase killed by SIGKILL (no exception handler, no cleanup) at each of its writes,
then started again: the same documents and duplicates as an uninterrupted phase."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleanse.cli import main
from tests.dedup.test_dedup import _dups, _rows, _write_corpus

# The phase in a process that SIGKILLs itself when it is about to commit (move into place) the
# n-th file whose path contains PATTERN: its temporary file is written, nothing after it is.
_KILLER = """
import os, signal, sys
from cleanse.io.storage import Storage
pattern, n = sys.argv[1], int(sys.argv[2])
real, calls = Storage.commit, [0]
def commit(self, tmp, rel):
    if pattern in rel:
        calls[0] += 1
        if calls[0] == n:
            os.kill(os.getpid(), signal.SIGKILL)
    return real(self, tmp, rel)
Storage.commit = commit
from cleanse.cli import main
sys.exit(main(sys.argv[3:]))
"""


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished run of the planted corpus in 4 parts, and the same deduplicated undisturbed."""
    d = tmp_path_factory.mktemp("killed")
    src, ref = str(d / "in"), str(d / "ref")
    _write_corpus(src)
    assert main(["run", "-i", src, "-o", ref, "-q", "--shard-files", "4", "-w", "1"]) == 0
    run = str(d / "run")
    assert main(["run", "-i", src, "-o", run, "-q", "--shard-files", "4", "-w", "1"]) == 0
    assert main(["dedup", ref, "-q", "-w", "1"]) == 0
    return run, ref


PARTS = 4
KILLS = [("_dedup/lines/", 2), ("_dedup/repeated_lines.parquet", 1), ("documents/part-", 2),
         ("_dedup/lines_applied/", 3), ("_dedup/signatures/", 2), ("_dedup/plan.parquet", 1),
         ("duplicates/part-", 1), ("documents/part-", PARTS + 2), ("_dedup/applied/", 2),
         ("_dedup/summary.json", 1)]


@pytest.mark.parametrize("pattern,n", KILLS, ids=[f"{p}#{n}" for p, n in KILLS])
def test_sigkill_at_any_write_of_the_phase_resumes_to_the_same_result(finished, tmp_path, pattern, n):
    import shutil

    run, ref = finished
    out = str(tmp_path / "out")
    shutil.copytree(run, out)
    assert len(list(Path(out, "documents").glob("part-*.parquet"))) == PARTS
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", _KILLER, pattern, str(n), "dedup", out, "-q", "-w", "1"],
                          cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True)
    assert proc.returncode == -9, proc.stderr  # killed there, not finished
    assert main(["dedup", out, "-q", "-w", "1"]) == 0
    assert _rows(out) == _rows(ref)
    key = lambda d: d["id"]  # noqa: E731
    assert sorted(_dups(out), key=key) == sorted(_dups(ref), key=key)
    left = [p for p in Path(out).rglob(".*tmp-*")]
    assert left == [], left  # the killed process's temporary file is gone too
