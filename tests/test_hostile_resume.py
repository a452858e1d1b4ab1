"""Resume verifies what it trusts (issue 16): a finished shard counts only if its parts open
with the row counts its marker states; malformed run files give one clear line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cleanse.cli import main
from tests.ops_inputs import make_corpus, read_rows, write_slow_pipeline


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    corpus = make_corpus(tmp_path_factory.mktemp("corpus"), 24)
    script = write_slow_pipeline(tmp_path_factory.mktemp("pipe") / "slow_pipeline.py")
    ref = tmp_path_factory.mktemp("ref") / "out"
    assert main(["run", str(script), "-i", str(corpus), "-o", str(ref), "-q", "-w", "1", "--shard-files", "4"]) == 0
    return corpus, script, ref


def _rerun(setup, out: Path) -> int:
    corpus, script, _ = setup
    return main(["run", str(script), "-i", str(corpus), "-o", str(out), "-q", "-w", "1", "--shard-files", "4"])


def _manifest(out: Path) -> dict:
    return json.loads((out / "_manifest.json").read_text())


def test_truncated_part_is_redone(setup, tmp_path: Path) -> None:
    ref = setup[2]
    out = tmp_path / "out"
    shutil.copytree(ref, out)
    part = out / "documents" / "part-00003.parquet"
    part.write_bytes(part.read_bytes()[: part.stat().st_size // 2])  # was accepted: "5 shards resumed"
    assert _rerun(setup, out) == 0
    assert read_rows(out) == read_rows(ref)
    counts = _manifest(out)["counts"]
    assert counts["shards_resumed"] == counts["shards"] - 1


def test_marker_with_edited_row_count_is_redone(setup, tmp_path: Path) -> None:
    ref = setup[2]
    out = tmp_path / "out"
    shutil.copytree(ref, out)
    marker = out / "_shards" / "00002.json"
    data = json.loads(marker.read_text())
    data["rows"] = 99999  # made the run report 100005 rows
    marker.write_text(json.dumps(data))
    assert _rerun(setup, out) == 0
    assert _manifest(out)["counts"]["rows"] == _manifest(ref)["counts"]["rows"]


def test_malformed_marker_is_redone(setup, tmp_path: Path) -> None:
    ref = setup[2]
    out = tmp_path / "out"
    shutil.copytree(ref, out)
    (out / "_shards" / "00001.json").write_text("{not json")
    (out / "_shards" / "00004.json").write_text('{"index": 4}')
    assert _rerun(setup, out) == 0
    assert read_rows(out) == read_rows(ref)
    counts = _manifest(out)["counts"]
    assert counts["shards_resumed"] == counts["shards"] - 2


def test_malformed_run_file_is_one_line(setup, tmp_path: Path, capsys) -> None:
    ref = setup[2]
    out = tmp_path / "out"
    shutil.copytree(ref, out)
    (out / "_run.json").write_text("{truncated")
    assert _rerun(setup, out) != 0
    err = capsys.readouterr().err.strip()
    assert "_run.json is malformed" in err and "Traceback" not in err and len(err.splitlines()) == 1
