"""The per-stage report: printed after a run, saved in _stats.json, printed again by `cleanse report`."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cleanse.cli import main
from tests.ops_inputs import make_corpus, write_slow_pipeline


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report")
    corpus = make_corpus(root / "in", 30, seed=3)
    out = root / "out"
    assert main(["run", str(write_slow_pipeline(root / "p.py")), "-i", str(corpus), "-o", str(out), "-q",
                 "-w", "2", "--shard-files", "4"]) == 0
    return out


def _table_rows(text: str) -> dict[str, list[str]]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("stage "))
    out = {}
    for line in lines[start + 2:]:
        if not line.strip():
            break
        cells = line.split()
        out[cells[0]] = cells[1:]
    return out


def test_stats_json_counts_match_the_corpus(finished: Path) -> None:
    stats = json.loads((finished / "_stats.json").read_text(encoding="utf-8"))
    decode, mark = stats["stages"]
    rows = [r for p in sorted((finished / "documents").glob("part-*.parquet")) for r in pq.read_table(p).to_pylist()]
    rejects = [r for p in sorted(finished.glob("rejects/part-*.parquet")) for r in pq.read_table(p).to_pylist()]
    assert decode["docs_in"] == 30 and decode["docs_out"] + decode["rejected"] == 30
    assert decode["rejected"] == len(rejects) == sum(decode["reject_reasons"].values())
    assert mark["docs_in"] == mark["docs_out"] == len(rows)
    removed = [r for row in rows for r in row["removed"]]
    repairs = [r for row in rows for r in row["repairs"]]
    assert mark["chars_removed"] == sum(len(r["text"]) for r in removed) > 0
    assert mark["repairs"] == len(repairs) > 0
    assert mark["seconds"] > 0 and mark["mb_per_s"] > 0


def test_report_prints_table_rejects_and_examples(finished: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(finished)]) == 0
    out = capsys.readouterr().out
    stats = json.loads((finished / "_stats.json").read_text(encoding="utf-8"))["stages"]
    table = _table_rows(out)
    for s in stats:
        cells = table[f"{s['name']}@{s['version']}"]
        assert cells[:6] == [str(s[k]) for k in ("docs_in", "docs_out", "rejected", "chars_changed",
                                                 "chars_removed", "repairs")]
    assert "Rejected:\n  decode: " in out and "binary" in out
    # Examples come from the corpus: real removed texts and repairs of the stage.
    rows = [r for p in sorted((finished / "documents").glob("part-*.parquet")) for r in pq.read_table(p).to_pylist()]
    removed_texts = {r["text"] for row in rows for r in row["removed"]}
    section = out.split("Removed:\n  slow_mark:\n", 1)[1].split("Repairs:")[0]
    examples = [line.strip() for line in section.splitlines() if line.startswith("    ")]
    assert len(examples) == 3
    assert all(e.startswith("[ascii_digit] ") and e[len("[ascii_digit] "):] in removed_texts for e in examples)
    assert "Repairs:\n  slow_mark:\n    [de] 的 -> 之" in out


def test_report_without_examples_and_on_a_non_output(finished: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(finished), "--no-examples"]) == 0
    out = capsys.readouterr().out
    assert "slow_mark@1" in out and "Removed:" not in out
    assert main(["report", str(tmp_path)]) == 2
    assert "no _stats.json" in capsys.readouterr().err
