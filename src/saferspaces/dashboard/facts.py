"""Writing the derived score index (:class:`ScoreFact`, :class:`PeerProfile`) from score runs.

Called by the scoring service in the same transaction as the runs it stores, so the index is
never older than the latest run. ``score_facts_rebuild`` rewrites it for existing runs (the
``dashboard rebuild`` command, after an upgrade).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from saferspaces.assessments.models import Answer, Assessment, ScoreRun
from saferspaces.core.assessment import PlatformOptions
from saferspaces.dashboard.models import PeerProfile, ScoreFact

NUMERIC = ("population", "density", "income")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _facts(run: ScoreRun, assessment: Assessment) -> list[ScoreFact]:
    unit = run.result.get("units", {}).get(f"A{assessment.pk}", {})
    nodes: dict[str, Any] = unit.get("nodes", {})
    out = []
    for code, node in nodes.items():
        depth, parent = 0, node.get("parent")
        while parent is not None and parent in nodes and depth < 10:
            depth += 1
            parent = nodes[parent].get("parent")
        share = None
        avail = node["all"].get("availability", {})
        applicable = sum(avail.get(k, 0) for k in avail if k != "not_applicable")
        if applicable:
            share = avail.get("answered", 0) / applicable
        out.append(
            ScoreFact(
                assessment=assessment,
                run=run,
                round_id=assessment.round_id,
                authority_id=assessment.authority_id,
                node=code,
                depth=depth,
                score=node["all"].get("score"),
                perception=node["perception"].get("score"),
                status=node["status"].get("score"),
                gap=node["gap"].get("value"),
                coverage=share,
            )
        )
    return out


def _profile(
    assessment: Assessment, answers: dict[str, Any], options: PlatformOptions
) -> PeerProfile:
    authority = assessment.authority
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for condition, code in options.background.items():
        if code in answers:
            value = answers[code]
            if condition in NUMERIC:
                value = _number(value)
            elif not isinstance(value, str):
                value = None
            if value is not None:
                values[condition] = value
                sources[condition] = "answer"
    registry = {"population": authority.population, "density": authority.density}
    for condition, value in registry.items():
        if condition not in values and value is not None:
            values[condition] = float(value)
            sources[condition] = "registry"
    return PeerProfile(
        assessment=assessment,
        round_id=assessment.round_id,
        authority=authority,
        state=assessment.state,
        kind=authority.kind,
        nuts_level=authority.nuts_region.level,
        country=authority.country_code,
        urbanisation=values.get("urbanisation") or "",
        population=values.get("population"),
        density=values.get("density"),
        income=values.get("income"),
        sources=sources,
    )


def score_facts_write(*, runs: Sequence[ScoreRun], options: PlatformOptions) -> None:
    """Replace the index rows of the runs' assessments with the runs' scores and conditions."""
    if not runs:
        return
    ids = [r.assessment_id for r in runs]
    assessments = {
        a.pk: a
        for a in Assessment.objects.filter(pk__in=ids).select_related(
            "authority", "authority__nuts_region"
        )
    }
    answers: dict[int, dict[str, Any]] = {i: {} for i in ids}
    codes = list(options.background.values())
    if codes:
        for a_id, code, value in Answer.objects.filter(
            assessment_id__in=ids, code__in=codes, status="answered"
        ).values_list("assessment_id", "code", "value"):
            answers[a_id][code] = value
    facts: list[ScoreFact] = []
    profiles: list[PeerProfile] = []
    for run in runs:
        assessment = assessments[run.assessment_id]
        facts += _facts(run, assessment)
        profiles.append(_profile(assessment, answers[assessment.pk], options))
    with transaction.atomic():
        ScoreFact.objects.filter(assessment_id__in=ids).delete()
        PeerProfile.objects.filter(assessment_id__in=ids).delete()
        ScoreFact.objects.bulk_create(facts, batch_size=2000)
        PeerProfile.objects.bulk_create(profiles, batch_size=2000)


def score_facts_rebuild(*, assessments: Iterable[Assessment] | None = None) -> int:
    """Rewrite the index from every assessment's latest run; returns the number of assessments."""
    from saferspaces.assessments.editions import assessment_edition
    from saferspaces.assessments.scoring import edition_pipeline

    qs = Assessment.objects.select_related("edition")
    chosen = list(assessments) if assessments is not None else list(qs)
    done = 0
    by_edition: dict[str, list[ScoreRun]] = {}
    rows: dict[str, Assessment] = {}
    for a in chosen:
        run = ScoreRun.objects.filter(assessment=a).order_by("-computed_at", "-id").first()
        if run is not None:
            by_edition.setdefault(a.edition.edition_id, []).append(run)
            rows[a.edition.edition_id] = a
    for edition_id, runs in by_edition.items():
        sample = rows[edition_id]
        pipeline = edition_pipeline(
            row=sample.edition, edition=assessment_edition(assessment=sample)
        )
        score_facts_write(runs=runs, options=pipeline.options)
        done += len(runs)
    return done


def peer_profile_state_sync(*, assessment: Assessment) -> int:
    """Copy the assessment's state onto its peer profile (the peer pool reads it there).

    A profile is written with the state when the assessment is scored; the workflow calls this
    on every transition (accepted, returned, reopened without a new score), in its transaction.
    One indexed UPDATE; nothing when the assessment has no profile or the state is the same.
    """
    return (
        PeerProfile.objects.filter(assessment_id=assessment.pk)
        .exclude(state=assessment.state)
        .update(state=assessment.state)
    )
