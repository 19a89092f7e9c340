from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from saferspaces import __version__
from saferspaces.accounts.selectors import user_roles_summary


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page needs: version, the user's roles, and whether demo data is loaded."""
    from saferspaces.demo.selectors import demo_is_loaded

    return {
        "saferspaces_version": __version__,
        "demo_loaded": demo_is_loaded(),
        "user_roles": user_roles_summary(user=request.user) if hasattr(request, "user") else None,
        "debug": settings.DEBUG,
    }
