"""Reads of the notifications: a person's language and switches, who wants which e-mail."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings

from saferspaces.languages import language_codes, language_effective
from saferspaces.notifications.kinds import CODES
from saferspaces.notifications.models import NotificationPreference


def languages() -> set[str]:
    """The languages a person may choose: every declared one (saferspaces.languages)."""
    return set(language_codes())


def user_language(user: Any) -> str:
    """The language of ``user``'s e-mails: their choice when it is offered, else the site's
    default (a choice still being translated takes effect once it is offered)."""
    chosen = getattr(user, "language", "") or str(settings.LANGUAGE_CODE)
    return language_effective(chosen)


def preferences_initial(*, user: Any) -> dict[str, Any]:
    """What the preferences form on ``/me/`` starts with: every switch on unless turned off."""
    row = NotificationPreference.objects.filter(user=user).first()
    chosen = getattr(user, "language", "")
    return {"language": chosen if chosen in languages() else user_language(user)} | {
        code: bool(getattr(row, code)) if row is not None else True for code in CODES
    }


def people_wanting(*, users: Iterable[Any], kind: str) -> list[Any]:
    """Those of ``users`` who are active and have not switched ``kind`` off (one query)."""
    if kind not in CODES:
        raise ValueError(f"unknown kind of notification {kind!r}")
    active = [u for u in users if u.is_active]
    off = set(
        NotificationPreference.objects.filter(user__in=active, **{kind: False}).values_list(
            "user_id", flat=True
        )
    )
    return [u for u in active if u.pk not in off]
