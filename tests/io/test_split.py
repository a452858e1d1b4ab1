"""One large record file cut into parts (`cleanse.io.readers.split`): the parts' records are
exactly the whole file's, and a run over split files gives the rows, rejects, ids and manifest
of an unsplit run, for any worker count, and resumes."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleanse import build_default_pipeline, expand_inputs, run
from cleanse.io.readers import CrawlReader
from cleanse.io.readers.formats import open_records
from cleanse.io.readers.split import split_parts
from cleanse.io.sources import SourceFile

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.warc_gen import metadata, page_html, request, response  # noqa: E402

PARAS = ["这是第{}篇报道的正文，记者采访了当地居民，了解到很多新的情况。", "第二段继续介绍相关背景，内容比较丰富，值得一读。"]


def _warc_records(n: int) -> list[bytes]:
    recs = []
    for i in range(n):
        url = f"http://a.cn/{i}"
        codec = ("utf-8", "gb18030", "cp950")[i % 3]
        html = page_html(f"新闻{i}", [PARAS[0].format(i), PARAS[1]], codec).encode(codec, "replace")
        recs += [request(url), response(url, html, f"text/html; charset={codec}"), metadata(url)]
    recs.insert(7, b"garbage between records\r\n")  # a bad record inside: it keeps its place
    return recs


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("split")
    recs = _warc_records(60)
    (d / "a.warc.gz").write_bytes(b"".join(gzip.compress(r) for r in recs))  # one member per record
    (d / "b.warc").write_bytes(b"".join(recs))
    lines = []
    for i in range(3000):
        if i % 500 == 3:
            lines.append(b"{not json")
        elif i % 700 == 5:
            lines.append(b"")
        else:
            lines.append(json.dumps({"text": PARAS[0].format(i), "url": f"http://j.cn/{i}"}, ensure_ascii=False).encode())
    (d / "c.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    table = pa.table({"text": [PARAS[0].format(i) for i in range(4000)], "url": [f"u{i}" for i in range(4000)]})
    pq.write_table(table, d / "d.parquet", row_group_size=500)
    (d / "e.jsonl.gz").write_bytes(gzip.compress((d / "c.jsonl").read_bytes()))  # one gzip stream
    return d


def _records(src: SourceFile, part=None):
    opened = CrawlReader().open(src, part=part)
    out = [(type(r).__name__, r.record, getattr(r, "reason", None), bytes(r.raw[r.byte_start:r.byte_end]),
            r.source_sha256, getattr(r, "detail", None), sorted((getattr(r, "meta", None) or {}).items()))
           for r in opened.records]
    return out, opened.info


@pytest.mark.parametrize("name,max_bytes", [("a.warc.gz", 20_000), ("b.warc", 30_000), ("c.jsonl", 40_000),
                                            ("d.parquet", 20_000)])
def test_parts_read_exactly_the_whole_file(files: Path, name: str, max_bytes: int) -> None:
    path = files / name
    src = SourceFile(str(path), path.stat().st_size, name)
    whole, info = _records(src)
    parts = split_parts(src, max_bytes)
    assert parts is not None and len(parts) >= 3
    assert [p.index for p in parts] == list(range(len(parts))) and {p.count for p in parts} == {len(parts)}
    assert parts == split_parts(src, max_bytes)  # deterministic
    got, records = [], 0
    for part in parts:
        items, part_info = _records(src, part)
        got += items
        records += part_info.extra["records"]
        assert part_info.sha256 == info.sha256
    assert got == whole
    assert records == info.extra["records"]
    assert any(kind == "Reject" for kind, *_ in whole) or name == "d.parquet"


def test_not_split_when_it_cannot_or_need_not_be(files: Path) -> None:
    for name in ("e.jsonl.gz", "c.jsonl"):
        path = files / name
        src = SourceFile(str(path), path.stat().st_size, name)
        # A single gzip stream can only be read from its start; a small file needs no parts.
        assert split_parts(src, 10_000 if name == "e.jsonl.gz" else 10**9) is None


def _table(out: Path, folder: str) -> pa.Table:
    return pq.read_table(out / folder)


def test_run_over_split_files_equals_unsplit_run_any_workers(files: Path, tmp_path: Path) -> None:
    inputs = expand_inputs([str(files)])
    pipeline = build_default_pipeline()
    whole = run(pipeline, inputs, str(tmp_path / "whole"), workers=1, shard_max_bytes=10**9)
    assert whole.manifest["counts"]["shards"] == 1
    outs = {}
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        summary = run(pipeline, inputs, str(out), workers=workers, shard_max_bytes=40_000)
        assert summary.manifest["counts"]["shards"] > 8
        outs[workers] = out
    for folder in ("documents", "rejects"):
        ref = _table(tmp_path / "whole", folder)
        assert ref.num_rows > 0
        for out in outs.values():
            assert _table(out, folder).equals(ref), folder
    ids = _table(outs[2], "documents").column("id").to_pylist()
    assert len(set(ids)) == len(ids)
    ref_manifest = json.loads((tmp_path / "whole" / "_manifest.json").read_text())
    manifest = json.loads((outs[2] / "_manifest.json").read_text())
    assert manifest["counts"] == {**ref_manifest["counts"], "shards": manifest["counts"]["shards"]}
    # One entry per file, the parts merged; the same facts as the unsplit run's.
    assert [e["source"] for e in manifest["inputs"]] == [e["source"] for e in ref_manifest["inputs"]]
    for entry, ref_entry in zip(manifest["inputs"], ref_manifest["inputs"]):
        assert {k: v for k, v in entry.items() if k != "parts"} == ref_entry
        assert (entry.get("parts", 1) > 1) == (not entry["source"].endswith("e.jsonl.gz")), entry


def test_split_run_resumes(files: Path, tmp_path: Path) -> None:
    inputs = expand_inputs([str(files / "a.warc.gz")])
    pipeline = build_default_pipeline()
    out = tmp_path / "out"
    first = run(pipeline, inputs, str(out), workers=1, shard_max_bytes=20_000)
    shards = first.manifest["counts"]["shards"]
    before = _table(out, "documents")
    (out / "_shards" / "00001.json").unlink()  # as if killed before shard 1 finished
    (out / "documents" / "part-00001.parquet").unlink()
    again = run(pipeline, inputs, str(out), workers=2, shard_max_bytes=20_000)
    assert again.skipped_shards == shards - 1
    assert _table(out, "documents").equals(before)


def test_compressed_text_is_read_in_line_aligned_chunks() -> None:
    data = "".join(f"第{i}行，一些内容。\n" for i in range(20000)).encode("gb18030")
    items = list(open_records(io.BytesIO(gzip.compress(data)), chunk_bytes=50_000).items)
    assert len(items) > 5
    assert b"".join(i.payload for i in items) == data
    assert all(i.payload.endswith(b"\n") and len(i.payload) < 50_000 + 100 for i in items)
    assert [i.offset for i in items] == [sum(len(j.payload) for j in items[:k]) for k in range(len(items))]
    utf16 = ("一二三\n" * 20000).encode("utf-16-le")  # cut only at an aligned newline
    items = list(open_records(io.BytesIO(gzip.compress(utf16)), chunk_bytes=10_001).items)
    assert len(items) > 2 and b"".join(i.payload for i in items) == utf16
    assert all(len(i.payload) % 2 == 0 for i in items)
