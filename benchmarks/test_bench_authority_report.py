"""Authority report benchmark (issue 8): one authority's PDF in under 3 s.

Measured: the whole render of a report job for the demo (``REPORT_JOBS.kinds["authority_report"]``):
reading the profile, progress, peer band, learn-from-peers suggestions, coverage and provenance
from the database, rendering the HTML, and WeasyPrint's tagged PDF/UA-1 with its charts (SVG
rendered by vl-convert from the dashboard's own Vega-Lite specs).
The assessment is the demo's submitted one with progress and a peer band (the richest report).
The first render of the process is timed on its own (fonts, templates and the chart renderer
load then, as for the first report a new worker makes) and kept in the benchmark's
``extra_info``; then 5 rounds, whose median must stay under 3 s, and the first one under twice
that. The process's CPU time of the first render and of the 5 rounds (every thread, the chart
renderer's included) is kept too: on a shared machine it says more than the wall clock.
"""

from __future__ import annotations

import time
from typing import Any

from django.utils import translation

TARGET_S = 3.0


def _quiet(progress: int, message: str) -> None:
    return None


def test_authority_report_pdf(benchmark: Any, db: None) -> None:
    from django.utils import timezone

    from saferspaces.assessments.models import Assessment
    from saferspaces.demo.generator import MAIN_NETWORK, demo_build
    from saferspaces.reports.jobs import REPORT_JOBS

    demo_build(now=timezone.now())
    candidates = (
        Assessment.objects.filter(
            round__network__name=MAIN_NETWORK,
            state__in=("submitted", "accepted"),
            result_runs__isnull=False,
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
            result_runs__isnull=False,
        ).exists()
    )
    render = REPORT_JOBS.kinds["authority_report"].render

    def run() -> bytes:
        with translation.override("en"):
            return render({"assessment": assessment.pk}, "en", _quiet).data

    started, cpu = time.perf_counter(), time.process_time()
    first = run()
    benchmark.extra_info["first_render_s"] = round(time.perf_counter() - started, 3)
    benchmark.extra_info["first_render_cpu_s"] = round(time.process_time() - cpu, 3)
    cpu = time.process_time()
    data = benchmark.pedantic(run, rounds=5, iterations=1)
    benchmark.extra_info["cpu_s_per_render"] = round((time.process_time() - cpu) / 5, 3)
    print(f"\nauthority report: {benchmark.extra_info}")
    assert data == first and data.startswith(b"%PDF") and len(data) > 20_000
    assert benchmark.stats.stats.median < TARGET_S
    assert benchmark.extra_info["first_render_s"] < 2 * TARGET_S
