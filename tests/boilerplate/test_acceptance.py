"""Issue 5 acceptance on the full default pipeline (run_default / seed_rows from conftest).

Some assertions depend on stages owned by other helpers: 001's opening in Simplified needs
`convert_t2s` (slot 6), and "no pinyin note" needs `pinyin_ruby` (slot 5).
"""

from __future__ import annotations

import re

from cleanse import Document
from tests.conftest import seed_bytes

HAN = "\u3400-\u9fff"
PINYIN_NOTE = re.compile(r"\((?:[a-zü]|[\u00e0-\u01dc])+\)")


def _all_rows(seed_rows) -> list[Document]:
    return [d for rows in seed_rows.values() for d in rows]


def test_003_gives_three_rows_with_byte_ranges(seed_rows) -> None:
    rows = seed_rows["003"]
    assert [d.segment for d in rows] == [0, 1, 2]
    raw = seed_bytes("003")
    starts = [d.byte_start for d in rows]
    assert starts == sorted(starts) and rows[-1].byte_end == len(raw)
    for d in rows:
        article = raw[d.byte_start : d.byte_end].decode("utf-8")
        assert article.startswith("20xx年,") and "【篇" not in article
        assert d.removed[0].reason == "split.marker"


def test_003_gbk_copy_gives_the_same_three_articles(run_default) -> None:
    raw = seed_bytes("003").decode("utf-8").encode("gbk")
    rows = [d for d in run_default(raw, "003-gbk.txt") if isinstance(d, Document)]
    assert len(rows) == 3
    for d in rows:
        assert raw[d.byte_start : d.byte_end].decode("gbk").startswith("20xx年,")


def test_no_boilerplate_left(seed_rows) -> None:
    for d in _all_rows(seed_rows):
        for needle in ("本站", "客服", "核心提示", "unitname", "value=", "\u00a0"):
            assert needle not in d.text, (d.source, needle)
        assert not re.search(r"(?m)^[ |｜]*\|[ |｜]*$", d.text), d.source
        assert not re.search(f"[{HAN}],[{HAN}]", d.text), d.source
        assert set(d.signals) == {"char_count", "han_ratio", "placeholder_count", "masked_count", "mojibake_score",
                                  "mojibake_unconverted", "decoding_doubtful"}


def test_no_pinyin_note_left(seed_rows) -> None:  # needs pinyin_ruby (repair helper)
    for d in _all_rows(seed_rows):
        assert not PINYIN_NOTE.search(d.text), (d.source, PINYIN_NOTE.search(d.text).group())


def test_002_header_and_summary_become_meta(seed_rows) -> None:
    (doc,) = seed_rows["002"]
    assert "2008-03-28" not in doc.text
    assert doc.meta["published"] == "2008-03-28" and doc.meta["publisher"] == "洛阳市科技局"
    assert doc.title == "2008年洛阳市科技工作要点"
    # the summary's opening occurs once: in the body, not again in a 核心提示 block
    assert doc.text.count("2008年是全面贯彻落实十七大精神的开局之年") == 1
    assert "实施“1+4”铝板带" in doc.text
    removed = {r.reason for r in doc.removed}
    assert {"header.date", "header.summary", "html.attributes"} <= removed


def test_001_begins_with_the_article(seed_rows) -> None:  # needs convert_t2s (script helper)
    (doc,) = seed_rows["001"]
    assert doc.text.startswith("2009年，是我市加快科学发展")


def test_every_removal_is_recorded(seed_rows) -> None:
    for d in _all_rows(seed_rows):
        for r in d.removed:
            assert r.stage and r.reason and r.text
