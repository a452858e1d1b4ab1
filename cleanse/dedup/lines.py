"""Repeated-line boilerplate across documents: lines that recur in many documents of one site.

Site chrome (navigation, breadcrumbs, share bars, copyright footers) is the same line on every
page of a site, which no per-document rule can know (CCNet removes paragraphs repeated across a
shard, RefinedWeb lines repeated within a document; both use the repetition itself as the
signal). Here, in the dedup phase, over a finished output directory:

- **group**: the site a document comes from: the host of its `meta.url` when it has one
  (`host:news.example.cn`, `www.` dropped, lower case), else the directory of its `source`
  (`dir:crawl/site_a`: a crawl saved one folder per site, or one JSONL file per dump).
- **line key**: a 64-bit BLAKE2b digest of the group and the line's dedup form (the letters
  and digits of the line, `cleanse.dedup.normalize.dedup_form`); a line whose form is empty
  (blank, punctuation or symbols only) is *neutral*: never counted.
- **repeated**: a key found in at least `min_docs` documents of its group and in at least
  `min_fraction` of the group's documents.
- **removed**: in each document, the leading and trailing runs of repeated lines (neutral lines
  inside or next to a run go with it), each recorded in `removed` with reason `repeated_line`.
  A repeated line *between* two body lines stays (`edges_only`, the default): chrome sits around
  the content, and a line recurring inside the content (a chapter heading, a quoted article or
  poem) is the content. A document whose every line is repeated or neutral is left whole (its
  body is the shared text; if it is a copy, exact/near dedup handles it), and the document's own
  title line stays: it bounds the runs as a body line does (a repeated chapter heading right
  after the title stays) without counting as a body. Except (`repeated_title`, default on) a
  title line that is itself repeated on a page that also ends in a run of repeated lines: there
  it is the site's header taken for a title, and goes with the leading run.

Memory grows with the distinct line keys, never with the text: each part's pass writes its
distinct keys with their document counts (`_dedup/lines/part-NNNNN.parquet`), the driver merges
those counts part by part into one sorted array (16 bytes a distinct key) and keeps only the
repeated keys (`_dedup/repeated_lines.parquet`), which the apply pass looks up per part.
Measured on real clean text and planted chrome: docs/dedup.md, "Repeated lines".
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pyarrow as pa

from cleanse.dedup.normalize import FORM_VERSION, dedup_form
from cleanse.dedup.parts import WORK_DIR, part_name, part_stem, row_groups, run_writer_options, write_table
from cleanse.io.parquet import WriterOptions
from cleanse.io.storage import Storage

STAGE = "repeated_lines"
REASON = "repeated_line"
VERSION = "2"  # 2: a repeated title line goes with the page's other chrome (`repeated_title`)
_BATCH_ROWS = 1024
_GROUP_ROW = np.uint64(0)  # key 0 in a count file: the row of a group's document count


@dataclass(frozen=True)
class RepeatedLinesConfig:
    """When a line is site chrome (see the module docstring). Part of the dedup identity."""

    enabled: bool = True
    min_docs: int = 5
    min_fraction: float = 0.05
    edges_only: bool = True
    repeated_title: bool = True
    title_ratio: float = 0.5

    def __post_init__(self) -> None:
        if self.min_docs < 2:
            raise ValueError(f"repeated_lines.min_docs must be at least 2, got {self.min_docs}")
        if self.title_ratio < 0.0:
            raise ValueError(f"repeated_lines.title_ratio must be at least 0, got {self.title_ratio}")
        if not 0.0 <= self.min_fraction <= 1.0:
            raise ValueError(f"repeated_lines.min_fraction must be between 0 and 1, got {self.min_fraction}")

    def config(self) -> dict[str, Any]:
        return {"version": VERSION, "form": FORM_VERSION, **asdict(self)}


def group_of(source: str, meta: Sequence[dict[str, str]] | dict[str, str] | None) -> str:
    """The group (site) of a document: `host:H` from its `url` meta field, else `dir:D`."""
    items = meta.items() if isinstance(meta, dict) else ((m["key"], m["value"]) for m in meta or ())
    for key, value in items:
        if key == "url" and value:
            try:
                host = (urlsplit(value.strip()).hostname or "").lower()
            except ValueError:
                host = ""
            if host:
                return "host:" + (host[4:] if host.startswith("www.") else host)
    return "dir:" + os.path.dirname(source.replace("\\", "/"))


def _digest(data: str) -> int:
    key = int.from_bytes(hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
    return key or 1  # 0 is the group row of a count file


def group_key(group: str) -> int:
    return _digest(group)


def line_keys(text: str, group: str) -> list[int]:
    """One key per line of `text` (split on "\\n"); 0 for a neutral line (empty form)."""
    prefix = group + "\0"
    out = []
    for line in text.split("\n"):
        form = dedup_form(line)
        out.append(_digest(prefix + form) if form else 0)
    return out


# --- counting -------------------------------------------------------------------------------
def count_table(texts: Sequence[str], groups: Sequence[str]) -> pa.Table:
    """Distinct line keys of some documents with the number of documents holding each, plus
    one row per group (key 0) with its number of documents. Sorted by (key, group)."""
    keys: list[int] = []
    doc_groups: list[int] = []
    for text, group in zip(texts, groups):
        g = group_key(group)
        distinct = set(line_keys(text, group))
        distinct.discard(0)
        keys.extend(distinct)
        doc_groups.extend([g] * len(distinct))
        keys.append(0)
        doc_groups.append(g)
    k = np.array(keys, np.uint64)
    g = np.array(doc_groups, np.uint64)
    return _counts_table(*_sum_counts(k, g, np.ones(len(k), np.int64)))


def _sum_counts(keys: np.ndarray, groups: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, ...]:
    """(key, group) pairs made unique, their counts summed."""
    if not len(keys):
        return keys, groups, counts
    order = np.lexsort((groups, keys))
    k, g, c = keys[order], groups[order], counts[order]
    new = np.ones(len(k), bool)
    new[1:] = (k[1:] != k[:-1]) | (g[1:] != g[:-1])
    starts = np.flatnonzero(new)
    return k[starts], g[starts], np.add.reduceat(c, starts)


def _counts_table(keys: np.ndarray, groups: np.ndarray, counts: np.ndarray) -> pa.Table:
    return pa.table({"key": pa.array(keys, pa.uint64()), "group": pa.array(groups, pa.uint64()),
                     "docs": pa.array(counts, pa.int64())})


class Counter:
    """Line counts merged part by part: memory is the distinct keys seen (24 bytes each)."""

    def __init__(self) -> None:
        self.keys = np.zeros(0, np.uint64)
        self.groups = np.zeros(0, np.uint64)
        self.docs = np.zeros(0, np.int64)

    def add(self, table: pa.Table) -> None:
        self.keys, self.groups, self.docs = _sum_counts(
            np.concatenate([self.keys, table.column("key").to_numpy()]),
            np.concatenate([self.groups, table.column("group").to_numpy()]),
            np.concatenate([self.docs, table.column("docs").to_numpy()]))

    def repeated(self, cfg: RepeatedLinesConfig) -> pa.Table:
        """The keys that are repeated lines of their group, sorted, with their document counts."""
        is_group = self.keys == _GROUP_ROW
        g_keys, g_docs = self.groups[is_group], self.docs[is_group]  # sorted by group
        lines = ~is_group
        pos = np.searchsorted(g_keys, self.groups[lines])
        group_docs = g_docs[pos] if len(g_keys) else np.zeros(int(lines.sum()), np.int64)
        need = np.maximum(cfg.min_docs, np.ceil(cfg.min_fraction * group_docs - 1e-9)).astype(np.int64)
        docs = self.docs[lines]
        hit = docs >= need
        return pa.table({"key": pa.array(self.keys[lines][hit], pa.uint64()),
                         "docs": pa.array(docs[hit], pa.int64())})

    @property
    def distinct(self) -> int:
        return int((self.keys != _GROUP_ROW).sum())


# --- removing -------------------------------------------------------------------------------
def _member(k: np.ndarray, repeated: np.ndarray) -> np.ndarray:
    if not len(repeated):
        return np.zeros(len(k), bool)
    pos = np.searchsorted(repeated, k)
    return (pos < len(repeated)) & (repeated[np.minimum(pos, len(repeated) - 1)] == k)


def _docs(keys: np.ndarray, repeated: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The document counts of repeated keys."""
    return counts[np.searchsorted(repeated, keys)]


def strip_lines(text: str, keys: Sequence[int], repeated: np.ndarray, title: str | None,
                edges_only: bool = True, repeated_title: bool = True, title_ratio: float = 0.5,
                counts: np.ndarray | None = None) -> tuple[str, list[str]]:
    """`text` without its repeated lines (see the module docstring) and the lines removed.
    `keys`: `line_keys(text, group)`; `repeated`: the sorted repeated keys; `counts`: their
    document counts (without them a repeated title's count is not compared: `title_ratio`)."""
    lines = text.split("\n")
    k = np.array(keys, np.uint64)
    hit = _member(k, repeated)
    neutral = k == 0
    hit &= ~neutral
    body = ~(hit | neutral)
    own = np.zeros(len(lines), bool)
    if title and (t := dedup_form(title)):
        # The document's own title line is never removed and bounds the runs (a chapter
        # heading between the title and the body stays), but is not body enough to cut a
        # shared text down to it (a page of a site title and a shared poem stays whole).
        own = np.array([bool(hit[i] or body[i]) and dedup_form(line) == t for i, line in enumerate(lines)])
        hit &= ~own
        body &= ~own
    if not body.any() or not hit.any():
        return text, []
    bound = body | own
    first, last = int(np.argmax(bound)), len(lines) - 1 - int(np.argmax(bound[::-1]))
    if repeated_title and hit[last + 1:].any() and (own_rep := own & _member(k, repeated)).any():
        # The title line is itself a repeated line, the page ends in a run of its site's
        # chrome, and the title is about as common as that chrome: it is the site's header,
        # which header_meta took for the title (a short first line). A real title repeated in
        # some of a site's pages (`前腔` in 5% of 元曲) is rarer than the footer every page
        # has, and stays; so does one on a page without such a footer. docs/dedup.md.
        trail = np.zeros(len(lines), bool)
        trail[last + 1:] = hit[last + 1:]
        if counts is None or _docs(k[own_rep], repeated, counts).max() >= \
                title_ratio * _docs(k[trail], repeated, counts).max():
            hit |= own_rep
            own &= ~own_rep
            bound = body | own
            first, last = int(np.argmax(bound)), len(lines) - 1 - int(np.argmax(bound[::-1]))
    drop = np.zeros(len(lines), bool)
    if hit[:first].any():
        drop[:first] = hit[:first] | neutral[:first]
    if hit[last + 1:].any():
        drop[last + 1:] = hit[last + 1:] | neutral[last + 1:]
    if not edges_only:
        drop |= hit
    removed = [line for line, d in zip(lines, drop) if d and line.strip()]
    return "\n".join(line for line, d in zip(lines, drop) if not d), removed


# --- the passes over an output directory (steps of cleanse.dedup.phase) -------------------------
COUNTS_DIR = f"{WORK_DIR}/lines"
REPEATED_FILE = f"{WORK_DIR}/repeated_lines.parquet"
STRIPPED_DIR = f"{WORK_DIR}/lines_applied"
_META_KEY = b"cleanse.repeated_lines"


def counts_file(part: str) -> str:
    return f"{COUNTS_DIR}/{part_name(part)}"


def stripped_marker(part: str) -> str:
    return f"{STRIPPED_DIR}/{part_stem(part)}.json"


def _groups(batch: pa.RecordBatch | pa.Table) -> list[str]:
    metas = batch.column("meta").to_pylist() if "meta" in batch.schema.names else [None] * batch.num_rows
    return [group_of(s, m) for s, m in zip(batch.column("source").to_pylist(), metas)]


def count_part_lines(out_dir: str, part: str) -> int:
    """Pass 1 over one document part: its line counts file (skipped when it exists)."""
    storage = Storage(out_dir)
    rel = counts_file(part)
    if storage.exists(rel):
        return storage.parquet_file(rel).metadata.num_rows
    pf = storage.parquet_file(part)
    columns = [c for c in ("text", "source", "meta") if c in pf.schema_arrow.names]
    tables = [count_table(b.column("text").to_pylist(), _groups(b))
              for b in pf.iter_batches(batch_size=_BATCH_ROWS, columns=columns)]
    counter = Counter()
    for t in tables:
        counter.add(t)
    table = _counts_table(counter.keys, counter.groups, counter.docs)
    write_table(storage, rel, table)
    return table.num_rows


def repeated_keys(storage: Storage, parts: Sequence[str], cfg: RepeatedLinesConfig) -> tuple[np.ndarray, int]:
    """The repeated keys (sorted) and the number of distinct lines counted; written once to
    `_dedup/repeated_lines.parquet` and read back from there on resume."""
    if storage.exists(REPEATED_FILE):
        t = storage.parquet_file(REPEATED_FILE).read()
        return t.column("key").to_numpy(), int(json.loads(t.schema.metadata[b"cleanse.distinct_lines"]))
    counter = Counter()
    for part in parts:
        counter.add(storage.parquet_file(counts_file(part)).read())
    table = counter.repeated(cfg)
    table = table.replace_schema_metadata({b"cleanse.distinct_lines": str(counter.distinct).encode()})
    write_table(storage, REPEATED_FILE, table)
    return table.column("key").to_numpy(), counter.distinct


def strip_part(out_dir: str, part: str, cfg: RepeatedLinesConfig,
               options: WriterOptions | None = None) -> dict[str, int]:
    """Pass 2 over one document part: its repeated lines removed and recorded, the part
    rewritten (its schema metadata says so, which makes a rewrite killed before its marker
    recognisable), then the marker `_dedup/lines_applied/NNNNN.json`. The part is rewritten
    with `options` (the run's writer options) and its own row-group boundaries."""
    storage = Storage(out_dir)
    marker = stripped_marker(part)
    if storage.exists(marker):
        return storage.read_json(marker)
    table = storage.parquet_file(part).read()
    done = (table.schema.metadata or {}).get(_META_KEY)
    if done is None:
        rep = storage.parquet_file(REPEATED_FILE).read(columns=["key", "docs"])
        table, counts = _strip_table(table, rep.column("key").to_numpy(), rep.column("docs").to_numpy(), cfg)
        meta = {**(table.schema.metadata or {}), _META_KEY: json.dumps(counts).encode()}
        write_table(storage, part, table.replace_schema_metadata(meta), options or run_writer_options(storage),
                    row_groups(storage, part))
    else:
        counts = json.loads(done)
    storage.write_json_atomic(marker, counts, indent=None)
    return counts


def _strip_table(table: pa.Table, repeated: np.ndarray, docs: np.ndarray,
                 cfg: RepeatedLinesConfig) -> tuple[pa.Table, dict[str, int]]:
    texts = table.column("text").to_pylist()
    titles = table.column("title").to_pylist() if "title" in table.schema.names else [None] * len(texts)
    groups = _groups(table)
    removed = table.column("removed").to_pylist() if "removed" in table.schema.names else None
    stages = table.column("stages").to_pylist() if "stages" in table.schema.names else None
    n_lines = n_docs = n_chars = 0
    for i, (text, title, group) in enumerate(zip(texts, titles, groups)):
        new, gone = strip_lines(text, line_keys(text, group), repeated, title, cfg.edges_only, cfg.repeated_title,
                                cfg.title_ratio, docs)
        chars = len(text) - len(new)
        if gone:
            texts[i] = new
            n_lines += len(gone)
            n_docs += 1
            n_chars += chars
            if removed is not None:
                removed[i] = list(removed[i] or []) + [{"stage": STAGE, "reason": REASON, "text": g} for g in gone]
        if stages is not None:
            stages[i] = list(stages[i] or []) + [{"name": STAGE, "version": VERSION, "chars_changed": chars}]
    for name, values in (("text", texts), ("removed", removed), ("stages", stages)):
        if values is not None:
            idx = table.schema.get_field_index(name)
            table = table.set_column(idx, table.schema.field(idx), pa.array(values, table.schema.field(idx).type))
    return table, {"version": int(VERSION), "lines": n_lines, "docs": n_docs, "chars": n_chars}
