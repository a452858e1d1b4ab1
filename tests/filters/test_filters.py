"""Filter stages: drops become rejects with their reason and raw bytes; thresholds from config."""

from __future__ import annotations

import pytest

from cleanse import Pipeline, Reject, build_default_pipeline
from cleanse.filters import LanguageFilter, MinLengthFilter, build_filters
from cleanse.io.readers import read_sources

ZH = "人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。"
JA = "すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。"
KO = "모든 인간은 태어날 때부터 자유로우며 그 존엄과 권리에 있어 동등하다."
EN = "All human beings are born free and equal in dignity and rights."


def _pipeline(stages):
    base = build_default_pipeline()
    return Pipeline("filtered", "1", list(base.stages) + stages)


def _run(tmp_path, texts, stages):
    paths = []
    for i, t in enumerate(texts):
        p = tmp_path / f"{i}.txt"
        p.write_text(t, encoding="utf-8")
        paths.append(str(p))
    return list(_pipeline(stages).run(read_sources(paths)))


def test_dropped_documents_become_rejects_with_reason_and_raw_bytes(tmp_path):
    out = _run(tmp_path, [ZH, "短文", "1234567890 abcdefghij klmnopqrstu vwxyz"], build_filters(
        {"min_length": {"min_chars": 10}, "han_ratio": {"min_ratio": 0.5}}))
    kept = [o for o in out if not isinstance(o, Reject)]
    rejects = [o for o in out if isinstance(o, Reject)]
    assert [d.text for d in kept] == [ZH]
    assert sorted(r.reason for r in rejects) == ["low_han_ratio", "too_short"]
    short = next(r for r in rejects if r.reason == "too_short")
    assert short.raw == "短文".encode() and short.stage == "filter_min_length" and "2 < 10" in short.detail


def test_language_filter_keeps_chinese_only(tmp_path):
    out = _run(tmp_path, [ZH, JA, KO, EN], [LanguageFilter(keep=["zh"])])
    assert [type(o).__name__ for o in out] == ["Document", "Reject", "Reject", "Reject"]
    assert [o.detail.split()[0] for o in out[1:]] == ["ja", "ko", "en"]


def test_thresholds_are_configuration_and_identity():
    a, b = MinLengthFilter(min_chars=10), MinLengthFilter(min_chars=50)
    assert a.config() == {"min_chars": 10} and a.config() != b.config()
    assert Pipeline("p", "1", [a]).id != Pipeline("p", "1", [b]).id
    with pytest.raises(ValueError, match="unknown filters"):
        build_filters({"min_lenght": {}})
    with pytest.raises(ValueError, match="min_length"):
        build_filters({"min_length": {"min": 3}})


def test_default_pipeline_drops_nothing():
    assert not any(s.name.startswith("filter_") for s in build_default_pipeline().stages)
