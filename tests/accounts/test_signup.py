"""Sign-up: closed by default (roles come from invitations), open with SAFERSPACES_SIGNUP_OPEN;
an invited person without an account creates it on the invitation page, for the invited address
only, and joins the team."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from saferspaces.accounts.models import AuthorityMembership, Invitation, Role, User
from saferspaces.accounts.services import invitation_create
from saferspaces.authorities.models import Authority
from saferspaces.demo.generator import PERSONA_AUTHORITY, PERSONAS

pytestmark = pytest.mark.django_db

FORM = {"password1": "a-long-password-9", "password2": "a-long-password-9"}
SIGNUP_LINK = 'href="/accounts/signup/'


def _signup(client: Client, email: str, **extra: str) -> Any:
    return client.post("/accounts/signup/", {"email": email, **FORM, **extra})


def test_sign_up_is_closed_by_default(client: Client, settings: Any) -> None:
    assert settings.SIGNUP_OPEN is False
    login = client.get("/accounts/login/").content.decode()
    assert SIGNUP_LINK not in login
    assert "Accounts are created by invitation" in login
    page = client.get("/accounts/signup/")
    assert "Accounts are created by invitation" in page.content.decode()
    assert 'name="password1"' not in page.content.decode()
    _signup(client, "walk.in@ville.example")
    assert not User.objects.filter(email="walk.in@ville.example").exists()


def test_open_sign_up_is_a_setting(client: Client, settings: Any, mailoutbox: Any) -> None:
    settings.SIGNUP_OPEN = True
    assert SIGNUP_LINK in client.get("/accounts/login/").content.decode()
    assert 'name="password1"' in client.get("/accounts/signup/").content.decode()
    assert _signup(client, "walk.in@ville.example").status_code == 302
    assert User.objects.filter(email="walk.in@ville.example").exists()
    assert len(mailoutbox) == 1  # the address must still be confirmed


def _invite(email: str) -> tuple[Authority, str]:
    authority = Authority.objects.get(name=PERSONA_AUTHORITY)
    lead = User.objects.get(email=next(p.email for p in PERSONAS if p.key == "lead"))
    issued = invitation_create(
        authority=authority, email=email, role=Role.RESPONDENT, invited_by=lead, now=timezone.now()
    )
    return authority, f"/invitations/{issued.token}/"


def test_an_invitation_creates_the_account_while_sign_up_is_closed(demo_module: Any) -> None:
    authority, link = _invite("new.colleague@ville.example")
    client = Client()
    page = client.get(link).content.decode()
    # the invitation page itself creates the account, for the invited address only
    assert 'name="password1"' in page and "new.colleague@ville.example" in page
    assert SIGNUP_LINK not in page
    # opening the link does not open the site's sign-up to anyone
    assert 'name="password1"' not in client.get("/accounts/signup/").content.decode()
    _signup(client, "someone.else@ville.example")
    assert not User.objects.filter(email="someone.else@ville.example").exists()
    response = client.post(link, {"full_name": "New Colleague", **FORM})
    assert response.status_code == 302
    person = User.objects.get(email__iexact="new.colleague@ville.example")
    assert EmailAddress.objects.get(user=person).verified  # the link came to that address
    assert AuthorityMembership.objects.filter(
        user=person, authority=authority, role=Role.RESPONDENT
    ).exists()
    client.logout()
    assert 'name="password1"' not in client.get("/accounts/signup/").content.decode()


def test_a_used_or_expired_invitation_creates_no_account(demo_module: Any) -> None:
    _authority, link = _invite("late@ville.example")
    client = Client()
    Invitation.objects.filter(email="late@ville.example").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    page = client.get(link)
    assert page.status_code == 410 and 'name="password1"' not in page.content.decode()
    client.post(link, {"full_name": "Late", **FORM})
    _signup(client, "late@ville.example")
    assert not User.objects.filter(email="late@ville.example").exists()
