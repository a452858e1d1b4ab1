"""Output snapshots for speed work that must change nothing: write the outputs of the current
code on a fixed input set, and later compare a changed code's outputs with them (used by
`repair_snapshot.py` and `snapshot_boilerplate.py`)."""

from __future__ import annotations

import pickle
from collections.abc import Sequence


def write(path: str, texts: list[str], outputs: list) -> None:
    with open(path, "wb") as fh:
        pickle.dump((texts, outputs), fh)
    print(f"wrote {len(texts)} inputs")


def differences(path: str, texts: list[str], outputs: list, names: Sequence[str]) -> int:
    """The number of (input, output) pairs that differ from the snapshot at `path`; prints the
    first ten. `outputs[k]` holds one output per name for `texts[k]`."""
    with open(path, "rb") as fh:
        old_texts, want = pickle.load(fh)
    assert old_texts == texts, "the input set changed: write a new snapshot from the unchanged code"
    diffs = 0
    for t, a, b in zip(texts, want, outputs):
        for name, x, y in zip(names, a, b):
            if x != y:
                diffs += 1
                if diffs <= 10:
                    print(f"--- {name} differs on {t[:80]!r}\n  want {str(x)[:300]}\n  got  {str(y)[:300]}")
    print(f"{len(texts)} inputs, {diffs} differences")
    return diffs
