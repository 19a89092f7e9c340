"""Human text of an edition: a language map (``{en: ..., fr: ...}``) and reading it."""

from __future__ import annotations

from collections.abc import Mapping

Text = Mapping[str, str]


def text_get(text: Text | None, language: str, fallback: str = "en") -> str:
    """The text in ``language``, else in ``fallback``, else the first available, else ''."""
    if not text:
        return ""
    if language in text:
        return text[language]
    if fallback in text:
        return text[fallback]
    return next(iter(text.values()), "")
