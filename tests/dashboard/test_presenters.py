"""Result presenters: one per result model; the composite one is the profile page's; the tally
one on a small instrument (measures by level of prevention, a repeat group); the risk matrix
orders a subject's own scenarios only; a person's levels are never shown to colleagues."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from saferspaces.charts.printing import chart_svg
from saferspaces.charts.tables import chart_table
from saferspaces.core.framework import Edition, edition_load
from saferspaces.core.framework.answers import AnswerState
from saferspaces.core.framework.instrument import RESULT_MODEL_SPECS
from saferspaces.core.results import RESULT_MODELS, results_compute
from saferspaces.dashboard.presenters import (
    PRESENTERS,
    Audience,
    presenter_get,
    unit_results,
)
from saferspaces.errors import DomainError

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "core" / "framework" / "fixtures"


def doc_examples() -> dict[str, Edition]:
    """The examples of docs/framework.md, one per result model."""
    text = (REPO / "docs" / "framework.md").read_text(encoding="utf-8")
    found = re.findall(r"<!-- example: (\w+) -->\n```yaml\n(.*?)```", text, re.S)
    return {name: edition_load(text=body, file=name) for name, body in found}


def _a(value: object) -> AnswerState:
    return AnswerState("answered", value)


def test_one_presenter_per_result_model() -> None:
    assert set(PRESENTERS) == set(RESULT_MODELS) == set(RESULT_MODEL_SPECS)
    for name, presenter in PRESENTERS.items():
        assert presenter.name == name and presenter.spec is RESULT_MODEL_SPECS[name]
    with pytest.raises(DomainError):
        presenter_get(name="ranking")


def test_tally_on_a_small_instrument() -> None:
    edition = edition_load(path=FIXTURES / "pyramid.yaml")
    units = {
        "u1": {
            "MEASURES[1]/MEASURE_LEVEL": _a("primary"),
            "MEASURES[2]/MEASURE_LEVEL": _a("tertiary"),
            "MEASURES[3]/MEASURE_LEVEL": _a("primary"),
            "MEASURES[4]/MEASURE_NAME": _a("Street lighting"),  # no level yet: missing
        }
    }
    results = unit_results(
        results=results_compute(edition=edition, units=units), unit="u1", edition=edition
    )
    with translation.override("en"):
        shown = presenter_get(name="tally").present(
            results=results, language="en", data_url="/x/?chart="
        )
        table = chart_table(shown.charts["tally"])
    assert [s.id for s in shown.sections] == ["tally"]
    chart = shown.charts["tally"]
    assert chart.data_url == "/x/?chart=tally"
    rows = {(r["label"], r["category"]): (r["count"], r["share"]) for r in chart.rows}
    for node in ("Local prevention measures", "Level of prevention"):
        assert rows[(node, "Primary (everyone)")] == (2, 66.7)
        assert rows[(node, "Secondary (groups at risk)")] == (0, 0.0)
        assert rows[(node, "Tertiary (people involved)")] == (1, 33.3)
    assert shown.sections[0].sentences == (
        "3 of 4 applicable answers are counted; missing answers are shown as missing, never "
        "counted.",
    )
    assert len(table) == 6 and table[0][0].text == "Local prevention measures"
    # the same definition prints: one image named by the title
    assert 'role="img"' in chart_svg(chart) and chart.title in chart_svg(chart)
    with translation.override("fr"):
        fr = presenter_get(name="tally").present(results=results, language="fr")
    assert {r["category"] for r in fr.charts["tally"].rows} >= {"Primaire (tous)"}


def test_tally_per_instance_of_the_enclosing_group() -> None:
    text = (FIXTURES / "vulnerability.yaml").read_text(encoding="utf-8")
    start, end = text.index("  result_model: risk_matrix"), text.index("  sharing:")
    text = (
        text[:start] + "  result_model: tally\n  result: {by: [THREAT], per: SITES}\n" + text[end:]
    )
    edition = edition_load(text=text)
    units = {
        "a": {
            "SITES[1]/SCENARIOS[1]/THREAT": _a("crowd"),
            "SITES[1]/SCENARIOS[2]/THREAT": _a("crowd"),
            "SITES[2]/SCENARIOS[1]/THREAT": _a("fire"),
        }
    }
    results = unit_results(
        results=results_compute(edition=edition, units=units), unit="a", edition=edition
    )
    with translation.override("en"):
        shown = presenter_get(name="tally").present(results=results, language="en")
    per = shown.charts["tally-per"]
    counts = {(r["label"], r["category"]): r["count"] for r in per.rows if r["count"]}
    assert len(counts) == 2 and all(label.endswith((" 1", " 2")) for label, _c in counts)
    assert sorted(counts.values()) == [1, 2]


def _vulnerability() -> tuple[Edition, Any]:
    edition = edition_load(path=FIXTURES / "vulnerability.yaml")
    units = {
        "a": {
            "SITES[1]/SCENARIOS[1]/CONSEQUENCE": _a(2),
            "SITES[1]/SCENARIOS[1]/PROBABILITY": _a(3),
            "SITES[1]/SCENARIOS[2]/CONSEQUENCE": _a(4),
            "SITES[1]/SCENARIOS[2]/PROBABILITY": _a(3),
        },
        "b": {
            "SITES[1]/SCENARIOS[1]/CONSEQUENCE": _a(5),
            "SITES[1]/SCENARIOS[1]/PROBABILITY": _a(5),
        },
    }
    return edition, results_compute(edition=edition, units=units)


def test_the_risk_matrix_orders_a_subjects_own_scenarios_only() -> None:
    edition, computed = _vulnerability()
    assert RESULT_MODEL_SPECS["risk_matrix"].orders_within_subject
    with translation.override("en"):
        shown = presenter_get(name="risk_matrix").present(
            results=unit_results(results=computed, unit="a", edition=edition), language="en"
        )
    risks = shown.charts["risks"].rows
    assert [r["risk"] for r in risks] == [12.0, 6.0]  # its own scenarios, highest first
    # nothing of the other authority (whose scenario has the highest risk) is there
    assert 25.0 not in [r["risk"] for r in risks]
    assert {s.id for s in shown.sections} == {"risks", "bands"}


def test_a_persons_levels_are_never_shown_to_colleagues() -> None:
    edition = doc_examples()["levels"]
    computed = results_compute(
        edition=edition, units={"p1": {"CM_DESIGN": _a("basic"), "CM_DATA": _a("basic")}}
    )
    results = unit_results(results=computed, unit="p1", edition=edition)
    levels = presenter_get(name="levels")
    assert levels.spec.visible_to_colleagues is False
    with translation.override("en"):
        colleague = levels.present(
            results=results, language="en", audience=Audience(is_subject=False)
        )
        own = levels.present(results=results, language="en", audience=Audience(is_subject=True))
    assert colleague.hidden and colleague.charts == {}
    assert "basic" not in repr(colleague).lower()
    assert not own.hidden
    rows = own.charts["levels"].rows
    assert {r["level"] for r in rows if r["level"] is not None} == {2.0}


def test_a_survey_counts_its_choices_or_says_it_counts_nothing() -> None:
    edition = doc_examples()["none"]
    computed = results_compute(edition=edition, units={"u": {}})
    with translation.override("en"):
        shown = presenter_get(name="none").present(
            results=unit_results(results=computed, unit="u", edition=edition), language="en"
        )
    assert shown.model == "none" and shown.sections


def test_the_profile_page_is_the_composite_presenters(demo_module: Any, db: Any) -> None:
    """The first instrument's profile: its charts come from the composite presenter, with the
    same rows as the profile table (perception and status of each top-level dimension)."""
    from saferspaces.assessments.models import Assessment
    from saferspaces.dashboard.selectors import dashboard_profile

    a = (
        Assessment.objects.filter(result_runs__isnull=False)
        .select_related("authority")
        .order_by("-round__period_end", "pk")
        .first()
    )
    with translation.override("en"):
        page = dashboard_profile(
            authority=a.authority,
            assessment_pk=a.pk,
            language="en",
            among=Assessment.objects.all(),
        )
        shown = presenter_get(name="composite").present(
            rows=page["rows"], progress=page["progress"], columns=page["columns"]
        )
    assert [s.id for s in page["sections"]][:2] == ["profile", "gap"]
    assert page["charts"]["profile"].rows == shown.charts["profile"].rows
    expected = [
        (r.title, kind, r.scores[key].score)
        for r in page["rows"]
        if r.depth == 0
        for key, kind in (("perception", "Perception"), ("status", "Status"))
    ]
    got = [(r["dimension"], r["kind"], r["score"]) for r in page["charts"]["profile"].rows]
    assert got == expected
    assert ("progress" in page["charts"]) == (len(page["columns"]) > 1)
