"""End to end: files in, Parquet corpus out, with rejects, manifest and stats."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cleanse.io.schema import DOCUMENT_SCHEMA, REJECT_SCHEMA
from cleanse.cli import main
from tests.conftest import SEED_DIR, seed_paths

BINARY = bytes(range(256)) * 40
NUL_HEAVY = b"text\x00" * 500


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    """The seeds plus a binary, a NUL-heavy, an empty and a blank file, and a GBK copy."""
    d = tmp_path / "in"
    shutil.copytree(SEED_DIR, d / "seeds")
    (d / "junk").mkdir()
    (d / "junk" / "image.bin").write_bytes(BINARY)
    (d / "junk" / "nul.txt").write_bytes(NUL_HEAVY)
    (d / "junk" / "empty.txt").write_bytes(b"")
    (d / "junk" / "blank.txt").write_bytes(b"  \r\n\n \t")
    text = Path(seed_paths()[1]).read_text(encoding="utf-8")
    (d / "gbk.txt").write_bytes(text.encode("gbk"))
    return d


def _run(inputs: Path, out: Path, *extra: str) -> None:
    assert main(["run", "--input", str(inputs), "--output", str(out), "--quiet", *extra]) == 0


def _rows(out: Path) -> list[dict]:
    parts = sorted((out / "documents").glob("part-*.parquet"))
    return [r for p in parts for r in pq.read_table(p).to_pylist()]


def test_corpus_layout_schema_and_rejects(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(inputs, out, "--workers", "1")
    assert (out / "documents" / "part-00000.parquet").exists()
    assert (out / "rejects" / "part-00000.parquet").exists()
    assert not list(out.rglob(".*.tmp-*")), "no temporary files left behind"

    table = pq.read_table(out / "documents" / "part-00000.parquet")
    assert table.schema.equals(DOCUMENT_SCHEMA, check_metadata=False)
    rows = table.to_pylist()
    by_source: dict[str, list[dict]] = {}
    for r in rows:
        by_source.setdefault(r["source"], []).append(r)
    assert len(by_source) == 6  # five seeds + the GBK copy: every text input has rows
    gbk = by_source[f"{inputs.name}/gbk.txt"][0]
    assert gbk["encoding"] == "gb18030" and gbk["text"]
    for source, segs in by_source.items():
        raw = (inputs.parent / source).read_bytes()  # source: the name under the input directory given
        assert [r["segment"] for r in segs] == list(range(len(segs)))
        # segments tile part of the file in order, inside its bounds
        assert 0 <= segs[0]["byte_start"] and segs[-1]["byte_end"] <= len(raw)
        for a, b in zip(segs, segs[1:]):
            assert a["byte_end"] <= b["byte_start"]
        for r in segs:
            assert r["pipeline"].startswith("zh_web@")
            assert r["stages"][0]["name"] == "decode"
    assert len(by_source[f"{inputs.name}/seeds/{os.path.basename(seed_paths()[3])}"]) == 3  # 【篇一】…【篇三】

    rejects = pq.read_table(out / "rejects" / "part-00000.parquet")
    assert rejects.schema.equals(REJECT_SCHEMA, check_metadata=False)
    by_name = {os.path.basename(r["source"]): r for r in rejects.to_pylist()}
    assert by_name["image.bin"]["reason"] == "binary" and by_name["image.bin"]["raw"] == BINARY
    assert by_name["nul.txt"]["reason"] == "binary" and by_name["nul.txt"]["raw"] == NUL_HEAVY
    assert by_name["empty.txt"]["reason"] == "empty"
    assert by_name["blank.txt"]["reason"] == "empty" and by_name["blank.txt"]["raw"] == b"  \r\n\n \t"


def test_manifest_accounts_for_every_input(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(inputs, out)
    manifest = json.loads((out / "_manifest.json").read_text(encoding="utf-8"))
    on_disk = sorted(str(p) for p in inputs.rglob("*") if p.is_file())
    assert sorted(i["path"] for i in manifest["inputs"]) == on_disk
    for entry in manifest["inputs"]:
        assert entry["sha256"] and len(entry["sha256"]) == 64
        assert entry["status"] in ("rows", "rejected")
        assert (entry["rows"] > 0) != bool(entry["rejects"])
    c = manifest["counts"]
    assert c["inputs"] == len(on_disk) == c["inputs_with_rows"] + c["inputs_rejected"]
    assert c["rows"] == len(_rows(out))
    assert manifest["pipeline"]["name"] == "zh_web" and manifest["packages"]["pyarrow"]
    stats = json.loads((out / "_stats.json").read_text(encoding="utf-8"))
    decode = stats["stages"][0]
    assert decode["name"] == "decode" and decode["docs_in"] == len(on_disk)
    assert decode["rejected"] == 4 and decode["reject_reasons"] == {"binary": 2, "empty": 2}


def test_same_inputs_same_ids_rows_and_order(inputs: Path, tmp_path: Path) -> None:
    _run(inputs, tmp_path / "a", "--workers", "1")
    _run(inputs, tmp_path / "b", "--workers", "2")
    a, b = _rows(tmp_path / "a"), _rows(tmp_path / "b")
    assert [r["id"] for r in a] == [r["id"] for r in b]
    assert a == b
    assert len({r["id"] for r in a}) == len(a)


def test_reads_back_with_duckdb(inputs: Path, tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    out = tmp_path / "out"
    _run(inputs, out)
    con = duckdb.connect()
    n, sources = con.execute(
        f"select count(*), count(distinct source) from read_parquet('{out}/documents/part-*.parquet')"
    ).fetchone()
    assert sources == 6 and n == 8  # seed 003 holds three articles
    cols = [r[0] for r in con.execute(f"describe select * from read_parquet('{out}/documents/part-*.parquet')").fetchall()]
    assert cols == DOCUMENT_SCHEMA.names
    reasons = con.execute(
        f"select reason, count(*) from read_parquet('{out}/rejects/*.parquet') group by 1 order by 1"
    ).fetchall()
    assert reasons == [("binary", 2), ("empty", 2)]


def test_missing_input_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--input", str(tmp_path / "nope"), "--output", str(tmp_path / "o"), "--quiet"])
    assert code == 2
    assert "input not found" in capsys.readouterr().err


def test_globs_and_files_as_inputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    paths = seed_paths()
    assert main(["run", "--input", os.path.join(SEED_DIR, "00[01]*.txt"), paths[4], "--output", str(out), "-q"]) == 0
    assert sorted(os.path.basename(r["source"]) for r in _rows(out)) == sorted(
        os.path.basename(p) for p in (paths[0], paths[1], paths[4])
    )
