"""Open-data suggestions in the fill-in: shown with provenance, accepted, overridden or rejected,
every step kept in the history; newer data offered again, never applied silently."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from saferspaces.assessments.answering import answer_save
from saferspaces.assessments.models import Answer, AnswerRevision, PrefillDecision
from saferspaces.assessments.prefill import prefill_decide
from saferspaces.errors import DomainError

CODE = "URB_S01"  # homicides per 100 000, fed by Eurostat crim_gen_reg ICCS0101 in ssf-2026.1


def _observe(value: float, period: str, geo: str = "FRL04", level: str = "nuts3") -> Any:
    from saferspaces.opendata.models import ImportRun, Observation

    now = timezone.now()
    run = ImportRun.objects.create(
        source="crim_gen_reg",
        dataset="crim_gen_reg",
        transport="file",
        file_name="test.tsv",
        started_at=now,
        finished_at=now,
        retrieved_at=now,
        status="ok",
    )
    Observation.objects.create(
        dataset="crim_gen_reg",
        code="ICCS0101",
        unit="P_HTHAB",
        geo=geo,
        geo_level=level,
        period=period,
        year=int(period),
        value=value,
        flags="p",
        run=run,
    )
    return run


def _page(c: Client, a: Any) -> str:
    return c.get(f"/assessments/{a.pk}/s/URB/").content.decode()


def test_a_suggestion_is_shown_with_its_provenance_then_used(assessment, team) -> None:  # type: ignore[no-untyped-def]
    _observe(1.4, "2021")
    c = Client()
    c.force_login(team.respondent)
    html = _page(c, assessment)
    block = html.split('id="q-URB_S01"', 1)[1].split("</section>", 1)[0]
    assert "Suggestion from open data" in block
    assert "crim_gen_reg" in block and "ICCS0101" in block and "2021" in block
    assert "FRL04" in block and "wider region" in block  # a NUTS 3 value is not the city's own
    r = c.post(
        f"/assessments/{assessment.pk}/q/{CODE}/prefill/",
        {"decision": "accepted", "version": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    answer = Answer.objects.get(assessment=assessment, code=CODE)
    assert (answer.value, answer.status) == (1.4, "answered")
    assert answer.prefill["dataset"] == "crim_gen_reg" and answer.prefill["period"] == "2021"
    assert (
        "Suggestion from open data"
        not in _page(c, assessment).split('id="q-URB_S01"', 1)[1].split("</section>", 1)[0]
    )
    # overriding is answering: the provenance leaves the answer, the history keeps both values
    answer_save(
        assessment=assessment,
        code=CODE,
        user=team.respondent,
        status="answered",
        raw="1.1",
        expected_version=1,
    )
    revisions = list(AnswerRevision.objects.filter(assessment=assessment, code=CODE))
    assert [(r.source, r.value) for r in revisions] == [("form", 1.1), ("prefill", 1.4)]
    assert Answer.objects.get(assessment=assessment, code=CODE).prefill is None


def test_rejected_suggestions_come_back_only_with_newer_data(assessment, team) -> None:  # type: ignore[no-untyped-def]
    _observe(1.4, "2021")
    prefill_decide(
        assessment=assessment, code=CODE, user=team.lead, decision="rejected", expected_version=0
    )
    c = Client()
    c.force_login(team.lead)
    assert "Suggestion from open data" not in _page(c, assessment)
    assert not Answer.objects.filter(assessment=assessment, code=CODE).exists()
    _observe(1.2, "2022")  # a refresh brings newer data
    assert "Suggestion from open data" in _page(c, assessment)


def test_newer_data_are_offered_never_applied(assessment, team) -> None:  # type: ignore[no-untyped-def]
    _observe(1.4, "2021")
    prefill_decide(
        assessment=assessment, code=CODE, user=team.lead, decision="accepted", expected_version=0
    )
    _observe(1.2, "2022")
    c = Client()
    c.force_login(team.lead)
    assert "Newer open data are available" in _page(c, assessment)
    assert Answer.objects.get(assessment=assessment, code=CODE).value == 1.4
    assert PrefillDecision.objects.filter(assessment=assessment).count() == 1


def test_no_suggestion_or_a_stale_version_is_refused(assessment, team) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match="no open-data suggestion"):
        prefill_decide(
            assessment=assessment,
            code=CODE,
            user=team.lead,
            decision="accepted",
            expected_version=0,
        )
    _observe(1.4, "2021")
    answer_save(
        assessment=assessment,
        code=CODE,
        user=team.respondent,
        status="dont_know",
        raw=None,
        expected_version=0,
    )
    from saferspaces.assessments.answering import AnswerConflict

    with pytest.raises(AnswerConflict):
        prefill_decide(
            assessment=assessment,
            code=CODE,
            user=team.lead,
            decision="accepted",
            expected_version=0,
        )
    assert Answer.objects.get(assessment=assessment, code=CODE).status == "dont_know"


def test_a_page_with_suggestions_reads_the_geography_in_force_only(assessment, team) -> None:  # type: ignore[no-untyped-def]
    """The offers of a page need the geography whose data pre-fill answers (the match a person
    confirmed, else the suggestion), not what the geography page shows besides: no count of the
    observations per place, no population candidates, no region labels."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _observe(1.4, "2021")
    c = Client()
    c.force_login(team.respondent)
    _page(c, assessment)
    with CaptureQueriesContext(connection) as queries:
        html = _page(c, assessment)
    assert "Suggestion from open data" in html.split('id="q-URB_S01"', 1)[1]
    statements = [q["sql"] for q in queries.captured_queries]
    counted = [s for s in statements if 'FROM "opendata_observation"' in s and "COUNT(" in s]
    assert not counted, "\n".join(counted)
    population = [s for s in statements if "urb_cpop1" in s]
    assert not population, "\n".join(population)


def test_the_city_of_an_authority_is_matched_once_per_load_of_data(assessment, team) -> None:  # type: ignore[no-untyped-def]
    """The city suggested for an authority without a confirmed match (its name matched against
    the Urban Audit cities with data) is worked out once per name and successful import, not on
    every page: a page reads the match in force, the region and the count of loads in one
    query, and the cities again only after a new load."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _observe(1.4, "2021")
    authority = assessment.authority
    authority.name = "FR003C"  # Eurostat's TSV files name cities by code: the code is the label
    authority.save()
    c = Client()
    c.force_login(team.respondent)
    _page(c, assessment)
    with CaptureQueriesContext(connection) as queries:
        block = _page(c, assessment).split('id="q-URB_S01"', 1)[1].split("</section>", 1)[0]
    assert "FRL04" in block and "wider region" in block  # no city data yet: the NUTS 3 value
    statements = [q["sql"] for q in queries.captured_queries if "opendata_" in q["sql"]]
    assert not [s for s in statements if "DISTINCT" in s], "\n".join(statements)
    assert len(statements) == 2, "\n".join(statements)  # the geography, the observations
    _observe(2.5, "2021", geo="FR003C", level="city")  # a load brings the city's own data
    block = _page(c, assessment).split('id="q-URB_S01"', 1)[1].split("</section>", 1)[0]
    assert "FR003C" in block and "wider region" not in block, block


def test_the_geography_in_force_is_the_geography_pages_match_in_force(assessment, team) -> None:  # type: ignore[no-untyped-def]
    """``geography_in_force`` (one row in plain SQL, read by every page with open-data
    questions) gives the geography of the geography page's match in force
    (``geography_match_suggest``, read with the ORM): suggested, confirmed, corrected to a
    city, and for an authority outside any import."""
    from saferspaces.opendata.selectors import geography_in_force, geography_match_suggest
    from saferspaces.opendata.services import geography_match_confirm

    authority = assessment.authority

    def same() -> Any:
        in_force = geography_in_force(authority=authority)
        assert in_force == geography_match_suggest(authority=authority).geography
        return in_force

    assert same() is not None  # no load yet: the registered region
    _observe(1.4, "2021")
    _observe(2.5, "2021", geo="FR003C", level="city")
    suggested = same()
    region = authority.nuts_region.code
    geography_match_confirm(authority=authority, user=team.lead, city_code="", nuts_code=region)
    confirmed = same()
    geography_match_confirm(
        authority=authority, user=team.lead, city_code="FR003C", nuts_code=region
    )
    corrected = same()
    assert corrected is not None and corrected.chain[0][1] == "FR003C"
    assert confirmed is not None and suggested is not None
