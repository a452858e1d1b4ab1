"""The per-stage report printed after a run and by `cleanse report OUT`."""

from __future__ import annotations

import re
from typing import Any


from cleanse.io.layout import DEDUP_DIR, DOCUMENTS_DIR, MANIFEST_FILE, STATS_FILE
from cleanse.io.storage import Storage


DEDUP_SUMMARY = f"{DEDUP_DIR}/summary.json"


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


# Control characters (C0 but the line break, DEL, C1) and the bidirectional overrides: text
# from the input that would drive the terminal (`ESC ]0;…BEL` retitles it, `ESC [2J` clears
# it) or reorder what is shown. Printed escaped, as `\x1b` / `\u202e`.
_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """`text` safe to print on a terminal: control characters shown as escapes."""
    return _CONTROLS.sub(lambda m: repr(m.group())[1:-1] if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def _short(text: str, n: int = 60) -> str:
    text = text.replace("\n", "⏎")
    return text if len(text) <= n else text[: n - 1] + "…"


def examples(out_dir: str, per_stage: int = 3, stages: list[dict[str, Any]] | None = None) -> str:
    """A few removed texts and repairs per stage, read back from the corpus.

    Reads row batches only until every stage that removed or repaired anything (per `stages`,
    the saved stats) has `per_stage` examples, so it stays quick on a large corpus.
    """
    storage = Storage(out_dir)
    removed: dict[str, list[str]] = {}
    repairs: dict[str, list[str]] = {}
    want_removed = {s["name"] for s in stages or [] if s["chars_removed"]}
    want_repairs = {s["name"] for s in stages or [] if s["repairs"]}

    def enough() -> bool:
        return stages is not None and all(len(removed.get(n, ())) >= per_stage for n in want_removed) and all(
            len(repairs.get(n, ())) >= per_stage for n in want_repairs)

    for name in storage.list_files(DOCUMENTS_DIR):
        if enough():
            break
        if not (name.startswith(f"{DOCUMENTS_DIR}/part-") and name.endswith(".parquet")):
            continue
        pf = storage.parquet_file(name)
        for batch in pf.iter_batches(batch_size=512, columns=["removed", "repairs"]):
            for row in batch.to_pylist():
                for r in row["removed"] or []:
                    bucket = removed.setdefault(r["stage"], [])
                    if len(bucket) < per_stage and r["text"]:
                        bucket.append(f"[{r['reason']}] {_short(r['text'])}")
                for r in row["repairs"] or []:
                    bucket = repairs.setdefault(r["stage"], [])
                    if len(bucket) < per_stage:
                        bucket.append(f"[{r['kind']}] {_short(r['before'], 30)} -> {_short(r['after'], 30)}")
            if enough():
                break
    lines: list[str] = []
    for title, group in (("Removed", removed), ("Repairs", repairs)):
        if not group:
            continue
        lines.append(f"{title}:")
        for stage, items in sorted(group.items()):
            lines.append(f"  {stage}:")
            lines.extend(f"    {i}" for i in items)
    return "\n".join(lines) if lines else "(no removals or repairs recorded)"


def dedup_line(d: dict[str, Any]) -> str:
    """The dedup phase's counts (`_dedup/summary.json`, also `dedup` in `_manifest.json`)."""
    return (f"Dedup: {d['documents']} documents -> {d['kept']} kept; {d['exact']} exact and {d['near']} near "
            f"duplicates in {d['clusters']} clusters (OUT/duplicates); {d.get('repeated_lines', 0)} repeated lines "
            f"removed from {d.get('repeated_line_docs', 0)} documents "
            f"({d.get('repeated_line_keys', 0)} of {d.get('distinct_lines', 0)} distinct lines repeated)")


def reject_reasons(stages: list[dict[str, Any]]) -> str:
    """Per stage, how many documents it rejected and why."""
    lines = [f"  {s['name']}: " + ", ".join(f"{r} {n}" for r, n in sorted(s["reject_reasons"].items()))
             for s in stages if s.get("reject_reasons")]
    return "Rejected:\n" + "\n".join(lines) if lines else ""


def report(out_dir: str, with_examples: bool = True) -> str:
    """The report for a finished output directory."""
    storage = Storage(out_dir)
    stats = storage.read_json(STATS_FILE)
    # Counts are in the stats file too: no need to load a manifest listing every input.
    if "counts" in stats:
        c, seconds = stats["counts"], stats["seconds"]
    else:
        manifest = storage.read_json(MANIFEST_FILE)
        c, seconds = manifest["counts"], manifest["seconds"]
    head = (f"{out_dir}: pipeline {stats['pipeline']}; {c['inputs']} inputs "
            f"({c['inputs_with_rows']} with rows, {c['inputs_rejected']} rejected)"
            + (f", {c['inputs_skipped']} skipped (unreadable directories, symlinks out of the input; the "
               f"manifest's skipped_inputs)" if c.get("inputs_skipped") else "")
            + f", {c['rows']} rows, {c['rejects']} rejects, {c['bytes'] / 1e6:.2f} MB in {seconds:.2f} s"
            + (f" (setup {stats['setup_seconds']:.2f} s)" if stats.get("setup_seconds") else ""))
    parts = [head, stats_table(stats["stages"])]
    if storage.exists(DEDUP_SUMMARY):
        parts.append(dedup_line(storage.read_json(DEDUP_SUMMARY)))
    rejected = reject_reasons(stats["stages"])
    if rejected:
        parts.append(rejected)
    if with_examples:
        parts.append(examples(out_dir, stages=stats["stages"]))
    return escape_controls("\n\n".join(parts))
