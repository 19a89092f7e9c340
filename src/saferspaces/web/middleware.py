"""Headers of every page: a strict Content-Security-Policy (no inline scripts or styles, no
third-party origins), and no caching of what is sent to a signed-in person."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.functional import LazyObject, empty

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


def _signed_in(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether ``response`` goes to a signed-in person (when unsure: yes)."""
    name = settings.SESSION_COOKIE_NAME
    if name not in request.COOKIES and name not in response.cookies:
        return False  # no session, so nobody is signed in
    user = getattr(request, "user", None)
    if user is None:
        return True
    if response.status_code >= 400:
        # an error page, perhaps drawn because the database is down: judge only by what the
        # request already knows, without a query
        if isinstance(user, LazyObject):
            known = user._wrapped  # type: ignore[attr-defined]
            return known is empty or bool(known.is_authenticated)
        return bool(user.is_authenticated)
    try:
        return bool(user.is_authenticated)
    except DatabaseError:
        return True


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in person.

    Their pages and downloads (evidence files, report PDFs, exports, error pages) are then kept
    by no proxy and no browser cache, and a shared computer's back button shows nothing after
    the log-out. A request without a session is never looked up; an error page asks the database
    nothing and is private whenever the request has a session. Anonymous pages keep their
    caching; static files are answered by WhiteNoise before this runs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _signed_in(request, response):
            patch_cache_control(response, private=True, no_store=True)
        return response
