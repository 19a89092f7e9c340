"""The dashboard's pages as data: one call per page (selectors: reads only)."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from django.db.models import QuerySet
from django.urls import reverse

from saferspaces.assessments.models import Assessment, Evidence
from saferspaces.authorities.models import Authority
from saferspaces.core.dashboard import PeerCriteria
from saferspaces.core.framework.model import text_get
from saferspaces.dashboard import charts
from saferspaces.dashboard.models import PeerSharing
from saferspaces.dashboard.peers import learn_from_peers, peer_view
from saferspaces.dashboard.presenters import Audience, UnitResults, presenter_get
from saferspaces.dashboard.profile import (
    assessments_for_dashboard,
    indicator_explain,
    profile_rows,
    progress_rows,
)
from saferspaces.results.selectors import assessment_results_read, scored_read, scored_read_many

_SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # the <slug:code> of the explain URL


class TopRow(NamedTuple):
    """A top-level dimension as the peer view's tables name it."""

    code: str
    title: str


def dashboard_profile(
    *,
    authority: Authority,
    assessment_pk: int | None,
    language: str,
    among: QuerySet[Assessment],
) -> dict[str, Any]:
    """The profile of one scored assessment (the latest by default) and the progress over all,
    drawn only from ``among`` (the assessments the reader may read)."""
    choices = list(assessments_for_dashboard(authority=authority, among=among))
    chosen = next((a for a in choices if a.pk == assessment_pk), choices[0] if choices else None)
    if chosen is None:
        return {"authority": authority, "choices": [], "scored": None}
    # every scored assessment is read once: the history (oldest first) holds the chosen one
    history = scored_read_many(assessments=list(reversed(choices)))
    scored = next(s for s in history if s.assessment.pk == chosen.pk)
    rows = profile_rows(scored=scored, language=language)
    progress, columns = progress_rows(history=history, language=language)
    url = reverse("dashboard:profile", args=[authority.slug]) + f"?assessment={chosen.pk}&chart="
    shown = presenter_get(name="composite").present(
        rows=rows, progress=progress, columns=columns, data_url=url
    )
    return {
        "authority": authority,
        "choices": choices,
        "scored": scored,
        "rows": rows,
        "progress": progress,
        "columns": columns,
        "charts": shown.charts,
        "sections": shown.sections,
        "explain": _explain_groups(scored, language),
        "gap_threshold": scored.pipeline.options.gap_threshold,
        "change_tolerance": scored.pipeline.options.change_tolerance,
    }


def dashboard_peers(
    *,
    assessment: Assessment,
    criteria: PeerCriteria,
    query: str,
    language: str,
    named_page: int = 1,
) -> dict[str, Any]:
    """The peer view's context; ``query`` is the criteria's query string (without the page of
    named peers, ``named_page``), for the links that keep them."""
    scored = scored_read(assessment=assessment)
    if scored is None:
        return {"assessment": assessment, "scored": None}
    view = peer_view(scored=scored, criteria=criteria, named_page=named_page)
    titles = {d.code: t for d in scored.edition.dimensions if (t := _t(d, language))}
    own = {c: n.all_kinds.score for c, n in scored.unit.nodes.items()}
    context: dict[str, Any] = {
        "assessment": assessment,
        "scored": scored,
        "view": view,
        "titles": titles,
        # the top-level dimensions with scores, in edition order: the page reads their codes
        # and titles only (not the profile's rows, whose coverage reads the answers)
        "rows": [
            TopRow(d.code, text_get(d.title, language))
            for d in scored.edition.dimensions
            if d.code in scored.unit.nodes
        ],
        "learn": learn_from_peers(scored=scored, view=view, language=language),
        "query": query,
        "charts": {},
        "kinds": [(k, charts.kind_label(k)) for k in ("all", "perception", "status")],
    }
    if view.refused is None:
        url = reverse("dashboard:peers", args=[assessment.pk]) + f"?{query}&chart=peers"
        chart = charts.peer_chart(view=view, titles=titles, own=own, data_url=url)
        context["charts"] = {chart.id: chart}
    return context


def _t(dim: Any, language: str) -> str:
    from saferspaces.core.framework.model import text_get

    return text_get(dim.title, language) if dim.role == "scored" else ""


def dashboard_explain(*, assessment: Assessment, code: str, language: str) -> dict[str, Any] | None:
    scored = scored_read(assessment=assessment)
    if scored is None:
        return None
    data = indicator_explain(scored=scored, code=code, language=language)
    if data is None:
        return None
    return {"assessment": assessment, "scored": scored, **data}


def sharing_get(*, authority: Authority) -> dict[str, Any]:
    sharing = PeerSharing.objects.filter(authority=authority).first()
    evidence = list(
        Evidence.objects.filter(assessment__authority=authority)
        .select_related("assessment")
        .order_by("code", "pk")
    )
    return {"authority": authority, "sharing": sharing, "evidence": evidence}


def dashboard_round(*, round_: Any, language: str) -> dict[str, Any]:
    """The coordinator's view of a round, with its charts."""
    from saferspaces.dashboard.network import round_dashboard

    data = round_dashboard(round_=round_, language=language)
    url = reverse("dashboard:round", args=[round_.pk]) + "?chart="
    chart_list = [
        charts.distribution_chart(
            rows=data["rows"], minimum=data["minimum"], data_url=url + "distributions"
        ),
        charts.pattern_chart(points=data["points"], data_url=url + "patterns"),
        charts.places_chart(places=data["places"], data_url=url + "map"),
    ]
    from saferspaces.core.dashboard import GAP_CODES

    return data | {
        "charts": {c.id: c for c in chart_list},
        "kinds": [(k, charts.kind_label(k)) for k in ("all", "perception", "status")],
        "gap_codes": GAP_CODES,
    }


def dashboard_public(*, language: str) -> dict[str, Any]:
    from saferspaces.dashboard.network import published_results

    rounds = published_results(language=language)
    for entry in rounds:
        rows = [
            {
                "dimension": f"{i.title} · {charts.kind_label(i.kind)}",
                "n": i.n,
                "q1": i.q1,
                "median": i.median,
                "q3": i.q3,
            }
            for i in entry["items"]
        ]
        entry["chart"] = charts.band_chart(
            chart_id=f"round-{entry['round'].pk}",
            title=entry["round"].title,
            summary=charts.public_summary(len(rows)),
            rows=rows,
            data_url=reverse("dashboard:results")
            + f"?round={entry['round'].pk}&chart=round-{entry['round'].pk}",
            own=False,
            group="all",
        )
    return {"rounds": rounds}


def _explain_groups(scored: Any, language: str) -> list[dict[str, Any]]:
    from saferspaces.core.framework.model import text_get

    # one reverse() for the page, not one per indicator (a hundred on the bundled edition):
    # indicator codes are slugs, so the link is the same string reverse() would build
    marker = "code-marker"
    base = reverse("dashboard:explain", args=[scored.assessment.pk, marker])
    prefix, suffix = base.rsplit(marker, 1)

    def link(code: str) -> str:
        if _SLUG.fullmatch(code):
            return f"{prefix}{code}{suffix}"
        return reverse("dashboard:explain", args=[scored.assessment.pk, code])

    groups = []
    for dim in scored.edition.dimensions:
        if dim.role != "scored":
            continue
        items = [
            (i.code, scored.unit.indicators[i.code], text_get(i.question, language), link(i.code))
            for _a, sub in dim.walk()
            for i in sub.indicators
            if i.code in scored.unit.indicators
        ]
        groups.append(
            {"code": dim.code, "title": text_get(dim.title, language), "indicators": items}
        )
    return groups


def dashboard_results(*, assessment: Assessment, language: str, is_subject: bool) -> dict[str, Any]:
    """The results page of an assessment of any result model: its presenter's sections, each
    with its chart and data table, drawn from the fact index (composite results have the
    authority's profile page; this page links to it)."""
    read = assessment_results_read(assessment=assessment)
    context: dict[str, Any] = {
        "assessment": assessment,
        "read": read,
        "model": read.run.model if read else None,
        "charts": {},
    }
    if read is None or read.run.model == "composite":
        return context | {"sections": ()}
    url = reverse("dashboard:assessment_results", args=[assessment.pk]) + "?chart="
    shown = presenter_get(name=read.run.model).present(
        results=UnitResults(read.unit, read.edition, read.facts, read.run.explanation),
        language=language,
        audience=Audience(is_subject=is_subject),
        data_url=url,
    )
    return context | {
        "sections": shown.sections,
        "charts": shown.charts,
        "hidden": shown.hidden,
        "edition_title": text_get(read.edition.title, language),
    }
