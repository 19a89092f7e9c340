"""The "Help us translate" page: how far each language is, and its files to download.

For coordinators and administrators (the people who find translators in their networks). The
counts come from :mod:`saferspaces.translations`, which the completeness tests read too; how to
send the files back is in ``CONTRIBUTING.md`` ("Translate Safer Spaces").
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from saferspaces.accounts.permissions import can_manage_frameworks
from saferspaces.core.labels import LABELS_DIR
from saferspaces.languages import LOCALE_DIR, REFERENCE, SiteLanguage, language_find
from saferspaces.translations import (
    bundled_editions,
    edition_texts_download,
    language_reports,
    po_path,
)

#: the files of a language offered for download, by the name in the address
_FILES = {
    "django.po": lambda code: po_path(code),
    "labels.yaml": lambda code: LABELS_DIR / f"{code}.yaml",
    "glossary.yaml": lambda code: LOCALE_DIR / code / "glossary.yaml",
}


def _allowed(request: HttpRequest) -> None:
    if not can_manage_frameworks(request.user):
        raise PermissionDenied


def _language(code: str) -> SiteLanguage:
    lang = language_find(code)
    if lang is None or lang.source:
        raise Http404("No language to translate has this code.")
    return lang


@login_required
@require_GET
def translate(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    rows = [
        {"language": lang, "report": report}
        for lang, report in language_reports()
        if lang.code != REFERENCE
    ]
    return render(
        request,
        "web/translate.html",
        {"rows": rows, "editions": [p.stem for p in bundled_editions()]},
    )


@login_required
@require_GET
def translate_file(request: HttpRequest, code: str, name: str) -> HttpResponse:
    """One file of a language, as it is in the product now (the translation so far)."""
    _allowed(request)
    lang = _language(code)
    if name in _FILES:
        path = _FILES[name](lang.code)
        if not path.is_file():
            raise Http404("This language has no such file yet.")
        content = path.read_bytes()
    elif name.endswith(".yaml"):
        text = edition_texts_download(code=lang.code, edition_id=name.removesuffix(".yaml"))
        if text is None:
            raise Http404("No bundled edition has this name.")
        content = text.encode("utf-8")
    else:
        raise Http404("No file of a language has this name.")
    kind = "text/x-gettext-translation" if name.endswith(".po") else "application/yaml"
    response = HttpResponse(content, content_type=f"{kind}; charset=utf-8")
    filename = f"saferspaces-{lang.code}-{name}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
