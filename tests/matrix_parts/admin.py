"""Routes of Django's admin site: administrators only (everyone else is sent to log in, and a
logged-in person without the role is refused at the admin's log-in). Answers, their history,
invitations, NUTS regions and uploads are read only there; nothing of an assessment is deleted."""

from __future__ import annotations

from site_matrix import PERSONA_ORDER

ADMIN_SITE = {**dict.fromkeys(PERSONA_ORDER, 302), "administrator": 200}
REFUSED = {**dict.fromkeys(PERSONA_ORDER, 302), "administrator": 403}
ADMIN_LOGIN = {"anonymous": 302, **dict.fromkeys(PERSONA_ORDER[1:], 403), "administrator": 302}

# model (app_label, model_name) -> (add allowed, delete allowed)
MODELS = {
    ("accounts", "user"): (False, False),
    ("account", "emailaddress"): (True, True),  # allauth's: confirm or change an address
    ("accounts", "authoritymembership"): (True, True),
    ("accounts", "networkcoordinator"): (True, True),
    ("accounts", "invitation"): (False, False),
    ("authorities", "nutsregion"): (False, False),
    ("authorities", "network"): (True, True),
    ("authorities", "authority"): (False, True),
    ("authorities", "authorityupload"): (False, False),
    ("assessments", "round"): (False, False),
    ("assessments", "assessment"): (False, False),
    ("assessments", "answer"): (False, False),
    ("assessments", "answerrevision"): (False, False),
}

ENTRIES: dict[str, tuple[str, str, dict[str, int]]] = {
    "admin:index": ("get", "/admin/", ADMIN_SITE),
    "admin:login": ("get", "/admin/login/", ADMIN_LOGIN),
    "admin:logout": ("post", "/admin/logout/", ADMIN_SITE),
    "admin:password_change": ("get", "/admin/password_change/", ADMIN_SITE),
    "admin:password_change_done": ("get", "/admin/password_change/done/", ADMIN_SITE),
    "admin:jsi18n": ("get", "/admin/jsi18n/", ADMIN_SITE),
    "admin:autocomplete": ("get", "/admin/autocomplete/", REFUSED),
    "admin:view_on_site": ("get", "/admin/r/1/1/", {**ADMIN_SITE, "administrator": 404}),
    "admin:app_list": ("get", "/admin/authorities/", ADMIN_SITE),
}
PLACEHOLDER_KEYS = tuple(f"{app}_{model}" for app, model in MODELS)
for (app, model), (add, delete) in MODELS.items():
    base = f"/admin/{app}/{model}/"
    one = base + "{" + f"{app}_{model}" + "}/"
    ENTRIES[f"admin:{app}_{model}_changelist"] = ("get", base, ADMIN_SITE)
    ENTRIES[f"admin:{app}_{model}_add"] = ("get", base + "add/", ADMIN_SITE if add else REFUSED)
    ENTRIES[f"admin:{app}_{model}_change"] = ("get", one + "change/", ADMIN_SITE)
    ENTRIES[f"admin:{app}_{model}_history"] = ("get", one + "history/", ADMIN_SITE)
    ENTRIES[f"admin:{app}_{model}_delete"] = (
        "get",
        one + "delete/",
        ADMIN_SITE if delete else REFUSED,
    )
# Django's admin is the framework's own back office for repairs, not a page of the product: its
# templates and scripts apply inline styles that the site's Content-Security-Policy blocks, and
# axe-core flags its breadcrumb links (colour only). The browser sweep leaves it out; the
# permission matrix above still checks who may open each of its pages.
NOT_HTML = {name for name in ENTRIES if ENTRIES[name][0] == "get"} | {"admin:logout"}


def placeholders() -> dict[str, object]:
    """One object of each model from the demo (and an invitation and an upload made for it)."""
    from django.apps import apps
    from django.utils import timezone

    from saferspaces.accounts.models import Invitation, Role, User
    from saferspaces.accounts.services import invitation_create
    from saferspaces.authorities.models import Authority
    from saferspaces.demo.generator import PERSONA_AUTHORITY, PERSONAS

    if not Invitation.objects.exists():
        invitation_create(
            authority=Authority.objects.get(name=PERSONA_AUTHORITY),
            email="matrix.invitee@example.org",
            role=Role.RESPONDENT,
            invited_by=User.objects.get(email=PERSONAS[0].email),
            now=timezone.now(),
        )
    from matrix_parts.onboarding import placeholders as onboarding_placeholders

    onboarding_placeholders()  # makes the upload
    values: dict[str, object] = {}
    for app, model in MODELS:
        first = apps.get_model(app, model).objects.order_by("pk").first()
        assert first is not None, f"the demo has no {app}.{model}"
        values[f"{app}_{model}"] = first.pk
    return values
