"""A network's round for its coordinators, and what is public (selectors: reads only).

Distributions are given only for groups of at least ``SAFERSPACES_PEER_MINIMUM`` authorities;
points of a perception-status chart carry no name; nothing is ordered by score.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.utils.translation import gettext as _

from saferspaces.assessments.models import (
    NOT_SUBMITTED,
    NOT_SUBMITTED_LABEL,
    Assessment,
    AssessmentState,
    Round,
)
from saferspaces.assessments.selectors import round_assessments
from saferspaces.core.dashboard import distribution_summary, gap_read
from saferspaces.core.framework.model import text_get
from saferspaces.dashboard.peers import peer_minimum
from saferspaces.dashboard.profile import KINDS
from saferspaces.frameworks.selectors import edition_parsed, edition_pipeline
from saferspaces.results.rounds import published_aggregates, round_node_values
from saferspaces.results.selectors import KIND_MEASURES

#: The one definition of what counts in a round's distributions and published results: the
#: assessments its coordinators accepted. A submission waiting for review, a returned one and a
#: draft never count.
RESULT_STATES = (AssessmentState.ACCEPTED,)


def round_result_counts(*, round_: Round) -> dict[str, int]:
    """How many of the round's assessments count for its results (accepted), how many wait for
    review (submitted), and how many take part in all."""
    states = Counter(Assessment.objects.filter(round=round_).values_list("state", flat=True))
    return {
        "accepted": sum(states[s] for s in RESULT_STATES),
        "awaiting_review": states[AssessmentState.SUBMITTED],
        "participants": sum(states.values()),
    }


def _edition_bits(round_: Round) -> tuple[Any, Any]:
    edition = edition_parsed(row=round_.edition)
    return edition, edition_pipeline(row=round_.edition, edition=edition)


def round_distributions(*, round_: Round, language: str) -> dict[str, Any]:
    """Per top-level dimension and kind: n, quartiles (None below the minimum), gap readings,
    over the round's accepted assessments (:data:`RESULT_STATES`)."""
    edition, pipeline = _edition_bits(round_)
    minimum = peer_minimum()
    values: dict[str, dict[str, list[float | None]]] = defaultdict(lambda: defaultdict(list))
    gaps: dict[str, Counter[str]] = defaultdict(Counter)
    points: list[dict[str, Any]] = []
    titles = {d.code: text_get(d.title, language) for d in edition.dimensions}
    top = [d.code for d in edition.dimensions if d.role == "scored"]
    for _a, node, measures in round_node_values(round_=round_, nodes=top, states=RESULT_STATES):
        for kind, measure in KIND_MEASURES.items():
            values[node][kind].append(measures.get(measure))
        gap = measures.get("gap")
        gaps[node][gap_read(value=gap, threshold=pipeline.options.gap_threshold).code] += 1
        perception, status = measures.get("perception"), measures.get("status")
        if perception is not None and status is not None:
            points.append(
                {"dimension": titles.get(node, node), "perception": perception, "status": status}
            )
    rows = []
    for dim in edition.dimensions:
        if dim.role != "scored":
            continue
        stats = {
            k: distribution_summary(values=values[dim.code][k], minimum=minimum) for k in KINDS
        }
        n = len(values[dim.code]["all"])
        rows.append(
            {
                "code": dim.code,
                "title": titles[dim.code],
                "n": n,
                "stats": stats,
                "gaps": dict(gaps[dim.code]) if n >= minimum else None,
            }
        )
    per_dim = Counter(p["dimension"] for p in points)
    shown_points = [p for p in points if per_dim[p["dimension"]] >= minimum]
    return {
        "rows": rows,
        "points": shown_points,
        "minimum": minimum,
        "gap_threshold": pipeline.options.gap_threshold,
    }


def round_dashboard(*, round_: Round, language: str) -> dict[str, Any]:
    """Participation, completion, distributions, gap patterns, the map and what is published."""
    authorities = round_assessments(round_=round_)
    # drafts and returned ones of a closed round count as not submitted
    counts = Counter(row["assessment"].state_code for row in authorities)
    states = [(s.label, counts[s.value]) for s in AssessmentState if s.value in counts]
    if counts[NOT_SUBMITTED]:
        states.append((NOT_SUBMITTED_LABEL, counts[NOT_SUBMITTED]))
    places = [
        {
            "name": row["assessment"].authority.name,
            "state": row["assessment"].get_state_display(),
            "latitude": float(row["assessment"].authority.latitude),
            "longitude": float(row["assessment"].authority.longitude),
        }
        for row in authorities
        if row["assessment"].authority.latitude is not None
        and row["assessment"].authority.longitude is not None
    ]
    published = {(p.node, p.kind): p for p in published_aggregates(round_=round_)}
    return {
        "round": round_,
        "states": states,
        "total": sum(counts.values()),
        "authorities": authorities,
        "places": places,
        "published": published,
        "counts": round_result_counts(round_=round_),
        **round_distributions(round_=round_, language=language),
    }


def published_results(*, language: str) -> list[dict[str, Any]]:
    """Every round with published aggregates, for anyone."""
    rows: dict[int, dict[str, Any]] = {}
    for p in published_aggregates().order_by("-round__period_end", "round_id", "node", "kind"):
        entry = rows.setdefault(
            p.round_id,
            {
                "round": p.round,
                "items": [],
                "accepted": p.accepted,
                "participants": p.participants,
                "published_at": p.published_at,
            },
        )
        entry["items"].append(p)
    for entry in rows.values():
        edition, _p = _edition_bits(entry["round"])
        titles = {d.code: text_get(d.title, language) for d in edition.dimensions}
        order = {d.code: i for i, d in enumerate(edition.dimensions)}
        labels = {"all": _("All indicators"), "perception": _("Perception"), "status": _("Status")}
        for item in entry["items"]:
            item.title = titles.get(item.node, item.node)
            item.kind_label = labels.get(item.kind, item.kind)
        entry["items"].sort(key=lambda i: (order.get(i.node, 99), KINDS.index(i.kind)))
    return list(rows.values())
