"""The boilerplate and normalization stages on the user's seeds (after OpenCC t2s, standing
in for the conversion stage; the repair stages are not applied here)."""

from __future__ import annotations

import re
from pathlib import Path

import opencc
import pytest

from cleanse.boilerplate import BoilerplateLinesStage, HeaderMetaStage, HtmlResidueStage, SplitArticlesStage
from cleanse.document import Document, assign_ids
from cleanse.normalization import NormalizeZhStage, QualitySignalsStage

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
T2S = opencc.OpenCC("t2s")
HAN = "\u3400-\u9fff"


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def clean(text: str) -> Document:
    doc = Document(text=T2S.convert(text), id="t", source="t", source_sha256="")
    for stage in (HtmlResidueStage(), BoilerplateLinesStage(), HeaderMetaStage(), NormalizeZhStage(), QualitySignalsStage()):
        stage.process(doc)
    return doc


@pytest.fixture(scope="module")
def cleaned() -> dict[str, Document]:
    return {p: clean(seed(p).read_text("utf-8")) for p in ("000", "001", "002", "003", "004")}


def test_001_advert_removed_and_punctuation_full_width(cleaned) -> None:
    doc = cleaned["001"]
    assert doc.text.startswith("2009年，是我市加快科学发展")
    assert "本站" not in doc.text and "客服" not in doc.text
    assert [(r.stage, r.reason) for r in doc.removed] == [("boilerplate_lines", "advert.site_self_promo")]
    assert doc.removed[0].text.startswith("前言:本站为你精心整理了")
    assert "\n（一）继续推进企业成为科技创新的主体" in doc.text
    assert "《广东省知识产权战略纲要（*-2020年）》" in doc.text
    assert doc.title is None  # the first line left is a paragraph, not a heading


def test_002_header_summary_html_footer(cleaned) -> None:
    doc = cleaned["002"]
    assert doc.title == "2008年洛阳市科技工作要点"
    assert doc.meta == {"published": "2008-03-28", "publisher": "洛阳市科技局", "views": "86"}
    assert "2008-03-28" not in doc.text and "核心提示" not in doc.text
    assert doc.text.startswith("2008年洛阳市科技工作要点\n2008年是全面贯彻落实十七大精神的开局之年，也是加快实现“十一五”规划")
    assert "实施“1+4”铝板带热连轧装备" in doc.text
    for gone in ("unitname", "value=", "\u00a0", "本站", "免责声明", "ICP备", "公网安备", "点击排行", "推荐资讯"):
        assert gone not in doc.text, gone
    reasons = {r.reason for r in doc.removed}
    assert {"header.date", "header.views", "header.summary", "html.attributes", "footer.icp"} <= reasons
    assert "header.title" not in reasons  # the title stays in the text, a copy in `title`
    # list numbers broken across lines are rejoined
    assert "\n17、完善人才培养、引进、使用机制。" in doc.text
    assert "\n15.完善产学研合作创新机制。" in doc.text
    assert doc.text.endswith("投身于创新型洛阳建设的伟大事业中去。")


def test_000_title_taken_body_kept_whole(cleaned) -> None:
    doc = cleaned["000"]
    assert doc.title == "双鸭山市科信局认真贯彻十七大精神谋划2008年工作思路"
    original = T2S.convert(seed("000").read_text("utf-8")).strip().split("\n")
    # every line survives, the title too; the only edit is the ASCII `;` after a quote -> `；`
    assert doc.text.split("\n") == [line.strip().replace("”;", "”；") for line in original]
    assert doc.removed == []


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
def test_common_invariants(cleaned, name: str) -> None:
    text = cleaned[name].text
    assert not re.search(f"[{HAN}],[{HAN}]", text)
    assert not re.search(r"(?m)^[\s|｜]*$", text), "blank or pipe-only line left"
    assert "\u00a0" not in text and "\u3000" not in text and "\n\n" not in text
    sig = cleaned[name].signals
    assert set(sig) == {"char_count", "han_ratio", "placeholder_count", "masked_count", "mojibake_score"}
    assert sig["char_count"] == len(text)


def test_004_paragraphs_one_per_line(cleaned) -> None:
    doc = cleaned["004"]
    lines = doc.text.split("\n")
    # four paragraphs glued with spaces after `。`, then a pipe-only footer line
    assert len(lines) == 4 and not doc.text.endswith("|")
    assert all(not line.startswith(" ") for line in lines)


def test_003_signals(cleaned) -> None:
    sig = cleaned["003"].signals
    assert sig["placeholder_count"] >= 8  # 20xx年 (3x), xx大, xx届xx全会 ...
    assert sig["mojibake_score"] > 0  # the GBK one-byte-off run is still there (no repair here)
    assert cleaned["000"].signals["mojibake_score"] == 0 and cleaned["001"].signals["masked_count"] >= 8


def test_idempotent_on_seeds(cleaned) -> None:
    for name, doc in cleaned.items():
        again = clean(doc.text)
        assert again.text == doc.text, name
        assert again.removed == [], (name, again.removed)


def _decoded(raw: bytes, encoding: str) -> Document:
    doc = Document.from_bytes("seeds/003", raw)
    doc.text = raw.decode(encoding)
    doc.encoding = encoding
    return doc


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_003_splits_into_three_articles_with_exact_byte_ranges(encoding: str) -> None:
    raw = seed("003").read_text("utf-8").encode(encoding)
    doc = _decoded(raw, encoding)
    parts = SplitArticlesStage().process(doc)
    assert isinstance(parts, list)
    parts = list(assign_ids(parts))  # segments and ids are assigned after splitting
    assert [p.segment for p in parts] == [0, 1, 2]
    assert len({p.id for p in parts}) == 3
    for p in parts:
        assert raw[p.byte_start : p.byte_end].decode(encoding) == p.text
        assert p.removed[-1].reason == "split.marker" and p.stages[-1].name == "split_articles"
    assert [p.removed[-1].text for p in parts] == ["【篇一】", "【篇二】", "【篇三】"]
    assert parts[0].text.startswith("20xx年,在省廳和荊門市科技局")
    assert parts[1].text.startswith("20xx年,我市科技工作以鄧小平理論")
    assert parts[2].text.rstrip().endswith("以上報告,妥否,請指正。")
    # the articles plus their markers tile the source
    assert parts[-1].byte_end == len(raw)
    assert SplitArticlesStage().process(_decoded(raw, encoding))[1].text == parts[1].text  # deterministic


def test_split_keeps_preamble_and_titles_from_markers() -> None:
    text = "科技局工作总结范文三篇\n【篇一】2013年工作总结\n甲文。\n【篇二：工作计划】\n乙文。\n【篇三】丙文，直接接在标记后。"
    raw = text.encode("utf-8")
    parts = SplitArticlesStage().process(_decoded(raw, "utf-8"))
    assert [p.text for p in parts] == ["科技局工作总结范文三篇\n", "甲文。\n", "乙文。\n", "丙文，直接接在标记后。"]
    assert [p.title for p in parts] == [None, "2013年工作总结", "工作计划", None]
    for p in parts:
        assert raw[p.byte_start : p.byte_end].decode() == p.text


def test_split_needs_a_numbered_sequence() -> None:
    for text in ["正文。\n【篇二】\n其他。", "第一篇 总论\n正文。\n第二篇 分论\n正文。"]:
        doc = _decoded(text.encode(), "utf-8")
        assert SplitArticlesStage().process(doc) is doc
