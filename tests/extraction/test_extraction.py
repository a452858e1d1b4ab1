"""HTML main-content extraction: real pages against hand-made gold, and the page parts
(ruby, title, lists, tables, metadata) a corpus user relies on."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cleanse.extraction import ExtractHtmlStage, extract_main, is_html
from cleanse.script import convert

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from benchmarks.eval_extraction import SAMPLE, char_prf, load_pages  # noqa: E402


def _page(body: str, head: str = "<title>标题_示例网</title>") -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


ARTICLE = "<p>这是一篇新闻报道的第一段，内容比较长，讲述了当地发生的事情。</p><p>第二段继续介绍相关的情况和背景。</p>"


def test_gold_sample_mean_f1():
    """12 real pages (tests/data/extraction_zh, MIT): the extracted text matches the gold
    main content (character F1 after t2s on both sides)."""
    pages = load_pages(SAMPLE)
    assert len(pages) == 12
    from cleanse.decoding import detect_and_decode

    scores = []
    for _pid, raw, gold in pages:
        text = extract_main(detect_and_decode(raw).text).text
        scores.append(char_prf(convert(text, "t2s"), convert(gold, "t2s")))
    mean_p = sum(s[0] for s in scores) / len(scores)
    mean_r = sum(s[1] for s in scores) / len(scores)
    assert mean_r >= 0.95, mean_r
    assert mean_p >= 0.80, mean_p


def test_ruby_keeps_base_text():
    edit = extract_main(_page("<p>我们要<ruby>创<rp>(</rp><rt>chuàng</rt><rp>)</rp></ruby>新发展，这是一段很长的正文内容。</p>"))
    assert "创新发展" in edit.text
    assert "chuàng" not in edit.text and "(" not in edit.text
    assert ("extract.ruby", "chuàng") in edit.removed


@pytest.mark.parametrize("tag", ["b", "span", "strong", "em", "font", "a"])
def test_one_character_inline_elements_survive(tag):
    # resiliparse's main-content mode alone drops one-character text nodes.
    edit = extract_main(_page(f"<p>我们<{tag}>要</{tag}>坚持这一条原则，这是一段很长的正文内容。</p>"))
    assert "我们要坚持" in edit.text


def test_title_goes_to_title_not_text():
    html = _page("<div><a href='/'>首页</a> | <a href='/a'>时政</a> | <a href='/b'>国际</a></div>"
                 "<h1>市场迎来新变化</h1>" + ARTICLE, head="<title>市场迎来新变化_示例新闻网</title>")
    edit = extract_main(html)
    assert edit.title == "市场迎来新变化"
    assert "市场迎来新变化" not in edit.text
    assert "首页" not in edit.text and "<" not in edit.text
    assert edit.text.startswith("这是一篇新闻报道的第一段")


def test_title_from_title_tag_without_h1():
    edit = extract_main(_page(ARTICLE, head="<title>一篇报道 - 示例网</title>"))
    assert edit.title == "一篇报道"


def test_lists_and_tables_one_item_per_line():
    html = _page(ARTICLE + "<ul><li>第一项内容</li><li>第二项内容</li></ul>"
                 "<table><tr><td>地区</td><td>人口</td></tr><tr><td>北京</td><td>2189万</td></tr></table>")
    lines = extract_main(html).text.split("\n")
    assert "第一项内容" in lines and "第二项内容" in lines
    rows = [ln.split() for ln in lines if "北京" in ln or "地区" in ln]
    assert rows == [["地区", "人口"], ["北京", "2189万"]]


def test_link_lines_dropped_inline_links_kept():
    html = _page(ARTICLE.replace("当地", "<a href='/x'>当地</a>")
                 + "<div><a href='/1'>相关新闻一则标题</a><br><a href='/2'>相关新闻二则标题</a></div>")
    edit = extract_main(html)
    assert "讲述了当地发生的事情" in edit.text
    assert "相关新闻" not in edit.text
    assert ("extract.link_line", "相关新闻一则标题") in edit.removed


def test_meta_date_author():
    head = ("<title>报道</title><meta name='author' content='张三'>"
            "<meta property='article:published_time' content='2024-05-01T08:00:00+08:00'>")
    edit = extract_main(_page(ARTICLE, head=head))
    assert edit.meta["author"] == "张三"
    assert edit.meta["date"] == "2024-05-01T08:00:00+08:00"


def test_is_html():
    assert is_html(_page(ARTICLE))
    assert is_html("\n\n<table width=760><tr><td>正文</td></tr></table><p>x</p>")
    assert is_html("<!-- saved -->\n<div id='a'><p>正文</p></div>")
    for text in (p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))):
        assert not is_html(text)
    assert not is_html("正文里有<p>残留</p>标签</div>")
    assert not is_html("a<b and c>d </x> </y>")


def test_stage_leaves_plain_text_untouched():
    stage = ExtractHtmlStage()
    text = "第一段。\n<p>残留</p>\n"
    assert stage.transform(text) == text
    edit = stage.transform(_page(ARTICLE))
    assert edit.meta["content_type"] == "text/html"
    assert "<" not in edit.text
