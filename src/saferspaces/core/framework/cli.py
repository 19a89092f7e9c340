"""Command line of the framework core: ``python -m saferspaces.core.framework`` and the file
actions of ``saferspaces framework`` (the same grammar, :mod:`saferspaces.core.commands`).

Sub-commands: ``validate FILE``, ``diff OLD NEW [--all]``, ``export-xlsform FILE OUT`` (or
``--out OUT``), ``import-xlsform XLSX OUT`` (or ``--out OUT``), ``json-schema`` (the JSON Schema
of an edition file, for editors), ``docs-tables [--write FILE | --check FILE]`` (the tables of
``docs/framework.md``, rendered from the schema declaration) and ``texts FILE --lang CODE [--out
OUT] | --check`` (the texts file a translator fills in; how far each language is). Exit status 0 on success, 1 with a
report when a file is invalid (or, for ``docs-tables --check``, out of date), 2 on wrong usage.
Never a traceback for bad input.

The model, the YAML reader and the XLSForm code are imported by the action that needs them.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from saferspaces.core.commands import CommandFailed, Output, framework_parser, output_path

if TYPE_CHECKING:
    from saferspaces.core.framework.model import Edition


def framework_cli(
    *,
    argv: Sequence[str],
    out: TextIO,
    err: TextIO,
    prog: str = "python -m saferspaces.core.framework",
) -> int:
    """Run one sub-command; returns the exit status."""
    try:
        args = framework_parser(prog=prog).parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        framework_run(args=args, out=out)
    except CommandFailed as exc:
        err.write(exc.message + "\n")
        return 1
    return 0


def framework_run(*, args: Any, out: Output) -> None:
    """Run the file action ``args.action`` with the parsed ``args``; write what it says to ``out``.

    Raises :class:`CommandFailed` with the report when a file is invalid or cannot be read.
    """
    from saferspaces.core.framework.errors import FrameworkValidationError, problems_report
    from saferspaces.core.limits import InputError

    try:
        _ACTIONS[args.action](args, out)
    except FrameworkValidationError as exc:
        raise CommandFailed(problems_report(problems=exc.problems), report=True) from None
    except InputError as exc:
        raise CommandFailed(str(exc)) from None
    except OSError as exc:
        raise CommandFailed(f"{exc.filename or ''}: {exc.strerror or exc}") from None


def _validate(args: Any, out: Output) -> None:
    from saferspaces.core.framework.loader import edition_load

    edition = edition_load(path=args.file)
    if edition.instrument.declared:
        out.write(_instrument_summary(str(args.file), edition) + "\n")
        return
    n_dims = sum(1 for _ in edition.dimensions_walk())
    n_indicators = sum(1 for _ in edition.indicators())
    out.write(
        f"{args.file}: valid edition {edition.id} ({edition.date.isoformat()}): "
        f"{n_dims} dimensions, {n_indicators} indicators, "
        f"{len(edition.checklist)} checklist items, languages {', '.join(edition.languages)}\n"
    )


def _diff(args: Any, out: Output) -> None:
    from saferspaces.core.framework.diff import diff_report, edition_diff
    from saferspaces.core.framework.loader import edition_load

    old = edition_load(path=args.old)
    new = edition_load(path=args.new, previous=old)
    report = diff_report(diff=edition_diff(old=old, new=new), verbose=bool(args.all))
    out.write(report if report.endswith("\n") else report + "\n")


def _export_xlsform(args: Any, out: Output) -> None:
    from saferspaces.core.framework.loader import edition_load
    from saferspaces.core.framework.xlsform_export import xlsform_export

    target = output_path(args)
    edition = edition_load(path=args.file)
    buffer = io.BytesIO()  # nothing is written when the export fails
    xlsform_export(edition=edition, out=buffer)
    Path(target).write_bytes(buffer.getvalue())
    out.write(f"{target}: XLSForm of edition {edition.id} written\n")


def _import_xlsform(args: Any, out: Output) -> None:
    from saferspaces.core.framework.dump import edition_dump
    from saferspaces.core.framework.xlsform_import import xlsform_import

    target = output_path(args)
    edition = xlsform_import(path=args.xlsx)
    text = edition_dump(edition=edition)
    with open(target, "w", encoding="utf-8") as fh:
        fh.write(text)
    out.write(f"{target}: edition {edition.id} written from {args.xlsx}\n")


def _json_schema(args: Any, out: Output) -> None:
    import json

    from saferspaces.core.framework.json_schema import edition_json_schema

    out.write(json.dumps(edition_json_schema(), indent=2, ensure_ascii=False) + "\n")


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


def _docs_tables(args: Any, out: Output) -> None:
    from saferspaces.core.framework.doctables import (
        docs_tables,
        docs_tables_apply,
        docs_tables_missing,
    )

    write: str | None = args.write
    check: str | None = args.check
    target = write or check
    if target is None:
        for name, table in docs_tables().items():
            out.write(f"<!-- generated: {name} -->\n\n{table}\n<!-- /generated -->\n\n")
        return
    text = Path(target).read_text(encoding="utf-8")
    missing = docs_tables_missing(text=text)
    if missing:
        raise CommandFailed(
            f"{target}: no place for the tables {', '.join(missing)} (add the markers)"
        )
    new = docs_tables_apply(text=text)
    if check:
        if new != text:
            raise CommandFailed(
                f"{target}: the tables differ from the schema declaration; run docs-tables --write"
            )
        out.write(f"{target}: the tables match the schema declaration\n")
        return
    Path(target).write_text(new, encoding="utf-8")
    out.write(f"{target}: {'tables rewritten' if new != text else 'tables already up to date'}\n")


def _texts(args: Any, out: Output) -> None:
    from saferspaces.core.framework.loader import edition_load
    from saferspaces.core.framework.translations import (
        edition_bundle_data,
        edition_languages,
        inline_texts,
        texts_current,
        texts_file_write,
    )
    from saferspaces.core.framework.yamlsource import yaml_read
    from saferspaces.core.languages import language_get

    path = Path(args.file)
    edition_load(path=path)  # a valid edition first: its own problems are reported as such
    data = yaml_read(text=path.read_text(encoding="utf-8-sig"), file=str(path)).data
    if args.check:
        _, report = edition_bundle_data(data=data, edition_path=path)
        total = len(inline_texts(data=data, language="en"))
        lines = [
            f"{lang}: {total} of {total} texts, in the edition file"
            for lang in edition_languages(data)
        ]
        for lang, status in report.statuses.items():
            state = (
                "complete: merged when bundled"
                if status.complete
                else f"{len(status.missing)} missing"
            )
            lines.append(f"{lang}: {status.translated} of {status.total} texts, {state}")
        problems = [str(p) for p in report.problems]
        out.write("\n".join(lines + problems) + "\n")
        if problems:
            raise CommandFailed(f"{len(problems)} problem(s) in the texts files of {path}")
        return
    code = str(args.lang)
    language = language_get(code)
    if language is None or language.code != code:
        raise CommandFailed(f"--lang {code}: not an official language of the EU (e.g. lv)")
    current = texts_current(data=data, edition_path=path, language=code)
    text = texts_file_write(
        data=data, language=code, texts=current, language_name=language.name_local
    )
    target = getattr(args, "out_option", None)
    if target is None:
        out.write(text)
        return
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    Path(target).write_text(text, encoding="utf-8")
    out.write(
        f"{target}: {len(current)} translated texts of {language.name} kept, every key listed\n"
    )


_ACTIONS = {
    "validate": _validate,
    "diff": _diff,
    "export-xlsform": _export_xlsform,
    "import-xlsform": _import_xlsform,
    "json-schema": _json_schema,
    "docs-tables": _docs_tables,
    "texts": _texts,
}


def main() -> None:
    sys.exit(framework_cli(argv=sys.argv[1:], out=sys.stdout, err=sys.stderr))
