"""The page shell: security headers, health, friendly errors, languages, the demo notice, MFA."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client, override_settings

from saferspaces.demo.generator import DEMO_PASSWORD, PERSONAS

pytestmark = pytest.mark.django_db


def test_strict_content_security_policy_and_no_inline_script(client: Client, demo) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    html = response.content.decode()
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None, "inline <script> found"
    assert " style=" not in html
    assert "/static/vendor/htmx/htmx.min.js" in html


def test_health(client: Client) -> None:
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["database"] == "ok"


def test_friendly_404_in_both_languages(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    response = client.get("/no-such-page/")
    assert "Page introuvable" in response.content.decode()


@override_settings(DEBUG=False)
def test_friendly_500_without_traceback() -> None:
    from django.urls import path

    from saferspaces import urls as root

    def boom(request):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret internals")

    original = list(root.urlpatterns)
    root.urlpatterns.append(path("boom/", boom))
    try:
        from django.urls import clear_url_caches

        clear_url_caches()
        client = Client(raise_request_exception=False)
        response = client.get("/boom/")
    finally:
        root.urlpatterns[:] = original
        clear_url_caches()
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body and "secret internals" not in body


def test_french_interface(client: Client, demo) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/authorities/"})
    assert response.status_code == 302
    page = client.get("/authorities/").content.decode()
    assert '<html lang="fr">' in page
    assert "Collectivités" in page or "Autorités" in page
    assert "Données de démonstration" in page


def test_demo_notice_only_when_demo_is_loaded(client: Client) -> None:
    assert "Demonstration data." not in client.get("/").content.decode()


def test_demo_notice_on_every_page_with_demo_data(client: Client, demo) -> None:  # type: ignore[no-untyped-def]
    for path in ("/", "/authorities/", "/networks/"):
        assert "Demonstration data." in client.get(path).content.decode()


def test_login_with_email_and_password(client: Client, demo) -> None:  # type: ignore[no-untyped-def]
    lead = next(p for p in PERSONAS if p.key == "lead")
    response = client.post("/accounts/login/", {"login": lead.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    profile = client.get("/me/")
    assert profile.status_code == 200 and lead.email in profile.content.decode()
    bad = Client().post("/accounts/login/", {"login": lead.email, "password": "wrong"})
    assert bad.status_code == 200 and "error" in bad.content.decode().lower()


def _totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_optional_totp_mfa_round_trip(demo) -> None:  # type: ignore[no-untyped-def]
    person = next(p for p in PERSONAS if p.key == "respondent")
    client = Client()
    assert (
        client.post(
            "/accounts/login/", {"login": person.email, "password": DEMO_PASSWORD}
        ).status_code
        == 302
    )
    page = client.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302:  # allauth asks for the password again before security changes
        assert "/accounts/reauthenticate/" in page["Location"]
        client.post("/accounts/reauthenticate/", {"password": DEMO_PASSWORD})
        page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": _totp_now(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(
        user__email=person.email, type=Authenticator.Type.TOTP
    ).exists()
    # Next login asks for the code.
    fresh = Client()
    response = fresh.post("/accounts/login/", {"login": person.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "/accounts/2fa/authenticate/" in response["Location"]
    assert fresh.get("/me/").status_code == 302  # not logged in yet
    response = fresh.post("/accounts/2fa/authenticate/", {"code": _totp_now(secret)})
    assert response.status_code == 302
    assert fresh.get("/me/").status_code == 200


def test_password_reset_sends_an_email(client: Client, demo, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    person = next(p for p in PERSONAS if p.key == "lead")
    response = client.post("/accounts/password/reset/", {"email": person.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "/accounts/password/reset/key/" in mailoutbox[0].body


def test_signup_requires_email_verification(client: Client, mailoutbox, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SIGNUP_OPEN = True  # open sign-up (SAFERSPACES_SIGNUP_OPEN=1); off by default
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.person@city.example",
            "password1": "a-long-password-9",
            "password2": "a-long-password-9",
        },
    )
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "confirm-email" in mailoutbox[0].body
    assert client.get("/me/").status_code == 302  # mandatory verification: not logged in yet
