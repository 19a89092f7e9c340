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
