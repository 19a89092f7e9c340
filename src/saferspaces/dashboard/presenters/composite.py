"""The composite presenter: the first instrument's profile (perception and status by dimension,
the gap, progress over the authority's own assessments), from the dashboard's read functions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from saferspaces.dashboard.charts import profile_chart, progress_chart
from saferspaces.dashboard.profile import ProfileRow, ProgressRow
from saferspaces.dashboard.templatetags.dashboard import gap_advice, gap_title

from .base import Presentation, Presenter, Section, data_url_for


def composite_present(
    *,
    rows: list[ProfileRow],
    progress: list[ProgressRow],
    columns: list[dict[str, Any]],
    data_url: str | None = None,
) -> Presentation:
    """The profile's sections: the profile with its chart, the gap readings, and progress (its
    chart from the second scored assessment on). ``data_url`` ends with ``chart=``."""
    top = [r for r in rows if r.depth == 0]
    sections = [
        Section(
            "profile",
            _("Profile"),
            chart=profile_chart(rows=rows, data_url=data_url_for(data_url, "profile")),
        ),
        Section(
            "gap",
            _("Perception and status: what the gap means"),
            sentences=tuple(
                f"{r.title}: {gap_title(r.gap.code)}. {gap_advice(r.gap.code)}" for r in top
            ),
        ),
    ]
    if len(columns) > 1:
        chart = progress_chart(
            rows=progress, columns=columns, data_url=data_url_for(data_url, "progress")
        )
        sections.append(Section("progress", _("Progress over time"), chart=chart))
    return Presentation("composite", tuple(sections))


COMPOSITE = Presenter("composite", composite_present)
