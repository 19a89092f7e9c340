"""Writes of the open-data app: import runs (``imports.py``: the core pipeline over a database
sink, for the command line and the task queue) and the confirmation of an authority's geography
match."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saferspaces.core.opendata.errors import GeographyError
from saferspaces.core.opendata.geography import authority_geography
from saferspaces.errors import DomainError
from saferspaces.opendata.imports import API_TIMEOUT_S, OpenDataImportError, opendata_import
from saferspaces.opendata.models import GeographyMatch, MatchMethod

__all__ = [
    "API_TIMEOUT_S",
    "OpenDataImportError",
    "geography_match_confirm",
    "opendata_import",
]


def geography_match_confirm(
    *,
    authority: Any,
    user: Any,
    city_code: str,
    nuts_code: str,
    now: datetime | None = None,
) -> GeographyMatch:
    """Confirm (same codes as suggested) or correct an authority's geography match.

    ``city_code`` may be empty (no Urban Audit city); ``nuts_code`` is a NUTS 3 or NUTS 2 code
    of the authority's country. Every problem is reported in one :class:`DomainError`.
    """
    from saferspaces.opendata.selectors import geography_match_suggest

    city = city_code.strip().upper()
    nuts = nuts_code.strip().upper()
    if not nuts:
        raise DomainError(_("Give the NUTS 3 (or NUTS 2) region code."), field="nuts_code")
    if len(nuts) not in (4, 5):
        raise DomainError(
            _("Give a NUTS 3 code (5 characters, e.g. FRL04) or a NUTS 2 code (4 characters)."),
            field="nuts_code",
        )
    try:
        authority_geography(
            country=authority.country_code,
            city=city or None,
            nuts3=nuts if len(nuts) == 5 else None,
            nuts2=nuts if len(nuts) == 4 else None,
        )
    except GeographyError as exc:
        on_city = bool(city) and any(p.location.source == city for p in exc.problems)
        details = "; ".join(f"{p.location.source} {p.message}" for p in exc.problems)
        raise DomainError(
            details or exc.message, field="city_code" if on_city else "nuts_code"
        ) from None
    suggestion = geography_match_suggest(authority=authority)
    # picking a city the page suggested (by name, or by population when no name matched)
    # confirms the suggestion; any other code corrects it
    suggested = {suggestion.suggested_city or ""}
    if not suggestion.suggested_city:
        suggested |= {c.code for c in suggestion.population_candidates}
    same = city in suggested and nuts == suggestion.suggested_nuts
    with transaction.atomic():
        match, _created = GeographyMatch.objects.select_for_update().get_or_create(
            authority=authority
        )
        match.city_code = city
        match.nuts_code = nuts
        match.method = MatchMethod.CONFIRMED if same else MatchMethod.CORRECTED
        match.confirmed_by = user
        match.confirmed_at = now or timezone.now()
        match.save()
    return match
