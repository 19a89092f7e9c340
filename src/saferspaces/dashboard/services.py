"""Writes of the dashboard: sharing choices, evidence shared with peers, and what a coordinator
publishes (stored by the results layer, ``results.rounds.published_aggregates_replace``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saferspaces.accounts.permissions import can_manage_sharing
from saferspaces.assessments import permissions as assessment_permissions
from saferspaces.assessments.models import Evidence, Round
from saferspaces.authorities.models import Authority
from saferspaces.core.limits import NOTE_MAX_CHARS
from saferspaces.dashboard.models import PeerSharing
from saferspaces.dashboard.network import round_distributions, round_result_counts
from saferspaces.dashboard.profile import KINDS
from saferspaces.errors import DomainError
from saferspaces.inputs import max_length, text_clean
from saferspaces.results.models import PublishedAggregate
from saferspaces.results.rounds import Aggregate, published_aggregates_replace


def can_publish(user: Any, round_: Round) -> bool:
    """The network's coordinators and administrators (the rule for opening its rounds)."""
    return assessment_permissions.can_open_round(user, round_.network)


@transaction.atomic
def sharing_update(
    *,
    authority: Authority,
    user: Any,
    open_to_contact: bool,
    contact_name: str,
    contact_email: str,
    note: str,
    publish_results: bool,
    shared_evidence: Iterable[int],
    now: dt.datetime | None = None,
) -> PeerSharing:
    """Set what the authority shares; ``shared_evidence`` are the ids of its evidence to share."""
    if not can_manage_sharing(user, authority):
        raise DomainError(_("Only a lead of this authority can change what it shares."))
    if open_to_contact and not contact_email:
        raise DomainError(
            _("Give a contact email, so that similar authorities can reach you."),
            field="contact_email",
        )
    sharing, _created = PeerSharing.objects.select_for_update().get_or_create(authority=authority)
    sharing.open_to_contact = open_to_contact
    sharing.contact_name = text_clean(
        contact_name,
        field="contact_name",
        label=_("Contact person"),
        max_chars=max_length(PeerSharing, "contact_name"),
    )
    sharing.contact_email = contact_email.strip()
    sharing.note = text_clean(
        note, field="note", label=_("What we are happy to talk about"), max_chars=NOTE_MAX_CHARS
    )
    sharing.publish_results = publish_results
    sharing.updated_by = user
    sharing.updated_at = now or timezone.now()
    sharing.save()
    chosen = set(shared_evidence)
    mine = Evidence.objects.filter(assessment__authority=authority)
    unknown = chosen - set(mine.values_list("pk", flat=True))
    if unknown:
        raise DomainError(
            _("Some evidence does not belong to this authority."), field="shared_evidence"
        )
    mine.filter(pk__in=chosen).update(shared_with_peers=True)
    mine.exclude(pk__in=chosen).update(shared_with_peers=False)
    return sharing


@transaction.atomic
def aggregates_publish(
    *,
    round_: Round,
    user: Any,
    selected: Iterable[str],
    language: str,
    now: dt.datetime | None = None,
) -> list[PublishedAggregate]:
    """Publish the chosen ``<dimension>:<kind>`` distributions of a round (withdraw the others).

    Each is recomputed now from the scores of the round's accepted assessments (the one rule,
    ``network.RESULT_STATES``) and records how many were accepted; a group below the minimum
    size is refused, naming it, and nothing changes.
    """
    if not can_publish(user, round_):
        raise DomainError(_("Only a coordinator of this network can publish its results."))
    data = round_distributions(round_=round_, language=language)
    counts = round_result_counts(round_=round_)
    rows = {r["code"]: r for r in data["rows"]}
    out: list[Aggregate] = []
    for key in sorted(set(selected)):
        node, _sep, kind = key.partition(":")
        row = rows.get(node)
        if row is None or kind not in KINDS:
            raise DomainError(_("%(key)s is not a dimension of this round.") % {"key": key})
        stats = row["stats"][kind]
        if stats is None:
            raise DomainError(
                _(
                    "%(dimension)s cannot be published: fewer than %(minimum)s authorities "
                    "have a score."
                )
                % {"dimension": row["title"], "minimum": data["minimum"]}
            )
        out.append(
            Aggregate(node, kind, stats.n, stats.q1, stats.median, stats.q3, row["gaps"] or {})
        )
    return published_aggregates_replace(
        round_=round_,
        aggregates=out,
        accepted=counts["accepted"],
        participants=counts["participants"],
        user=user,
        now=now or timezone.now(),
    )
