"""Public results count only accepted assessments, and say how many: a submission waiting for
the coordinators' review is not in a published distribution (the demo's current round has
accepted, submitted, returned and draft assessments)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from saferspaces.assessments.models import AssessmentState, Round
from saferspaces.demo.assessments import ROUND_TITLES
from saferspaces.results.models import PublishedAggregate, ResultFact

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_published_distributions_count_accepted_assessments_only(client_as: Any) -> None:
    round_ = Round.objects.get(title=ROUND_TITLES[-1])
    states = list(round_.assessments.values_list("state", flat=True))
    accepted, submitted = states.count(AssessmentState.ACCEPTED), states.count("submitted")
    assert accepted >= 5 and submitted >= 1  # the demo round has both
    scored = ResultFact.objects.filter(
        round=round_, node="QOL", measure="score", value__isnull=False
    )
    with_accepted = scored.filter(assessment__state=AssessmentState.ACCEPTED).count()
    assert scored.filter(assessment__state="submitted").exists()

    coordinator = client_as("coordinator")
    dashboard = _text(coordinator.get(f"/rounds/{round_.pk}/dashboard/"))
    assert (
        f"Accepted: {accepted}. Submitted and waiting for your review (not counted): {submitted}."
        in dashboard
    )
    coordinator.post(f"/rounds/{round_.pk}/publish/", {"publish": ["QOL:all"]})
    published = PublishedAggregate.objects.get(round=round_, node="QOL", kind="all")
    assert published.n == with_accepted  # the submitted ones are left out
    assert (published.accepted, published.participants) == (accepted, len(states))

    page = _text(client_as("anonymous").get("/results/"))
    assert (
        "Computed from the assessments accepted by the network's coordinators: "
        f"{accepted} of the {len(states)} authorities taking part" in page
    )


def test_results_published_before_the_rule_say_they_may_include_unreviewed_ones(
    client_as: Any,
) -> None:
    round_ = Round.objects.get(title=ROUND_TITLES[0])
    client_as("coordinator").post(f"/rounds/{round_.pk}/publish/", {"publish": ["QOL:all"]})
    PublishedAggregate.objects.update(accepted=None, participants=None)  # as migrated
    page = _text(client_as("anonymous").get("/results/"))
    assert "Published before only accepted assessments counted" in page
