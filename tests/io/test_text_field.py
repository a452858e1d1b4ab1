"""`--text-field` / `[input] text_field`: which JSONL field or Parquet column holds the text;
a record without it is a reject naming the fields it has, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleanse.cli import main

TEXTS = ["这是第一条内容，足够长的一段中文。", "这是第二条内容，也是一段中文。"]


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    lines = [json.dumps({"content": t, "url": f"http://a.cn/{i}"}, ensure_ascii=False) for i, t in enumerate(TEXTS)]
    (d / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pq.write_table(pa.table({"content": TEXTS, "url": ["u0", "u1"]}), d / "b.parquet")
    return d


def _texts(out: Path) -> list[str]:
    return sorted(pq.read_table(out / "documents").column("text").to_pylist())


def test_default_field_missing_is_a_reject_naming_the_fields(inputs: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["run", "-i", str(inputs), "-o", str(out), "-q", "-w", "1"]) == 1  # nothing became a row
    rejects = pq.read_table(out / "rejects").to_pylist()
    by_reason: dict = {}
    for r in rejects:
        by_reason.setdefault(r["reason"], r)
    assert set(by_reason) == {"no_text_field", "no_text_column"}
    assert "'content', 'url'" in by_reason["no_text_field"]["detail"] and "--text-field" in by_reason["no_text_field"]["detail"]
    assert "columns: content, url" in by_reason["no_text_column"]["detail"]
    assert json.loads(by_reason["no_text_field"]["raw"])["content"] == TEXTS[0]  # its raw bytes kept
    assert "Traceback" not in capsys.readouterr().err


def test_text_field_flag_and_config_key(inputs: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "flag"
    assert main(["run", "-i", str(inputs), "-o", str(out), "-q", "-w", "1", "--text-field", "content"]) == 0
    assert _texts(out) == sorted(TEXTS * 2)
    assert pq.read_table(out / "rejects").num_rows == 0
    config = tmp_path / "c.toml"
    config.write_text('[input]\ntext_field = "content"\n', encoding="utf-8")
    out2 = tmp_path / "config"
    assert main(["run", "-c", str(config), "-i", str(inputs), "-o", str(out2), "-q", "-w", "1"]) == 0
    assert _texts(out2) == _texts(out)
    # The text field is part of the run: the same directory with another field is refused.
    assert main(["run", "-i", str(inputs), "-o", str(out), "-q", "-w", "1"]) == 2
    err = capsys.readouterr().err
    assert "--text-field" in err and "the default now" in err and "None" not in err


def test_bad_text_field_config_is_a_clear_error(inputs: Path, tmp_path: Path, capsys) -> None:
    config = tmp_path / "c.toml"
    for body, expected in (('[input]\ntext_feld = "x"\n', "input.text_feld: unknown option"),
                           ('[input]\ntext_field = 3\n', "input.text_field: expected a non-empty str")):
        config.write_text(body, encoding="utf-8")
        assert main(["run", "-c", str(config), "-i", str(inputs), "-o", str(tmp_path / "o"), "-q"]) == 2
        assert expected in capsys.readouterr().err
    assert main(["run", "-i", str(inputs), "-o", str(tmp_path / "o"), "-q", "--text-field", " "]) == 2
    assert "--text-field" in capsys.readouterr().err
