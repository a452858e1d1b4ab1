"""The dedup phase on a local Ray instance (2 CPUs): the same kept rows and duplicates as locally."""

from __future__ import annotations

import pytest

pytest.importorskip("ray")
pytest.importorskip("ray.data")

from cleanse.cli import main  # noqa: E402
from tests.dedup.test_dedup import _dups, _rows, _write_corpus  # noqa: E402


def test_dedup_on_ray_equals_local(local_ray: None, tmp_path) -> None:
    src = str(tmp_path / "in")
    truth = _write_corpus(src)
    outs = {}
    for executor in ("local", "ray"):
        out = str(tmp_path / executor)
        assert main(["run", "-i", src, "-o", out, "-q", "--shard-files", "3", "-w", "1"]) == 0
        assert main(["dedup", out, "-q", "--executor", executor, "-w", "2"]) == 0
        outs[executor] = out
    assert _rows(outs["ray"]) == _rows(outs["local"])
    key = lambda d: d["id"]  # noqa: E731
    assert sorted(_dups(outs["ray"]), key=key) == sorted(_dups(outs["local"]), key=key)
    assert len(_dups(outs["ray"])) == sum(1 for v in truth.values() if v)


def test_repeated_lines_on_ray_equal_local(local_ray: None, tmp_path) -> None:
    from tests.dedup.test_lines import _site_corpus, _texts

    src = str(tmp_path / "in")
    _site_corpus(src)
    got = {}
    for executor in ("local", "ray"):
        out = str(tmp_path / executor)
        assert main(["run", "-i", src, "-o", out, "-q", "--shard-files", "3", "-w", "1"]) == 0
        assert main(["dedup", out, "-q", "--executor", executor, "-w", "2"]) == 0
        got[executor] = _texts(out)
    assert got["ray"] == got["local"]
    assert sum(len([x for x in r["removed"] if x["reason"] == "repeated_line"]) for r in got["ray"].values()) == 32
