"""The pilot-analysis page on the demo: who may open it, its sections and tables, both
languages, and no ranking anywhere."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from saferspaces.assessments.models import Assessment

SECTIONS_EN = (
    "Participation and completion",
    "Item non-response, “don't know” and coverage per question",
    "Answer distributions",
    "Reliability and correlations",
    "Respondents' disagreement",
    "Feedback on the questions",
    "Questions to revise",
)


def _text(page: str) -> str:
    """The text of the page's main content (the site footer says the site "never ranks")."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"<[^>]+>", " ", main)


@pytest.mark.parametrize("key", ["coordinator", "administrator"])
def test_coordinators_and_administrators_read_the_analysis(
    client_for: Any, pilot_round: Any, rank_words: re.Pattern[str], key: str
) -> None:
    r = client_for(key).get(f"/rounds/{pilot_round.pk}/analysis/")
    assert r.status_code == 200
    page = html.unescape(r.content.decode())
    for heading in SECTIONS_EN:
        assert heading in page, heading
    n = Assessment.objects.filter(round=pilot_round).count()
    assert f"{n} authorities took part in this round." in page
    assert f'action="/rounds/{pilot_round.pk}/analysis/pdf/"' in page
    # accessible tables: every table has a caption, every header cell a scope
    assert page.count("<table") == page.count("<caption") > 5  # every table has a caption
    assert "<th>" not in page and '<th scope="col"' in page and '<th scope="row"' in page
    assert not rank_words.search(_text(page))


def test_authorities_are_listed_by_name(client_for: Any, pilot_round: Any) -> None:
    page = client_for("coordinator").get(f"/rounds/{pilot_round.pk}/analysis/").content.decode()
    table = page.split('id="t-authorities"')[1].split("</table>")[0]
    names = re.findall(r'<th scope="row">([^<]+)</th>', table)
    expected = sorted(
        Assessment.objects.filter(round=pilot_round).values_list("authority__name", flat=True),
        key=str.casefold,
    )
    assert [html.unescape(n) for n in names] == expected


def test_the_page_in_french(client_for: Any, pilot_round: Any, rank_words: re.Pattern[str]) -> None:
    c = client_for("coordinator")
    c.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    page = c.get(f"/rounds/{pilot_round.pk}/analysis/").content.decode()
    assert '<html lang="fr">' in page
    assert "Cohésion sociale" in page  # a dimension title from the edition, in French
    assert "Réseau" in page  # a translated label
    assert re.search(r"\d,\d\d</td>", page)  # alphas written the French way
    assert not rank_words.search(_text(page))


@pytest.mark.parametrize("key", ["lead", "respondent", "outsider"])
def test_others_are_refused(client_for: Any, pilot_round: Any, key: str) -> None:
    assert client_for(key).get(f"/rounds/{pilot_round.pk}/analysis/").status_code == 403


def test_anonymous_goes_to_the_login(client_for: Any, pilot_round: Any) -> None:
    r = client_for("anonymous").get(f"/rounds/{pilot_round.pk}/analysis/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_questions_to_revise_list_their_reasons(client_for: Any, pilot_round: Any) -> None:
    from django.utils import translation

    from saferspaces.reports.selectors import round_analysis

    with translation.override("en"):
        ctx = round_analysis(round_=pilot_round, language="en")
    assert ctx["revise"], "the demo round has questions to revise"
    for q in ctx["revise"]:
        assert q["reasons"] and all(isinstance(r, str) and r for r in q["reasons"])
    page = client_for("coordinator").get(f"/rounds/{pilot_round.pk}/analysis/").content.decode()
    revise = page.split('id="t-revise"')[1].split("</table>")[0]
    for q in ctx["revise"]:
        assert q["code"] in revise
