"""Ids, `source` and a run's identity do not depend on the working directory or on how paths are typed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleanse.io.sources import InputError, expand_inputs
from tests.ops_inputs import read_rows

ROOT = Path(__file__).resolve().parent.parent


def _corpus(root: Path) -> Path:
    corpus = root / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text("第一篇文章的正文。\n", encoding="utf-8")
    (corpus / "sub" / "b.txt").write_text("第二篇文章的正文。\n", encoding="utf-8")
    return corpus


def test_canonical_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus(tmp_path)
    monkeypatch.chdir(corpus / "sub")
    by_rel = [(f.name, f.path) for f in expand_inputs(["../../corpus"])]
    assert by_rel == [("corpus/a.txt", "../../corpus/a.txt"), ("corpus/sub/b.txt", "../../corpus/sub/b.txt")]
    assert [f.name for f in expand_inputs([str(corpus)])] == ["corpus/a.txt", "corpus/sub/b.txt"]
    assert [f.name for f in expand_inputs(["."])] == ["sub/b.txt"]
    assert [f.name for f in expand_inputs(["b.txt"])] == ["b.txt"]
    assert [f.name for f in expand_inputs([f"{corpus}/**/*.txt"])] == ["corpus/a.txt", "corpus/sub/b.txt"]
    assert [f.name for f in expand_inputs([f"file://{corpus}"])] == ["corpus/a.txt", "corpus/sub/b.txt"]
    # one file given twice (relative and absolute) is read once
    assert len(expand_inputs(["b.txt", str(corpus / "sub" / "b.txt")])) == 1


def test_two_files_with_one_name_are_refused(tmp_path: Path) -> None:
    for d in ("x", "y"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "same.txt").write_text("正文")
    with pytest.raises(InputError, match="two inputs have the same name 'same.txt'"):
        expand_inputs([str(tmp_path / "x" / "same.txt"), str(tmp_path / "y" / "same.txt")])
    assert [f.name for f in expand_inputs([str(tmp_path / "x"), str(tmp_path / "y")])] == ["x/same.txt", "y/same.txt"]


def test_relative_and_absolute_paths_give_one_run(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "data")
    work = tmp_path / "elsewhere" / "deep"
    work.mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run(cwd: Path, inp: str, out: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "cleanse.cli", "run", "-i", inp, "-o", out, "-w", "1"],
                              cwd=cwd, capture_output=True, text=True, env=env, timeout=300)

    first = run(tmp_path / "data", "corpus", "../out")
    assert first.returncode == 0, first.stderr
    ids = [r["id"] for r in read_rows(tmp_path / "out")]
    again = run(work, str(corpus), str(tmp_path / "out"))  # absolute paths, another working directory
    assert again.returncode == 0, again.stderr
    assert "1 shards resumed from an earlier run" in again.stdout
    assert [r["source"] for r in read_rows(tmp_path / "out")] == ["corpus/a.txt", "corpus/sub/b.txt"]
    # a fresh output from the other working directory has the same ids
    third = run(work, os.path.relpath(corpus, work), "../out2")
    assert third.returncode == 0, third.stderr
    assert [r["id"] for r in read_rows(tmp_path / "elsewhere" / "out2")] == ids
    manifest = json.loads((tmp_path / "elsewhere" / "out2" / "_manifest.json").read_text())
    assert [(i["source"], i["path"]) for i in manifest["inputs"]] == [
        ("corpus/a.txt", "../../data/corpus/a.txt"), ("corpus/sub/b.txt", "../../data/corpus/sub/b.txt")]
