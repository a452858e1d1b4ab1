"""Crawl files written by real crawlers (tests/data/webarchive_ukwa: Heritrix 1.14 ARC and
WARC 0.17, wget 1.14 WARC 1.0; CC0) and the ARC reader: what becomes a row, what is a counted
skip, and that nothing is lost."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from cleanse import build_default_pipeline, expand_inputs, run
from cleanse.io.readers import CrawlReader
from cleanse.io.readers.formats import open_records
from cleanse.io.readers.records import BadRecord, Record, Skipped
from cleanse.io.readers.split import split_parts
from cleanse.io.sources import SourceFile

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.warc_gen import arc_file, arc_record, http_response, response, warc_record  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data" / "webarchive_ukwa"
HERITRIX_ARC = DATA / "IAH-20080430204825-00000-blackbook-truncated.arc.gz"
HERITRIX_WARC = DATA / "IAH-20080430204825-00000-blackbook-truncated.warc.gz"
WGET_WARC = DATA / "IAH-urls-wget.warc.gz"
PAGE = "<html><head><title>标题</title></head><body><p>正文内容，足够长的一段话。</p></body></html>".encode()


def _items(data: bytes):
    reading = open_records(io.BytesIO(data))
    return reading, list(reading.items)


def _open(path: Path):
    with path.open("rb") as f:
        reading = open_records(f, name=path.name)
        return reading, list(reading.items)


def test_the_arc_and_the_warc_0_17_of_one_heritrix_crawl_give_the_same_records() -> None:
    arc, arc_items = _open(HERITRIX_ARC)
    warc, warc_items = _open(HERITRIX_WARC)
    assert (arc.format, warc.format) == ("arc", "warc")

    def kept(items):
        return [(i.fields["url"], i.fields["http_status"], i.fields["content_type"], i.payload)
                for i in items if isinstance(i, Record)]

    assert kept(arc_items) == kept(warc_items)
    assert [url for url, *_ in kept(arc_items)] == ["http://www.archive.org/", "http://www.archive.org/index.php"]
    assert not any(isinstance(i, BadRecord) for i in arc_items + warc_items)
    reasons = [i.reason for i in arc_items if isinstance(i, Skipped)]
    # filedesc:// and dns:, robots.txt, three images, the RSS feed.
    assert sorted(reasons) == ["binary_payload"] * 3 + ["crawler_record"] * 2 + ["data_payload", "robots_txt"]


def test_wget_redirects_and_its_own_log_are_skips_not_rows() -> None:
    reading, items = _open(WGET_WARC)
    kept = [i for i in items if isinstance(i, Record)]
    assert [i.fields["url"] for i in kept] == ["https://archive.org/", "https://archive.org/"]
    assert {i.fields["http_status"] for i in kept} == {"200"}
    skipped = {}
    for i in items:
        if isinstance(i, Skipped):
            skipped[i.reason] = skipped.get(i.reason, 0) + 1
    # wget writes its manifest, arguments and log as metadata:// resource records.
    assert skipped["crawler_record"] == 3 and skipped["http_3xx"] == 9 and skipped["robots_txt"] == 1
    assert skipped["data_payload"] == 1  # the RSS feed


def test_a_run_over_real_crawl_files_accounts_for_every_record(tmp_path: Path) -> None:
    files = [str(p) for p in (HERITRIX_ARC, HERITRIX_WARC, WGET_WARC)]
    summary = run(build_default_pipeline(), expand_inputs(files), str(tmp_path / "out"))
    manifest = json.loads((tmp_path / "out" / "_manifest.json").read_text())
    rows = 0
    for entry in manifest["inputs"]:
        assert entry["format"] in ("arc", "warc")
        assert entry["records"] == entry["rows"] + len(entry["rejects"]) + sum(entry["skipped"].values()), entry
        rows += entry["rows"]
    assert rows == 6 and summary.manifest["counts"]["rejects"] == 0


@pytest.mark.parametrize("body, content_type, status, reason", [
    (b"body{color:red}", "text/css", "200 OK", "code_payload"),
    (b"var a = 1;", "application/javascript; charset=utf-8", "200 OK", "code_payload"),
    (b"var a = 1;", "text/javascript", "200 OK", "code_payload"),
    (PAGE, "text/html", "404 Not Found", "http_4xx"),
    (PAGE, "text/html", "503 Service Unavailable", "http_5xx"),
    (PAGE, "text/html", "301 Moved Permanently", "http_3xx"),
    (b'<?xml version="1.0"?><rss><channel><title>t</title></channel></rss>', "application/rss+xml", "200 OK",
     "data_payload"),
    (b'{"text": "x"}', "application/json", "200 OK", "data_payload"),
    (b'<?xml version="1.0"?><urlset><url><loc>http://a.cn/</loc></url></urlset>', "text/xml", "200 OK", "data_payload"),
])
def test_scripts_style_sheets_and_error_pages_are_counted_skips(body: bytes, content_type: str, status: str,
                                                                 reason: str) -> None:
    block = http_response(body, content_type, status)
    rec = warc_record("response", block, "http://a.cn/x", "application/http; msgtype=response")
    for data in (rec, arc_file([arc_record("http://a.cn/x", block, content_type.split(";")[0])])):
        _, items = _items(data)
        assert [i.reason for i in items if isinstance(i, Skipped) and i.reason != "crawler_record"] == [reason]
        assert not any(isinstance(i, Record) for i in items)


def test_an_xhtml_page_served_as_xml_is_a_document() -> None:
    page = b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">' + PAGE
    rec = warc_record("response", http_response(page, "application/xml"), "http://a.cn/x", "application/http; msgtype=response")
    _, items = _items(rec)
    assert [type(i).__name__ for i in items] == ["Record"] and items[0].payload == page


@pytest.mark.parametrize("version", [1, 2])
def test_arc_records_offsets_and_fields(version: int) -> None:
    block = http_response(PAGE, "text/html; charset=utf-8")
    recs = [arc_record(f"http://a.cn/{k}", block, "text/html", version=version) for k in range(3)]
    data = arc_file(recs, version)
    reading, items = _items(data)
    assert reading.format == "arc"
    assert isinstance(items[0], Skipped) and items[0].reason == "crawler_record"
    kept = items[1:]
    assert [i.fields["url"] for i in kept] == [f"http://a.cn/{k}" for k in range(3)]
    for rec in kept:
        assert rec.payload == PAGE and data[rec.payload_offset: rec.payload_offset + len(PAGE)] == PAGE
        assert rec.fields["charset_hint"] == "utf-8" and rec.fields["arc_date"] == "20080430204825"
        assert data[rec.offset:].startswith(rec.fields["url"].encode())


def test_arc_junk_and_a_cut_block_are_bad_records_and_reading_goes_on() -> None:
    block = http_response(PAGE)
    good = arc_record("http://a.cn/1", block)
    data = arc_file([good, b"not a header line\nmore junk\n", good, good[:-40]])
    _, items = _items(data)
    reasons = [getattr(i, "reason", "record") for i in items]
    assert reasons == ["crawler_record", "record", "arc_not_a_record", "record", "arc_truncated"]
    assert items[2].raw == b"not a header line\nmore junk\n"


def test_a_large_arc_is_split_into_parts_that_read_exactly_the_whole(tmp_path: Path) -> None:
    import gzip

    recs = [arc_record(f"http://a.cn/{k}", http_response(PAGE + str(k).encode())) for k in range(300)]
    path = tmp_path / "big.arc.gz"
    path.write_bytes(b"".join(gzip.compress(r) for r in [arc_file([])] + recs))  # one member per record
    src = SourceFile(str(path), path.stat().st_size, path.name)

    def records(part=None):
        opened = CrawlReader().open(src, part=part)
        return [(r.record, bytes(r.raw[r.byte_start:r.byte_end])) for r in opened.records]

    parts = split_parts(src, 8_000)
    assert parts is not None and len(parts) >= 3
    assert sum((records(p) for p in parts), []) == records() and len(records()) == 300
