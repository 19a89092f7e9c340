"""axe-core on every page of the site, as every persona, with no CSP violation on the way."""

from __future__ import annotations

from typing import Any

import pytest

from saferspaces.accounts.models import User
from saferspaces.demo.generator import PERSONAS
from site_matrix import NOT_HTML, PERSONA_ORDER, fill_path, matrix_entries

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.slow]

EXTRA_PAGES = ["/no-such-page/"]  # the friendly 404


def _pages_for(persona: str) -> list[str]:
    pages = [
        fill_path(template)
        for name, (method, template, expected) in sorted(matrix_entries().items())
        if method == "get" and expected[persona] == 200 and name not in NOT_HTML
    ]
    return pages + EXTRA_PAGES


@pytest.mark.parametrize(
    ("persona", "language"),
    [*((persona, "en") for persona in PERSONA_ORDER), ("anonymous", "fr"), ("lead", "fr")],
)
def test_every_page_has_no_axe_violation(
    persona: str, language: str, browser: Any, live_server: Any, demo: Any
) -> None:
    from browser.conftest import axe_violations, describe, login_context  # type: ignore[import-not-found]

    user = (
        None
        if persona == "anonymous"
        else User.objects.get(email=next(p.email for p in PERSONAS if p.key == persona))
    )
    context = login_context(browser, live_server, user, language)
    page = context.new_page()
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    failures = []
    visited = 0
    for path in _pages_for(persona):
        page.goto(path)
        visited += 1
        assert page.locator("html").get_attribute("lang") == language, path
        violations = axe_violations(page)
        if violations:
            failures.append(f"{path}:\n{describe(violations)}")
    context.close()
    assert visited >= 8
    assert not failures, "axe-core violations:\n" + "\n\n".join(failures)
    assert not csp_errors, f"Content-Security-Policy violations: {csp_errors}"
