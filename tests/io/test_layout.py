"""The output layout: the documents folder opens directly in the usual readers and holds only documents."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from cleanse import build_default_pipeline, expand_inputs, run
from cleanse.io import layout
from cleanse.io.schema import DOCUMENT_SCHEMA, REJECT_SCHEMA
from tests.conftest import seed_paths


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    """A finished run over the seeds plus two rejected files, in three shards: (OUT, ids)."""
    d = tmp_path_factory.mktemp("layout")
    inputs = d / "in"
    inputs.mkdir()
    for p in seed_paths():
        (inputs / Path(p).name).write_bytes(Path(p).read_bytes())
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "image.bin").write_bytes(bytes(range(256)) * 40)
    out = d / "out"
    run(build_default_pipeline(), expand_inputs([str(inputs)]), str(out), shard_max_files=3)
    ids = {r["id"] for r in ds.dataset(out / layout.DOCUMENTS_DIR).to_table(columns=["id"]).to_pylist()}
    return out, ids


def _counts(out: Path) -> dict[str, int]:
    return json.loads((out / layout.MANIFEST_FILE).read_text(encoding="utf-8"))["counts"]


def test_layout_names_every_file_of_the_run(finished: tuple[Path, set[str]]) -> None:
    out, _ = finished
    assert _counts(out)["shards"] == 3 and _counts(out)["rejects"] == 2
    expected = {layout.RUN_FILE, layout.MANIFEST_FILE, layout.STATS_FILE}
    expected |= {layout.marker_name(i) for i in range(3)}
    expected |= {p(i) for p in (layout.documents_part, layout.rejects_part) for i in range(3)}
    assert {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} == expected
    manifest = json.loads((out / layout.MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["parts"] == [layout.documents_part(i) for i in range(3)]


def test_pyarrow_dataset_sees_only_documents(finished: tuple[Path, set[str]]) -> None:
    out, ids = finished
    table = ds.dataset(out / layout.DOCUMENTS_DIR).to_table()
    assert table.schema.equals(DOCUMENT_SCHEMA, check_metadata=False)
    assert table.num_rows == _counts(out)["rows"] == len(ids) > 0
    rejects = ds.dataset(out / layout.REJECTS_DIR).to_table()
    assert rejects.schema.equals(REJECT_SCHEMA, check_metadata=False) and rejects.num_rows == 2


def test_pandas_reads_the_folder(finished: tuple[Path, set[str]]) -> None:
    pd = pytest.importorskip("pandas")
    out, ids = finished
    df = pd.read_parquet(out / layout.DOCUMENTS_DIR)
    assert list(df.columns) == DOCUMENT_SCHEMA.names
    assert set(df["id"]) == ids and df["text"].notna().all() and (df["text"].str.len() > 0).all()


def test_duckdb_reads_the_folder(finished: tuple[Path, set[str]]) -> None:
    duckdb = pytest.importorskip("duckdb")
    out, ids = finished
    con = duckdb.connect()
    for pattern in ("*.parquet", "**/*.parquet"):
        rows = con.execute(f"select id, text from read_parquet('{out / layout.DOCUMENTS_DIR}/{pattern}')").fetchall()
        assert {r[0] for r in rows} == ids and all(r[1] for r in rows)
    cols = [r[0] for r in con.execute(f"describe select * from '{out / layout.DOCUMENTS_DIR}/*.parquet'").fetchall()]
    assert cols == DOCUMENT_SCHEMA.names


def test_polars_reads_the_folder(finished: tuple[Path, set[str]]) -> None:
    pl = pytest.importorskip("polars")
    out, ids = finished
    df = pl.read_parquet(out / layout.DOCUMENTS_DIR / "*.parquet")
    assert df.columns == DOCUMENT_SCHEMA.names and set(df["id"].to_list()) == ids
    assert df["text"].null_count() == 0


def test_hugging_face_datasets_reads_the_folder(finished: tuple[Path, set[str]], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    out, ids = finished
    loaded = datasets.load_dataset("parquet", data_dir=str(out / layout.DOCUMENTS_DIR), split="train",
                                   cache_dir=str(tmp_path / "hf"))
    assert loaded.column_names == DOCUMENT_SCHEMA.names and set(loaded["id"]) == ids


def test_a_directory_in_the_old_layout_is_refused_then_overwritten(tmp_path: Path) -> None:
    from cleanse.executors.shards import OutputConflict

    src = tmp_path / "a.txt"
    src.write_bytes(Path(seed_paths()[0]).read_bytes())
    out = tmp_path / "out"
    run(build_default_pipeline(), expand_inputs([str(src)]), str(out))
    # Make it look like layout 1: documents at the top level, no layout in the identity.
    (out / layout.DOCUMENTS_DIR / layout.part_name(0)).rename(out / layout.part_name(0))
    identity = json.loads((out / layout.RUN_FILE).read_text())
    del identity["layout"]
    (out / layout.RUN_FILE).write_text(json.dumps(identity))
    with pytest.raises(OutputConflict, match="older layout"):
        run(build_default_pipeline(), expand_inputs([str(src)]), str(out))
    run(build_default_pipeline(), expand_inputs([str(src)]), str(out), overwrite=True)
    assert not (out / layout.part_name(0)).exists()
    assert (out / layout.documents_part(0)).exists()
