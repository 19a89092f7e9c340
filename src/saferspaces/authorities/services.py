"""Writes for the registry: NUTS import, authorities, networks. Typed, keyword-only, atomic."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from saferspaces.accounts import permissions
from saferspaces.accounts.models import Role, User
from saferspaces.accounts.services import IssuedInvitation, invitation_create
from saferspaces.authorities.models import Authority, AuthorityKind, Network, NutsRegion
from saferspaces.core.limits import FILE_MAX_BYTES, MB, POPULATION_MAX
from saferspaces.core.nuts import (
    NutsFileError,
    NutsParseResult,
    nuts_coverage_check,
    nuts_parse_bytes,
)
from saferspaces.errors import DomainError

if TYPE_CHECKING:
    from saferspaces.assessments.models import Assessment


@dataclass(frozen=True)
class NutsImportReport:
    created: int
    updated: int
    unchanged: int
    by_level: dict[int, int]
    empty_rows: int
    extra_regio: int

    def summary(self) -> str:
        levels = ", ".join(
            f"NUTS {level}: {count}" for level, count in sorted(self.by_level.items())
        )
        return (
            f"{sum(self.by_level.values())} regions ({levels}); {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged; dropped {self.empty_rows} empty rows and {self.extra_regio} Extra-Regio codes"
        )


def nuts_import(*, path: Path, partial: bool = False) -> NutsImportReport:
    """Import (or update) the NUTS registry from a file. All or nothing.

    The file must hold a whole classification (``nuts_coverage_check``: a file cut short is
    refused) unless ``partial`` says a part is meant (some countries only)."""
    try:
        size = path.stat().st_size
        if size > FILE_MAX_BYTES:
            raise DomainError(
                _(
                    "%(path)s is larger than %(limit)s MB; the NUTS classification file is "
                    "about 60 KB. Is it the right file?"
                )
                % {"path": path, "limit": FILE_MAX_BYTES // MB}
            )
        data = path.read_bytes()
    except OSError as error:
        raise DomainError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
        ) from None
    parsed = nuts_parse_bytes(data=data, source=str(path))
    if not partial:
        nuts_coverage_check(result=parsed, source=str(path))
    return nuts_store(parsed=parsed)


def nuts_store(*, parsed: NutsParseResult) -> NutsImportReport:
    created = updated = unchanged = 0
    existing = {region.code: region for region in NutsRegion.objects.all()}
    with transaction.atomic():
        for record in sorted(parsed.records, key=lambda r: r.level):
            region = existing.get(record.code)
            if region is None:
                NutsRegion.objects.create(
                    code=record.code,
                    label=record.label,
                    level=record.level,
                    country_code=record.country_code,
                    parent_id=record.parent_code,
                )
                created += 1
            elif (region.label, region.level, region.parent_id) != (
                record.label,
                record.level,
                record.parent_code,
            ):
                region.label, region.level, region.parent_id = (
                    record.label,
                    record.level,
                    record.parent_code,
                )
                region.country_code = record.country_code
                region.save()
                updated += 1
            else:
                unchanged += 1
    return NutsImportReport(
        created=created,
        updated=updated,
        unchanged=unchanged,
        by_level=parsed.count_by_level(),
        empty_rows=parsed.empty_rows,
        extra_regio=parsed.extra_regio,
    )


__all__ = [
    "NutsFileError",
    "authority_create",
    "network_authority_add",
    "network_authority_remove",
    "network_create",
    "network_update",
    "nuts_import",
]


def _unique_slug(name: str, country_code: str) -> str:
    base = slugify(f"{name}-{country_code}")[:70] or "authority"
    slug, n = base, 2
    while Authority.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


RESERVED_NETWORK_SLUGS = frozenset({"new"})  # paths under /networks/ that are pages


def _network_slug(name: str) -> str:
    base = slugify(name)[:70] or "network"
    slug, n = base, 2
    while slug in RESERVED_NETWORK_SLUGS or Network.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def authority_create(
    *,
    name: str,
    country_code: str,
    kind: str,
    nuts_code: str,
    lau_code: str = "",
    population: int | None = None,
    area_km2: Decimal | float | None = None,
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    languages: list[str] | None = None,
    networks: list[Network] | None = None,
    is_demo: bool = False,
    created_by: User | None = None,
) -> Authority:
    """Register an authority, linked to its NUTS region. Raises :class:`DomainError` naming the field."""
    name = name.strip()
    country_code = country_code.strip().upper()
    nuts_code = nuts_code.strip().upper()
    if not name:
        raise DomainError(_("Enter the authority's name."), field="name")
    if len(name) > 200:
        raise DomainError(_("Enter at most 200 characters."), field="name")
    if not re.fullmatch(r"[A-Z]{2}", country_code):
        raise DomainError(
            _("Enter a two-letter country code, e.g. FR or EL."), field="country_code"
        )
    if kind not in AuthorityKind.values:
        raise DomainError(_("Choose the kind of authority."), field="kind")
    region = NutsRegion.objects.filter(code=nuts_code).first()
    if region is None:
        raise DomainError(
            _(
                "Unknown NUTS code %(code)s. Import the NUTS registry (saferspaces import-nuts FILE) or check the code."
            )
            % {"code": nuts_code or "''"},
            field="nuts_code",
        )
    if region.country_code != country_code:
        raise DomainError(
            _("NUTS region %(code)s is in %(region_country)s, not %(country)s.")
            % {"code": nuts_code, "region_country": region.country_code, "country": country_code},
            field="nuts_code",
        )
    if Authority.objects.filter(country_code=country_code, name__iexact=name).exists():
        raise DomainError(
            _("An authority called %(name)s is already registered in %(country)s.")
            % {"name": name, "country": country_code},
            field="name",
        )
    if lau_code and Authority.objects.filter(country_code=country_code, lau_code=lau_code).exists():
        raise DomainError(
            _("LAU code %(code)s is already used by another authority in %(country)s.")
            % {"code": lau_code, "country": country_code},
            field="lau_code",
        )
    if population is not None and not 0 <= population <= POPULATION_MAX:
        raise DomainError(
            _("Enter a population between 0 and %(max)s.") % {"max": POPULATION_MAX},
            field="population",
        )
    for language in languages or []:
        if not re.fullmatch(r"[a-z]{2,3}", language):
            raise DomainError(
                _("Languages are ISO 639 codes such as fr or de, separated by commas."),
                field="languages",
            )
    try:
        with transaction.atomic():
            authority = Authority.objects.create(
                name=name,
                slug=_unique_slug(name, country_code),
                country_code=country_code,
                kind=kind,
                nuts_region=region,
                lau_code=lau_code.strip(),
                population=population,
                area_km2=area_km2,
                latitude=latitude,
                longitude=longitude,
                languages=list(languages or []),
                is_demo=is_demo,
                created_by=created_by,
            )
            if networks:
                authority.networks.set(networks)
    except IntegrityError:
        raise DomainError(_("This authority is already registered."), field="name") from None
    return authority


def _network_fields(*, name: str, description: str, exclude: int | None) -> tuple[str, str]:
    name = " ".join(name.split())
    description = description.strip()
    if not name:
        raise DomainError(_("Enter the network's name."), field="name")
    if len(name) > 200:
        raise DomainError(_("Enter at most 200 characters."), field="name")
    if len(description) > 5000:
        raise DomainError(_("Enter at most 5000 characters."), field="description")
    same = Network.objects.filter(name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise DomainError(
            _("A network called %(name)s already exists.") % {"name": name}, field="name"
        )
    return name, description


def network_create(
    *,
    name: str,
    description: str = "",
    is_demo: bool = False,
    by: User | None = None,
    now: datetime | None = None,
) -> Network:
    """A new network; ``by`` (when given) must be an administrator."""
    if by is not None and not permissions.can_manage_networks(by):
        raise DomainError(_("Only administrators create networks."))
    name, description = _network_fields(name=name, description=description, exclude=None)
    try:
        with transaction.atomic():
            return Network.objects.create(
                name=name,
                slug=_network_slug(name),
                description=description,
                is_demo=is_demo,
                created_at=now or timezone.now(),
                created_by=by,
            )
    except IntegrityError:
        raise DomainError(
            _("A network called %(name)s already exists.") % {"name": name}, field="name"
        ) from None


def network_update(
    *, network: Network, name: str, description: str, by: User, now: datetime
) -> Network:
    """Rename a network or change its description (its address stays the same)."""
    if not permissions.can_manage_networks(by):
        raise DomainError(_("Only administrators edit networks."))
    name, description = _network_fields(name=name, description=description, exclude=network.pk)
    try:
        with transaction.atomic():
            network.name, network.description = name, description
            network.updated_at, network.updated_by = now, by
            network.save(update_fields=["name", "description", "updated_at", "updated_by"])
    except IntegrityError:
        raise DomainError(
            _("A network called %(name)s already exists.") % {"name": name}, field="name"
        ) from None
    return network


@dataclass(frozen=True)
class NetworkJoin:
    """What adding an authority to a network did."""

    authority: Authority
    assessments: list[Assessment]  # one per round of the network still open
    invitation: IssuedInvitation | None  # the lead's, when an address was given


def network_authority_add(
    *,
    network: Network,
    authority: Authority,
    by: User,
    now: datetime,
    lead_email: str = "",
) -> NetworkJoin:
    """Add ``authority`` to ``network``. It joins every round of the network still open (an
    assessment in each) and, if ``lead_email`` is given, its lead is invited. All or nothing."""
    from saferspaces.assessments.rounds import round_participant_add, rounds_open

    if not permissions.can_manage_network_members(by, network):
        raise DomainError(_("Only the network's coordinators add authorities to it."))
    if network.authorities.filter(pk=authority.pk).exists():
        raise DomainError(
            _("%(authority)s is already in %(network)s.")
            % {"authority": authority.name, "network": network.name},
            field="authority",
        )
    with transaction.atomic():
        authority.networks.add(network)
        assessments = [
            round_participant_add(round_=round_, authority=authority, user=by, now=now)
            for round_ in rounds_open(network=network, today=timezone.localdate(now))
        ]
        invitation = None
        if lead_email.strip():
            invitation = invitation_create(
                authority=authority, email=lead_email, role=Role.LEAD, invited_by=by, now=now
            )
    return NetworkJoin(authority=authority, assessments=assessments, invitation=invitation)


def network_authority_remove(
    *, network: Network, authority: Authority, by: User, now: datetime
) -> int:
    """Take ``authority`` out of ``network``. Its empty assessments in the network's open rounds
    go with it; one that has answers stops the removal (answers are never deleted). Assessments
    of past rounds stay. Returns how many empty assessments were removed."""
    from saferspaces.assessments.rounds import round_participant_remove, rounds_open

    if not permissions.can_manage_network_members(by, network):
        raise DomainError(_("Only the network's coordinators remove authorities from it."))
    if not network.authorities.filter(pk=authority.pk).exists():
        raise DomainError(
            _("%(authority)s is not in %(network)s.")
            % {"authority": authority.name, "network": network.name}
        )
    with transaction.atomic():
        removed = sum(
            round_participant_remove(round_=round_, authority=authority)
            for round_ in rounds_open(network=network, today=timezone.localdate(now))
        )
        authority.networks.remove(network)
    return removed
