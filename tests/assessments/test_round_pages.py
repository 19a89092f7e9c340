"""The pages of a round's season over HTTP: the round page says who has not started and who is
late (by name), the coordinator changes the round (title, deadline, late joiner) and closes it,
and a returned assessment says so at the top of its page with the coordinator's comment."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client

from assessment_helpers import Team, fill_all
from saferspaces.assessments.models import Assessment, Round
from saferspaces.assessments.rounds import round_open
from saferspaces.assessments.workflow import assessment_transition


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _round(team: Team, n_others: int = 2) -> Round:
    others = list(team.network.authorities.exclude(pk=team.authority.pk).order_by("name"))
    today = dt.date.today()
    return round_open(
        network=team.network,
        edition=team.edition,
        title="Season round",
        period_start=dt.date(today.year - 1, 1, 1),
        period_end=dt.date(today.year - 1, 12, 31),
        deadline=today + dt.timedelta(days=20),
        authorities=[team.authority, *others[:n_others]],
        user=team.coordinator,
    )


def test_the_round_page_names_who_has_not_started_then_who_is_late(team: Team) -> None:
    round_ = _round(team)
    names = sorted(round_.assessments.values_list("authority__name", flat=True))
    c = _client(team.coordinator)
    page = _text(c.get(f"/rounds/{round_.pk}/"))
    assert "Not started yet" in page and "20 days left" in page
    section = page[page.index("Not started yet") :]
    assert all(name in section for name in names)
    assert "Late" not in page.split("Participating authorities")[0]
    Round.objects.filter(pk=round_.pk).update(deadline=dt.date.today() - dt.timedelta(days=3))
    page = _text(c.get(f"/rounds/{round_.pk}/"))
    assert "Late: not submitted by the deadline" in page
    late = page[page.index("Late: not submitted by the deadline") :]
    positions = [late.index(name) for name in names]
    assert positions == sorted(positions)  # by name, never by progress
    assert "Not started yet" not in page


def test_the_coordinator_changes_the_round_and_a_late_joiner_gets_its_assessment(
    team: Team,
) -> None:
    round_ = _round(team, n_others=1)
    late = (
        team.network.authorities.exclude(pk__in=round_.assessments.values("authority"))
        .order_by("name")
        .first()
    )
    assert late is not None
    c = _client(team.coordinator)
    page = c.get(f"/rounds/{round_.pk}/")
    assert f'href="/rounds/{round_.pk}/edit/"' in page.content.decode()
    form = c.get(f"/rounds/{round_.pk}/edit/")
    assert form.status_code == 200
    html = form.content.decode()
    assert 'value="Season round"' in html and 'type="date"' in html
    current = list(round_.assessments.values_list("authority_id", flat=True))
    later = round_.deadline + dt.timedelta(days=14)
    refused = c.post(
        f"/rounds/{round_.pk}/edit/",
        {"title": "Season", "deadline": "2001-01-01", "authorities": current},
    )
    assert refused.status_code == 422
    assert 'href="#id_deadline"' in refused.content.decode()
    assert "must not be in the past" in _text(refused)
    assert Round.objects.get(pk=round_.pk).title == "Season round"  # nothing changed
    done = c.post(
        f"/rounds/{round_.pk}/edit/",
        {
            "title": "Season round 2026",
            "deadline": later.isoformat(),
            "authorities": [*current, late.pk],
        },
        follow=True,
    )
    message = _text(done)
    assert "Season round 2026" in message and late.name in message
    round_.refresh_from_db()
    assert (round_.title, round_.deadline) == ("Season round 2026", later)
    assert Assessment.objects.get(round=round_, authority=late).state == "draft"
    assert _client(team.lead).get(f"/rounds/{round_.pk}/edit/").status_code == 403


def test_closing_a_round_from_its_page(team: Team) -> None:
    round_ = _round(team)
    persona = round_.assessments.get(authority=team.authority)
    fill_all(persona, team.lead, status="dont_know")
    assessment_transition(assessment=persona, action="submit", user=team.lead)
    c = _client(team.coordinator)
    confirm = c.get(f"/rounds/{round_.pk}/close/")
    assert confirm.status_code == 200
    text = _text(confirm)
    assert "2 assessments not submitted" in text and "1 submitted" in text
    assert _client(team.lead).post(f"/rounds/{round_.pk}/close/").status_code == 403
    assert Round.objects.get(pk=round_.pk).closed_at is None
    done = c.post(f"/rounds/{round_.pk}/close/", follow=True)
    assert done.redirect_chain[-1][0] == f"/rounds/{round_.pk}/"
    page = _text(done)
    assert "Round closed" in page and "Closed on" in page
    assert "Not submitted when the round closed" in page
    assert f'href="/rounds/{round_.pk}/edit/"' not in done.content.decode()
    network_page = _text(c.get(f"/networks/{team.network.slug}/"))
    assert re.search(r"Season round \(1 of 3 submitted; closed\)", network_page)
    draft = round_.assessments.exclude(pk=persona.pk).first()
    assert draft is not None
    detail = _text(c.get(f"/assessments/{draft.pk}/"))
    assert "Not submitted (round closed)" in detail
    assert "The round closed on" in detail
    # a second closing changes nothing and says so
    again = _text(c.post(f"/rounds/{round_.pk}/close/", follow=True))
    assert "already closed" in again


def test_a_returned_assessment_says_so_at_the_top_with_the_comment(team: Team) -> None:
    round_ = _round(team, n_others=0)
    assessment = round_.assessments.get()
    fill_all(assessment, team.lead, status="dont_know")
    assessment_transition(assessment=assessment, action="submit", user=team.lead)
    assessment_transition(
        assessment=assessment,
        action="return",
        user=team.coordinator,
        comment="Please give the source of the crime figures.",
    )
    html = _client(team.lead).get(f"/assessments/{assessment.pk}/").content.decode()
    banner = html.index('id="returned-title"')
    assert banner < html.index('id="progress-title"')  # at the top, before the progress
    top = _text_of(html[banner : html.index('id="progress-title"')])
    assert "Please give the source of the crime figures." in top
    assert team.coordinator.full_name in top and "resubmit" in top
    assessment_transition(assessment=assessment, action="submit", user=team.lead)
    html = _client(team.lead).get(f"/assessments/{assessment.pk}/").content.decode()
    assert 'id="returned-title"' not in html  # resubmitted: the banner is gone


def _text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
