"""The PDF of the pilot analysis for the demo round: rendered by a job in both languages,
read back with poppler-utils, tagged, byte-identical when rendered again, never ranking; the
job pages, the download, failures and the operators' command."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from saferspaces.assessments.models import Assessment
from saferspaces.reports.jobs import report_job_run
from saferspaces.reports.models import JobState, ReportJob
from saferspaces.reports.services import report_job_create


def _quiet(progress: int, message: str) -> None:
    return None


@pytest.mark.parametrize(
    ("language", "title", "heading", "network_label"),
    [
        ("en", "Pilot analysis: ", "Questions to revise", "Network"),
        ("fr", "Pilot analysis: ", "Cohésion sociale", "Réseau"),
    ],
)
def test_the_pdf_in_each_language(
    pilot_round: Any,
    media: Path,
    run_job: Any,
    tmp_path: Path,
    pdf_tools: Any,
    rank_words: re.Pattern[str],
    language: str,
    title: str,
    heading: str,
    network_label: str,
) -> None:
    text_of, info_of, objects_of = pdf_tools
    job = run_job("round_analysis", {"round": pilot_round.pk}, language)
    assert job.state == JobState.DONE, job.message
    assert job.progress == 100 and job.finished_at is not None
    data = Path(job.file.path).read_bytes()
    assert data.startswith(b"%PDF-1.7")
    text = text_of(data, tmp_path)
    with translation.override(language):
        title = translation.gettext("Pilot analysis: %(round)s") % {"round": pilot_round.title}
    title = title.replace("\xa0", " ")  # pdftotext writes no-break spaces as spaces
    assert title in text
    assert heading in text and network_label in text
    n = Assessment.objects.filter(round=pilot_round).count()
    assert re.search(rf"\b{n}\b", text)  # the number of participating authorities
    assert not rank_words.search(text)
    info = info_of(data, tmp_path)
    assert info["Tagged"] == "yes"
    assert info["Title"].replace("\xa0", " ") == title
    assert info["Page size"].endswith("(A4)")
    assert info["CreationDate"] == info["ModDate"]
    # tagged (structure tree, MarkInfo) with the document language in the catalog
    objects = objects_of(data)
    assert b"/StructTreeRoot" in objects and b"/MarkInfo" in objects
    assert f"/Lang ({language})".encode() in objects
    assert job.sha256 == hashlib.sha256(data).hexdigest()
    if language == "en":
        # the same parameters and data: the finished job is reused...
        again = report_job_create(
            kind="round_analysis",
            parameters={"round": pilot_round.pk},
            language="en",
            user=None,
        )
        assert again.pk == job.pk
        # ...and rendering again gives the very same bytes
        from saferspaces.reports.jobs import REPORT_JOBS

        with translation.override("en"):
            rendered = REPORT_JOBS.kinds["round_analysis"].render(
                {"round": pilot_round.pk}, "en", _quiet
            )
        assert rendered.data == data


def test_a_change_in_the_data_changes_the_fingerprint_not_the_date_rule(pilot_round: Any) -> None:
    from saferspaces.assessments.models import QuestionFlag
    from saferspaces.reports.loading import round_data_stamp

    before, date_before = round_data_stamp(round_=pilot_round)
    assert round_data_stamp(round_=pilot_round) == (before, date_before)
    a = Assessment.objects.filter(round=pilot_round).first()
    QuestionFlag.objects.create(
        edition=pilot_round.edition, code="QOL_P01", assessment=a, reason="unclear", note="?"
    )
    after, date_after = round_data_stamp(round_=pilot_round)
    assert after != before and date_after >= date_before


def test_job_pages_poll_while_running_then_offer_the_download(
    client_for: Any, pilot_round: Any, media: Path, database_queue: Any
) -> None:
    c = client_for("coordinator")
    r = c.post(f"/rounds/{pilot_round.pk}/analysis/pdf/")
    assert r.status_code == 302
    job = ReportJob.objects.get(parameters__round=pilot_round.pk, language="en")
    assert r["Location"] == f"/reports/jobs/{job.pk}/"
    page = c.get(r["Location"]).content.decode()
    assert "<progress" in page and 'hx-trigger="every 1s"' in page and 'aria-live="polite"' in page
    assert "No background worker is running" in page  # nobody would take the task yet
    assert c.get(f"/reports/jobs/{job.pk}/download/").status_code == 404  # not ready yet
    assert database_queue() == 1  # a worker runs the job's task
    status = c.get(f"/reports/jobs/{job.pk}/status/").content.decode()
    assert "hx-trigger" not in status and 'value="100"' in status
    assert f"/reports/jobs/{job.pk}/download/" in status
    download = c.get(f"/reports/jobs/{job.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]
    # the lead of a participating authority may not read the coordinators' job
    assert client_for("lead").get(f"/reports/jobs/{job.pk}/").status_code == 403


def test_a_failing_job_ends_failed_with_a_message(pilot_round: Any, media: Path) -> None:
    job = ReportJob.objects.create(kind="round_analysis", parameters={"round": 0}, language="en")
    done = report_job_run(job_id=job.pk)
    assert done.state == JobState.FAILED and "does not exist" in done.message
    assert done.finished_at is not None
    # running it again leaves a finished job alone
    assert report_job_run(job_id=job.pk).state == JobState.FAILED


def test_the_operators_command_runs_queued_jobs(db: Any, media: Path, capsys: Any) -> None:
    # a job of a round that is gone: run, and reported as failed with its reason
    job = ReportJob.objects.create(kind="round_analysis", parameters={"round": 0}, language="fr")
    call_command("reports", "run-pending")
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    out = capsys.readouterr().out
    assert f"job {job.pk} (round_analysis, fr): failed" in out and "1 job(s) run" in out


def test_the_fetcher_refuses_the_network() -> None:
    from saferspaces.reports.pdf import PRINT_CSS, _fetcher

    fetcher = _fetcher()
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch("https://example.org/style.css")
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.fetch(PRINT_CSS.as_uri()).read().startswith(b"/*")
