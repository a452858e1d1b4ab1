"""`signals` is a struct of typed fields declared by the stages; users filter on it directly."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as pads
import pytest

from cleanse.cli import main
from cleanse.io.schema import document_schema, signal_fields
from cleanse.normalization import QualitySignalsStage
from cleanse.stage import TextEdit, TextStage

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    o = tmp_path_factory.mktemp("signals") / "out"
    assert main(["run", "-i", str(ROOT / "seeds"), "-o", str(o), "-q", "-w", "1"]) == 0
    return o


def test_signals_are_a_typed_struct(out: Path) -> None:
    schema = pads.dataset(out / "documents").schema
    t = schema.field("signals").type
    assert pa.types.is_struct(t)
    assert {f.name: str(f.type) for f in t} == {"char_count": "int64", "han_ratio": "double", "masked_count": "int64",
                                               "mojibake_score": "double", "placeholder_count": "int64",
                                               "mojibake_unconverted": "int64", "decoding_doubtful": "bool"}
    declared = json.loads(schema.metadata[b"cleanse.signals"])
    assert declared["han_ratio"] == {"type": "double", "stage": "quality_signals@1"}


def test_filter_on_a_signal_in_duckdb_polars_and_pyarrow(out: Path) -> None:
    import pyarrow.compute as pc

    table = pads.dataset(out / "documents").to_table()
    ratios = {r["id"]: r["signals"]["han_ratio"] for r in table.to_pylist()}
    cut = sorted(ratios.values())[len(ratios) // 2]  # a threshold that keeps some rows and drops others
    expected = sorted(i for i, v in ratios.items() if v > cut)
    assert 0 < len(expected) < len(ratios)
    got = pads.dataset(out / "documents").to_table(filter=pc.field("signals", "han_ratio") > cut)
    assert sorted(got["id"].to_pylist()) == expected
    duckdb = pytest.importorskip("duckdb")
    rows = duckdb.sql(f"SELECT id FROM read_parquet('{out}/documents/*.parquet') WHERE signals.han_ratio > {cut}").fetchall()
    assert sorted(r[0] for r in rows) == expected
    pl = pytest.importorskip("polars")
    df = pl.read_parquet(f"{out}/documents/*.parquet").filter(pl.col("signals").struct.field("han_ratio") > cut)
    assert sorted(df["id"].to_list()) == expected


class Loud(TextStage):
    name = "loud"
    version = "1"

    def transform(self, text: str) -> TextEdit:
        return TextEdit(text, signals={"undeclared": 1.0})


class Clash(TextStage):
    name = "clash"
    version = "1"
    signal_types = {"han_ratio": "int64"}

    def transform(self, text: str) -> str:
        return text


def test_declarations_are_checked() -> None:
    with pytest.raises(ValueError, match="han_ratio.*declared as double by quality_signals@1 and as int64 by clash"):
        signal_fields([QualitySignalsStage(), Clash()])
    assert "signals" not in document_schema([Loud()]).names


def test_an_undeclared_signal_is_an_error_not_a_silent_drop(tmp_path: Path) -> None:
    from cleanse import DecodeStage, Pipeline
    from cleanse.executors.local import run
    from cleanse.io.sources import expand_inputs

    pipeline = Pipeline("loud", "1", [DecodeStage(), QualitySignalsStage(), Loud()])
    with pytest.raises(ValueError, match=r"\['undeclared'\] not declared by any stage"):
        run(pipeline, expand_inputs([str(ROOT / "seeds")]), str(tmp_path / "o"))
