"""The dedup phase on Ray: signatures as Ray Data tasks, band keys grouped by a Ray Data groupby.

    cleanse dedup OUT --executor ray [--address ADDR]

Signature files are written by the tasks straight into OUT (which every node must see, as for
`cleanse run --executor ray`). Grouping: every (band, key, rank) triple of every document
becomes a row, `groupby(["band", "key"])` brings equal keys together on some node, and each
group of two or more yields the pairs (lowest rank, other): the same candidate pairs as the
local sort, so the result is identical. Only the pairs come back to the driver.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from cleanse.executors.ray import _import_ray


@contextmanager
def ray_session(address: str | None, workers: int | None) -> Iterator[Any]:
    """Ray, initialised here unless it already is (then left running)."""
    ray = _import_ray()
    started = False
    if not ray.is_initialized():
        ray.init(address=address, num_cpus=workers if address is None else None,
                 include_dashboard=False, logging_level=logging.WARNING)
        started = True
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    try:
        yield ray
    finally:
        if started:
            ray.shutdown()


def ray_map(fn: Callable[..., Any], args: list[tuple[Any, ...]], workers: int | None) -> list[Any]:
    """`[fn(*a) for a in args]` as Ray Data tasks, one per item, results in the order of `args`
    (each result is passed back as JSON, so it must be JSON-serialisable)."""
    if not args:
        return []
    ray = _import_ray()

    def call(row: dict[str, Any]) -> dict[str, Any]:
        return {"i": row["i"], "out": json.dumps(fn(*args[row["i"]]))}

    ds = ray.data.from_items([{"i": i} for i in range(len(args))], override_num_blocks=len(args))
    rows = ds.map(call, num_cpus=1, concurrency=workers or None).take_all()
    return [json.loads(r["out"]) for r in sorted(rows, key=lambda r: r["i"])]


def ray_signatures(out_dir: str, parts: list[str], cfg: Any, workers: int | None) -> None:
    """`compute_part_signatures` for every part, as Ray Data tasks (finished parts are skipped)."""
    from cleanse.dedup.phase import compute_part_signatures, signatures_file
    from cleanse.io.storage import Storage

    storage = Storage(out_dir)
    ray_map(compute_part_signatures, [(out_dir, p, cfg) for p in parts if not storage.exists(signatures_file(p))],
            workers)


def ray_band_pairs(out_dir: str, parts: list[str], offsets: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Candidate pairs (ordinals) from the band keys in the signature files, grouped on Ray."""
    from cleanse.dedup.phase import signatures_file
    from cleanse.io.storage import Storage

    ray = _import_ray()
    rank_ref = ray.put(rank)

    def explode(batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        bands_out, keys_out, ranks_out = [], [], []
        for part, base in zip(batch["part"], batch["base"]):
            col = Storage(out_dir).parquet_file(signatures_file(str(part))).read(columns=["bands"]).column("bands")
            keys = col.combine_chunks().values.to_numpy().reshape(-1, col.type.list_size)
            r = ray.get(rank_ref)[int(base):int(base) + len(keys)]
            b = np.broadcast_to(np.arange(keys.shape[1], dtype=np.int32), keys.shape)
            keep = keys != 0
            bands_out.append(b[keep]), keys_out.append(keys[keep])
            ranks_out.append(np.broadcast_to(r[:, None], keys.shape)[keep])
        return {"band": np.concatenate(bands_out), "key": np.concatenate(keys_out), "rank": np.concatenate(ranks_out)}

    def star(group: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        r = np.sort(group["rank"])
        return {"a": np.full(len(r) - 1, r[0] if len(r) else 0, np.int64), "b": r[1:].astype(np.int64)}

    items = [{"part": p, "base": int(offsets[i])} for i, p in enumerate(parts)]
    ds = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(explode, batch_size=1,
                                                                              batch_format="numpy")
    grouped = ds.groupby(["band", "key"]).map_groups(star, batch_format="numpy")
    got = [np.stack([b["a"], b["b"]], axis=1) for b in grouped.iter_batches(batch_format="numpy") if len(b["a"])]
    if not got:
        return np.zeros((0, 2), np.int64)
    pairs_rank = np.unique(np.concatenate(got), axis=0)
    ordinal_of = np.argsort(rank)
    pairs = ordinal_of[pairs_rank]
    return np.unique(pairs, axis=0)
