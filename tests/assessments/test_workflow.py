"""The workflow: draft -> submitted -> returned -> resubmitted -> accepted, scored on submit."""

from __future__ import annotations

import datetime as dt

import pytest

from assessment_helpers import fill_all, open_round
from saferspaces.assessments.answering import answer_save
from saferspaces.assessments.models import Transition
from saferspaces.assessments.rounds import assessment_start, round_open
from saferspaces.assessments.workflow import assessment_transition
from saferspaces.errors import DomainError
from saferspaces.results.computing import assessment_results_compute
from saferspaces.results.models import ResultRun
from saferspaces.results.selectors import result_run_unit


def test_submission_needs_every_question_answered_or_marked(assessment, team) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match="questions have no answer yet"):
        assessment_transition(assessment=assessment, action="submit", user=team.lead)
    assert fill_all(assessment, team.respondent, status="dont_know") > 50
    moved = assessment_transition(assessment=assessment, action="submit", user=team.lead)
    assert moved.state == "submitted"


def test_the_whole_cycle_with_who_when_why(assessment, team) -> None:  # type: ignore[no-untyped-def]
    fill_all(assessment, team.respondent)
    with pytest.raises(DomainError):  # respondents do not submit
        assessment_transition(assessment=assessment, action="submit", user=team.respondent)
    assessment_transition(assessment=assessment, action="submit", user=team.lead, comment="done")
    with pytest.raises(DomainError, match="already submitted"):  # a double submit
        assessment_transition(assessment=assessment, action="submit", user=team.lead)
    with pytest.raises(DomainError, match="can no longer be changed"):  # locked while submitted
        answer_save(
            assessment=assessment,
            code="QOL_P01",
            user=team.lead,
            status="dont_know",
            raw=None,
            expected_version=1,
        )
    with pytest.raises(DomainError, match="Say what should be changed"):
        assessment_transition(assessment=assessment, action="return", user=team.coordinator)
    with pytest.raises(DomainError):  # the lead does not review their own work
        assessment_transition(assessment=assessment, action="accept", user=team.lead)
    assessment_transition(
        assessment=assessment,
        action="return",
        user=team.coordinator,
        comment="QOL_P01 needs a source",
    )
    answer_save(
        assessment=assessment,
        code="QOL_P01",
        user=team.respondent,
        status="answered",
        raw="77",
        expected_version=1,
    )
    assessment_transition(assessment=assessment, action="submit", user=team.lead)
    assessment_transition(assessment=assessment, action="accept", user=team.coordinator)
    with pytest.raises(DomainError, match="cannot be reopened"):
        assessment_transition(assessment=assessment, action="reopen", user=team.lead)
    steps = list(
        Transition.objects.filter(assessment=assessment).values_list(
            "action", "by__email", "comment"
        )
    )
    assert [s[0] for s in steps] == ["start", "submit", "return", "resubmit", "accept"]
    assert steps[2] == ("return", team.coordinator.email, "QOL_P01 needs a source")
    assessment.refresh_from_db()
    assert assessment.state == "accepted" and assessment.accepted_at is not None
    # scored at each submission, with the edition and pipeline recorded
    runs = list(ResultRun.objects.filter(assessment=assessment))
    assert [r.trigger for r in runs] == ["submit", "submit"]
    assert runs[0].edition_id == "ssf-2026.1" and len(runs[0].pipeline_sha256) == 64


def test_a_lead_may_reopen_before_acceptance(assessment, team) -> None:  # type: ignore[no-untyped-def]
    fill_all(assessment, team.lead, status="not_collected")
    assessment_transition(assessment=assessment, action="submit", user=team.lead)
    assessment_transition(assessment=assessment, action="reopen", user=team.lead, comment="typo")
    assessment.refresh_from_db()
    assert assessment.state == "draft"


def test_scores_on_demand_explain_every_number(assessment, team) -> None:  # type: ignore[no-untyped-def]
    fill_all(assessment, team.respondent)
    answer_save(
        assessment=assessment,
        code="QOL_P01",
        user=team.lead,
        status="dont_know",
        raw=None,
        expected_version=1,
    )
    run = assessment_results_compute(assessment=assessment, user=team.lead, trigger="on_demand")
    unit = result_run_unit(run=run)
    qol = unit.nodes["QOL"]
    assert qol.perception.score is not None and qol.status.score is not None
    assert qol.gap.value == pytest.approx(qol.perception.score - qol.status.score)
    assert qol.perception.missing["QOL_P01"] == "dont_know"  # missing data is named, not zeroed
    assert sum(qol.perception.contributions.values()) == pytest.approx(qol.perception.score)
    assert "_OVERALL" not in unit.nodes  # no overall composite unless a coordinator enables it
    with pytest.raises(DomainError):
        assessment_results_compute(assessment=assessment, user=team.outsider, trigger="on_demand")


def test_private_assessments_are_started_by_leads_and_never_reviewed(team) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError):
        assessment_start(
            authority=team.authority,
            edition=team.edition,
            title="Mine",
            reference_year=2025,
            user=team.respondent,
        )
    a = assessment_start(
        authority=team.authority,
        edition=team.edition,
        title="Spring check",
        reference_year=2025,
        user=team.lead,
    )
    assert a.round is None and a.state == "draft"
    fill_all(a, team.lead, status="dont_know")
    assessment_transition(assessment=a, action="submit", user=team.lead)
    with pytest.raises(DomainError):
        assessment_transition(assessment=a, action="accept", user=team.coordinator)


def test_round_opening_checks_its_input(team) -> None:  # type: ignore[no-untyped-def]
    today = dt.date.today()
    base = dict(
        network=team.network,
        edition=team.edition,
        title="R",
        period_start=today,
        period_end=today,
        deadline=today,
        authorities=[team.authority],
    )
    with pytest.raises(DomainError, match="coordinators"):
        round_open(**base, user=team.lead)  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="end after"):
        round_open(**{**base, "period_end": today - dt.timedelta(days=1)}, user=team.coordinator)  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="past"):
        round_open(**{**base, "deadline": today - dt.timedelta(days=1)}, user=team.coordinator)  # type: ignore[arg-type]
    from saferspaces.authorities.models import Authority

    stranger = Authority.objects.exclude(networks=team.network).first()
    assert stranger is not None
    with pytest.raises(DomainError, match="Not in the network"):
        round_open(**{**base, "authorities": [stranger]}, user=team.coordinator)  # type: ignore[arg-type]
    r = open_round(team)
    assert r.assessments.get().authority == team.authority


def test_an_overall_composite_only_when_the_coordinator_enables_it(team) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from assessment_helpers import fill_all

    today = dt.date.today()
    r = round_open(
        network=team.network,
        edition=team.edition,
        title="With overall",
        period_start=today,
        period_end=today,
        deadline=today,
        authorities=[team.authority],
        overall=True,
        user=team.coordinator,
    )
    a = r.assessments.get()
    fill_all(a, team.lead)
    run = assessment_results_compute(assessment=a, user=team.lead, trigger="on_demand")
    overall = result_run_unit(run=run).nodes["_OVERALL"]
    assert overall.all_kinds.score is not None
    assert "rank" not in str([run.explanation, run.full_meta, run.facts]).lower()
