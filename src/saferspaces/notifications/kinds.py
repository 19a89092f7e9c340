"""The kinds of e-mail notification, defined once: the preference switches on ``/me/``, the
columns of :class:`~saferspaces.notifications.models.NotificationPreference` and the senders
all read this list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # a development dependency: only for the type checker
    from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class Kind:
    code: str  # the preference's column
    label: StrPromise  # the switch on /me/
    who: StrPromise  # who receives it (a hint next to the switch)


RETURNED = "returned"
ACCEPTED = "accepted"
SUBMITTED = "submitted"
REMINDER = "reminder"

KINDS: tuple[Kind, ...] = (
    Kind(
        RETURNED,
        _("An assessment of my authority is returned with comments"),
        _("Sent to the authority's leads, with the coordinator's comment."),
    ),
    Kind(
        ACCEPTED,
        _("An assessment of my authority is accepted"),
        _("Sent to the authority's leads."),
    ),
    Kind(
        SUBMITTED,
        _("An authority of a network I coordinate submits its assessment"),
        _("Sent to the coordinators of the round's network."),
    ),
    Kind(
        REMINDER,
        _("The deadline of a round comes near and our assessment is not submitted"),
        _("Sent to the authority's whole team, a few days before the deadline."),
    ),
)
CODES = tuple(k.code for k in KINDS)
