"""`cleanse run --config FILE` (TOML), --no-t2s / --t2s-config, errors naming file and key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanse.cli import main
from cleanse.config import ConfigError, build_pipeline, load_config
from cleanse.defaults import build_default_pipeline
from tests.ops_inputs import read_rows

ROOT = Path(__file__).resolve().parent.parent
SEEDS = str(ROOT / "seeds")


def test_an_empty_config_is_the_default_pipeline() -> None:
    assert build_pipeline({}).id == build_default_pipeline().id


def test_config_file_changes_stages_and_identity(tmp_path: Path) -> None:
    cfg = tmp_path / "tw.toml"
    cfg.write_text('[pipeline]\nname = "zh_tw"\nskip = ["pinyin_ruby"]\n\n[stages.convert]\nconfig = "tw2s"\n')
    out = tmp_path / "out"
    assert main(["run", "--config", str(cfg), "-i", SEEDS, "-o", str(out), "-q"]) == 0
    manifest = json.loads((out / "_manifest.json").read_text())
    names = [s["name"] for s in manifest["pipeline"]["config"]["stages"]]
    assert "pinyin_ruby" not in names and "convert_tw2s" in names
    convert = next(s for s in manifest["pipeline"]["config"]["stages"] if s["name"] == "convert_tw2s")
    assert convert["config"]["config"] == "tw2s"
    pid = manifest["pipeline"]["id"]
    assert pid.startswith("zh_tw@") and pid != build_default_pipeline().id
    assert {r["pipeline"] for r in read_rows(out)} == {pid}
    assert load_config(str(cfg)).id == pid


def test_flags_for_the_common_toggles(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["run", "--no-t2s", "-i", SEEDS, "-o", str(out), "-q"]) == 0
    names = [s["name"] for s in json.loads((out / "_manifest.json").read_text())["pipeline"]["config"]["stages"]]
    assert not any(n.startswith("convert_") for n in names)
    default = tmp_path / "default"
    assert main(["run", "-i", SEEDS, "-o", str(default), "-q"]) == 0
    # no conversion: some Traditional text of the seeds stays Traditional
    assert [r["text"] for r in read_rows(out)] != [r["text"] for r in read_rows(default)]
    p = build_pipeline({"stages": {"convert": {"config": "hk2s"}}})
    assert "convert_hk2s" in [s.name for s in p.stages]


@pytest.mark.parametrize("toml, message", [
    ('[stages.nosuch]\n', "cfg.toml: stages.nosuch: unknown stage"),
    ('[stages.convert]\nconfg = "tw2s"\n', "cfg.toml: stages.convert.confg: unknown option (options: config, dictionaries, protect_mojibake)"),
    ('[stages.convert]\nconfig = 3\n', "cfg.toml: stages.convert.config: expected a str, got int 3"),
    ('[stages.convert]\nconfig = "zz"\n', "cfg.toml: stages.convert: unknown config 'zz'"),
    ('[stages.ftfy_zh]\nstrength = 2\n', "cfg.toml: stages.ftfy_zh.strength: unknown option (options: none)"),
    ('[pipeline]\nskip = ["nope"]\n', "cfg.toml: pipeline.skip[0]: unknown stage 'nope'"),
    ('[pipeline]\nname = 1\n', "cfg.toml: pipeline.name: expected a str"),
    ('[pipelin]\n', "cfg.toml: pipelin: unknown table"),
    ('stages = 3\n', "cfg.toml: stages: expected a table"),
    ('[stages\n', "cfg.toml: not valid TOML"),
])
def test_errors_name_the_file_and_the_key(toml: str, message: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "cfg.toml"
    cfg.write_text(toml)
    with pytest.raises(ConfigError):
        load_config(str(cfg))
    assert main(["run", "--config", str(cfg), "-i", SEEDS, "-o", str(tmp_path / "o"), "-q"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_config_options_do_not_apply_to_a_pipeline_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(ROOT / "pipelines" / "zh_web.py"), "--no-t2s", "-i", SEEDS, "-o", str(tmp_path / "o"),
                 "-q"]) == 2
    assert "apply to the default pipeline, not to a pipeline script" in capsys.readouterr().err
