"""Target part size (issue 14 item 4, `--part-size`): a shard's documents and rejects are cut
into parts by bytes written, at row-group boundaries, with the same rows and ids as without it."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cleanse.cli import main
from cleanse.config import ConfigError
from cleanse.io import layout
from cleanse.io.parquet import MIN_PART_BYTES, WriterOptions, parse_size
from tests.ops_inputs import han_text, read_rows, start_slow_run, write_slow_pipeline

TARGET = MIN_PART_BYTES  # 1MB: the smallest target, so that a few MB of input make several parts
SHARD = ["--shard-files", "1000", "--shard-mb", "4"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 7 MB: 320 files of random Han text (10 of them copied elsewhere: exact duplicates)
    and 4 files of random bytes (rejects with 400 KB of raw bytes each)."""
    root = tmp_path_factory.mktemp("corpus")
    rng = random.Random(14)
    texts = []
    for i in range(320):
        sub = root / f"d{i % 3}"
        sub.mkdir(exist_ok=True)
        texts.append(han_text(rng, rng.randint(4000, 8000)))
        (sub / f"f{i:04d}.txt").write_text(texts[-1], encoding="utf-8")
    (root / "copies").mkdir()
    for i in range(0, 100, 10):
        (root / "copies" / f"c{i:04d}.txt").write_text(texts[i], encoding="utf-8")
    (root / "z").mkdir()
    for i in range(4):
        (root / "z" / f"blob{i}.bin").write_bytes(rng.randbytes(400_000))
    return root


@pytest.fixture(scope="module")
def script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_slow_pipeline(tmp_path_factory.mktemp("pipe") / "slow_pipeline.py")


def _run(script: Path, corpus: Path, out: Path, *extra: str) -> None:
    assert main(["run", str(script), "-i", str(corpus), "-o", str(out), "-q", *SHARD, *extra]) == 0


@pytest.fixture(scope="module")
def unsplit(corpus: Path, script: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("unsplit") / "out"
    _run(script, corpus, out, "-w", "1")
    return out


@pytest.fixture(scope="module")
def split(corpus: Path, script: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("split") / "out"
    _run(script, corpus, out, "-w", "1", "--part-size", "1MB")
    return out


def _files(out: Path) -> dict[str, str]:
    """Every data part of an output directory: relative path -> SHA-256."""
    import hashlib

    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for d in layout.DATA_DIRS if (out / d).exists() for p in sorted((out / d).glob("part-*.parquet"))}


def _manifest(out: Path) -> dict:
    return json.loads((out / layout.MANIFEST_FILE).read_text(encoding="utf-8"))


def test_parse_size_units_and_errors() -> None:
    assert parse_size("256MB") == 256_000_000 and parse_size("256 mb") == 256_000_000
    assert parse_size("1.5GiB") == 3 << 29 and parse_size("512KiB") == 512 << 10 and parse_size(2_000_000) == 2_000_000
    assert parse_size("3000000") == 3_000_000 and parse_size("1_000_000") == 1_000_000
    for bad in ("", "MB", "abc", "-5MB", "1e9", "10XB", "1.2.3MB"):
        with pytest.raises(ValueError):
            parse_size(bad)
    with pytest.raises(ValueError, match="at least 1MB"):
        WriterOptions(part_bytes=999_999)
    assert WriterOptions(part_bytes=TARGET).to_dict()["part_bytes"] == TARGET
    assert "part_bytes" not in WriterOptions().to_dict()  # identity of earlier runs unchanged


@pytest.mark.parametrize("value, message", [
    ("12", "at least 1MB (1,000,000 bytes), got 12 bytes (a number without a unit counts bytes"),
    ("0.5MB", "at least 1MB (1,000,000 bytes), got 500,000 bytes"),
    ("10XB", "unknown unit 'XB' in '10XB'"),
    ("many", "expected a size such as 256MB, got 'many'"),
])
def test_a_bad_part_size_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str,
                                     message: str) -> None:
    seeds = str(Path(__file__).resolve().parents[2] / "seeds")
    assert main(["run", "-i", seeds, "-o", str(tmp_path / "o"), "-q", "--part-size", value]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cleanse: error: --part-size: ") and message in err and err.count("\n") == 1, err
    assert not (tmp_path / "o").exists()


def test_the_config_file_sets_the_part_size_and_the_flag_wins(tmp_path: Path) -> None:
    seeds = str(Path(__file__).resolve().parents[2] / "seeds")
    cfg = tmp_path / "c.toml"
    cfg.write_text('[output]\npart_size = "2MB"\ncompression = "gzip"\n', encoding="utf-8")
    out = tmp_path / "o"
    assert main(["run", "-c", str(cfg), "-i", seeds, "-o", str(out), "-q"]) == 0
    writer = json.loads((out / layout.RUN_FILE).read_text())["writer"]
    assert writer["part_bytes"] == 2_000_000 and writer["compression"] == "gzip"
    assert [p.name for p in (out / layout.DOCUMENTS_DIR).iterdir()] == ["part-00000-00000.parquet"]
    assert pq.ParquetFile(out / layout.DOCUMENTS_DIR / "part-00000-00000.parquet").metadata.row_group(0).column(
        0).compression == "GZIP"
    out2 = tmp_path / "o2"
    assert main(["run", "-c", str(cfg), "-i", seeds, "-o", str(out2), "-q", "--part-size", "3MB"]) == 0
    assert json.loads((out2 / layout.RUN_FILE).read_text())["writer"]["part_bytes"] == 3_000_000
    for body, message in (('[output]\npart_size = "1kB"\n', "c.toml: output.part_size: '1kB': the target part size"),
                          ("[output]\npart_size = true\n", "c.toml: output.part_size: expected a non-empty str or int"),
                          ("[output]\npart_sise = 1\n", "c.toml: output.part_sise: unknown option")):
        cfg.write_text(body, encoding="utf-8")
        from cleanse.cli import _parser, _writer_options
        from cleanse.defaults import build_default_pipeline

        args = _parser().parse_args(["run", "-c", str(cfg), "-i", seeds, "-o", str(tmp_path / "x")])
        with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
            _writer_options(args, build_default_pipeline())


def _row_groups(path: Path) -> list[int]:
    md = pq.read_metadata(path)
    return [sum(md.row_group(g).column(c).total_compressed_size for c in range(md.num_columns))
            for g in range(md.num_row_groups)]


def test_parts_are_cut_near_the_target_with_the_same_rows(split: Path, unsplit: Path) -> None:
    assert read_rows(split) == read_rows(unsplit) and len(read_rows(split)) == 330  # same rows, ids, order
    assert read_rows(split, "rejects") == read_rows(unsplit, "rejects") and len(read_rows(split, "rejects")) == 4
    shards = _manifest(split)["counts"]["shards"]
    assert shards == _manifest(unsplit)["counts"]["shards"] >= 2
    assert {k: v for k, v in _manifest(split)["counts"].items()} == _manifest(unsplit)["counts"]
    pieces_seen = 0
    for folder in (layout.DOCUMENTS_DIR, layout.REJECTS_DIR):
        for index in range(shards):
            pieces = sorted((split / folder).glob(f"part-{index:05d}-*.parquet"))
            assert [p.name for p in pieces] == [layout.part_name(index, k) for k in range(len(pieces))]
            pieces_seen += len(pieces) - 1
            for k, p in enumerate(pieces):
                groups = _row_groups(p)
                if not groups:  # a shard without rejects still writes its (empty) part
                    assert len(pieces) == 1 and pq.read_metadata(p).num_rows == 0
                    continue
                before_last = 4 + sum(groups[:-1])  # bytes written when the last row group began
                footer = p.stat().st_size - 4 - sum(groups)
                assert before_last < TARGET, (p, groups)  # cut at the first row group reaching the target
                if k < len(pieces) - 1:
                    assert TARGET <= 4 + sum(groups) and p.stat().st_size < TARGET + max(groups) + footer
    assert pieces_seen >= 3 and (split / layout.rejects_part(shards - 1, 1)).exists(), "too small to cut parts"
    assert not list((split / layout.DOCUMENTS_DIR).glob("part-?????.parquet"))  # one form of names only
    # The manifest and the markers list every part; the markers with rows, size and SHA-256.
    docs = sorted(str(p.relative_to(split)) for p in (split / layout.DOCUMENTS_DIR).glob("part-*.parquet"))
    assert _manifest(split)["parts"] == docs
    listed = {}
    for m in (split / layout.SHARDS_DIR).glob("*.json"):
        listed.update(json.loads(m.read_text())["parts"])
    assert sorted(listed) == sorted(_files(split))
    for rel, entry in listed.items():
        assert entry["bytes"] == (split / rel).stat().st_size and entry["rows"] == pq.read_metadata(split / rel).num_rows


def test_two_workers_write_identical_parts(corpus: Path, script: Path, split: Path, tmp_path: Path) -> None:
    out = tmp_path / "w2"
    _run(script, corpus, out, "-w", "2", "--part-size", "1MB")
    assert _files(out) == _files(split)  # the same names and bytes


def test_readers_see_every_row_once(split: Path, unsplit: Path) -> None:
    import pyarrow.dataset as ds

    ids = [r["id"] for r in read_rows(unsplit)]
    folder = split / layout.DOCUMENTS_DIR
    assert ds.dataset(folder).to_table(columns=["id"]).column("id").to_pylist() == ids
    pd = pytest.importorskip("pandas")
    assert pd.read_parquet(folder, columns=["id"])["id"].tolist() == ids
    duckdb = pytest.importorskip("duckdb")
    got = duckdb.connect().execute(f"select id from read_parquet('{folder}/**/*.parquet')").fetchall()
    assert sorted(r[0] for r in got) == sorted(ids)
    try:
        import polars as pl
    except ImportError:
        pl = None
    if pl is not None:
        assert sorted(pl.read_parquet(folder / "*.parquet")["id"].to_list()) == sorted(ids)


def test_report_counts_a_split_output(split: Path, unsplit: Path, capsys: pytest.CaptureFixture[str]) -> None:
    texts = []
    for out in (split, unsplit):
        capsys.readouterr()
        assert main(["report", str(out)]) == 0
        texts.append(capsys.readouterr().out.split("\n\n"))  # head, stats table, examples
    assert "334 inputs (330 with rows, 4 rejected), 330 rows, 4 rejects" in texts[0][0]
    assert texts[0][2:] == texts[1][2:] and "Repairs:" in texts[0][-1]  # the same examples, read from the parts


def test_sigkill_mid_shard_then_resume(corpus: Path, split: Path, tmp_path: Path) -> None:
    """Killed while a shard's second part is being written (its first is a temporary file):
    nothing of that shard is visible, and the resumed run equals an uninterrupted one."""
    def mid_shard(out: Path) -> bool:
        return any(".tmp-" in p.name and p.name.startswith(".part-") and "-00001.parquet" in p.name
                   for p in (out / layout.DOCUMENTS_DIR).glob(".*")) if (out / layout.DOCUMENTS_DIR).exists() else False

    proc, out, args = start_slow_run(tmp_path, corpus, [*SHARD, "-w", "1", "--part-size", "1MB"], ready=mid_shard)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    markers = {int(m.stem) for m in (out / layout.SHARDS_DIR).glob("*.json")}
    visible = {int(p.name[5:10]) for d in (layout.DOCUMENTS_DIR, layout.REJECTS_DIR)
               for p in (out / d).glob("part-*.parquet")}
    assert visible <= markers  # the killed shard left temporary files only
    assert list((out / layout.DOCUMENTS_DIR).glob(".part-*.tmp-*"))
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-m", "cleanse.cli", *args], cwd=root,
                          env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert _files(out) == _files(split)
    assert not [p for p in out.rglob(".*") if ".tmp-" in p.name]
    assert _manifest(out)["counts"]["shards_resumed"] == len(markers)


def test_a_stale_part_of_an_earlier_attempt_is_deleted(corpus: Path, script: Path, split: Path,
                                                       tmp_path: Path) -> None:
    """A part numbered past the shard's last (an earlier attempt wrote more parts) would be read
    as rows: it makes the shard be redone, and the redo deletes it."""
    for drop_marker in (False, True):
        out = tmp_path / f"out{drop_marker}"
        shutil.copytree(split, out)
        pieces = sorted((out / layout.DOCUMENTS_DIR).glob("part-00000-*.parquet"))
        extra = out / layout.documents_part(0, len(pieces))
        shutil.copy(pieces[0], extra)
        if drop_marker:
            (out / layout.marker_name(0)).unlink()
        _run(script, corpus, out, "-w", "1", "--part-size", "1MB")
        assert not extra.exists() and _files(out) == _files(split)
        counts = _manifest(out)["counts"]
        assert counts["shards_resumed"] == counts["shards"] - 1


def test_dedup_over_split_parts_equals_dedup_over_whole_ones(split: Path, unsplit: Path, tmp_path: Path,
                                                             corpus: Path, script: Path) -> None:
    results = {}
    for name, src in (("split", split), ("unsplit", unsplit)):
        out = tmp_path / name
        shutil.copytree(src, out)
        assert main(["dedup", str(out), "-q", "-w", "2"]) == 0
        results[name] = out
    kept = [r["id"] for r in read_rows(results["unsplit"])]
    dups = [(r["id"], r["duplicate_of"]) for r in read_rows(results["unsplit"], layout.DUPLICATES_DIR)]
    assert len(dups) == 10 and len(kept) == 320
    assert [r["id"] for r in read_rows(results["split"])] == kept
    assert sorted((r["id"], r["duplicate_of"]) for r in read_rows(results["split"], layout.DUPLICATES_DIR)) == sorted(dups)
    assert _manifest(results["split"])["dedup"]["exact"] == _manifest(results["unsplit"])["dedup"]["exact"] == 10
    # A deduplicated split directory resumes as finished: nothing redone, duplicates stay out.
    before = _files(results["split"])
    _run(script, corpus, results["split"], "-w", "1", "--part-size", "1MB")
    counts = _manifest(results["split"])["counts"]
    assert counts["shards_resumed"] == counts["shards"] and _files(results["split"]) == before
