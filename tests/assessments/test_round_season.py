"""A round through its season: its title, deadline and participants change after it opened (a
late joiner gets its assessment, a participant that has answers cannot leave), the deadline is
extended, the round closes (no more submissions; drafts are kept, marked not submitted and read
only; submitted ones can still be accepted), and the round says who is late, by name."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from assessment_helpers import Team, fill_all
from saferspaces.assessments.answering import answer_save
from saferspaces.assessments.models import Assessment, Round, Transition
from saferspaces.assessments.round_changes import round_close, round_update
from saferspaces.assessments.round_reads import round_overview
from saferspaces.assessments.rounds import round_open
from saferspaces.assessments.workflow import assessment_transition
from saferspaces.authorities.models import Authority
from saferspaces.errors import DomainError

NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
TODAY = NOW.date()
DEADLINE = dt.date(2026, 4, 30)


def _others(team: Team, n: int) -> list[Authority]:
    return list(team.network.authorities.exclude(pk=team.authority.pk).order_by("name")[:n])


def _round(team: Team, authorities: list[Authority]) -> Round:
    return round_open(
        network=team.network,
        edition=team.edition,
        title="Season round",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        deadline=DEADLINE,
        authorities=authorities,
        user=team.coordinator,
        now=NOW,
    )


def _update(round_: Round, user: Any, **changes: Any) -> Any:
    values: dict[str, Any] = {
        "title": round_.title,
        "deadline": round_.deadline,
        "authorities": [a.authority for a in round_.assessments.select_related("authority")],
    }
    values.update(changes)
    return round_update(round_=round_, user=user, now=NOW, **values)


def _answer(assessment: Assessment, user: Any, code: str = "QOL_P01") -> None:
    answer_save(
        assessment=assessment,
        code=code,
        user=user,
        status="dont_know",
        raw=None,
        expected_version=0,
        now=NOW,
    )


def test_title_and_deadline_change_after_opening(team: Team) -> None:
    round_ = _round(team, [team.authority])
    change = _update(
        round_, team.coordinator, title="Season round 2026", deadline=dt.date(2026, 5, 31)
    )
    round_.refresh_from_db()
    assert (round_.title, round_.deadline) == ("Season round 2026", dt.date(2026, 5, 31))
    assert change.deadline_before == DEADLINE and change.title_changed
    # the assessments carry the round's title
    assert list(round_.assessments.values_list("title", flat=True)) == ["Season round 2026"]
    with pytest.raises(DomainError, match="must not be in the past") as refused:
        _update(round_, team.coordinator, title="Renamed", deadline=TODAY - dt.timedelta(days=1))
    assert refused.value.field == "deadline"
    with pytest.raises(DomainError, match="Give the round a title") as refused:
        _update(round_, team.coordinator, title="   ")
    assert refused.value.field == "title"
    with pytest.raises(DomainError, match="control character"):
        _update(round_, team.coordinator, title="Season\x00round")
    round_.refresh_from_db()
    assert (round_.title, round_.deadline) == ("Season round 2026", dt.date(2026, 5, 31))


def test_an_unchanged_past_deadline_does_not_stop_other_changes(team: Team) -> None:
    round_ = _round(team, [team.authority])
    later = NOW + dt.timedelta(days=90)  # the deadline has passed; only the title changes
    round_update(
        round_=round_,
        user=team.coordinator,
        title="Renamed after the deadline",
        deadline=DEADLINE,
        authorities=[team.authority],
        now=later,
    )
    round_.refresh_from_db()
    assert round_.title == "Renamed after the deadline"


def test_a_late_joiner_gets_its_assessment_and_a_started_one_cannot_leave(team: Team) -> None:
    late, third = _others(team, 2)
    round_ = _round(team, [team.authority])
    change = _update(round_, team.coordinator, authorities=[team.authority, late])
    assert [a.name for a in change.added] == [late.name] and change.removed == []
    joined = Assessment.objects.get(round=round_, authority=late)
    assert (joined.state, joined.edition, joined.title) == ("draft", team.edition, round_.title)
    _answer(round_.assessments.get(authority=team.authority), team.respondent)
    # all or nothing: the third is not added when the persona authority cannot leave
    with pytest.raises(DomainError, match="answers are kept") as refused:
        _update(round_, team.coordinator, authorities=[late, third])
    assert team.authority.name in refused.value.message and refused.value.field == "authorities"
    assert set(round_.assessments.values_list("authority__name", flat=True)) == {
        team.authority.name,
        late.name,
    }
    # an empty assessment goes with its authority
    change = _update(round_, team.coordinator, authorities=[team.authority])
    assert [a.name for a in change.removed] == [late.name]
    assert not Assessment.objects.filter(round=round_, authority=late).exists()
    with pytest.raises(DomainError, match="at least one authority"):
        _update(round_, team.coordinator, authorities=[])


def test_only_members_of_the_network_join_and_only_its_coordinators_change_it(
    team: Team,
) -> None:
    round_ = _round(team, [team.authority])
    stranger = Authority.objects.exclude(networks=team.network).order_by("name").first()
    assert stranger is not None
    with pytest.raises(DomainError, match="Not in the network"):
        _update(round_, team.coordinator, authorities=[team.authority, stranger])
    for person in (team.lead, team.respondent, team.outsider):
        with pytest.raises(DomainError, match="Only the network's coordinators"):
            _update(round_, person, title="Mine now")
        with pytest.raises(DomainError, match="Only the network's coordinators"):
            round_close(round_=round_, user=person, now=NOW)
    round_.refresh_from_db()
    assert round_.title == "Season round" and round_.closed_at is None


def test_closing_keeps_drafts_marked_not_submitted_and_stops_submissions(team: Team) -> None:
    started, returned = _others(team, 2)
    round_ = _round(team, [team.authority, started, returned])
    submitted = round_.assessments.get(authority=team.authority)
    fill_all(submitted, team.lead, status="dont_know")
    assessment_transition(assessment=submitted, action="submit", user=team.lead, now=NOW)
    back = round_.assessments.get(authority=returned)
    fill_all(back, team.administrator, status="not_collected")
    assessment_transition(assessment=back, action="submit", user=team.administrator, now=NOW)
    assessment_transition(
        assessment=back, action="return", user=team.coordinator, comment="Sources?", now=NOW
    )
    draft = round_.assessments.get(authority=started)
    _answer(draft, team.administrator)

    later = NOW + dt.timedelta(days=70)
    closing = round_close(round_=round_, user=team.coordinator, now=later)
    assert sorted(a.authority.name for a in closing.not_submitted) == sorted(
        [started.name, returned.name]
    )
    assert (closing.awaiting_review, closing.accepted) == (1, 0)
    round_.refresh_from_db()
    assert (round_.closed_at, round_.closed_by) == (later, team.coordinator)
    for assessment, state in ((draft, "draft"), (back, "returned")):
        assessment.refresh_from_db()
        assert assessment.state == state  # kept as it was, answers and all
        assert assessment.not_submitted_at == later and not assessment.editable
        assert assessment.get_state_display() == "Not submitted (round closed)"
        step = Transition.objects.filter(assessment=assessment).last()
        assert step is not None and (step.action, step.by) == ("close", team.coordinator)
    assert draft.answers.count() == 1 and back.answers.count() > 50
    # no more submissions, no more answers
    with pytest.raises(DomainError, match="no more submissions"):
        assessment_transition(assessment=back, action="submit", user=team.administrator)
    with pytest.raises(DomainError, match="can no longer be changed"):
        _answer(draft, team.administrator, code="QOL_P02")
    # the submitted one can still be accepted, not returned (it could never come back)
    with pytest.raises(DomainError, match="can no longer be returned"):
        assessment_transition(
            assessment=submitted, action="return", user=team.coordinator, comment="Why?"
        )
    with pytest.raises(DomainError, match="can no longer be reopened"):
        assessment_transition(assessment=submitted, action="reopen", user=team.lead)
    accepted = assessment_transition(assessment=submitted, action="accept", user=team.coordinator)
    assert accepted.state == "accepted"
    # a closed round is not changed again, nor closed twice
    with pytest.raises(DomainError, match="was closed on"):
        _update(round_, team.coordinator, title="Reopened?")
    with pytest.raises(DomainError, match="already closed"):
        round_close(round_=round_, user=team.coordinator, now=later)


def test_the_round_says_who_has_not_started_then_who_is_late_by_name(team: Team) -> None:
    first, second = _others(team, 2)
    round_ = _round(team, [second, team.authority, first])
    _answer(round_.assessments.get(authority=first), team.administrator)
    before = round_overview(round_=round_, today=TODAY)
    assert not before["past_deadline"] and before["days_left"] == (DEADLINE - TODAY).days
    # by name, never by progress
    assert [r["assessment"].authority.name for r in before["rows"]] == sorted(
        [first.name, second.name, team.authority.name]
    )
    assert [a.authority.name for a in before["not_started"]] == sorted(
        [second.name, team.authority.name]
    )
    assert before["late"] == []
    persona = round_.assessments.get(authority=team.authority)
    fill_all(persona, team.lead, status="dont_know")
    assessment_transition(assessment=persona, action="submit", user=team.lead, now=NOW)
    after = round_overview(round_=round_, today=DEADLINE + dt.timedelta(days=1))
    assert after["past_deadline"] and after["not_started"] == []
    assert [a.authority.name for a in after["late"]] == sorted([first.name, second.name])
    flags = {r["assessment"].authority.name: r["late"] for r in after["rows"]}
    assert flags == {first.name: True, second.name: True, team.authority.name: False}
