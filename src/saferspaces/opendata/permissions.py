"""Who may see import runs, start imports and confirm an authority's geography match."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from saferspaces.accounts.models import Role
from saferspaces.accounts.permissions import (
    coordinates_authority,
    is_administrator,
    is_coordinator,
    role_in_authority,
)

if TYPE_CHECKING:
    from saferspaces.authorities.models import Authority


def can_view_import_runs(user: Any) -> bool:
    """Import runs (counts, warnings, errors): coordinators and administrators."""
    return is_administrator(user) or is_coordinator(user)


def can_run_imports(user: Any) -> bool:
    """Start an import of open data (from the web, or again with "Try again"): administrators
    only. Imported values feed the pre-fill of every authority of the site, not one network's,
    so no coordinator decides them alone; coordinators see the runs."""
    return is_administrator(user)


def can_manage_geography(user: Any, authority: Authority) -> bool:
    """An authority's geography match: its lead, its coordinators, administrators."""
    if is_administrator(user):
        return True
    return role_in_authority(user, authority) == Role.LEAD or coordinates_authority(user, authority)
