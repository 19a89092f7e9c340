"""E-mail through the task queue: every message (an invitation, allauth's password reset) becomes
one ``email_send`` task stored with the data that caused it, is sent by a worker, and leaves no
single-use link behind in the queue; an SMTP server that does not answer is tried again later,
then the task fails with a log line naming the recipients, never the text."""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

QUEUED = "saferspaces.background.mail.QueuedEmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def queued_mail(settings: Any, database_queue: Any, db: Any) -> Any:
    """The site's e-mail set-up (the queued backend) with messages delivered to ``mail.outbox``."""
    settings.EMAIL_BACKEND = QUEUED
    settings.EMAIL_DELIVERY_BACKEND = LOCMEM
    mail.outbox = []
    return database_queue


@pytest.fixture
def lead(db: Any) -> Any:
    from saferspaces.accounts.models import Role, User
    from saferspaces.accounts.services import membership_grant
    from saferspaces.authorities.models import AuthorityKind, NutsRegion
    from saferspaces.authorities.services import authority_create

    NutsRegion.objects.create(code="FR", label="France", level=1, country_code="FR")
    authority = authority_create(
        name="Villeneuve", country_code="FR", kind=AuthorityKind.MUNICIPALITY, nuts_code="FR"
    )
    person = User.objects.create_user("lead@villeneuve.example", "a-long-password-1")
    membership_grant(user=person, authority=authority, role=Role.LEAD)
    return person


def _stored() -> list[Any]:
    from django_tasks_db.models import DBTaskResult

    return list(
        DBTaskResult.objects.filter(task_path__endswith="email_send").order_by("enqueued_at")
    )


def test_an_invitation_and_its_email_are_stored_together_and_sent_by_a_worker(
    queued_mail: Any, lead: Any
) -> None:
    from saferspaces.accounts.models import Invitation, Role
    from saferspaces.accounts.services import invitation_create

    authority = lead.memberships.get().authority
    issued = invitation_create(
        authority=authority,
        email="new@villeneuve.example",
        role=Role.RESPONDENT,
        invited_by=lead,
        now=timezone.now(),
    )
    assert mail.outbox == []  # the request does not wait for the SMTP server
    (task,) = _stored()
    assert task.status == "READY"
    assert queued_mail() == 1
    assert len(mail.outbox) == 1 and issued.url in mail.outbox[0].body
    assert mail.outbox[0].to == ["new@villeneuve.example"]
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and task.return_value == 1
    # the single-use link does not stay in the queue's table
    stored = json.dumps(task.args_kwargs)
    assert issued.url not in stored and issued.token not in stored
    assert "new@villeneuve.example" in stored and "forgotten" in stored
    # an invitation whose transaction is rolled back leaves no e-mail behind
    with pytest.raises(RuntimeError), transaction.atomic():
        invitation_create(
            authority=authority,
            email="other@villeneuve.example",
            role=Role.RESPONDENT,
            invited_by=lead,
            now=timezone.now(),
        )
        raise RuntimeError("the request failed after the invitation")
    assert len(_stored()) == 1 and Invitation.objects.count() == 1


def test_allauth_emails_go_through_the_same_task(queued_mail: Any, client: Any) -> None:
    from allauth.account.models import EmailAddress

    from saferspaces.accounts.models import User

    person = User.objects.create_user("reset@villeneuve.example", "a-long-password-1")
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    response = client.post("/accounts/password/reset/", {"email": person.email})
    assert response.status_code == 302 and mail.outbox == []
    assert len(_stored()) == 1 and queued_mail() == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in json.dumps(_stored()[0].args_kwargs)


def test_an_smtp_server_that_does_not_answer_is_tried_again_later_then_given_up(
    queued_mail: Any, settings: Any, caplog: Any
) -> None:
    from django.core.mail import send_mail

    from saferspaces.background.mail import RETRY_MINUTES, EmailNotSent

    with socket.socket() as s:  # a local port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    send_mail("Reminder", "The secret text", None, ["someone@villeneuve.example"])
    with caplog.at_level(logging.WARNING, logger="saferspaces.background.mail"):
        before = timezone.now()
        assert queued_mail() == 1
        first, retry = _stored()
        assert first.status == "SUCCESSFUL" and "The secret text" not in json.dumps(
            first.args_kwargs
        )
        assert retry.status == "READY" and retry.args_kwargs["kwargs"]["attempt"] == 2
        wait = retry.run_after - before
        assert dt.timedelta(minutes=RETRY_MINUTES[0]) <= wait < dt.timedelta(minutes=2)
        assert queued_mail() == 0  # not before its time
        from django_tasks_db.models import DBTaskResult

        # time passes: each later attempt is due
        for _attempt in RETRY_MINUTES:
            DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
            assert queued_mail() == 1
    results = _stored()
    assert [r.status for r in results] == ["SUCCESSFUL", "SUCCESSFUL", "FAILED"]
    assert results[-1].exception_class_path == f"{EmailNotSent.__module__}.EmailNotSent"
    assert all("The secret text" not in json.dumps(r.args_kwargs) for r in results)
    assert "someone@villeneuve.example" in caplog.text and "The secret text" not in caplog.text
    assert "not sent after 3 attempts" in caplog.text
    assert mail.outbox == []


def test_without_the_database_queue_a_message_is_sent_at_once(settings: Any, db: Any) -> None:
    from django.core.mail import send_mail

    settings.EMAIL_BACKEND = QUEUED
    settings.EMAIL_DELIVERY_BACKEND = LOCMEM
    mail.outbox = []
    assert send_mail("Now", "Text", None, ["x@villeneuve.example"]) == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Now"
