"""Every deliberately broken file is rejected with the expected problems at their locations.

Each file in ``broken/`` starts with a comment line describing the mistake and an
``# expect: PATH | LINE | MESSAGE PART`` line (several separated by `` ;; ``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from saferspaces.core.framework import FrameworkValidationError, edition_load
from saferspaces.core.framework.cli import framework_cli

BROKEN = Path(__file__).parent / "broken"
FILES = sorted(BROKEN.glob("*.yaml"))


def _expectations(path: Path) -> list[tuple[str, int, str]]:
    header = path.read_text(encoding="utf-8").splitlines()[1]
    assert header.startswith("# expect: "), f"{path.name}: missing '# expect:' line"
    out = []
    for part in header.removeprefix("# expect: ").split(" ;; "):
        where, line, message = (x.strip() for x in part.split(" | "))
        out.append((where, int(line), message))
    return out


def test_there_are_broken_files() -> None:
    assert len(FILES) >= 20


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_broken_file_is_reported_with_location(path: Path) -> None:
    with pytest.raises(FrameworkValidationError) as info:
        edition_load(path=path)
    problems = info.value.problems
    expected = _expectations(path)
    assert len(problems) == len(expected), [str(p) for p in problems]
    for where, line, message in expected:
        matches = [
            p for p in problems if p.path == where and p.line == line and message in p.message
        ]
        assert matches, (
            f"no problem at {where} line {line} with {message!r}: {[str(p) for p in problems]}"
        )
    for p in problems:
        assert p.file == str(path)


@pytest.mark.parametrize("path", FILES[:5], ids=[p.stem for p in FILES[:5]])
def test_cli_exits_non_zero_with_report(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    out, err = io.StringIO(), io.StringIO()
    status = framework_cli(argv=["validate", str(path)], out=out, err=err)
    assert status == 1
    report = err.getvalue()
    assert "Traceback" not in report
    where, line, _ = _expectations(path)[0]
    assert f"{path}:{line}: {where}" in report or f"{path}:{line}" in report
    assert "problem" in report


def test_all_problems_at_once(tmp_path: Path) -> None:
    """Several independent mistakes in one file are all reported together."""
    base = (Path(__file__).parent / "fixtures" / "base.yaml").read_text(encoding="utf-8")
    text = (
        base.replace("title: {en: Safety, fr: Sécurité}", "title: {en: Safety}")
        .replace("direction: higher_is_better", "direction: up")
        .replace("equals: yes}", "equals: maybe}")
        .replace("low: 0, high: 5000", "low: 3, high: 3")
        .replace("        kind: perception\n", "        kind: perception\n        colour: red\n")
    )
    with pytest.raises(FrameworkValidationError) as info:
        edition_load(text=text, file="many.yaml")
    messages = " | ".join(p.message for p in info.value.problems)
    for part in (
        "missing translation",
        "'up' is not one of",
        "'maybe'",
        "low == high",
        "unknown key 'colour'",
    ):
        assert part in messages
    assert all(p.line is not None for p in info.value.problems)
    lines = [p.line or 0 for p in info.value.problems]
    assert lines == sorted(lines)


def test_missing_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(FrameworkValidationError) as info:
        edition_load(path=tmp_path / "nope.yaml")
    assert "cannot read" in info.value.problems[0].message


@pytest.mark.parametrize(
    "text",
    ["", "- a\n- b\n", "format: [\n", "\x00\x01", "format: 1\nedition: 2\ndimensions: 3\n"],
)
def test_garbage_never_raises_anything_else(text: str) -> None:
    with pytest.raises(FrameworkValidationError):
        edition_load(text=text)
