"""Repeated-line boilerplate across documents (cleanse.dedup.lines) in the dedup phase."""

from __future__ import annotations

import json
import os
import random

import numpy as np
import pyarrow.parquet as pq
import pytest

from cleanse.cli import main
from cleanse.dedup import DedupConfig, DedupError, dedup_form, dedup_output
from cleanse.dedup import lines as lines_mod
from cleanse.dedup.lines import Counter, RepeatedLinesConfig, count_table, group_of, line_keys, strip_lines
from cleanse.report import report
from tests.dedup.test_dedup import POEMS

# Site chrome that no per-document rule knows (the pipeline's boilerplate_lines keeps it).
HEADER = "梧桐树下诗社 · 每日一诗"
NAV = "诗社简介 | 名家专栏 | 投稿须知"
FOOTER = "梧桐诗社编辑部整理"
SHARE = "今天的诗读完了，明天见"
SITE_B = "以上诗作由社员推荐"


# --- units ----------------------------------------------------------------------------------
def test_group_is_the_url_host_else_the_source_directory():
    assert group_of("crawl/a.jsonl", [{"key": "url", "value": "https://WWW.News.example.cn:8080/a/b.html"}]) == \
        "host:news.example.cn"
    assert group_of("crawl/site_a/p1.html", []) == "dir:crawl/site_a"
    assert group_of("p1.html", None) == "dir:"
    assert group_of("crawl/a.jsonl", {"url": "not a url"}) == "dir:crawl"


def test_line_keys_fold_spelling_and_group():
    a = line_keys("首页 > 新闻\n\n——\n正文", "dir:x")
    assert a[1] == 0 and a[2] == 0  # blank and punctuation-only lines are neutral
    assert a[0] == line_keys("首页>新闻", "dir:x")[0]  # same letters and digits: same key
    assert a[0] != line_keys("首页 > 新闻", "dir:y")[0]  # another site: another key


def _strip(text: str, repeated_lines: list[str] | dict[str, int], title: str | None = None, edges_only: bool = True,
           **kw):
    """strip_lines with `repeated_lines` repeated (a dict: with their document counts)."""
    docs = dict(repeated_lines) if isinstance(repeated_lines, dict) else dict.fromkeys(repeated_lines, 100)
    pairs = sorted((line_keys(line, "g")[0], n) for line, n in docs.items())
    rep = np.array([k for k, _ in pairs], np.uint64)
    counts = np.array([n for _, n in pairs], np.int64)
    return strip_lines(text, line_keys(text, "g"), rep, title, edges_only, counts=counts, **kw)


def test_leading_and_trailing_runs_go_interior_repeated_lines_stay():
    body = [POEMS[0], POEMS[1], "第一章 总则", POEMS[2]]
    text = "\n".join([HEADER, "", NAV, *body, "——", FOOTER, SHARE])
    new, gone = _strip(text, [HEADER, NAV, FOOTER, SHARE, "第一章 总则"])
    assert new == "\n".join(body)
    assert gone == [HEADER, NAV, "——", FOOTER, SHARE]  # blank lines are not recorded
    new, gone = _strip(text, [HEADER, NAV, FOOTER, SHARE, "第一章 总则"], edges_only=False)
    assert "第一章 总则" not in new and "第一章 总则" in gone


def test_a_document_that_is_all_shared_text_is_left_whole():
    text = "\n".join([HEADER, POEMS[0], POEMS[1], FOOTER])
    assert _strip(text, [HEADER, POEMS[0], POEMS[1], FOOTER]) == (text, [])


def test_the_documents_own_title_line_stays_and_is_not_a_body():
    text = "\n".join(["无题", POEMS[0], POEMS[1], FOOTER])
    # A title repeated in some of the site's pages (fewer than half as many as its footer).
    new, gone = _strip(text, {"无题": 40, FOOTER: 100}, title="无题")
    assert new == "\n".join(["无题", POEMS[0], POEMS[1]]) and gone == [FOOTER]
    # A repeated title on a page without the site's chrome at its end stays whatever its count.
    text = "\n".join(["前腔", POEMS[0], POEMS[1]])
    assert _strip(text, {"前腔": 500, POEMS[5]: 500}, title="前腔") == (text, [])
    text = "\n".join([HEADER, POEMS[0], FOOTER])  # the site's name as the title, a shared poem
    assert _strip(text, [HEADER, POEMS[0], FOOTER], title=HEADER) == (text, [])
    # LawRefBook: a chapter heading of most laws right after the title is not a leading run.
    text = "\n".join([NAV, "中华人民共和国测试法", "第一章 总则", POEMS[0], FOOTER])
    new, gone = _strip(text, [NAV, "第一章 总则", FOOTER], title="中华人民共和国测试法")
    assert gone == [NAV, FOOTER] and new == "\n".join(["中华人民共和国测试法", "第一章 总则", POEMS[0]])


def test_a_site_header_taken_for_the_title_goes_with_the_pages_chrome():
    """header_meta takes a site's short first line for the page's title; when that line is a
    repeated line as common as the footer that closes the page, it is the site's header."""
    text = "\n".join([HEADER, NAV, POEMS[0], POEMS[1], FOOTER, SHARE])
    chrome = {HEADER: 90, NAV: 100, FOOTER: 100, SHARE: 60}
    new, gone = _strip(text, chrome, title=HEADER)
    assert new == "\n".join(POEMS[:2]) and gone == [HEADER, NAV, FOOTER, SHARE]
    kept = "\n".join([HEADER, NAV, POEMS[0], POEMS[1]])
    assert _strip(text, chrome, title=HEADER, repeated_title=False) == (kept, [FOOTER, SHARE])
    assert _strip(text, chrome, title=HEADER, title_ratio=0.95) == (kept, [FOOTER, SHARE])
    assert _strip(text, {**chrome, HEADER: 49}, title=HEADER)[0] == kept  # < 0.5 x the footer's 100
    # A page that is all shared text stays whole even so.
    text = "\n".join([HEADER, POEMS[0], FOOTER])
    assert _strip(text, {HEADER: 100, POEMS[0]: 100, FOOTER: 100}, title=HEADER) == (text, [])


def test_thresholds_min_docs_and_min_fraction():
    texts = [f"{HEADER}\n{POEMS[i]}" for i in range(10)] + [f"{NAV}\n{POEMS[i]}" for i in range(10, 13)]
    counter = Counter()
    counter.add(count_table(texts, ["dir:a"] * len(texts)))
    counter.add(count_table([f"{NAV}\n{POEMS[20]}", f"{NAV}\n{POEMS[20]}"], ["dir:a", "dir:b"]))
    header_key, nav_key = line_keys(HEADER, "dir:a")[0], line_keys(NAV, "dir:a")[0]

    def repeated(**kw):
        return set(counter.repeated(RepeatedLinesConfig(**kw)).column("key").to_pylist())

    assert repeated(min_docs=4, min_fraction=0.0) == {header_key, nav_key}  # NAV: 3 + 1 documents of dir:a
    assert repeated(min_docs=5, min_fraction=0.0) == {header_key}
    assert repeated(min_docs=2, min_fraction=0.5) == {header_key}  # 10 of 14 documents of dir:a, NAV 4 of 14
    assert counter.distinct == 16 + 2  # dir:a: 14 poems, HEADER and NAV; dir:b: a poem and NAV
    with pytest.raises(ValueError):
        RepeatedLinesConfig(min_docs=1)
    with pytest.raises(ValueError):
        RepeatedLinesConfig(title_ratio=-0.5)
    assert RepeatedLinesConfig(repeated_title=False).config() != RepeatedLinesConfig().config()  # in the identity


# --- the phase --------------------------------------------------------------------------------
def _site_corpus(d: str) -> dict[str, list[str]]:
    """site_a: 8 pages with the same chrome around their own poems, one page quoting a poem in
    its body that 5 other pages also quote, and a page that is only chrome and a shared poem;
    site_b: 3 pages with one shared footer (below min_docs). Returns name -> body lines."""
    rng = random.Random(3)
    pool = rng.sample(POEMS, 200)
    quoted = pool.pop()
    bodies: dict[str, list[str]] = {}

    def put(name: str, lines: list[str], body: list[str]) -> None:
        os.makedirs(os.path.dirname(os.path.join(d, name)), exist_ok=True)
        with open(os.path.join(d, name), "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines))
        bodies[name] = body

    for i in range(8):
        body = [pool.pop() for _ in range(3)]
        if i < 5:
            body.insert(1, quoted)  # a quotation inside the body of 5 pages: content, kept
        put(f"site_a/p{i}.txt", [HEADER, NAV, *body, FOOTER, SHARE], body)
    put("site_a/only_chrome.txt", [HEADER, quoted, FOOTER], [HEADER, quoted, FOOTER])
    for i in range(3):
        body = [pool.pop() for _ in range(3)]
        put(f"site_b/p{i}.txt", [*body, SITE_B], [*body, SITE_B])
    return bodies


def _texts(out: str) -> dict[str, dict]:
    rows = pq.read_table(os.path.join(out, "documents"), columns=["source", "text", "removed", "stages"]).to_pylist()
    return {r["source"].split("/", 1)[1]: r for r in rows}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("sites"))
    return d, _site_corpus(d)


def _run(src: str, out: str, *extra: str) -> None:
    assert main(["run", "-i", src, "-o", out, "-q", "--shard-files", "4", "-w", "1", *extra]) == 0


def test_site_chrome_is_removed_and_recorded_shared_content_stays(site, tmp_path):
    src, bodies = site
    ref, out = str(tmp_path / "ref"), str(tmp_path / "out")
    _run(src, ref)
    _run(src, out, "--dedup", "--no-near")
    before, rows = _texts(ref), _texts(out)
    assert set(rows) == set(bodies)
    chrome = {dedup_form(t) for t in (HEADER, NAV, FOOTER, SHARE)}
    for name in bodies:
        lines = before[name]["text"].split("\n")
        if name.startswith("site_a/p"):
            assert len(lines) == len(bodies[name]) + 4
            r = rows[name]
            assert r["text"] == "\n".join(x for x in lines if dedup_form(x) not in chrome), name
            assert [(x["stage"], x["reason"], x["text"]) for x in r["removed"] if x["stage"] == "repeated_lines"] == [
                ("repeated_lines", "repeated_line", t) for t in lines[:2] + lines[-2:]]
            assert r["stages"][-1]["name"] == "repeated_lines" and r["stages"][-1]["chars_changed"] > 0
        else:  # the shared poem of only_chrome.txt and the 3 pages of site_b stay whole
            assert rows[name]["text"] == before[name]["text"], name
    summary = json.load(open(os.path.join(out, "_dedup", "summary.json")))
    assert summary["repeated_lines"] == 32 and summary["repeated_line_docs"] == 8
    manifest = json.load(open(os.path.join(out, "_manifest.json")))
    assert manifest["dedup"]["repeated_lines"] == 32 and manifest["dedup"]["documents"] == 12
    assert len(manifest["inputs"]) == 12
    assert "32 repeated lines removed from 8 documents" in report(out, with_examples=False)


def test_thresholds_from_the_toml_config_and_identity(site, tmp_path):
    src, _ = site
    conf = tmp_path / "c.toml"
    conf.write_text("[dedup.repeated_lines]\nmin_docs = 3\nmin_fraction = 0.0\n", encoding="utf-8")
    out = str(tmp_path / "out")
    _run(src, out, "--config", str(conf), "--dedup", "--no-near")
    rows = _texts(out)
    for i in range(3):  # 3 documents: repeated with min_docs = 3, not with the default 5
        r = rows[f"site_b/p{i}.txt"]
        assert SITE_B not in r["text"] and [x["text"] for x in r["removed"]] == [SITE_B]
    # The thresholds are part of the phase's identity: other thresholds are refused.
    with pytest.raises(DedupError):
        dedup_output(out, DedupConfig(near=False))
    assert main(["dedup", out, "-q", "--no-near", "--config", str(conf)]) == 0  # the same: done
    bad = tmp_path / "bad.toml"
    bad.write_text("[dedup.repeated_lines]\nmin_doc = 3\n", encoding="utf-8")
    assert main(["run", "-i", src, "-o", str(tmp_path / "o2"), "-q", "--config", str(bad), "--dedup"]) == 2
    assert main(["dedup", out, "-q", "--config", str(bad)]) == 2


def test_same_result_for_one_and_two_workers(site, tmp_path):
    src, _ = site
    got = []
    for w in ("1", "2"):
        out = str(tmp_path / w)
        assert main(["run", "-i", src, "-o", out, "-q", "--shard-files", "2", "-w", w]) == 0
        assert main(["dedup", out, "-q", "-w", w]) == 0
        got.append(_texts(out))
    assert got[0] == got[1]


def test_killed_strip_pass_resumes_to_the_same_result(site, tmp_path, monkeypatch):
    src, _ = site
    ref, out = str(tmp_path / "ref"), str(tmp_path / "out")
    for o in (ref, out):
        _run(src, o)
    dedup_output(ref)
    real = lines_mod.Storage.write_json_atomic
    calls = {"n": 0}

    def dying(self, rel, data, indent=2):
        if "/lines_applied/" in rel:
            calls["n"] += 1
            if calls["n"] == 2:  # the second part is rewritten, its marker never written
                raise KeyboardInterrupt("killed")
        return real(self, rel, data, indent)

    monkeypatch.setattr(lines_mod.Storage, "write_json_atomic", dying)
    with pytest.raises(KeyboardInterrupt):
        dedup_output(out)
    monkeypatch.setattr(lines_mod.Storage, "write_json_atomic", real)
    dedup_output(out)
    assert _texts(out) == _texts(ref)
    assert json.load(open(os.path.join(out, "_dedup", "summary.json")))["repeated_lines"] == 32


def test_a_run_again_after_dedup_keeps_the_deduplicated_parts(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"a{i}.txt").write_text("\n".join(POEMS[:4]), encoding="utf-8")
    out = str(tmp_path / "out")
    args = ["run", "-i", str(src), "-o", out, "-q", "-w", "1", "--dedup"]
    assert main(args) == 0
    assert main(args) == 0  # finished: resumed, not redone
    assert pq.read_table(os.path.join(out, "documents")).num_rows == 1
    assert pq.read_table(os.path.join(out, "duplicates")).num_rows == 2
    assert json.load(open(os.path.join(out, "_manifest.json")))["dedup"]["exact"] == 2
