"""Plain words for the dashboard's readings (gap, band, change, criteria)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def gap_title(code: str) -> str:
    return {
        "feel_less_safe": _("People feel less safe than the data suggest"),
        "feel_safer": _("People feel safer than the data suggest"),
        "aligned": _("Perception and status agree"),
        "uncertain": _("Uncertain: the agreed answers could change the reading"),
        "unknown": _("Cannot be read"),
    }.get(code, code)


@register.filter
def gap_advice(code: str) -> str:
    return {
        "feel_less_safe": _(
            "Levers: communication about what is done, lighting, the design of spaces and a "
            "visible presence."
        ),
        "feel_safer": _(
            "Risks: under-reporting, or blind spots in the data that people experience but "
            "records miss."
        ),
        "aligned": _("No action suggested by the gap itself."),
        "uncertain": _("Agree the answers of the perception and status indicators first."),
        "unknown": _("Perception or status has no score: see the coverage."),
    }.get(code, "")


@register.filter
def band_title(band: Any) -> str:
    if band is None:
        return ""
    word = {
        "below": _("Below the middle half"),
        "within": _("Within the middle half"),
        "above": _("Above the middle half"),
    }[band.band]
    return (
        word
        if band.stable
        else _("%(band)s (not stable: your interval reaches another band)") % {"band": word}
    )


@register.filter
def change_title(change: Any) -> str:
    if change is None or change.direction is None:
        return _("no comparison")
    return {
        "up": _("up, beyond the uncertainty"),
        "down": _("down, beyond the uncertainty"),
        "within": _("within the uncertainty"),
    }[change.direction]


@register.filter
def criterion_title(key: str) -> str:
    return {
        "same_kind": _("same kind of authority"),
        "same_level": _("same NUTS level"),
        "same_country": _("same country"),
        "same_urbanisation": _("same degree of urbanisation"),
        "population_factor": _("population"),
        "density_factor": _("population density"),
        "income_range": _("income"),
    }.get(key, key)


@register.filter
def comparable_reason(code: str | None) -> str:
    return {
        "missing_before": _("not in the earlier edition"),
        "indicators_changed": _("the edition changed its indicators"),
        "indicators_dropped": _("the edition dropped some of its indicators"),
    }.get(code or "", "")


@register.filter
def suggestion_reason(code: str) -> str:
    return {
        "strong": _("strong here (above the middle half of similar authorities)"),
        "improved": _("improved beyond the uncertainty since the previous round"),
    }.get(code, code)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None
