"""Writer options (issue 14 item 4): column selection, compression codec and level, row-group size."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cleanse.cli import main
from tests.ops_inputs import read_rows

ROOT = Path(__file__).resolve().parent.parent
SEEDS = str(ROOT / "seeds")


def _part(out: Path) -> pq.ParquetFile:
    return pq.ParquetFile(out / "documents" / "part-00000.parquet")


def test_columns_codec_level_and_row_groups(tmp_path: Path) -> None:
    full, slim = tmp_path / "full", tmp_path / "slim"
    assert main(["run", "-i", SEEDS, "-o", str(full), "-q"]) == 0
    assert main(["run", "-i", SEEDS, "-o", str(slim), "-q", "--columns", "text,signals,source", "--compression",
                 "gzip", "--compression-level", "9", "--row-group-rows", "2"]) == 0
    f = _part(slim)
    assert f.schema_arrow.names == ["id", "text", "source", "signals"]  # schema order, id always kept
    assert f.metadata.num_row_groups == -(-f.metadata.num_rows // 2)
    assert f.metadata.row_group(0).column(0).compression == "GZIP"
    assert _part(full).metadata.row_group(0).column(0).compression == "ZSTD"
    assert [{k: r[k] for k in ("id", "text", "source", "signals")} for r in read_rows(full)] == read_rows(slim)
    rejects = pq.ParquetFile(slim / "rejects" / "part-00000.parquet")
    assert "raw" in rejects.schema_arrow.names  # rejects keep every column


def test_writer_options_are_part_of_the_run_identity(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["run", "-i", SEEDS, "-o", str(out), "-q"]) == 0
    capsys.readouterr()
    assert main(["run", "-i", SEEDS, "-o", str(out), "-q", "--columns", "text"]) == 2
    assert "writer options" in capsys.readouterr().err


def test_an_unknown_column_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "-i", SEEDS, "-o", str(tmp_path / "o"), "-q", "--columns", "text,txt"]) == 2
    err = capsys.readouterr().err
    assert "unknown document columns ['txt']" in err and err.count("\n") == 1
