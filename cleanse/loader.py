"""Loading a pipeline script: a Python file that defines `build_pipeline() -> Pipeline`."""

from __future__ import annotations

import importlib.util
import os
import sys

from cleanse.pipeline import Pipeline


class PipelineScriptError(ValueError):
    """A pipeline script that cannot be loaded or does not define `build_pipeline()`."""


def load_pipeline(path: str) -> Pipeline:
    """Import the script at `path` and return its `build_pipeline()`."""
    if not os.path.isfile(path):
        raise PipelineScriptError(f"pipeline script not found: {path}")
    name = "cleanse_pipeline_" + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PipelineScriptError(f"not a Python file: {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # so stages defined in the script can be pickled to workers
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise PipelineScriptError(f"{path} failed to import: {type(exc).__name__}: {exc}") from exc
    build = getattr(module, "build_pipeline", None)
    if not callable(build):
        raise PipelineScriptError(f"{path} does not define build_pipeline()")
    pipeline = build()
    if not isinstance(pipeline, Pipeline):
        raise PipelineScriptError(f"{path}: build_pipeline() returned {type(pipeline).__name__}, not a Pipeline")
    return pipeline
