"""Small real data for the onboarding tests (networks, coordinators, bulk registration): a few
real NUTS 2024 regions, the people of each role and a network, built in milliseconds without the
demo."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

# (code, label, level): real NUTS 2024 regions, enough for the tests
REGIONS = (
    ("FR1", "Ile-de-France", 1),
    ("FR10", "Ile-de-France", 2),
    ("FR101", "Paris", 3),
    ("FR105", "Hauts-de-Seine", 3),
    ("BE1", "Région de Bruxelles-Capitale", 1),
    ("BE10", "Région de Bruxelles-Capitale", 2),
    ("BE100", "Arr. de Bruxelles-Capitale", 3),
    ("EL3", "Attiki", 1),
    ("EL30", "Attiki", 2),
    ("EL303", "Kentrikos Tomeas Athinon", 3),
)
PASSWORD = "a-long-password-for-tests-1"


@dataclass
class World:
    administrator: Any
    coordinator: Any
    other_coordinator: Any
    outsider: Any
    network: Any
    other_network: Any


def regions_create() -> None:
    from saferspaces.authorities.models import NutsRegion

    for code, label, level in REGIONS:
        NutsRegion.objects.create(
            code=code,
            label=label,
            level=level,
            country_code=code[:2],
            parent_id=code[:-1] if level > 1 else None,
        )


def world_build() -> World:
    from saferspaces.accounts.models import User
    from saferspaces.accounts.services import coordinator_grant
    from saferspaces.authorities.models import Network

    regions_create()
    administrator = User.objects.create_superuser("admin@example.eu", PASSWORD)
    coordinator = User.objects.create_user("coordinator@efus.example", PASSWORD, full_name="Cora")
    other = User.objects.create_user("other@ports.example", PASSWORD, full_name="Otto")
    outsider = User.objects.create_user("outsider@example.eu", PASSWORD)
    network = Network.objects.create(name="Efus pilot group", slug="efus-pilot-group")
    other_network = Network.objects.create(name="Port cities", slug="port-cities")
    coordinator_grant(user=coordinator, network=network)
    coordinator_grant(user=other, network=other_network)
    return World(administrator, coordinator, other, outsider, network, other_network)


def edition_row() -> Any:
    """The bundled first edition, stored (as the demo and production store it)."""
    from saferspaces.frameworks.models import FrameworkEdition
    from saferspaces.frameworks.services import framework_editions_sync_bundled

    framework_editions_sync_bundled()
    return FrameworkEdition.objects.get(edition_id="ssf-2026.1")


def round_open_for(world: World, authorities: list[Any], *, today: dt.date) -> Any:
    from saferspaces.assessments.rounds import round_open

    return round_open(
        network=world.network,
        edition=edition_row(),
        title="Season 2026",
        period_start=dt.date(today.year - 1, 1, 1),
        period_end=dt.date(today.year - 1, 12, 31),
        deadline=today + dt.timedelta(days=60),
        authorities=authorities,
        user=world.coordinator,
    )
