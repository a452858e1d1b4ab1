"""Local parallelism, resumability after SIGKILL, --overwrite, and pyarrow-filesystem URIs."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cleanse.cli import main
from cleanse.executors.shards import SHARD_MAX_BYTES, SHARD_MIN_BYTES, auto_shard_bytes, plan_shards
from cleanse.io.sources import SourceFile, expand_inputs
from tests.ops_inputs import make_corpus, read_rows, write_slow_pipeline

ROOT = Path(__file__).resolve().parents[2]


def rows(out: Path) -> list[dict]:
    return read_rows(out)


def rejects(out: Path) -> list[dict]:
    return read_rows(out, "rejects")


def tmp_files(out: Path) -> list[Path]:
    return [p for p in out.rglob(".*") if ".tmp-" in p.name]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("corpus"), 160)


@pytest.fixture(scope="module")
def slow_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_slow_pipeline(tmp_path_factory.mktemp("pipe") / "slow_pipeline.py")


@pytest.fixture(scope="module")
def reference(corpus: Path, slow_script: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An uninterrupted single-worker run, small shards (the slow test pipeline)."""
    out = tmp_path_factory.mktemp("ref") / "out"
    assert main(["run", str(slow_script), "-i", str(corpus), "-o", str(out), "-q", "-w", "1",
                 "--shard-files", "4"]) == 0
    return out


def test_shard_plan_depends_only_on_inputs() -> None:
    files = [SourceFile(f"f{i:03d}", 1000 * (i % 13)) for i in range(500)]
    plan = plan_shards(files, max_files=40, max_bytes=30_000)
    assert [f for s in plan for f in s.files] == files  # every file once, in order
    assert all(len(s.files) <= 40 and (s.bytes <= 30_000 or len(s.files) == 1) for s in plan)
    assert plan == plan_shards(list(files), max_files=40, max_bytes=30_000)
    big = [SourceFile("a", 10), SourceFile("b", 10**9), SourceFile("c", 10)]
    assert [len(s.files) for s in plan_shards(big, max_bytes=100)] == [1, 1, 1]
    # The automatic budget gives about 64 shards, within bounds.
    assert auto_shard_bytes(0) == SHARD_MIN_BYTES and auto_shard_bytes(10**13) == SHARD_MAX_BYTES
    assert auto_shard_bytes(640 << 20) == 10 << 20


def test_workers_give_identical_output(corpus: Path, reference: Path, slow_script: Path, tmp_path: Path) -> None:
    out = tmp_path / "w2"
    assert main(["run", str(slow_script), "-i", str(corpus), "-o", str(out), "-q", "-w", "2",
                 "--shard-files", "4"]) == 0
    ref_rows = rows(reference)
    assert len(ref_rows) > 100 and rows(out) == ref_rows
    assert rejects(out) == rejects(reference) and len(rejects(reference)) > 10
    assert sorted(p.name for p in (out / "documents").glob("part-*")) == sorted(p.name for p in (reference / "documents").glob("part-*"))
    m1 = json.loads((reference / "_manifest.json").read_text())
    m2 = json.loads((out / "_manifest.json").read_text())
    assert m1["inputs"] == m2["inputs"] and m1["counts"] == m2["counts"] and m2["workers"] == 2
    s1 = json.loads((reference / "_stats.json").read_text())["stages"]
    s2 = json.loads((out / "_stats.json").read_text())["stages"]
    strip = lambda s: [{k: v for k, v in d.items() if k not in ("seconds", "mb_per_s")} for d in s]  # noqa: E731
    assert strip(s1) == strip(s2)


def _check_consistent(out: Path) -> None:
    """What a killed run may leave: every visible part complete and every marker truthful."""
    for p in list((out / "documents").glob("part-*.parquet")) + list(out.glob("rejects/part-*.parquet")):
        pq.read_table(p)  # raises on a truncated file
    for m in (out / "_shards").glob("*.json"):
        marker = json.loads(m.read_text())
        name = f"part-{marker['index']:05d}.parquet"
        assert pq.read_metadata(out / "documents" / name).num_rows == marker["rows"]
        assert pq.read_metadata(out / "rejects" / name).num_rows == marker["rejects"]


def test_sigkill_at_random_moments_then_resume(corpus: Path, reference: Path, slow_script: Path,
                                              tmp_path: Path) -> None:
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "cleanse.cli", "run", str(slow_script), "-i", str(corpus), "-o", str(out),
           "-q", "-w", "2", "--shard-files", "4"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rng = random.Random(20240611)
    markers = lambda: len(list((out / "_shards").glob("*.json"))) if (out / "_shards").exists() else 0  # noqa: E731
    kills = 0
    for _ in range(5):
        # Kill once a seeded-random number of further shards has finished, plus a random delay
        # (so the kill lands mid-shard or mid-write), whatever the speed of the machine.
        target = markers() + rng.randint(1, 6)
        # A new session so that the kill takes the whole process group: driver and workers.
        proc = subprocess.Popen(cmd, env=env, start_new_session=True)
        while proc.poll() is None and markers() < target:
            time.sleep(0.003)
        time.sleep(rng.uniform(0.0, 0.03))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        _check_consistent(out)
    assert kills >= 3, "the run finished before it could be killed: make the corpus bigger"
    finished_before = len(list((out / "_shards").glob("*.json")))
    done = subprocess.run(cmd[:-4] + ["-w", "2", "--shard-files", "4"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    _check_consistent(out)
    got = rows(out)
    assert len({r["id"] for r in got}) == len(got), "duplicate ids"
    assert got == rows(reference)
    assert rejects(out) == rejects(reference)
    assert not tmp_files(out)
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["counts"]["shards_resumed"] == finished_before > 0


def test_part_committed_without_marker_is_redone(corpus: Path, reference: Path, slow_script: Path,
                                                 tmp_path: Path) -> None:
    """The state of a run killed between committing a shard's parts and writing its marker,
    plus half-written temporary files of another shard and a stale manifest."""
    import shutil

    out = tmp_path / "out"
    shutil.copytree(reference, out)
    (out / "_shards" / "00003.json").unlink()
    (out / "_shards" / "00007.json").unlink()
    (out / "rejects" / "part-00007.parquet").unlink()  # killed between the two part commits
    (out / "documents" / ".part-00011.parquet.tmp-999-deadbeef").write_bytes(b"PAR1 half a file")
    (out / "_shards" / ".00011.json.tmp-999-deadbeef").write_bytes(b"{")
    (out / "_shards" / "00011.json").unlink()
    (out / "_manifest.json").write_text("{}")
    assert main(["run", str(slow_script), "-i", str(corpus), "-o", str(out), "-q", "-w", "2",
                 "--shard-files", "4"]) == 0
    assert rows(out) == rows(reference) and rejects(out) == rejects(reference)
    assert not tmp_files(out)
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["counts"]["shards_resumed"] == manifest["counts"]["shards"] - 3


def test_finished_run_is_skipped_and_overwrite_starts_afresh(corpus: Path, reference: Path, slow_script: Path,
                                                              tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(reference, out)
    (out / "notes.txt").write_text("mine")
    before = {p.name: p.stat().st_mtime_ns for p in (out / "documents").glob("part-*")}
    assert main(["run", str(slow_script), "-i", str(corpus), "-o", str(out), "-q", "--shard-files", "4"]) == 0
    assert {p.name: p.stat().st_mtime_ns for p in (out / "documents").glob("part-*")} == before  # nothing redone
    # Another shard plan is another run: refused without --overwrite ...
    assert main(["run", str(slow_script), "-i", str(corpus), "-o", str(out), "-q", "--shard-files", "1000"]) == 2
    # ... and done from scratch with it: the old run's files are gone, the user's file stays.
    assert main(["run", str(slow_script), "-i", str(corpus), "-o", str(out), "-q", "--shard-files", "1000",
                 "--overwrite"]) == 0
    assert [p.name for p in (out / "documents").glob("part-*")] == ["part-00000.parquet"]
    assert len(list((out / "_shards").glob("*.json"))) == 1
    assert rows(out) == rows(reference)
    assert (out / "notes.txt").read_text() == "mine"


def test_file_uri_inputs_and_output_go_through_pyarrow_fs(corpus: Path, reference: Path, slow_script: Path,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "uri-out"
    assert main(["run", str(slow_script), "-i", f"file://{corpus}", "-o", f"file://{out}", "-q", "-w", "2",
                 "--shard-files", "4"]) == 0
    got, ref = rows(out), rows(reference)
    assert [r["source"] for r in got] == [f"file://{r['source']}" for r in ref]
    strip = lambda rs: [{k: v for k, v in r.items() if k not in ("id", "source")} for r in rs]  # noqa: E731
    assert strip(got) == strip(ref)
    assert not tmp_files(out)
    # Resuming through the URI skips everything.
    assert main(["run", str(slow_script), "-i", f"file://{corpus}", "-o", f"file://{out}", "-q",
                 "--shard-files", "4"]) == 0
    assert json.loads((out / "_manifest.json").read_text())["counts"]["shards_resumed"] == len(
        list((out / "documents").glob("part-*")))
    assert [f.path for f in expand_inputs([f"file://{corpus}"])] == [
        f"file://{f.path}" for f in expand_inputs([str(corpus)])]


SETUP_PIPELINE = '''
import os
from cleanse import DecodeStage, Pipeline, TextStage

class NeedsTable(TextStage):
    """Uses a table that only `setup` loads (as a stage with a model or dictionary would)."""
    name = "needs_table"
    version = "1"
    table = None
    def setup(self):
        if self.table is None:
            self.table = str.maketrans("的", "之")
            with open(os.environ["SETUP_LOG"], "a") as fh:
                fh.write(f"{os.getpid()}\\n")
    def transform(self, text):
        return text.translate(self.table)  # TypeError without setup -> stage_error reject

def build_pipeline():
    return Pipeline("setup_test", "1", [DecodeStage(), NeedsTable()])
'''


@pytest.mark.parametrize("workers", [1, 2])
def test_stage_setup_runs_once_before_any_document(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   workers: int) -> None:
    script = tmp_path / "setup_pipeline.py"
    script.write_text(SETUP_PIPELINE, encoding="utf-8")
    log = tmp_path / "setup.log"
    monkeypatch.setenv("SETUP_LOG", str(log))
    out = tmp_path / "out"
    assert main(["run", str(script), "-i", str(corpus), "-o", str(out), "-q", "-w", str(workers),
                 "--shard-files", "8"]) == 0
    assert not [r for r in rejects(out) if r["reason"] == "stage_error"]
    assert rows(out) and all("的" not in r["text"] for r in rows(out))
    # Loaded once, in the parent, before the workers fork (they share it).
    assert log.read_text().split() == [str(os.getpid())]
