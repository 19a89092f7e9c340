from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext

from saferspaces import __version__
from saferspaces.accounts.selectors import user_roles_summary
from saferspaces.languages import REFERENCE, SiteLanguage, language_find, languages_offered


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page needs: version, the user's roles, whether demo data is loaded, the
    languages of the language menu and the note on a language still being translated."""
    from saferspaces.demo.selectors import demo_is_loaded

    return {
        "saferspaces_version": __version__,
        # asked when a page shows the banner (a fragment drawn for htmx does not)
        "demo_loaded": demo_is_loaded,
        "user_roles": user_roles_summary(user=request.user) if hasattr(request, "user") else None,
        "debug": settings.DEBUG,
        "site_languages": languages_offered(),
        "language_note": language_note(getattr(request, "language_waiting", None)),
        "language_review_note": language_review_note(translation.get_language() or REFERENCE),
    }


def language_review_note(code: str) -> str:
    """The page shell's honest word on a language nobody whose language it is has reviewed
    yet (``locale/<code>/status.yaml``); empty for English and reviewed languages."""
    lang = language_find(code.split("-")[0])
    if lang is None or lang.reviewed:
        return ""
    if lang.machine_translated:
        return gettext(
            "This translation was made with machine translation and has not been reviewed by "
            "a native speaker yet."
        )
    return gettext("This translation has not been reviewed by a native speaker yet.")


def language_note(waiting: SiteLanguage | None) -> dict[str, str] | None:
    """The note shown when a page is asked for in a language not offered yet: in that language
    when the sentence is translated already (``lang`` says which), else in English."""
    if waiting is None:
        return None
    values = {"language": waiting.name_local}
    message = "%(language)s is still being translated, so Safer Spaces is shown in English for now."
    with translation.override(REFERENCE):
        english = gettext(message) % values
    with translation.override(waiting.code):
        text = gettext(message) % values
    return {"text": text, "lang": waiting.code if text != english else REFERENCE}
