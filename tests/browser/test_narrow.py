"""A phone's width: at a 375 px viewport, the pages people read on the move (the council report,
the fill-in, the coordinator's list, the import preview and the guide) never scroll sideways;
wide tables scroll inside their own box instead."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 375


def _pages() -> dict[str, list[str]]:
    from saferspaces.assessments.models import Assessment
    from saferspaces.demo.assessments import ROUND_TITLES
    from saferspaces.demo.generator import PERSONA_AUTHORITY

    draft = Assessment.objects.get(authority__name=PERSONA_AUTHORITY, round__title=ROUND_TITLES[-1])
    accepted = Assessment.objects.get(
        authority__name=PERSONA_AUTHORITY, round__title=ROUND_TITLES[0]
    )
    from saferspaces.accounts.models import User
    from saferspaces.assessments.imports import answers_export, answers_import_preview

    lead = User.objects.get(email="lead@demo.saferspaces.example")
    content, name, _type = answers_export(assessment=draft, fmt="xlsx", language="en")
    imported = answers_import_preview(
        assessment=draft, user=lead, filename=name, content=content, kind="answers"
    )
    return {
        "lead": [
            f"/assessments/{accepted.pk}/report/",
            f"/assessments/{draft.pk}/report/",
            f"/assessments/{draft.pk}/s/checklist/",
            f"/assessments/{draft.pk}/s/URB/?page=5",
            f"/assessments/{draft.pk}/q/URB_S22/",
            f"/assessments/{draft.pk}/",
            f"/assessments/{draft.pk}/import/{imported.pk}/",
            f"/authorities/{draft.authority.slug}/dashboard/",
        ],
        "coordinator": [
            "/assessments/",
            "/assessments/?state=submitted&order=authority",
            f"/rounds/{draft.round_id}/analysis/",
            f"/rounds/{draft.round_id}/",
        ],
    }


@pytest.mark.parametrize("language", ["en", "fr"])
def test_pages_fit_a_phone_screen(browser: Any, live_server: Any, demo: Any, language: str) -> None:
    from browser.conftest import login_context  # type: ignore[import-not-found]
    from saferspaces.accounts.models import User
    from saferspaces.demo.generator import PERSONAS

    wide = []
    for persona, paths in _pages().items():
        user = User.objects.get(email=next(p.email for p in PERSONAS if p.key == persona))
        context = login_context(browser, live_server, user, language)
        page = context.new_page()
        page.set_viewport_size({"width": WIDTH, "height": 800})
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTH:
                culprits = page.evaluate(
                    """(limit) => Array.from(document.querySelectorAll('main *'))
                        .filter(e => e.getBoundingClientRect().right > limit + 1)
                        .filter(e => !e.parentElement.closest('.table-scroll, .chart-table-wrap'))
                        .slice(0, 3).map(e => e.tagName + '.' + e.className)""",
                    WIDTH,
                )
                wide.append(f"{path}: {width} px wide ({', '.join(culprits)})")
        context.close()
    assert wide == []
