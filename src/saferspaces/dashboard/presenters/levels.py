"""The levels presenter: the level a person reaches on each item against its target. A person's
levels are theirs alone (``visible_to_colleagues`` is false): anyone else gets a presentation
that says so and holds no value."""

from __future__ import annotations

from django.utils.translation import gettext as _

from saferspaces.charts.spec import PALETTE, Chart, Column

from .base import (
    Audience,
    Presentation,
    Presenter,
    Section,
    UnitResults,
    choice_labels,
    data_url_for,
    node_titles,
)


def levels_present(
    *,
    results: UnitResults,
    language: str,
    audience: Audience | None = None,
    data_url: str | None = None,
) -> Presentation:
    audience = audience or Audience()
    if not (audience.is_subject or LEVELS.spec.visible_to_colleagues):
        return Presentation(
            "levels",
            (
                Section(
                    "levels",
                    _("Levels reached"),
                    sentences=(_("A person's levels are shown to that person only."),),
                ),
            ),
            hidden=True,
        )
    titles = node_titles(results.edition, language)
    items = tuple(dict.fromkeys(f.node for f in results.values(measure="level")))
    labels = choice_labels(results.edition, items, language)
    target = {f.node: f for f in results.values(measure="target")}
    rows = []
    for f in results.values(measure="level"):
        t = target.get(f.node)
        rows.append(
            {
                "item": titles.get(f.node, f.node),
                "level": f.value,
                "level_label": labels.get(f.category, f.category) if f.category else None,
                "target": t.value if t else None,
                "target_label": labels.get(t.category, t.category) if t else None,
            }
        )
    y = {"field": "item", "type": "nominal", "sort": None, "title": None}
    x_title = _("Level (1 = the lowest)")
    chart = Chart(
        id="levels",
        title=_("Levels reached and targets"),
        summary=_("For each item, the level you reach (dot) and its target (tick)."),
        spec={
            "width": "container",
            "layer": [
                {
                    "mark": {"type": "tick", "thickness": 3, "color": "#000000"},
                    "encoding": {"y": y, "x": {"field": "target", "type": "quantitative"}},
                },
                {
                    "mark": {"type": "point", "filled": True, "size": 90, "color": PALETTE[0]},
                    "encoding": {
                        "y": y,
                        "x": {"field": "level", "type": "quantitative", "title": x_title},
                    },
                },
            ],
        },
        columns=(
            Column("item", _("Item")),
            Column("level_label", _("Level reached")),
            Column("target_label", _("Target level")),
        ),
        rows=tuple(rows),
        data_url=data_url_for(data_url, "levels"),
    )
    return Presentation("levels", (Section("levels", _("Levels reached"), chart=chart),))


LEVELS = Presenter("levels", levels_present)
