"""Every URL of the site x every persona: who gets what, and who sees private data.

Adding a URL without adding it here fails ``test_every_url_is_in_the_matrix``. The routes that
name an object are requested again on other authorities', networks' and rounds' objects
(``matrix_objects.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from matrix_objects import object_matrix, object_path, objects_build
from saferspaces.accounts.models import User
from saferspaces.authorities.models import Authority, Network
from saferspaces.demo.generator import MAIN_NETWORK, PERSONA_AUTHORITY, PERSONAS, SECOND_NETWORK
from site_matrix import EXTRA_MATRIX, MATRIX, PERSONA_ORDER, fill_path

OBJECT_MATRIX = object_matrix()


def _route_names() -> set[str]:
    def walk(patterns: list[Any], namespace: str | None) -> set[str]:
        names: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                names |= walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
        return names

    return walk(get_resolver().url_patterns, None)


def test_every_url_is_in_the_matrix() -> None:
    missing = _route_names() - set(MATRIX) - set(EXTRA_MATRIX)
    assert not missing, f"add these routes to the permission matrix: {sorted(missing)}"


def test_every_entry_names_every_persona() -> None:
    for name, (_method, _template, expected) in {**MATRIX, **EXTRA_MATRIX, **OBJECT_MATRIX}.items():
        assert tuple(expected) == PERSONA_ORDER or set(expected) == set(PERSONA_ORDER), name


def _client(key: str) -> Client:
    client = Client()
    if key != "anonymous":
        email = next(p.email for p in PERSONAS if p.key == key)
        client.force_login(User.objects.get(email=email))
    return client


def _statuses(name: str, method: str, path: str) -> dict[str, int]:
    got = {}
    for key in PERSONA_ORDER:
        response = getattr(_client(key), method)(
            path, {"language": "fr", "next": "/"} if name == "set_language" else {}
        )
        got[key] = response.status_code
    return got


def _differences(got: dict[str, int], expected: dict[str, int]) -> dict[str, str]:
    return {
        k: f"got {got[k]}, expected {expected[k]}" for k in PERSONA_ORDER if got[k] != expected[k]
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted({**MATRIX, **EXTRA_MATRIX}))
def test_status_per_persona(name: str, demo_module) -> None:  # type: ignore[no-untyped-def]
    method, template, expected = {**MATRIX, **EXTRA_MATRIX}[name]
    got = _statuses(name, method, fill_path(template))
    assert not _differences(got, expected), _differences(got, expected)


@pytest.fixture(scope="module")
def other_objects(demo_module, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """Other authorities', networks' and rounds' objects, built once for the module (files in a
    temporary folder); removed afterwards with the demo's rounds and assessments."""
    from django.test import override_settings
    from django.utils import timezone

    from saferspaces.reports.models import ReportJob

    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    media.enable()
    try:
        with django_db_blocker.unblock():
            before = set(ReportJob.objects.values_list("pk", flat=True))
            values = objects_build(now=timezone.now())
        yield values
        with django_db_blocker.unblock():
            ReportJob.objects.exclude(pk__in=before).delete()
    finally:
        media.disable()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(OBJECT_MATRIX))
def test_status_per_persona_on_other_objects(name: str, other_objects) -> None:  # type: ignore[no-untyped-def]
    method, template, expected = OBJECT_MATRIX[name]
    got = _statuses(name, method, object_path(template, other_objects))
    assert not _differences(got, expected), _differences(got, expected)


PRIVATE_AUTHORITY = {
    "anonymous": False,
    "outsider": False,
    "respondent": True,
    "lead": True,
    "coordinator": True,
    "administrator": True,
}


@pytest.mark.django_db
def test_only_an_authoritys_people_and_coordinators_see_its_team(demo_module) -> None:  # type: ignore[no-untyped-def]
    authority = Authority.objects.get(name=PERSONA_AUTHORITY)
    respondent_email = next(p.email for p in PERSONAS if p.key == "respondent")
    for key, may_see in PRIVATE_AUTHORITY.items():
        page = _client(key).get(f"/authorities/{authority.slug}/").content.decode()
        assert ('id="team"' in page) is may_see, key
        assert ("Rémi Respondent" in page) is may_see, key
        assert respondent_email not in page or may_see
        assert ('id="invite"' in page) is (key in ("lead", "administrator")), key


@pytest.mark.django_db
def test_coordinator_sees_only_the_networks_they_coordinate(demo_module) -> None:  # type: ignore[no-untyped-def]
    ports_only = (
        Authority.objects.filter(networks__name=SECOND_NETWORK)
        .exclude(networks__name=MAIN_NETWORK)
        .first()
    )
    assert ports_only is not None
    coordinator = _client("coordinator")
    assert 'id="team"' not in coordinator.get(f"/authorities/{ports_only.slug}/").content.decode()
    ports = Network.objects.get(name=SECOND_NETWORK)
    assert "Pia Ports" not in coordinator.get(f"/networks/{ports.slug}/").content.decode()
    main = Network.objects.get(name=MAIN_NETWORK)
    assert "Colette Coordinator" in coordinator.get(f"/networks/{main.slug}/").content.decode()
    assert (
        "Colette Coordinator" not in _client("lead").get(f"/networks/{main.slug}/").content.decode()
    )


# Who reads which assessment, in lists, dashboards and reports (the statuses above cannot show
# what a page that everyone may open lists): key of ``objects_build`` -> personas who read it.
READERS = {
    "assessment": {"respondent", "lead", "coordinator", "administrator"},
    "a_previous": {"respondent", "lead", "coordinator", "administrator"},
    "a_ports": {"respondent", "lead", "ports_coordinator", "administrator"},
    "a_private": {"respondent", "lead", "administrator"},
}


def _links(html: str, values: dict[str, Any]) -> set[str]:
    return {key for key in READERS if f"/assessments/{values[key]}/" in html}


@pytest.mark.django_db
def test_the_reading_rule_says_the_same_for_one_assessment_and_for_lists(other_objects) -> None:  # type: ignore[no-untyped-def]
    """``can_view_assessment`` (one assessment, from the person's role read once per request)
    and ``assessments_readable`` (the rule as a query, for lists) agree for every persona, also
    for a deactivated account."""
    from django.contrib.auth.models import AnonymousUser

    from saferspaces.assessments.models import Assessment
    from saferspaces.assessments.permissions import assessments_readable, can_view_assessment

    users: dict[str, Any] = {"anonymous": AnonymousUser()}
    for key in PERSONA_ORDER[1:]:
        users[key] = User.objects.get(email=next(p.email for p in PERSONAS if p.key == key))
    inactive = User.objects.get(email=next(p.email for p in PERSONAS if p.key == "respondent"))
    inactive.is_active = False  # not saved: the rule reads the person it is given
    users["inactive respondent"] = inactive
    ids = [other_objects[k] for k in READERS]
    assessments = list(Assessment.objects.filter(pk__in=ids).select_related("authority", "round"))
    assert len(assessments) == len(READERS)
    for key, user in users.items():
        listed = set(assessments_readable(user).filter(pk__in=ids).values_list("pk", flat=True))
        one_by_one = {a.pk for a in assessments if can_view_assessment(user, a)}
        assert one_by_one == listed, key
        expected = {other_objects[k] for k, who in READERS.items() if key in who}
        assert listed == expected, key


@pytest.mark.django_db
def test_lists_show_only_the_assessments_a_person_may_read(other_objects) -> None:  # type: ignore[no-untyped-def]
    authority = Authority.objects.get(name=PERSONA_AUTHORITY)
    for key in PERSONA_ORDER[1:]:
        client = _client(key)
        mine = {k for k, who in READERS.items() if key in who}
        listed = client.get("/assessments/").content.decode()
        assert _links(listed, other_objects) == mine, key
        page = client.get(f"/authorities/{authority.slug}/").content.decode()
        assert _links(page, other_objects) == mine, key


@pytest.mark.django_db
def test_the_dashboard_shows_only_the_assessments_a_person_may_read(other_objects) -> None:  # type: ignore[no-untyped-def]
    authority = Authority.objects.get(name=PERSONA_AUTHORITY)
    for key in ("respondent", "coordinator", "ports_coordinator", "administrator"):
        client = _client(key)
        mine = {k for k, who in READERS.items() if key in who}
        html = client.get(f"/authorities/{authority.slug}/dashboard/").content.decode()
        offered = {k for k in READERS if f'<option value="{other_objects[k]}"' in html}
        assert offered == mine or (len(mine) == 1 and not offered), key
        for k in set(READERS) - mine:  # asking for another one shows the latest readable one
            url = f"/authorities/{authority.slug}/dashboard/?assessment={other_objects[k]}"
            html = client.get(url).content.decode()
            assert f"/assessments/{other_objects[k]}/" not in html, (key, k)


@pytest.mark.django_db
def test_a_report_shows_the_progress_its_readers_may_all_read(other_objects) -> None:  # type: ignore[no-untyped-def]
    from saferspaces.assessments.models import Assessment
    from saferspaces.assessments.permissions import assessments_shown_with
    from saferspaces.reports.authority import authority_report

    def shown(key: str) -> set[int]:
        assessment = Assessment.objects.get(pk=other_objects[key])
        context = authority_report(assessment=assessment, language="en")
        return {c["assessment"].pk for c in context["columns"]}

    main = {other_objects["a_previous"], other_objects["assessment"]}
    assert shown("assessment") == main
    assert shown("a_ports") == {other_objects["a_ports"]}
    # only the authority's people and administrators read a private one: it may show them all
    private = Assessment.objects.get(pk=other_objects["a_private"])
    every = {other_objects[k] for k in READERS}
    assert set(assessments_shown_with(private).values_list("pk", flat=True)) >= every
