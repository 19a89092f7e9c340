"""The demonstration data never lies in the future of the day it is loaded: every event it
records (a start, a submission, an answer, an acceptance, a score) happened at or before ``now``.
Only plans may lie ahead: the deadline of the round still open."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db import models
from django.utils import timezone

from saferspaces.demo.generator import demo_build

# Dates that are plans, not events: a round's deadline may be ahead of today.
PLANS = {("assessments", "Round", "deadline")}


def _future_values(now: dt.datetime) -> list[str]:
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in {
            "accounts",
            "authorities",
            "assessments",
            "dashboard",
            "frameworks",
            "reports",
            "exports",
            "opendata",
        }:
            continue
        for field in model._meta.concrete_fields:
            key = (model._meta.app_label, model.__name__, field.name)
            if key in PLANS:
                continue
            if isinstance(field, models.DateTimeField):
                limit: object = now
            elif isinstance(field, models.DateField):
                limit = now.date()
            else:
                continue
            ahead = model._default_manager.filter(**{f"{field.name}__gt": limit})
            count = ahead.count()
            if count:
                latest = ahead.order_by(f"-{field.name}").values_list(field.name, flat=True)[0]
                found.append(
                    f"{model.__name__}.{field.name}: {count} after {limit} (up to {latest})"
                )
    return found


def test_nothing_in_the_demo_is_dated_after_the_day_it_is_loaded(db) -> None:  # type: ignore[no-untyped-def]
    from saferspaces.assessments.models import Round
    from saferspaces.demo.assessments import ROUND_TITLES

    now = timezone.now()  # what `saferspaces demo load` passes
    demo_build(now=now)
    loaded = timezone.now()  # rows stamped by the clock while loading are not in the future
    assert _future_values(loaded) == []
    current = Round.objects.get(title=ROUND_TITLES[-1])
    assert current.deadline > now.date()  # a plan: the round still open has its deadline ahead
    assert current.period_end < now.date()
