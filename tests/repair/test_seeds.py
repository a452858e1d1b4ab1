"""Acceptance on the seeds through the default pipeline (issue 3)."""

import pytest

from cleanse import Document
from cleanse.defaults import build_default_pipeline


def _t2s(text: str) -> str:
    # OpenCC t2s is another helper's stage; until the default pipeline has it, convert here.
    if any(s.name == "convert_t2s" for s in build_default_pipeline().stages):
        return text
    from opencc import OpenCC

    return OpenCC("t2s").convert(text)


def _text(run_default, prefix: str) -> str:
    from tests.conftest import seed_bytes

    docs = [d for d in run_default(seed_bytes(prefix)) if isinstance(d, Document)]
    return _t2s("\n".join(d.text for d in docs))


@pytest.mark.parametrize("needle", ["科技人才合作交流", "考察参观", "科技说起来", "基层推荐"])
def test_seed_003_repaired(run_default, needle):
    assert needle in _text(run_default, "003")


def test_seed_004_repaired(run_default):
    text = _text(run_default, "004")
    assert text.startswith("朝阳日报")
    assert "的重管" in text
    assert "(" not in text.replace("(记者 马隽)", "")  # every pinyin note is gone


def test_seed_003_no_debris(run_default):
    text = _text(run_default, "003")
    for debris in ["?萍", "髽I", "!痘", "靺⒂", "颊f", "(yè)", "(lǐng)"]:
        assert debris not in text


@pytest.mark.parametrize("prefix", ["000", "001", "002"])
def test_clean_seeds_unchanged_by_repair(run_default, prefix):
    docs = [d for d in run_default(seed_bytes_(prefix)) if isinstance(d, Document)]
    for d in docs:
        assert not d.repairs
        assert not [r for r in d.removed if r.stage in ("ftfy_zh", "cjk_mojibake", "pinyin_ruby")]


def seed_bytes_(prefix):
    from tests.conftest import seed_bytes

    return seed_bytes(prefix)


def test_provenance_recorded(run_default):
    from tests.conftest import seed_bytes

    docs = [d for d in run_default(seed_bytes("004")) if isinstance(d, Document)]
    repairs = [r for d in docs for r in d.repairs]
    assert any(r.stage == "cjk_mojibake" and r.kind == "gbk_shift" and r.before == "械闹毓芾?"
               and r.after == "的重管理" for r in repairs)
    assert any(r.kind == "lost_char_guess" and r.after == "報" for r in repairs)
    removed = [r for d in docs for r in d.removed]
    assert any(r.stage == "pinyin_ruby" and r.text == "(lǐng)" for r in removed)
