"""The council report and the dashboard read like a document in the reader's language: French
numbers and dates on French pages, a methodology annex in words and a table (never a Python
dict), and a note on rounding exactly where a gap sits beside its rounded parts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from saferspaces.assessments.models import Assessment, AssessmentState
from saferspaces.dashboard.profile import profile_rows
from saferspaces.results.selectors import scored_read
from saferspaces.web.numbers import rounding_rows, rounding_shows

DONE = (AssessmentState.SUBMITTED, AssessmentState.ACCEPTED)
FRENCH_MONTHS = (
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
)


@pytest.fixture
def reported(demo_module: Any, db: Any) -> Assessment:
    from saferspaces.demo.generator import MAIN_NETWORK

    return (
        Assessment.objects.filter(
            round__network__name=MAIN_NETWORK, state__in=DONE, result_runs__isnull=False
        )
        .select_related("authority", "round")
        .order_by("-round__period_end", "authority__name")
        .first()
    )


def _cells(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c) for c in re.findall(r'<td class="num">(.*?)</td>', html, re.S)
    ]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_french_report_writes_french_numbers_and_dates(
    reported: Assessment, client_for: Any
) -> None:
    c = client_for("administrator")
    c.cookies["django_language"] = "fr"
    html = c.get(f"/assessments/{reported.pk}/report/").content.decode()
    cells = [x for x in _cells(html.split('id="t-profile"')[1].split("</table>")[0]) if x != "—"]
    assert cells, "the profile table shows scores"
    assert all(re.search(r"\d,\d", x) for x in cells), cells
    assert not any(re.search(r"\d\.\d", x) for x in _cells(html)), "a decimal point in French"
    text = _text(html)
    assert re.search(rf"Données arrêtées au \d{{1,2}} ({FRENCH_MONTHS}) \d{{4}}", text)
    assert not re.search(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.? \d", text)


def test_the_french_dashboard_writes_french_numbers_and_dates(
    reported: Assessment, client_for: Any
) -> None:
    c = client_for("administrator")
    c.cookies["django_language"] = "fr"
    html = c.get(
        f"/authorities/{reported.authority.slug}/dashboard/?assessment={reported.pk}"
    ).content.decode()
    profile = html.split('<h2 id="profile">')[1].split("</table>")[0]
    scores = re.findall(r"<strong>([^<]+)</strong>", profile)
    assert scores and all(re.fullmatch(r"[+-]?\d+,\d", s) for s in scores), scores
    assert re.search(
        rf"notée? le \d{{1,2}} ({FRENCH_MONTHS}) \d{{4}}|\d{{1,2}} ({FRENCH_MONTHS}) \d{{4}}",
        _text(html),
    )


def test_the_methodology_annex_reads_as_words_and_a_table(
    reported: Assessment, client_for: Any
) -> None:
    html = client_for("administrator").get(f"/assessments/{reported.pk}/report/").content.decode()
    annex = html.split('<section id="method"')[1].split("</section>")[0]
    steps = annex.split('class="pipeline"')[0]
    assert "{'" not in steps and "':" not in steps and "{2:" not in steps, "a Python dict"
    assert "<table" in steps and "<caption" in steps
    text = _text(steps)
    # every rule-scored indicator passing through unchanged is said once, not listed as a dict
    assert "QOL_P01" not in text
    assert "min-max" in text.lower() or "minmax" in text.lower()
    assert "arithmetic" in text.lower()


def _rounding_rows(assessment: Assessment) -> list[str]:
    scored = scored_read(assessment=assessment)
    assert scored is not None
    rows = profile_rows(scored=scored, language="en")
    return rounding_rows(
        (r.title, r.gap.value, r.scores["perception"].score, r.scores["status"].score) for r in rows
    )


def test_rounding_is_explained_once_where_a_gap_sits_beside_its_parts(
    reported: Assessment, client_for: Any
) -> None:
    assert rounding_shows(difference=42.44 - 31.26, first=42.44, second=31.26)  # +11.2 vs 11.1
    assert not rounding_shows(difference=42.4 - 31.3, first=42.4, second=31.3)
    assert not rounding_shows(difference=None, first=42.4, second=None)
    scored = Assessment.objects.filter(
        round=reported.round, state__in=DONE, result_runs__isnull=False
    ).distinct()
    by_case = {bool(_rounding_rows(a)): a for a in scored}
    assert set(by_case) == {True, False}, "the demo round has both cases"
    for shows, assessment in by_case.items():
        expected = _rounding_rows(assessment)
        for url in (
            f"/assessments/{assessment.pk}/report/",
            f"/authorities/{assessment.authority.slug}/dashboard/?assessment={assessment.pk}",
        ):
            html = client_for("administrator").get(url).content.decode()
            assert html.count("rounding-note") == (1 if shows else 0), url
            if shows:
                note = html.split("rounding-note")[1].split("</p>")[0]
                assert "rounded from exact values" in note and expected[0] in note
