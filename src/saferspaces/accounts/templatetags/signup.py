"""``{% signup_open as open %}``: whether the site's sign-up form is open (``SAFERSPACES_SIGNUP_OPEN``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag(takes_context=True)
def signup_open(context: dict[str, Any]) -> bool:
    return bool(settings.SIGNUP_OPEN)
