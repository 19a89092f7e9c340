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
