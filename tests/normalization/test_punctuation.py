"""Punctuation and whitespace normalization: the documented examples and the edge cases."""

from __future__ import annotations

import pytest

from cleanse.normalization import normalize_zh
from cleanse.normalization.normalize import table


@pytest.mark.parametrize("source,expected", sorted(table()["examples"].items()))
def test_table_examples(source: str, expected: str) -> None:
    assert normalize_zh(source).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "3,000",
        "10:30",
        "http://a.b/c?x=1",
        "Hello, world",
        "1-2家",
        "3.8%",
        "f(x)=x+1",
        "比分2:1",
        "价值1,234,567元",
        "Python (3.11) works",
    ],
)
def test_kept_ascii(text: str) -> None:
    assert normalize_zh(text).text == text


@pytest.mark.parametrize(
    "source,expected",
    [
        ("中文,中文", "中文，中文"),
        ("中文 , 中文", "中文，中文"),
        ("比例为3:1;另有", "比例为3:1；另有"),
        ("网址:http://www.x.cn/a?b=1,欢迎访问", "网址：http://www.x.cn/a?b=1，欢迎访问"),
        ("技术(GAP)规范", "技术（GAP）规范"),
        ("县(市）区", "县（市）区"),
        ("好吗?好的!", "好吗？好的！"),
        ("上?萍既瞬", "上?萍既瞬"),  # a mid-line `?` between Han is a mojibake hole, not a question
        ("\u3000\u3000第一段\u00a0\u00a0内容。\t", "第一段 内容。"),
        ("a\u200bb\ufeff", "ab"),
        ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
        ("（一）\n加强领导", "（一）加强领导"),
        ("标题\n正文", "标题\n正文"),
    ],
)
def test_conversions(source: str, expected: str) -> None:
    assert normalize_zh(source).text == expected


def test_hard_wrapped_paragraph_is_rejoined_but_headings_are_not() -> None:
    long = "在大棚蔬菜提高产量、改善栽培技术上进行合作" * 6  # > 100 characters, ends in Han
    assert normalize_zh(f"{long}生\n产技术转让。").text == f"{long}生产技术转让。"
    assert normalize_zh("一、主要做法及取得的成效\n（一）以创先争优活动为契机").text.count("\n") == 1
    assert normalize_zh(f"{long}\n二是加强领导。").text.count("\n") == 1  # list item stays apart


def test_unchanged_text_reports_zero_changes() -> None:
    assert normalize_zh("已经规范的文本。").chars_changed == 0
