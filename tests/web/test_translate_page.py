"""The "Help us translate" page: for coordinators and administrators, per language how many
texts are missing and not reviewed, and the files to download (what the completeness tests read).
"""

from __future__ import annotations

import re

import polib
import pytest
import yaml
from django.test import Client

from saferspaces.accounts.models import NetworkCoordinator, User
from saferspaces.authorities.models import Network
from saferspaces.core.framework.translations import edition_texts
from saferspaces.translations import EDITIONS_DIR, language_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator() -> Client:
    user = User.objects.create_user("coordinator@example.org", "a-long-password-123")
    network = Network.objects.create(name="Ports", slug="ports")
    NetworkCoordinator.objects.create(user=user, network=network)
    client = Client()
    client.force_login(user)
    return client


def _row(html: str, code: str) -> str:
    m = re.search(rf'<tr>\s*<th scope="row"><span lang="{code}">.*?</tr>', html, re.S)
    assert m is not None, code
    return m.group(0)


def test_a_coordinator_sees_every_language_but_english_with_its_counts(coordinator: Client) -> None:
    html = coordinator.get("/translate/").content.decode()
    assert "<caption>How far each language is</caption>" in html
    for code in ("fr", "es", "it", "nl", "fi", "lv", "pl", "hr", "cs"):
        _row(html, code)
    assert '<span lang="en">' not in html
    french, latvian = _row(html, "fr"), _row(html, "lv")
    fr, lv = language_report("fr"), language_report("lv")
    assert f"{len(fr.interface.missing)} missing of {fr.interface.total}" in french
    assert "Machine translation, not reviewed by a native speaker yet" in french
    assert f"{fr.interface.unreviewed} not reviewed" in french and fr.interface.unreviewed > 1000
    assert ">Latviešu</span> (lv)" in latvian and "<td>Yes</td>" in latvian  # offered
    assert "Machine translation, not reviewed by a native speaker yet" in latvian
    assert f"{lv.edition_missing} missing of {lv.edition_total}" in latvian
    assert lv.edition_total == len(
        edition_texts(yaml.safe_load((EDITIONS_DIR / "ssf-2026.1.yaml").read_text()))
    )
    assert 'href="/translate/lv/ssf-2026.1.yaml"' in latvian


def test_the_files_to_translate_are_downloaded_as_they_are_now(coordinator: Client) -> None:
    po = coordinator.get("/translate/hr/django.po")
    assert po.status_code == 200
    assert po["Content-Disposition"] == 'attachment; filename="saferspaces-hr-django.po"'
    catalogue = polib.pofile(po.content.decode())
    assert catalogue.metadata["Language"] == "hr" and len(catalogue) > 1000
    texts = coordinator.get("/translate/fi/ssf-2026.1.yaml").content.decode()
    data = yaml.safe_load(texts)
    assert (data["edition"], data["language"]) == ("ssf-2026.1", "fi")
    assert "QOL_P01.question" in data["texts"]
    french = yaml.safe_load(coordinator.get("/translate/fr/ssf-2026.1.yaml").content)
    assert all(french["texts"].values())  # French is inline in the edition: every text there
    assert coordinator.get("/translate/pl/labels.yaml").status_code == 200
    assert coordinator.get("/translate/pl/glossary.yaml").status_code == 200


@pytest.mark.parametrize(
    "address",
    ["/translate/en/django.po", "/translate/xx/django.po", "/translate/de/django.po",
     "/translate/lv/settings.py", "/translate/lv/..%2Fsettings.yaml", "/translate/lv/nope.yaml"],
)  # fmt: skip
def test_no_other_file_is_served(coordinator: Client, address: str) -> None:
    assert coordinator.get(address).status_code == 404


def test_people_who_coordinate_nothing_are_refused() -> None:
    client = Client()
    assert client.get("/translate/").status_code == 302
    client.force_login(User.objects.create_user("someone@example.org", "a-long-password-123"))
    assert client.get("/translate/").status_code == 403
    assert client.get("/translate/lv/django.po").status_code == 403
    admin = Client()
    admin.force_login(User.objects.create_superuser("admin@example.org", "a-long-password-123"))
    assert admin.get("/translate/").status_code == 200
