"""Shared fixtures: the seeds, and the default pipeline run in memory."""

from __future__ import annotations

import glob
import os
from collections.abc import Callable

import pytest
from hypothesis import settings

from cleanse import Document, Reject, build_default_pipeline

# CI runs the property tests on a fixed sequence of examples (a red CI blocks landing, so it
# must not depend on luck); local runs keep exploring new examples every time.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED_DIR = os.path.join(ROOT, "seeds")


def seed_paths() -> list[str]:
    return sorted(glob.glob(os.path.join(SEED_DIR, "*.txt")))


def seed_bytes(prefix: str) -> bytes:
    """The raw bytes of the seed whose file name starts with `prefix` (e.g. "003")."""
    (path,) = [p for p in seed_paths() if os.path.basename(p).startswith(prefix)]
    with open(path, "rb") as fh:
        return fh.read()


@pytest.fixture(scope="session")
def run_default() -> Callable[[bytes | str, str], list[Document | Reject]]:
    """Run the whole default pipeline on bytes (or UTF-8 text); returns rows and rejects."""

    def _run(data: bytes | str, source: str = "<test>") -> list[Document | Reject]:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        return build_default_pipeline().process(Document.from_bytes(source, raw))

    return _run


@pytest.fixture(scope="session")
def seed_rows() -> dict[str, list[Document]]:
    """Every seed through the default pipeline: {"000": [rows...], ...} (rejects fail the fixture)."""
    out: dict[str, list[Document]] = {}
    pipeline = build_default_pipeline()
    for path in seed_paths():
        with open(path, "rb") as fh:
            items = pipeline.process(Document.from_bytes(os.path.relpath(path, ROOT), fh.read()))
        rejects = [i for i in items if isinstance(i, Reject)]
        assert not rejects, f"{path}: {rejects}"
        out[os.path.basename(path)[:3]] = [i for i in items if isinstance(i, Document)]
    return out


@pytest.fixture(scope="module")
def local_ray():
    """A local Ray instance with 2 CPUs for the tests of one module (Ray tests skip without ray)."""
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()
