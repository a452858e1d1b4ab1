"""Every rule in the data files removes its examples and keeps its `keep` lines, in
Simplified and in Traditional spelling (rules must work on both scripts)."""

from __future__ import annotations

import re

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.boilerplate import remove_boilerplate_lines, strip_html_residue
from cleanse.boilerplate.header import parse_date_line, parse_labelled_line
from cleanse.boilerplate.rules import OTHER_SPACE, line_rules, load_table
from cleanse.boilerplate.headings import _marker_regexes
from cleanse.boilerplate.split import find_markers

S2T = opencc.OpenCC("s2t")
CONTENT = "全市科技工作取得了显著成效，各项指标均超额完成年度计划。"

RULES = line_rules().rules
EXAMPLES = [(r.id, ex) for r in RULES for ex in r.examples]
KEEPS = [(r.id, k) for r in RULES for k in r.keep]


def _both_scripts(text: str) -> list[str]:
    t = S2T.convert(text)
    return [text] if t == text else [text, t]


@pytest.mark.parametrize("rule_id,example", EXAMPLES)
def test_line_rule_removes_its_example(rule_id: str, example: str) -> None:
    rule = next(r for r in RULES if r.id == rule_id)
    for ex in _both_scripts(example):
        doc = f"{CONTENT}\n{ex}\n{CONTENT}"
        edit = remove_boilerplate_lines(doc)
        reasons = [reason for reason, _ in edit.removed]
        assert rule_id in reasons, (ex, edit.removed)
        if rule.scope == "line":
            assert edit.text == f"{CONTENT}\n{CONTENT}"
        else:
            assert CONTENT in edit.text and len(edit.text) < len(doc)


@pytest.mark.parametrize("rule_id,keep", KEEPS)
def test_line_rule_keeps_content(rule_id: str, keep: str) -> None:
    for k in _both_scripts(keep):
        doc = f"{CONTENT}\n{k}\n{CONTENT}"
        edit = remove_boilerplate_lines(doc)
        assert edit.removed == [] and edit.text == doc


def test_every_rule_is_documented_with_examples() -> None:
    for r in load_table("lines.json")["rules"]:
        assert r["description"] and r["examples"], r["id"]
        assert set(r) >= {"id", "class", "triggers", "pattern", "description", "examples", "keep"}


def test_removals_record_the_exact_text() -> None:
    edit = remove_boilerplate_lines(f"{CONTENT}\n  责任编辑：张三  \n{CONTENT}")
    assert edit.removed == [("editor.byline", "责任编辑：张三")]


def test_pipe_only_lines_and_edge_pipes_are_removed_but_tables_kept() -> None:
    doc = f"网站地图说明 |\n|\n \u00a0|\u00a0 | \n| 项目 | 金额 |\n{CONTENT}"
    edit = remove_boilerplate_lines(doc)
    assert edit.text == f"网站地图说明\n| 项目 | 金额 |\n{CONTENT}"
    assert [r for r, _ in edit.removed] == ["layout.edge_pipe", "layout.pipes", "layout.pipes"]


@pytest.mark.parametrize("source,expected", sorted(load_table("html.json")["examples"].items()))
def test_html_examples(source: str, expected: str) -> None:
    for s, e in zip(_both_scripts(source), _both_scripts(expected)):
        assert strip_html_residue(s).text == e


@pytest.mark.parametrize(
    "text",
    ["a<b and c>d", "x=1, y=\"2\"", "if a=\"b\" then", "AT&T公司", "&copy=3&b", "价格<100元且>50元"],
)
def test_html_leaves_prose_alone(text: str) -> None:
    edit = strip_html_residue(text)
    assert edit.text == text and edit.removed == [] and edit.repairs == []


def test_attribute_name_start_class_is_the_ignorecase_class() -> None:
    # The attribute-fragment pattern matches its first character case-sensitively (for
    # speed): its class must match exactly what `[A-Za-z_]` does ignoring case.
    from cleanse.boilerplate.html import NAME_START_IGNORECASE

    folded = re.compile("[A-Za-z_]", re.IGNORECASE).fullmatch
    plain = re.compile(f"[{NAME_START_IGNORECASE}]").fullmatch
    assert [c for c in range(0x110000) if bool(folded(chr(c))) != bool(plain(chr(c)))] == []


def test_html_entities_are_repairs_and_tags_removals() -> None:
    edit = strip_html_residue("<span style=\"x\">研发</span>&amp;&nbsp;产出")
    assert edit.text == "研发&\u00a0产出"
    assert [k for k, *_ in edit.repairs] == ["html_entity", "html_entity"]
    assert [r for r, _ in edit.removed] == ["html.tag", "html.tag"]


def test_header_table_examples() -> None:
    ex = load_table("header.json")["examples"]
    for line in ex["header_lines"]:
        for s in _both_scripts(line):
            assert (parse_labelled_line(s) or parse_date_line(s)), s
    for line in ex["not_header_lines"]:
        for s in _both_scripts(line):
            assert parse_labelled_line(s) is None and parse_date_line(s) is None, s


def test_article_marker_examples_and_keeps() -> None:
    t = load_table("articles.json")
    for m, rx in zip(t["markers"], _marker_regexes()):
        for ex in m["examples"]:
            for s in _both_scripts(ex):
                assert rx.search(s), s
    for keep in t["keep"]:
        assert find_markers(keep) == [] and not any(rx.search(keep) for rx in _marker_regexes())


@settings(max_examples=300, deadline=None)
@given(st.text("<&=中 a\n", max_size=60), st.integers(1, 7))
def test_the_blocked_fast_exit_finds_what_a_whole_text_search_finds(text: str, block: int) -> None:
    from cleanse.boilerplate import html

    old = html.SCAN_BLOCK
    html.SCAN_BLOCK = block
    try:
        assert html.may_hold_html(text) == ("<" in text or "&" in text or "=" in text)
    finally:
        html.SCAN_BLOCK = old


def _plain_scan(text: str) -> tuple[str, list[int], list[int]]:
    """The trigger scan of boilerplate_lines, one character at a time (the oracle)."""
    rs = line_rules()
    anchor_ids = {int(code): k for k, code in enumerate(rs.anchors)}
    spaces = sorted({c for c in text if rs.char_flags[min(ord(c), 0xFFFF)] & OTHER_SPACE})
    found = [(i, anchor_ids[ord(a) | ord(b) << 32]) for i, (a, b) in enumerate(zip(text, text[1:]))
             if ord(a) | ord(b) << 32 in anchor_ids]
    found += [(i, len(rs.anchors) + rs.single_triggers.index(c)) for i, c in enumerate(text) if c in rs.single_triggers]
    found.sort()
    return "".join(spaces), [p for p, _ in found], [a for _, a in found]


def _anchor_alphabet() -> str:
    rs = line_rules()
    chars = {chr(int(code) & 0xFFFFFFFF) for code in rs.anchors[::7]} | {chr(int(code) >> 32) for code in rs.anchors[::7]}
    return "".join(sorted(chars)) + rs.single_triggers + " \u00a0\u3000\t\n中。😀"


@settings(max_examples=400, deadline=None)
@given(st.text(_anchor_alphabet(), max_size=80), st.integers(1, 9))
def test_the_blocked_trigger_scan_finds_what_a_plain_scan_finds(text: str, block: int) -> None:
    from cleanse.boilerplate.lines import _scan

    assert _scan(text, line_rules(), block) == _plain_scan(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([ex for _, ex in EXAMPLES] + [k for _, k in KEEPS] + [CONTENT, "。 ", "\u3000", "\n"]),
                max_size=12),
       st.integers(1, 9))
def test_boilerplate_lines_do_not_depend_on_the_scan_block(parts: list[str], block: int) -> None:
    from cleanse.boilerplate import lines

    text = "".join(parts)
    whole = remove_boilerplate_lines(text)
    old = lines.SCAN_BLOCK
    lines.SCAN_BLOCK = block
    try:
        blocked = remove_boilerplate_lines(text)
    finally:
        lines.SCAN_BLOCK = old
    assert (blocked.text, blocked.removed, blocked.chars_changed) == (whole.text, whole.removed, whole.chars_changed)
