"""Helpers of the browser walk-through of an assessment: the team, pages that record axe-core and
Content-Security-Policy problems as they go, htmx saves, logging in, French strings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assessment_helpers import Team
from browser.conftest import axe_violations, describe, login_context  # type: ignore[import-not-found]

DEMO_PASSWORD = "saferspaces-demo"  # published demo credential (saferspaces.demo.generator)
# The smallest file that passes the content check of a PDF (it starts with "%PDF-").
SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def team_build() -> Team:
    """The demo's people around the persona authority, plus a second respondent (Sam Second)."""
    from saferspaces.accounts.models import Role, User
    from saferspaces.accounts.services import membership_grant
    from saferspaces.authorities.models import Authority, Network
    from saferspaces.demo.generator import MAIN_NETWORK, PERSONA_AUTHORITY, PERSONAS
    from saferspaces.frameworks.models import FrameworkEdition

    users = {p.key: User.objects.get(email=p.email) for p in PERSONAS}
    authority = Authority.objects.get(name=PERSONA_AUTHORITY)
    second = User.objects.create_user(
        "second.respondent@example.org", DEMO_PASSWORD, full_name="Sam Second"
    )
    membership_grant(user=second, authority=authority, role=Role.RESPONDENT)
    return Team(
        lead=users["lead"],
        respondent=users["respondent"],
        respondent2=second,
        coordinator=users["coordinator"],
        outsider=users["outsider"],
        administrator=users["administrator"],
        authority=authority,
        network=Network.objects.get(name=MAIN_NETWORK),
        edition=FrameworkEdition.objects.get(edition_id="ssf-2026.1"),
    )


@dataclass
class Walk:
    """Opens pages in browser contexts and records every axe-core violation, CSP violation and
    JavaScript error met on the way, so a test reports them all at the end."""

    browser: Any
    live_server: Any
    language: str = "en"
    axe_failures: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    checks: int = 0
    contexts: list[Any] = field(default_factory=list)

    def page_as(self, user: Any) -> Any:
        context = login_context(self.browser, self.live_server, user, self.language)
        self.contexts.append(context)
        return self.page_in(context)

    def page_in(self, context: Any) -> Any:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(f"page error: {error}"))
        return page

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or message.type == "error":
            if "Failed to load resource" in message.text:
                return  # 409/422 answers of an htmx save are logged so; they are expected
            self.console_errors.append(message.text)

    def axe(self, page: Any, step: str) -> None:
        """Run axe-core on the page as it is now (after a navigation or an htmx swap)."""
        self.checks += 1
        assert page.locator("html").get_attribute("lang") == self.language, step
        violations = axe_violations(page)
        if violations:
            self.axe_failures.append(f"{step} ({page.url}):\n{describe(violations)}")

    def goto(self, page: Any, path: str, step: str) -> Any:
        response = page.goto(path)
        assert response is not None and response.status == 200, (
            f"{step}: {path} {response.status if response else None}"
        )
        self.axe(page, step)
        return response

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    def assert_clean(self, minimum_checks: int) -> None:
        assert self.checks >= minimum_checks, f"only {self.checks} axe checks ran"
        assert not self.axe_failures, "axe-core violations:\n" + "\n\n".join(self.axe_failures)
        assert not self.console_errors, f"console errors (CSP, JavaScript): {self.console_errors}"


def save_url_part(code: str) -> str:
    return f"/q/{code}/save/"


def is_save(code: str) -> Any:
    part = save_url_part(code)
    return lambda response: part in response.url and response.request.method == "POST"


def type_and_blur(page: Any, code: str, value: str) -> Any:
    """Type a value into a question's answer box and leave it (the htmx autosave fires on change);
    returns the save's response."""
    box = page.locator(f"#q-{code}-value")
    with page.expect_response(is_save(code)) as saved:
        box.fill(value)
        box.press("Tab")
    return saved.value


def wait_saved(page: Any, code: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator(f"#q-{code} p.saved")).to_be_visible()


def section_path(assessment: Any, section: str) -> str:
    return f"/assessments/{assessment.pk}/s/{section}/"


def log_in(page: Any, email: str) -> None:
    """Fill the login form on the page with the demo password and send it."""
    form = page.locator("form:has(input[name=login])")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def french(msgid: str) -> tuple[str, bool]:
    """The French of a UI string from the project's catalogue, and whether it is translated."""
    from django.utils import translation

    with translation.override("fr"):
        text = translation.gettext(msgid)
    return text, text != msgid


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
