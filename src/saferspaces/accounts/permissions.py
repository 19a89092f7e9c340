"""Who may do what: every permission rule of Safer Spaces, written once, here.

Views, templates and services ask these functions; nothing else decides access. Rules:

* An **administrator** (``is_superuser``) may do everything.
* An authority's own people (**respondents** and **leads**) see its unpublished data.
* A **coordinator** sees the team and dashboard of the authorities in the networks they
  coordinate, but of their assessments only those of the rounds their own networks run
  (``saferspaces/assessments/permissions.py``: an authority in two networks has rounds in each).
* Nobody else sees an authority's unpublished data. The registry (name, country, kind, NUTS) is public.
* A **lead** manages the authority's team (invitations) and what it shares with similar
  authorities; so does an administrator.
* Coordinators and administrators maintain framework editions.
* **Administrators** create and edit networks and grant or revoke their coordinators, and use
  Django's admin site for repairs.
* A network's **coordinators** (and administrators) add and remove its authorities, register
  authorities from a file for it, and see and manage its invitations.
* An authority's lead, the coordinators of its networks and administrators invite its lead and
  re-send or withdraw the invitations of its team.

A view refuses with :class:`AccessDenied` and a reason when it can say truthfully why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from saferspaces.accounts.models import AuthorityMembership, NetworkCoordinator, Role
from saferspaces.request_memo import memo_get
from saferspaces.rows import column, rows_read, table

if TYPE_CHECKING:
    from saferspaces.accounts.models import Invitation
    from saferspaces.authorities.models import Authority, Network


class AccessDenied(PermissionDenied):
    """A refusal that says why: the 403 page shows ``reason`` (translated; it names no private
    data)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_administrator(user: Any) -> bool:
    return _active(user) and bool(user.is_superuser)


def is_coordinator(user: Any) -> bool:
    return _active(user) and NetworkCoordinator.objects.filter(user=user).exists()


def _role_sql() -> str:
    m = AuthorityMembership
    return (
        f"SELECT {column(m, 'role')} FROM {table(m)}"  # noqa: S608 - names from the model
        f" WHERE {column(m, 'authority')} = %s AND {column(m, 'user')} = %s LIMIT 1"
    )


def role_in_authority(user: Any, authority: Authority) -> str | None:
    """``user``'s role in ``authority`` (None: not on its team); read once per request."""
    if not _active(user):
        return None

    def read() -> str | None:
        # at most one membership per person and authority: one column of one row, in plain
        # SQL (read on every request of the fill-in: saferspaces.rows)
        found = rows_read(_role_sql(), [authority.pk, user.pk])
        return str(found[0][0]) if found else None

    return memo_get(("role", user.pk, authority.pk), read)


def coordinates_authority(user: Any, authority: Authority) -> bool:
    return (
        _active(user)
        and NetworkCoordinator.objects.filter(user=user, network__authorities=authority).exists()
    )


def can_view_authority_private(user: Any, authority: Authority) -> bool:
    """Unpublished data of an authority: its own team, its coordinators, administrators."""
    if is_administrator(user):
        return True
    return role_in_authority(user, authority) is not None or coordinates_authority(user, authority)


def can_manage_authority_team(user: Any, authority: Authority) -> bool:
    return is_administrator(user) or role_in_authority(user, authority) == Role.LEAD


def can_manage_sharing(user: Any, authority: Authority) -> bool:
    """What the authority shares with similar authorities and the public: its leads and
    administrators (the same people who manage its team)."""
    return can_manage_authority_team(user, authority)


def can_view_network_private(user: Any, network: Network) -> bool:
    if is_administrator(user):
        return True
    return _active(user) and NetworkCoordinator.objects.filter(user=user, network=network).exists()


def can_register_authority(user: Any) -> bool:
    return is_administrator(user)


def coordinates_network(user: Any, network: Network) -> bool:
    return _active(user) and NetworkCoordinator.objects.filter(user=user, network=network).exists()


def can_manage_networks(user: Any) -> bool:
    """Create and edit networks, grant and revoke their coordinators: administrators."""
    return is_administrator(user)


def can_manage_network_members(user: Any, network: Network) -> bool:
    """Add and remove a network's authorities, register them from a file, see and manage the
    network's invitations: its coordinators and administrators."""
    return is_administrator(user) or coordinates_network(user, network)


def can_invite_lead(user: Any, authority: Authority) -> bool:
    """Invite an authority's lead: those who manage its team, and its networks' coordinators."""
    return can_manage_authority_team(user, authority) or coordinates_authority(user, authority)


def can_manage_invitation(user: Any, invitation: Invitation) -> bool:
    """Re-send or withdraw an invitation. Coordinator invitations: administrators; invitations
    to an authority's team: its lead, its networks' coordinators and administrators."""
    if invitation.network_id is not None:
        return can_manage_networks(user)
    return invitation.authority is not None and can_invite_lead(user, invitation.authority)


def can_use_admin_site(user: Any) -> bool:
    """Django's admin site, for repairs: administrators only."""
    return is_administrator(user)


def can_manage_frameworks(user: Any) -> bool:
    return is_administrator(user) or is_coordinator(user)


def authorities_with_private_access(user: Any) -> QuerySet[Authority]:
    """The authorities whose unpublished data ``user`` may see."""
    from saferspaces.authorities.models import Authority

    if is_administrator(user):
        return Authority.objects.all()
    if not _active(user):
        return Authority.objects.none()
    return Authority.objects.filter(
        Q(memberships__user=user) | Q(networks__coordinators__user=user)
    ).distinct()
