"""Data collection benchmarks (issues 5 and 18): saving an answer, drawing the fill-in.

Targets:

* Saving an answer (issue 5): median under 30 ms and p95 under 80 ms, in-process, on SQLite and
  on PostgreSQL. Measured through the real service (``answer_save``: row lock on the assessment,
  edition lookup, permission check, version check, answer + revision + assessment update) with a
  real COMMIT (``transactional_db``), and through the full HTTP save (Django's test client, the
  htmx header, the body form-encoded as htmx sends the answer form, the fragment rendered in
  the response).
* The HTTP save (issue 18, target 4): median under 15 ms, asserted on both databases (the
  issue's target is PostgreSQL), in at most 11 queries.
* A dimension of 40 questions with answers, evidence and history drawn as one page (issue 18,
  target 4): median under 30 ms, with the same number of queries with 10 and with 40 questions
  answered. The fill-in shows a part in pages of at most six questions since issue 17, so the
  benchmark draws the whole part through the view's own code (``views_fill.section_response``
  with the ``selectors.section_view`` of the whole part, inside a real request's memo); the real
  pages are measured over HTTP too, every page of the first edition in turn: median under 30 ms.

The CPU time of the benchmark's own thread (``time.thread_time``: Python's work, not the
database server's) is recorded beside the wall time: on a shared machine it moves less.

Run on SQLite (the default) and on PostgreSQL::

    .venv/bin/pytest benchmarks/test_bench_assessments.py --benchmark-only -p no:cacheprovider
    DATABASE_URL=postgres://saferspaces:saferspaces@127.0.0.1:5432/saferspaces \\
      .venv/bin/pytest benchmarks/test_bench_assessments.py --benchmark-only -p no:cacheprovider
"""

from __future__ import annotations

import math
import re
import statistics
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessment_helpers import Team, fill_all, valid_raw

SAVE_MEDIAN_S = 0.030
SAVE_P95_S = 0.080
HTTP_SAVE_MEDIAN_S = 0.015  # issue 18, target 4
HTTP_SAVE_QUERIES = 11
TRANSACTION_CONTROL = ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")
PAGE_MEDIAN_S = 0.030  # issue 18, target 4: 40 questions (issue 5 asked for 150 ms)
SAVE_ROUNDS = 200
PAGE_ROUNDS = 30
DIMENSION_QUESTIONS = 40
CODE = "QOL_P01"  # a percentage question of ssf-2026.1
HX = {"HTTP_HX_REQUEST": "true"}
FORM = "application/x-www-form-urlencoded"  # what htmx sends for a form without a file input


def percentile(data: list[float], p: float) -> float:
    """The nearest-rank ``p`` percentile (0 < p <= 100) of ``data``."""
    ordered = sorted(data)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def timed(work: Callable[[], None], cpu: list[float]) -> Callable[[], None]:
    """``work``, adding the CPU time of each call (this thread's) to ``cpu``."""

    def run() -> None:
        start = time.thread_time()
        work()
        cpu.append(time.thread_time() - start)

    return run


def _cpu_info(benchmark: Any, cpu: list[float]) -> None:
    benchmark.extra_info["cpu_median_ms"] = round(statistics.median(cpu) * 1000, 2)


def _check_save_targets(benchmark: Any, what: str) -> None:
    data = list(benchmark.stats.stats.data)
    median, p95 = benchmark.stats.stats.median, percentile(data, 95)
    benchmark.extra_info.update(
        {
            "database": connection.vendor,
            "p95_ms": round(p95 * 1000, 2),
            "target_median_ms": SAVE_MEDIAN_S * 1000,
            "target_p95_ms": SAVE_P95_S * 1000,
        }
    )
    assert median < SAVE_MEDIAN_S, f"{what}: median {median * 1000:.1f} ms >= 30 ms"
    assert p95 < SAVE_P95_S, f"{what}: p95 {p95 * 1000:.1f} ms >= 80 ms"


def test_bench_answer_save_in_process(benchmark: Any, bench_team: Team, bench_assessment) -> None:  # type: ignore[no-untyped-def]
    from saferspaces.assessments.answering import answer_save
    from saferspaces.assessments.models import Answer, AnswerRevision

    state = {"n": 0, "version": 0}

    def save() -> None:
        n = state["n"]
        answer = answer_save(
            assessment=bench_assessment,
            code=CODE,
            user=bench_team.respondent,
            status="answered",
            raw="40" if n % 2 else "60",  # alternate: every call writes a new version
            comment="survey 2024",
            expected_version=state["version"],
        )
        state["n"], state["version"] = n + 1, answer.version

    cpu: list[float] = []
    benchmark.pedantic(timed(save, cpu), rounds=SAVE_ROUNDS, iterations=1, warmup_rounds=3)

    stored = Answer.objects.get(assessment=bench_assessment, code=CODE)
    assert stored.version == state["n"] == SAVE_ROUNDS + 3
    assert (
        AnswerRevision.objects.filter(assessment=bench_assessment, code=CODE).count()
        == (state["n"])
    )
    _cpu_info(benchmark, cpu)
    _check_save_targets(benchmark, "answer_save")


def test_bench_answer_save_over_http_htmx(
    benchmark: Any, bench_team: Team, bench_assessment
) -> None:  # type: ignore[no-untyped-def]
    from saferspaces.assessments.models import Answer

    client = Client()
    client.force_login(bench_team.respondent)
    url = f"/assessments/{bench_assessment.pk}/q/{CODE}/save/"
    state = {"n": 0, "version": 0}

    def save() -> None:
        n = state["n"]
        response = client.post(  # form-encoded, as htmx sends the answer form (no file in it)
            url,
            urlencode(
                {
                    "status": "answered",
                    "value": "40" if n % 2 else "60,5",
                    "comment": "survey 2024",
                    "version": str(state["version"]),
                    "autosave": "1",
                }
            ),
            content_type=FORM,
            **HX,
        )
        assert response.status_code == 200, response.status_code
        state["n"], state["version"] = n + 1, state["version"] + 1

    cpu: list[float] = []
    benchmark.pedantic(timed(save, cpu), rounds=SAVE_ROUNDS, iterations=1, warmup_rounds=3)

    stored = Answer.objects.get(assessment=bench_assessment, code=CODE)
    assert stored.version == state["version"] == SAVE_ROUNDS + 3
    with CaptureQueriesContext(connection) as queries:
        save()
    statements = [  # transaction control (BEGIN, COMMIT) is not a query
        q["sql"] for q in queries.captured_queries if q["sql"] not in TRANSACTION_CONTROL
    ]
    benchmark.extra_info["queries"] = len(statements)
    _cpu_info(benchmark, cpu)
    _check_save_targets(benchmark, "HTTP save (htmx)")
    assert len(statements) <= HTTP_SAVE_QUERIES, "\n".join(statements)
    median = benchmark.stats.stats.median
    assert median < HTTP_SAVE_MEDIAN_S, f"HTTP save: median {median * 1000:.1f} ms >= 15 ms"


# --- the dimension page ---------------------------------------------------------------------


def _synthetic_edition(team: Team) -> Any:
    """Store a synthetic edition whose dimensions hold 40 questions each (ssf-2026.1 tops at 29)."""
    from saferspaces.core.framework.dump import edition_dump
    from saferspaces.core.framework.loader import edition_from_data
    from saferspaces.core.framework.synthetic import edition_synthetic_data
    from saferspaces.frameworks.services import framework_edition_upload

    edition = edition_from_data(data=edition_synthetic_data(questions=210, seed=5))
    text = edition_dump(edition=edition)
    return framework_edition_upload(
        user=team.administrator, filename="synthetic-210.yaml", content=text.encode()
    )


def _filled(team: Team, row: Any, *, answered: int) -> tuple[Any, str]:
    """An assessment of ``row`` whose first dimension has ``answered`` questions answered, each
    with three revisions and every third with two pieces of evidence (the checklist answered so
    skip logic asks every question)."""
    from saferspaces.assessments.answering import answer_save
    from saferspaces.assessments.editions import assessment_edition, edition_layout
    from saferspaces.assessments.evidence import evidence_add
    from saferspaces.assessments.rounds import assessment_start

    assessment = assessment_start(
        authority=team.authority,
        edition=row,
        title=f"Benchmark with {answered} answers",
        reference_year=None,
        user=team.lead,
    )
    sections, _of, _q = edition_layout(edition=assessment_edition(assessment=assessment))
    checklist, dimension = sections[0], sections[1]
    assert len(dimension.answerable) == DIMENSION_QUESTIONS, len(dimension.answerable)
    for q in checklist.answerable:
        answer_save(
            assessment=assessment,
            code=q.code,
            user=team.lead,
            status="answered",
            raw=valid_raw(q),
            expected_version=0,
        )
    for i, q in enumerate(dimension.answerable[:answered]):
        for version in range(3):
            answer_save(
                assessment=assessment,
                code=q.code,
                user=team.respondent if version % 2 else team.lead,
                status="dont_know" if version == 1 else "answered",
                raw=None if version == 1 else valid_raw(q),
                comment=f"revision {version}",
                expected_version=version,
            )
        if i % 3 == 0:
            for k in range(2):
                evidence_add(
                    assessment=assessment,
                    code=q.code,
                    user=team.respondent,
                    source_name=f"Police annual report {k}",
                    year=2024,
                    url="https://example.org/report.pdf",
                )
    return assessment, dimension.code


def test_bench_dimension_page_of_40_questions(benchmark: Any, bench_team: Team) -> None:
    from saferspaces.assessments import selectors
    from saferspaces.assessments.views_fill import section_response
    from saferspaces.core.framework.sections import Page
    from saferspaces.request_memo import RequestMemoMiddleware

    row = _synthetic_edition(bench_team)
    ten, section = _filled(bench_team, row, answered=10)
    forty, _same = _filled(bench_team, row, answered=DIMENSION_QUESTIONS)
    client = Client()
    client.force_login(bench_team.lead)
    # a real request (session, person, CSRF cookie) to draw the whole part with
    request = client.get(f"/assessments/{forty.pk}/s/{section}/").wsgi_request

    def draw(a: Any) -> str:
        def respond(request: Any) -> Any:
            view = selectors.section_view(user=request.user, assessment=a, section_code=section)
            assert view is not None
            # the part's 40 questions as one page (the real pages hold at most six; a view
            # without a page draws no questions, as for a part of repeat groups only)
            view.page = Page(
                number=1,
                group=section,
                title=view.section.title,
                part=1,
                parts=1,
                questions=view.section.questions,
            )
            return section_response(request, assessment=a, view=view, pending={})

        response = RequestMemoMiddleware(respond)(request)
        assert response.status_code == 200
        return response.content.decode()

    def count(a: Any) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            html = draw(a)
        return len(queries.captured_queries), html

    count(ten)  # warm the edition cache and the templates
    n_ten, _html = count(ten)
    n_forty, html = count(forty)
    assert len(re.findall(r'<section[^>]+id="q-', html)) == DIMENSION_QUESTIONS
    assert html.count("History (3 changes)") == DIMENSION_QUESTIONS
    assert html.count("<li>Police annual report 1, 2024") == (DIMENSION_QUESTIONS + 2) // 3
    assert html.count('name="csrfmiddlewaretoken"') >= 3 * DIMENSION_QUESTIONS
    assert n_forty == n_ten, f"{n_forty} queries with 40 answers, {n_ten} with 10"

    cpu: list[float] = []
    benchmark.pedantic(
        timed(lambda: draw(forty), cpu), rounds=PAGE_ROUNDS, iterations=1, warmup_rounds=2
    )
    median = benchmark.stats.stats.median
    _cpu_info(benchmark, cpu)
    benchmark.extra_info.update(
        {"database": connection.vendor, "queries": n_forty, "target_median_ms": 30}
    )
    assert median < PAGE_MEDIAN_S, f"40 questions: median {median * 1000:.1f} ms >= 30 ms"


def test_bench_every_page_of_the_first_edition_over_http(
    benchmark: Any, bench_team: Team, bench_assessment: Any
) -> None:
    """The real pages (at most six questions each) of ``ssf-2026.1``, every question answered,
    drawn in turn over HTTP as the lead (who may edit every part)."""
    from saferspaces.assessments.selectors import assessment_sections

    fill_all(bench_assessment, bench_team.lead)
    urls = [
        f"/assessments/{bench_assessment.pk}/s/{s.code}/?page={p.number}"
        for s in assessment_sections(assessment=bench_assessment)
        for p in s.pages
    ]
    client = Client()
    client.force_login(bench_team.lead)
    for url in urls:  # warm the templates
        assert client.get(url).status_code == 200
    state = {"n": 0}

    def get() -> None:
        url = urls[state["n"] % len(urls)]
        state["n"] += 1
        assert client.get(url).status_code == 200

    cpu: list[float] = []
    benchmark.pedantic(timed(get, cpu), rounds=3 * len(urls), iterations=1, warmup_rounds=0)
    median = benchmark.stats.stats.median
    _cpu_info(benchmark, cpu)
    benchmark.extra_info.update(
        {"database": connection.vendor, "pages": len(urls), "target_median_ms": 30}
    )
    assert median < PAGE_MEDIAN_S, f"a page: median {median * 1000:.1f} ms >= 30 ms"


pytestmark = pytest.mark.django_db(transaction=True)
