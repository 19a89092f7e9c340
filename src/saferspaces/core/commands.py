"""The command lines of the pure core, declared once: their grammar, help texts and error type.

Three entry points share these declarations: the ``saferspaces`` command (which runs the file
tools below without setting Django up), Django's management commands ``framework`` and
``index`` (``call_command``, ``manage.py``-style use), and ``python -m saferspaces.core.framework``.
Each action has one implementation: :func:`saferspaces.core.framework.cli.framework_run` and
:func:`saferspaces.core.scoring.cli.index_run`.

This module imports nothing but the standard library's ``argparse``: ``saferspaces help``
reads the help texts from here without loading the framework model, numpy or Django.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Final, Protocol

#: the ``framework`` actions that read and write files only (``load`` and ``sync-bundled`` store
#: editions in the database: they are Django's)
FRAMEWORK_FILE_ACTIONS: Final = (
    "validate",
    "diff",
    "export-xlsform",
    "import-xlsform",
    "json-schema",
    "docs-tables",
    "texts",
)
#: every ``index`` action (none needs the database)
INDEX_ACTIONS: Final = ("build", "sensitivity")

FRAMEWORK_HELP: Final = "Validate, compare, convert and store self-assessment framework editions."
INDEX_HELP: Final = (
    "Build a composite indicator from COINr-style iData/iMeta tables, or analyse its sensitivity."
)


class Output(Protocol):
    """Where a command writes: a text stream, or Django's ``OutputWrapper`` around one."""

    def write(self, text: str, /) -> object: ...


class CommandFailed(Exception):
    """A command cannot do what it was asked: ``message`` says why (exit status 1).

    ``report`` marks a message of several lines (a validation report), which the Django entry
    point prints below its ``CommandError:`` prefix.
    """

    def __init__(self, message: str, *, report: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.report = report


def framework_arguments_add(sub: Any) -> None:
    """Add the file actions of ``framework`` to ``sub`` (an ``add_subparsers()`` result)."""
    p = sub.add_parser("validate", help="validate an edition file (YAML)")
    p.add_argument("file", type=Path)
    p = sub.add_parser("diff", help="what changed from OLD to NEW")
    p.add_argument("old", type=Path)
    p.add_argument("new", type=Path)
    p.add_argument("--all", action="store_true", help="also list unchanged indicators")
    p = sub.add_parser("export-xlsform", help="export an edition as an XLSForm")
    p.add_argument("file", type=Path)
    _out_arguments(p, "the XLSForm to write (.xlsx)")
    p = sub.add_parser("import-xlsform", help="import an XLSForm as an edition file")
    p.add_argument("xlsx", type=Path)
    _out_arguments(p, "the edition file to write (YAML)")
    sub.add_parser("json-schema", help="print the JSON Schema of an edition file (editors)")
    p = sub.add_parser(
        "texts",
        help="the texts of an edition to translate (--lang CODE), or how far each language is "
        "(--check)",
    )
    p.add_argument("file", type=Path)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--lang",
        metavar="CODE",
        help="write the texts file of language CODE: every key, its English text, the current "
        "translation (to standard output, or OUT)",
    )
    what.add_argument(
        "--check",
        action="store_true",
        help="report each language's texts (beside the edition and in it); exit 1 on a problem",
    )
    p.add_argument("--out", dest="out_option", type=Path, metavar="OUT", help="the file to write")
    p = sub.add_parser("docs-tables", help="the field tables of docs/framework.md")
    p.add_argument("--write", metavar="FILE", help="rewrite the tables of FILE in place")
    p.add_argument("--check", metavar="FILE", help="exit 1 when the tables of FILE differ")


def _out_arguments(p: Any, text: str) -> None:
    """``OUT`` as a second argument or as ``--out OUT`` (both forms are documented)."""
    p.add_argument("out", nargs="?", type=Path, metavar="OUT", help=text)
    p.add_argument("--out", dest="out_option", type=Path, metavar="OUT", help="the same")


def output_path(args: Any) -> Path:
    """The ``OUT`` of an export or import action, given either way; CommandFailed otherwise."""
    first, second = getattr(args, "out", None), getattr(args, "out_option", None)
    if first is None and second is None:
        raise CommandFailed("give the file to write: OUT or --out OUT")
    if first is not None and second is not None and first != second:
        raise CommandFailed(f"two files to write were given ({first} and {second}): give one")
    path = first if first is not None else second
    assert isinstance(path, Path)
    return path


def index_arguments_add(sub: Any) -> None:
    """Add ``build`` and ``sensitivity`` to ``sub`` (an ``add_subparsers()`` result)."""
    for name, text in (
        ("build", "run the pipeline and write one row per unit with every indicator and aggregate"),
        ("sensitivity", "run the uncertainty/sensitivity analysis of the pipeline file"),
    ):
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument(
            "--data", required=True, type=Path, help="iData CSV (uCode, groups, indicators)"
        )
        p.add_argument(
            "--meta", required=True, type=Path, help="iMeta CSV (Level, iCode, ..., Type)"
        )
        p.add_argument("--pipeline", required=True, type=Path, help="pipeline YAML file")
        p.add_argument("--out", required=True, type=Path, help="output CSV")
        if name == "sensitivity":
            p.add_argument("--indices-out", type=Path, help="CSV of sensitivity indices")


def framework_parser(*, prog: str) -> argparse.ArgumentParser:
    """The parser of the framework file tools (``saferspaces framework``, ``python -m ...``)."""
    parser = argparse.ArgumentParser(prog=prog, description=FRAMEWORK_HELP)
    framework_arguments_add(parser.add_subparsers(dest="action", required=True, metavar="ACTION"))
    return parser


def index_parser(*, prog: str) -> argparse.ArgumentParser:
    """The parser of ``saferspaces index``."""
    parser = argparse.ArgumentParser(prog=prog, description=INDEX_HELP)
    index_arguments_add(
        parser.add_subparsers(dest="action", required=True, metavar="{build,sensitivity}")
    )
    return parser


def actions_help(parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
    """(action, one-line help) of each sub-command of ``parser``, in order."""
    out: list[tuple[str, str]] = []
    for action in parser._actions:  # argparse keeps the sub-commands' help only here
        if isinstance(action, argparse._SubParsersAction):
            out.extend((choice.dest, choice.help or "") for choice in action._choices_actions)
    return out
