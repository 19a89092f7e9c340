"""The import preview puts what matters first: a summary of the changes, the button to import
them, the changes themselves; the unchanged rows come last, folded in a <details>."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from assessment_helpers import fill_all

from .test_views import _client, _exported, _set_answer, _upload


def _preview(c: Client, assessment: Any, changes: dict[str, Any]) -> str:
    content = _exported(c, assessment)
    for code, value in changes.items():
        content = _set_answer(content, code, value)
    r = _upload(c, assessment, "answers.xlsx", content)
    assert r.status_code == 302, r.content.decode()[:500]
    return c.get(r["Location"]).content.decode()


def test_summary_button_and_changes_first_unchanged_rows_folded(assessment, team) -> None:  # type: ignore[no-untyped-def]
    filled = fill_all(assessment, team.lead)
    c = _client(team.lead)
    html = _preview(c, assessment, {"QOL_P01": 12, "QOL_P02": 13, "SOC_P01": 14})
    main = html.split('<main id="main"')[1]
    summary = main.index('id="import-summary"')
    button = main.index("Import 3 changes")
    changes = main.index('id="changes-caption"')
    folded = main.index("<details")
    assert summary < button < changes < folded
    changed_table = main[changes:folded]
    assert {"QOL_P01", "QOL_P02", "SOC_P01"} <= set(
        re.findall(r"\b[A-Z]{2,3}_[A-Z0-9_]+\b", changed_table)
    )
    assert "unchanged" not in changed_table.split("</caption>")[1]
    details = main[folded:].split("</details>")[0]
    unchanged = details.count('<tr class="unchanged">')
    assert unchanged == filled - 3 and unchanged > 0
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main[summary:button]))
    assert "3 answers would change" in text and f"{filled - 3} unchanged" in text
    # the question is named in words, its code is secondary
    assert re.search(r"<th scope=\"row\">[^<]*<span class=\"question-text\">", changed_table)


def test_nothing_to_change_says_so_and_offers_no_button(assessment, team) -> None:  # type: ignore[no-untyped-def]
    fill_all(assessment, team.lead)
    c = _client(team.lead)
    html = _preview(c, assessment, {})
    assert "No answer would change" in html
    assert "Import 0 changes" not in html and '<button type="submit">Import' not in html
