"""Deterministic test corpora for the operations tests: many small files in several encodings."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from cleanse.io.layout import DOCUMENTS_DIR
from tests.conftest import seed_paths

SLOW_PIPELINE = '''
import time
from cleanse import DecodeStage, Pipeline, TextEdit, TextStage

class SlowMark(TextStage):
    """Sleeps a little per document (so a run lasts long enough to be killed), removes ASCII
    digits and records a repair per "的" -> "之"."""
    name = "slow_mark"
    version = "1"
    def transform(self, text):
        time.sleep(0.005)
        digits = [c for c in text if c.isdigit() and c.isascii()]
        out = "".join(c for c in text if not (c.isdigit() and c.isascii()))
        repairs = [("de", "的", "之", i) for i, c in enumerate(out) if c == "的"][:3]
        return TextEdit(out.replace("的", "之"), repairs=repairs,
                        removed=[("ascii_digit", "".join(digits))] if digits else [])

def build_pipeline():
    return Pipeline("slow_test", "1", [DecodeStage(), SlowMark()])
'''


def seed_lines() -> list[str]:
    lines: list[str] = []
    for p in seed_paths():
        lines.extend(line for line in Path(p).read_text(encoding="utf-8").splitlines() if line.strip())
    return lines


def make_corpus(root: Path, n_files: int, seed: int = 7, max_lines: int = 12) -> Path:
    """`n_files` files of seed lines in UTF-8, GBK, Big5 and UTF-16, plus a few rejects."""
    rng = random.Random(seed)
    lines = seed_lines()
    for i in range(n_files):
        sub = root / f"d{i % 7}"
        sub.mkdir(parents=True, exist_ok=True)
        text = "\n".join(rng.choice(lines) for _ in range(rng.randint(1, max_lines))) + "\n"
        kind = i % 10
        if kind == 9:
            data = b"" if i % 20 == 9 else bytes(rng.randrange(256) for _ in range(300))
        else:
            codec = {0: "gb18030", 1: "utf-16", 2: "cp950"}.get(kind % 5, "utf-8")
            data = text.encode(codec, "replace") if codec != "cp950" else text.encode("cp950", "ignore")
        (sub / f"f{i:05d}.txt").write_bytes(data)
    return root


def han_text(rng: random.Random, chars: int) -> str:
    """Random Han characters in lines of 60: text that compresses little (about 2 bytes a
    character in zstd), for tests that need megabytes of output."""
    body = "".join(chr(rng.randrange(0x4E00, 0x9FA6)) for _ in range(chars))
    return "\n".join(body[i:i + 60] for i in range(0, len(body), 60)) + "\n"


def read_rows(out: Path, sub: str = DOCUMENTS_DIR) -> list[dict]:
    """Every row of the part files of an output directory's documents (or of `out/sub`), in part order."""
    import pyarrow.parquet as pq

    return [r for p in sorted((out / sub).glob("part-*.parquet")) for r in pq.read_table(p).to_pylist()]


def write_slow_pipeline(path: Path) -> Path:
    path.write_text(SLOW_PIPELINE, encoding="utf-8")
    return path


def start_slow_run(tmp_path: Path, corpus: Path | None = None, extra: Sequence[str] = (),
                   ready: Callable[[Path], bool] | None = None) -> tuple[subprocess.Popen, Path, list[str]]:
    """`cleanse run` of the slow pipeline over 120 files (or `corpus`) with 2 workers (and the
    `extra` arguments), in a session of its own, returned once two shards are done or `ready(OUT)`
    holds (so a signal then lands mid-run): (process, OUT, CLI args)."""
    corpus = corpus or make_corpus(tmp_path / "corpus", 120)
    script = write_slow_pipeline(tmp_path / "slow.py")
    out = tmp_path / "out"
    args = ["run", str(script), "-i", str(corpus), "-o", str(out), "-q", "-w", "2", "--shard-files", "4", *extra]
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, "-m", "cleanse.cli", *args], cwd=root, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(root)}, start_new_session=True)
    ready = ready or (lambda o: len(list((o / "_shards").glob("*.json"))) >= 2)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and not ready(out):
        time.sleep(0.005)
    return proc, out, args
