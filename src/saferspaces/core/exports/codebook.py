"""The codebook: what every column and every question of an export means, and how it was made.

One table with a ``section`` column: ``about`` rows (edition id and sha256, pipeline name and
sha256, round, anonymisation rule, ...), ``column`` rows (every column of every table, with
labels in English and French, type, allowed values, unit) and ``question`` rows (every question
of the edition: its text, answer type, allowed answers and unit).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from saferspaces.core.framework.model import Edition, text_get
from saferspaces.core.labels import label

from .model import Column, ExportContext, Table
from .tables import edition_question_index
from .units import RULE_TEXT

FORMAT = "saferspaces-export/1"
CODEBOOK_COLUMNS = tuple(
    Column(name, "string", label(f"export.codebook.{name}"), allowed)
    for name, allowed in (
        ("section", "about; column; question"),
        ("table", ""),
        ("name", ""),
        ("label_en", ""),
        ("label_fr", ""),
        ("type", ""),
        ("allowed_values", ""),
        ("unit", ""),
        ("value", ""),
    )
)


def _allowed(q: Any) -> str:
    spec = q.answer
    parts: list[str] = []
    for c in spec.choice_options():
        parts.append(f"{c.code} = {text_get(c.label, 'en')}")
    if not parts and (spec.min is not None or spec.max is not None):
        lo = "" if spec.min is None else f"{spec.min:g}"
        hi = "" if spec.max is None else f"{spec.max:g}"
        parts.append(f"{lo} to {hi}".strip())
    return "; ".join(parts)


def codebook_about(
    *, context: ExportContext, named: int, units: int, left_out: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """The ``about`` key/value pairs (also stored in Parquet files' metadata)."""
    as_of = context.data_as_of.isoformat(timespec="seconds")
    return [
        ("format", FORMAT),
        ("round_id", str(context.round_id)),
        ("round_title", context.round_title),
        ("year", "" if context.year is None else str(context.year)),
        ("edition_id", context.edition.id),
        ("edition_sha256", context.edition_sha256),
        ("pipeline_name", context.pipeline_name),
        ("pipeline_sha256", context.pipeline_sha256),
        ("anonymisation_rule", context.rule),
        ("anonymisation", RULE_TEXT[context.rule]),
        ("units", str(units)),
        ("named_units", str(named)),
        ("coinr_left_out", "; ".join(left_out)),
        ("data_as_of", as_of),
        ("order", "rows are sorted by unit code; no table holds an ordinal position"),
    ]


def codebook_table(
    *,
    context: ExportContext,
    tables: Sequence[tuple[str, Sequence[Column]]],
    named: int,
    units: int,
    left_out: Sequence[str] = (),
) -> Table:
    """The codebook for ``tables`` (name and columns of each table exported)."""
    edition: Edition = context.edition

    def rows() -> Iterator[tuple[Any, ...]]:
        for key, value in codebook_about(
            context=context, named=named, units=units, left_out=left_out
        ):
            yield ("about", None, key, None, None, None, None, None, value)
        for name, columns in tables:
            for c in columns:
                yield (
                    "column",
                    name,
                    c.name,
                    c.label.get("en", ""),
                    c.label.get("fr", ""),
                    c.type,
                    c.allowed or None,
                    c.unit or None,
                    None,
                )
        for q, dim, kind, _background in edition_question_index(edition=edition):
            yield (
                "question",
                "answers",
                q.code,
                text_get(q.question, "en"),
                text_get(q.question, "fr"),
                q.answer.type,
                _allowed(q) or None,
                text_get(q.answer.unit, "en") or None,
                f"dimension {dim}; kind {kind}",
            )

    return Table("codebook", CODEBOOK_COLUMNS, rows())
