"""The site's URLs and who may open them: shared by the permission matrix and the browser tests."""

from __future__ import annotations

import importlib
from pathlib import Path

PERSONA_ORDER = (
    "anonymous",
    "outsider",
    "respondent",
    "lead",
    "coordinator",
    "ports_coordinator",  # coordinates only the second network (the persona authority is in both)
    "administrator",
)
ALL = dict.fromkeys(PERSONA_ORDER, 200)
LOGGED_IN = {"anonymous": 302, **dict.fromkeys(PERSONA_ORDER[1:], 200)}
ANON_ONLY = {"anonymous": 200, **dict.fromkeys(PERSONA_ORDER[1:], 302)}
ADMIN_ONLY = {
    "anonymous": 302,
    "outsider": 403,
    "respondent": 403,
    "lead": 403,
    "coordinator": 403,
    "ports_coordinator": 403,
    "administrator": 200,
}
LEAD_POST = {
    "anonymous": 302,
    "outsider": 403,
    "respondent": 403,
    "lead": 400,
    "coordinator": 403,
    "ports_coordinator": 403,
    "administrator": 400,
}
GONE = dict.fromkeys(PERSONA_ORDER, 410)
# The coordinators of the main network (the network and rounds of the path), administrators.
COORDINATOR_ONLY = {
    "anonymous": 302,
    "outsider": 403,
    "respondent": 403,
    "lead": 403,
    "coordinator": 200,
    "ports_coordinator": 403,
    "administrator": 200,
}
# Any coordinator, whatever network they coordinate, and administrators.
ANY_COORDINATOR = {**COORDINATOR_ONLY, "ports_coordinator": 200}
MFA_PAGE = {"anonymous": 302, **dict.fromkeys(PERSONA_ORDER[1:], 200)}
MFA_REAUTH = {"anonymous": 302, **dict.fromkeys(PERSONA_ORDER[1:], 302)}
# allauth answers 404 for recovery-code and deactivation pages while a person has no authenticator.
NO_AUTHENTICATOR = {"anonymous": 302, **dict.fromkeys(PERSONA_ORDER[1:], 404)}

# name -> (method, path template, expected status per persona)
MATRIX: dict[str, tuple[str, str, dict[str, int]]] = {
    "web:home": ("get", "/", ALL),
    "web:health": ("get", "/health/", ALL),
    "web:accessibility": ("get", "/accessibility/", ALL),
    # the in-site guide: public, one page per role (the others in tests/web/test_guide.py)
    "web:guide": ("get", "/guide/", ALL),
    "web:guide_role": ("get", "/guide/respondent/", ALL),
    # how far each language is, its files to download: coordinators and administrators
    "web:translate": ("get", "/translate/", ANY_COORDINATOR),
    "web:translate_file": ("get", "/translate/lv/django.po", ANY_COORDINATOR),
    "authorities:list": ("get", "/authorities/", ALL),
    "authorities:create": ("get", "/authorities/new/", ADMIN_ONLY),
    "authorities:detail": ("get", "/authorities/{authority}/", ALL),
    "authorities:invite": ("post", "/authorities/{authority}/invite/", LEAD_POST),
    "authorities:network_list": ("get", "/networks/", ALL),
    "authorities:network_detail": ("get", "/networks/{network}/", ALL),
    "accounts:profile": ("get", "/me/", LOGGED_IN),
    "accounts:invitation": ("get", "/invitations/not-a-real-token/", GONE),
    "account_login": ("get", "/accounts/login/", ANON_ONLY),
    "account_logout": (
        "get",
        "/accounts/logout/",
        {"anonymous": 302, **dict.fromkeys(PERSONA_ORDER[1:], 200)},
    ),
    "account_inactive": ("get", "/accounts/inactive/", ALL),
    "account_signup": ("get", "/accounts/signup/", ANON_ONLY),
    "account_reauthenticate": ("get", "/accounts/reauthenticate/", LOGGED_IN),
    "account_email": ("get", "/accounts/email/", LOGGED_IN),
    "account_email_verification_sent": ("get", "/accounts/confirm-email/", ALL),
    "account_change_password": ("get", "/accounts/password/change/", LOGGED_IN),
    "account_set_password": (
        "get",
        "/accounts/password/set/",
        {"anonymous": 302, **dict.fromkeys(PERSONA_ORDER[1:], 302)},
    ),
    "account_reset_password": ("get", "/accounts/password/reset/", ALL),
    "account_confirm_login_code": (
        "get",
        "/accounts/login/code/confirm/",
        {"anonymous": 302, **dict.fromkeys(PERSONA_ORDER[1:], 302)},
    ),
    "account_confirm_email": ("get", "/accounts/confirm-email/not-a-key/", ALL),
    "account_reset_password_from_key_done": ("get", "/accounts/password/reset/key/done/", ALL),
    "account_reset_password_from_key": ("get", "/accounts/password/reset/key/1-not-a-key/", ALL),
    "account_reset_password_done": ("get", "/accounts/password/reset/done/", ALL),
    "mfa_index": ("get", "/accounts/2fa/", MFA_PAGE),
    "mfa_authenticate": (
        "get",
        "/accounts/2fa/authenticate/",
        {"anonymous": 302, **dict.fromkeys(PERSONA_ORDER[1:], 302)},
    ),
    "mfa_reauthenticate": ("get", "/accounts/2fa/reauthenticate/", MFA_REAUTH),
    "mfa_activate_totp": ("get", "/accounts/2fa/totp/activate/", MFA_REAUTH),
    "mfa_deactivate_totp": ("get", "/accounts/2fa/totp/deactivate/", NO_AUTHENTICATOR),
    "mfa_view_recovery_codes": ("get", "/accounts/2fa/recovery-codes/", NO_AUTHENTICATOR),
    "mfa_generate_recovery_codes": (
        "get",
        "/accounts/2fa/recovery-codes/generate/",
        {"anonymous": 302, **dict.fromkeys(PERSONA_ORDER[1:], 302)},
    ),
    "mfa_download_recovery_codes": (
        "get",
        "/accounts/2fa/recovery-codes/download/",
        NO_AUTHENTICATOR,
    ),
    "set_language": ("post", "/i18n/setlang/", dict.fromkeys(PERSONA_ORDER, 302)),
    "frameworks:list": ("get", "/frameworks/", ALL),
    "frameworks:detail": ("get", "/frameworks/ssf-2026.1/", ALL),
    "frameworks:xlsform": ("get", "/frameworks/ssf-2026.1/xlsform/", ALL),
    "frameworks:source": ("get", "/frameworks/ssf-2026.1/source/", ALL),
    "frameworks:upload": ("get", "/frameworks/upload/", ANY_COORDINATOR),
}
# Later apps contribute their routes in ``tests/matrix_parts/<app>.py``: a module with ``ENTRIES``
# (same shape as MATRIX), optionally ``NOT_HTML`` (a set of names) and ``placeholders()`` (a
# function returning extra values for path templates, called with the demo loaded).
_PARTS = [
    importlib.import_module(f"matrix_parts.{p.stem}")
    for p in sorted((Path(__file__).parent / "matrix_parts").glob("*.py"))
    if p.stem != "__init__"
]
EXTRA_MATRIX: dict[str, tuple[str, str, dict[str, int]]] = {}
for _part in _PARTS:
    EXTRA_MATRIX.update(_part.ENTRIES)


def matrix_entries() -> dict[str, tuple[str, str, dict[str, int]]]:
    return {**MATRIX, **EXTRA_MATRIX}


def fill_path(template: str) -> str:
    """Fill a path template with the demo's persona authority and main network (needs the demo)."""
    from saferspaces.authorities.models import Authority, Network
    from saferspaces.demo.generator import MAIN_NETWORK, PERSONA_AUTHORITY

    values: dict[str, object] = {
        "authority": Authority.objects.get(name=PERSONA_AUTHORITY).slug,
        "network": Network.objects.get(name=MAIN_NETWORK).slug,
    }
    for part in _PARTS:
        if "{" in template and hasattr(part, "placeholders"):
            needed = {k for k in part.PLACEHOLDER_KEYS if "{" + k + "}" in template}
            if needed:
                values.update(part.placeholders())
    return template.format(**values)


# Routes that answer with a file or JSON, not an HTML page (axe-core has nothing to check there).
NOT_HTML = {
    "web:health",
    "frameworks:xlsform",
    "frameworks:source",
    "mfa_download_recovery_codes",
    "web:translate_file",
}
for _part in _PARTS:
    NOT_HTML |= set(getattr(_part, "NOT_HTML", ()))
