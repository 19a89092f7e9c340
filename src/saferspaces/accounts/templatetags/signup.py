"""``{% signup_open as open %}``: whether the sign-up form is open to this visitor."""

from __future__ import annotations

from typing import Any

from django import template

from saferspaces.accounts.adapter import signup_is_open

register = template.Library()


@register.simple_tag(takes_context=True)
def signup_open(context: dict[str, Any]) -> bool:
    return signup_is_open(request=context.get("request"))
