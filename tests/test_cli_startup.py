"""Issue 18, target 1: the file tools of ``saferspaces`` start without Django and without scipy.

``saferspaces help``, ``framework validate|diff|export-xlsform|import-xlsform|json-schema|
docs-tables`` and ``index build|sensitivity`` are the pure core's commands: they run in a fresh
interpreter that never imports ``django`` nor ``scipy`` (scipy.stats alone takes longer to
import than the whole ASEM build), and print what the Django management commands of the same
name print, since both entry points run one implementation. Every other command still goes
through Django. The start-up times themselves are benchmarks (``benchmarks/test_bench_startup.py``).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

REPO = Path(__file__).resolve().parents[1]
FIRST = REPO / "src" / "saferspaces" / "frameworks" / "editions" / "ssf-2026.1.yaml"
BROKEN = REPO / "tests" / "core" / "framework" / "broken"
PIPELINE = REPO / "examples" / "pipelines" / "coinr_example_pipeline.yaml"

#: runs ``saferspaces ARGS`` in this interpreter, then prints the heavy packages it imported
_PROBE = """
import json, sys
from saferspaces.cli import main
try:
    status = main(sys.argv[1:])
except SystemExit as exit:  # Django's commands exit on a CommandError
    status = exit.code
heavy = sorted({m.split('.')[0] for m in sys.modules} & {'django', 'scipy', 'pyarrow', 'openpyxl'})
print(json.dumps({'status': status, 'heavy': heavy}), file=sys.stderr)
"""


def _probe(*args: str, env: dict[str, str] | None = None) -> tuple[int, list[str], str, str]:
    """Run the command line in a fresh interpreter: (status, heavy modules, stdout, stderr)."""
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(REPO), **(env or {})}  # no settings at all
    if "PYTHONPATH" in os.environ:
        clean["PYTHONPATH"] = os.environ["PYTHONPATH"]
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        env=clean,
        timeout=120,
        check=False,
    )
    *text, last = proc.stderr.rstrip("\n").split("\n")
    report = json.loads(last)
    return report["status"], report["heavy"], proc.stdout, "\n".join(text)


def test_help_lists_the_commands_without_django() -> None:
    status, heavy, out, _ = _probe("help")
    assert status == 0 and heavy == []
    assert "framework validate" in out and "index build" in out and "import-nuts" in out
    assert "'saferspaces help --commands'" in out


def test_help_of_the_index_command_without_django() -> None:
    for args in (("help", "index"), ("index", "--help"), ("index", "build", "--help")):
        status, heavy, out, _ = _probe(*args)
        assert status == 0 and heavy == [], args
        assert ("build" in out and "sensitivity" in out) or "--pipeline" in out, args
    status, heavy, out, _ = _probe()  # no command at all: the overview
    assert status == 0 and heavy == [] and "File tools" in out


def test_framework_validate_imports_neither_django_nor_scipy() -> None:
    status, heavy, out, err = _probe("framework", "validate", str(FIRST))
    assert (status, heavy, err) == (0, [], "")
    assert f"{FIRST}: valid edition ssf-2026.1 (" in out and "99 indicators" in out


def test_an_invalid_edition_is_reported_without_django(tmp_path: Path) -> None:
    status, heavy, out, err = _probe("framework", "validate", str(BROKEN / "unknown_key.yaml"))
    assert (status, heavy, out) == (1, [], "")
    assert "unknown_key.yaml:23: dimensions[0].indicators[0].colour" in err
    assert "Traceback" not in err


def test_index_build_imports_neither_django_nor_scipy(shared_data: Path, tmp_path: Path) -> None:
    asem = shared_data / "coinr-asem"
    out_csv = tmp_path / "results.csv"
    status, heavy, out, err = _probe(
        "index", "build",
        "--data", str(asem / "ASEM_iData.csv"), "--meta", str(asem / "ASEM_iMeta.csv"),
        "--pipeline", str(PIPELINE), "--out", str(out_csv),
    )  # fmt: skip
    assert status == 0, err
    assert heavy == []  # pyarrow neither: the ASEM tables are small
    assert "51 units x 60 codes written to" in out and "Warnings (2):" in err
    assert out_csv.read_text(encoding="utf-8").startswith("uCode,uName,")


def test_the_pure_core_modules_import_no_django_and_no_scipy() -> None:
    """Importing the command modules and every engine step loads neither."""
    modules = [
        "saferspaces.cli",
        "saferspaces.core.commands",
        "saferspaces.core.framework.cli",
        "saferspaces.core.scoring.cli",
        "saferspaces.core.scoring.coinr_io",
        "saferspaces.core.scoring.pipeline",
        "saferspaces.core.scoring.sensitivity",
        "saferspaces.core.scoring.audit",
        "saferspaces.core.scoring.weights",
        "saferspaces.core.assessment.errors",
    ]
    code = (
        f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'scipy'}))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_the_answers_reader_and_the_scoring_errors_import_no_heavy_module() -> None:
    """Every Django process imports them (through the apps): they cost no numpy, openpyxl or
    scipy until something computes or writes a workbook."""
    code = (
        "import sys\nimport saferspaces.core.answers_io, saferspaces.core.scoring.errors\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}"
        " & {'numpy', 'openpyxl', 'scipy', 'pyarrow'}))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_database_commands_still_go_through_django(tmp_path: Path) -> None:
    """``framework load`` stores in the database: it needs Django, settings and all."""
    env = {"SAFERSPACES_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    status, heavy, _, err = _probe("framework", "load", str(tmp_path / "missing.yaml"), env=env)
    assert "django" in heavy
    assert status == 1 and "CommandError" in err and "missing.yaml" in err


def test_django_options_run_the_file_tool_as_a_django_command(shared_data: Path) -> None:
    """Django's own options (``-v``, ``--no-color``...) keep working: Django parses them."""
    env = {"SAFERSPACES_DEBUG": "1"}
    status, heavy, out, _ = _probe("framework", "-v", "0", "validate", str(FIRST), env=env)
    assert status == 0 and "django" in heavy and "valid edition ssf-2026.1" in out
    asem = shared_data / "coinr-asem"
    status, heavy, out, err = _probe(
        "index", "--no-color", "build",
        "--data", str(asem / "ASEM_iData.csv"), "--meta", str(asem / "ASEM_iMeta.csv"),
        "--pipeline", str(BROKEN / "unknown_key.yaml"), "--out", "/nonexistent/out.csv",
        env=env,
    )  # fmt: skip
    assert status == 1 and "django" in heavy and "CommandError:" in err


def test_both_entry_points_print_the_same(tmp_path: Path) -> None:
    _, _, pure, _ = _probe("framework", "validate", str(FIRST))
    out = io.StringIO()
    call_command("framework", "validate", str(FIRST), stdout=out)
    assert out.getvalue() == pure
    with pytest.raises(CommandError) as info:
        call_command("framework", "validate", str(BROKEN / "unknown_key.yaml"))
    _, _, _, err = _probe("framework", "validate", str(BROKEN / "unknown_key.yaml"))
    assert str(info.value).strip() == err.strip()


def test_the_output_file_is_given_either_way(tmp_path: Path) -> None:
    """``export-xlsform FILE OUT`` (the core's form) and ``--out OUT`` (the site's) both work."""
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert _probe("framework", "export-xlsform", str(FIRST), str(a))[0] == 0
    assert _probe("framework", "export-xlsform", str(FIRST), "--out", str(b))[0] == 0
    assert a.stat().st_size > 10_000 and b.stat().st_size > 10_000
    status, _, _, err = _probe("framework", "export-xlsform", str(FIRST), str(a), "--out", str(b))
    assert status == 1 and "give one" in err
    status, _, _, err = _probe("framework", "import-xlsform", str(a))
    assert status == 1 and "OUT or --out OUT" in err


def test_the_overview_names_every_site_command_with_its_help() -> None:
    """The overview reads the commands' help from their files; Django finds the same ones."""
    from django.core.management import get_commands, load_command_class

    from saferspaces.cli import site_commands

    ours = {name: app for name, app in get_commands().items() if app.startswith("saferspaces.")}
    listed = site_commands()
    assert set(listed) == set(ours)
    for name, app in ours.items():
        assert listed[name] == load_command_class(app, name).help, name


def test_python_m_of_the_framework_core_still_works() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "saferspaces.core.framework", "validate", str(FIRST)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "valid edition ssf-2026.1" in proc.stdout
