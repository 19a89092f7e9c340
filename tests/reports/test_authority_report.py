"""The authority report for the demo: the web page and the tagged PDF in English and French, read
back with poppler-utils; identical bytes when rendered again; a new file when the data change;
no ranking; the job pages for the authority's team; refusals that change nothing."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from saferspaces.assessments.models import Assessment, AssessmentState
from saferspaces.languages import language_codes
from saferspaces.reports.jobs import REPORT_JOBS, report_job_run
from saferspaces.reports.models import JobState, ReportJob
from saferspaces.reports.services import report_job_create

RENDERERS = {name: kind.render for name, kind in REPORT_JOBS.kinds.items()}

DONE = (AssessmentState.SUBMITTED, AssessmentState.ACCEPTED)
# ordinal places ("1st", "2e", "n° 3", "top 5") that a league table would print
ORDINALS = re.compile(r"\b\d+(st|nd|rd|th|e|er|ème)\b|\bn°\s*\d|\b(top|bottom)\s+\d+\b", re.I)


def _quiet(progress: int, message: str) -> None:
    return None


@pytest.fixture
def reported(demo_module: Any, db: Any) -> Assessment:
    """A submitted assessment of the demo's latest round of the main network whose authority
    was scored in the round before too (so the report has progress and a peer band)."""
    from saferspaces.demo.generator import MAIN_NETWORK

    latest = (
        Assessment.objects.filter(
            round__network__name=MAIN_NETWORK, state__in=DONE, result_runs__isnull=False
        )
        .select_related("authority", "round")
        .order_by("-round__period_end", "authority__name")
        .distinct()
    )
    for a in latest:
        earlier = Assessment.objects.filter(
            authority=a.authority, round__period_end__lt=a.round.period_start
        ).filter(result_runs__isnull=False)
        if earlier.exists():
            return a
    pytest.fail("the demo has no authority scored in two rounds")


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        (
            "en",
            (
                "Summary",
                "Profile: perception and status",
                "Among similar authorities",
                "Strengths and weaknesses",
                "Data coverage and provenance",
                "Methodology annex",
            ),
        ),
        (
            "fr",
            (
                "Synthèse",
                "Profil : perception et situation",
                "Parmi les collectivités comparables",
                "Points forts et points faibles",
                "Couverture et provenance des données",
                "Annexe méthodologique",
            ),
        ),
    ],
)
def test_the_pdf_in_each_language(
    reported: Assessment,
    media: Path,
    run_job: Any,
    tmp_path: Path,
    pdf_tools: Any,
    rank_words: re.Pattern[str],
    language: str,
    headings: tuple[str, ...],
) -> None:
    text_of, info_of, objects_of = pdf_tools
    job = run_job("authority_report", {"assessment": reported.pk}, language)
    assert job.state == JobState.DONE, job.message
    data = Path(job.file.path).read_bytes()
    text = " ".join(text_of(data, tmp_path).replace("\xa0", " ").split())
    for heading in headings:
        assert heading in text, heading
    # the cover: authority, round, edition; the annex: the pipeline applied, by name and hash
    assert reported.authority.name in text and reported.round.title in text
    assert reported.edition.edition_id in text
    run = reported.result_runs.order_by("-computed_at", "-id").first()
    assert run.pipeline_name in text and run.explanation
    assert "pipeline" in text.lower()
    # the peer band is there (the demo round has enough similar authorities), and progress
    assert reported.round.title in text
    with translation.override(language):
        middle = translation.gettext("Middle half of similar authorities")
    assert middle.replace("\xa0", " ") in text
    # no rank anywhere; the pipeline file quoted in the annex says in a comment that an overall
    # composite "is never ranked": that sentence is the file's own, left out of the word check
    with translation.override(language):
        quoted = translation.gettext("The pipeline file as applied").replace("\xa0", " ")
    assert not rank_words.search(text.split(quoted)[0]), text.split(quoted)[0]
    assert not ORDINALS.search(text)
    info = info_of(data, tmp_path)
    assert info["Tagged"] == "yes" and info["Page size"].endswith("(A4)")
    assert reported.authority.name in info["Title"]
    objects = objects_of(data)
    assert b"/StructTreeRoot" in objects and f"/Lang ({language})".encode() in objects
    assert job.sha256 == hashlib.sha256(data).hexdigest()
    # re-created identically from the stored data, and the finished job is reused
    with translation.override(language):
        again = RENDERERS["authority_report"]({"assessment": reported.pk}, language, _quiet)
    assert again.data == data
    assert (
        report_job_create(
            kind="authority_report",
            parameters={"assessment": reported.pk},
            language=language,
            user=None,
        ).pk
        == job.pk
    )


def test_a_change_in_the_data_makes_a_new_file(
    reported: Assessment, media: Path, run_job: Any, database_queue: Any
) -> None:
    from saferspaces.reports.authority import authority_report_stamp

    first = run_job("authority_report", {"assessment": reported.pk}, "en")
    stamp = authority_report_stamp(assessment=reported)
    from saferspaces.assessments.models import Evidence

    Evidence.objects.create(
        assessment=reported, code="QOL_P01", source_name="Police annual report", year=2026
    )
    assert authority_report_stamp(assessment=reported)[0] != stamp[0]
    second = report_job_create(
        kind="authority_report",
        parameters={"assessment": reported.pk},
        language="en",
        user=None,
    )
    assert second.pk != first.pk and second.state == JobState.QUEUED
    with translation.override("en"):
        again = RENDERERS["authority_report"]({"assessment": reported.pk}, "en", _quiet)
    assert again.data != Path(first.file.path).read_bytes()


def test_the_web_page_shows_every_section_with_charts_and_tables(
    reported: Assessment, client_for: Any, rank_words: re.Pattern[str]
) -> None:
    c = client_for("administrator")
    page = c.get(f"/assessments/{reported.pk}/report/").content.decode()
    for section in (
        "summary",
        "profile",
        "gap",
        "progress",
        "peers",
        "strengths",
        "learn",
        "coverage",
        "method",
    ):
        assert f'<section id="{section}"' in page, section
    # vector charts with a title and a description, each followed by its data table
    assert page.count('role="img"') == 3 and page.count("<svg") == 3
    assert 'id="t-profile"' in page and 'id="t-progress"' in page and 'id="t-band"' in page
    assert "<script" not in page.split('<div class="report">')[1]
    # (the pipeline file quoted at the end says in a comment that a composite "is never ranked")
    assert not rank_words.search(re.sub(r"<[^>]+>", " ", page.split('class="pipeline"')[0]))
    assert not ORDINALS.search(re.sub(r"<[^>]+>", " ", page))
    # the summary reads the sections: coverage, gap readings and the peers' band in sentences
    summary = page.split('<section id="summary"')[1].split("</section>")[0]
    assert "scored indicators that apply have an answer that counts" in summary
    assert "Among " in summary and "similar authorities: above their middle half in" in summary
    assert "Strengths: indicators scoring 75 or more" in page
    assert "Weaknesses: indicators scoring under 25" in page
    # the pipeline applied is quoted in full in the annex
    run = reported.result_runs.order_by("-computed_at", "-id").first()
    assert run.pipeline_name in page and run.pipeline_sha256 in page
    # the PDF can be made in the authority's language, the form says which
    assert 'name="language"' in page and "Make the PDF" in page


def test_the_team_makes_the_pdf_and_outsiders_cannot(
    client_for: Any, media: Path, demo_module: Any, db: Any, database_queue: Any
) -> None:
    from saferspaces.demo.generator import PERSONA_AUTHORITY

    draft = (
        Assessment.objects.filter(authority__name=PERSONA_AUTHORITY, result_runs__isnull=False)
        .order_by("-round__period_end")
        .first()
    )
    assert draft is not None
    lead = client_for("lead")
    page = lead.get(f"/assessments/{draft.pk}/report/").content.decode()
    assert "not submitted" in page  # a draft's report says its scores may still change
    r = lead.post(f"/assessments/{draft.pk}/report/pdf/", {"language": "fr"})
    assert r.status_code == 302
    job = ReportJob.objects.get(kind="authority_report", parameters__assessment=draft.pk)
    assert job.language == "fr" and r["Location"] == f"/reports/jobs/{job.pk}/"
    assert "Back to the report" in lead.get(r["Location"]).content.decode()
    assert client_for("outsider").get(f"/reports/jobs/{job.pk}/").status_code == 403
    assert client_for("coordinator").get(f"/reports/jobs/{job.pk}/").status_code == 200
    assert database_queue() == 1  # a worker runs the job's task
    download = lead.get(f"/reports/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # a language that is not offered: a message, and no job
    bad = lead.post(f"/assessments/{draft.pk}/report/pdf/", {"language": "xx"}, follow=True)
    assert "Choose a language of the list." in bad.content.decode()
    # nor one still being translated (declared, not offered): its report would be in English
    import dataclasses

    from saferspaces import languages

    held_back = tuple(
        dataclasses.replace(lang, offered=False) if lang.code == "lv" else lang
        for lang in languages.languages_declared()
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(languages, "languages_declared", lambda *a, **k: held_back)
        bad = lead.post(f"/assessments/{draft.pk}/report/pdf/", {"language": "lv"}, follow=True)
    assert "Choose a language of the list." in bad.content.decode()
    assert ReportJob.objects.filter(kind="authority_report").count() == 1
    select = re.search(r'<select id="report-language".*?</select>', page, re.S)
    assert select is not None
    assert re.findall(r'<option value="([a-z]+)"', select.group(0)) == list(
        language_codes(offered=True)
    )


def test_an_assessment_without_scores_has_no_report(
    client_for: Any, media: Path, demo_module: Any, db: Any, run_job: Any
) -> None:
    unscored = Assessment.objects.filter(result_runs__isnull=True).first()
    assert unscored is not None
    page = client_for("administrator").get(f"/assessments/{unscored.pk}/report/")
    assert page.status_code == 200 and "has no scores yet" in page.content.decode()
    job = run_job("authority_report", {"assessment": unscored.pk}, "en")
    assert job.state == JobState.FAILED and "no scores" in job.message
    gone = ReportJob.objects.create(
        kind="authority_report", parameters={"assessment": 0}, language="en"
    )
    assert report_job_run(job_id=gone.pk).state == JobState.FAILED


def test_the_report_draws_the_dashboards_own_charts(
    reported: Assessment, client_for: Any, db: Any
) -> None:
    """One definition per chart: the report's charts are the dashboard's (same rows, title and
    summary; only the download link differs), printed as SVG from the same spec, each image
    named by the chart's title and described by its summary."""
    from saferspaces.assessments.permissions import assessments_shown_with
    from saferspaces.core.dashboard import PeerCriteria
    from saferspaces.dashboard.selectors import dashboard_peers, dashboard_profile
    from saferspaces.reports.authority import authority_report

    with translation.override("en"):
        report = authority_report(assessment=reported, language="en")["charts"]
        profile = dashboard_profile(
            authority=reported.authority,
            assessment_pk=reported.pk,
            language="en",
            among=assessments_shown_with(reported),
        )["charts"]
        peers = dashboard_peers(
            assessment=reported, criteria=PeerCriteria(), query="", language="en"
        )["charts"]
    web = {"profile": profile["profile"], "band": peers["peers"]}
    for name, chart in web.items():
        printed = report[name]
        assert (printed.title, printed.summary) == (chart.title, chart.summary), name
        assert printed.rows == chart.rows and printed.columns == chart.columns, name
        assert printed.spec == chart.spec, name
    assert report["progress"] is not None and report["progress"].id == "progress"
    page = client_for("administrator").get(f"/assessments/{reported.pk}/report/").content
    for name, chart in report.items():
        svg = page.decode().split('<svg xmlns="http://www.w3.org/2000/svg"')[1:]
        found = [s for s in svg if f'id="chart-{chart.id}"' in s.split(">")[0]]
        assert len(found) == 1, name
        root_tag, rest = found[0].split(">", 1)
        assert 'role="img"' in root_tag
        assert rest.startswith(f'<title id="chart-{chart.id}-title">'), name
        # the figure is followed by its data table
        after = found[0].split("</figure>", 1)[1]
        assert after.lstrip().startswith('<div class="table-scroll"'), name
