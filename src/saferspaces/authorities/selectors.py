"""Reads for the registry: what a page shows, already filtered by permission."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from saferspaces.accounts import permissions
from saferspaces.accounts.selectors import authority_team
from saferspaces.authorities.models import Authority, Network


def authority_list(*, country: str = "", kind: str = "") -> QuerySet[Authority]:
    authorities = Authority.objects.select_related("nuts_region").order_by("country_code", "name")
    if country:
        authorities = authorities.filter(country_code=country.upper())
    if kind:
        authorities = authorities.filter(kind=kind)
    return authorities


def authority_countries() -> list[str]:
    return list(
        Authority.objects.order_by("country_code").values_list("country_code", flat=True).distinct()
    )


def authority_detail(*, user: Any, authority: Authority) -> dict[str, Any]:
    context: dict[str, Any] = {
        "authority": authority,
        "nuts_chain": authority.nuts_region.chain(),
        "networks": list(authority.networks.all()),
        "can_view_private": permissions.can_view_authority_private(user, authority),
        "can_manage_team": permissions.can_manage_authority_team(user, authority),
        "can_manage_invitations": permissions.can_invite_lead(user, authority),
        "role": permissions.role_in_authority(user, authority),
    }
    if context["can_view_private"]:
        context.update(authority_team(authority=authority))
    return context


def network_list() -> QuerySet[Network]:
    return Network.objects.annotate(authority_count=Count("authorities")).order_by("name")


def network_detail(*, user: Any, network: Network) -> dict[str, Any]:
    from saferspaces.authorities.forms import CoordinatorForm

    can_view_private = permissions.can_view_network_private(user, network)
    context: dict[str, Any] = {
        "network": network,
        "authorities": list(
            network.authorities.select_related("nuts_region").order_by("country_code", "name")
        ),
        "can_view_private": can_view_private,
        "can_manage_network": permissions.can_manage_networks(user),
        "can_manage_members": permissions.can_manage_network_members(user, network),
    }
    if can_view_private:
        context["coordinators"] = [
            c.user for c in network.coordinators.select_related("user").order_by("user__email")
        ]
    if context["can_manage_network"]:
        context["coordinator_form"] = CoordinatorForm()
    return context
