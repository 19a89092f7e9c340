"""How many queries the fill-in asks the database: an answer saved over htmx, and a page.

The bounds are those of the statements a save needs (issue 18, target 4): the session and the
person; the assessment under its row lock (read once: the save's transaction starts before it)
and the person's role in its authority (which decides whether they may read it); the people
assigned to its parts, the stored answer; the answer, its revision and the assessment's time written; then, to draw the question
again, its evidence and its count of revisions (the answer just written is drawn as it is; the
answers its skip logic reads, when it has some, are read). The role and the assignments are
read once per request, whatever the number of permission checks. Savepoints are the test's
transaction, not queries: a real request has BEGIN and COMMIT instead and neither is counted.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from saferspaces.assessments.answering import answer_save, individual_answer_save
from saferspaces.assessments.models import Answer, AnswerRevision, IndividualAnswer

HX = {"HTTP_HX_REQUEST": "true"}
SAVE_QUERIES = 11  # the statements listed above
REDRAW_QUERIES = 13  # and the answers read by the questions a save shows or hides
# a page: session, person, assessment, the answers, evidence and revisions of its questions, the
# role, the assignments, the answers of the assessment as rows (progress and navigation) and
# the demo banner
PAGE_QUERIES = 10
ROLE = 'FROM "accounts_authoritymembership"'  # read in plain SQL (saferspaces.rows)
ANSWER_ROWS = 'SELECT "assessments_answer"."assessment_id" AS "assessment_id"'
EVIDENCE_CODES = 'SELECT "assessments_evidence"."code" AS "code"'


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _statements(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def _save(c: Client, a: Any, code: str, data: dict[str, str]) -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        r = c.post(f"/assessments/{a.pk}/q/{code}/save/", data | {"autosave": "1"}, **HX)
    return r, _statements(queries)


def test_an_answer_saved_over_htmx_asks_only_what_it_needs(assessment, team) -> None:  # type: ignore[no-untyped-def]
    c = _client(team.respondent)
    _save(c, assessment, "QOL_P01", {"status": "answered", "value": "50", "version": "0"})
    r, statements = _save(
        c, assessment, "QOL_P01", {"status": "answered", "value": "60", "version": "1"}
    )
    assert r.status_code == 200 and "Saved at" in r.content.decode()
    assert len(statements) <= SAVE_QUERIES, "\n".join(statements)
    roles = [s for s in statements if ROLE in s]
    assignments = [s for s in statements if 'FROM "assessments_assignment"' in s]
    assert len(roles) == 1 and len(assignments) == 1, "\n".join(statements)
    reads = [s for s in statements if s.startswith('SELECT "assessments_assessment"')]
    assert len(reads) == 1, "\n".join(statements)  # the permission's read is the lock's
    if connection.vendor == "postgresql":
        assert reads[0].endswith('FOR UPDATE OF "assessments_assessment"'), reads[0]
    assert not [s for s in statements if 'WHERE "authorities_network"."is_demo"' in s]  # no banner
    answer = Answer.objects.get(assessment=assessment, code="QOL_P01")
    assert (answer.value, answer.version) == (60.0, 2)
    assert AnswerRevision.objects.filter(assessment=assessment, code="QOL_P01").count() == 2


def test_a_save_that_redraws_the_questions_it_shows_or_hides_stays_bounded(  # type: ignore[no-untyped-def]
    assessment, team
) -> None:
    c = _client(team.lead)
    r, statements = _save(
        c, assessment, "CL_SURVEY_RUNS", {"status": "answered", "value": "no", "version": "0"}
    )
    assert r.status_code == 200 and 'hx-swap-oob="outerHTML"' in r.content.decode()
    assert len(statements) <= REDRAW_QUERIES, "\n".join(statements)


def test_an_individual_answer_and_a_conflict_stay_bounded(consensus_assessment, team) -> None:  # type: ignore[no-untyped-def]
    a = consensus_assessment
    r, statements = _save(
        _client(team.respondent), a, "QOL_P01", {"status": "answered", "value": "40"}
    )
    assert r.status_code == 200
    assert IndividualAnswer.objects.get(assessment=a, code="QOL_P01").value == 40.0
    assert len(statements) <= SAVE_QUERIES, "\n".join(statements)
    answer_save(
        assessment=a,
        code="QOL_P01",
        user=team.lead,
        status="answered",
        raw="45",
        expected_version=0,
    )
    r, statements = _save(
        _client(team.lead), a, "QOL_P01", {"status": "answered", "value": "50", "version": "0"}
    )
    assert r.status_code == 409 and "Someone else changed this answer" in r.content.decode()
    assert len(statements) <= SAVE_QUERIES + 2, "\n".join(statements)
    individual_answer_save(
        assessment=a, code="QOL_P02", user=team.respondent, status="dont_know", raw=None
    )


def test_a_page_asks_a_fixed_number_of_queries(assessment, team) -> None:  # type: ignore[no-untyped-def]
    c = _client(team.respondent)
    url = f"/assessments/{assessment.pk}/s/QOL/"
    with CaptureQueriesContext(connection) as queries:
        assert c.get(url).status_code == 200
    statements = _statements(queries)
    assert len(statements) <= PAGE_QUERIES, "\n".join(statements)
    assert len([s for s in statements if ROLE in s]) == 1
    # the answers as rows and the assignments are read once per page (progress, navigation
    # and the edit rule share them); the page's progress needs no evidence
    rows = [s for s in statements if s.startswith(ANSWER_ROWS)]
    assignments = [s for s in statements if 'FROM "assessments_assignment"' in s]
    evidence_codes = [s for s in statements if s.startswith(EVIDENCE_CODES)]
    assert (len(rows), len(assignments), len(evidence_codes)) == (1, 1, 0), "\n".join(statements)


EDITION_SOURCE = '"frameworks_frameworkedition"."source"'


def test_a_save_and_a_page_leave_the_edition_source_in_the_database(assessment, team) -> None:  # type: ignore[no-untyped-def]
    """The edition's YAML (about 150 kB for the first edition) is parsed once per process and
    kept by content hash: a save or a page reads the edition row without it."""
    c = _client(team.respondent)
    _save(c, assessment, "QOL_P01", {"status": "answered", "value": "50", "version": "0"})
    r, statements = _save(
        c, assessment, "QOL_P01", {"status": "answered", "value": "60", "version": "1"}
    )
    assert r.status_code == 200 and "Saved at" in r.content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert c.get(f"/assessments/{assessment.pk}/s/QOL/").status_code == 200
    statements += _statements(queries)
    assert not [s for s in statements if EDITION_SOURCE in s], "\n".join(statements)


def test_reading_and_editing_are_decided_from_one_read_of_the_role(assessment, team) -> None:  # type: ignore[no-untyped-def]
    """A fill-in request reads the assessment by its key and decides whether the person may read
    it from their role in the authority, which the edit rule reads anyway (once per request):
    no subquery of the reading rule. A save reads the assessment once, with its authority and
    edition, and locks only the assessment's row."""
    c = _client(team.respondent)
    _save(c, assessment, "QOL_P01", {"status": "answered", "value": "50", "version": "0"})
    r, statements = _save(
        c, assessment, "QOL_P01", {"status": "answered", "value": "60", "version": "1"}
    )
    assert r.status_code == 200 and "Saved at" in r.content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert c.get(f"/assessments/{assessment.pk}/s/QOL/").status_code == 200
    page = _statements(queries)
    for shown in (statements, page):
        assert not [s for s in shown if "EXISTS" in s], "\n".join(shown)
        roles = [s for s in shown if ROLE in s]
        assert len(roles) == 1, "\n".join(shown)
        # one membership per person and authority: read by its key, without the joins and
        # the sort of the memberships' default order
        assert " JOIN " not in roles[0] and "ORDER BY" not in roles[0], roles[0]
    if connection.features.has_select_for_update:  # SQLite locks the database instead
        locks = [s for s in statements if " FOR UPDATE" in s]
        assert len(locks) == 1, "\n".join(locks)
        assert locks[0].endswith(' FOR UPDATE OF "assessments_assessment"'), locks[0]


def test_the_plain_reads_give_what_the_orm_gives(assessment, team) -> None:  # type: ignore[no-untyped-def]
    """The role, the assignments and the revision counts are read in plain SQL
    (``saferspaces.rows``): the same values as the ORM's queries, on either database."""
    from django.db.models import Count

    from saferspaces.accounts.models import AuthorityMembership
    from saferspaces.accounts.permissions import role_in_authority
    from saferspaces.assessments.models import Assignment
    from saferspaces.assessments.permissions import assigned_people
    from saferspaces.assessments.selectors import revision_counts

    for version, value in enumerate(("10", "20", "30")):
        answer_save(
            assessment=assessment,
            code="QOL_P01",
            user=team.lead,
            status="answered",
            raw=value,
            expected_version=version,
        )
    answer_save(
        assessment=assessment,
        code="QOL_P02",
        user=team.lead,
        status="dont_know",
        raw=None,
        expected_version=0,
    )
    codes = ["QOL_P01", "QOL_P02", "QOL_P03"]
    expected = dict(
        AnswerRevision.objects.filter(assessment=assessment, code__in=codes)
        .values("code")
        .annotate(n=Count("id"))
        .values_list("code", "n")
    )
    assert (
        revision_counts(assessment=assessment, codes=codes)
        == expected
        == {
            "QOL_P01": 3,
            "QOL_P02": 1,
        }
    )
    assert revision_counts(assessment=assessment, codes=[]) == {}

    Assignment.objects.create(assessment=assessment, section="QOL", user=team.respondent)
    Assignment.objects.create(assessment=assessment, section="QOL", user=team.respondent2)
    # outside a request nothing is kept (request_memo): every call reads the database
    assert assigned_people(assessment=assessment) == {
        "QOL": {team.respondent.pk, team.respondent2.pk}
    }
    for person in (team.lead, team.respondent, team.coordinator):
        expected_role = (
            AuthorityMembership.objects.filter(user=person, authority=assessment.authority)
            .values_list("role", flat=True)
            .first()
        )
        assert role_in_authority(person, assessment.authority) == expected_role
    assert role_in_authority(team.lead, assessment.authority) == "lead"


def test_an_in_list_needs_a_value() -> None:
    from saferspaces.rows import placeholders

    assert placeholders(3) == "%s, %s, %s"
    with pytest.raises(ValueError, match="at least one value"):
        placeholders(0)
