"""The scoring engine: a COINr-compatible composite indicator pipeline in pure Python.

Steps (denominate, impute, screen, treat, normalise, weights, aggregate) are pure functions over
a units x indicators matrix with the framework's hierarchy, directions and weights; a pipeline
runs them in order and records each with its parameters. See ``docs/methodology.md``.
"""

from .data import Dataset, Framework, Node, dataset_build, framework_build
from .errors import DataError, PipelineError, Problem, ScoringError
from .pipeline import PipelineResult, PipelineSpec, pipeline_load, pipeline_parse, pipeline_run

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
