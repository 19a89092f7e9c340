"""The request memo (roles and assignments read once per request) never answers from a value a
service of the same request has changed, and there is none outside a request."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test.utils import CaptureQueriesContext

from saferspaces.accounts.models import Role
from saferspaces.accounts.permissions import role_in_authority
from saferspaces.accounts.services import membership_grant
from saferspaces.assessments import permissions
from saferspaces.assessments.rounds import assignment_set
from saferspaces.request_memo import RequestMemoMiddleware


def _in_request(work: Any) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        work()
        return HttpResponse()

    RequestMemoMiddleware(view)(HttpRequest())


def test_a_role_is_read_once_per_request_and_again_after_a_grant(team) -> None:  # type: ignore[no-untyped-def]
    seen: list[Any] = []

    def work() -> None:
        with CaptureQueriesContext(connection) as queries:
            seen.append(role_in_authority(team.respondent2, team.authority))
            seen.append(role_in_authority(team.respondent2, team.authority))
        seen.append(len(queries.captured_queries))
        membership_grant(user=team.respondent2, authority=team.authority, role=Role.LEAD)
        seen.append(role_in_authority(team.respondent2, team.authority))

    _in_request(work)
    assert seen == [Role.RESPONDENT, Role.RESPONDENT, 1, Role.LEAD]


def test_an_assignment_made_in_the_request_is_seen_by_the_next_check(team, assessment) -> None:  # type: ignore[no-untyped-def]
    seen: list[bool] = []

    def may_edit() -> bool:
        assigned = permissions.assigned_people(assessment=assessment)
        return permissions.can_edit_section(team.respondent2, assessment, "QOL", assigned)

    def work() -> None:
        seen.append(may_edit())
        assignment_set(
            assessment=assessment, section="QOL", user_ids=[team.respondent.pk], by=team.lead
        )
        seen.append(may_edit())

    _in_request(work)
    assert seen == [True, False]


def test_outside_a_request_every_call_reads_the_database(team) -> None:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        role_in_authority(team.respondent, team.authority)
        role_in_authority(team.respondent, team.authority)
    assert len(queries.captured_queries) == 2
