"""E-mail through the task queue: every message the site sends (invitations, allauth's address
confirmations and password resets, later notifications) goes through one task, ``email_send``.

``QueuedEmailBackend`` is the site's ``EMAIL_BACKEND``: ``send_mail`` and allauth call it as
usual, and it enqueues one ``email_send`` task per message, in the caller's transaction with the
database queue (an invitation and its e-mail are stored together, or neither is). The worker
sends it with the real backend (``EMAIL_DELIVERY_BACKEND``, from ``EMAIL_URL``). A refused or
unreachable SMTP server is tried again 1, then 10 minutes later; after the last attempt the task
fails and the error is logged with the recipients (never the text).

Messages can hold single-use links (invitations, password resets), so once a message is sent,
or has failed for good, its text is removed from the queue's table: only the subject and the
recipients stay.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import smtplib
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from saferspaces.background.queue import TaskContext, queue_stores_tasks, task

log = logging.getLogger(__name__)

#: minutes to wait before the second and third attempts
RETRY_MINUTES = (1, 10)


class EmailNotSent(Exception):
    """The SMTP server refused the message or could not be reached, on every attempt."""


def message_to_json(message: EmailMessage) -> dict[str, Any]:
    """A message as JSON (text, HTML alternatives, byte or text attachments)."""
    attachments = []
    for item in message.attachments:
        if not isinstance(item, tuple):
            raise ValueError("only (filename, content, mimetype) attachments can be queued")
        filename, content, mimetype = item
        data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        attachments.append([filename, base64.b64encode(data).decode("ascii"), mimetype])
    alternatives = [
        [str(alternative[0]), alternative[1]]
        for alternative in getattr(message, "alternatives", None) or []
    ]
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(k): str(v) for k, v in (message.extra_headers or {}).items()},
        "alternatives": alternatives,
        "attachments": attachments,
        "content_subtype": message.content_subtype,
    }


def message_from_json(data: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    message.content_subtype = data.get("content_subtype", "plain")
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in data["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


def _forget(context: TaskContext, message: dict[str, Any], attempt: int) -> None:
    """Remove the text of a message (it may hold a single-use link) from the stored task."""
    if not queue_stores_tasks():
        return
    from django_tasks_db.models import DBTaskResult

    kept = {"subject": message["subject"], "to": message["to"], "forgotten": True}
    DBTaskResult.objects.filter(id=context.task_result.id).update(
        args_kwargs={"args": [], "kwargs": {"message": kept, "attempt": attempt}}
    )


@task(takes_context=True)
def email_send(context: TaskContext, message: dict[str, Any], attempt: int = 1) -> int:
    """Send one queued message with the delivery backend; retry later if the server fails."""
    if message.get("forgotten"):
        return 0  # already sent or given up: a retried task must not send an empty message
    connection = get_connection(backend=settings.EMAIL_DELIVERY_BACKEND)
    try:
        sent = connection.send_messages([message_from_json(message)])
    except (OSError, smtplib.SMTPException) as error:
        recipients = ", ".join(message["to"] + message["cc"] + message["bcc"])
        if attempt <= len(RETRY_MINUTES) and queue_stores_tasks():
            later = timezone.now() + dt.timedelta(minutes=RETRY_MINUTES[attempt - 1])
            email_send.using(run_after=later).enqueue(message=message, attempt=attempt + 1)
            _forget(context, message, attempt)
            log.warning(
                "e-mail to %s not sent (%s: %s): trying again at %s",
                recipients,
                type(error).__name__,
                error,
                later.isoformat(timespec="seconds"),
            )
            return 0
        _forget(context, message, attempt)
        log.error(
            "e-mail to %s not sent after %s attempts (%s: %s)",
            recipients,
            attempt,
            type(error).__name__,
            error,
        )
        raise EmailNotSent(f"not sent to {recipients} after {attempt} attempt(s)") from None
    _forget(context, message, attempt)
    return int(sent or 0)


class QueuedEmailBackend(BaseEmailBackend):
    """Enqueue each message as an ``email_send`` task instead of sending it."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not queue_stores_tasks():  # immediate mode: send now, and let errors reach the caller
            delivery = get_connection(
                backend=settings.EMAIL_DELIVERY_BACKEND, fail_silently=self.fail_silently
            )
            return int(delivery.send_messages(list(email_messages)) or 0)
        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                email_send.enqueue(message=message_to_json(message))
            except Exception:
                if not self.fail_silently:
                    raise
                continue
            count += 1
        return count
