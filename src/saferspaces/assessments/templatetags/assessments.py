from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from saferspaces.core.framework.answers import AnswerState, answer_display
from saferspaces.core.framework.model import Text, text_get

register = template.Library()


@register.filter
def tr(text: Text | None) -> str:
    """A framework text in the current language (falls back to English)."""
    return text_get(text, (get_language() or "en")[:2])


@register.simple_tag
def answer_text(question: Any, status: str | None, value: Any) -> str:
    """An answer as people read it (choice labels, units, statuses) in the current language."""
    state = AnswerState(status, value) if status else None
    return answer_display(question=question, state=state, language=(get_language() or "en")[:2])


@register.filter
def contains(values: Any, item: Any) -> bool:
    if values is None:
        return False
    if isinstance(values, list | tuple | set):
        return str(item) in {str(v) for v in values}
    return str(values) == str(item)
