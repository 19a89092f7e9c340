"""The dashboard's charts: each a Vega-Lite spec over rows that are also its data table."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saferspaces.charts.spec import PALETTE, Chart, Column, map_spec
from saferspaces.dashboard.peers import PeerView
from saferspaces.dashboard.profile import ProfileRow, ProgressRow

SCALE = {"domain": [0, 100]}


def kind_label(kind: str) -> str:
    return {"all": _("All indicators"), "perception": _("Perception"), "status": _("Status")}[kind]


def profile_chart(*, rows: list[ProfileRow], data_url: str | None = None) -> Chart:
    """Perception and status per dimension, each with its interval when it has one."""
    data = []
    for row in rows:
        if row.depth:
            continue
        for kind in ("perception", "status"):
            s = row.scores[kind]
            lo, hi = s.interval if s.interval is not None else (s.score, s.score)
            data.append(
                {
                    "dimension": row.title,
                    "kind": kind_label(kind),
                    "score": s.score,
                    "low": lo,
                    "high": hi,
                }
            )
    both = [r for r in rows if not r.depth and r.gap.value is not None]
    summary = _(
        "Perception and status scores (0-100, higher is safer) for %(n)s dimensions; "
        "%(gaps)s have both, so their gap can be read."
    ) % {"n": sum(1 for r in rows if not r.depth), "gaps": len(both)}
    y = {"field": "dimension", "type": "nominal", "sort": None, "title": None}
    color = {"field": "kind", "type": "nominal", "title": None}
    spec = {
        "width": "container",
        "layer": [
            {
                "mark": {"type": "rule", "strokeWidth": 2},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "low",
                        "type": "quantitative",
                        "scale": SCALE,
                        "title": _("Score"),
                    },
                    "x2": {"field": "high"},
                    "color": color,
                    "yOffset": {"field": "kind"},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 90},
                "encoding": {
                    "y": y,
                    "x": {"field": "score", "type": "quantitative", "scale": SCALE},
                    "color": color,
                    # one legend (colour): Vega-Lite does not merge a shape legend across layers
                    "shape": {"field": "kind", "type": "nominal", "title": None, "legend": None},
                    "yOffset": {"field": "kind"},
                    "tooltip": [
                        {"field": "dimension"},
                        {"field": "kind"},
                        {"field": "score", "format": ".1f"},
                    ],
                },
            },
        ],
    }
    return Chart(
        id="profile",
        title=_("Perception and status by dimension"),
        summary=summary,
        spec=spec,
        columns=(
            Column("dimension", _("Dimension")),
            Column("kind", _("Kind")),
            Column("score", _("Score"), "number"),
            Column("low", _("Interval from"), "number"),
            Column("high", _("Interval to"), "number"),
        ),
        rows=tuple(data),
        data_url=data_url,
    )


def progress_chart(
    *, rows: list[ProgressRow], columns: list[dict[str, Any]], data_url: str | None = None
) -> Chart:
    data = []
    for row in rows:
        for col, point in zip(columns, row.points, strict=True):
            node = point["node"]
            change = point.get("changes", {}).get("all")
            data.append(
                {
                    "round": col["label"],
                    "dimension": row.title,
                    "score": node.all_kinds.score if node is not None else None,
                    "change": (
                        {
                            "up": _("up"),
                            "down": _("down"),
                            "within": _("within the uncertainty"),
                        }.get(change.direction, "")
                        if change is not None and change.direction
                        else ""
                    ),
                }
            )
    marked = sum(1 for d in data if d["change"] in (_("up"), _("down")))
    summary = _(
        "Scores of every dimension in each of %(rounds)s assessments; %(marked)s changes exceed "
        "the uncertainty."
    ) % {"rounds": len(columns), "marked": marked}
    order = [c["label"] for c in columns]
    dims = [row.title for row in rows]
    spec = {
        "width": "container",
        "mark": {"type": "line", "point": {"filled": True, "size": 70}},
        "encoding": {
            "x": {
                "field": "round",
                "type": "ordinal",
                "sort": order,
                "title": None,
                "axis": {"labelAngle": 0},
            },
            "y": {"field": "score", "type": "quantitative", "scale": SCALE, "title": _("Score")},
            # dimensions in the edition's order; one legend (a line takes no shape of its own)
            "color": {"field": "dimension", "type": "nominal", "title": None, "sort": dims},
            "shape": {
                "field": "dimension",
                "type": "nominal",
                "title": None,
                "sort": dims,
                "legend": None,
            },
            "tooltip": [
                {"field": "round"},
                {"field": "dimension"},
                {"field": "score", "format": ".1f"},
                {"field": "change"},
            ],
        },
    }
    return Chart(
        id="progress",
        title=_("Scores over time"),
        summary=summary,
        spec=spec,
        columns=(
            Column("round", _("Round")),
            Column("dimension", _("Dimension")),
            Column("score", _("Score"), "number"),
            Column("change", _("Change")),
        ),
        rows=tuple(data),
        data_url=data_url,
    )


def band_chart(
    *,
    chart_id: str,
    title: str,
    summary: str,
    rows: list[dict[str, Any]],
    data_url: str | None,
    own: bool,
    group: str = "similar",
) -> Chart:
    """Interquartile ranges as bars, the median as a tick, and (``own``) the authority's score.

    The legend names the three marks: the middle half and the median of ``group`` ("similar":
    similar authorities; "all": every authority summarised), and the authority's own score."""
    if group == "similar":
        band_label = _("Middle half of similar authorities")
        median_label = _("Median of similar authorities")
    else:
        band_label = _("Middle half of the authorities")
        median_label = _("Median of the authorities")
    own_label = _("Your score")
    domain = [band_label, median_label] + ([own_label] if own else [])
    scale = {"domain": domain, "range": [PALETTE[0], "#000000", PALETTE[1]][: len(domain)]}

    def colour(label: str) -> dict[str, Any]:
        return {"datum": label, "type": "nominal", "scale": scale, "title": None}

    y = {"field": "dimension", "type": "nominal", "sort": None, "title": None}
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "bar", "height": 14, "opacity": 0.35},
            "encoding": {
                "y": y,
                "x": {"field": "q1", "type": "quantitative", "scale": SCALE, "title": _("Score")},
                "x2": {"field": "q3"},
                "color": colour(band_label),
            },
        },
        {
            "mark": {"type": "tick", "thickness": 3, "size": 18},
            "encoding": {
                "y": y,
                "x": {"field": "median", "type": "quantitative"},
                "color": colour(median_label),
            },
        },
    ]
    columns = [
        Column("dimension", _("Dimension")),
        Column("n", _("Authorities"), "number", 0),
        Column("q1", _("Lower quartile"), "number"),
        Column("median", _("Median"), "number"),
        Column("q3", _("Upper quartile"), "number"),
    ]
    if own:
        layers.append(
            {
                "mark": {"type": "point", "filled": True, "size": 110, "shape": "diamond"},
                "encoding": {
                    "y": y,
                    "x": {"field": "score", "type": "quantitative"},
                    "color": colour(own_label),
                    "tooltip": [
                        {"field": "dimension"},
                        {"field": "score", "format": ".1f"},
                        {"field": "band"},
                    ],
                },
            }
        )
        columns += [Column("score", _("Your score"), "number"), Column("band", _("Band"))]
    return Chart(
        id=chart_id,
        title=title,
        summary=summary,
        spec={"width": "container", "layer": layers},
        columns=tuple(columns),
        rows=tuple(rows),
        data_url=data_url,
    )


def band_words() -> dict[str, str]:
    return {
        "below": _("below the middle half of similar authorities"),
        "within": _("within the middle half of similar authorities"),
        "above": _("above the middle half of similar authorities"),
    }


def peer_chart(
    *,
    view: PeerView,
    titles: dict[str, str],
    own: dict[str, float | None],
    data_url: str | None = None,
) -> Chart:
    words = band_words()
    rows = []
    for code, bands in view.bands.items():
        b = bands.get("all")
        if b is None or code not in titles:
            continue
        rows.append(
            {
                "dimension": titles[code],
                "n": b.peers.n,
                "q1": b.peers.q1,
                "median": b.peers.median,
                "q3": b.peers.q3,
                "score": own.get(code),
                "band": words[b.band],
            }
        )
    summary = _(
        "For each dimension, the bar spans the middle half of %(n)s similar authorities, the "
        "black tick is their median and the diamond is your score."
    ) % {"n": view.peers}
    return band_chart(
        chart_id="peers",
        title=_("Your scores among similar authorities"),
        summary=summary,
        rows=rows,
        data_url=data_url,
        own=True,
    )


def distribution_chart(*, rows: list[dict[str, Any]], minimum: int, data_url: str) -> Chart:
    data = []
    for row in rows:
        s = row["stats"]["all"]
        data.append(
            {
                "dimension": row["title"],
                "n": row["n"],
                "q1": s.q1 if s else None,
                "median": s.median if s else None,
                "q3": s.q3 if s else None,
            }
        )
    hidden = sum(1 for d in data if d["median"] is None)
    summary = _(
        "The middle half and the median of the scores of each dimension across the round. "
        "%(hidden)s dimensions have fewer than %(minimum)s authorities with a score and are "
        "not summarised."
    ) % {"hidden": hidden, "minimum": minimum}
    return band_chart(
        chart_id="distributions",
        title=_("Scores across the network"),
        summary=summary,
        rows=data,
        data_url=data_url,
        own=False,
        group="all",
    )


def pattern_chart(*, points: list[dict[str, Any]], data_url: str) -> Chart:
    spec = {
        "width": "container",
        "layer": [
            {
                "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#4a525c"},
                "data": {"values": [{"a": 0, "b": 100}]},
                "encoding": {
                    "x": {"field": "a", "type": "quantitative"},
                    "y": {"field": "a", "type": "quantitative"},
                    "x2": {"field": "b"},
                    "y2": {"field": "b"},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 50, "opacity": 0.8},
                "encoding": {
                    "x": {
                        "field": "status",
                        "type": "quantitative",
                        "scale": SCALE,
                        "title": _("Status"),
                    },
                    "y": {
                        "field": "perception",
                        "type": "quantitative",
                        "scale": SCALE,
                        "title": _("Perception"),
                    },
                    "color": {"field": "dimension", "type": "nominal", "title": None},
                    "shape": {"field": "dimension", "type": "nominal", "title": None},
                },
            },
        ],
    }
    summary = ngettext(
        "Each point is one authority and dimension (no names): above the dashed line people "
        "feel safer than the data suggest, below it they feel less safe. %(n)s point.",
        "Each point is one authority and dimension (no names): above the dashed line people "
        "feel safer than the data suggest, below it they feel less safe. %(n)s points.",
        len(points),
    ) % {"n": len(points)}
    return Chart(
        id="patterns",
        title=_("Perception against status"),
        summary=summary,
        spec=spec,
        columns=(
            Column("dimension", _("Dimension")),
            Column("perception", _("Perception"), "number"),
            Column("status", _("Status"), "number"),
        ),
        rows=tuple(points),
        data_url=data_url,
    )


def places_chart(*, places: list[dict[str, Any]], data_url: str) -> Chart:
    return Chart(
        id="map",
        title=_("Participating authorities"),
        summary=ngettext(
            "%(n)s authority of the round placed on a map of Europe.",
            "%(n)s authorities of the round placed on a map of Europe.",
            len(places),
        )
        % {"n": len(places)},
        spec=map_spec(color_field="state", color_title=_("State"), name_title=_("Authority")),
        columns=(
            Column("name", _("Authority")),
            Column("state", _("State")),
            Column("latitude", _("Latitude"), "number", 3),
            Column("longitude", _("Longitude"), "number", 3),
        ),
        rows=tuple(places),
        data_url=data_url,
    )


def public_summary(n: int) -> str:
    return ngettext(
        "%(n)s published distribution: the bar spans the middle half of the authorities' "
        "scores and the black tick is the median. No authority is named.",
        "%(n)s published distributions: for each, the bar spans the middle half of the "
        "authorities' scores and the black tick is the median. No authority is named.",
        n,
    ) % {"n": n}
