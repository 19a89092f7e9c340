"""Command line of the framework core: ``python -m saferspaces.core.framework``.

Sub-commands: ``validate FILE``, ``diff OLD NEW``, ``export-xlsform FILE OUT``,
``import-xlsform XLSX OUT``, ``json-schema`` (the JSON Schema of an edition file, for editors)
and ``docs-tables [--write FILE]`` (the tables of ``docs/framework.md``, rendered from the
schema declaration). Exit status 0 on success, 1 with a report when a file is invalid (or, for
``docs-tables --check``, out of date), 2 on wrong usage. Never a traceback for bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from saferspaces.core.framework.errors import FrameworkValidationError, problems_report
from saferspaces.core.framework.loader import edition_load
from saferspaces.core.framework.model import Edition


def _indicator_count(edition: Edition) -> int:
    return sum(1 for _ in edition.indicators())


def framework_cli(*, argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    """Run one sub-command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m saferspaces.core.framework")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="validate an edition file")
    p.add_argument("file")
    p = sub.add_parser("diff", help="what changed between two editions")
    p.add_argument("old")
    p.add_argument("new")
    p = sub.add_parser("export-xlsform", help="export an edition as an XLSForm")
    p.add_argument("file")
    p.add_argument("out")
    p = sub.add_parser("import-xlsform", help="import an XLSForm as an edition file")
    p.add_argument("xlsx")
    p.add_argument("out")
    sub.add_parser("json-schema", help="print the JSON Schema of an edition file")
    p = sub.add_parser("docs-tables", help="the field tables of docs/framework.md")
    p.add_argument("--write", metavar="FILE", help="rewrite the tables of FILE in place")
    p.add_argument("--check", metavar="FILE", help="exit 1 when the tables of FILE differ")
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        if args.command == "json-schema":
            import json

            from saferspaces.core.framework.json_schema import edition_json_schema

            out.write(json.dumps(edition_json_schema(), indent=2, ensure_ascii=False) + "\n")
            return 0
        if args.command == "docs-tables":
            return _docs_tables(args.write, args.check, out, err)
        if args.command == "validate":
            edition = edition_load(path=args.file)
            n_dims = sum(1 for _ in edition.dimensions_walk())
            if edition.instrument.declared:
                out.write(_instrument_summary(args.file, edition) + "\n")
                return 0
            out.write(
                f"{args.file}: valid edition {edition.id} ({edition.date.isoformat()}): "
                f"{n_dims} dimensions, {_indicator_count(edition)} indicators, "
                f"{len(edition.checklist)} checklist items, languages {', '.join(edition.languages)}\n"
            )
            return 0
        if args.command == "diff":
            from saferspaces.core.framework.diff import diff_report, edition_diff

            old = edition_load(path=args.old)
            new = edition_load(path=args.new, previous=old)
            out.write(diff_report(diff=edition_diff(old=old, new=new)))
            return 0
        if args.command == "export-xlsform":
            from saferspaces.core.framework.xlsform_export import xlsform_export

            edition = edition_load(path=args.file)
            with open(args.out, "wb") as fh:
                xlsform_export(edition=edition, out=fh)
            out.write(f"{args.out}: XLSForm of edition {edition.id} written\n")
            return 0
        if args.command == "import-xlsform":
            from saferspaces.core.framework.dump import edition_dump
            from saferspaces.core.framework.xlsform_import import xlsform_import

            edition = xlsform_import(path=args.xlsx)
            with open(args.out, "w", encoding="utf-8") as fh:
                fh.write(edition_dump(edition=edition))
            out.write(f"{args.out}: edition {edition.id} written from {args.xlsx}\n")
            return 0
    except FrameworkValidationError as exc:
        err.write(problems_report(problems=exc.problems) + "\n")
        return 1
    except OSError as exc:
        err.write(f"{exc.filename or ''}: {exc.strerror or exc}\n")
        return 1
    return 2  # pragma: no cover


def _instrument_summary(file: str, edition: Edition) -> str:
    inst = edition.instrument
    places = list(edition.items())
    repeated = sum(1 for p in places if p.repeats)
    groups = sum(1 for _ in edition.repeat_groups())
    computed = sum(1 for p in places if p.item.calculate is not None)
    return (
        f"{file}: valid edition {edition.id} ({edition.date.isoformat()}) of the instrument "
        f"{inst.family!r} ({inst.result_model} results, subject {inst.subject}): "
        f"{sum(1 for _ in edition.dimensions_walk())} dimensions, {len(places)} items "
        f"({repeated} in {groups} repeat groups, {computed} computed), "
        f"{len(edition.checklist)} checklist items, languages {', '.join(edition.languages)}"
    )


def _docs_tables(write: str | None, check: str | None, out: TextIO, err: TextIO) -> int:
    from pathlib import Path

    from saferspaces.core.framework.doctables import (
        docs_tables,
        docs_tables_apply,
        docs_tables_missing,
    )

    target = write or check
    if target is None:
        for name, table in docs_tables().items():
            out.write(f"<!-- generated: {name} -->\n\n{table}\n<!-- /generated -->\n\n")
        return 0
    text = Path(target).read_text(encoding="utf-8")
    missing = docs_tables_missing(text=text)
    if missing:
        err.write(f"{target}: no place for the tables {', '.join(missing)} (add the markers)\n")
        return 1
    new = docs_tables_apply(text=text)
    if check:
        if new != text:
            err.write(
                f"{target}: the tables differ from the schema declaration; run docs-tables --write\n"
            )
            return 1
        out.write(f"{target}: the tables match the schema declaration\n")
        return 0
    Path(target).write_text(new, encoding="utf-8")
    out.write(f"{target}: {'tables rewritten' if new != text else 'tables already up to date'}\n")
    return 0


def main() -> None:
    sys.exit(framework_cli(argv=sys.argv[1:], out=sys.stdout, err=sys.stderr))
