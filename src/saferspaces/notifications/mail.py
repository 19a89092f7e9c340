"""Sending a notification: one e-mail per person, in that person's language, with a link to
the page where they switch it off.

Messages go through Django's mail API, so the site's queued e-mail backend stores each one as
a task in the caller's transaction (see ``saferspaces.background.mail``): a workflow step or a
recorded reminder and its e-mails are stored together, or neither is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from saferspaces.notifications.selectors import people_wanting, user_language


def site_url(path: str) -> str:
    """``path`` on the site, as a link an e-mail can carry."""
    return str(settings.SITE_URL).rstrip("/") + path


def mail_send(
    *, recipients: Sequence[Any], kind: str, template: str, context: dict[str, Any]
) -> int:
    """E-mail ``notifications/email/<template>.txt`` (and its ``_subject.txt``) to each of
    ``recipients``, each rendered in their own language. Returns how many were sent."""
    preferences = site_url(reverse("accounts:profile")) + "#notifications"
    for person in recipients:
        language = user_language(person)
        with translation.override(language):
            values = context | {"person": person, "kind": kind, "preferences_url": preferences}
            subject = render_to_string(f"notifications/email/{template}_subject.txt", values)
            body = render_to_string(f"notifications/email/{template}.txt", values)
        EmailMessage(
            subject=" ".join(subject.split()),
            body=body.strip() + "\n",
            to=[person.email],
            headers={"Content-Language": language},
        ).send()
    return len(recipients)


def notify(*, users: Iterable[Any], kind: str, template: str, context: dict[str, Any]) -> int:
    """E-mail those of ``users`` who have not switched ``kind`` off (see :func:`mail_send`)."""
    recipients = people_wanting(users=users, kind=kind)
    return mail_send(recipients=recipients, kind=kind, template=template, context=context)
