"""The ten declared languages, the offered ones, and which language a page is in.

Every declared language is in ``settings.LANGUAGES`` (named in itself); only the offered ones
(``locale/<code>/status.yaml``: ``offered: true``) are in the language menu and become a page's
language. A page asked for in a declared language still being translated is in English (or the
browser's next offered language) with a note; once the language is offered, pages are in it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from saferspaces import languages
from saferspaces.accounts.models import User
from saferspaces.languages import (
    LanguageFileError,
    language_effective,
    languages_declared,
    languages_offered,
)
from saferspaces.notifications.selectors import user_language

TEN = ["es", "cs", "en", "fr", "hr", "it", "lv", "nl", "pl", "fi"]  # the EU's protocol order


def _menu(html: str) -> list[str]:
    select = re.search(r'<select id="language-select".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="([a-z]+)"', select.group(0))


def _lang(html: str) -> str:
    m = re.search(r'<html lang="([a-z-]+)">', html)
    assert m is not None
    return m.group(1)


@pytest.fixture
def being_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Latvian and Croatian as a language is while its translators work: declared, not offered
    (all ten are offered today; a language added later goes through this state)."""
    flipped = tuple(
        dataclasses.replace(lang, offered=False) if lang.code in ("lv", "hr") else lang
        for lang in languages_declared()
    )
    monkeypatch.setattr(languages, "languages_declared", lambda *a, **k: flipped)


def test_the_ten_languages_are_declared_each_named_in_itself() -> None:
    assert [code for code, _name in settings.LANGUAGES] == TEN
    names = dict(settings.LANGUAGES)
    assert (names["lv"], names["hr"], names["cs"], names["fi"]) == (
        "Latviešu",
        "Hrvatski",
        "Čeština",
        "Suomi",
    )
    assert [lang.code for lang in languages_offered()] == TEN
    assert language_effective("lv") == "lv" and language_effective("fr-BE") == "fr"


@pytest.mark.django_db
@pytest.mark.usefixtures("being_translated")
def test_the_menu_offers_the_offered_languages_only() -> None:
    html = Client().get("/").content.decode()
    assert _menu(html) == [code for code in TEN if code not in ("lv", "hr")]
    assert '<option value="fr" lang="fr">Français</option>' in html
    assert 'class="language-note"' not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("being_translated")
def test_a_language_being_translated_falls_back_to_english_with_a_note() -> None:
    html = Client(HTTP_ACCEPT_LANGUAGE="lv-LV,lv;q=0.9").get("/").content.decode()
    assert _lang(html) == "en"
    note = re.search(
        r'<div class="language-note" role="note" lang="([a-z]+)">(.*?)</div>\s*</div>', html, re.S
    )
    assert note is not None and note.group(1) == "en"  # the sentence is not in Latvian yet
    assert "Latviešu is still being translated" in note.group(2)
    # the browser's next choice that is offered wins over English, the note stays
    html = Client(HTTP_ACCEPT_LANGUAGE="lv, fr;q=0.8, en;q=0.5").get("/").content.decode()
    assert _lang(html) == "fr" and 'class="language-note"' in html
    # the language cookie (the menu, the profile) counts before the browser
    c = Client(HTTP_ACCEPT_LANGUAGE="fr")
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "hr"
    html = c.get("/").content.decode()
    assert _lang(html) == "fr" and "Hrvatski is still being translated" in html


@pytest.mark.django_db
def test_once_offered_a_language_is_in_the_menu_and_pages_are_in_it() -> None:
    html = Client(HTTP_ACCEPT_LANGUAGE="lv").get("/").content.decode()
    assert _lang(html) == "lv" and 'class="language-note"' not in html
    assert _menu(html) == TEN
    assert language_effective("lv") == "lv"


@pytest.mark.django_db
def test_pages_in_an_unreviewed_language_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    note = re.compile(r'<p class="language-review-note">([^<]+)</p>')
    assert note.search(Client().get("/").content.decode()) is None  # English: the source
    french = note.search(Client(HTTP_ACCEPT_LANGUAGE="fr").get("/").content.decode())
    assert french is not None  # status.yaml: machine_translated, nobody has reviewed it
    with translation.override("fr"):
        assert french.group(1) == escape(
            gettext(
                "This translation was made with machine translation and has not been reviewed "
                "by a native speaker yet."
            )
        )
    reviewed = tuple(
        dataclasses.replace(lang, reviewed_by="Anne Martin", reviewed_on=dt.date(2027, 3, 1))
        if lang.code == "fr"
        else lang
        for lang in languages_declared()
    )
    monkeypatch.setattr(languages, "languages_declared", lambda *a, **k: reviewed)
    assert note.search(Client(HTTP_ACCEPT_LANGUAGE="fr").get("/").content.decode()) is None


@pytest.mark.django_db
def test_the_language_menu_refuses_nothing_but_sets_an_offered_language() -> None:
    c = Client()
    r = c.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert r.status_code == 302 and r.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert _lang(c.get("/").content.decode()) == "fr"


@pytest.mark.django_db
def test_after_log_in_the_pages_follow_the_profile_language(demo_module) -> None:  # type: ignore[no-untyped-def]
    from saferspaces.demo.generator import DEMO_PASSWORD, PERSONAS

    email = next(p.email for p in PERSONAS if p.key == "lead")
    User.objects.filter(email=email).update(language="fr")
    c = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    r = c.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    assert r.status_code == 302
    assert r.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert _lang(c.get("/").content.decode()) == "fr"
    User.objects.filter(email=email).update(language="")


@pytest.mark.django_db
def test_the_profile_offers_the_ten_and_e_mails_follow_an_offered_choice(
    demo_module, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from saferspaces.demo.generator import PERSONAS

    email = next(p.email for p in PERSONAS if p.key == "respondent")
    user = User.objects.get(email=email)
    c = Client()
    c.force_login(user)
    html = c.get("/me/").content.decode()
    select = re.search(r'<select name="language".*?</select>', html, re.S)
    assert select is not None
    assert re.findall(r'<option value="([a-z]+)"', select.group(0)) == TEN
    assert "Latviešu (being translated" not in select.group(0)
    held_back = tuple(
        dataclasses.replace(lang, offered=False) if lang.code == "lv" else lang
        for lang in languages_declared()
    )
    monkeypatch.setattr(languages, "languages_declared", lambda *a, **k: held_back)
    html = c.get("/me/").content.decode()
    assert "Latviešu (being translated: in English for now)" in html
    r = c.post("/me/notifications/", {"language": "lv", "submitted": "on"})
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.language == "lv"  # the choice is kept ...
    assert user_language(user) == "en"  # ... and e-mails are in English until Latvian is offered
    monkeypatch.undo()
    assert user_language(user) == "lv"
    mail.outbox.clear()
    User.objects.filter(pk=user.pk).update(language="")


def test_a_broken_status_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "status.yaml").write_text("offered: true\nsource: true\n")
    (tmp_path / "lv").mkdir()
    (tmp_path / "lv" / "status.yaml").write_text("offered: maybe\n")
    with pytest.raises(
        LanguageFileError, match=r"locale/lv/status.yaml: offered must be true or false"
    ):
        languages.languages_read(directory=tmp_path)
    (tmp_path / "lv" / "status.yaml").write_text("offered: false\nreviewer: Anna\n")
    with pytest.raises(LanguageFileError, match=r"lv/status.yaml: unknown field 'reviewer'"):
        languages.languages_read(directory=tmp_path)
    (tmp_path / "xx").mkdir()
    (tmp_path / "lv" / "status.yaml").write_text("offered: false\n")
    (tmp_path / "xx" / "status.yaml").write_text("offered: false\n")
    with pytest.raises(LanguageFileError, match=r"'xx' is not an official language of the EU"):
        languages.languages_read(directory=tmp_path)
