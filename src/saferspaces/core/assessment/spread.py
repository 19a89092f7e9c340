"""A round's spread (:class:`~.result.RoundSpread`): what scoring some units of a round needs
from the others, read from the answers that decide it (``round_spread_read``).

Only ``data_driven`` indicators are normalised across the units of a round (the pipeline
refuses every other step that reads more than one unit): their number of units with a value,
lowest and highest value are all a unit's results depend on outside its own answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from saferspaces.core.framework.answers import AnswerState
from saferspaces.core.framework.model import Edition, Indicator, Relevance
from saferspaces.core.scoring.errors import Problem

from .answers import relevance_conditions, unit_answers_read
from .errors import AnswersError
from .pipeline import EditionPipeline
from .result import RoundSpread


def _data_driven(edition: Edition, pipeline: EditionPipeline) -> list[Indicator]:
    ind_map = edition.indicator_map()
    return [
        ind_map[c]
        for c in pipeline.framework.indicators
        if ind_map[c].scoring.method == "data_driven"
    ]


def _spread_conditions(
    edition: Edition, pipeline: EditionPipeline
) -> tuple[frozenset[str], list[tuple[str, Relevance]]]:
    """The answers and the skip logic a round's spread reads: the data_driven questions, the
    questions their skip logic reads, and so on (the conditions of all of them)."""
    conditions = dict(relevance_conditions(edition))
    wanted = {i.code for i in _data_driven(edition, pipeline)}
    todo = list(wanted)
    while todo:
        cond = conditions.get(todo.pop())
        for q in cond.questions() if cond is not None else ():
            if q not in wanted:
                wanted.add(q)
                todo.append(q)
    return frozenset(wanted), [(c, cond) for c, cond in conditions.items() if c in wanted]


def round_spread_codes(*, edition: Edition, pipeline: EditionPipeline) -> frozenset[str]:
    """The answers :func:`round_spread_read` needs of each unit: the data_driven indicators'
    and those their skip logic reads (a data_driven question may be skipped)."""
    return _spread_conditions(edition, pipeline)[0]


def round_spread_indicators(*, edition: Edition, pipeline: EditionPipeline) -> list[str]:
    """The data_driven indicators, in the order of a unit's row (:func:`round_spread_rows`)."""
    return [i.code for i in _data_driven(edition, pipeline)]


def round_spread_rows(
    *,
    edition: Edition,
    pipeline: EditionPipeline,
    units: Mapping[str, Mapping[str, AnswerState]],
) -> dict[str, tuple[float, ...]]:
    """Each unit's row: its value of each data_driven indicator (in the order of
    :func:`round_spread_indicators`; NaN without one), all a round's spread reads of it. The
    answers of :func:`round_spread_codes` are enough. Raises :class:`AnswersError` listing
    every bad answer among them."""
    inds = _data_driven(edition, pipeline)
    questions: dict[str, object] = dict(edition.questions())
    wanted, conditions = _spread_conditions(edition, pipeline)
    referenced = frozenset(q for _, cond in conditions for q in cond.questions())
    problems: list[Problem] = []
    memo: dict[tuple[str, object], float | None] = {}
    rows: dict[str, tuple[float, ...]] = {}
    for u, states in units.items():
        row = unit_answers_read(
            unit=u,
            indicators=inds,
            questions=questions,
            conditions=conditions,
            states={c: s for c, s in states.items() if c in wanted},
            spreads=None,
            problems=problems,
            memo=memo,
            referenced=referenced,
        )
        rows[u] = tuple(float(v) for v in row.x)
    if problems:
        raise AnswersError(problems)
    return rows


def round_spread_of_rows(
    *,
    codes: Sequence[str],
    rows: Iterable[Sequence[float]],
    n_units: int,
    min_units: int,
) -> RoundSpread:
    """The spread of a round whose units have ``rows`` (:func:`round_spread_rows`, in the order
    of ``codes``; NaN: no value) and ``n_units`` units in all (units without a value of any
    data_driven indicator may be left out of ``rows``)."""
    values: list[list[float]] = [[] for _ in codes]
    for row in rows:
        if len(row) != len(codes):
            raise ValueError(f"a row of {len(row)} values for {len(codes)} indicators")
        for j, v in enumerate(row):
            if v == v:  # not NaN
                values[j].append(v)
    return RoundSpread(
        n_units=n_units,
        columns={
            code: (len(vs), min(vs), max(vs)) if vs else (0, None, None)
            for code, vs in zip(codes, values, strict=True)
        },
        min_units=min_units,
    )


def round_spread_read(
    *,
    edition: Edition,
    pipeline: EditionPipeline,
    units: Mapping[str, Mapping[str, AnswerState]],
    n_units: int | None = None,
) -> RoundSpread:
    """The spread of the round made of ``units`` (unit -> answers; the answers of
    :func:`round_spread_codes` are enough: others are not read). ``n_units`` is the round's
    number of units when ``units`` holds only those with such answers. Raises
    :class:`AnswersError` listing every bad answer among them."""
    rows = round_spread_rows(edition=edition, pipeline=pipeline, units=units)
    return round_spread_of_rows(
        codes=round_spread_indicators(edition=edition, pipeline=pipeline),
        rows=rows.values(),
        n_units=len(units) if n_units is None else n_units,
        min_units=pipeline.options.min_units_data_driven,
    )


def round_spread_combine(*, first: RoundSpread, second: RoundSpread) -> RoundSpread:
    """The spread of two disjoint sets of units together (a round's members and one more): the
    numbers of units and of values add up, the lowest and highest values are the lowest and
    highest of both. Both must come from the same pipeline (the same ``min_units``)."""
    if first.min_units != second.min_units:
        raise ValueError("spreads of different pipelines cannot be combined")
    columns: dict[str, tuple[int, float | None, float | None]] = {}
    for code in (*first.columns, *(c for c in second.columns if c not in first.columns)):
        n1, lo1, hi1 = first.columns.get(code, (0, None, None))
        n2, lo2, hi2 = second.columns.get(code, (0, None, None))
        los = [v for v in (lo1, lo2) if v is not None]
        his = [v for v in (hi1, hi2) if v is not None]
        columns[code] = (n1 + n2, min(los) if los else None, max(his) if his else None)
    return RoundSpread(
        n_units=first.n_units + second.n_units, columns=columns, min_units=first.min_units
    )
