"""Every page of the in-site guide passes axe-core in English and French, fits a 375 px screen,
and raises no Content-Security-Policy violation."""

from __future__ import annotations

from typing import Any

import pytest

from saferspaces.web.views import GUIDE_ROLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_guide_pages_are_accessible_and_fit_a_phone(
    browser: Any, live_server: Any, language: str
) -> None:
    from browser.conftest import axe_violations, describe, login_context  # type: ignore[import-not-found]

    context = login_context(browser, live_server, None, language)
    page = context.new_page()
    page.set_viewport_size({"width": 375, "height": 800})
    csp: list[str] = []
    page.on(
        "console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None
    )
    failures = []
    for path in ["/guide/", *(f"/guide/{role}/" for role in GUIDE_ROLES)]:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert page.locator("html").get_attribute("lang") == language
        violations = axe_violations(page)
        if violations:
            failures.append(f"{path}:\n{describe(violations)}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    context.close()
    assert failures == [] and csp == []
