"""Saving the same answers at once on PostgreSQL: nothing is lost or silently overwritten.

Real threads, each with its own database connection, save at the same moment (a barrier),
through the full HTTP view and through the service. Every save either wins with a new version
or gets a conflict; the stored version equals the number of winning saves, and the history holds
exactly the winning saves. Runs in the PostgreSQL pass of ``make test`` (SQLite serialises
writers, so only PostgreSQL shows real row-lock contention).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from assessment_helpers import Team, open_round, valid_raw
from conftest import require_postgres
from saferspaces.assessments.answering import AnswerConflict, answer_save
from saferspaces.assessments.models import Answer, AnswerRevision
from saferspaces.assessments.selectors import question_get

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
HX = {"HTTP_HX_REQUEST": "true"}
CODES = ("QOL_P01", "SOC_S01", "URB_S01")


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    """Skip (before the demo is built) unless the suite runs on PostgreSQL."""
    require_postgres()


@pytest.fixture
def pg_team(demo) -> Team:  # type: ignore[no-untyped-def]
    """The demo's people with six more respondents (built inside this transactional test)."""
    from saferspaces.accounts.models import Role, User
    from saferspaces.accounts.services import membership_grant
    from saferspaces.authorities.models import Authority, Network
    from saferspaces.demo.generator import MAIN_NETWORK, PERSONA_AUTHORITY, PERSONAS
    from saferspaces.frameworks.models import FrameworkEdition

    users = {p.key: User.objects.get(email=p.email) for p in PERSONAS}
    authority = Authority.objects.get(name=PERSONA_AUTHORITY)
    extra = []
    for k in range(THREADS - 2):
        user = User.objects.create_user(f"r{k}@example.org", None, full_name=f"Respondent {k}")
        membership_grant(user=user, authority=authority, role=Role.RESPONDENT)
        extra.append(user)
    team = Team(
        lead=users["lead"],
        respondent=users["respondent"],
        respondent2=extra[0],
        coordinator=users["coordinator"],
        outsider=users["outsider"],
        administrator=users["administrator"],
        authority=authority,
        network=Network.objects.get(name=MAIN_NETWORK),
        edition=FrameworkEdition.objects.get(edition_id="ssf-2026.1"),
    )
    team.extra = extra  # type: ignore[attr-defined]
    return team


def _in_threads(work: Callable[[int], None]) -> list[BaseException]:
    """Run ``work(i)`` in THREADS threads, each closing its own connection; returns errors."""
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            work(i)
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (a lock never released?)"
    return errors


def _check_history(assessment: Any, wins: dict[str, list[tuple[int, str]]]) -> None:
    """Per code: stored version == winning saves; revisions == exactly the winning saves."""
    for code, won in wins.items():
        answer = Answer.objects.get(assessment=assessment, code=code)
        assert answer.version == len(won), (code, answer.version, len(won))
        history = sorted(
            AnswerRevision.objects.filter(assessment=assessment, code=code).values_list(
                "version", "comment"
            )
        )
        assert history == sorted(won), code
        assert [v for v, _c in history] == list(range(1, len(won) + 1))


def test_simultaneous_http_saves_of_the_same_answer_one_wins_the_others_conflict(
    pg_team: Team,
) -> None:
    assessment = open_round(pg_team).assessments.get()
    people = [pg_team.respondent, pg_team.lead, *pg_team.extra]  # type: ignore[attr-defined]
    clients = []
    for user in people[:THREADS]:
        c = Client()
        c.force_login(user)
        clients.append(c)
    raws = {code: valid_raw(question_get(assessment=assessment, code=code)) for code in CODES}
    rounds = [CODES[r % len(CODES)] for r in range(6)]
    outcomes: list[list[tuple[int, int, str]]] = [[] for _ in rounds]
    barrier = threading.Barrier(THREADS)
    lock = threading.Lock()

    def work(i: int) -> None:
        for r, code in enumerate(rounds):
            barrier.wait(30)  # everyone has finished the previous round
            row = Answer.objects.filter(assessment=assessment, code=code).first()
            version = row.version if row else 0
            comment = f"thread {i} round {r}"
            barrier.wait(30)  # everyone read the same version: now all save at once
            response = clients[i].post(
                f"/assessments/{assessment.pk}/q/{code}/save/",
                {
                    "status": "answered",
                    "value": raws[code],
                    "comment": comment,
                    "version": str(version),
                    "autosave": "0",
                },
                **HX,
            )
            with lock:
                outcomes[r].append((response.status_code, version, comment))

    assert _in_threads(work) == []
    wins: dict[str, list[tuple[int, str]]] = {}
    for r, code in enumerate(rounds):
        statuses = Counter(status for status, _v, _c in outcomes[r])
        assert statuses == {200: 1, 409: THREADS - 1}, (r, statuses)
        winner = next((v + 1, c) for status, v, c in outcomes[r] if status == 200)
        wins.setdefault(code, []).append(winner)
    _check_history(assessment, wins)


def test_saves_retried_after_conflicts_all_land_exactly_once(pg_team: Team) -> None:
    assessment = open_round(pg_team).assessments.get()
    people = [pg_team.respondent, pg_team.lead, *pg_team.extra]  # type: ignore[attr-defined]
    code, per_thread = CODES[0], 3
    raw = valid_raw(question_get(assessment=assessment, code=code))
    barrier = threading.Barrier(THREADS)
    conflicts = Counter[int]()
    wins: list[tuple[int, str]] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        barrier.wait(30)
        version = 0
        for n in range(per_thread):
            comment = f"thread {i} change {n}"
            for _attempt in range(200):
                try:
                    saved = answer_save(
                        assessment=assessment,
                        code=code,
                        user=people[i],
                        status="answered",
                        raw=raw,
                        comment=comment,
                        expected_version=version,
                    )
                except AnswerConflict as conflict:
                    with lock:
                        conflicts[i] += 1
                    assert conflict.current is not None
                    assert conflict.current.version != version
                    version = conflict.current.version  # look at theirs, then save again
                    continue
                with lock:
                    wins.append((saved.version, comment))
                version = saved.version
                break
            else:
                raise AssertionError(f"thread {i} never managed to save change {n}")

    assert _in_threads(work) == []
    assert len(wins) == THREADS * per_thread
    assert sum(conflicts.values()) > 0  # they really collided
    _check_history(assessment, {code: wins})


def test_a_save_that_waits_for_the_row_lock_decides_on_the_row_as_it_is_then(
    pg_team: Team,
) -> None:
    """The save view reads the assessment once, under its row lock: a save that arrives while
    a submission holds the lock waits for it, then sees the submitted assessment and writes
    nothing (a read before the lock would have decided on the draft)."""
    from django.db import transaction

    from saferspaces.assessments.models import Assessment, AssessmentState

    assessment = open_round(pg_team).assessments.get()
    locked, release = threading.Event(), threading.Event()

    def submit() -> None:
        try:
            with transaction.atomic():
                Assessment.objects.select_for_update().get(pk=assessment.pk)
                Assessment.objects.filter(pk=assessment.pk).update(state=AssessmentState.SUBMITTED)
                locked.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=submit)
    holder.start()
    assert locked.wait(30)
    threading.Timer(0.3, release.set).start()  # the save below waits for this commit
    c = Client()
    c.force_login(pg_team.respondent)
    response = c.post(
        f"/assessments/{assessment.pk}/q/QOL_P01/save/",
        {"status": "answered", "value": "50", "version": "0", "autosave": "0"},
        **HX,
    )
    holder.join(30)
    assert release.is_set()  # it was answered after the submission committed
    assert response.status_code == 422
    assert "can no longer be changed" in response.content.decode()
    assert not Answer.objects.filter(assessment=assessment, code="QOL_P01").exists()
    assert not AnswerRevision.objects.filter(assessment=assessment).exists()
