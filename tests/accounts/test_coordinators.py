"""Coordinators granted in the browser, coordinator invitations for people without an account,
accepting by creating the account, and invitations listed, sent again and withdrawn."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from onboarding_helpers import PASSWORD, World, world_build
from saferspaces.accounts.models import Invitation, NetworkCoordinator, Role, User
from saferspaces.accounts.services import (
    coordinator_add,
    coordinator_revoke,
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
)
from saferspaces.authorities.models import AuthorityKind
from saferspaces.authorities.services import authority_create
from saferspaces.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return world_build()


def _token(message: mail.EmailMessage) -> str:
    return message.body.split("/invitations/")[1].split("/")[0]


def test_granting_a_coordinator_with_or_without_an_account(world: World) -> None:
    now = timezone.now()
    added = coordinator_add(
        network=world.network, email="OUTSIDER@example.eu", by=world.administrator, now=now
    )
    assert added.coordination is not None and added.invitation is None
    assert added.coordination.granted_by == world.administrator and not mail.outbox
    with pytest.raises(DomainError, match="already coordinates"):
        coordinator_add(
            network=world.network, email="outsider@example.eu", by=world.administrator, now=now
        )
    invited = coordinator_add(
        network=world.network, email="new.person@efus.example", by=world.administrator, now=now
    )
    assert invited.invitation is not None and invited.coordination is None
    assert invited.invitation.invitation.role == "coordinator"
    assert "coordinate the network Efus pilot group" in mail.outbox[0].body
    assert invited.invitation.url in mail.outbox[0].body
    with pytest.raises(DomainError, match="pending invitation"):
        coordinator_add(
            network=world.network, email="new.person@efus.example", by=world.administrator, now=now
        )
    with pytest.raises(DomainError, match="Only administrators"):
        coordinator_add(network=world.network, email="x@y.example", by=world.coordinator, now=now)
    with pytest.raises(DomainError) as caught:
        coordinator_add(network=world.network, email="x@", by=world.administrator, now=now)
    assert caught.value.field == "email"
    # The invited person accepts once they have an account with that address.
    person = User.objects.create_user("new.person@efus.example", PASSWORD)
    granted = invitation_accept(token=invited.invitation.token, user=person, now=now)
    assert isinstance(granted, NetworkCoordinator) and granted.network == world.network
    coordinator_revoke(network=world.network, user=person, by=world.administrator)
    assert not NetworkCoordinator.objects.filter(user=person).exists()
    with pytest.raises(DomainError, match="does not coordinate"):
        coordinator_revoke(network=world.network, user=person, by=world.administrator)


def test_resending_replaces_the_link_and_revoking_stops_it(world: World) -> None:
    now = timezone.now()
    city = authority_create(
        name="Ixelles test", country_code="BE", kind=AuthorityKind.MUNICIPALITY, nuts_code="BE100"
    )
    issued = invitation_create(
        authority=city,
        email="lead@ixelles.example",
        role=Role.LEAD,
        invited_by=world.coordinator,
        now=now,
    )
    later = now + dt.timedelta(days=20)  # expired by then (14 days)
    again = invitation_resend(invitation=issued.invitation, by=world.administrator, now=later)
    invitation = Invitation.objects.get()
    assert invitation.send_count == 2 and invitation.sent_at == later
    assert invitation.expires_at == later + dt.timedelta(days=14)
    assert (
        len(mail.outbox) == 2 and again.url in mail.outbox[1].body and again.token != issued.token
    )
    person = User.objects.create_user("lead@ixelles.example", PASSWORD)
    with pytest.raises(DomainError, match="not valid"):
        invitation_accept(token=issued.token, user=person, now=later)  # the old link is dead
    invitation_revoke(invitation=invitation, by=world.coordinator, now=later)
    invitation.refresh_from_db()
    assert invitation.revoked_by == world.coordinator
    with pytest.raises(DomainError, match="withdrawn"):
        invitation_accept(token=again.token, user=person, now=later)
    with pytest.raises(DomainError, match="withdrawn"):
        invitation_resend(invitation=invitation, by=world.coordinator, now=later)
    with pytest.raises(DomainError, match="withdrawn already"):
        invitation_revoke(invitation=invitation, by=world.coordinator, now=later)


def test_an_invited_person_creates_the_account_on_the_invitation_page(world: World, client) -> None:  # type: ignore[no-untyped-def]
    added = coordinator_add(
        network=world.network,
        email="cora.new@efus.example",
        by=world.administrator,
        now=timezone.now(),
    )
    assert added.invitation is not None
    path = f"/invitations/{added.invitation.token}/"
    page = client.get(path).content.decode()
    assert "Create your account and accept" in page and "cora.new@efus.example" in page
    response = client.post(
        path, {"full_name": "Cora New", "password1": "short", "password2": "short"}
    )
    assert response.status_code == 400 and 'href="#id_password1"' in response.content.decode()
    response = client.post(
        path, {"full_name": "Cora New", "password1": PASSWORD, "password2": PASSWORD + "x"}
    )
    assert response.status_code == 400 and "differ" in response.content.decode()
    assert not User.objects.filter(email="cora.new@efus.example").exists()
    response = client.post(
        path, {"full_name": "Cora New", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert (
        response.status_code == 302 and response["Location"] == f"/networks/{world.network.slug}/"
    )
    user = User.objects.get(email="cora.new@efus.example")
    assert user.full_name == "Cora New" and user.check_password(PASSWORD)
    assert EmailAddress.objects.get(user=user).verified  # the link proved the address
    assert NetworkCoordinator.objects.filter(user=user, network=world.network).exists()
    assert client.get("/me/").status_code == 200  # logged in
    response = client.get(path)
    assert response.status_code == 410 and "already been used" in response.content.decode()


def test_an_existing_account_is_asked_to_log_in(world: World, client) -> None:  # type: ignore[no-untyped-def]
    city = authority_create(
        name="Athens pages", country_code="EL", kind=AuthorityKind.CITY, nuts_code="EL303"
    )
    issued = invitation_create(
        authority=city,
        email="outsider@example.eu",
        role=Role.LEAD,
        invited_by=world.administrator,
        now=timezone.now(),
    )
    page = client.get(f"/invitations/{issued.token}/").content.decode()
    assert "Log in with outsider@example.eu to accept" in page and "password1" not in page
    response = client.post(
        f"/invitations/{issued.token}/",
        {"full_name": "X", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 400 and "exists already" in response.content.decode()


def test_invitation_pages_list_resend_and_withdraw(world: World, client) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    city = authority_create(
        name="Paris invitations",
        country_code="FR",
        kind=AuthorityKind.CITY,
        nuts_code="FR101",
        networks=[world.network],
    )
    issued = invitation_create(
        authority=city,
        email="lead@paris.example",
        role=Role.LEAD,
        invited_by=world.coordinator,
        now=now,
    )
    coordinator_add(
        network=world.network, email="future@efus.example", by=world.administrator, now=now
    )
    path = f"/networks/{world.network.slug}/invitations/"
    client.force_login(world.coordinator)
    page = client.get(path).content.decode()
    assert "lead@paris.example" in page and "future@efus.example" not in page  # admins' business
    response = client.post(f"/invitations/{issued.invitation.pk}/resend/", {"next": path})
    assert response.status_code == 302 and response["Location"] == path
    assert Invitation.objects.get(pk=issued.invitation.pk).send_count == 2
    coordinator_invitation = Invitation.objects.get(email="future@efus.example")
    assert client.post(f"/invitations/{coordinator_invitation.pk}/revoke/").status_code == 403
    client.force_login(world.administrator)
    page = client.get(path).content.decode()
    assert "future@efus.example" in page and "sent 2 times" in page
    response = client.post(
        f"/invitations/{coordinator_invitation.pk}/revoke/", {"next": "https://evil.example/"}
    )
    assert (
        response.status_code == 302 and response["Location"] == f"/networks/{world.network.slug}/"
    )
    assert Invitation.objects.get(pk=coordinator_invitation.pk).revoked_at is not None
    client.force_login(world.other_coordinator)
    assert client.get(path).status_code == 403
    assert client.post(f"/invitations/{issued.invitation.pk}/revoke/").status_code == 403
