"""Charts in a real browser: drawn under the strict CSP, downloadable, keyboard reachable, axe-clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE = "/chart-test/"


@pytest.fixture
def chart_page(browser: Any, live_server: Any, settings: Any) -> Any:
    from browser.conftest import login_context  # type: ignore[import-not-found]

    settings.ROOT_URLCONF = "browser.chart_urls"
    context = login_context(browser, live_server, None)
    page = context.new_page()
    page.problems = []  # console errors and CSP violations seen on the way
    page.on(
        "console",
        lambda message: (
            page.problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    page.expose_function("reportViolation", lambda text: page.problems.append(f"CSP: {text}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (event) =>"
        " window.reportViolation(event.violatedDirective + ' ' + event.blockedURI));"
    )
    page.goto(PAGE)
    page.wait_for_selector("figure#scores.chart-drawn svg .mark-rect path", timeout=15000)
    page.wait_for_selector("figure#where.chart-drawn svg .mark-shape path", timeout=15000)
    yield page
    context.close()


def test_charts_are_drawn_without_csp_violation_or_console_error(chart_page: Any) -> None:
    page = chart_page
    # Three bars: the missing score is left out, not drawn as zero.
    assert page.locator("figure#scores svg .mark-rect path").count() == 3
    # The country outlines came from the vendored world-atlas file, and four of five points have
    # coordinates.
    assert page.locator("figure#where svg .mark-shape path").count() > 100
    assert page.locator("figure#where svg .mark-symbol.role-mark path").count() == 4
    assert (
        page.evaluate("getComputedStyle(document.querySelector('#scores .chart-button')).display")
        != "none"
    )
    page.wait_for_timeout(200)
    assert not page.problems, "\n".join(page.problems)


def test_download_buttons_give_svg_and_png(chart_page: Any) -> None:
    page = chart_page
    for fmt, magic in (("svg", b"<svg"), ("png", b"\x89PNG")):
        button = page.locator(f"figure#scores button[data-chart-download='{fmt}']")
        assert button.is_visible()
        with page.expect_download() as info:
            button.click()
        download = info.value
        assert download.suggested_filename == f"scores.{fmt}"
        content = Path(download.path()).read_bytes()
        assert magic in content[:200], content[:200]
    with page.expect_download() as info:
        page.locator("figure#where button[data-chart-download='svg']").click()
    assert b"<path" in Path(info.value.path()).read_bytes()
    assert not page.problems, "\n".join(page.problems)


def test_csv_link_downloads_the_data(chart_page: Any) -> None:
    page = chart_page
    with page.expect_download() as info:
        page.locator("figure#scores a[href$='format=csv']").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "Dimension,Score,Coverage (%)"
    assert "Response,,20" in text


def test_the_chart_is_reachable_with_tab(chart_page: Any) -> None:
    page = chart_page
    names = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const el = document.activeElement;"
            " return el && el.classList.contains('chart-view') ? el.closest('figure').id : null; }"
        )
        if focused:
            names.append(focused)
        if len(names) == 2:
            break
    assert names == ["scores", "where"]
    label = page.locator("#where-view").get_attribute("aria-labelledby")
    assert page.locator(f"#{label}").inner_text() == "Participating authorities"


def test_axe_finds_no_violation(chart_page: Any) -> None:
    from browser.conftest import axe_violations, describe  # type: ignore[import-not-found]

    violations = axe_violations(chart_page)
    assert not violations, describe(violations)


def test_charts_swapped_in_by_htmx_are_drawn_once(chart_page: Any) -> None:
    page = chart_page
    page.evaluate(
        """() => {
          const figure = document.querySelector('figure#scores');
          const copy = figure.cloneNode(true);
          copy.id = 'scores-again';
          delete copy.dataset.chartRendered;
          copy.classList.remove('chart-drawn');
          copy.querySelector('.chart-view').replaceChildren();
          copy.querySelector('.chart-view').hidden = true;
          copy.querySelectorAll('button').forEach((b) => { b.hidden = true; });
          document.getElementById('swapped').append(copy);
          document.body.dispatchEvent(new CustomEvent('htmx:afterSettle', {bubbles: true}));
          document.body.dispatchEvent(new CustomEvent('htmx:afterSettle', {bubbles: true}));
        }"""
    )
    page.wait_for_selector("figure#scores-again.chart-drawn svg .mark-rect path", timeout=15000)
    assert page.locator("figure#scores-again svg.marks").count() == 1
    assert page.locator("figure#scores svg.marks").count() == 1


def test_tooltips_show_without_injected_styles(chart_page: Any) -> None:
    page = chart_page
    page.locator("figure#where svg .mark-symbol.role-mark path").first.hover(force=True)
    tooltip = page.locator("#vg-tooltip-element.visible")
    tooltip.wait_for(timeout=5000)
    assert "Authority" in tooltip.inner_text()
    assert (
        page.evaluate("getComputedStyle(document.getElementById('vg-tooltip-element')).position")
        == "fixed"
    )
    assert page.locator("style").count() == 0  # nothing injected: CSP style-src 'self'
    assert not page.problems, "\n".join(page.problems)
