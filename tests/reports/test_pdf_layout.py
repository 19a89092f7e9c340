"""Printed reports fit the page: no word of the pilot analysis or the authority report runs
past the right margin of an A4 page, and the per-question table of the pilot analysis keeps
every column, its "Pre-filled" column included (read back with poppler-utils)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import require

MARGIN_PT = 18 / 25.4 * 72  # print.css: 18 mm left and right


def _words(data: bytes, tmp: Path) -> list[tuple[int, float, float, float, str]]:
    """(page, page width, xMin, xMax, word) of every word, from ``pdftotext -bbox``."""
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    path = tmp / "layout.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout.decode("utf-8")
    words = []
    for number, page in enumerate(out.split("<page ")[1:], start=1):
        width = float(re.search(r'width="([\d.]+)"', page).group(1))  # type: ignore[union-attr]
        for m in re.finditer(r'xMin="([\d.]+)"[^>]*xMax="([\d.]+)"[^>]*>([^<]*)<', page):
            words.append((number, width, float(m.group(1)), float(m.group(2)), m.group(3)))
    return words


def _overflow(words: list[tuple[int, float, float, float, str]]) -> list[str]:
    return [
        f"page {p}: {html.unescape(w)!r} ends at {x1:.0f} pt of {width:.0f}"
        for p, width, _x0, x1, w in words
        if x1 > width - MARGIN_PT + 1
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_pilot_analysis_fits_the_page_and_keeps_every_column(
    pilot_round: Any, media: Path, run_job: Any, tmp_path: Path, pdf_tools: Any, language: str
) -> None:
    from django.utils import translation

    text_of, info_of, _objects = pdf_tools
    job = run_job("round_analysis", {"round": pilot_round.pk}, language)
    assert job.state == "done", job.message
    data = Path(job.file.path).read_bytes()
    words = _words(data, tmp_path)
    assert _overflow(words) == []
    text = text_of(data, tmp_path)
    with translation.override(language):
        heading = translation.gettext("Responses per question, in the order of the framework")
    table = text.split(heading)[1]
    # every row of the table keeps its seven figures, the last one (pre-filled) included:
    # applies to, answered, not answered, don't know, not collected, with evidence, pre-filled
    row = next(line for line in table.splitlines() if "CL_SCOPE_AREA" in line)
    figures = re.findall(r"(?<![\w.,])\d+(?:[.,]\d+)?(?:\s?%)?(?![\w])", row)
    assert len(figures) == 7, row
    pages = int(info_of(data, tmp_path)["Pages"])
    assert pages <= 26, f"{pages} pages: the per-question table should not run to one row a page"


def test_the_authority_report_fits_the_page(
    demo_module: Any, db: Any, media: Path, run_job: Any, tmp_path: Path
) -> None:
    from saferspaces.assessments.models import Assessment

    assessment = (
        Assessment.objects.filter(state__in=("submitted", "accepted"), result_runs__isnull=False)
        .order_by("-round__period_end", "authority__name")
        .first()
    )
    job = run_job("authority_report", {"assessment": assessment.pk}, "fr")
    assert job.state == "done", job.message
    assert _overflow(_words(Path(job.file.path).read_bytes(), tmp_path)) == []
