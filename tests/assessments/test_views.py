"""The fill-in pages over HTTP: save as you go (htmx and plain forms), conflicts, an expired
session, skip logic, bounded queries, and answer files from upload to confirmation."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from saferspaces.assessments.answering import answer_save
from saferspaces.assessments.models import Answer, AnswerImport, AnswerRevision

HX = {"HTTP_HX_REQUEST": "true"}


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _save_url(a: Any, code: str) -> str:
    return f"/assessments/{a.pk}/q/{code}/save/"


def test_htmx_save_returns_the_question_with_a_saved_message(assessment, team) -> None:  # type: ignore[no-untyped-def]
    r = _client(team.respondent).post(
        _save_url(assessment, "QOL_P01"),
        {
            "status": "answered",
            "value": "81,5",
            "comment": "survey 2024",
            "version": "0",
            "autosave": "1",
        },
        **HX,
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="q-QOL_P01"' in html and "Saved at" in html
    assert 'name="version" value="1"' in html
    a = Answer.objects.get(assessment=assessment, code="QOL_P01")
    assert (a.value, a.comment, a.updated_by) == (81.5, "survey 2024", team.respondent)


def test_plain_form_save_redirects_back_to_the_section(assessment, team) -> None:  # type: ignore[no-untyped-def]
    r = _client(team.lead).post(
        _save_url(assessment, "QOL_P01"),
        {"status": "not_collected", "version": "0", "autosave": "0"},
    )
    assert r.status_code == 302 and r["Location"].endswith("/s/QOL/#q-QOL_P01")
    assert Answer.objects.get(assessment=assessment, code="QOL_P01").status == "not_collected"


def test_a_conflict_is_shown_with_their_answer_and_mine_kept(assessment, team) -> None:  # type: ignore[no-untyped-def]
    first, second = _client(team.respondent), _client(team.respondent2)
    first.post(
        _save_url(assessment, "QOL_P01"),
        {"status": "answered", "value": "70", "version": "0"},
        **HX,
    )
    r = second.post(
        _save_url(assessment, "QOL_P01"),
        {"status": "answered", "value": "90", "version": "0"},
        **HX,
    )
    assert r.status_code == 409
    html = r.content.decode()
    assert "Someone else changed this answer" in html
    assert "Rémi Respondent" in html and "70" in html  # their answer, and who
    assert 'value="90"' in html  # mine is still in the form
    assert 'name="version" value="1"' in html  # saving again now is a deliberate overwrite
    assert 'hx-trigger="submit"' in html  # no autosave while the conflict is on screen
    assert Answer.objects.get(assessment=assessment, code="QOL_P01").value == 70.0


def test_bad_values_are_shown_next_to_the_question_and_nothing_is_saved(assessment, team) -> None:  # type: ignore[no-untyped-def]
    r = _client(team.lead).post(
        _save_url(assessment, "QOL_P01"),
        {"status": "answered", "value": "150", "version": "0"},
        **HX,
    )
    assert r.status_code == 422
    assert "above the maximum" in r.content.decode()
    assert 'value="150"' in r.content.decode()
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_a_half_made_choice_while_typing_is_not_an_error(assessment, team) -> None:  # type: ignore[no-untyped-def]
    r = _client(team.lead).post(
        _save_url(assessment, "QOL_P01"),
        {"status": "answered", "value": "", "version": "0", "autosave": "1"},
        **HX,
    )
    assert r.status_code == 200 and "There is a problem" not in r.content.decode()
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_an_expired_session_keeps_the_answer_and_returns_to_the_page(assessment, team) -> None:  # type: ignore[no-untyped-def]
    c = Client()  # not logged in any more
    section = f"/assessments/{assessment.pk}/s/QOL/"
    r = c.post(
        _save_url(assessment, "QOL_P01"),
        {
            "status": "answered",
            "value": "64",
            "comment": "typed before lunch",
            "version": "0",
            "next": section,
        },
        **HX,
    )
    assert r.status_code == 204 and r["HX-Redirect"].startswith("/accounts/login/?next=")
    assert section.replace("/", "%2F") in r["HX-Redirect"]
    assert not Answer.objects.filter(assessment=assessment).exists()
    c.force_login(team.respondent)  # logging in keeps the session's data
    page = c.get(section).content.decode()
    assert "Your session had expired" in page
    assert 'value="64"' in page and "typed before lunch" in page
    assert "Your session had expired" not in c.get(section).content.decode()  # shown once


def test_skip_logic_updates_dependent_questions_on_the_page(assessment, team) -> None:  # type: ignore[no-untyped-def]
    r = _client(team.lead).post(
        _save_url(assessment, "CL_SURVEY_RUNS"),
        {"status": "answered", "value": "no", "version": "0"},
        **HX,
    )
    html = r.content.decode()
    assert 'id="q-CL_SURVEY_VICTIM"' in html and 'hx-swap-oob="outerHTML"' in html
    assert "Not asked" in html
    r = _client(team.lead).post(
        _save_url(assessment, "CL_SURVEY_RUNS"),
        {"status": "answered", "value": "yes", "version": "1"},
        **HX,
    )
    oob = r.content.decode().split('id="q-CL_SURVEY_VICTIM"', 1)[1]
    assert 'name="status"' in oob.split("</section>", 1)[0]  # asked again: a form


def test_a_section_page_runs_a_bounded_number_of_queries(  # type: ignore[no-untyped-def]
    assessment, team, django_assert_max_num_queries
) -> None:
    c = _client(team.lead)
    url = f"/assessments/{assessment.pk}/s/URB/"
    with django_assert_max_num_queries(40) as empty:
        assert c.get(url).status_code == 200
    from assessment_helpers import fill_all

    fill_all(assessment, team.lead)
    for code in ("URB_S01", "URB_S02", "URB_P01"):
        original = Answer.objects.get(assessment=assessment, code=code).value
        for n in range(3):
            a = Answer.objects.get(assessment=assessment, code=code)
            answer_save(
                assessment=assessment,
                code=code,
                user=team.lead,
                status="answered" if n % 2 else "dont_know",
                raw=original if n % 2 else None,
                expected_version=a.version,
            )
    with django_assert_max_num_queries(40) as full:
        html = c.get(url).content.decode()
    assert "History (4 changes)" in html or "History (3 changes)" in html
    assert len(full.captured_queries) <= len(empty.captured_queries) + 2


def _exported(c: Client, a: Any) -> bytes:
    r = c.get(f"/assessments/{a.pk}/answers.xlsx")
    assert r.status_code == 200
    assert r["Content-Disposition"].startswith("attachment;")
    return r.content


def _set_answer(content: bytes, code: str, value: Any, status: str = "answered") -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = wb["answers"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == code:
            row[header.index("answer")].value = value
            row[header.index("status")].value = status
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(c: Client, a: Any, name: str, content: bytes, kind: str = "answers") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return c.post(
        f"/assessments/{a.pk}/import/", {"kind": kind, "file": SimpleUploadedFile(name, content)}
    )


def test_import_previews_then_writes_only_when_confirmed(assessment, team) -> None:  # type: ignore[no-untyped-def]
    c = _client(team.lead)
    answer_save(
        assessment=assessment,
        code="QOL_P01",
        user=team.lead,
        status="answered",
        raw="60",
        expected_version=0,
    )
    content = _set_answer(_exported(c, assessment), "QOL_P01", 75)
    content = _set_answer(content, "QOL_P02", "lots")  # a bad cell
    r = _upload(c, assessment, "answers.xlsx", content)
    assert r.status_code == 302
    preview = c.get(r["Location"]).content.decode()
    assert "Nothing is saved yet" in preview and "changed" in preview
    assert "Row " in preview and "column answer" in preview and "QOL_P02" in preview
    assert Answer.objects.get(assessment=assessment, code="QOL_P01").value == 60.0
    r = c.post(r["Location"])
    assert r.status_code == 302
    a = Answer.objects.get(assessment=assessment, code="QOL_P01")
    assert (a.value, a.version) == (75.0, 2)
    rev = AnswerRevision.objects.filter(assessment=assessment, code="QOL_P01").first()
    assert rev is not None and rev.source == "import" and "answers.xlsx, row" in rev.note
    imported = AnswerImport.objects.get()
    r = c.post(f"/assessments/{assessment.pk}/import/{imported.pk}/", follow=True)
    assert "imported already" in r.content.decode()


def test_import_refuses_answers_changed_since_the_preview(assessment, team) -> None:  # type: ignore[no-untyped-def]
    c = _client(team.lead)
    content = _set_answer(_exported(c, assessment), "QOL_P01", 75)
    location = _upload(c, assessment, "answers.xlsx", content)["Location"]
    answer_save(
        assessment=assessment,
        code="QOL_P01",
        user=team.respondent,
        status="answered",
        raw="50",
        expected_version=0,
    )
    r = c.post(location, follow=True)
    assert "changed since the preview" in r.content.decode()
    assert Answer.objects.get(assessment=assessment, code="QOL_P01").value == 50.0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("answers.xlsx", b"%PDF-1.4 not a spreadsheet", "cannot be imported"),
        ("answers.csv", b"", "cannot be imported"),
        ("answers.csv", b"just,some,columns\r\n1,2,3\r\n", "cannot be imported"),
    ],
)
def test_files_that_are_not_answer_files_are_refused_clearly(  # type: ignore[no-untyped-def]
    assessment, team, name: str, content: bytes, message: str
) -> None:
    r = _upload(_client(team.lead), assessment, name, content)
    assert r.status_code == 422 and message in r.content.decode()
    assert not AnswerImport.objects.exists()


def test_a_kobo_submission_export_is_imported(assessment, team) -> None:  # type: ignore[no-untyped-def]
    from core.answers_io.helpers import kobo_table, table_csv  # type: ignore[import-not-found]
    from saferspaces.assessments.editions import assessment_edition

    edition = assessment_edition(assessment=assessment)
    table = kobo_table(
        edition,
        [
            {
                "CL_SCOPE_YEAR__status": "answered",
                "CL_SCOPE_YEAR": "2024",
                "QOL_P01__status": "answered",
                "QOL_P01": "66",
                "_uuid": "uuid-1",
                "_submission_time": "2025-03-01T10:00:00",
            },
            {
                "QOL_P01__status": "dont_know",
                "_uuid": "uuid-2",
                "_submission_time": "2025-03-02T10:00:00",
            },
        ],
    )
    c = _client(team.respondent)
    r = _upload(c, assessment, "kobo.csv", table_csv(table), kind="submission")
    assert r.status_code == 302
    page = c.get(r["Location"] + "?submission=uuid-2").content.decode()
    assert "uuid-1" in page and "uuid-2" in page
    c.post(r["Location"], {"submission": "uuid-1"})
    assert Answer.objects.get(assessment=assessment, code="QOL_P01").value == 66.0
    assert Answer.objects.get(assessment=assessment, code="CL_SCOPE_YEAR").value == 2024


def test_a_round_page_shows_every_authority_in_a_bounded_number_of_queries(  # type: ignore[no-untyped-def]
    team, django_assert_max_num_queries
) -> None:
    from saferspaces.assessments.models import Round
    from saferspaces.demo.assessments import ROUND_TITLES

    round_ = Round.objects.get(title=ROUND_TITLES[-1])
    n = round_.assessments.count()
    assert n > 20
    c = _client(team.coordinator)
    with django_assert_max_num_queries(25):
        html = c.get(f"/rounds/{round_.pk}/").content.decode()
    assert html.count('href="/assessments/') >= n
    assert "Montclair-sur-Mer" in html


def test_a_refused_number_is_explained_in_french_on_the_french_page(assessment, team) -> None:  # type: ignore[no-untyped-def]
    c = _client(team.lead)
    c.cookies["django_language"] = "fr"
    r = c.post(
        _save_url(assessment, "CL_SCOPE_YEAR"),
        {"status": "answered", "value": "42", "version": "0"},
        **HX,
    )
    assert r.status_code == 422
    html = r.content.decode()
    assert "42 est inférieur au minimum, 2000." in html
    assert "is below the minimum" not in html
    assert not Answer.objects.filter(assessment=assessment).exists()
