"""The printed results of an assessment of any result model: the presenter's sections, each
chart drawn for print with its data table (the same charts and rows as the results page)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from saferspaces.assessments.models import Assessment
from saferspaces.charts.tables import chart_table
from saferspaces.dashboard.selectors import dashboard_results
from saferspaces.results.selectors import result_run_latest


def assessment_results_report(*, assessment: Assessment, language: str) -> dict[str, Any]:
    """The report's contents. A PDF is shared by every reader allowed to read the assessment,
    so it shows what any of them may see (a person's own levels stay hidden)."""
    context = dashboard_results(assessment=assessment, language=language, is_subject=False)
    read = context["read"]
    printed = [
        {"section": s, "table": chart_table(s.chart) if s.chart is not None else []}
        for s in context.get("sections", ())
    ]
    return context | {
        "printed": printed,
        "data_date": read.run.computed_at if read is not None else None,
    }


def assessment_results_stamp(*, assessment: Assessment) -> str:
    """A fingerprint of what the report reads: the latest run (its facts are that run's), the
    assessment's title and authority, and its edition."""
    run = result_run_latest(assessment=assessment)
    parts = [
        assessment.pk,
        assessment.title,
        assessment.authority.name,
        assessment.edition.sha256,
        [run.pk, run.computed_at.isoformat(), run.model] if run is not None else None,
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode("utf-8")).hexdigest()
