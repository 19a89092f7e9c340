"""Authority report benchmark (issue 8): one authority's PDF in under 3 s.

Measured: the whole render of a report job for the demo (``RENDERERS["authority_report"]``):
reading the profile, progress, peer band, learn-from-peers suggestions, coverage and provenance
from the database, rendering the HTML, and WeasyPrint's tagged PDF/UA-1 with its SVG charts.
The assessment is the demo's submitted one with progress and a peer band (the richest report).
One warm-up round (fonts and templates loaded once per process, as in a running server), then
5 rounds; the median must stay under 3 s.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

TARGET_S = 3.0


def _quiet(progress: int, message: str) -> None:
    return None


def test_authority_report_pdf(benchmark: Any, db: None) -> None:
    from django.utils import timezone

    from saferspaces.assessments.models import Assessment
    from saferspaces.demo.generator import MAIN_NETWORK, demo_build
    from saferspaces.reports.services import RENDERERS

    demo_build(now=timezone.now())
    candidates = (
        Assessment.objects.filter(
            round__network__name=MAIN_NETWORK,
            state__in=("submitted", "accepted"),
            score_runs__isnull=False,
        )
        .select_related("authority", "round")
        .order_by("-round__period_end", "authority__name")
        .distinct()
    )
    assessment = next(
        a
        for a in candidates
        if Assessment.objects.filter(
            authority=a.authority,
            round__period_end__lt=a.round.period_start,
            score_runs__isnull=False,
        ).exists()
    )
    render = RENDERERS["authority_report"]

    def run() -> bytes:
        with translation.override("en"):
            return render({"assessment": assessment.pk}, "en", _quiet).data

    data = benchmark.pedantic(run, rounds=5, iterations=1, warmup_rounds=1)
    assert data.startswith(b"%PDF") and len(data) > 20_000
    assert benchmark.stats.stats.median < TARGET_S
