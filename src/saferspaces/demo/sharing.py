"""Demo sharing choices: some authorities open to contact (with practices and shared evidence),
some that publish their results, so that "Learn from peers" and named peers can be seen."""

from __future__ import annotations

import datetime as dt
import random

from saferspaces.accounts.models import User
from saferspaces.assessments.models import Answer, Assessment, AssessmentState, Evidence, Round
from saferspaces.authorities.models import Authority
from saferspaces.dashboard.models import PeerSharing
from saferspaces.results.computing import assessment_results_compute

TOPICS = (
    "Night-time lighting audits with residents",
    "Exploratory walks with women and older people",
    "A shared data agreement with the national police",
    "Place management of the station square",
)


def demo_sharing_build(
    *, rounds: list[Round], persona: Authority, coordinator: User, seed: int, now: dt.datetime
) -> None:
    """Sharing choices for the demo authorities, and scores of the persona's draft (idempotent)."""
    rng = random.Random(seed + 11)
    authorities = list(
        Authority.objects.filter(assessments__round__in=rounds).distinct().order_by("pk")
    )
    if PeerSharing.objects.filter(authority__in=authorities).exists():
        return
    latest = rounds[-1]
    shared: list[PeerSharing] = []
    for authority in authorities:
        if authority.pk == persona.pk:
            continue
        open_to_contact = rng.random() < 0.6
        publish = rng.random() < 0.25
        if not (open_to_contact or publish):
            continue
        shared.append(
            PeerSharing(
                authority=authority,
                open_to_contact=open_to_contact,
                contact_name=f"Safety team of {authority.name}" if open_to_contact else "",
                contact_email=f"safety@{authority.slug}.example.org" if open_to_contact else "",
                note=rng.choice(TOPICS) if open_to_contact else "",
                publish_results=publish,
                updated_at=now,
            )
        )
    PeerSharing.objects.bulk_create(shared)
    evidence = []
    for sharing in shared:
        if not sharing.open_to_contact:
            continue
        assessment = Assessment.objects.filter(
            authority_id=sharing.authority_id, round=latest
        ).first()
        if assessment is None:
            continue
        codes = list(
            Answer.objects.filter(assessment=assessment, status="answered", value="yes")
            .order_by("code")
            .values_list("code", flat=True)[:2]
        )
        evidence += [
            Evidence(
                assessment=assessment,
                code=code,
                source_name=f"{sharing.note} ({assessment.authority.name})",
                year=latest.period_end.year,
                url=f"https://{assessment.authority.slug}.example.org/safety/{code.lower()}",
                shared_with_peers=True,
                added_at=now,
            )
            for code in codes
        ]
    Evidence.objects.bulk_create(evidence)
    draft = Assessment.objects.filter(
        authority=persona, round=latest, state=AssessmentState.DRAFT
    ).first()
    if draft is not None:
        assessment_results_compute(assessment=draft, user=coordinator, trigger="on_demand", now=now)
