"""The ``saferspaces`` command: the product's command line.

The file tools of the pure core (``framework validate|diff|export-xlsform|import-xlsform|
json-schema|docs-tables``, ``index build|sensitivity``) and ``saferspaces help`` run without
setting Django up: they read no settings and no database, so they start in a fraction of a
second. Every other command is a Django management command (``saferspaces migrate``,
``saferspaces import-nuts FILE``, ``saferspaces framework load FILE``...), and so are the file
tools for ``call_command`` (the same implementation: :mod:`saferspaces.core.commands`).
Configuration errors (a bad environment variable) are reported in one line, without a traceback.
"""

from __future__ import annotations

import ast
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

#: options of every Django command: given one of them, a file tool runs as a Django command
_DJANGO_OPTIONS = frozenset(
    ("-v", "--verbosity", "--settings", "--pythonpath", "--traceback", "--no-color",
     "--force-color", "--skip-checks")
)  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    pure = _pure_command(args)
    if pure is not None:
        return pure(args, sys.stdout, sys.stderr)
    return _django(args)


def _django(args: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferspaces.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:
        print(f"saferspaces: configuration error: {error}", file=sys.stderr)
        return 2
    from django.core.management import execute_from_command_line

    execute_from_command_line(["saferspaces", *args])
    return 0


Runner = Callable[[list[str], TextIO, TextIO], int]


def _pure_command(args: list[str]) -> Runner | None:
    """The runner of ``args`` when it needs no Django, else None."""
    from saferspaces.core.commands import FRAMEWORK_FILE_ACTIONS

    if any(a.split("=", 1)[0] in _DJANGO_OPTIONS for a in args):
        return None
    if not args or args in (["help"], ["-h"], ["--help"]):
        return _overview
    if args[0] == "help" and args[1:] == ["index"]:
        return lambda a, out, err: _index(["--help"], out, err)
    if args[0] == "framework" and len(args) > 1 and args[1] in FRAMEWORK_FILE_ACTIONS:
        return lambda a, out, err: _framework(a[1:], out, err)
    if args[0] == "index":
        return lambda a, out, err: _index(a[1:], out, err)
    return None


def _framework(argv: list[str], out: TextIO, err: TextIO) -> int:
    from saferspaces.core.framework.cli import framework_cli

    return framework_cli(argv=argv, out=out, err=err, prog="saferspaces framework")


def _index(argv: list[str], out: TextIO, err: TextIO) -> int:
    from saferspaces.core.scoring.cli import index_cli

    return index_cli(argv=argv, out=out, err=err, prog="saferspaces index")


def site_commands() -> dict[str, str]:
    """The product's Django management commands and their help, read from the source files.

    The files are parsed, not imported: importing a command imports Django.
    """
    from saferspaces.core import commands

    found: dict[str, str] = {}
    for path in sorted(Path(__file__).parent.glob("*/management/commands/*.py")):
        if path.name.startswith("_"):
            continue
        text = ""
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name == "Command":
                for item in node.body:
                    if isinstance(item, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id == "help" for t in item.targets
                    ):
                        value = item.value
                        if isinstance(value, ast.Constant) and isinstance(value.value, str):
                            text = value.value
                        elif isinstance(value, ast.Name):  # a text declared in core.commands
                            text = str(getattr(commands, value.id, ""))
        found[path.stem] = text
    return found


def _overview(args: list[str], out: TextIO, err: TextIO) -> int:
    from saferspaces.core.commands import actions_help, framework_parser, index_parser

    tools = [
        (f"{name} {action}", text)
        for name, parser in (
            ("framework", framework_parser(prog="saferspaces framework")),
            ("index", index_parser(prog="saferspaces index")),
        )
        for action, text in actions_help(parser)
    ]
    # ``index`` has file tools only: it is listed above
    site = sorted((n, t) for n, t in site_commands().items() if n != "index")
    width = max(len(n) for n, _ in tools + site) + 4
    lines = [
        "Usage: saferspaces COMMAND [ARGUMENTS]",
        "'saferspaces help COMMAND' or 'saferspaces COMMAND --help' explains one command.",
        "",
        "File tools (they need no database and no settings):",
        *_rows(tools, width),
        "",
        "Commands of the site (they read the settings and the database):",
        *_rows(site, width),
        "",
        "Django's own commands work too (migrate, createsuperuser, check, shell...):",
        "'saferspaces help --commands' lists every command.",
    ]
    out.write("\n".join(lines) + "\n")
    return 0


def _rows(items: list[tuple[str, str]], width: int) -> list[str]:
    lines: list[str] = []
    for name, text in items:
        body = textwrap.wrap(text, width=max(40, 100 - width)) or [""]
        lines.append(f"  {name:<{width - 2}}{body[0]}")
        lines.extend(" " * width + more for more in body[1:])
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
