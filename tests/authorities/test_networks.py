"""Networks run in the browser: administrators create and edit them; coordinators add and
remove authorities, and an authority that joins while a round is open gets its assessment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from onboarding_helpers import World, round_open_for, world_build
from saferspaces.accounts.models import Invitation
from saferspaces.assessments.models import Answer, Assessment
from saferspaces.authorities.models import Authority, AuthorityKind, Network
from saferspaces.authorities.services import (
    authority_create,
    network_authority_add,
    network_authority_remove,
    network_create,
    network_update,
)
from saferspaces.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return world_build()


def _city(name: str, nuts: str = "FR101", **extra: object) -> Authority:
    return authority_create(
        name=name, country_code=nuts[:2], kind=AuthorityKind.CITY, nuts_code=nuts, **extra
    )  # type: ignore[arg-type]


def test_only_administrators_create_and_edit_networks(world: World) -> None:
    now = timezone.now()
    network = network_create(name="  New   network ", by=world.administrator, now=now)
    assert network.name == "New network" and network.created_by == world.administrator
    assert network.created_at == now
    with pytest.raises(DomainError, match="Only administrators"):
        network_create(name="Mine", by=world.coordinator, now=now)
    with pytest.raises(DomainError, match="already exists") as caught:
        network_create(name="new NETWORK", by=world.administrator, now=now)
    assert caught.value.field == "name"
    later = now + dt.timedelta(hours=1)
    network_update(
        network=network, name="Renamed", description="Who", by=world.administrator, now=later
    )
    network.refresh_from_db()
    assert (network.name, network.description, network.updated_by) == (
        "Renamed",
        "Who",
        world.administrator,
    )
    assert network.slug == "new-network"  # the address does not change
    with pytest.raises(DomainError, match="Only administrators"):
        network_update(network=network, name="X", description="", by=world.coordinator, now=later)


def test_network_slugs_are_unique_and_never_a_page_name(world: World) -> None:
    now = timezone.now()
    first = network_create(name="A-B", by=world.administrator, now=now)
    second = network_create(name="A B!", by=world.administrator, now=now)
    assert first.slug == "a-b" and second.slug == "a-b-2"
    assert network_create(name="New", by=world.administrator, now=now).slug == "new-2"


def test_an_authority_joining_during_an_open_round_gets_its_assessment(world: World) -> None:
    today = timezone.localdate()
    founder = _city("Paris test", networks=[world.network])
    round_ = round_open_for(world, [founder], today=today)
    # A past round (deadline over) and a closed one: nobody joins them any more.
    past = round_open_for(world, [founder], today=today)
    past.deadline = today - dt.timedelta(days=1)
    past.save()
    late = _city("Boulogne test", "FR105")
    now = timezone.now()
    join = network_authority_add(
        network=world.network,
        authority=late,
        by=world.coordinator,
        now=now,
        lead_email="Lead@Boulogne.example",
    )
    assessment = Assessment.objects.get(authority=late)
    assert join.assessments == [assessment] and assessment.round == round_
    assert assessment.edition == round_.edition and assessment.created_by == world.coordinator
    assert join.invitation is not None and join.invitation.invitation.role == "lead"
    assert mail.outbox[-1].to == ["lead@boulogne.example"]
    assert world.network.authorities.filter(pk=late.pk).exists()
    # Adding it twice is refused, and changes nothing.
    with pytest.raises(DomainError, match="already in"):
        network_authority_add(network=world.network, authority=late, by=world.coordinator, now=now)
    assert Assessment.objects.filter(authority=late).count() == 1


def test_a_bad_lead_address_changes_nothing(world: World) -> None:
    late = _city("Athens test", "EL303")
    with pytest.raises(DomainError) as caught:
        network_authority_add(
            network=world.network,
            authority=late,
            by=world.coordinator,
            now=timezone.now(),
            lead_email="not an address",
        )
    assert caught.value.field == "email"
    assert not world.network.authorities.exists() and not Invitation.objects.exists()


def test_only_the_networks_coordinators_change_its_members(world: World) -> None:
    city = _city("Brussels test", "BE100")
    for person in (world.other_coordinator, world.outsider):
        with pytest.raises(DomainError, match="coordinators"):
            network_authority_add(
                network=world.network, authority=city, by=person, now=timezone.now()
            )
    network_authority_add(
        network=world.network, authority=city, by=world.administrator, now=timezone.now()
    )
    with pytest.raises(DomainError, match="coordinators"):
        network_authority_remove(
            network=world.network, authority=city, by=world.other_coordinator, now=timezone.now()
        )


def test_leaving_removes_an_empty_assessment_but_never_answers(world: World) -> None:
    today = timezone.localdate()
    empty = _city("Empty test", networks=[world.network])
    started = _city("Started test", "FR105", networks=[world.network])
    round_ = round_open_for(world, [empty, started], today=today)
    now = timezone.now()
    assert (
        network_authority_remove(
            network=world.network, authority=empty, by=world.coordinator, now=now
        )
        == 1
    )
    assert not Assessment.objects.filter(authority=empty).exists()
    assert not world.network.authorities.filter(pk=empty.pk).exists()

    assessment = round_.assessments.get(authority=started)
    Answer.objects.create(
        assessment=assessment, code="QOL_P01", status="answered", value=50, updated_at=now
    )
    with pytest.raises(DomainError, match="answers are kept"):
        network_authority_remove(
            network=world.network, authority=started, by=world.coordinator, now=now
        )
    assert world.network.authorities.filter(pk=started.pk).exists()
    assert Answer.objects.filter(assessment=assessment).exists()
    with pytest.raises(DomainError, match="is not in"):
        network_authority_remove(
            network=world.network, authority=empty, by=world.coordinator, now=now
        )


def test_network_pages_for_administrators_and_coordinators(world: World, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.administrator)
    response = client.post("/networks/new/", {"name": "Efus season 2026", "description": "Pilot"})
    network = Network.objects.get(name="Efus season 2026")
    assert response.status_code == 302 and response["Location"] == f"/networks/{network.slug}/"
    response = client.post("/networks/new/", {"name": "efus SEASON 2026"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "error-summary" in page and 'href="#id_name"' in page and "already exists" in page
    response = client.post(f"/networks/{network.slug}/edit/", {"name": "", "description": ""})
    assert response.status_code == 400 and Network.objects.get(pk=network.pk).name
    # A coordinator adds a registered authority with its lead, then removes it.
    city = _city("Paris pages")
    client.force_login(world.coordinator)
    assert client.get(f"/networks/{network.slug}/edit/").status_code == 403
    page = client.get(f"/networks/{world.network.slug}/authorities/add/").content.decode()
    assert "Paris pages (FR, FR101)" in page
    response = client.post(
        f"/networks/{world.network.slug}/authorities/add/",
        {"authority": city.pk, "lead_email": "lead@paris.example"},
    )
    assert response.status_code == 302
    assert world.network.authorities.filter(pk=city.pk).exists()
    response = client.post(
        f"/networks/{world.network.slug}/authorities/add/", {"authority": "999999"}
    )
    assert response.status_code == 400 and "error-summary" in response.content.decode()
    response = client.post(f"/networks/{world.network.slug}/authorities/{city.slug}/remove/")
    assert response.status_code == 302 and not world.network.authorities.exists()
    # The other network's coordinator cannot touch it.
    client.force_login(world.other_coordinator)
    response = client.post(
        f"/networks/{world.network.slug}/authorities/add/", {"authority": city.pk}
    )
    assert response.status_code == 403 and not world.network.authorities.exists()
