"""Legacy mode reproduces opencc-python-reimplemented byte for byte: checked against the
library itself on the seeds, on a large generated corpus and on random tiny dictionaries
(where overlapping matches are frequent)."""

from __future__ import annotations

import random
import zlib
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opencc import OpenCC as ReferenceOpenCC  # opencc-python-reimplemented

from cleanse.script import available_configs, convert
from cleanse.script.dictionaries import Leaf, load_legacy_config
from cleanse.script.legacy import LegacyGroup, legacy_separators
from cleanse.script.engine import Step
from cleanse.script import fastscan

ROOT = Path(__file__).resolve().parents[2]
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
LEGACY_CONFIGS = available_configs("legacy")
_REFERENCES: dict[str, ReferenceOpenCC] = {}


def reference(config: str) -> ReferenceOpenCC:
    if config not in _REFERENCES:
        _REFERENCES[config] = ReferenceOpenCC(config)
    return _REFERENCES[config]


def test_legacy_configs_are_the_libraries():
    assert {"t2s", "tw2s", "hk2s", "tw2sp", "s2t"} <= set(LEGACY_CONFIGS)


@pytest.mark.parametrize("config", LEGACY_CONFIGS)
def test_seeds_identical(config):
    for text in SEEDS:
        assert convert(text, config, dictionaries="legacy") == reference(config).convert(text)


def generated_corpus(config: str, n_pieces: int, seed: int) -> str:
    """Random mixes of the config's own dictionary keys and values, fragments of them (so
    matches overlap), Traditional seed text, separators, ASCII and astral characters."""
    rng = random.Random(seed)
    _, chain = load_legacy_config(config)
    pools = []
    for group in chain:
        for leaf in group:
            pools.append(sorted(leaf.entries))
            pools.append(sorted(leaf.entries.values()))
    seed_text = "".join(SEEDS)
    extra = list("，。、；：？！…「」（） \n\t-,.?!*abcXYZ0123·") + ["𠮷", "😀", "𪚥", "\u3000", "\u00a0"]
    parts = []
    for _ in range(n_pieces):
        r = rng.random()
        if r < 0.6:
            w = rng.choice(rng.choice(pools))
            if len(w) > 1 and rng.random() < 0.3:
                a = rng.randrange(len(w))
                w = w[a : a + rng.randint(1, len(w))]
        elif r < 0.8:
            a = rng.randrange(len(seed_text) - 20)
            w = seed_text[a : a + rng.randint(1, 20)]
        else:
            w = rng.choice(extra)
        parts.append(w)
    return "".join(parts)


@pytest.mark.parametrize("config", ["t2s", "tw2sp", "hk2s", "s2twp"])
def test_large_generated_corpus_identical(config):
    text = generated_corpus(config, 60000, seed=zlib.crc32(config.encode()))
    assert len(text) > 100000
    got = convert(text, config, dictionaries="legacy")
    want = reference(config).convert(text)
    if got != want:
        i = next((k for k, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        pytest.fail(f"first difference at {i}: {text[max(0, i - 10):i + 10]!r} -> {got[max(0, i - 10):i + 10]!r}"
                    f" vs {want[max(0, i - 10):i + 10]!r}")


def test_longest_match_anywhere_wins():
    # The library's quirk that differs from OpenCC: the longest key anywhere in the
    # fragment is replaced first. Tiny dictionaries make it visible.
    group = LegacyGroup((Leaf.of("d", {"ab": "X", "bcd": "Y", "e": "Z"}),))
    step = group.step(Step("abcde", fastscan.codepoints("abcde"), None, None), False)
    assert step.string() == "aYZ"
    assert run_reference([[("d", {"ab": "X", "bcd": "Y", "e": "Z"})]], "abcde") == "aYZ"


def run_reference(groups: list[list[tuple[str, dict[str, str]]]], text: str) -> str:
    """opencc-python-reimplemented's convert with dictionaries given in memory."""
    ref = ReferenceOpenCC()
    ref._dict_chain_data = [
        [(max([1] + [len(k) for k in d]), min([1000] + [len(k) for k in d]), d) for _, d in group]
        for group in groups
    ]
    ref._dict_init_done = True
    return ref.convert(text)


def run_ours(groups: list[list[tuple[str, dict[str, str]]]], text: str) -> str:
    step = Step(text, fastscan.codepoints(text), None, None)
    for group in groups:
        compiled = LegacyGroup(tuple(Leaf.of(name, {k: v.split(" ")[0] for k, v in d.items()}) for name, d in group))
        step = compiled.step(step, False)
    return step.string()


ALPHABET = "abcd後𠮷"
dicts_ = st.dictionaries(st.text(ALPHABET, min_size=1, max_size=4), st.text("xyzX门", min_size=1, max_size=3),
                         min_size=1, max_size=10)
groups_ = st.lists(st.lists(dicts_, min_size=1, max_size=3), min_size=1, max_size=2)


@settings(max_examples=400, deadline=None)
@given(groups_, st.text(ALPHABET + " ，-", max_size=40))
def test_random_tiny_dictionaries_identical(groups, text):
    named = [[(f"d{i}", d) for i, d in enumerate(g)] for g in groups]
    assert run_ours(named, text) == run_reference(named, text)


def test_separators_are_the_libraries():
    pattern = ReferenceOpenCC().split_chars_re
    everything = "".join(map(chr, range(0x110000)))
    theirs = {m.group()[0] for m in re.finditer(pattern, everything)}
    # \s+ matches runs; collect every character of every run.
    theirs |= {c for m in re.finditer(pattern, everything) for c in m.group()}
    assert theirs == set(legacy_separators())


def test_separators_are_never_converted():
    # "—" is a separator; the character table must leave it alone even if a dictionary
    # has it as a key.
    text = "乾隆—後來，發展"
    assert convert(text, "t2s", "legacy") == reference("t2s").convert(text)
