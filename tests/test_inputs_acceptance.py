"""Acceptance (issue 10): crawl inputs built here (WARC with UTF-8, GBK and Big5 records and a
wrong charset label, JSONL plain/.gz/.zst, Parquet, an HTML page, a truncated .gz) run
through the default pipeline to Parquet; one row per record, clean Simplified text, url and
record provenance, no markup, no WARC/HTTP header text, titles without tags."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleanse import build_default_pipeline, expand_inputs, run

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.warc_gen import metadata, page_html, request, response, warc_record  # noqa: E402

SIMP = ["这是第一篇报道的正文，记者采访了当地居民，了解到很多新的情况。", "第二段继续介绍相关背景，内容比较丰富，值得一读。"]
TRAD = ["這是繁體中文的報導，記者採訪了當地居民，了解到很多新的情況。", "第二段繼續介紹相關背景，內容比較豐富，值得一讀。"]
SIMP_OF_TRAD = ["这是繁体中文的报导，记者采访了当地居民，了解到很多新的情况。", "第二段继续介绍相关背景，内容比较丰富，值得一读。"]
MARKUP = ("<", ">", "WARC", "HTTP/1.1", "Content-Type", "首页", "相关新闻", "关于我们", "首頁", "相關新聞", "關於我們")


def _zstd(data: bytes) -> bytes:
    buf = pa.BufferOutputStream()
    with pa.CompressedOutputStream(buf, "zstd") as s:
        s.write(data)
    return buf.getvalue().to_pybytes()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("crawl")
    pages = [  # (url, paragraphs, codec, label); the Big5 page is labelled gb2312 (wrong)
        ("http://a.cn/utf8", SIMP, "utf-8", "utf-8"),
        ("http://a.cn/gbk", SIMP, "gb18030", "gb2312"),
        ("http://a.tw/big5", TRAD, "cp950", "gb2312"),
        ("http://a.cn/nolabel", SIMP, "gb18030", ""),
    ]
    recs = [warc_record("warcinfo", b"software: test\r\n")]
    for url, paras, codec, label in pages:
        title = "测试新闻" if paras is SIMP else "測試新聞"
        html = page_html(title, paras, label or "x", traditional=codec == "cp950")
        body = html.replace("<meta charset='x'>", "").encode(codec)
        recs += [request(url), response(url, body, f"text/html; charset={label}" if label else "text/html"), metadata(url)]
    recs.append(response("http://a.cn/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png"))
    (d / "crawl.warc.gz").write_bytes(b"".join(gzip.compress(r) for r in recs))
    (d / "plain.warc").write_bytes(b"".join(recs[:4]))  # not compressed: warcinfo + one page
    lines = [json.dumps({"id": f"n{i}", "url": f"http://j.cn/{i}", "title": "标题", "text": t}) for i, t in enumerate(TRAD)]
    lines.insert(1, "{broken json")
    jsonl = ("\n".join(lines) + "\n").encode()
    (d / "a.jsonl").write_bytes(jsonl)
    (d / "b.jsonl.gz").write_bytes(gzip.compress(jsonl))
    (d / "c.data").write_bytes(_zstd(jsonl))  # no telling extension: found by its bytes
    pq.write_table(pa.table({"text": TRAD, "url": ["http://p.cn/0", "http://p.cn/1"]}), d / "d.parquet")
    (d / "page.htm").write_bytes(page_html("网页标题", SIMP, "gbk").encode("gbk"))
    (d / "cut.jsonl.gz").write_bytes(gzip.compress(jsonl)[:-12])
    out = tmp_path_factory.mktemp("out")
    summary = run(build_default_pipeline(), expand_inputs([str(d)]), str(out), workers=1)
    rows = pq.read_table(out / "documents").to_pylist()
    rejects = pq.read_table(out / "rejects").to_pylist()
    return d, out, summary, rows, rejects


def _meta(row):
    return {kv["key"]: kv["value"] for kv in row["meta"]}


def _rows(rows, name):
    return [r for r in rows if r["source"].endswith(name)]


def test_warc_one_row_per_response_record(corpus):
    _, _, _, rows, _ = corpus
    warc = _rows(rows, "crawl.warc.gz")
    assert [_meta(r)["url"] for r in warc] == ["http://a.cn/utf8", "http://a.cn/gbk", "http://a.tw/big5", "http://a.cn/nolabel"]
    for r in warc:
        m = _meta(r)
        want = SIMP_OF_TRAD if "big5" in m["url"] else SIMP
        assert r["text"] == "\n".join(want), (m["url"], r["text"])
        assert not any(s in r["text"] for s in MARKUP)
        assert r["title"] == "测试新闻"
        assert m["warc_record_id"].startswith("<urn:uuid:") and m["warc_date"] == "2024-05-01T08:00:00Z"
        assert m["source_format"] == "warc" and m["compression"] == "gzip" and int(m["record_offset"]) > 0
        assert r["byte_start"] == 0 and r["byte_end"] > 0
    by_url = {_meta(r)["url"]: r for r in warc}
    assert by_url["http://a.tw/big5"]["encoding"] == "cp950"
    assert _meta(by_url["http://a.tw/big5"])["charset_decision"] == "bytes_over_hint"
    assert by_url["http://a.cn/gbk"]["encoding"] == "gb18030"
    assert [_meta(r)["record_index"] for r in warc] == ["2", "5", "8", "11"]


def test_warc_skips_counted_in_manifest(corpus):
    _, out, _, _, _ = corpus
    manifest = json.loads((out / "_manifest.json").read_text())
    (entry,) = [i for i in manifest["inputs"] if i["source"].endswith("crawl.warc.gz")]
    assert entry["format"] == "warc" and entry["records"] == 14
    assert entry["skipped"] == {"binary_payload": 1, "warc_metadata": 4, "warc_request": 4, "warc_warcinfo": 1}


def test_jsonl_in_any_compression(corpus):
    _, _, _, rows, rejects = corpus
    for name in ("a.jsonl", "b.jsonl.gz", "c.data"):
        got = _rows(rows, name)
        assert [r["text"] for r in got] == SIMP_OF_TRAD, name
        assert [_meta(r)["url"] for r in got] == ["http://j.cn/0", "http://j.cn/1"]
        assert [_meta(r)["id"] for r in got] == ["n0", "n1"] and {r["title"] for r in got} == {"标题"}
        (bad,) = [x for x in rejects if x["source"].endswith(name)]
        assert bad["reason"] == "bad_json" and bad["raw"] == b"{broken json\n" and "line 2" in bad["detail"]


def test_parquet_and_html(corpus):
    _, _, _, rows, _ = corpus
    assert [r["text"] for r in _rows(rows, "d.parquet")] == SIMP_OF_TRAD
    assert [_meta(r)["url"] for r in _rows(rows, "d.parquet")] == ["http://p.cn/0", "http://p.cn/1"]
    (page,) = _rows(rows, "page.htm")
    assert page["text"] == "\n".join(SIMP) and page["title"] == "网页标题" and page["encoding"] == "gb18030"


def test_truncated_gzip_keeps_what_was_read(corpus):
    _, _, _, rows, rejects = corpus
    assert len(_rows(rows, "cut.jsonl.gz")) >= 1
    assert "truncated_stream" in {x["reason"] for x in rejects if x["source"].endswith("cut.jsonl.gz")}


def test_ids_unique_and_stable_across_workers(corpus, tmp_path):
    d, _, _, rows, _ = corpus
    assert len({r["id"] for r in rows}) == len(rows)
    again = run(build_default_pipeline(), expand_inputs([str(d)]), str(tmp_path / "w2"), workers=2, shard_max_files=2)
    rows2 = pq.read_table(tmp_path / "w2" / "documents").to_pylist()
    assert sorted((r["id"], r["text"]) for r in rows2) == sorted((r["id"], r["text"]) for r in rows)
    assert again.manifest["counts"]["rows"] == len(rows)
