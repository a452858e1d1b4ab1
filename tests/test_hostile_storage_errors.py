"""Storage that fails under a run (issue 16): a full disk and a read-only output directory are
one line and exit 2, never a traceback, and leave a directory the same command resumes.

The faults are injected where the operating system reports them (the part commit's `fsync`
and rename, the output directory's creation) with the errno a full or read-only filesystem
gives; docs/operations.md, "Faults and hostile inputs"."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import cleanse.io.storage as storage_module
from cleanse.cli import main
from cleanse.io.storage import is_tmp_name
from tests.ops_inputs import make_corpus, read_rows, write_slow_pipeline


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return (make_corpus(tmp_path_factory.mktemp("corpus"), 16),
            write_slow_pipeline(tmp_path_factory.mktemp("pipe") / "slow_pipeline.py"))


def _args(corpus: tuple[Path, Path], out: Path) -> list[str]:
    inputs, script = corpus
    return ["run", str(script), "-i", str(inputs), "-o", str(out), "-q", "-w", "1", "--shard-files", "4"]


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("cleanse: error: ") and "Traceback" not in err, err
    return lines[0]


def test_a_full_disk_is_one_line_leaves_no_partial_part_and_resumes(corpus, tmp_path: Path, monkeypatch,
                                                                     capsys) -> None:
    ref = tmp_path / "ref"
    assert main(_args(corpus, ref)) == 0
    real = storage_module.commit_local
    calls = []

    def full_disk(tmp: str, final: str) -> None:
        calls.append(final)
        if len(calls) >= 4:  # the disk fills up after three files were committed
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), tmp)
        real(tmp, final)

    out = tmp_path / "out"
    monkeypatch.setattr(storage_module, "commit_local", full_disk)
    capsys.readouterr()
    assert main(_args(corpus, out)) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert f"{out}: [Errno 28] No space left on device" in line
    # Nothing half-written under a final name: every part there opens whole.
    parts = [p for p in out.rglob("*.parquet") if not is_tmp_name(p.name)]
    for p in parts:
        pq.ParquetFile(p).read()
    monkeypatch.setattr(storage_module, "commit_local", real)
    assert main(_args(corpus, out)) == 0
    assert read_rows(out) == read_rows(ref)
    assert not [p for p in out.rglob("*") if is_tmp_name(p.name)]


def test_a_read_only_output_directory_is_one_line(corpus, tmp_path: Path, monkeypatch, capsys) -> None:
    def read_only(path, *args, **kwargs) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)

    out = tmp_path / "ro" / "out"
    monkeypatch.setattr(os, "makedirs", read_only)
    capsys.readouterr()
    assert main(_args(corpus, out)) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert f"cannot create the output directory {out}" in line and "Read-only file system" in line
    monkeypatch.undo()
    assert main(_args(corpus, out)) == 0
