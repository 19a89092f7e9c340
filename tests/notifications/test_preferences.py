"""``/me/``: the language of a person's e-mails and one switch per kind of notification, every
switch on by default; the language comes from the browser at the first log-in."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from assessment_helpers import Team
from saferspaces.demo.generator import DEMO_PASSWORD
from saferspaces.notifications.kinds import CODES, KINDS
from saferspaces.notifications.models import NotificationPreference
from saferspaces.notifications.selectors import preferences_initial


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _checked(html: str, name: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert tag is not None, name
    return " checked" in tag.group(0)


def test_every_switch_is_on_by_default_and_saved_with_the_language(team: Team) -> None:
    c = _client(team.lead)
    html = c.get("/me/").content.decode()
    assert 'id="notifications"' in html and 'action="/me/notifications/"' in html
    for kind in KINDS:
        assert _checked(html, kind.code) and str(kind.label) in html
        assert f'aria-describedby="id_{kind.code}-hint"' in html
    assert team.lead.language == ""  # not chosen yet: the site's default
    r = c.post(
        "/me/notifications/",
        {"language": "fr", "returned": "on", "accepted": "on", "submitted": "on"},
    )
    assert r.status_code == 302 and r["Location"] == "/me/#notifications"
    assert r.cookies["django_language"].value == "fr"  # the site follows
    team.lead.refresh_from_db()
    assert team.lead.language == "fr"
    assert preferences_initial(user=team.lead) == {
        "language": "fr",
        "returned": True,
        "accepted": True,
        "submitted": True,
        "reminder": False,
    }
    html = c.get("/me/").content.decode()
    assert not _checked(html, "reminder") and _checked(html, "returned")
    assert c.get("/me/notifications/")["Location"] == "/me/#notifications"


def test_a_bad_language_is_refused_at_its_field_and_nothing_changes(team: Team) -> None:
    r = _client(team.lead).post("/me/notifications/", {"language": "xx", "reminder": "on"})
    assert r.status_code == 422
    html = r.content.decode()
    assert 'href="#id_language"' in html and 'class="error-summary"' in html
    team.lead.refresh_from_db()
    assert team.lead.language == ""
    assert not NotificationPreference.objects.filter(user=team.lead).exists()
    assert Client().post("/me/notifications/", {"language": "fr"}).status_code == 302  # log in


def test_the_first_log_in_takes_the_browser_language(team: Team) -> None:
    french = Client(HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    r = french.post("/accounts/login/", {"login": team.lead.email, "password": DEMO_PASSWORD})
    assert r.status_code == 302
    team.lead.refresh_from_db()
    assert team.lead.language == "fr"
    english = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    english.post("/accounts/login/", {"login": team.lead.email, "password": DEMO_PASSWORD})
    team.lead.refresh_from_db()
    assert team.lead.language == "fr"  # only the first time: a choice is never overwritten


def test_the_preference_columns_are_the_kinds() -> None:
    columns = {f.name for f in NotificationPreference._meta.get_fields()}
    assert columns - {"id", "user", "updated_at"} == set(CODES)
