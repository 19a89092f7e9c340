"""The error pages render while the database is down: the site's own page, never the WSGI
server's bare "Internal Server Error" text. And a refused query parameter or an oversized form
says what was wrong."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import OperationalError, connection
from django.test import Client, RequestFactory, override_settings
from django.urls import clear_url_caches, path

from saferspaces import urls as root
from saferspaces.accounts.models import User
from saferspaces.web.views import error_500

pytestmark = pytest.mark.django_db


def _boom(request: Any) -> Any:
    raise RuntimeError("secret internals")


def _forbidden(request: Any) -> Any:
    raise PermissionDenied


def _bad(request: Any) -> Any:
    raise BadRequest("not ours to show")


@pytest.fixture
def broken_routes() -> Iterator[None]:
    """Three routes whose views fail without asking the database anything."""
    original = list(root.urlpatterns)
    root.urlpatterns += [
        path("test-boom/", _boom),
        path("test-forbidden/", _forbidden),
        path("test-bad/", _bad),
    ]
    clear_url_caches()
    yield
    root.urlpatterns[:] = original
    clear_url_caches()


@contextmanager
def database_down() -> Iterator[None]:
    """Every query fails as when PostgreSQL is unreachable: the connection cannot be made."""

    def refuse() -> None:
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection, "ensure_connection", refuse)
        yield


def _signed_in() -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.create_user("someone@example.org", "x", full_name="Some One"))
    return client


def _site_page(response: Any) -> str:
    html = response.content.decode()
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    assert 'href="/static/saferspaces/site.css"' in html and 'class="site-header"' in html
    assert "Log out" not in html and "Log in" not in html  # nothing about the person
    return html


@override_settings(DEBUG=False)
def test_the_500_page_renders_with_the_database_down(broken_routes) -> None:  # type: ignore[no-untyped-def]
    client = _signed_in()
    with database_down():
        response = client.get("/test-boom/")
    assert response.status_code == 500
    html = _site_page(response)
    assert "Something went wrong on our side" in html and "secret internals" not in html
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


@override_settings(DEBUG=False)
@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        ("/no-such-page/", 404, "Page not found"),
        ("/test-forbidden/", 403, "You do not have access to this page"),
        ("/test-bad/", 400, "The request could not be understood"),
    ],
)
def test_4xx_pages_render_with_the_database_down(  # type: ignore[no-untyped-def]
    broken_routes, url, status, text
) -> None:
    client = _signed_in()
    with database_down():
        response = client.get(url)
    assert response.status_code == status
    html = _site_page(response)
    assert text in html and "not ours to show" not in html


def test_the_4xx_pages_show_the_persons_navigation_when_the_database_answers(broken_routes) -> None:  # type: ignore[no-untyped-def]
    html = _signed_in().get("/no-such-page/").content.decode()
    assert "Page not found" in html and "Log out" in html and "My account" in html


def test_the_500_handler_asks_the_database_nothing(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/somewhere/")
    request.user = User(pk=1)  # a signed-in person: the page must not look them up
    with django_assert_num_queries(0):
        response = error_500(request)
    assert response.status_code == 500 and b"Something went wrong" in response.content


def test_a_csrf_failure_is_the_sites_page() -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    with database_down():
        response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 403
    html = _site_page(response)
    assert "The form could not be sent" in html and "Nothing was changed" in html


def test_a_form_body_over_the_limit_is_a_400_that_says_so(broken_routes) -> None:  # type: ignore[no-untyped-def]
    response = _signed_in().post("/accounts/email/", {"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 400
    assert "The form sent more than 1 MB of text" in response.content.decode()
