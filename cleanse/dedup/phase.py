"""The corpus-wide dedup phase over a finished cleanse output directory.

    cleanse dedup OUT [--workers N | --executor ray]      (or: cleanse run … --dedup)

Three steps, each resumable, with every file written atomically:

1. signatures: per document part, `_dedup/signatures/part-NNNNN.parquet` holds each row's
   id, source, segment, exact key and MinHash band keys and signature (about 0.6 KB per
   document with the defaults, however long its text). Parts are independent: worker
   processes or Ray tasks compute them in parallel. A file that exists is finished.
2. resolve: the driver reads the ids, keys and band keys (not the texts, not the signatures),
   groups band keys (locally by sorting; on Ray with a Ray Data groupby), verifies candidate
   pairs against their signatures (read back only for candidates) and resolves clusters
   (`cleanse.dedup.clusters`). The outcome, one line per member of a cluster of two or more,
   is `_dedup/plan.parquet`.
3. apply: per part, the dropped rows move to `duplicates/part-NNNNN.parquet` (with
   `duplicate_of`, `similarity`, `kind` and the whole row), then the part is replaced by the
   kept rows (a kept row of a cluster of n gets the signal `dup_cluster_size` = n), then the
   marker `_dedup/applied/NNNNN.json` is written. A part killed between the two writes is
   recognised on resume (its dropped ids are gone and its duplicates file exists).

`_dedup/config.json` is the phase's identity; `_dedup/summary.json` its counts when done.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cleanse.dedup.clusters import KIND_KEPT, KIND_NAMES, resolve
from cleanse.dedup import lines as lines_pass
from cleanse.dedup.lines import RepeatedLinesConfig
from cleanse.dedup.minhash import MinHashConfig, band_keys, signatures
from cleanse.dedup.normalize import FORM_VERSION, dedup_form, exact_key
from cleanse.dedup.parts import (
    WORK_DIR, applied_marker, document_parts, part_name, rewrite_groups, row_groups, run_writer_options, write_table,
)
from cleanse.dedup.schema import duplicate_schema
from cleanse.io import layout
from cleanse.io.lock import output_lock
from cleanse.io.parquet import WriterOptions
from cleanse.io.storage import Storage, is_tmp_name

CONFIG_FILE = f"{WORK_DIR}/config.json"
PLAN_FILE = f"{WORK_DIR}/plan.parquet"
SUMMARY_FILE = f"{WORK_DIR}/summary.json"
CLUSTER_SIGNAL = "dup_cluster_size"
VERSION = "3"  # 2: the repeated-lines pass; 3: its repeated_title rule
_BATCH_ROWS = 1024
# The document columns the phase reads (signatures and ranking; `id` is always written).
COLUMNS = ("source", "segment", "text")


class DedupError(RuntimeError):
    """The output directory cannot be deduplicated as asked (not a finished run, or already
    deduplicated with another configuration)."""


@dataclass(frozen=True)
class DedupConfig:
    """What the dedup phase removes. `exact`: same normalised form; `near`: MinHash LSH."""

    exact: bool = True
    near: bool = True
    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    lines: RepeatedLinesConfig = field(default_factory=RepeatedLinesConfig)

    def config(self) -> dict[str, Any]:
        return {"version": VERSION, "form": FORM_VERSION, "exact": self.exact, "near": self.near,
                "minhash": self.minhash.config() if self.near else None,
                "repeated_lines": self.lines.config() if self.lines.enabled else None}


def signatures_file(part: str) -> str:
    return f"{WORK_DIR}/signatures/{part_name(part)}"


def duplicates_file(part: str) -> str:
    return f"{layout.DUPLICATES_DIR}/{part_name(part)}"


# --- step 1: signatures ---------------------------------------------------------------------
def signature_schema(cfg: DedupConfig) -> pa.Schema:
    m = cfg.minhash
    return pa.schema([
        ("id", pa.string()), ("source", pa.string()), ("segment", pa.int32()),
        ("exact", pa.binary(16)),
        ("bands", pa.list_(pa.uint64(), m.bands)), ("sig", pa.list_(pa.uint32(), m.num_perm)),
    ])


def text_signatures(texts: Sequence[str], cfg: DedupConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(exact keys (n, 16) uint8, band keys (n, bands) uint64, signatures (n, perms) uint32)."""
    forms = [dedup_form(t) for t in texts]
    exact = np.frombuffer(b"".join(exact_key(f) for f in forms), dtype=np.uint8).reshape(len(forms), 16)
    m = cfg.minhash
    if cfg.near:
        sig = signatures(forms, m)
        bands = band_keys(sig, m)
    else:
        sig = np.zeros((len(forms), m.num_perm), np.uint32)
        bands = np.zeros((len(forms), m.bands), np.uint64)
    return exact, bands, sig


def compute_part_signatures(out_dir: str, part: str, cfg: DedupConfig) -> int:
    """Signatures of one document part (skipped when its file exists). Returns its rows."""
    storage = Storage(out_dir)
    rel = signatures_file(part)
    if storage.exists(rel):
        return storage.parquet_file(rel).metadata.num_rows
    schema = signature_schema(cfg)
    m = cfg.minhash
    batches = []
    for batch in storage.parquet_file(part).iter_batches(batch_size=_BATCH_ROWS,
                                                           columns=["id", "source", "segment", "text"]):
        exact, bands, sig = text_signatures(batch.column("text").to_pylist(), cfg)
        n = len(exact)
        batches.append(pa.record_batch([
            batch.column("id"), batch.column("source"), batch.column("segment"),
            pa.FixedSizeBinaryArray.from_buffers(pa.binary(16), n, [None, pa.py_buffer(exact.tobytes())]),
            pa.FixedSizeListArray.from_arrays(pa.array(bands.ravel(), pa.uint64()), m.bands),
            pa.FixedSizeListArray.from_arrays(pa.array(sig.ravel(), pa.uint32()), m.num_perm),
        ], schema=schema))
    table = pa.Table.from_batches(batches, schema=schema)
    write_table(storage, rel, table)
    return table.num_rows


# --- step 2: resolve ------------------------------------------------------------------------
@dataclass(slots=True)
class Corpus:
    """What the driver holds: per document its part, row, id and keys (no text, no signature)."""

    parts: list[str]
    offsets: np.ndarray  # document ordinals of part i: offsets[i]:offsets[i+1]
    ids: pa.ChunkedArray
    rank: np.ndarray
    exact: np.ndarray
    bands: np.ndarray | None


def load_corpus(storage: Storage, parts: list[str], cfg: DedupConfig, with_bands: bool = True) -> Corpus:
    ids, sources, segments, exact, bands = [], [], [], [], []
    counts = [0]
    for part in parts:
        t = storage.parquet_file(signatures_file(part)).read(
            columns=["id", "source", "segment", "exact"] + (["bands"] if with_bands else []))
        counts.append(t.num_rows)
        ids.append(t.column("id"))
        sources.append(t.column("source"))
        segments.append(t.column("segment"))
        exact.append(np.frombuffer(t.column("exact").combine_chunks().buffers()[1], np.uint8)[: 16 * t.num_rows])
        if with_bands:
            b = t.column("bands").combine_chunks()
            bands.append(b.values.to_numpy().reshape(t.num_rows, cfg.minhash.bands))
    keys = pa.table({"source": pa.chunked_array([c for s in sources for c in s.chunks], pa.string()),
                     "segment": pa.chunked_array([c for s in segments for c in s.chunks], pa.int32())})
    order = pc.sort_indices(keys, sort_keys=[("source", "ascending"), ("segment", "ascending")]).to_numpy()
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    return Corpus(
        parts=parts, offsets=np.cumsum(counts), rank=rank,
        ids=pa.chunked_array([c for i in ids for c in i.chunks], pa.string()),
        exact=np.concatenate(exact).reshape(-1, 16) if exact else np.zeros((0, 16), np.uint8),
        bands=(np.concatenate(bands) if bands else np.zeros((0, cfg.minhash.bands), np.uint64)) if with_bands else None,
    )


def signature_lookup(storage: Storage, corpus: Corpus) -> Callable[[np.ndarray], np.ndarray]:
    """Signature rows for sorted ordinals, read back from the signature files part by part."""
    def lookup(ordinals: np.ndarray) -> np.ndarray:
        out = []
        which = np.searchsorted(corpus.offsets, ordinals, side="right") - 1
        for p in np.unique(which):
            rows = ordinals[which == p] - corpus.offsets[p]
            col = storage.parquet_file(signatures_file(corpus.parts[p])).read(columns=["sig"]).column("sig")
            flat = col.combine_chunks().values.to_numpy()
            out.append(flat.reshape(-1, col.type.list_size)[rows])
        return np.concatenate(out) if out else np.zeros((0, 0), np.uint32)
    return lookup


def plan_table(corpus: Corpus, res: Any) -> pa.Table:
    members = np.flatnonzero(res.cluster_size > 1)
    part = np.searchsorted(corpus.offsets, members, side="right") - 1
    names = {KIND_KEPT: "kept", **KIND_NAMES}
    return pa.table({
        "part": pa.array(part, pa.int32()),
        "id": corpus.ids.take(pa.array(members)),
        "duplicate_of": pa.array([None if k == KIND_KEPT else v for k, v in
                                  zip(res.kind[members], corpus.ids.take(pa.array(res.kept_as[members])).to_pylist())],
                                 pa.string()),
        "kind": pa.array([names[int(k)] for k in res.kind[members]], pa.string()),
        "similarity": pa.array(res.similarity[members], pa.float32()),
        "cluster_size": pa.array(res.cluster_size[members], pa.int64()),
    })


# --- step 3: apply --------------------------------------------------------------------------
def _with_cluster_size(signals: pa.StructArray | None, sizes: list[int | None]) -> pa.StructArray:
    """The `signals` struct with the field `dup_cluster_size` (int64; null on rows that head no
    cluster) set from `sizes`. Fields stay sorted by name, as the writer sorts them."""
    values = pa.array(sizes, pa.int64())
    if signals is None:
        return pa.StructArray.from_arrays([values], names=[CLUSTER_SIGNAL])
    pairs = [(f.name, signals.field(f.name)) for f in signals.type if f.name != CLUSTER_SIGNAL]
    pairs = sorted(pairs + [(CLUSTER_SIGNAL, values)], key=lambda p: p[0])
    mask = signals.is_null() if signals.null_count else None
    return pa.StructArray.from_arrays([v for _, v in pairs], names=[n for n, _ in pairs], mask=mask)


def _declare_cluster_signal(metadata: dict[bytes, bytes] | None) -> dict[bytes, bytes]:
    meta = dict(metadata or {})
    declared = json.loads(meta.get(b"cleanse.signals", b"{}"))
    declared[CLUSTER_SIGNAL] = {"type": "int64", "stage": f"dedup@{FORM_VERSION}"}
    meta[b"cleanse.signals"] = json.dumps(dict(sorted(declared.items()))).encode()
    return meta


def apply_part(out_dir: str, part: str, plan: pa.Table, options: WriterOptions | None = None) -> dict[str, int]:
    """Move the dropped rows of one part to its duplicates file, keep the rest. Both files are
    written with `options` (default: the run's, `run_writer_options`), each row group of the
    part giving one row group of each."""
    storage = Storage(out_dir)
    marker = applied_marker(part)
    if storage.exists(marker):
        return storage.read_json(marker)
    options = options or run_writer_options(storage)
    groups = row_groups(storage, part)
    table = storage.parquet_file(part).read()
    drop = plan.filter(pc.not_equal(plan.column("kind"), "kept"))
    present = pc.is_in(table.column("id"), value_set=drop.column("id"))
    dropped_here = int(pc.sum(present).as_py() or 0)
    dup_rel = duplicates_file(part)
    schema = duplicate_schema(table.schema)
    if dropped_here or not storage.exists(dup_rel):
        if dropped_here != drop.num_rows and dropped_here:
            raise DedupError(f"{part}: {drop.num_rows - dropped_here} planned duplicates are missing from the part")
        gone = table.filter(present)
        pos = pc.index_in(gone.column("id"), value_set=drop.column("id"))
        info = drop.take(pos)
        cols = [gone.column("id"), info.column("duplicate_of"), info.column("similarity"), info.column("kind")]
        cols += [gone.column(f.name) for f in table.schema if f.name != "id"]
        write_table(storage, dup_rel, pa.Table.from_arrays(
            [c.cast(f.type) for c, f in zip(cols, schema)], schema=schema), options,
            rewrite_groups(groups, present.to_numpy(zero_copy_only=False)))
    elif drop.num_rows:
        pass  # applied before a kill: the duplicates file holds them and the part is already rewritten
    # Every part is rewritten with the `dup_cluster_size` signal field, so that all parts keep
    # one schema (a struct field present in some parts only would break readers of the folder);
    # not when the run's column selection left `signals` out.
    keep = pc.invert(present)
    kept = table.filter(keep)
    sizes_of = dict(zip(plan.column("id").to_pylist(), plan.column("cluster_size").to_pylist()))
    sizes = [sizes_of.get(i) for i in kept.column("id").to_pylist()]
    idx = kept.schema.get_field_index("signals")
    old = kept.column("signals").combine_chunks() if idx >= 0 else None
    column = _with_cluster_size(old, sizes)
    if idx >= 0:
        kept = kept.set_column(idx, pa.field("signals", column.type), column)
    elif options.columns is None or "signals" in options.columns:
        kept = kept.append_column(pa.field("signals", column.type), column)
    write_table(storage, part, kept.replace_schema_metadata(_declare_cluster_signal(table.schema.metadata)),
                options, rewrite_groups(groups, keep.to_numpy(zero_copy_only=False)))
    result = {"rows": table.num_rows - dropped_here, "dropped": drop.num_rows}
    storage.write_json_atomic(marker, result, indent=None)
    return result


# --- the phase ------------------------------------------------------------------------------
@dataclass(slots=True)
class DedupSummary:
    documents: int
    kept: int
    exact: int
    near: int
    clusters: int
    seconds: float
    signature_seconds: float
    repeated_lines: int = 0       # lines removed as repeated-line boilerplate
    repeated_line_docs: int = 0   # documents that lost at least one
    repeated_line_keys: int = 0   # distinct lines found repeated (of distinct_lines counted)
    distinct_lines: int = 0
    resumed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _map(fn: Callable[..., Any], args: list[tuple[Any, ...]], workers: int) -> list[Any]:
    """`fn` over the parts, in this process or on a pool of the local executor's kind
    (`cleanse.executors.pool`: workers die with the driver, never run its signal handlers,
    and are stopped when the driver is interrupted)."""
    if workers <= 1 or len(args) <= 1:
        return [fn(*a) for a in args]
    from cleanse.executors.pool import pool_map

    return pool_map(fn, args, min(workers, len(args)))


def _check_identity(storage: Storage, cfg: DedupConfig, parts: list[str]) -> dict[str, Any]:
    if not storage.exists(layout.MANIFEST_FILE) or not storage.exists(layout.RUN_FILE):
        raise DedupError(f"{storage.location} is not a finished cleanse output (no {layout.MANIFEST_FILE})")
    identity = {"dedup": cfg.config(), "run": storage.read_json(layout.RUN_FILE), "parts": [part_name(p) for p in parts]}
    if storage.exists(CONFIG_FILE):
        previous = storage.read_json(CONFIG_FILE)
        if previous != identity:
            raise DedupError(
                f"{storage.location} was already deduplicated with another configuration or run; "
                "start the run afresh (cleanse run --overwrite) to deduplicate it differently")
    else:
        for d in (WORK_DIR, f"{WORK_DIR}/signatures", f"{WORK_DIR}/applied", layout.DUPLICATES_DIR):
            storage.makedirs(d)
        storage.write_json_atomic(CONFIG_FILE, identity)
    return identity


def dedup_output(out_dir: str, cfg: DedupConfig | None = None, workers: int = 1, executor: str = "local",
                 address: str | None = None) -> DedupSummary:
    """Deduplicate a finished cleanse output directory in place (see the module docstring).
    The directory is locked meanwhile (`cleanse.io.lock`), as for a run."""
    with output_lock(out_dir):
        return _dedup_locked(out_dir, cfg or DedupConfig(), workers, executor, address)


def _dedup_locked(out_dir: str, cfg: DedupConfig, workers: int, executor: str, address: str | None) -> DedupSummary:
    t0 = time.perf_counter()
    storage = Storage(out_dir)
    if storage.exists(SUMMARY_FILE) and storage.exists(CONFIG_FILE):
        parts = [f"{layout.DOCUMENTS_DIR}/{p}" for p in storage.read_json(CONFIG_FILE)["parts"]]
        _check_identity(storage, cfg, parts)
        record_in_manifest(storage)  # (again: a phase killed right after its summary)
        return DedupSummary(**{**storage.read_json(SUMMARY_FILE), "resumed": True})
    parts = document_parts(storage)
    if parts:
        missing = [c for c in COLUMNS if c not in storage.parquet_file(parts[0]).schema_arrow.names]
        if missing:
            raise DedupError(f"{storage.location}: the documents lack the column(s) {', '.join(missing)} that "
                             f"dedup needs (the run's --columns left them out)")
    _check_identity(storage, cfg, parts)
    # Temporary files of a phase killed mid-write (the lock is held: no other writer is alive).
    for d in (WORK_DIR, layout.DOCUMENTS_DIR, layout.DUPLICATES_DIR):
        for rel in storage.list_files(d, recursive=True):
            if is_tmp_name(rel.rsplit("/", 1)[-1]):
                storage.delete_file(rel)
    if executor == "ray":
        from cleanse.dedup.ray import ray_session

        with ray_session(address, workers if workers > 0 else None):
            lines = _repeated_lines(storage, parts, cfg.lines, workers, "ray")
            plan, t_sig = _signatures_and_plan(storage, parts, cfg, workers, "ray", t0)
    else:
        lines = _repeated_lines(storage, parts, cfg.lines, workers, "local")
        plan, t_sig = _signatures_and_plan(storage, parts, cfg, workers, "local", t0)
    part_index = {p: i for i, p in enumerate(parts)}
    by_part = [plan.filter(pc.equal(plan.column("part"), part_index[p])) for p in parts]
    options = run_writer_options(storage)
    _map(apply_part, [(out_dir, p, t, options) for p, t in zip(parts, by_part)], workers)
    kinds = plan.column("kind").to_pylist()
    summary = DedupSummary(
        documents=int(sum(storage.parquet_file(signatures_file(p)).metadata.num_rows for p in parts)),
        kept=0, exact=kinds.count("exact"), near=kinds.count("near"), clusters=kinds.count("kept"),
        seconds=round(time.perf_counter() - t0, 3), signature_seconds=round(t_sig, 3), **lines)
    summary.kept = summary.documents - summary.exact - summary.near
    storage.write_json_atomic(SUMMARY_FILE, summary.to_dict())
    record_in_manifest(storage)
    return summary


_MANIFEST_KEY = b'  "dedup": '


def record_in_manifest(storage: Storage) -> None:
    """Put the phase's counts (`_dedup/summary.json`) into `_manifest.json` as its key `dedup`,
    one line after the opening brace (replacing an earlier one). The manifest is streamed, not
    loaded: it lists every input. Called by the phase and again when a run rewrites the
    manifest of a deduplicated directory."""
    counts = {k: v for k, v in storage.read_json(SUMMARY_FILE).items() if k != "resumed"}
    line = _MANIFEST_KEY + json.dumps(counts).encode() + b",\n"
    src = storage.path(layout.MANIFEST_FILE)
    fin: Any = open(src, "rb") if storage.local else storage.fs.open_input_stream(src)
    with fin, storage.open_atomic(layout.MANIFEST_FILE) as out:
        out.write(fin.readline() + line)
        second = fin.readline()
        if not second.startswith(_MANIFEST_KEY):
            out.write(second)
        while chunk := fin.read(1 << 20):
            out.write(chunk)


def _each_part(fn: Callable[..., Any], args: list[tuple[Any, ...]], workers: int, executor: str) -> list[Any]:
    if executor == "ray":
        from cleanse.dedup.ray import ray_map

        return ray_map(fn, args, workers if workers > 0 else None)
    return _map(fn, args, workers)


def _repeated_lines(storage: Storage, parts: list[str], cfg: RepeatedLinesConfig, workers: int,
                    executor: str) -> dict[str, int]:
    """Step 0, the repeated-lines pass (`cleanse.dedup.lines`): count, choose, strip."""
    if not cfg.enabled:
        return {}
    out_dir = storage.location
    for d in (lines_pass.COUNTS_DIR, lines_pass.STRIPPED_DIR):
        storage.makedirs(d)
    if not storage.exists(lines_pass.REPEATED_FILE):
        _each_part(lines_pass.count_part_lines, [(out_dir, p) for p in parts], workers, executor)
    keys, distinct = lines_pass.repeated_keys(storage, parts, cfg)
    options = run_writer_options(storage)
    done = _each_part(lines_pass.strip_part, [(out_dir, p, cfg, options) for p in parts], workers, executor)
    return {"repeated_lines": sum(d["lines"] for d in done), "repeated_line_docs": sum(d["docs"] for d in done),
            "repeated_line_keys": len(keys), "distinct_lines": distinct}


def _signatures_and_plan(storage: Storage, parts: list[str], cfg: DedupConfig, workers: int, executor: str,
                         t0: float) -> tuple[pa.Table, float]:
    """Steps 1 and 2: the signature files, then the plan (read back when a run got that far)."""
    out_dir = storage.location
    if executor == "ray":
        from cleanse.dedup.ray import ray_signatures

        ray_signatures(out_dir, parts, cfg, workers if workers > 0 else None)
    else:
        _map(compute_part_signatures, [(out_dir, p, cfg) for p in parts], workers)
    t_sig = time.perf_counter() - t0
    if storage.exists(PLAN_FILE):
        return storage.parquet_file(PLAN_FILE).read(), t_sig
    corpus = load_corpus(storage, parts, cfg, with_bands=cfg.near and executor != "ray")
    pairs = None
    if cfg.near and executor == "ray":
        from cleanse.dedup.ray import ray_band_pairs

        pairs = ray_band_pairs(out_dir, parts, corpus.offsets, corpus.rank)
    res = resolve(corpus.rank, corpus.exact if cfg.exact else _unique_rows(len(corpus.rank)),
                  corpus.bands, signature_lookup(storage, corpus) if cfg.near else None,
                  cfg.minhash.threshold, pairs=pairs)
    plan = plan_table(corpus, res)
    write_table(storage, PLAN_FILE, plan)
    return plan, t_sig


def _unique_rows(n: int) -> np.ndarray:
    """Exact keys that never match (exact dedup off): the ordinal as a 16-byte key."""
    out = np.zeros((n, 16), np.uint8)
    out[:, :8] = np.arange(n, dtype=np.int64).view(np.uint8).reshape(n, 8)
    return out
