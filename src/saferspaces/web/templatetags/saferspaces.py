from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.translation import gettext as _

register = template.Library()


@register.inclusion_tag("web/_field.html")
def form_field(field: BoundField) -> dict[str, Any]:
    """Render a field the GOV.UK way: label, hint, errors, then the input, linked by aria-describedby."""
    described = []
    if field.help_text:
        described.append(f"{field.id_for_label}-hint")
    if field.errors:
        described.append(f"{field.id_for_label}-error")
        field.field.widget.attrs["aria-invalid"] = "true"
    if described:
        field.field.widget.attrs["aria-describedby"] = " ".join(described)
    return {"field": field, "optional_label": _("optional")}


def list_text(items: Any, conjunction: str = "and") -> str:
    """``A, B and C`` in the page's language (its separator and its word for "and", or "or":
    the core's labels ``list.*``), the one way lists of names are written in sentences."""
    from django.utils.translation import get_language

    from saferspaces.core.labels import labels_list

    language = (get_language() or "en").split("-")[0]
    return labels_list([str(i) for i in items or ()], language=language, conjunction=conjunction)


@register.filter(name="list_and")
def list_and(items: Any) -> str:
    return list_text(items, "and")


@register.filter(name="list_or")
def list_or(items: Any) -> str:
    return list_text(items, "or")
