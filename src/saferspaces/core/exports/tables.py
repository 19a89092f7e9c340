"""The long tables of a round's export: ``answers``, ``scores`` and ``background``.

Each builder takes the coded units (sorted by code) and a function that returns one unit's rows
from the database, and returns a :class:`Table` whose rows are a generator: one unit is read at
a time. Rows follow unit codes, then the edition's question order (answers) or the hierarchy
(scores); never an order by score.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from saferspaces.core.assessment.hierarchy import PAD_PREFIX
from saferspaces.core.framework.answerkey import AnswerKeyError, answer_key_parse
from saferspaces.core.framework.model import ChecklistItem, Edition, Indicator, Text
from saferspaces.core.labels import label

from .model import (
    AnswerRow,
    CodedUnit,
    Column,
    ExportContext,
    ProfileRow,
    ScoreRow,
    Table,
)
from .units import value_coarsen

STATUSES = ("answered", "dont_know", "not_applicable", "not_collected", "unanswered")
NUMERIC_TYPES = ("number", "percentage", "rate_per_100k", "year", "likert")
UNIT_CODE = Column("unit_code", "string", label("export.unit_code"))
YES_NO = "yes; no"


def _c(table: str, name: str, type_: str, allowed: str = "", unit: str = "") -> Column:
    """Column ``name`` of ``table``, labelled ``export.<table>.<name>`` in ``core/labels``."""
    return Column(name, type_, label(f"export.{table}.{name}"), allowed, unit)


ANSWERS_COLUMNS = (
    UNIT_CODE,
    _c("answers", "question_code", "string"),
    _c("answers", "dimension", "string"),
    _c("answers", "kind", "string", "perception; status; context; checklist"),
    _c("answers", "answer_type", "string"),
    _c("answers", "status", "string", "; ".join(STATUSES)),
    _c("answers", "value_text", "string"),
    _c("answers", "value_number", "number"),
    _c("answers", "comment", "string"),
    _c("answers", "prefilled", "boolean"),
    _c("answers", "prefill_dataset", "string"),
    _c("answers", "prefill_period", "string"),
)
SCORES_COLUMNS = (
    UNIT_CODE,
    _c("scores", "node", "string"),
    _c("scores", "depth", "integer"),
    _c("scores", "score", "number", unit="0-100"),
    _c("scores", "perception", "number", unit="0-100"),
    _c("scores", "status", "number", unit="0-100"),
    _c("scores", "gap", "number", unit="points"),
    _c("scores", "coverage", "number", unit="0-1"),
)
BACKGROUND_COLUMNS = (
    UNIT_CODE,
    _c("background", "named", "boolean", YES_NO),
    _c("background", "unit_name", "string"),
    _c("background", "country", "string"),
    _c("background", "nuts_code", "string"),
    _c("background", "authority_kind", "string"),
    _c("background", "nuts_level", "integer"),
    _c("background", "urbanisation", "string"),
    _c("background", "population", "number", unit="inhabitants"),
    _c("background", "density", "number", unit="per km2"),
    _c("background", "income", "number"),
    _c("background", "assessment_state", "string"),
)


def _text(value: Any) -> str | None:
    t = type(value)
    if t is str:
        return value  # type: ignore[no-any-return]
    if t is float or t is int:
        return str(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def _number(value: Any) -> float | None:
    t = type(value)  # exact types: a bool is not a number here
    if t is float:
        return value if math.isfinite(value) else None
    if t is int:
        return float(value)
    return None


Question = Indicator | ChecklistItem


def edition_question_index(*, edition: Edition) -> list[tuple[Question, str, str, bool]]:
    """Every answerable question in fill-in order: (question, dimension, kind, background)."""
    out: list[tuple[Question, str, str, bool]] = []
    for item in edition.checklist:
        if item.answer.type != "not_scored":
            out.append((item, item.section, "checklist", False))
    roles: dict[str, str] = {}
    for ancestors, dim in edition.dimensions_walk():
        roles[dim.code] = ancestors[0].role if ancestors else dim.role
    for dim, ind in edition.indicators():
        if ind.answer.type != "not_scored":
            out.append((ind, dim.code, ind.kind, roles.get(dim.code) == "background"))
    return out


@dataclass(frozen=True, slots=True)
class _Slot:
    """What is fixed about a question for every unit (computed once per export)."""

    code: str
    dimension: str
    kind: str
    type: str
    numeric: bool
    background: bool
    unanswered: tuple[Any, ...]  # the row's cells after the unit code when there is no answer


def _slots(edition: Edition) -> list[_Slot]:
    out = []
    for q, dim, kind, background in edition_question_index(edition=edition):
        t = q.answer.type
        empty = (q.code, dim, kind, t, "unanswered", None, None, None, False, None, None)
        out.append(_Slot(q.code, dim, kind, t, t in NUMERIC_TYPES, background, empty))
    return out


AnswerSlot = _Slot


def answer_slots(*, edition: Edition) -> list[AnswerSlot]:
    """The rows every unit has in the answers table (its repeat rows follow), in their order."""
    return _slots(edition)


def _answer_cells(unit: CodedUnit, s: _Slot, a: AnswerRow | None) -> tuple[Any, ...]:
    if a is None:
        return (unit.code, *s.unanswered)
    text: str | None = None
    number: float | None = None
    if a.status == "answered":
        v = a.value
        text = v if isinstance(v, str) else _text(v)
        number = _number(v) if s.numeric else None
        if not unit.named:
            if s.type == "text":
                text = None
            elif s.background and number is not None:
                number = value_coarsen(number)
                text = _text(number)
    pre = a.prefill
    return (
        unit.code,
        s.code,
        s.dimension,
        s.kind,
        s.type,
        a.status,
        text,
        number,
        (a.comment or None) if unit.named else None,
        bool(pre),
        _text(pre.get("dataset")) if pre else None,
        _text(pre.get("period")) if pre else None,
    )


def _repeat_slots(edition: Edition) -> dict[str, tuple[int, _Slot]]:
    """Item code -> (file order, slot) of every item inside repeat groups."""
    roles = {
        dim.code: (ancestors[0].role if ancestors else dim.role)
        for ancestors, dim in edition.dimensions_walk()
    }
    out: dict[str, tuple[int, _Slot]] = {}
    for place in edition.items():
        if not place.repeats or place.item.answer.type == "not_scored":
            continue
        q, dim, t = place.item, place.dimension.code, place.item.answer.type
        background = roles.get(dim) == "background"
        empty = (q.code, dim, q.kind, t, "unanswered", None, None, None, False, None, None)
        slot = _Slot(q.code, dim, q.kind, t, t in NUMERIC_TYPES, background, empty)
        out[q.code] = (len(out), slot)
    return out


def _repeat_rows(
    unit: CodedUnit, given: dict[str, AnswerRow], repeats: dict[str, tuple[int, _Slot]]
) -> Iterator[tuple[Any, ...]]:
    """A unit's answers inside repeat groups, ``question_code`` holding the answer key
    (``MEASURES[2]/MEASURE_LEVEL``), by instance then the items' file order; answers whose key
    does not fit the edition are left out (the collection layer never stores them)."""
    found = []
    for code, answer in given.items():
        if "[" not in code:
            continue
        try:
            key = answer_key_parse(text=code)
        except AnswerKeyError:
            continue
        hit = repeats.get(key.item)
        if hit is not None:
            found.append(((key.instances, hit[0]), code, hit[1], answer))
    for _order, code, slot, answer in sorted(found, key=lambda f: f[0]):
        cells = _answer_cells(unit, slot, answer)
        yield (cells[0], code, *cells[2:])


def answers_table(
    *,
    context: ExportContext,
    units: Sequence[CodedUnit],
    answers_of: Callable[[CodedUnit], Iterable[AnswerRow]],
) -> Table:
    """One row per unit x answerable question (``unanswered`` when there is no answer), then
    one per answer inside a repeat group, its ``question_code`` being the answer key."""
    slots = _slots(context.edition)
    repeats = _repeat_slots(context.edition)

    def rows() -> Iterator[tuple[Any, ...]]:
        for unit in units:
            given = {a.code: a for a in answers_of(unit)}
            get = given.get
            for s in slots:
                yield _answer_cells(unit, s, get(s.code))
            if repeats:
                yield from _repeat_rows(unit, given, repeats)

    return Table("answers", ANSWERS_COLUMNS, rows())


def scores_table(
    *,
    units: Sequence[CodedUnit],
    scores_of: Callable[[CodedUnit], Iterable[ScoreRow]],
    order: Sequence[str] = (),
) -> Table:
    """One row per unit x (sub-)dimension scored (padding nodes of the engine left out).

    ``order`` is the hierarchy's node order (codes not in it follow, by code).
    """
    pos = {c: i for i, c in enumerate(order)}

    def rows() -> Iterator[tuple[Any, ...]]:
        for unit in units:
            got = [r for r in scores_of(unit) if not r.node.startswith(PAD_PREFIX)]
            got.sort(key=lambda r: (pos.get(r.node, len(pos)), r.node))
            for r in got:
                yield (
                    unit.code,
                    r.node,
                    r.depth,
                    r.score,
                    r.perception,
                    r.status,
                    r.gap,
                    r.coverage,
                )

    return Table("scores", SCORES_COLUMNS, rows())


def background_table(
    *,
    units: Sequence[CodedUnit],
    profile_of: Callable[[CodedUnit], ProfileRow | None],
) -> Table:
    """One row per unit: who it is (when named) and its background conditions."""

    def rows() -> Iterator[tuple[Any, ...]]:
        for unit in units:
            p = profile_of(unit)
            u = unit.unit
            nums = (None, None, None) if p is None else (p.population, p.density, p.income)
            if not unit.named:
                nums = tuple(value_coarsen(v) for v in nums)  # type: ignore[assignment]
            yield (
                unit.code,
                unit.named,
                u.name if unit.named else None,
                (u.country or None) if unit.named else None,
                (u.nuts or None) if unit.named else None,
                None if p is None else (p.kind or None),
                None if p is None else p.nuts_level,
                None if p is None else (p.urbanisation or None),
                *nums,
                u.state or None,
            )

    return Table("background", BACKGROUND_COLUMNS, rows())


def question_label(q: Question, language: str) -> str:
    text: Text = q.question
    return text.get(language) or text.get("en") or next(iter(text.values()), "")
