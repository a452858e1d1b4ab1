"""UTF-8 read as GBK at paragraph scale, also lossy (issue 11): restored where the bytes
survive, each lost character left as U+FFFD and recorded as a `lost` repair."""

import json
import re
from pathlib import Path

import pytest

from cleanse.repair import repair_mojibake

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "clean_corpus" / "sample.jsonl"


def paragraphs(genre: str, n: int) -> list[str]:
    out = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        if d["genre"] == genre:
            out += [p for p in d["text"].splitlines() if 30 <= len(p) <= 200 and "\ufffd" not in p]
    return out[:n]


def matches_with_lost(got: str, want: str) -> bool:
    return re.fullmatch(".".join(map(re.escape, got.split("\ufffd"))), want, re.S) is not None


@pytest.mark.parametrize("errors", ["replace", "ignore"])
def test_lossy_utf8_as_gbk_restored_and_marked(errors):
    paras = paragraphs("legal_hans", 30)
    good = 0
    for p in paras:
        bad = p.encode("utf-8").decode("gbk", errors)
        e = repair_mojibake("第一条　总则。\n" + bad + "\n第二条　附则。")
        body = e.text.split("\n")[1]
        lost = sum(len(r[2]) for r in e.repairs if r[0] == "lost")
        assert lost == body.count("\ufffd")  # every U+FFFD left is a marked loss
        good += matches_with_lost(body, p)
    assert good >= len(paras) * 0.6, (good, len(paras))


def test_strict_utf8_as_gbk_paragraph_exact():
    p = "做好招商引资工作"  # its UTF-8 bytes happen to be valid GBK throughout
    e = repair_mojibake("一、" + p.encode("utf-8").decode("gbk") + "。")
    assert e.text == "一、" + p + "。" and not [r for r in e.repairs if r[0] == "lost"]


def test_short_leftover_on_a_damaged_line_is_marked_not_deleted():
    """`30%銆�` is 。 with its last byte lost, after ASCII: too short to be read as a run on
    its own, but on a line already read as UTF-8 it is one lost character, marked."""
    p = "c)面部片状细小瘢痕或显著色素异常，面积累计达面部30%。"
    doc = "第一条　总则。\n" + p.encode("utf-8").decode("gbk", "replace") + "\n第二条　附则。"
    e = repair_mojibake(doc)
    body = e.text.split("\n")[1]
    assert body.endswith("30%\ufffd") and matches_with_lost(body, p)
    assert ("lost", "銆\ufffd", "\ufffd", doc.index("30%") + 3) in e.repairs
