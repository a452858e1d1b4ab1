"""Header stage: inline news bylines go to meta but stay in the text; article markers are
never taken for a title (text cleaned without `split_articles`, as `clean_text` does)."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest

from cleanse.boilerplate import HeaderMetaStage, extract_header
from cleanse.boilerplate.headings import is_marker_line
from cleanse.defaults import text_stages
from cleanse.document import Document

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
S2T = opencc.OpenCC("s2t")

BYLINE = "朝阳日报 本报讯（记者 马隽）4月8日，记者在市科技局获悉，今年该局重点聚焦五大主导产业发展。"
BODY = "全市科技工作会议在市政府召开，会议总结了去年的工作，部署了今年的任务。"


@pytest.mark.parametrize("convert", [str, S2T.convert], ids=["simplified", "traditional"])
@pytest.mark.parametrize("title", ["", "朝阳市科技局聚焦主导产业\n"], ids=["no_title", "title"])
def test_inline_byline_goes_to_meta_and_stays_in_text(convert, title: str) -> None:
    text = convert(f"{title}{BYLINE}\n{BODY}")
    edit = extract_header(text)
    assert edit.meta.get("publisher") == convert("朝阳日报")
    assert edit.meta.get("author") == convert("马隽")
    assert edit.text.startswith(convert(title + "朝阳日报 本报讯（记者 马隽）4月8日，"))  # the title line stays
    assert convert(BODY) in edit.text
    assert not any("byline" in reason for reason, _ in edit.removed)


def test_byline_meta_reaches_the_row() -> None:
    doc = Document(text=f"{BYLINE}\n{BODY}", id="d", source="s", source_sha256="")
    HeaderMetaStage().process(doc)
    assert (doc.meta["publisher"], doc.meta["author"]) == ("朝阳日报", "马隽")
    assert doc.text.startswith("朝阳日报 本报讯")
    assert doc.removed == []


def test_a_byline_alone_on_its_line_is_not_read() -> None:
    # Without the sentence it opens it is not a dateline; nothing is taken from it.
    edit = extract_header(f"朝阳日报 本报讯（记者 马隽）\n{BODY}")
    assert "author" not in edit.meta


def test_seed_004_keeps_its_opening_and_records_the_byline() -> None:
    doc = Document(text=(SEEDS / "004_c597c03d92eedc17.txt").read_text("utf-8"), id="d", source="s", source_sha256="")
    for stage in text_stages():
        stage.process(doc)
    assert doc.text.startswith("朝阳日报") or doc.text.startswith("朝陽日報")
    assert doc.meta.get("author") in ("马隽", "馬雋")


@pytest.mark.parametrize("marker", ["【篇一】", "【篇二】2013年工作总结", "【第三篇】", "篇四：工作计划", "〖范文5〗"])
def test_article_marker_is_never_the_title(marker: str) -> None:
    text = f"{marker}\n2013年科技局工作总结\n{BODY}"
    edit = extract_header(text)
    assert edit.title is None
    assert edit.text == text  # the marker stays: only split_articles removes markers


def test_non_markers_still_make_titles() -> None:
    assert not is_marker_line("第一篇 开启全面建设社会主义现代化国家新征程")
    assert not is_marker_line("谱写科技创新新篇章")
    edit = extract_header(f"谱写科技创新新篇章\n{BODY}")
    assert edit.title == "谱写科技创新新篇章"


def test_seed_003_cleaned_without_splitting_has_no_marker_title() -> None:
    doc = Document(text=(SEEDS / "003_f11c072e94adb095.txt").read_text("utf-8"), id="d", source="s", source_sha256="")
    for stage in text_stages():
        stage.process(doc)
    assert doc.title is None or not is_marker_line(doc.title)
    assert doc.text.split("\n")[0] == "【篇一】"


@pytest.mark.parametrize("views, expected", [("1,234", "1234"), ("1234次", "1234"), ("12,345,678", "12345678")])
def test_labelled_header_with_thousands_separator_in_view_count(views: str, expected: str) -> None:
    text = (
        "关于加强科技创新工作的通知\n"
        f"发布时间：2019-05-06 10:23   来源：某某市人民政府网   作者：办公室   浏览次数：{views}\n"
        "为进一步加强科技创新工作，现就有关事项通知如下：\n一、提高认识，加强领导。\n"
    )
    edit = extract_header(text)
    assert edit.title == "关于加强科技创新工作的通知"
    assert edit.meta == {"published": "2019-05-06 10:23", "source": "某某市人民政府网", "author": "办公室",
                         "views": expected}
    assert edit.text.startswith("关于加强科技创新工作的通知\n为进一步加强科技创新工作")  # title stays, header goes


def test_view_count_that_is_not_a_number_keeps_the_line() -> None:
    text = "通知\n浏览次数：很多，非常多\n正文第一段内容在这里，说明有关事项。\n"
    assert "浏览次数" in extract_header(text).text
