"""The per-stage report printed after a run and by `cleanse report OUT`."""

from __future__ import annotations

import json
import os
from typing import Any

import pyarrow.parquet as pq


def stats_table(stages: list[dict[str, Any]]) -> str:
    """A fixed-width table of per-stage stats (the dicts saved in `_stats.json`)."""
    header = ("stage", "docs in", "docs out", "rejected", "chars changed", "chars removed", "repairs", "seconds", "MB/s")
    rows = []
    for s in stages:
        mbps = s.get("mb_per_s")
        rows.append((
            f"{s['name']}@{s['version']}", str(s["docs_in"]), str(s["docs_out"]), str(s["rejected"]),
            str(s["chars_changed"]), str(s["chars_removed"]), str(s["repairs"]),
            f"{s['seconds']:.3f}", f"{mbps:.1f}" if mbps else "-",
        ))
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths)))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    return "\n".join(lines)


def _short(text: str, n: int = 60) -> str:
    text = text.replace("\n", "⏎")
    return text if len(text) <= n else text[: n - 1] + "…"


def examples(out_dir: str, per_stage: int = 3) -> str:
    """A few removed texts and repairs per stage, read back from the corpus."""
    removed: dict[str, list[str]] = {}
    repairs: dict[str, list[str]] = {}
    for name in sorted(os.listdir(out_dir)):
        if not (name.startswith("part-") and name.endswith(".parquet")):
            continue
        table = pq.read_table(os.path.join(out_dir, name), columns=["id", "removed", "repairs"])
        for row in table.to_pylist():
            for r in row["removed"] or []:
                bucket = removed.setdefault(r["stage"], [])
                if len(bucket) < per_stage:
                    bucket.append(f"[{r['reason']}] {_short(r['text'])}")
            for r in row["repairs"] or []:
                bucket = repairs.setdefault(r["stage"], [])
                if len(bucket) < per_stage:
                    bucket.append(f"[{r['kind']}] {_short(r['before'], 30)} -> {_short(r['after'], 30)}")
    lines: list[str] = []
    for title, group in (("Removed", removed), ("Repairs", repairs)):
        if not group:
            continue
        lines.append(f"{title}:")
        for stage, items in sorted(group.items()):
            lines.append(f"  {stage}:")
            lines.extend(f"    {i}" for i in items)
    return "\n".join(lines) if lines else "(no removals or repairs recorded)"


def report(out_dir: str, with_examples: bool = True) -> str:
    """The report for a finished output directory."""
    with open(os.path.join(out_dir, "_stats.json"), encoding="utf-8") as fh:
        stats = json.load(fh)
    with open(os.path.join(out_dir, "_manifest.json"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    c = manifest["counts"]
    head = (f"{out_dir}: pipeline {stats['pipeline']}; {c['inputs']} inputs "
            f"({c['inputs_with_rows']} with rows, {c['inputs_rejected']} rejected), "
            f"{c['rows']} rows, {c['rejects']} rejects, {c['bytes'] / 1e6:.2f} MB in {manifest['seconds']:.2f} s")
    parts = [head, stats_table(stats["stages"])]
    if with_examples:
        parts.append(examples(out_dir))
    return "\n\n".join(parts)
