"""Every URL of the site x every persona: who gets what, and who sees private data.

Adding a URL without adding it here fails ``test_every_url_is_in_the_matrix``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from saferspaces.accounts.models import User
from saferspaces.authorities.models import Authority, Network
from saferspaces.demo.generator import MAIN_NETWORK, PERSONA_AUTHORITY, PERSONAS, SECOND_NETWORK
from site_matrix import EXTRA_MATRIX, MATRIX, PERSONA_ORDER, fill_path


def _route_names() -> set[str]:
    def walk(patterns: list[Any], namespace: str | None) -> set[str]:
        names: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                names |= walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
        return names

    return walk(get_resolver().url_patterns, None)


def test_every_url_is_in_the_matrix() -> None:
    missing = _route_names() - set(MATRIX) - set(EXTRA_MATRIX)
    assert not missing, f"add these routes to the permission matrix: {sorted(missing)}"


def _client(key: str) -> Client:
    client = Client()
    if key != "anonymous":
        email = next(p.email for p in PERSONAS if p.key == key)
        client.force_login(User.objects.get(email=email))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted({**MATRIX, **EXTRA_MATRIX}))
def test_status_per_persona(name: str, demo_module) -> None:  # type: ignore[no-untyped-def]
    method, template, expected = {**MATRIX, **EXTRA_MATRIX}[name]
    path = fill_path(template)
    got = {}
    for key in PERSONA_ORDER:
        response = getattr(_client(key), method)(
            path, {"language": "fr", "next": "/"} if name == "set_language" else {}
        )
        got[key] = response.status_code
    assert got == expected


PRIVATE_AUTHORITY = {
    "anonymous": False,
    "outsider": False,
    "respondent": True,
    "lead": True,
    "coordinator": True,
    "administrator": True,
}


@pytest.mark.django_db
def test_only_an_authoritys_people_and_coordinators_see_its_team(demo_module) -> None:  # type: ignore[no-untyped-def]
    authority = Authority.objects.get(name=PERSONA_AUTHORITY)
    respondent_email = next(p.email for p in PERSONAS if p.key == "respondent")
    for key, may_see in PRIVATE_AUTHORITY.items():
        page = _client(key).get(f"/authorities/{authority.slug}/").content.decode()
        assert ('id="team"' in page) is may_see, key
        assert ("Rémi Respondent" in page) is may_see, key
        assert respondent_email not in page or may_see
        assert ('id="invite"' in page) is (key in ("lead", "administrator")), key


@pytest.mark.django_db
def test_coordinator_sees_only_the_networks_they_coordinate(demo_module) -> None:  # type: ignore[no-untyped-def]
    ports_only = (
        Authority.objects.filter(networks__name=SECOND_NETWORK)
        .exclude(networks__name=MAIN_NETWORK)
        .first()
    )
    assert ports_only is not None
    coordinator = _client("coordinator")
    assert 'id="team"' not in coordinator.get(f"/authorities/{ports_only.slug}/").content.decode()
    ports = Network.objects.get(name=SECOND_NETWORK)
    assert "Pia Ports" not in coordinator.get(f"/networks/{ports.slug}/").content.decode()
    main = Network.objects.get(name=MAIN_NETWORK)
    assert "Colette Coordinator" in coordinator.get(f"/networks/{main.slug}/").content.decode()
    assert (
        "Colette Coordinator" not in _client("lead").get(f"/networks/{main.slug}/").content.decode()
    )
