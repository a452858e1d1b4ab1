"""Format readers: records, bad records and skips from WARC, JSONL, Parquet, Arrow and
compressed streams built here; detection by content, not by name."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from cleanse.io.readers.formats import open_records
from cleanse.io.readers.records import BadRecord, Record, Skipped

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.warc_gen import metadata, request, response, warc_record  # noqa: E402

PAGE = "<!DOCTYPE html><html><head><title>标题</title></head><body><p>正文内容，足够长的一段话。</p></body></html>"


def _zstd(data: bytes) -> bytes:
    buf = pa.BufferOutputStream()
    with pa.CompressedOutputStream(buf, "zstd") as s:
        s.write(data)
    return buf.getvalue().to_pybytes()


COMPRESSORS = {None: lambda b: b, "gzip": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress, "zstd": _zstd}


def _read(data: bytes, name: str = "", **kw):
    reading = open_records(io.BytesIO(data), name=name, **kw)
    return reading, list(reading.items)


def test_warc_records_skips_and_offsets():
    url = "http://a.cn/1"
    recs = [warc_record("warcinfo", b"software: x\r\n"), request(url), response(url, PAGE.encode("gb18030"), "text/html; charset=gb2312"),
            metadata(url), response("http://a.cn/img", b"\x89PNG....", "image/png")]
    data = b"".join(recs)
    for codec, compress in COMPRESSORS.items():
        blob = b"".join(compress(r) for r in recs) if codec == "gzip" else compress(data)
        reading, items = _read(blob, name="x.bin")
        assert (reading.format, reading.compression) == ("warc", codec)
        kinds = [type(i).__name__ for i in items]
        assert kinds == ["Skipped", "Skipped", "Record", "Skipped", "Skipped"], kinds
        assert [i.reason for i in items if isinstance(i, Skipped)] == ["warc_warcinfo", "warc_request", "warc_metadata", "binary_payload"]
        rec = items[2]
        assert rec.index == 2 and rec.offset == len(recs[0]) + len(recs[1]) and rec.length == len(recs[2]) - 4
        assert rec.payload == PAGE.encode("gb18030")
        assert data[rec.payload_offset: rec.payload_offset + len(rec.payload)] == rec.payload
        assert rec.fields["url"] == url and rec.fields["charset_hint"] == "gb2312"
        assert rec.fields["content_type"] == "text/html" and rec.fields["warc_record_id"].startswith("<urn:uuid:")
        assert rec.fields["warc_date"] == "2024-05-01T08:00:00Z" and rec.fields["http_status"] == "200"


def test_warc_broken_header_and_garbage_go_on():
    good = response("http://a.cn/1", PAGE.encode())
    broken = b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: many\r\n\r\nxxxx\r\n\r\n"
    data = good + b"garbage line\r\n" + broken + good + good[: len(good) // 2]
    _, items = _read(data)
    reasons = [getattr(i, "reason", "record") for i in items]
    assert reasons == ["record", "warc_not_a_record", "warc_bad_header", "warc_not_a_record", "record", "warc_truncated"]
    bad = items[2]
    assert isinstance(bad, BadRecord) and bad.raw.startswith(b"WARC/1.1") and "Content-Length" in bad.detail


def test_truncated_gzip_member_is_a_bad_record():
    good = gzip.compress(response("http://a.cn/1", PAGE.encode()))
    _, items = _read(good + good[:-30])
    assert isinstance(items[0], Record)
    assert isinstance(items[-1], BadRecord) and items[-1].reason in ("truncated_stream", "warc_truncated")


def test_http_chunked_and_gzip_body():
    body = PAGE.encode()
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked
    gz = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n\r\n" + gzip.compress(body)
    data = b"".join(warc_record("response", b, "http://a.cn/", "application/http; msgtype=response") for b in (block, gz))
    _, items = _read(data)
    assert [i.payload for i in items] == [body, body]


def test_jsonl_fields_and_bad_lines():
    lines = [json.dumps({"text": "第一条", "url": "http://a.cn/1", "id": 7, "title": "标题"}, ensure_ascii=True),
             "{not json", json.dumps([1, 2]), json.dumps({"content": "x"}), "",
             json.dumps({"text": "第二条", "url": "http://a.cn/2"}, ensure_ascii=False)]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    for codec, compress in COMPRESSORS.items():
        reading, items = _read(compress(data))
        assert (reading.format, reading.compression) == ("jsonl", codec)
        assert [getattr(i, "reason", None) for i in items] == [None, "bad_json", "not_an_object", "no_text_field", "blank_line", None]
        first, last = items[0], items[-1]
        assert first.text == "第一条" and first.fields == {"url": "http://a.cn/1", "id": "7", "title": "标题"}
        assert items[1].raw == b"{not json\n" and "line 2" in items[1].detail
        assert last.offset == data.index(lines[-1].encode()) and last.index == 5


def test_jsonl_text_field_option_and_gbk_line():
    data = json.dumps({"content": "中文内容"}, ensure_ascii=False).encode("gbk") + b"\n"
    _, items = _read(data, text_field="content")
    assert items[0].text == "中文内容" and items[0].fields["jsonl_encoding"] == "gb18030"


def test_parquet_and_arrow_in_batches():
    table = pa.table({"text": ["一", None, "三"] * 1000, "url": [f"u{i}" for i in range(3000)], "n": list(range(3000))})
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=500)
    reading, items = _read(sink.getvalue())
    assert reading.format == "parquet" and len(items) == 3000
    assert items[2999].text == "三" and items[2999].fields == {"url": "u2999", "n": "2999"}
    assert isinstance(items[1], BadRecord) and items[1].reason == "null_text"
    for writer, fmt in ((ipc.new_file, "arrow"), (ipc.new_stream, "arrow_stream")):
        buf = io.BytesIO()
        with writer(buf, table.schema) as w:
            w.write_table(table, max_chunksize=700)
        reading, items = _read(gzip.compress(buf.getvalue()))
        assert reading.format == fmt and reading.compression == "gzip"
        assert [i.index for i in items] == list(range(3000)) and items[3].text == "一"


def test_parquet_without_text_column():
    sink = io.BytesIO()
    pq.write_table(pa.table({"body": ["x"]}), sink)
    _, items = _read(sink.getvalue(), text_field="text")
    assert len(items) == 1 and items[0].reason == "no_text_column" and "body" in items[0].detail


def test_html_and_text_by_content():
    reading, items = _read(gzip.compress(PAGE.encode()), name="page.txt")
    assert reading.format == "html" and items[0].payload == PAGE.encode()
    reading, _ = _read("普通文本，不是网页。\n{不是 JSON}".encode())
    assert reading.format == "text"
    reading, _ = _read(b'{"text": "x"}\n', name="data.txt")
    assert reading.format == "jsonl"
