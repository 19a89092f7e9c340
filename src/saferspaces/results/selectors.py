"""Reading one assessment's results (selectors: reads only): its latest run and its facts.

The one read path of a unit's results: every number (a score, a gap) comes from the fact index
(:class:`~saferspaces.results.models.ResultFact`), and everything that explains it (weights,
contributions, intervals, rules, answers, warnings) from the latest run's stored explanation.
:class:`Scored` joins both; the dashboard, the reports and the scores page read it.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from saferspaces.assessments.models import Assessment
from saferspaces.core.assessment import EditionPipeline, UnitScores
from saferspaces.core.framework import Edition
from saferspaces.core.framework.model import text_get
from saferspaces.core.results import Fact, composite_unit_read
from saferspaces.frameworks.selectors import edition_parsed, edition_pipeline
from saferspaces.results.computing import assessment_results_pending
from saferspaces.results.models import KIND_MEASURES, ResultFact, ResultRun, unit_key

#: the measures of a composite unit read into its scores
SCORE_MEASURES = (*KIND_MEASURES.values(), "gap")

Values = dict[tuple[str, str], float | None]  # (node, measure) -> value


@dataclass(frozen=True)
class Scored:
    """An assessment with its latest results, read back: ``unit`` holds the explanation with
    every score taken from the fact index."""

    assessment: Assessment
    run: ResultRun
    unit: UnitScores
    edition: Edition
    pipeline: EditionPipeline


def _latest() -> QuerySet[ResultRun]:
    return ResultRun.objects.filter(assessment_id=OuterRef("assessment_id")).order_by(
        "-computed_at", "-id"
    )


def result_run_latest(*, assessment: Assessment) -> ResultRun | None:
    """The assessment's latest run (with who asked for it), or None."""
    return (
        ResultRun.objects.filter(assessment=assessment)
        .select_related("computed_by", "basis")
        .defer("facts")  # the run's packed facts: the index is read instead
        .order_by("-computed_at", "-id")
        .first()
    )


def result_runs_latest(*, assessment_ids: Iterable[int]) -> dict[int, ResultRun]:
    """The latest run of each assessment that has one, in one query."""
    return {
        r.assessment_id: r
        for r in ResultRun.objects.filter(
            assessment_id__in=list(assessment_ids), pk=Subquery(_latest().values("pk")[:1])
        )
        .select_related("basis")  # its meta is the runs' full_meta; who asked is not read
        .defer("facts")  # the run's packed facts: the index is read instead
    }


def assessments_scored(*, among: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """The assessments of ``among`` whose latest results are composite scores."""
    runs = ResultRun.objects.filter(assessment=OuterRef("pk"), model="composite")
    return among.filter(Exists(runs))


def run_values(
    *, run_ids: Iterable[int], measures: Iterable[str] = SCORE_MEASURES
) -> dict[int, Values]:
    """The index's values of ``measures`` of each run's facts (run -> (node, measure) -> value;
    facts with a category or an instance are left out)."""
    out: dict[int, Values] = defaultdict(dict)
    for run_id, node, measure, value in ResultFact.objects.filter(
        run_id__in=list(run_ids), measure__in=list(measures), category="", instance=""
    ).values_list("run_id", "node", "measure", "value"):
        out[run_id][(node, measure)] = value
    return out


def score_values(*, assessment_ids: Iterable[int]) -> dict[int, dict[str, float | None]]:
    """The ``score`` of every node and item of each assessment's latest results (assessment ->
    node -> score), in the order they were computed."""
    out: dict[int, dict[str, float | None]] = {}
    for a_id, node, value in (
        ResultFact.objects.filter(
            assessment_id__in=list(assessment_ids), measure="score", category="", instance=""
        )
        .order_by("assessment_id", "id")
        .values_list("assessment_id", "node", "value")
    ):
        out.setdefault(a_id, {})[node] = value
    return out


def unit_with_values(
    unit: UnitScores, values: Mapping[tuple[str, str], float | None]
) -> UnitScores:
    """``unit`` (read from an explanation) with each score and gap taken from ``values``.

    The explanation holds the same numbers as the index when both come from one computation, so
    only what differs is replaced (a missing fact, a rebuilt index): a page reads three units of
    about 200 numbers each, and copying every one of them cost more than reading them."""

    def same(a: float | None, b: float | None) -> bool:
        # the same type and value, both missing, or both NaN (never equal to itself)
        if type(a) is not type(b):
            return False
        return a == b or (a is not None and b is not None and a != a and b != b)

    def kind(node: str, measure: str, ks: Any) -> Any:
        value = values.get((node, measure))
        return ks if same(ks.score, value) else dataclasses.replace(ks, score=value)

    nodes = {}
    for code, n in unit.nodes.items():
        all_kinds = kind(code, "score", n.all_kinds)
        perception = kind(code, "perception", n.perception)
        status = kind(code, "status", n.status)
        gap_value = values.get((code, "gap"))
        gap = n.gap if same(n.gap.value, gap_value) else dataclasses.replace(n.gap, value=gap_value)
        changed = (
            all_kinds is not n.all_kinds
            or perception is not n.perception
            or status is not n.status
            or gap is not n.gap
        )
        nodes[code] = (
            dataclasses.replace(
                n, all_kinds=all_kinds, perception=perception, status=status, gap=gap
            )
            if changed
            else n
        )
    indicators = {}
    for code, i in unit.indicators.items():
        value = values.get((code, "score"))
        indicators[code] = i if same(i.score, value) else dataclasses.replace(i, score=value)
    return dataclasses.replace(unit, nodes=nodes, indicators=indicators)


def result_run_unit(*, run: ResultRun) -> UnitScores:
    """A composite run's unit read back: its explanation, with the scores of the fact index
    (those of the assessment's latest run: read this for the latest run only)."""
    explained = composite_unit_read(
        explanation=run.explanation, meta=run.full_meta, unit=unit_key(run.assessment_id)
    )
    return unit_with_values(explained, run_values(run_ids=[run.pk]).get(run.pk, {}))


def scored_read(*, assessment: Assessment) -> Scored | None:
    """The assessment with its latest composite results, read back; None without them."""
    found = scored_read_many(assessments=[assessment])
    return found[0] if found else None


def scored_read_many(*, assessments: list[Assessment]) -> list[Scored]:
    """:func:`scored_read` of several assessments with two queries (their latest runs, then
    those runs' facts), in the order given; assessments without composite results are left
    out."""
    if not assessments:
        return []
    runs = {
        a_id: run
        for a_id, run in result_runs_latest(assessment_ids=[a.pk for a in assessments]).items()
        if run.model == "composite"
    }
    values = run_values(run_ids=[r.pk for r in runs.values()])
    out = []
    for a in assessments:
        run = runs.get(a.pk)
        if run is None:
            continue
        edition = edition_parsed(row=a.edition)
        pipeline = edition_pipeline(row=a.edition, edition=edition)
        explained = composite_unit_read(
            explanation=run.explanation, meta=run.full_meta, unit=unit_key(a.pk)
        )
        unit = unit_with_values(explained, values.get(run.pk, {}))
        out.append(Scored(a, run, unit, edition, pipeline))
    return out


def scores_present(*, scored: Scored, language: str) -> dict[str, Any]:
    """The rows a person reads: per (sub-)dimension its scores, then how each was made."""
    unit, edition = scored.unit, scored.edition
    titles = {d.code: d.title for _a, d in edition.dimensions_walk()}
    depth = {d.code: len(anc) for anc, d in edition.dimensions_walk()}
    questions = edition.indicator_map()
    order = [d.code for _a, d in edition.dimensions_walk()]
    rows = []
    for code in [*order, "_OVERALL"]:
        node = unit.nodes.get(code)
        if node is None:
            continue
        indicators = []
        for icode in node.indicators:
            ind = unit.indicators.get(icode)
            if ind is None:
                continue
            indicators.append(
                {
                    "code": icode,
                    "question": text_get(questions[icode].question, language)
                    if icode in questions
                    else icode,
                    "score": ind,
                    "rule": unit.rules.get(icode),
                    "contribution": node.all_kinds.contributions.get(icode),
                }
            )
        rows.append(
            {
                "code": code,
                "title": text_get(titles.get(code), language) if code in titles else None,
                "depth": depth.get(code, 0),
                "node": node,
                "indicators": indicators,
            }
        )
    return {"run": scored.run, "unit": unit, "rows": rows}


def assessment_scores(*, assessment: Assessment, language: str) -> dict[str, Any]:
    """The latest stored scores of an assessment, ready to read (empty when never scored)."""
    # results are computed by a background task (after a submission, or asked for): until it
    # has run, the page says so
    pending = assessment_results_pending(assessment=assessment)
    scored = scored_read(assessment=assessment)
    if scored is None:
        return {"run": None, "rows": [], "pending": pending}
    return scores_present(scored=scored, language=language[:2]) | {"pending": pending}


@dataclass(frozen=True)
class ResultsRead:
    """An assessment's latest results of any result model, read back from the fact index:
    the run (its model and explanation), the edition, and the facts as the model made them."""

    run: ResultRun
    edition: Edition
    unit: str
    facts: tuple[Fact, ...]


def assessment_results_read(*, assessment: Assessment) -> ResultsRead | None:
    """The latest results of ``assessment`` (None when never computed): facts from the index."""
    run = result_run_latest(assessment=assessment)
    if run is None:
        return None
    unit = unit_key(assessment.pk)
    facts = tuple(
        Fact(
            unit=unit,
            node=row.node,
            measure=row.measure,
            value=row.value,
            category=row.category,
            instance=row.instance,
            parent=row.parent or None,
            depth=row.depth,
            coverage=row.coverage,
            n=row.n,
            reason=row.reason or None,
        )
        for row in ResultFact.objects.filter(assessment=assessment, run=run).order_by("pk")
    )
    return ResultsRead(run, edition_parsed(row=assessment.edition), unit, facts)
