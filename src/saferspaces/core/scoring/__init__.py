"""The scoring engine: a COINr-compatible composite indicator pipeline in pure Python.

Steps (denominate, impute, screen, treat, normalise, weights, aggregate) are pure functions over
a units x indicators matrix with the framework's hierarchy, directions and weights; a pipeline
runs them in order and records each with its parameters. See ``docs/methodology.md``.

The names below are loaded when first used (PEP 562): importing ``core.scoring.errors`` (as
every module that reports a scoring error does) does not import numpy and every step.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .data import Dataset, Framework, Node, dataset_build, framework_build
    from .errors import DataError, PipelineError, Problem, ScoringError
    from .pipeline import (
        PipelineResult,
        PipelineSpec,
        pipeline_load,
        pipeline_parse,
        pipeline_run,
    )

_MODULE_OF = {
    "Dataset": "data",
    "Framework": "data",
    "Node": "data",
    "dataset_build": "data",
    "framework_build": "data",
    "DataError": "errors",
    "PipelineError": "errors",
    "Problem": "errors",
    "ScoringError": "errors",
    "PipelineResult": "pipeline",
    "PipelineSpec": "pipeline",
    "pipeline_load": "pipeline",
    "pipeline_parse": "pipeline",
    "pipeline_run": "pipeline",
}

__all__ = [
    "DataError",
    "Dataset",
    "Framework",
    "Node",
    "PipelineError",
    "PipelineResult",
    "PipelineSpec",
    "Problem",
    "ScoringError",
    "dataset_build",
    "framework_build",
    "pipeline_load",
    "pipeline_parse",
    "pipeline_run",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
