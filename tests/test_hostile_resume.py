"""Resume verifies what it trusts (issue 16): a finished shard counts only if its parts open
with the row counts its marker states; malformed run files give one clear line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cleanse.cli import main
from tests.ops_inputs import make_corpus, read_rows, write_slow_pipeline

ROOT = Path(__file__).resolve().parent.parent


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


def _flip_text_byte(part: Path) -> None:
    # Change one byte of a text value in a data page: the file still opens as Parquet, with
    # the same row counts, so only the marker's checksum can tell (the page's CRC is optional).
    import pyarrow.parquet as pq

    data = bytearray(part.read_bytes())
    text = pq.read_table(part, columns=["text"]).column("text")[0].as_py().encode()
    at = data.find(text[:12]) if len(text) >= 12 else -1
    assert at > 0, "a text value stored uncompressed is needed here"
    data[at] = ord("X") if data[at] != ord("X") else ord("Y")
    part.write_bytes(bytes(data))


def test_part_with_a_changed_byte_is_redone(setup, tmp_path: Path, capsys) -> None:
    ref = setup[2]
    out = tmp_path / "out"
    shutil.copytree(ref, out)
    marker = json.loads((out / "_shards" / "00001.json").read_text())
    assert set(marker["parts"]) == {"documents/part-00001.parquet", "rejects/part-00001.parquet"}
    assert all(len(p["sha256"]) == 64 for p in marker["parts"].values())
    part = out / "documents" / "part-00001.parquet"
    import pyarrow.parquet as pq

    before = pq.read_table(part).num_rows
    # rewrite the part uncompressed, so that a text byte can be changed in place
    pq.write_table(pq.read_table(part), part, compression="none")
    _flip_text_byte(part)
    assert pq.read_table(part).num_rows == before  # opens, same rows: the old checks passed it
    capsys.readouterr()
    assert _rerun(setup, out) == 0
    assert "shard 1: documents/part-00001.parquet differs from the file its marker recorded" in capsys.readouterr().err
    assert read_rows(out) == read_rows(ref)
    counts = _manifest(out)["counts"]
    assert counts["shards_resumed"] == counts["shards"] - 1


def test_marker_without_checksums_is_redone(setup, tmp_path: Path) -> None:
    ref = setup[2]
    out = tmp_path / "out"
    shutil.copytree(ref, out)
    marker = out / "_shards" / "00000.json"
    data = json.loads(marker.read_text())
    del data["parts"]  # as written before checksums were recorded
    marker.write_text(json.dumps(data))
    assert _rerun(setup, out) == 0
    assert read_rows(out) == read_rows(ref)
    assert _manifest(out)["counts"]["shards_resumed"] == _manifest(out)["counts"]["shards"] - 1


@pytest.mark.parametrize("broken", [b'{"pipeline": ', b"[1, 2]", b"\xff\xfe", b'{"pipeline": "p"}'])
def test_report_on_a_malformed_stats_file_is_one_line(setup, tmp_path: Path, capsys, broken: bytes) -> None:
    out = tmp_path / "out"
    shutil.copytree(setup[2], out)
    (out / "_stats.json").write_bytes(broken)  # was a traceback (JSONDecodeError, TypeError, KeyError)
    capsys.readouterr()
    assert main(["report", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"cleanse: error: {out}: cannot report, _stats.json") and len(err.splitlines()) == 1
    assert _rerun(setup, out) == 0  # a run again rewrites it
    assert main(["report", str(out), "--no-examples"]) == 0


def test_report_into_a_closed_pipe_ends_quietly(setup) -> None:
    """`cleanse report OUT | head`: the reader has gone before the report is written (was a
    BrokenPipeError traceback)."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # closed before the report starts: every write to the pipe fails
    try:
        r = subprocess.run([sys.executable, "-m", "cleanse.cli", "report", str(setup[2])], stdout=write_end,
                           stderr=subprocess.PIPE, text=True, timeout=120, cwd=ROOT,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        os.close(write_end)
    assert r.returncode == 0 and r.stderr == "", r.stderr
