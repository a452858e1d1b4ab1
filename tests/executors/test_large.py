"""Large and odd inputs, scaled down: big files as line-aligned chunks, long lines, many files."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cleanse import DecodeStage, Pipeline
from cleanse.executors.local import run
from cleanse.io.chunks import SourceBytes, chunk_ranges
from cleanse.io.sources import expand_inputs
from tests.ops_inputs import read_rows, seed_lines

TEXT = "\n".join(seed_lines() * 8) + "\n"  # ~150 KB of UTF-8, Simplified and Traditional
CASES = [
    ("utf-8", b""), ("gb18030", b""), ("cp950", b""),
    ("utf-16-le", b""), ("utf-16-be", b""), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-8", codecs.BOM_UTF8),
]


def _encode(codec: str) -> bytes:
    return TEXT.encode(codec, "replace") if codec == "cp950" else TEXT.encode(codec)


@pytest.mark.parametrize("codec,bom", CASES)
def test_chunks_tile_the_file_at_line_ends_in_its_encoding(tmp_path: Path, codec: str, bom: bytes) -> None:
    data = bom + _encode(codec)
    p = tmp_path / "big.txt"
    p.write_bytes(data)
    ranges = chunk_ranges(SourceBytes(str(p), len(data)), chunk_bytes=16_000)
    assert len(ranges) >= 5
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    newline = "\n".encode(codec)
    pieces = []
    for i, (s, e) in enumerate(ranges):
        chunk = data[s:e]
        if i == 0:
            chunk = chunk[len(bom):]
        assert chunk.endswith(newline)
        pieces.append(chunk.decode(codec))  # strict: no character was cut
    assert "".join(pieces) == data[len(bom):].decode(codec)


def test_binary_files_are_not_cut_and_single_lines_only_between_characters(tmp_path: Path) -> None:
    binary = tmp_path / "bin"
    binary.write_bytes(bytes(range(256)) * 400)
    assert chunk_ranges(SourceBytes(str(binary), 102_400), chunk_bytes=10_000) == [(0, 102_400)]
    line = tmp_path / "line"
    data = TEXT.replace("\n", "").encode("utf-8")
    line.write_bytes(data)
    ranges = chunk_ranges(SourceBytes(str(line), len(data)), chunk_bytes=10_000)
    assert len(ranges) > 1 and max(e - s for s, e in ranges) <= 20_004  # bounded pieces (tests/test_hostile_budgets.py)
    assert "".join(data[s:e].decode("utf-8") for s, e in ranges) == data.decode("utf-8")


def _decode_only() -> Pipeline:
    return Pipeline("decode_only", "1", [DecodeStage()])


def test_a_chunked_file_becomes_consecutive_rows_with_exact_byte_ranges(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    gbk = _encode("gb18030")
    (d / "big_gbk.txt").write_bytes(gbk)
    (d / "small.txt").write_text("小文件\n", encoding="utf-8")
    (d / "z_binary.bin").write_bytes(bytes(range(256)) * 400)
    files = expand_inputs([str(d)])
    a = run(_decode_only(), files, str(tmp_path / "a"), workers=1, chunk_bytes=16_000)
    rows = read_rows(tmp_path / "a")
    big = [r for r in rows if r["source"].endswith("big_gbk.txt")]
    assert len(big) >= 5
    assert [r["segment"] for r in big] == list(range(len(big)))
    assert big[0]["byte_start"] == 0 and big[-1]["byte_end"] == len(gbk)
    assert all(x["byte_end"] == y["byte_start"] for x, y in zip(big, big[1:]))
    assert all(r["encoding"] == "gb18030" for r in big)
    assert "".join(r["text"] for r in big) == TEXT
    assert all(gbk[r["byte_start"]:r["byte_end"]].decode("gb18030") == r["text"] for r in big)
    assert len({r["id"] for r in rows}) == len(rows)
    manifest = json.loads((tmp_path / "a" / "_manifest.json").read_text(encoding="utf-8"))
    assert "inputs" not in a.manifest and a.manifest["counts"] == manifest["counts"]
    entry = next(i for i in manifest["inputs"] if i["source"].endswith("big_gbk.txt"))
    assert entry["chunks"] == len(big) and entry["rows"] == len(big) and entry["bytes"] == len(gbk)
    # The binary file is not cut: one reject holding all its bytes.
    rej = pq.read_table(tmp_path / "a" / "rejects" / "part-00000.parquet").to_pylist()
    assert [(r["reason"], len(r["raw"])) for r in rej] == [("binary", 102_400)]
    # Same ids and rows with two workers and small shards.
    run(_decode_only(), files, str(tmp_path / "b"), workers=2, chunk_bytes=16_000, shard_max_files=1)
    assert read_rows(tmp_path / "b") == rows
