"""Reads for accounts."""

from __future__ import annotations

from typing import Any

from saferspaces.accounts.models import AuthorityMembership, Invitation, NetworkCoordinator


def user_roles_summary(*, user: Any) -> dict[str, Any] | None:
    if user is None or not user.is_authenticated:
        return None
    return {"administrator": bool(user.is_superuser)}


def user_home_context(*, user: Any) -> dict[str, Any]:
    from saferspaces.authorities.models import Authority, Network

    context: dict[str, Any] = {
        "authority_count": Authority.objects.count(),
        "network_count": Network.objects.count(),
        "memberships": [],
        "coordinated_networks": [],
    }
    if user.is_authenticated:
        context["memberships"] = list(
            AuthorityMembership.objects.filter(user=user).select_related("authority")
        )
        context["coordinated_networks"] = [
            c.network
            for c in NetworkCoordinator.objects.filter(user=user).select_related("network")
        ]
    return context


def authority_team(*, authority: Any) -> dict[str, Any]:
    return {
        "members": list(
            AuthorityMembership.objects.filter(authority=authority).select_related("user")
        ),
        "pending_invitations": list(
            Invitation.objects.filter(
                authority=authority, accepted_at__isnull=True, revoked_at__isnull=True
            )
        ),
    }


def network_invitations(*, network: Any, user: Any, now: Any) -> list[dict[str, Any]]:
    """The invitations of a network: to coordinate it (for those who grant coordination) and to
    the teams of its authorities; each with its state at ``now``. Pending ones first, then the
    most recent."""
    from django.db.models import Q

    from saferspaces.accounts import permissions

    scope = Q(authority__networks=network)
    if permissions.can_manage_networks(user):
        scope |= Q(network=network)
    invitations = (
        Invitation.objects.filter(scope)
        .select_related("authority", "network", "invited_by")
        .distinct()
        .order_by("-created_at", "email")
    )
    order = {"pending": 0, "expired": 1, "accepted": 2, "revoked": 3}
    rows = [{"invitation": i, "state": i.state(now=now)} for i in invitations]
    rows.sort(key=lambda row: order[str(row["state"])])
    return rows
