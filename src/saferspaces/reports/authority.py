"""The authority report: what an authority takes to its council (selectors: reads only).

One scored assessment, read through the dashboard's own selectors (profile, progress, peer band
with the default criteria, learn from peers), plus coverage, the provenance of open-data values
and the pipeline applied. The same context feeds the web page and the tagged PDF. No ranking:
the authority is compared with its own past and placed in a band among similar authorities.

:func:`authority_report_stamp` fingerprints everything the report reads; its date (the latest
change, never "now") is the report's date, so the same data gives the same file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from saferspaces.assessments.models import Answer, Assessment, Evidence, PrefillDecision
from saferspaces.assessments.permissions import assessments_shown_with
from saferspaces.core.dashboard import PeerCriteria
from saferspaces.core.framework.model import text_get
from saferspaces.dashboard.charts import kind_label, peer_chart, profile_chart, progress_chart
from saferspaces.dashboard.models import PeerSharing
from saferspaces.dashboard.selectors import dashboard_peers, dashboard_profile
from saferspaces.reports.annex import pipeline_steps
from saferspaces.reports.loading import RENDER_VERSION, round_data_stamp
from saferspaces.results.rounds import facts_stamp, profiles_stamp, runs_stamp
from saferspaces.web.numbers import number_text

#: an indicator scoring at least STRONG of 100 is listed as a strength, under WEAK as a weakness
#: (the top and bottom quarter of the scale every scoring rule maps answers into)
STRONG = 75.0
WEAK = 25.0


def authority_report_stamp(*, assessment: Assessment) -> tuple[str, dt.datetime]:
    """A fingerprint of everything the authority report reads, and the latest change's date."""
    authority_scope = Q(assessment__authority_id=assessment.authority_id)
    parts: dict[str, Any] = {
        "version": RENDER_VERSION,
        "assessment": [
            assessment.pk,
            assessment.title,
            assessment.state,
            assessment.updated_at,
            str(assessment.edition_id),
        ],
        "authority": [assessment.authority.name, assessment.authority.slug],
        "runs": runs_stamp(scope=authority_scope),
        "answers": Answer.objects.filter(assessment=assessment).aggregate(
            n=Count("pk"), at=Max("updated_at")
        ),
        "evidence": Evidence.objects.filter(assessment=assessment).aggregate(
            n=Count("pk"), last=Max("pk"), at=Max("added_at")
        ),
        "decisions": PrefillDecision.objects.filter(assessment=assessment).aggregate(
            n=Count("pk"), last=Max("pk"), at=Max("at")
        ),
        "sharing": PeerSharing.objects.aggregate(n=Count("pk"), at=Max("updated_at")),
        "peer_minimum": int(settings.PEER_MINIMUM),
    }
    dates: list[dt.datetime] = [assessment.updated_at]
    round_ = assessment.round
    if round_ is not None:
        fingerprint, _date = round_data_stamp(round_=round_)
        parts["round"] = fingerprint
        parts["facts"] = facts_stamp(network_id=round_.network_id)
        parts["profiles"] = profiles_stamp(round_=round_)
    for value in parts.values():
        if isinstance(value, dict):
            dates += [v for v in value.values() if isinstance(v, dt.datetime)]
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest(), max(dates)


def authority_report(*, assessment: Assessment, language: str) -> dict[str, Any]:
    """The report of one scored assessment, or ``scored: None`` when it has no scores."""
    profile = dashboard_profile(
        authority=assessment.authority,
        assessment_pk=assessment.pk,
        language=language,
        among=assessments_shown_with(assessment),
    )
    scored = profile.get("scored")
    if scored is None or scored.assessment.pk != assessment.pk:
        return {"assessment": assessment, "authority": assessment.authority, "scored": None}
    date = authority_report_stamp(assessment=assessment)[1]
    rows = profile["rows"]
    top = [r for r in rows if r.depth == 0]
    progress, columns = _progress_until(profile["progress"], profile["columns"], assessment)
    peers = dashboard_peers(
        assessment=assessment, criteria=PeerCriteria(), query="", language=language
    )
    view = peers["view"]
    band_rows = _band_rows(top, view) if view.refused is None else []
    strengths, weaknesses = _indicator_readings(scored, language)
    context: dict[str, Any] = {
        "assessment": assessment,
        "authority": assessment.authority,
        "scored": scored,
        "edition_title": text_get(scored.edition.title, language),
        "data_date": date,
        "rows": rows,
        "top": top,
        "progress": progress,
        "columns": columns,
        "view": view,
        "criteria": view.criteria,
        "band_rows": band_rows,
        "learn": peers["learn"],
        "strengths": strengths,
        "weaknesses": weaknesses,
        "dimension_strengths": _in_band(band_rows, "above"),
        "dimension_weaknesses": _in_band(band_rows, "below"),
        "strong": STRONG,
        "weak": WEAK,
        "prefilled": _prefilled(assessment, scored, language),
        "missing": _missing(scored, language),
        "evidence": list(
            Evidence.objects.filter(assessment=assessment).order_by("code", "added_at", "pk")
        ),
        "gap_threshold": scored.pipeline.options.gap_threshold,
        "change_tolerance": scored.pipeline.options.change_tolerance,
        "pipeline": scored.pipeline,
        "steps": pipeline_steps(steps=scored.pipeline.spec.steps),
        "peer_minimum": view.minimum,
        "not_final": assessment.state in ("draft", "returned"),
    }
    context["summary"] = _summary(context)
    context["criteria_text"] = _criteria_text(view.criteria)
    context["kinds"] = [(k, kind_label(k)) for k in ("all", "perception", "status")]
    context["readings"] = [
        (
            _("Strengths: indicators scoring %(n)s or more")
            % {"n": number_text(STRONG, decimals=0)},
            strengths,
            "t-strengths",
        ),
        (
            _("Weaknesses: indicators scoring under %(n)s") % {"n": number_text(WEAK, decimals=0)},
            weaknesses,
            "t-weaknesses",
        ),
    ]
    # the dashboard's own chart definitions, drawn as SVG for print by {% chart_svg %}
    own = {code: node.all_kinds.score for code, node in scored.unit.nodes.items()}
    context["charts"] = {
        "profile": profile_chart(rows=rows),
        "progress": progress_chart(rows=progress, columns=columns) if len(columns) > 1 else None,
        "band": (
            peer_chart(view=view, titles=peers["titles"], own=own) if view.refused is None else None
        ),
    }
    return context


def _progress_until(
    progress: list[Any], columns: list[dict[str, Any]], assessment: Assessment
) -> tuple[list[Any], list[dict[str, Any]]]:
    """Progress up to the reported assessment: a report on an earlier round ignores later ones."""
    index = next((i for i, c in enumerate(columns) if c["assessment"].pk == assessment.pk), None)
    if index is None:
        return progress, columns
    for row in progress:
        row.points = row.points[: index + 1]
    return progress, columns[: index + 1]


def _band_rows(top: list[Any], view: Any) -> list[dict[str, Any]]:
    """Per top-level dimension: its code, title and band (or None) of every kind."""
    return [
        {"code": r.code, "title": r.title}
        | {k: view.bands.get(r.code, {}).get(k) for k in ("all", "perception", "status")}
        for r in top
    ]


def _in_band(band_rows: list[dict[str, Any]], band: str) -> list[dict[str, Any]]:
    """The dimensions whose score (all indicators) falls in ``band`` (below, within, above)."""
    return [r for r in band_rows if r["all"] is not None and r["all"].band == band]


def _indicator_readings(
    scored: Any, language: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Indicators at or above STRONG and under WEAK, in the order of the framework."""
    strengths, weaknesses = [], []
    for dim, ind in scored.edition.indicators():
        result = scored.unit.indicators.get(ind.code)
        if result is None or result.score is None:
            continue
        entry = {
            "code": ind.code,
            "question": text_get(ind.question, language),
            "dimension": text_get(dim.title, language),
            "kind": kind_label(ind.kind),
            "score": result.score,
        }
        if result.score >= STRONG:
            strengths.append(entry)
        elif result.score < WEAK:
            weaknesses.append(entry)
    return strengths, weaknesses


def _prefilled(assessment: Assessment, scored: Any, language: str) -> list[dict[str, Any]]:
    """Answers taken from open data, with their source; and suggestions the team overrode."""
    questions = scored.edition.indicator_map()
    answers = {a.code: a for a in Answer.objects.filter(assessment=assessment)}
    out = []
    for code, answer in sorted(answers.items()):
        if not answer.prefill:
            continue
        out.append(_provenance_row(code, questions, answer.prefill, answer, "accepted", language))
    overridden: dict[str, PrefillDecision] = {}
    for decision in PrefillDecision.objects.filter(assessment=assessment, decision="rejected"):
        overridden.setdefault(decision.code, decision)  # newest first
    for code, decision in sorted(overridden.items()):
        current = answers.get(code)
        if current is not None and current.prefill:
            continue
        out.append(
            _provenance_row(code, questions, decision.suggestion, current, "overridden", language)
        )
    return out


def _provenance_row(
    code: str,
    questions: dict[str, Any],
    data: dict[str, Any],
    answer: Answer | None,
    decision: str,
    language: str,
) -> dict[str, Any]:
    question = questions.get(code)
    return {
        "code": code,
        "question": text_get(question.question, language) if question else code,
        "indicator": question,
        "decision": decision,
        "value": data.get("value"),
        "unit": data.get("unit") or "",
        "answer": answer,
        "dataset": data.get("dataset") or "",
        "geo": data.get("geo") or "",
        "period": data.get("period") or "",
        "retrieved_at": (data.get("retrieved_at") or "")[:10],
        "provenance": data.get("provenance") or "",
        "flags": ", ".join(data.get("flags") or []),
    }


def _missing(scored: Any, language: str) -> list[dict[str, Any]]:
    """Applicable indicators without a score, with the reason (never hidden, never imputed)."""
    out = []
    for dim, ind in scored.edition.indicators():
        result = scored.unit.indicators.get(ind.code)
        if result is None or result.score is not None or result.status == "not_applicable":
            continue
        out.append(
            {
                "code": ind.code,
                "question": text_get(ind.question, language),
                "dimension": text_get(dim.title, language),
                "status": result.status,
                "reason": result.reason or result.status,
            }
        )
    return out


def _summary(c: dict[str, Any]) -> list[str]:
    """The report's summary in plain sentences, from the readings shown in the sections."""
    top = c["top"]
    answered = sum(r.coverage.answered for r in top)
    applicable = sum(r.coverage.applicable for r in top)
    prefilled = sum(r.coverage.prefilled for r in top)
    out = [
        _(
            "%(answered)s of the %(applicable)s scored indicators that apply have an answer that "
            "counts (%(prefilled)s taken from open data); missing answers are shown, never "
            "counted as zero. The checklist and the background conditions are not scored."
        )
        % {"answered": answered, "applicable": applicable, "prefilled": prefilled}
    ]
    for code, text in (
        ("feel_less_safe", _("People feel less safe than the data suggest in: %(titles)s.")),
        ("feel_safer", _("People feel safer than the data suggest in: %(titles)s.")),
        ("aligned", _("Perception and status agree in: %(titles)s.")),
        (
            "uncertain",
            _("The gap is uncertain (the agreed answers could change it) in: %(titles)s."),
        ),
        (
            "unknown",
            _("The gap cannot be read, because perception or status has no score, in: %(titles)s."),
        ),
    ):
        titles = [r.title for r in top if r.gap.code == code]
        if titles:
            out.append(text % {"titles": ", ".join(titles)})
    if len(c["columns"]) > 1:
        up, down = [], []
        for row in c["progress"]:
            change = row.points[-1].get("changes", {}).get("all")
            if change is not None and change.direction == "up":
                up.append(row.title)
            elif change is not None and change.direction == "down":
                down.append(row.title)
        out.append(
            _(
                "Since the previous assessment, beyond the uncertainty: up in %(up)s; down in %(down)s."
            )
            % {
                "up": ", ".join(up) or _("no dimension"),
                "down": ", ".join(down) or _("no dimension"),
            }
        )
    else:
        out.append(_("This is the first assessment with scores: progress appears from the next."))
    view = c["view"]
    if view.refused is None:
        values: dict[str, object] = {"n": view.peers}
        for band in ("above", "within", "below"):
            titles = [r["title"] for r in _in_band(c["band_rows"], band)]
            values[band] = ", ".join(titles) or _("no dimension")
        out.append(
            _(
                "Among %(n)s similar authorities: above their middle half in %(above)s; within "
                "it in %(within)s; below it in %(below)s."
            )
            % values
        )
    else:
        out.append(_("No peer band: see the section on similar authorities for the reason."))
    return out


def _criteria_text(criteria: PeerCriteria) -> str:
    from saferspaces.dashboard.templatetags.dashboard import criterion_title

    parts = []
    for key in criteria.active():
        value = getattr(criteria, key)
        if key in ("population_factor", "density_factor"):
            parts.append(
                _("%(criterion)s within a factor of %(f)s")
                % {"criterion": criterion_title(key), "f": number_text(value)}
            )
        elif key == "income_range":
            parts.append(
                _("%(criterion)s within %(r)s%% either way")
                % {"criterion": criterion_title(key), "r": number_text(value * 100)}
            )
        else:
            parts.append(criterion_title(key))
    return ", ".join(parts) or _("none (every authority of the round)")
