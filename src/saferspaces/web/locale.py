"""Which language a page is in: the person's choice when the language is offered, else English.

Django's ``LocaleMiddleware`` takes any language of ``settings.LANGUAGES`` (every declared
language). :class:`LanguageMiddleware` chooses among the *offered* ones only
(:mod:`saferspaces.languages`): the language cookie (set by the language menu, the profile and
at log-in from the person's profile), then the browser's ``Accept-Language`` in order of
preference, then English. A declared language asked for but not offered yet (its translation is
not complete) is remembered as ``request.language_waiting``; the page shell then says, in that
language where the sentence is translated, that the page is shown in English for now.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from saferspaces.languages import REFERENCE, SiteLanguage, language_codes, language_find


def _base(code: str) -> str:
    return code.strip().lower().replace("_", "-").split("-")[0]


def language_from_request(request: HttpRequest) -> tuple[str, SiteLanguage | None]:
    """(the offered language to show the page in, a declared language asked for that is not
    offered yet, or None)."""
    offered = language_codes(offered=True)
    waiting: SiteLanguage | None = None
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or ""
    if cookie:
        code = _base(cookie)
        if code in offered:
            return code, None
        waiting = language_find(code)
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for accepted, _quality in parse_accept_lang_header(header[:1000]):
        if accepted == "*":
            break
        code = _base(accepted)
        if code in offered:
            return code, waiting
        if waiting is None:
            waiting = language_find(code)
    return str(settings.LANGUAGE_CODE or REFERENCE), waiting


def language_cookie_set(response: HttpResponseBase, code: str) -> None:
    """Remember ``code`` as the person's page language (the language menu's cookie)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class LanguageMiddleware(LocaleMiddleware):
    """Activates an offered language for the request (see the module's documentation)."""

    def process_request(self, request: HttpRequest) -> None:
        code, waiting = language_from_request(request)
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
        request.language_waiting = waiting  # type: ignore[attr-defined]

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        chosen = getattr(request, "language_login", None)  # set at log-in from the profile
        if chosen:
            language_cookie_set(response, chosen)
        return response
