"""Demo rounds and answers: two rounds of the main network, so that progress, peers and the
workflow can be seen. Answers are drawn by a seeded generator around each authority's own
profile (some better on perception, some on status), with a share of explicit don't know and
data not collected; the persona authority has an accepted first round and a draft second one.
Rows are bulk-created (the generator writes history rows itself) to keep the demo fast.
Every event (start, submission, return, acceptance, answer, score) is dated at or before ``now``,
the day the demo is loaded; only the open round's deadline lies ahead."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from saferspaces.accounts.models import AuthorityMembership, Role, User
from saferspaces.assessments.editions import edition_layout
from saferspaces.assessments.models import (
    Answer,
    AnswerRevision,
    Assessment,
    AssessmentState,
    Round,
    Transition,
)
from saferspaces.authorities.models import Authority, Network
from saferspaces.core.framework import ChecklistItem, Indicator
from saferspaces.core.framework.relevance import relevance_evaluate
from saferspaces.frameworks.models import FrameworkEdition
from saferspaces.frameworks.selectors import edition_parsed
from saferspaces.results.computing import round_results_compute

EDITION_ID = "ssf-2026.1"
ROUND_TITLES = ("Pilot round 2025", "Round 2026")


def _value(q: Indicator | ChecklistItem, rng: random.Random, quality: float) -> Any:
    """A plausible answer; ``quality`` in [0, 1] moves numeric answers towards the good end."""
    spec = q.answer
    t = spec.type
    options = spec.choice_options()
    if t in ("yes_partly_no", "single_choice", "likert"):
        k = len(options)
        i = min(k - 1, max(0, int(rng.gauss(quality * (k - 1), 0.8) + 0.5)))
        if t == "yes_partly_no":
            i = k - 1 - i  # yes (best) comes first
        return int(options[i].code) if t == "likert" else options[i].code
    if t == "multiple_choice":
        picked = [c.code for c in options if rng.random() < 0.3 + 0.4 * quality]
        return picked or [options[0].code]
    if t == "text":
        return "See the attached note of the working group."
    if t == "year":
        return rng.randint(max(int(spec.min or 2015), 2016), 2024)
    rule = q.scoring if isinstance(q, Indicator) else None
    lo: float = 0.0
    hi: float = 100.0
    if rule is not None and rule.low is not None and rule.high is not None:
        lo, hi = rule.low, rule.high
    elif rule is not None and rule.target is not None and rule.worst is not None:
        lo, hi = rule.worst, rule.target
    elif t == "rate_per_100k":
        lo, hi = 2000.0, 200.0  # fewer offences is better
    if spec.min is not None:
        lo = max(lo, spec.min) if lo <= hi else lo
    worse = isinstance(q, Indicator) and q.direction == "higher_is_worse"
    share = min(1.0, max(0.0, rng.gauss(quality, 0.15)))
    if worse and rule is not None and rule.method == "goalposts":
        share = 1 - share
    x = lo + (hi - lo) * share
    if spec.min is not None:
        x = max(x, spec.min)
    if spec.max is not None:
        x = min(x, spec.max)
    if t == "percentage":
        x = min(100.0, max(0.0, x))
    return round(x, 1)


def _answers(
    edition: Any, rng: random.Random, quality: float, completeness: float
) -> dict[str, tuple[str, Any]]:
    sections, _sec, _questions = edition_layout(edition=edition)
    out: dict[str, tuple[str, Any]] = {}
    values: dict[str, Any] = {}
    for section in sections:
        for q in section.answerable:
            if not relevance_evaluate(condition=q.relevant, answers=values):
                continue
            if rng.random() > completeness:
                continue  # still missing
            roll = rng.random()
            if roll < 0.06:
                out[q.code] = ("dont_know", None)
            elif roll < 0.10:
                out[q.code] = ("not_collected", None)
            else:
                v = _value(q, rng, quality)
                if q.code == "CL_SURVEY_RUNS" and rng.random() < 0.8:
                    v = "yes"
                out[q.code] = ("answered", v)
                values[q.code] = v
    return out


def _background(authority: Authority, rng: random.Random) -> dict[str, Any]:
    """Background conditions that agree with the registry (population, area, density), with a
    degree of urbanisation that follows density and a plausible income."""
    population = authority.population or 50_000
    area = float(authority.area_km2 or 100)
    density = population / area
    degurba = "cities" if density >= 1500 else "towns_suburbs" if density >= 300 else "rural_areas"
    return {
        "BG_C01": population,
        "BG_C02": round(area, 1),
        "BG_C03": round(density, 1),
        "BG_C04": degurba,
        "BG_C09": round(rng.uniform(14_000, 34_000), -2),
    }


def _lead(authority: Authority) -> User | None:
    m = (
        AuthorityMembership.objects.filter(authority=authority, role=Role.LEAD)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return m.user if m else None


def demo_rounds_build(
    *, network: Network, coordinator: User, persona: Authority, seed: int, now: dt.datetime
) -> list[Round]:
    """Two rounds of ``network`` with answers, transitions and scores (idempotent)."""
    existing = list(Round.objects.filter(network=network, title__in=ROUND_TITLES))
    if existing:
        return existing
    row = FrameworkEdition.objects.get(edition_id=EDITION_ID)
    edition = edition_parsed(row=row)
    rng = random.Random(seed + 7)
    authorities = list(network.authorities.order_by("pk"))
    profiles = {a.pk: (rng.uniform(0.25, 0.8), rng.uniform(-0.15, 0.15)) for a in authorities}
    respondent = (
        AuthorityMembership.objects.filter(authority=persona, role=Role.RESPONDENT)
        .select_related("user")
        .first()
    )
    rounds = []
    year = now.year
    for index, title in enumerate(ROUND_TITLES):
        last = index == len(ROUND_TITLES) - 1
        opened = now - dt.timedelta(days=400 if not last else 40)
        rnd = Round.objects.create(
            network=network,
            edition=row,
            title=title,
            period_start=dt.date(year - 2 + index, 1, 1),
            period_end=dt.date(year - 2 + index, 12, 31),
            deadline=(opened + dt.timedelta(days=90)).date()
            if not last
            else now.date() + dt.timedelta(days=60),
            opened_by=coordinator,
            created_at=opened,
        )
        rounds.append(rnd)
        answers: list[Answer] = []
        revisions: list[AnswerRevision] = []
        transitions: list[Transition] = []
        for a_index, authority in enumerate(authorities):
            base, tilt = profiles[authority.pk]
            quality = min(0.95, base + 0.06 * index)  # a little progress in the second round
            lead = _lead(authority)
            if last and authority.pk == persona.pk:
                state, completeness = AssessmentState.DRAFT, 0.55
            elif last:
                state = rng.choice(
                    [
                        AssessmentState.DRAFT,
                        AssessmentState.SUBMITTED,
                        AssessmentState.ACCEPTED,
                        AssessmentState.ACCEPTED,
                        AssessmentState.RETURNED,
                    ]
                )
                completeness = 0.7 if state == AssessmentState.DRAFT else 1.0
            else:
                state, completeness = AssessmentState.ACCEPTED, 1.0
            # within the round's life so far: the latest acceptance (5 days after its
            # submission) falls before ``now``, never in the future of the day of loading
            submitted = opened + dt.timedelta(days=(20 if not last else 5) + a_index % 30)
            assessment = Assessment.objects.create(
                authority=authority,
                round=rnd,
                edition=row,
                title=title,
                state=state,
                reference_year=rnd.period_end.year,
                created_by=coordinator,
                created_at=opened,
                updated_at=submitted,
                submitted_at=submitted if state != AssessmentState.DRAFT else None,
                accepted_at=submitted + dt.timedelta(days=5)
                if state == AssessmentState.ACCEPTED
                else None,
            )
            steps: list[tuple[str, str, str, User | None, dt.datetime, str]] = [
                ("start", "", "draft", coordinator, opened, "")
            ]
            if state != AssessmentState.DRAFT:
                steps.append(("submit", "draft", "submitted", lead, submitted, ""))
            if state == AssessmentState.RETURNED:
                steps.append(
                    (
                        "return",
                        "submitted",
                        "returned",
                        coordinator,
                        submitted + dt.timedelta(days=3),
                        "Please add the source of the recorded crime figures.",
                    )
                )
            if state == AssessmentState.ACCEPTED:
                steps.append(
                    (
                        "accept",
                        "submitted",
                        "accepted",
                        coordinator,
                        submitted + dt.timedelta(days=5),
                        "",
                    )
                )
            transitions += [
                Transition(
                    assessment=assessment,
                    action=act,
                    from_state=fr,
                    to_state=to,
                    by=by,
                    at=at,
                    comment=comment,
                )
                for act, fr, to, by, at, comment in steps
            ]
            # seeded by the authority's place in the network, never by a database id: the same
            # demo whatever the database's sequences (PostgreSQL never reuses ids)
            rng_q = random.Random(seed * 1000 + a_index * 10 + index)
            drawn = _answers(edition, rng_q, min(0.95, max(0.05, quality + tilt)), completeness)
            for code, value in _background(authority, random.Random(seed + a_index)).items():
                if code in drawn:
                    drawn[code] = ("answered", value)
            who = respondent.user if (respondent and authority.pk == persona.pk) else lead
            for code, (status, value) in drawn.items():
                answers.append(
                    Answer(
                        assessment=assessment,
                        code=code,
                        status=status,
                        value=value,
                        version=1,
                        updated_by=who,
                        updated_at=submitted,
                    )
                )
                revisions.append(
                    AnswerRevision(
                        assessment=assessment,
                        code=code,
                        version=1,
                        status=status,
                        value=value,
                        source="form",
                        changed_by=who,
                        changed_at=submitted,
                    )
                )
        Answer.objects.bulk_create(answers, batch_size=2000)
        AnswerRevision.objects.bulk_create(revisions, batch_size=2000)
        Transition.objects.bulk_create(transitions, batch_size=2000)
        round_results_compute(round_=rnd, user=coordinator, now=now)
    return rounds


def demo_rounds_delete() -> None:
    """Remove demo rounds and assessments (before their networks and authorities)."""
    Assessment.objects.filter(authority__is_demo=True).delete()
    Round.objects.filter(network__is_demo=True).delete()
