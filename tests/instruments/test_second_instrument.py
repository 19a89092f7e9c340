"""A second instrument, written here, taken end to end with the generic collection code: a
format-2 edition whose measures are a repeat group, each with its level of prevention, and whose
result model is a tally. Its answers are saved under answer keys (``MEASURES[2]/MEASURE_LEVEL``)
by the same services as any question, a repeat instance is removed (the ones after it move up),
bad keys are refused with a message naming them, and the submission computes a tally whose facts
are stored. This is the worked example of "Add an instrument" in CONTRIBUTING.md."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from assessment_helpers import Team, team_make
from conftest import require
from test_no_ranking import _check_html, _check_table

EDITION = """\
format: saferspaces-framework/2
edition:
  id: measures-test-2026.1
  date: 2026-12-05
  title: {en: Prevention measures (test instrument)}
  description: {en: A test instrument listing measures by category.}
  languages: [en]
  previous: null
instrument:
  family: measures_test
  subject: authority
  respondents: team
  result_model: tally
  result: {by: [MEASURE_CATEGORY]}
  sharing: {peers: false, publish: false, export: true}
dimensions:
  - code: MEASURES_MAP
    title: {en: Local prevention measures}
    repeats:
      - code: MEASURES
        title: {en: Measure}
        min: 1
        max: 5
        items:
          - code: MEASURE_NAME
            question: {en: Name of the measure}
            answer: {type: text}
          - code: MEASURE_CATEGORY
            question: {en: Category of the measure}
            answer:
              type: single_choice
              choices:
                - {code: situational, label: {en: Situational (places)}}
                - {code: social, label: {en: Social (people)}}
                - {code: community, label: {en: Community (neighbourhoods)}}
"""


@pytest.fixture
def team(demo_module: Any, db: None) -> Team:
    from saferspaces.frameworks.services import framework_edition_upload

    team = team_make()
    team.edition = framework_edition_upload(
        user=team.administrator, filename="measures-test.yaml", content=EDITION.encode()
    )
    return team


def _assessment(team: Team) -> Any:
    from saferspaces.assessments.models import Assessment
    from saferspaces.assessments.rounds import round_open

    today = dt.date.today()
    round_ = round_open(
        network=team.network,
        edition=team.edition,
        title="Measures round",
        period_start=dt.date(today.year - 1, 1, 1),
        period_end=dt.date(today.year - 1, 12, 31),
        deadline=today + dt.timedelta(days=30),
        authorities=[team.authority],
        consensus=False,
        user=team.coordinator,
    )
    return Assessment.objects.get(round=round_, authority=team.authority)


def _save(assessment: Any, user: Any, code: str, raw: str) -> Any:
    from saferspaces.assessments.answering import answer_save
    from saferspaces.assessments.models import Answer

    current = Answer.objects.filter(assessment=assessment, code=code).first()
    return answer_save(
        assessment=assessment,
        code=code,
        user=user,
        status="answered",
        raw=raw,
        expected_version=current.version if current else 0,
    )


MEASURES = [
    ("Street lighting plan", "situational"),
    ("Youth outreach", "social"),
    ("Neighbourhood walks", "community"),
    ("CCTV review", "situational"),
]


def _fill(assessment: Any, user: Any) -> None:
    for n, (name, category) in enumerate(MEASURES, start=1):
        _save(assessment, user, f"MEASURES[{n}]/MEASURE_NAME", name)
        _save(assessment, user, f"MEASURES[{n}]/MEASURE_CATEGORY", category)


def _stored(assessment: Any) -> dict[str, Any]:
    from saferspaces.assessments.models import Answer

    return dict(Answer.objects.filter(assessment=assessment).values_list("code", "value"))


def test_answers_inside_a_repeat_group_are_saved_under_their_keys(team: Team) -> None:
    assessment = _assessment(team)
    _fill(assessment, team.lead)
    stored = _stored(assessment)
    assert stored["MEASURES[2]/MEASURE_NAME"] == "Youth outreach"
    assert stored["MEASURES[4]/MEASURE_CATEGORY"] == "situational"
    assert len(stored) == 8
    # a changed answer is a new version of the same key, with its history
    answer = _save(assessment, team.lead, "MEASURES[2]/MEASURE_CATEGORY", "community")
    assert answer.version == 2
    assert assessment.revisions.filter(code="MEASURES[2]/MEASURE_CATEGORY").count() == 2


@pytest.mark.parametrize(
    ("code", "raw", "says"),
    [
        ("MEASURE_CATEGORY", "social", "MEASURE_CATEGORY"),  # outside its repeat group
        ("MEASURES[6]/MEASURE_CATEGORY", "social", "at most 5"),  # beyond max
        ("MEASURES[0]/MEASURE_CATEGORY", "social", "MEASURES[0]"),
        ("MEASURES[1]/NO_SUCH_ITEM", "social", "NO_SUCH_ITEM"),
        ("OTHER[1]/MEASURE_CATEGORY", "social", "MEASURES[n]/MEASURE_CATEGORY"),
        ("MEASURES[1]/MEASURE_CATEGORY", "unknown", "choice"),  # a value the item refuses
        ("MEASURES[1]/" + "A" * 200, "x", "characters"),
    ],
)
def test_bad_answer_keys_are_refused_with_a_message_naming_them(
    team: Team, code: str, raw: str, says: str
) -> None:
    from saferspaces.errors import DomainError

    assessment = _assessment(team)
    with pytest.raises(DomainError) as caught:
        _save(assessment, team.lead, code, raw)
    assert says in caught.value.message
    assert _stored(assessment) == {}


def test_removing_an_instance_moves_the_next_ones_up(team: Team) -> None:
    from saferspaces.assessments.repeats import repeat_instance_remove, repeat_lists
    from saferspaces.errors import DomainError

    assessment = _assessment(team)
    _fill(assessment, team.lead)
    removed = repeat_instance_remove(assessment=assessment, instance="MEASURES[2]", user=team.lead)
    assert removed == 2
    stored = _stored(assessment)
    assert [stored[f"MEASURES[{n}]/MEASURE_NAME"] for n in (1, 2, 3)] == [
        "Street lighting plan",
        "Neighbourhood walks",
        "CCTV review",
    ]
    assert "MEASURES[4]/MEASURE_NAME" not in stored
    # the history moved with its instance
    assert set(
        assessment.revisions.filter(code__startswith="MEASURES[3]/").values_list("value", flat=True)
    ) == {"CCTV review", "situational"}
    (listed,) = repeat_lists(assessment=assessment, section="MEASURES_MAP")
    assert [i.instance for i in listed.instances] == ["MEASURES[1]", "MEASURES[2]", "MEASURES[3]"]
    assert listed.next_instance == "MEASURES[4]"
    for bad in ("MEASURES[x]", "OTHER[1]", "MEASURES[1]/MEASURE_NAME"):
        with pytest.raises(DomainError):
            repeat_instance_remove(assessment=assessment, instance=bad, user=team.lead)
    with pytest.raises(DomainError):
        repeat_instance_remove(assessment=assessment, instance="MEASURES[1]", user=team.outsider)
    assert len(_stored(assessment)) == 6


def _submitted(team: Team, django_capture_on_commit_callbacks: Any) -> Any:
    """The filled assessment, submitted; its results computed by the task the submission
    enqueues (run when enqueued in the tests, after the transaction commits)."""
    from saferspaces.assessments.workflow import assessment_transition

    assessment = _assessment(team)
    _fill(assessment, team.lead)
    with django_capture_on_commit_callbacks(execute=True):
        return assessment_transition(assessment=assessment, action="submit", user=team.lead)


def test_the_submission_computes_a_tally_by_category(
    team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    from saferspaces.results.models import ResultFact, ResultRun

    assessment = _submitted(team, django_capture_on_commit_callbacks)
    run = ResultRun.objects.get(assessment=assessment)
    facts = {
        (f.node, f.measure, f.category, f.instance): f.value
        for f in ResultFact.objects.filter(run=run)
    }
    for node in ("MEASURES_MAP", "MEASURE_CATEGORY"):
        assert facts[(node, "count", "situational", "")] == 2
        assert facts[(node, "count", "social", "")] == 1
        assert facts[(node, "count", "community", "")] == 1
    assert not [k for k in facts if k[1] in ("score", "rank", "position")]


def test_the_results_page_shows_the_tally_with_its_table_and_no_ranking(
    team: Team, django_capture_on_commit_callbacks: Any, client: Any
) -> None:
    from django.urls import reverse

    assessment = _submitted(team, django_capture_on_commit_callbacks)
    client.force_login(team.lead)
    detail = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    url = reverse("dashboard:assessment_results", args=[assessment.pk])
    assert f'href="{url}"' in detail  # reachable from the assessment
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Answers by category" in html
    assert "<caption" in html and "Situational (places)" in html
    assert _check_html(html, url) == []  # the site-wide no-ranking scanner
    csv = client.get(url, {"chart": "tally", "format": "csv"})
    assert csv.status_code == 200
    rows = csv.content.decode("utf-8-sig").splitlines()
    assert any("Situational (places)" in r and ",2," in r for r in rows), rows
    assert _check_table(csv.content, url) == []
    # a colleague of another authority may not read it
    client.force_login(team.outsider)
    assert client.get(url).status_code in (403, 404)


def test_the_research_export_carries_the_answers_with_their_repeat_instance(
    team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    import csv
    import io

    from saferspaces.exports.files import download_parse, file_write
    from saferspaces.exports.selectors import round_export

    assessment = _submitted(team, django_capture_on_commit_callbacks)
    export = round_export(round_=assessment.round)
    for name in ("answers.csv", "all.zip", "all.xlsx"):  # every table of every file is written
        download = download_parse(name)
        assert download is not None
        assert file_write(export, download).read(2)
    download = download_parse("answers.csv")
    assert download is not None
    text = file_write(export, download).read().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    keyed = {r["question_code"]: r for r in rows}
    # in instance order, then the items' order in the file
    assert [r["question_code"] for r in rows if r["question_code"].endswith("_CATEGORY")] == [
        f"MEASURES[{n}]/MEASURE_CATEGORY" for n in (1, 2, 3, 4)
    ]
    assert keyed["MEASURES[2]/MEASURE_CATEGORY"]["value_text"] == "social"
    assert keyed["MEASURES[2]/MEASURE_CATEGORY"]["dimension"] == "MEASURES_MAP"
    assert keyed["MEASURES[2]/MEASURE_CATEGORY"]["status"] == "answered"


def test_the_report_kind_prints_the_tally(
    team: Team,
    django_capture_on_commit_callbacks: Any,
    client: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    from django.urls import reverse

    from saferspaces.reports.jobs import report_job_run
    from saferspaces.reports.kinds import REPORT_KINDS
    from saferspaces.reports.models import JobState, ReportJob

    settings.MEDIA_ROOT = tmp_path / "media"
    assessment = _submitted(team, django_capture_on_commit_callbacks)
    kind = REPORT_KINDS["assessment_results"]
    context = kind.context(assessment, "en")
    assert kind.empty(context) is None
    (section,) = [p for p in context["printed"] if p["section"].id == "tally"]
    cells = {(row[0].text, row[1].text): row[2].text for row in section["table"]}
    assert cells[("Category of the measure", "Situational (places)")] == "2"
    # asked from the results page, made by the job runner from the registry
    client.force_login(team.lead)
    asked = client.post(reverse("reports:assessment_results_pdf", args=[assessment.pk]))
    assert asked.status_code == 302
    job = ReportJob.objects.get(kind="assessment_results")
    report_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.message
    data = Path(job.file.path).read_bytes()
    assert data.startswith(b"%PDF")
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    (tmp_path / "r.pdf").write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(tmp_path / "r.pdf"), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout.decode("utf-8")
    assert "Answers by category" in text and "Situational (places)" in text
    assert _check_html(text, "pdf") == []


def test_the_fill_in_pages_add_edit_and_remove_instances_without_javascript(
    team: Team, client: Any
) -> None:
    from django.urls import reverse

    assessment = _assessment(team)
    client.force_login(team.lead)
    section = reverse("assessments:section", args=[assessment.pk, "MEASURES_MAP"])
    page = client.get(section).content.decode()
    assert "None entered yet." in page
    add = reverse("assessments:repeat_instance", args=[assessment.pk, "MEASURES", 1])
    assert f'href="{add}"' in page
    form = client.get(add).content.decode()
    assert '<label for="r-MEASURE_CATEGORY">Category of the measure</label>' in form
    # bad input: a message linked to the field, nothing saved (not even the valid name)
    refused = client.post(
        add, {"MEASURE_NAME": "Street lighting plan", "MEASURE_CATEGORY": "nonsense"}
    )
    assert refused.status_code == 422
    html = refused.content.decode()
    assert 'class="error-summary"' in html and 'href="#r-MEASURE_CATEGORY"' in html
    assert _stored(assessment) == {}
    # saved together, then shown on the part's page
    for n, (name, category) in enumerate(MEASURES[:3], start=1):
        url = reverse("assessments:repeat_instance", args=[assessment.pk, "MEASURES", n])
        done = client.post(url, {"MEASURE_NAME": name, "MEASURE_CATEGORY": category})
        assert done.status_code == 302 and done["Location"] == section
    page = client.get(section).content.decode()
    assert "Youth outreach" in page and "Social (people)" in page
    # edited: the form carries the stored version; a stale version is a conflict, not an overwrite
    url = reverse("assessments:repeat_instance", args=[assessment.pk, "MEASURES", 2])
    assert 'name="MEASURE_CATEGORY-version" value="1"' in client.get(url).content.decode()
    edited = client.post(url, {"MEASURE_CATEGORY": "community", "MEASURE_CATEGORY-version": "1"})
    assert edited.status_code == 302
    stale = client.post(url, {"MEASURE_CATEGORY": "social", "MEASURE_CATEGORY-version": "1"})
    assert stale.status_code == 422
    assert _stored(assessment)["MEASURES[2]/MEASURE_CATEGORY"] == "community"
    # removed: the third moves up
    remove = reverse("assessments:repeat_remove", args=[assessment.pk, "MEASURES", 1])
    assert client.post(remove).status_code == 302
    assert _stored(assessment)["MEASURES[2]/MEASURE_NAME"] == "Neighbourhood walks"
    # beyond the group's maximum, or a group the edition lacks: not found
    for args in (("MEASURES", 6), ("OTHER", 1), ("MEASURES", 0)):
        url = reverse("assessments:repeat_instance", args=[assessment.pk, *args])
        assert client.get(url).status_code == 404
    # someone outside the authority reads nothing
    client.force_login(team.outsider)
    assert client.get(add).status_code == 403
    assert client.post(remove).status_code == 403


def test_the_answers_file_carries_repeat_answers_both_ways(team: Team) -> None:
    from saferspaces.assessments.imports import (
        answers_export,
        answers_import_confirm,
        answers_import_preview,
    )

    assessment = _assessment(team)
    blank, _name, _type = answers_export(assessment=assessment, fmt="csv", language="en")
    # an empty assessment's template shows how a repeat answer is addressed
    assert "MEASURES[1]/MEASURE_CATEGORY" in blank.decode("utf-8-sig")
    _fill(assessment, team.lead)
    content, _name, _type = answers_export(assessment=assessment, fmt="csv", language="en")
    text = content.decode("utf-8-sig")
    assert text.index("MEASURES[2]/MEASURE_NAME") < text.index("MEASURES[3]/MEASURE_NAME")
    # the same file with a measure changed and one added, and one bad key
    text = text.replace("Youth outreach", "Youth outreach and mentoring")
    text += (
        "MEASURES[5]/MEASURE_CATEGORY,,,,,answered,social,,,,\r\n"
        "MEASURES[9]/MEASURE_CATEGORY,,,,,answered,social,,,,\r\n"
    )
    imported = answers_import_preview(
        assessment=assessment,
        user=team.lead,
        filename="answers.csv",
        content=text.encode(),
        kind="answers",
    )
    (chosen,) = imported.sets
    messages = [p["message"] for p in chosen["problems"]]
    assert any("at most 5" in m for m in messages), messages
    answers_import_confirm(imported=imported, identifier=None, user=team.lead)
    stored = _stored(assessment)
    assert stored["MEASURES[2]/MEASURE_NAME"] == "Youth outreach and mentoring"
    assert stored["MEASURES[5]/MEASURE_CATEGORY"] == "social"
    assert "MEASURES[9]/MEASURE_CATEGORY" not in stored
