"""Writes of the notifications: a person's language and switches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saferspaces.errors import DomainError
from saferspaces.notifications.kinds import CODES
from saferspaces.notifications.models import NotificationPreference
from saferspaces.notifications.selectors import languages


def preferences_update(
    *, user: Any, language: str, wanted: Mapping[str, bool], now: dt.datetime
) -> NotificationPreference:
    """Set the language of ``user``'s e-mails and which kinds they receive (``wanted`` maps each
    kind's code to on or off; a kind left out is off)."""
    if language not in languages():
        raise DomainError(_("Choose one of the languages offered."), field="language")
    unknown = sorted(set(wanted) - set(CODES))
    if unknown:
        raise DomainError(_("Unknown kind of e-mail: %(kinds)s.") % {"kinds": ", ".join(unknown)})
    with transaction.atomic():
        user.language = language
        user.save(update_fields=["language"])
        row, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
        for code in CODES:
            setattr(row, code, bool(wanted.get(code, False)))
        row.updated_at = now
        row.save()
    return row


def language_remember(*, user: Any, language: str) -> bool:
    """At a person's first log-in, the language their browser asked for becomes the language
    of their e-mails, unless they chose one already. Returns whether it was set."""
    if getattr(user, "language", "x") or language not in languages():
        return False
    type(user).objects.filter(pk=user.pk, language="").update(language=language)
    user.language = language
    return True
