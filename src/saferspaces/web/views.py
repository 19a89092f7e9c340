from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from saferspaces import __version__
from saferspaces.accounts.permissions import AccessDenied
from saferspaces.accounts.selectors import user_home_context
from saferspaces.core.limits import FORM_BODY_MAX_BYTES, MB
from saferspaces.inputs import BadParameter
from saferspaces.web.numbers import number_text

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", user_home_context(user=request.user))


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means "unhealthy"
        return JsonResponse(
            {"status": "error", "database": str(error.__class__.__name__)}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok", "version": __version__})


# --- error pages ---------------------------------------------------------------------------------
# An error page must render when the database is what failed: the 500 page never asks it anything
# (no request context, so no context processor, no session, no user), and the 400, 403 and 404
# pages, which show the person's navigation when they can, fall back to the same page without it
# when a query fails. The last resort, if even a template fails, is a page written here.


def _error_context(exception: BaseException | None) -> dict[str, Any]:
    """The explanation of a refused request that the person can act on (ours only)."""
    if isinstance(exception, BadParameter):
        return {"reason": exception.message}
    if isinstance(exception, RequestDataTooBig):
        return {
            "reason": _(
                "The form sent more than %(mb)s MB of text. Nothing was changed: shorten the "
                "text and send it again."
            )
            % {"mb": FORM_BODY_MAX_BYTES // MB}
        }
    if isinstance(exception, TooManyFieldsSent):
        return {"reason": _("The form sent too many fields. Nothing was changed.")}
    return {}


def _error_page(
    request: HttpRequest, template: str, status: int, context: dict[str, Any]
) -> HttpResponse:
    try:
        return render(request, template, context, status=status)
    except DatabaseError:
        logger.warning("the %s page was shown without the database", status, exc_info=True)
    return error_page_offline(template=template, status=status, context=context)


def error_page_offline(*, template: str, status: int, context: dict[str, Any]) -> HttpResponse:
    """``template`` rendered without the request: no context processor, no query, no session."""
    context = {**context, "offline": True, "saferspaces_version": __version__}
    html: str
    try:
        html = loader.render_to_string(template, context)
    except Exception:  # a broken template must not turn an error page into a bare one
        logger.exception("the %s page could not be rendered", status)
        title = _("Something went wrong on our side")
        html = (
            f'<!DOCTYPE html><html lang="{escape(get_language() or "en")}"><head>'
            f'<meta charset="utf-8"><title>{escape(title)}</title></head>'
            f'<body><main><h1>{escape(title)}</h1><p><a href="/">{escape(_("Go to the home page"))}'
            "</a></p></main></body></html>"
        )
    return HttpResponse(html, status=status)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "400.html", 400, _error_context(exception))


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The refusal page; it says why when the view could (``AccessDenied``)."""
    reason = exception.reason if isinstance(exception, AccessDenied) else None
    return _error_page(request, "403.html", 403, {"reason": reason})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a form sent from an expired page, or without the cookie."""
    return _error_page(request, "403_csrf.html", 403, {})


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "404.html", 404, {})


def error_500(request: HttpRequest) -> HttpResponse:
    # The database may be what failed (down, or its transaction broken): never ask it anything.
    return error_page_offline(template="500.html", status=500, context={})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "web/accessibility.html")


#: the guide's pages, one per role, in the order a round meets them
GUIDE_ROLES = ("respondent", "lead", "coordinator", "reader")


def guide(request: HttpRequest) -> HttpResponse:
    """The in-site guide: what a round is, and a page per role."""
    return render(request, "web/guide/index.html", {"roles": GUIDE_ROLES})


def guide_role(request: HttpRequest, role: str) -> HttpResponse:
    """The guide for one role: respondent, lead, coordinator or reader of the results."""
    if role not in GUIDE_ROLES:
        raise Http404
    return render(
        request,
        f"web/guide/{role}.html",
        {
            "role": role,
            "roles": GUIDE_ROLES,
            "peer_minimum": settings.PEER_MINIMUM,
            "step": number_text(0.1),
        },
    )
