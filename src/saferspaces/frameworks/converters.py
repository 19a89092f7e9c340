"""The path converter ``<edition:...>``: a framework edition's identifier, such as ``ssf-2026.1``.

Only what the edition format allows (``EDITION_ID_RE``) reaches a view; anything else in its
place (a NUL byte, a space, a capital letter) is a 404 from the URL resolver, before any query.
"""

from __future__ import annotations

from django.urls import register_converter

from saferspaces.core.framework.context import EDITION_ID_RE


class EditionIdConverter:
    regex = EDITION_ID_RE.pattern.removeprefix("^").removesuffix("$")

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(EditionIdConverter, "edition")
