"""Scoring after a submission runs as a background task: the submission stores its task in the
same transaction and returns without scoring; the scores page says they are being computed;
a worker then stores them, stamped with the time of the submission. A refused submission
leaves no task."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assessment_helpers import fill_all
from saferspaces.assessments.workflow import assessment_transition
from saferspaces.errors import DomainError
from saferspaces.results.models import ResultRun


def _scoring_tasks() -> list[Any]:
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.filter(task_path__endswith="results_compute_task"))


def test_a_submission_enqueues_its_scoring_and_a_worker_stores_the_scores(
    assessment: Any, team: Any, database_queue: Any, client: Any
) -> None:
    with pytest.raises(DomainError):  # refused (unanswered questions): no task either
        assessment_transition(assessment=assessment, action="submit", user=team.lead)
    assert _scoring_tasks() == []
    fill_all(assessment, team.respondent)
    at = dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC)
    assessment_transition(assessment=assessment, action="submit", user=team.lead, now=at)
    assert not ResultRun.objects.filter(assessment=assessment).exists()  # the request did not score
    (task,) = _scoring_tasks()
    assert task.status == "READY"
    assert task.args_kwargs["kwargs"] == {
        "assessment_id": assessment.pk,
        "user_id": team.lead.pk,
        "trigger": "submit",
        "at": at.isoformat(),
    }
    client.force_login(team.lead)
    page = client.get(f"/assessments/{assessment.pk}/scores/").content.decode()
    assert "being computed in the background" in page
    assert database_queue() == 1
    run = ResultRun.objects.get(assessment=assessment)
    assert run.trigger == "submit" and run.computed_at == at and run.computed_by == team.lead
    assert run.state == "submitted"
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and task.return_value == run.pk
    page = client.get(f"/assessments/{assessment.pk}/scores/").content.decode()
    assert "being computed in the background" not in page


def test_with_the_immediate_queue_the_scores_are_there_when_the_submission_returns(
    assessment: Any, team: Any
) -> None:
    fill_all(assessment, team.respondent)
    assessment_transition(assessment=assessment, action="submit", user=team.lead)
    assert ResultRun.objects.get(assessment=assessment).trigger == "submit"


def test_compute_the_scores_enqueues_the_scoring_task_and_the_page_says_so(
    assessment: Any, team: Any, database_queue: Any, client: Any
) -> None:
    fill_all(assessment, team.respondent)
    url = f"/assessments/{assessment.pk}/scores/"
    client.force_login(team.lead)
    r = client.post(url)
    assert r.status_code == 302 and r["Location"] == url
    assert not ResultRun.objects.filter(assessment=assessment).exists()  # the request did not score
    (task,) = _scoring_tasks()
    assert task.status == "READY"
    kwargs = task.args_kwargs["kwargs"]
    assert kwargs["assessment_id"] == assessment.pk and kwargs["user_id"] == team.lead.pk
    assert kwargs["trigger"] == "on_demand"
    page = client.get(url).content.decode()
    assert "being computed in the background" in page
    # asking again while it waits adds no second scoring of the same assessment
    client.post(url)
    assert len(_scoring_tasks()) == 1
    assert database_queue() == 1
    run = ResultRun.objects.get(assessment=assessment)
    assert run.trigger == "on_demand" and run.computed_by == team.lead
    assert run.computed_at == dt.datetime.fromisoformat(kwargs["at"])
    page = client.get(url).content.decode()
    assert "being computed in the background" not in page
    # once it has run, asking again scores again
    client.post(url)
    assert len(_scoring_tasks()) == 2 and database_queue() == 1
    assert ResultRun.objects.filter(assessment=assessment).count() == 2


def test_compute_the_scores_is_refused_to_people_who_may_not_see_the_assessment(
    assessment: Any, team: Any, database_queue: Any, client: Any
) -> None:
    client.force_login(team.outsider)
    assert client.post(f"/assessments/{assessment.pk}/scores/").status_code == 403
    assert _scoring_tasks() == []


def test_the_scores_page_shows_the_scores_by_itself_once_they_are_computed(
    assessment: Any, team: Any, database_queue: Any, client: Any
) -> None:
    """While the computation waits or runs, the page's note asks for its status every half
    second (htmx); the status answers "refresh" once the scores are stored, so the team sees them
    without reloading (issue 16: visible within 2 s of a submission's computation)."""
    fill_all(assessment, team.respondent)
    assessment_transition(assessment=assessment, action="submit", user=team.lead)
    client.force_login(team.lead)
    status_url = f"/assessments/{assessment.pk}/scores/status/"
    page = client.get(f"/assessments/{assessment.pk}/scores/").content.decode()
    assert f'hx-get="{status_url}"' in page and 'hx-trigger="every 500ms"' in page
    waiting = client.get(status_url, headers={"HX-Request": "true"})
    assert waiting.status_code == 200 and "HX-Refresh" not in waiting
    assert f'hx-get="{status_url}"' in waiting.content.decode()
    assert database_queue() == 1
    done = client.get(status_url, headers={"HX-Request": "true"})
    assert done.status_code == 200 and done["HX-Refresh"] == "true"
    client.force_login(team.outsider)
    assert client.get(status_url).status_code == 403
