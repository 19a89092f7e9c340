"""An authority's own scores: profile, gap words, coverage, progress, and the explanation of a
score down to the answer (selectors: reads only). Results are read through the results layer
(``results.selectors.scored_read_many``: scores from the fact index, the rest from the run's
explanation)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from saferspaces.assessments.models import Answer, AnswerRevision, Assessment, Evidence
from saferspaces.authorities.models import Authority
from saferspaces.core.assessment import KindScore, NodeScores, UnitScores
from saferspaces.core.dashboard import Change, GapReading, change_read, gap_read, nodes_comparable
from saferspaces.core.framework.model import text_get
from saferspaces.results.selectors import Scored, assessments_scored

KINDS = ("all", "perception", "status")


@dataclass(frozen=True)
class Coverage:
    answered: int
    applicable: int
    prefilled: int
    missing: int
    not_applicable: int
    imputed: int = 0  # the platform never imputes; kept so the page can say so

    @property
    def share(self) -> float | None:
        return self.answered / self.applicable if self.applicable else None


@dataclass(frozen=True)
class ProfileRow:
    code: str
    title: str
    depth: int
    scores: dict[str, KindScore]
    gap: GapReading
    coverage: Coverage


@dataclass
class ProgressRow:
    code: str
    title: str
    points: list[dict[str, Any]] = field(default_factory=list)  # per assessment, oldest first


def scored_assessments(*, authority: Authority) -> QuerySet[Assessment]:
    """The authority's assessments that have scores, oldest first (by round period, then date).

    The edition's YAML source is not read with them (``edition_parsed`` reads it once)."""
    return (
        assessments_scored(among=Assessment.objects.filter(authority=authority))
        .select_related("round", "edition", "authority")
        .defer("edition__source")
        .order_by("round__period_end", "created_at", "pk")
    )


def _coverage(
    node: NodeScores, prefilled: set[str], unit: UnitScores, members: list[str]
) -> Coverage:
    a = node.all_kinds.availability
    return Coverage(
        answered=a.answered,
        applicable=a.applicable,
        prefilled=sum(
            1 for c in members if c in prefilled and unit.indicators[c].status == "answered"
        ),
        missing=a.missing,
        not_applicable=a.not_applicable,
    )


def _members(unit: UnitScores) -> dict[str, list[str]]:
    """The indicators under each node (its own and its sub-dimensions'), in the unit's order."""
    out: dict[str, list[str]] = defaultdict(list)
    for code, indicator in unit.indicators.items():
        node: str | None = indicator.holder
        while node is not None:
            out[node].append(code)
            parent = unit.nodes.get(node)
            node = parent.parent if parent is not None else None
    return out


def profile_rows(*, scored: Scored, language: str) -> list[ProfileRow]:
    """Every scored (sub-)dimension in edition order, with kinds, gap words and coverage."""
    prefilled = set(
        Answer.objects.filter(assessment=scored.assessment, prefill__isnull=False).values_list(
            "code", flat=True
        )
    )
    threshold = scored.pipeline.options.gap_threshold
    members = _members(scored.unit) if prefilled else {}
    rows = []
    for ancestors, dim in scored.edition.dimensions_walk():
        node = scored.unit.nodes.get(dim.code)
        if node is None:
            continue
        rows.append(
            ProfileRow(
                code=dim.code,
                title=text_get(dim.title, language),
                depth=len(ancestors),
                scores={k: node.kind(k) for k in KINDS},
                gap=gap_read(
                    value=node.gap.value,
                    threshold=threshold,
                    interval=node.gap.interval,
                    reason=node.gap.reason,
                ),
                coverage=_coverage(node, prefilled, scored.unit, members.get(dim.code, [])),
            )
        )
    return rows


def progress_rows(
    *, history: list[Scored], language: str
) -> tuple[list[ProgressRow], list[dict[str, Any]]]:
    """Top-level dimensions across the authority's scored assessments, oldest first.

    Each point after the first carries the change read against the uncertainty for every kind,
    or ``comparable: False`` with the reason when the edition changed the dimension.
    """
    if not history:
        return [], []
    latest = history[-1]
    columns = [
        {
            "assessment": s.assessment,
            "label": s.assessment.round.title if s.assessment.round else s.assessment.title,
            "edition": s.edition.id,
        }
        for s in history
    ]
    rows = []
    for dim in latest.edition.dimensions:
        if dim.role != "scored":
            continue
        row = ProgressRow(code=dim.code, title=text_get(dim.title, language))
        previous: Scored | None = None
        for s in history:
            node = s.unit.nodes.get(dim.code)
            point: dict[str, Any] = {"scored": s, "node": node, "changes": {}}
            if previous is not None:
                comparable = nodes_comparable(old=previous.edition, new=s.edition).get(dim.code)
                point["comparable"] = comparable is not None and comparable.comparable
                point["reason"] = comparable.reason if comparable else "missing_before"
                before = previous.unit.nodes.get(dim.code)
                if point["comparable"] and before is not None and node is not None:
                    tol = s.pipeline.options.change_tolerance
                    changes: dict[str, Change] = {}
                    for k in KINDS:
                        b, a = before.kind(k), node.kind(k)
                        changes[k] = change_read(
                            before=b.score,
                            after=a.score,
                            tolerance=tol,
                            before_interval=b.interval,
                            after_interval=a.interval,
                        )
                    point["changes"] = changes
            row.points.append(point)
            previous = s
        rows.append(row)
    return rows, columns


def indicator_explain(*, scored: Scored, code: str, language: str) -> dict[str, Any] | None:
    """Everything behind one indicator's score: answer, evidence, history, rule, weights."""
    ind = scored.unit.indicators.get(code)
    question = scored.edition.indicator_map().get(code)
    if ind is None or question is None:
        return None
    path = []
    node: str | None = ind.holder
    while node is not None and node in scored.unit.nodes:
        n = scored.unit.nodes[node]
        path.append(
            {
                "code": node,
                "title": next(
                    (
                        text_get(d.title, language)
                        for _a, d in scored.edition.dimensions_walk()
                        if d.code == node
                    ),
                    node,
                ),
                "weight": n.kind("all").weights.get(code),
                "weight_kind": n.kind(ind.kind).weights.get(code)
                if ind.kind in ("perception", "status")
                else None,
                "score": n.kind("all").score,
                "contribution": n.kind("all").contributions.get(code),
            }
        )
        node = n.parent
    a = scored.assessment
    normalisation = None
    rule = scored.unit.rules.get(code)
    if rule is not None and rule.method == "data_driven":
        normalisation = dict(scored.pipeline.normalisation(code))
    return {
        "code": code,
        "question": question,
        "question_text": text_get(question.question, language),
        "score": ind,
        "rule": rule,
        "normalisation": normalisation,
        "path": path,
        "answer": Answer.objects.filter(assessment=a, code=code).first(),
        "evidence": list(Evidence.objects.filter(assessment=a, code=code)),
        "history": list(
            AnswerRevision.objects.filter(assessment=a, code=code)
            .select_related("changed_by")
            .order_by("-version", "-id")
        ),
    }


def assessments_for_dashboard(
    *, authority: Authority, among: QuerySet[Assessment]
) -> QuerySet[Assessment]:
    """Scored assessments of the authority, newest first (for the picker), limited to ``among``:
    those the reader may read (``assessments_readable``) or that a report may show with its own
    (``assessments_shown_with``)."""
    return (
        scored_assessments(authority=authority)
        .filter(pk__in=among.values("pk"))
        .order_by("-round__period_end", "-created_at", "-pk")
    )
