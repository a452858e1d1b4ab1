"""The Ray executor on a local Ray instance (2 CPUs): same output as the local executor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("ray")
pytest.importorskip("ray.data")

from cleanse.cli import main  # noqa: E402
from cleanse.executors.ray import run_ray  # noqa: E402
from cleanse.io.sources import expand_inputs  # noqa: E402
from cleanse.loader import load_pipeline  # noqa: E402
from tests.ops_inputs import han_text, make_corpus, read_rows, write_slow_pipeline  # noqa: E402


def test_ray_output_equals_local_and_resumes(local_ray: None, tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "in", 60, seed=11)
    script = write_slow_pipeline(tmp_path / "pipe_for_ray.py")  # stages pickled by value
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    args = ["-i", str(corpus), "-q", "--shard-files", "8"]
    assert main(["run", str(script), "-o", str(local), "-w", "2", *args]) == 0
    assert main(["run", str(script), "-o", str(on_ray), "--executor", "ray", *args]) == 0
    assert read_rows(on_ray) == read_rows(local) and len(read_rows(local)) > 40
    assert read_rows(on_ray, "rejects") == read_rows(local, "rejects")
    parts = sorted(p.name for p in (local / "documents").glob("part-*"))
    assert sorted(p.name for p in (on_ray / "documents").glob("part-*")) == parts and len(parts) == 8
    m_local = json.loads((local / "_manifest.json").read_text())
    m_ray = json.loads((on_ray / "_manifest.json").read_text())
    assert m_ray["executor"] == "ray" and m_ray["workers"] == 2
    assert m_ray["inputs"] == m_local["inputs"] and m_ray["counts"] == m_local["counts"]

    # Resume on Ray: only the shards without a marker are redone.
    for i in (2, 5):
        (on_ray / "_shards" / f"{i:05d}.json").unlink()
    (on_ray / "documents" / "part-00005.parquet").unlink()
    done: list[int] = []
    summary = run_ray(load_pipeline(str(script)), expand_inputs([str(corpus)]), str(on_ray),
                      shard_max_files=8, on_shard=lambda res, shard: done.append(shard.index))
    assert sorted(done) == [2, 5] and summary.skipped_shards == 6
    assert read_rows(on_ray) == read_rows(local)


def test_ray_writes_the_same_parts_with_writer_options(local_ray: None, tmp_path: Path) -> None:
    """Writer options (a target part size, another codec) on Ray: the same files, byte for byte."""
    import hashlib
    import random

    rng = random.Random(3)
    corpus = tmp_path / "in"
    corpus.mkdir()
    for i in range(60):
        (corpus / f"f{i:03d}.txt").write_text(han_text(rng, 25000), encoding="utf-8")
    script = write_slow_pipeline(tmp_path / "pipe_for_ray.py")
    args = ["-i", str(corpus), "-q", "--shard-files", "30", "--shard-mb", "3", "--part-size", "1MB", "--compression", "gzip"]
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    assert main(["run", str(script), "-o", str(local), "-w", "1", *args]) == 0
    assert main(["run", str(script), "-o", str(on_ray), "--executor", "ray", *args]) == 0

    def files(out: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (out / "documents").glob("part-*")}

    assert files(on_ray) == files(local) and len(files(local)) >= 4
    assert "part-00000-00001.parquet" in files(local)
