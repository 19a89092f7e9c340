"""Digits that are not ASCII and NUL bytes in query parameters and paths: a 400 page that names
the parameter, or a 404, never a 500 (PostgreSQL refuses NUL in a query's text)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from saferspaces.accounts.models import User
from saferspaces.authorities.models import Authority
from saferspaces.demo.generator import PERSONA_AUTHORITY, PERSONAS

pytestmark = pytest.mark.django_db


def _client(key: str) -> Client:
    client = Client(raise_request_exception=False)
    email = next(p.email for p in PERSONAS if p.key == key)
    client.force_login(User.objects.get(email=email))
    return client


@pytest.mark.parametrize("value", ["²", "²⁰²⁴", "٣", "１", "4.0", "9" * 1000, "\x00", "-"])
def test_a_query_parameter_that_is_not_a_whole_number_is_a_400_naming_it(  # type: ignore[no-untyped-def]
    demo_module, value
) -> None:
    slug = Authority.objects.get(name=PERSONA_AUTHORITY).slug
    response = _client("lead").get(f"/authorities/{slug}/dashboard/", {"assessment": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The address parameter “assessment” must be a whole number" in html
    assert "Nothing was changed" in html


def test_a_whole_number_still_chooses_the_assessment(demo_module) -> None:  # type: ignore[no-untyped-def]
    slug = Authority.objects.get(name=PERSONA_AUTHORITY).slug
    client = _client("lead")
    page = client.get(f"/authorities/{slug}/dashboard/").content.decode()
    options = re.findall(r'<option value="(\d+)"(?! selected)', page)
    assert options, "the demo authority has a single scored assessment"
    chosen = client.get(f"/authorities/{slug}/dashboard/", {"assessment": f" {options[0]} "})
    assert chosen.status_code == 200
    assert f'<option value="{options[0]}" selected' in chosen.content.decode()
    unknown = client.get(f"/authorities/{slug}/dashboard/", {"assessment": "9" * 18})
    assert unknown.status_code == 200  # no such assessment: the latest one is shown
    assert client.get(f"/authorities/{slug}/dashboard/?assessment=").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/frameworks/%00/",
        "/frameworks/ssf%00/xlsform/",
        "/frameworks/%00/source/",
        "/frameworks/%00/feedback/",
        "/frameworks/SSF-2026.1/",
    ],
)
def test_an_edition_id_outside_the_format_is_a_404(demo_module, path) -> None:  # type: ignore[no-untyped-def]
    assert _client("coordinator").get(path).status_code == 404
