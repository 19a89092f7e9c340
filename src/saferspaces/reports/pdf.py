"""HTML (a Django template) to a tagged, deterministic PDF with WeasyPrint.

* Tagged for accessibility: ``pdf_variant="pdf/ua-1"`` (structure tree, ``/MarkInfo``, the
  document language from ``<html lang>``, the title shown in the viewer's title bar).
* Deterministic: the creation and modification dates come from the data (never "now"), no
  file identifier is written, and WeasyPrint adds no random ids for PDF/UA-1; the same HTML
  gives the same bytes.
* No network: the URL fetcher serves only the files of this app's ``static/reports/`` folder
  and refuses every other URL. Fonts are local (DejaVu, Liberation) through fontconfig.

Reused by every report (the authority report too): render a template that extends
``reports/pdf_base.html`` and call :func:`pdf_render`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

STATIC_DIR = (Path(__file__).resolve().parent / "static" / "reports").resolve()
PRINT_CSS = STATIC_DIR / "print.css"
#: the base URL of report HTML: relative links resolve inside the app's static folder
BASE_URL = STATIC_DIR.as_uri() + "/"

# WeasyPrint logs every layout step at INFO; keep its warnings and errors only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class PdfError(Exception):
    """The PDF could not be made (message for people, ``step`` where it failed)."""

    def __init__(self, message: str, *, step: str) -> None:
        super().__init__(message)
        self.message = message
        self.step = step


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """Serves files below ``static/reports``; refuses everything else (no network)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("file:"):
                raise ValueError(f"refused (reports fetch local static files only): {url}")
            from urllib.request import url2pathname

            path = Path(url2pathname(url.split("?")[0].split("#")[0][len("file:") :])).resolve()
            if not path.is_relative_to(STATIC_DIR) or not path.is_file():
                raise ValueError(f"refused (outside the reports static folder): {url}")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": kind})

    return LocalOnlyFetcher(allowed_protocols=("file",))


def _w3c(date: dt.datetime) -> str:
    if date.tzinfo is not None:
        date = date.astimezone(dt.UTC)
    return date.strftime("%Y-%m-%dT%H:%M:%SZ")


def pdf_from_html(*, html: str, title: str, language: str, date: dt.datetime) -> bytes:
    """A tagged PDF/UA-1 of ``html``; ``date`` (from the data) becomes its creation and
    modification date."""
    try:
        from weasyprint import CSS, HTML
    except ImportError as exc:  # pragma: no cover - WeasyPrint is a dependency
        raise PdfError(f"WeasyPrint is not available: {exc}", step="import") from exc
    fetcher = _fetcher()
    try:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
            stylesheets=[CSS(filename=str(PRINT_CSS), url_fetcher=fetcher)]
        )
        meta = document.metadata
        meta.title = title
        meta.lang = language
        meta.created = meta.modified = _w3c(date)
        meta.generator = "Safer Spaces"
        data = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=False)
    except (OSError, ValueError, RuntimeError) as exc:
        raise PdfError(f"the PDF could not be written: {exc}", step="render") from exc
    if not isinstance(data, bytes):  # pragma: no cover
        raise PdfError("the PDF renderer returned no bytes", step="render")
    return data


def pdf_render(
    *, template: str, context: dict[str, Any], title: str, language: str, date: dt.datetime
) -> bytes:
    """Render ``template`` with ``context`` (in the active language) and make its PDF."""
    html = render_to_string(template, {**context, "pdf_title": title, "pdf_language": language})
    return pdf_from_html(html=html, title=title, language=language, date=date)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
