"""Documents come out whole (issue 12): the title stays in `text` (a copy in `title`), a
poem whose first line is a sentence has no title, cleaning twice changes nothing on titled
pages, the `move_title` option cuts the title once, and a page whose preamble is all
boilerplate gives no row with empty text."""

from __future__ import annotations

import json

import pytest

from cleanse.boilerplate import HeaderMetaStage
from cleanse.defaults import build_default_pipeline, text_stages
from cleanse.document import Document, Reject

BODY = (
    "2008年是全面贯彻落实十七大精神的开局之年，也是加快实现“十一五”规划目标的关键一年。\n"
    "全市科技工作要以科学发展观为统领，大力推进自主创新，加快建设创新型城市。"
)
TITLED = "2008年洛阳市科技工作要点\n" + BODY
POEM = (
    "《浪淘沙・北戴河》毛泽东 一九五四年夏大雨落幽燕，白浪滔天，秦皇岛外打鱼船。一片汪洋都不见，知向谁边？\n"
    "往事越千年，魏武挥鞭，东临碣石有遗篇。萧瑟秋风今又是，换了人间。"
)
TANG = "静夜思\n床前明月光，疑是地上霜。\n举头望明月，低头思故乡。"


def clean(text: str, title: str | None = None, stages=None) -> Document:
    doc = Document(text=text, id="", source="<t>", source_sha256="", title=title)
    for stage in stages or text_stages():
        stage.process(doc)
    return doc


@pytest.mark.parametrize("text, title", [(TITLED, "2008年洛阳市科技工作要点"), (TANG, "静夜思")])
def test_title_line_stays_in_text_with_a_copy_in_title(text: str, title: str) -> None:
    doc = clean(text)
    assert doc.title == title
    assert doc.text.split("\n")[0] == title
    assert "header.title" not in [r.reason for r in doc.removed]


def test_poem_whose_first_line_is_a_sentence_has_no_title() -> None:
    doc = clean(POEM)
    assert doc.title is None
    assert doc.text.startswith("《浪淘沙・北戴河》毛泽东 一九五四年夏大雨落幽燕，白浪滔天")
    assert doc.removed == []


@pytest.mark.parametrize("text", [TITLED, TANG, POEM, "2008年洛阳市科技工作要点\n2008-03-28 洛阳市科技局\n" + BODY])
def test_cleaning_titled_pages_again_changes_nothing(text: str) -> None:
    once = clean(text)
    again = clean(once.text)  # the text column cleaned again, as a user would
    assert (again.text, again.title) == (once.text, once.title)
    kept = clean(once.text, title=once.title)  # the row cleaned again, title and all
    assert (kept.text, kept.title) == (once.text, once.title)


def test_move_title_option_cuts_it_once() -> None:
    stages = [s if not isinstance(s, HeaderMetaStage) else HeaderMetaStage(move_title=True) for s in text_stages()]
    once = clean(TITLED, stages=stages)
    assert once.title == "2008年洛阳市科技工作要点"
    assert once.text == BODY
    assert [(r.reason, r.text) for r in once.removed] == [("header.title", "2008年洛阳市科技工作要点")]
    again = clean(once.text, title=once.title, stages=stages)
    assert (again.text, again.title, again.removed) == (once.text, once.title, [])
    assert HeaderMetaStage(move_title=True).config() != HeaderMetaStage().config()


PREAMBLE = "2013-05-06 10:30 来源：本站 浏览次数：86\n本站为你精心整理了工作总结范文，希望对你有帮助！\n"
ARTICLE_1 = "2013年，我们在市委市政府的领导下，认真落实各项工作任务，取得了明显成效。\n全年完成科技项目32项。"
ARTICLE_2 = "2014年，我们将继续深化改革，推动科技创新，为全市经济社会发展作出新的贡献。\n重点抓好三项工作。"
PAGE = f"{PREAMBLE}【篇一】\n{ARTICLE_1}\n【篇二】\n{ARTICLE_2}\n"


@pytest.mark.parametrize("codec", ["utf-8", "gbk"])
def test_all_boilerplate_preamble_is_a_reject_not_an_empty_row(codec: str) -> None:
    raw = PAGE.encode(codec)
    out = list(build_default_pipeline().run([Document.from_bytes("page.txt", raw)]))
    rows = [o for o in out if isinstance(o, Document)]
    rejects = [o for o in out if isinstance(o, Reject)]
    assert all(r.text.strip() for r in rows) and len(rows) == 2
    assert rows[0].text.startswith("2013年，我们在市委市政府的领导下") and rows[1].text.startswith("2014年")
    (rej,) = rejects
    assert rej.reason == "empty_after_cleaning" and rej.stage == "reject_empty"
    assert rej.raw == PREAMBLE.encode(codec)  # nothing is lost: the preamble's bytes
    removed = json.loads(rej.detail)
    assert {reason for _, reason, _ in removed} >= {"advert.site_self_promo"}
    # segments of the source stay dense over rows and rejects, in page order
    assert [o.segment for o in out] == [0, 1, 2]
    assert rej.segment == 0 and [r.segment for r in rows] == [1, 2]
    assert len({r.id for r in rows}) == 2


def test_segment_numbers_are_stable_when_cleaning_leaves_text() -> None:
    page = PAGE.replace(PREAMBLE, "前言：下面两篇总结供参考。\n")
    out = list(build_default_pipeline().run([Document.from_bytes("page.txt", page.encode("utf-8"))]))
    assert all(isinstance(o, Document) and o.text.strip() for o in out)
    assert [o.segment for o in out] == [0, 1, 2]


def test_classical_essay_section_headings_are_kept() -> None:
    essay = "上篇\n天下之事，常发于至微，而终为大患。\n下篇\n君子之学，必好问。问与学，相辅而行者也。"
    doc = clean(essay)
    assert doc.text.split("\n")[0] == "上篇" and "\n下篇\n" in doc.text
    assert doc.removed == []


def test_law_adoption_line_is_content_not_a_date_header() -> None:
    # From the real clean corpus (LawRefBook/Laws): a date and a clause ending in 通过 is the
    # law's legislative history, not a date + publisher header line.
    law = ("上海市不动产登记若干规定\n2020年11月27日 上海市第十五届人民代表大会常务委员会第二十七次会议通过\n"
           "第一条 为了规范不动产登记行为，保护权利人合法权益，根据有关法律、行政法规，结合本市实际，制定本规定。")
    doc = clean(law)
    assert doc.removed == [] and "会议通过" in doc.text and "published" not in doc.meta
    assert clean("洛阳市科技工作要点\n2008-03-28 洛阳市科技局\n" + BODY).meta["publisher"] == "洛阳市科技局"
