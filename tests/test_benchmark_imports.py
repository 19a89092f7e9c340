"""The benchmarks' scripts import what they use of the product: they run only under ``make
bench``, so a name they import that is renamed or removed would otherwise go unnoticed until
someone measures (the dashboard's scale builder imported a helper of the results computation
that a change had removed)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _product_imports() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(BENCHMARKS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("saferspaces"):
                found += [(path.name, node.module or "", alias.name) for alias in node.names]
    return found


def test_the_benchmarks_import_product_names() -> None:
    assert len(_product_imports()) > 20  # the scale builders' and the benchmarks' imports


@pytest.mark.parametrize(("script", "module", "name"), _product_imports())
def test_each_name_a_benchmark_imports_exists(script: str, module: str, name: str) -> None:
    imported = importlib.import_module(module)
    assert hasattr(imported, name) or importlib.util.find_spec(f"{module}.{name}") is not None, (
        f"{script}: from {module} import {name}"
    )
