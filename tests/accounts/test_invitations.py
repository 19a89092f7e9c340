"""Invitations by e-mail: single use, expiring, only for the invited address, never for members."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from saferspaces.accounts.models import AuthorityMembership, Invitation, Role, User
from saferspaces.accounts.services import invitation_accept, invitation_create
from saferspaces.authorities.models import Authority
from saferspaces.demo.generator import PERSONA_AUTHORITY
from saferspaces.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def authority(demo) -> Authority:  # type: ignore[no-untyped-def]
    return Authority.objects.get(name=PERSONA_AUTHORITY)


def test_invite_and_accept(authority: Authority, personas) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    issued = invitation_create(
        authority=authority,
        email="New.Colleague@ville.example",
        role=Role.RESPONDENT,
        invited_by=personas["lead"],
        now=now,
    )
    assert len(mail.outbox) == 1
    assert issued.url in mail.outbox[0].body
    assert Invitation.objects.get().token_hash != issued.token  # only the hash is stored
    colleague = User.objects.create_user("new.colleague@ville.example", "a-long-password-1")
    membership = invitation_accept(token=issued.token, user=colleague, now=now)
    assert membership.role == Role.RESPONDENT and membership.authority == authority


def test_reused_link_is_refused(authority: Authority, personas) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    issued = invitation_create(
        authority=authority,
        email="a@ville.example",
        role=Role.LEAD,
        invited_by=personas["lead"],
        now=now,
    )
    person = User.objects.create_user("a@ville.example", "a-long-password-1")
    invitation_accept(token=issued.token, user=person, now=now)
    with pytest.raises(DomainError, match="already been used"):
        invitation_accept(token=issued.token, user=person, now=now)


def test_expired_link_is_refused_and_changes_nothing(authority: Authority, personas) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    issued = invitation_create(
        authority=authority,
        email="b@ville.example",
        role=Role.RESPONDENT,
        invited_by=personas["lead"],
        now=now,
    )
    person = User.objects.create_user("b@ville.example", "a-long-password-1")
    with pytest.raises(DomainError, match="expired on"):
        invitation_accept(token=issued.token, user=person, now=now + timedelta(days=15))
    assert not AuthorityMembership.objects.filter(user=person).exists()


def test_invitation_to_an_existing_member(authority: Authority, personas) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        invitation_create(
            authority=authority,
            email=personas["respondent"].email.upper(),
            role=Role.LEAD,
            invited_by=personas["lead"],
            now=timezone.now(),
        )
    assert caught.value.field == "email" and "already a member" in caught.value.message
    assert Invitation.objects.count() == 0 and len(mail.outbox) == 0


def test_second_pending_invitation_and_wrong_account(authority: Authority, personas) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    issued = invitation_create(
        authority=authority,
        email="c@ville.example",
        role=Role.RESPONDENT,
        invited_by=personas["lead"],
        now=now,
    )
    with pytest.raises(DomainError, match="pending invitation"):
        invitation_create(
            authority=authority,
            email="c@ville.example",
            role=Role.LEAD,
            invited_by=personas["lead"],
            now=now,
        )
    with pytest.raises(DomainError, match=r"was sent to c@ville\.example"):
        invitation_accept(token=issued.token, user=personas["outsider"], now=now)
    with pytest.raises(DomainError, match="not valid"):
        invitation_accept(token="forged-token", user=personas["outsider"], now=now)


def test_invitation_pages(authority: Authority, personas, client_as) -> None:  # type: ignore[no-untyped-def]
    lead = client_as("lead")
    response = lead.post(
        f"/authorities/{authority.slug}/invite/", {"email": "d@ville.example", "role": "respondent"}
    )
    assert response.status_code == 302
    token = mail.outbox[0].body.split("/invitations/")[1].split("/")[0]
    # An existing member: a clear message on the form, status 400, nothing sent.
    response = lead.post(
        f"/authorities/{authority.slug}/invite/",
        {"email": personas["respondent"].email, "role": "lead"},
    )
    assert response.status_code == 400 and "already a member" in response.content.decode()
    assert len(mail.outbox) == 1
    # A bad e-mail address is named in the error summary.
    response = lead.post(
        f"/authorities/{authority.slug}/invite/", {"email": "not-an-address", "role": "lead"}
    )
    assert response.status_code == 400 and "error-summary" in response.content.decode()
    # Accepting through the page.
    person = User.objects.create_user("d@ville.example", "a-long-password-1")
    client = client_as("anonymous")
    client.force_login(person)
    assert client.get(f"/invitations/{token}/").status_code == 200
    assert client.post(f"/invitations/{token}/").status_code == 302
    response = client.get(f"/invitations/{token}/")
    assert response.status_code == 410 and "already been used" in response.content.decode()
