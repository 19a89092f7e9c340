"""The demonstration data set, built in code by a seeded generator (never a JSON dump).

Fictional authorities are placed in real NUTS regions of 15 countries, with sizes and kinds varied so
that later features can show peer bands (at least five similar peers) and trends. Demo people cover
every role. Everything built here is flagged ``is_demo`` and every page showing it says so.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from saferspaces.accounts.models import Role, User
from saferspaces.accounts.services import coordinator_grant, membership_grant
from saferspaces.authorities.models import Authority, AuthorityKind, Network, NutsRegion
from saferspaces.authorities.services import authority_create, network_create
from saferspaces.demo.regions import CENTRES, DEMO_REGIONS, LANGUAGES, NAME_PARTS

DEMO_PASSWORD = "saferspaces-demo"  # noqa: S105 - published demo credential, demo data only
DEMO_SEED = 2026
DEMO_EMAIL_DOMAIN = "demo.saferspaces.example"


@dataclass(frozen=True)
class Persona:
    key: str
    email: str
    role: str
    description: str


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "administrator",
        f"admin@{DEMO_EMAIL_DOMAIN}",
        "administrator",
        "Administrator of the platform",
    ),
    Persona(
        "coordinator",
        f"coordinator@{DEMO_EMAIL_DOMAIN}",
        "coordinator",
        "Coordinator of the demonstration network",
    ),
    Persona("lead", f"lead@{DEMO_EMAIL_DOMAIN}", "lead", "Lead of Montclair-sur-Mer (FR)"),
    Persona(
        "respondent",
        f"respondent@{DEMO_EMAIL_DOMAIN}",
        "respondent",
        "Respondent for Montclair-sur-Mer (FR)",
    ),
    Persona("outsider", f"outsider@{DEMO_EMAIL_DOMAIN}", "none", "Logged-in person with no role"),
    Persona(
        "ports_coordinator",
        f"ports-coordinator@{DEMO_EMAIL_DOMAIN}",
        "coordinator",
        "Coordinator of the port cities network (Montclair-sur-Mer is in both networks)",
    ),
)

PERSONA_AUTHORITY = "Montclair-sur-Mer"
MAIN_NETWORK = "Demonstration network for safer public spaces"
SECOND_NETWORK = "Demonstration network of port cities"


@dataclass
class DemoReport:
    regions_created: int = 0
    networks: list[str] = field(default_factory=list)
    authorities: int = 0
    countries: int = 0
    users: list[Persona] = field(default_factory=list)

    def logins(self) -> str:
        lines = [f"  {p.email:<45} {p.description}" for p in self.users]
        return "\n".join(["Demo logins (password for all: " + DEMO_PASSWORD + "):", *lines])


def _ensure_regions() -> int:
    created = 0
    for code3, label3, label2, label1 in DEMO_REGIONS:
        for code, label, level in (
            (code3[:3], label1, 1),
            (code3[:4], label2, 2),
            (code3, label3, 3),
        ):
            _region, was_created = NutsRegion.objects.get_or_create(
                code=code,
                defaults={
                    "label": label.strip(),
                    "level": level,
                    "country_code": code[:2],
                    "parent_id": code[:-1] if level > 1 else None,
                },
            )
            created += int(was_created)
    return created


def _name(rng: random.Random, country: str, used: set[str]) -> str:
    starts, ends = NAME_PARTS[country]
    for _attempt in range(100):
        name = rng.choice(starts) + rng.choice(ends)
        name = name[0].upper() + name[1:]
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError(f"cannot find a fresh demo name for {country}")


_SIZES: dict[str, tuple[int, int]] = {
    AuthorityKind.MUNICIPALITY: (15_000, 90_000),
    AuthorityKind.CITY: (90_000, 900_000),
    AuthorityKind.METROPOLITAN_AREA: (600_000, 3_500_000),
    AuthorityKind.PROVINCE: (400_000, 2_000_000),
    AuthorityKind.REGION: (1_000_000, 6_000_000),
}
_KIND_WEIGHTS = [
    (AuthorityKind.CITY, 6),
    (AuthorityKind.MUNICIPALITY, 4),
    (AuthorityKind.METROPOLITAN_AREA, 1),
    (AuthorityKind.PROVINCE, 1),
    (AuthorityKind.REGION, 1),
]


@lru_cache(maxsize=1)
def _password_hash() -> str:
    # One hash shared by every demo person: hashing is deliberately slow, the demo has ~60 people.
    return make_password(DEMO_PASSWORD)


def _user(email: str, name: str, *, superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(
            email=email,
            full_name=name,
            password=_password_hash(),
            is_superuser=superuser,
            is_staff=superuser,
        )
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def demo_build(*, seed: int = DEMO_SEED, now: datetime) -> DemoReport:
    """Build the demonstration data set; idempotent (does nothing more if it is already there)."""
    report = DemoReport()
    report.regions_created = _ensure_regions()
    main = Network.objects.filter(name=MAIN_NETWORK).first() or network_create(
        name=MAIN_NETWORK,
        is_demo=True,
        description="Fictional authorities across Europe that show how Safer Spaces works: rounds, "
        "peer bands and progress. Not a real network.",
    )
    ports = Network.objects.filter(name=SECOND_NETWORK).first() or network_create(
        name=SECOND_NETWORK,
        is_demo=True,
        description="A second fictional network, to show that a coordinator sees only the networks they coordinate.",
    )
    report.networks = [main.name, ports.name]
    rng = random.Random(seed)
    if not Authority.objects.filter(is_demo=True).exists():
        used: set[str] = {PERSONA_AUTHORITY}
        authority_create(
            name=PERSONA_AUTHORITY,
            country_code="FR",
            kind=AuthorityKind.CITY,
            nuts_code="FRL04",
            lau_code="DEMO-13999",
            population=184_300,
            area_km2=Decimal("96.40"),
            latitude=Decimal("43.29500"),
            longitude=Decimal("5.36980"),
            languages=["fr"],
            networks=[main, ports],
            is_demo=True,
        )
        for index, (code, *_labels) in enumerate(DEMO_REGIONS):
            country = code[:2]
            for _copy in range(2 if index % 3 != 2 else 1):
                kinds, weights = zip(*_KIND_WEIGHTS, strict=True)
                kind = rng.choices(kinds, weights=weights)[0]
                low, high = _SIZES[kind]
                population = int(round(rng.uniform(low, high), -2))
                density = (
                    rng.uniform(600, 7000)
                    if kind in (AuthorityKind.CITY, AuthorityKind.MUNICIPALITY)
                    else rng.uniform(150, 900)
                )
                lat, lon = CENTRES[code]
                networks = [main] if rng.random() < 0.85 else [ports]
                if rng.random() < 0.2:
                    networks.append(ports if networks[0] == main else main)
                authority_create(
                    name=_name(rng, country, used),
                    country_code=country,
                    kind=kind,
                    nuts_code=code,
                    lau_code=f"DEMO-{index:02d}{_copy}",
                    population=population,
                    area_km2=Decimal(str(round(population / density, 2))),
                    latitude=Decimal(str(round(lat + rng.uniform(-0.3, 0.3), 5))),
                    longitude=Decimal(str(round(lon + rng.uniform(-0.3, 0.3), 5))),
                    languages=LANGUAGES[country],
                    networks=networks,
                    is_demo=True,
                )
    demo_authorities = Authority.objects.filter(is_demo=True)
    report.authorities = demo_authorities.count()
    report.countries = demo_authorities.values("country_code").distinct().count()

    persona_authority = Authority.objects.get(name=PERSONA_AUTHORITY, country_code="FR")
    _user(PERSONAS[0].email, "Ada Admin", superuser=True)
    coordinator_grant(user=_user(PERSONAS[1].email, "Colette Coordinator"), network=main)
    membership_grant(
        user=_user(PERSONAS[2].email, "Léa Lead"), authority=persona_authority, role=Role.LEAD
    )
    membership_grant(
        user=_user(PERSONAS[3].email, "Rémi Respondent"),
        authority=persona_authority,
        role=Role.RESPONDENT,
    )
    _user(PERSONAS[4].email, "Otto Outsider")
    coordinator_grant(user=_user(PERSONAS[5].email, "Pia Ports"), network=ports)
    # A lead for every other demo authority, so that peers have people behind them.
    for authority in demo_authorities.exclude(pk=persona_authority.pk).order_by("pk"):
        lead = _user(f"lead-{authority.slug}@{DEMO_EMAIL_DOMAIN}", f"Lead of {authority.name}")
        membership_grant(user=lead, authority=authority, role=Role.LEAD)
    report.users = list(PERSONAS)
    _extensions(report=report, seed=seed, now=now)
    return report


def _extensions(*, report: DemoReport, seed: int, now: datetime) -> None:
    """Later parts of the demo (rounds, answers) hook in here, after the framework editions."""
    from saferspaces.demo.assessments import demo_rounds_build
    from saferspaces.demo.sharing import demo_sharing_build
    from saferspaces.frameworks.services import framework_editions_sync_bundled

    framework_editions_sync_bundled()
    main = Network.objects.get(name=MAIN_NETWORK)
    coordinator = User.objects.get(email=PERSONAS[1].email)
    persona = Authority.objects.get(name=PERSONA_AUTHORITY, country_code="FR")
    rounds = demo_rounds_build(
        network=main, coordinator=coordinator, persona=persona, seed=seed, now=now
    )
    demo_sharing_build(rounds=rounds, persona=persona, coordinator=coordinator, seed=seed, now=now)


@transaction.atomic
def demo_delete() -> int:
    """Remove every demonstration object (people, authorities, networks). Imported NUTS regions stay."""
    from saferspaces.demo.assessments import demo_rounds_delete

    demo_rounds_delete()
    deleted, _details = User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").delete()
    count = deleted
    count += Authority.objects.filter(is_demo=True).delete()[0]
    count += Network.objects.filter(is_demo=True).delete()[0]
    return count
