"""The default pipeline for scraped Chinese web text.

    python pipelines/zh_web.py                      # seeds/ -> out/zh_web/
    python pipelines/zh_web.py --input DIR --output OUT [any `cleanse run` option]

Importable too: `build_pipeline()` returns the `Pipeline`; `cleanse run` uses it when no
other pipeline script is given.
"""

from __future__ import annotations

import os
import sys

from cleanse.defaults import build_default_pipeline
from cleanse.pipeline import Pipeline

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build_pipeline() -> Pipeline:
    # Stage order (see cleanse/defaults.py): decode -> split articles -> ftfy -> CJK mojibake ->
    # pinyin ruby residue -> OpenCC t2s -> boilerplate -> punctuation/whitespace -> signals.
    return build_default_pipeline()


def _given(args: list[str], long: str, short: str) -> bool:
    """Whether an option is among `args` in any spelling argparse accepts (`--input X`,
    `--input=X`, `-i X`, `-iX`, an unambiguous prefix such as `--inp`)."""
    for a in args:
        if a == "--":
            break
        name = a.split("=", 1)[0]
        if a.startswith("--") and len(name) > 2 and long.startswith(name):
            return True
        if not a.startswith("--") and a.startswith(short):
            return True
    return False


def main(argv: list[str] | None = None) -> int:
    from cleanse.cli import main as cli_main

    args = list(sys.argv[1:] if argv is None else argv)
    if not _given(args, "--input", "-i"):
        args += ["--input", os.path.relpath(os.path.join(ROOT, "seeds"))]
    if not _given(args, "--output", "-o"):
        args += ["--output", os.path.relpath(os.path.join(ROOT, "out", "zh_web"))]
    return cli_main(["run", os.path.abspath(__file__), *args])


if __name__ == "__main__":
    sys.exit(main())
