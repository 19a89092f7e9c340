"""The methodology annex's table of the scoring pipeline: every step and setting in words, in the
reader's language, never a Python dict.

A pipeline's parameters are mappings, lists and per-level or per-indicator settings (see
``docs/methodology.md``). Known steps, settings and methods get their names; anything else is
still shown, as written in the pipeline file. Per-indicator settings are grouped ("none: 65
indicators") so that the table stays a page long whatever the edition's size.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saferspaces.web.numbers import number_text, percent_text

#: per-indicator groups up to this size list their codes; larger ones give a count
LIST_CODES_UP_TO = 4


@dataclass(frozen=True)
class Setting:
    label: str
    value: str


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    settings: tuple[Setting, ...]


def _step_title(kind: str) -> str:
    titles = {
        "denominate": _("Denomination"),
        "impute": _("Imputation of missing values"),
        "treat": _("Treatment of outliers"),
        "normalise": _("Normalisation"),
        "weights": _("Weights"),
        "aggregate": _("Aggregation"),
        "screen": _("Screening of units"),
    }
    return titles.get(kind, kind)


def _setting_label(key: str) -> str:
    labels = {
        "method": _("Method"),
        "range": _("Range"),
        "directions": _("Directions"),
        "indicators": _("Per indicator"),
        "p": _("Power of the generalised mean"),
        "availability_threshold": _("Data-availability threshold"),
        "weights": _("Weights"),
        "winmax": _("Largest share of values winsorised"),
        "skew_thresh": _("Skewness threshold"),
        "kurt_thresh": _("Kurtosis threshold"),
    }
    return labels.get(key, key)


def _word(value: str) -> str:
    words = {
        "minmax": _("min-max, rescaled to the range below"),
        "zscore": _("z-scores"),
        "rank": _("positions of the values in their order (percentiles)"),
        "none": _("none: the value is already a 0-100 score"),
        "framework": _("the framework edition's weights"),
        "equal": _("equal weights"),
        "meta": _("from the framework edition (higher or lower is better)"),
        "arithmetic": _("arithmetic mean"),
        "geometric": _("geometric mean"),
        "harmonic": _("harmonic mean"),
        "generalised": _("generalised mean"),
        "median": _("median"),
        "mean": _("mean"),
        "winsorise": _("winsorisation"),
    }
    return str(words.get(value, value))


def _scalar(key: str, value: Any) -> str:
    if value is None:
        return _("not set")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        if key == "availability_threshold":
            return percent_text(value)
        return number_text(value)
    return _word(str(value))


def _levels(key: str, value: Mapping[Any, Any]) -> str:
    """A per-level setting: said once when every level has the same value."""
    values = list(value.values())
    if values and all(v == values[0] for v in values):
        return _("%(value)s, at every level") % {"value": _scalar(key, values[0])}
    return "; ".join(
        _("level %(level)s: %(value)s") % {"level": level, "value": _scalar(key, v)}
        for level, v in value.items()
    )


def _settings_text(settings: Any) -> str:
    if isinstance(settings, Mapping):
        if set(settings) == {"method"}:
            return _value("method", settings["method"])
        return "; ".join(f"{_setting_label(k)}: {_value(k, v)}" for k, v in settings.items())
    return _value("", settings)


def _per_indicator(value: Mapping[str, Any]) -> str:
    """Indicators grouped by their settings; small groups list their codes."""
    groups: dict[str, list[str]] = {}
    for code, settings in value.items():
        groups.setdefault(_settings_text(settings), []).append(str(code))
    parts = []
    for text, codes in groups.items():
        if len(codes) <= LIST_CODES_UP_TO:
            who = ", ".join(codes)
        else:
            who = ngettext("%(n)s indicator", "%(n)s indicators", len(codes)) % {"n": len(codes)}
        parts.append(_("%(who)s: %(settings)s") % {"settings": text, "who": who})
    return "; ".join(parts) or _("not set")


def _value(key: str, value: Any) -> str:
    if key == "indicators" and isinstance(value, Mapping):
        return _per_indicator(value)
    if isinstance(value, Mapping):
        if value and all(isinstance(k, int) for k in value):
            return _levels(key, value)
        return _settings_text(value)
    if isinstance(value, list | tuple):
        if key == "range" and len(value) == 2:
            return _("from %(low)s to %(high)s") % {
                "low": _scalar(key, value[0]),
                "high": _scalar(key, value[1]),
            }
        return ", ".join(_scalar(key, v) for v in value) or _("not set")
    return _scalar(key, value)


def pipeline_steps(*, steps: Any) -> list[Step]:
    """The steps of a scoring pipeline (``spec.steps``: objects with ``kind`` and ``params``)
    as rows of words for the annex's table, in the order they run."""
    out = []
    for number, step in enumerate(steps, start=1):
        params = dict(step.params)
        settings = tuple(Setting(_setting_label(k), _value(k, v)) for k, v in params.items())
        out.append(Step(number, _step_title(step.kind), settings))
    return out
