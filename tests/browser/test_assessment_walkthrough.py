"""A full assessment walked through in real Chromium: two respondents and a lead answering (with
a conflict, autosave, skip logic, evidence and feedback), the workflow from a refused submission
to acceptance, a consensus assessment in French, and an expired session. axe-core runs on every
page and after every htmx swap; CSP and JavaScript errors fail the test too.

The round is set up with the ORM (``open_round``) and the bulk of the answers may be written with
``fill_all``; everything else goes through the pages. The database is read only to check what was
stored.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest
from playwright.sync_api import expect

from assessment_helpers import fill_all, open_round
from browser.walk_helpers import (  # type: ignore[import-not-found]
    SMALL_PDF,
    Walk,
    french,
    is_save,
    log_in,
    section_path,
    team_build,
    type_and_blur,
    wait_saved,
    words,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HTMX_4XX = (
    "the server answered with the question's fragment, but htmx 2 does not swap 4xx responses "
    "by default: base.html's htmx-config needs a responseHandling that swaps 409 and 422"
)


@pytest.fixture
def walk(browser: Any, live_server: Any, demo: Any, settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")  # evidence files stay out of the repository
    w = Walk(browser=browser, live_server=live_server)
    yield w
    w.close()


def _answer(assessment: Any, code: str) -> Any:
    from saferspaces.assessments.models import Answer

    return Answer.objects.filter(assessment=assessment, code=code).first()


# --- 1. English: two respondents, a conflict, autosave, skip logic, evidence, feedback ----------


def test_two_respondents_conflict_is_shown_and_a_deliberate_save_wins(walk: Walk) -> None:
    team = team_build()
    assessment = open_round(team).assessments.get()
    qol = section_path(assessment, "QOL")
    a, b = walk.page_as(team.respondent), walk.page_as(team.respondent2)
    walk.goto(a, qol, "respondent A opens Quality of life")
    walk.goto(b, qol, "respondent B opens the same part")  # the same version: no answer yet
    expect(b.locator("#q-QOL_P01 input[name=version]")).to_have_value("0")

    response = type_and_blur(a, "QOL_P01", "72")
    assert response.status == 200
    wait_saved(a, "QOL_P01")
    expect(a.locator("#q-QOL_P01 p.saved")).to_contain_text(re.compile(r"Saved at \d\d:\d\d"))
    expect(a.locator("#q-QOL_P01 input[name=version]")).to_have_value("1")
    walk.axe(a, "A's autosave swapped in")
    stored = _answer(assessment, "QOL_P01")
    assert (stored.value, stored.version, stored.updated_by) == (72.0, 1, team.respondent)

    response = type_and_blur(b, "QOL_P01", "90")
    assert response.status == 409, "B's stale save must be refused as a conflict"
    conflict = b.locator("#q-QOL_P01 .conflict")
    expect(conflict, HTMX_4XX).to_be_visible(timeout=3_000)
    expect(conflict).to_contain_text("Someone else changed this answer")
    expect(conflict).to_contain_text("Rémi Respondent")
    expect(conflict).to_contain_text("72")
    expect(b.locator("#q-QOL_P01-value")).to_have_value("90")  # B's own value is kept
    walk.axe(b, "B sees the conflict panel")
    assert _answer(assessment, "QOL_P01").value == 72.0  # nothing overwritten silently

    with b.expect_response(is_save("QOL_P01")) as saved:
        b.locator("#q-QOL_P01 button[type=submit]", has_text="Save").click()
    assert saved.value.status == 200
    wait_saved(b, "QOL_P01")
    expect(b.locator("#q-QOL_P01 .conflict")).to_have_count(0)
    walk.axe(b, "B saved deliberately")
    stored = _answer(assessment, "QOL_P01")
    assert (stored.value, stored.version, stored.updated_by) == (90.0, 2, team.respondent2)

    a.goto(f"/assessments/{assessment.pk}/q/QOL_P01/history/")
    walk.axe(a, "history of QOL_P01")
    history = words(a.locator("main").inner_text())
    assert "Rémi Respondent" in history and "Sam Second" in history
    walk.assert_clean(minimum_checks=6)


def test_an_out_of_range_number_is_shown_next_to_the_question(walk: Walk) -> None:
    team = team_build()
    assessment = open_round(team).assessments.get()
    page = walk.page_as(team.respondent)
    walk.goto(page, section_path(assessment, "QOL"), "Quality of life")
    response = type_and_blur(page, "QOL_P01", "150")
    assert response.status == 422
    summary = page.locator("#q-QOL_P01 .error-summary")
    expect(summary, HTMX_4XX).to_be_visible(timeout=3_000)
    expect(summary).to_contain_text("maximum")
    expect(page.locator("#q-QOL_P01-value")).to_have_value("150")
    expect(page.locator("#q-QOL_P01-value")).to_have_attribute("aria-invalid", "true")
    walk.axe(page, "error summary of QOL_P01")
    assert _answer(assessment, "QOL_P01") is None
    walk.assert_clean(minimum_checks=2)


def test_skip_logic_evidence_and_feedback(walk: Walk) -> None:
    from saferspaces.assessments.models import Evidence, QuestionFlag

    team = team_build()
    assessment = open_round(team).assessments.get()
    page = walk.page_as(team.respondent)
    from saferspaces.assessments.selectors import assessment_sections

    checklist = assessment_sections(assessment=assessment)[0]
    surveys = checklist.page_of("CL_SURVEY_RUNS")  # the checklist's page on surveys
    walk.goto(page, section_path(assessment, "checklist") + f"?page={surveys}", "the checklist")
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    runs = page.locator("#q-CL_SURVEY_RUNS")
    victim = page.locator("#q-CL_SURVEY_VICTIM")
    with page.expect_response(is_save("CL_SURVEY_RUNS")):
        runs.get_by_label("Yes", exact=True).check()
    wait_saved(page, "CL_SURVEY_RUNS")
    expect(victim.locator("input[name=status]")).to_have_count(4)  # asked
    walk.axe(page, "CL_SURVEY_RUNS yes")

    with page.expect_response(is_save("CL_SURVEY_RUNS")):
        runs.get_by_label("No", exact=True).check()
    wait_saved(page, "CL_SURVEY_RUNS")
    expect(victim).to_contain_text("Not asked")
    expect(victim.locator("form.answer-form")).to_have_count(0)
    expect(page.locator("#q-CL_SURVEY_YEAR")).to_contain_text("Not asked")
    assert page.evaluate("window.__sameDocument") is True, "the page reloaded"
    walk.axe(page, "CL_SURVEY_VICTIM not asked")
    stored = _answer(assessment, "CL_SURVEY_RUNS")
    assert (stored.status, stored.value, stored.version) == ("answered", "no", 2)

    # Evidence: a source with a year and a small PDF file.
    question = f"/assessments/{assessment.pk}/q/QOL_P01/"
    walk.goto(page, question, "question QOL_P01")
    box = page.locator("#q-QOL_P01 .evidence")
    box.locator("summary").click()
    walk.axe(page, "evidence form open")
    box.locator("#q-QOL_P01-ev-source").fill("Resident survey 2024")
    box.locator("#q-QOL_P01-ev-year").fill("2024")
    box.locator("#q-QOL_P01-ev-file").set_input_files(
        {"name": "survey.pdf", "mimeType": "application/pdf", "buffer": SMALL_PDF}
    )
    with page.expect_navigation():
        box.get_by_role("button", name="Add evidence").click()
    expect(page.locator(".messages")).to_contain_text("Evidence added.")
    expect(page.locator("#q-QOL_P01 .evidence")).to_contain_text("Resident survey 2024, 2024")
    expect(page.locator("#q-QOL_P01 .evidence a", has_text="survey.pdf")).to_be_visible()
    walk.axe(page, "evidence added")
    evidence = Evidence.objects.get(assessment=assessment, code="QOL_P01")
    assert (evidence.file_name, evidence.file_type, evidence.added_by) == (
        "survey.pdf",
        "application/pdf",
        team.respondent,
    )
    assert evidence.file.read() == SMALL_PDF

    # Feedback for the pilot: the question is unclear.
    flag = page.locator("#q-QOL_P01 details.flag")
    flag.locator("summary").click()
    flag.get_by_label("The question is unclear").check()
    flag.locator("textarea[name=note]").fill("Which survey question counts?")
    walk.axe(page, "feedback form open")
    with page.expect_navigation():
        flag.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".messages")).to_contain_text("your feedback on this question was recorded")
    walk.axe(page, "feedback sent")
    stored_flag = QuestionFlag.objects.get(code="QOL_P01")
    assert (stored_flag.reason, stored_flag.note) == ("unclear", "Which survey question counts?")

    coordinator = walk.page_as(team.coordinator)
    walk.goto(coordinator, "/frameworks/ssf-2026.1/feedback/", "coordinator's feedback page")
    assert "Which survey question counts?" in coordinator.locator("main").inner_text()
    walk.assert_clean(minimum_checks=8)


# --- 1b. The workflow: refused submission, return, resubmission, acceptance -----------------------


def _transition(page: Any, button: str, comment: str | None = None, field: str = "") -> str:
    if comment is not None:
        page.locator(field).fill(comment)
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    return words(page.locator(".messages").inner_text())


def test_submit_return_resubmit_accept(walk: Walk) -> None:
    team = team_build()
    assessment = open_round(team).assessments.get()
    overview = f"/assessments/{assessment.pk}/"
    lead, coordinator = walk.page_as(team.lead), walk.page_as(team.coordinator)

    walk.goto(lead, overview, "lead's overview, draft")
    message = _transition(lead, "Submit")
    assert "questions have no answer yet" in message, message
    walk.axe(lead, "submission refused")
    assessment.refresh_from_db()
    assert assessment.state == "draft"

    # The lead answers one question explicitly "don't know" in the browser, the rest by the ORM.
    walk.goto(lead, section_path(assessment, "SOC"), "lead on Social cohesion")
    with lead.expect_response(is_save("SOC_P01")):
        lead.locator("#q-SOC_P01").get_by_label("Don't know", exact=True).check()
    wait_saved(lead, "SOC_P01")
    walk.axe(lead, "SOC_P01 don't know saved")
    stored = _answer(assessment, "SOC_P01")
    assert (stored.status, stored.value, stored.updated_by) == ("dont_know", None, team.lead)
    assert fill_all(assessment, team.lead) > 20

    walk.goto(lead, overview, "lead's overview, all answered")
    message = _transition(lead, "Submit", "Ready for review.", "#submit-comment")
    assert "now submitted" in message, message
    walk.axe(lead, "submitted")

    walk.goto(coordinator, overview, "coordinator reviews")
    message = _transition(coordinator, "Return with comments")
    assert "Say what should be changed" in message, message
    message = _transition(
        coordinator,
        "Return with comments",
        "Please add evidence for the police data.",
        "#review-comment",
    )
    assert "now returned" in message, message
    walk.axe(coordinator, "returned")

    walk.goto(lead, overview, "lead sees the return")
    assert "Please add evidence for the police data." in lead.locator("main").inner_text()
    # A double submit from two tabs: the second is refused, one resubmission is recorded.
    second_tab = walk.page_in(lead.context)
    second_tab.goto(overview)
    message = _transition(lead, "Resubmit")
    assert "now submitted" in message, message
    message = _transition(second_tab, "Resubmit")
    assert "Nothing was done: the assessment is already submitted" in message, message
    walk.axe(second_tab, "second submission refused")
    assert assessment.transitions.filter(action="resubmit").count() == 1

    walk.goto(coordinator, overview, "coordinator reviews again")
    message = _transition(coordinator, "Accept and lock")
    assert "now accepted" in message, message
    walk.axe(coordinator, "accepted")
    assessment.refresh_from_db()
    assert assessment.state == "accepted"

    walk.goto(lead, overview, "lead's overview, accepted")
    history = lead.locator("table", has=lead.locator("caption", has_text="History of the workflow"))
    steps = [words(t) for t in history.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    assert steps[-4:] == ["submitted", "returned with comments", "resubmitted", "accepted"], steps
    assert "Please add evidence for the police data." in history.inner_text()
    expect(lead.get_by_role("button", name="Submit", exact=True)).to_have_count(0)
    expect(lead.get_by_role("button", name="Resubmit", exact=True)).to_have_count(0)

    walk.goto(lead, section_path(assessment, "QOL"), "accepted answers are read-only")
    expect(lead.locator("main")).to_contain_text("not open for changes")
    expect(lead.locator("form.answer-form")).to_have_count(0)
    expect(lead.locator("input[name=status]")).to_have_count(0)

    walk.goto(lead, f"/assessments/{assessment.pk}/scores/", "scores")
    table = lead.locator("table", has=lead.locator("caption", has_text="Scores by dimension"))
    row = table.locator("tbody tr", has=lead.locator("th", has_text="Quality of life"))
    expect(row).to_have_count(1)
    expect(row.locator("td").first.locator("strong")).to_have_text(re.compile(r"^\d+(\.\d+)?$"))
    walk.assert_clean(minimum_checks=12)


# --- 2. French: a consensus assessment ----------------------------------------------------------

STATUS_LABELS = (
    "Do you have an answer?",
    "Yes, answer below",
    "Don't know",
    "Not applicable",
    "Data not collected",
)
RESPONDENT_STRINGS = (
    *STATUS_LABELS,
    "Your own answer: the lead sees everyone's answers and sets the agreed one.",
)
LEAD_STRINGS = (*STATUS_LABELS, "Person", "Answer")


def _check_french(page: Any, strings: tuple[str, ...], missing: set[str]) -> None:
    """Each string shows in French where the catalogue has it; else the English stands in."""
    text = words(page.locator("main").inner_text())
    for msgid in strings:
        shown, translated = french(msgid)
        if translated:
            assert words(shown) in text, f"{msgid!r} should show as {shown!r}"
        else:
            missing.add(msgid)
            assert msgid in text, f"{msgid!r} is untranslated and should show in English"


def test_consensus_assessment_in_french(walk: Walk) -> None:
    from saferspaces.assessments.models import IndividualAnswer

    walk.language = "fr"
    team = team_build()
    assessment = open_round(team, consensus=True).assessments.get()
    qol = section_path(assessment, "QOL")
    missing: set[str] = set()

    for user, value in ((team.respondent, "70"), (team.respondent2, "80")):
        page = walk.page_as(user)
        walk.goto(page, qol, f"{user} alone, in French")
        expect(page.locator("h1")).to_have_text("Qualité de vie")
        expect(page.locator("#q-QOL_P01-title")).to_contain_text(
            "Part des habitants satisfaits de vivre dans leur ville"
        )
        _check_french(page, RESPONDENT_STRINGS, missing)
        assert type_and_blur(page, "QOL_P01", value).status == 200
        wait_saved(page, "QOL_P01")
        walk.axe(page, f"{user}'s own answer saved")
    individual = dict(
        IndividualAnswer.objects.filter(assessment=assessment, code="QOL_P01").values_list(
            "user__full_name", "value"
        )
    )
    assert individual == {"Rémi Respondent": 70.0, "Sam Second": 80.0}
    assert _answer(assessment, "QOL_P01") is None  # nobody agreed yet

    lead = walk.page_as(team.lead)
    walk.goto(lead, qol, "lead sees the individual answers")
    table = lead.locator("#q-QOL_P01 .individual table")
    expect(table.locator("thead")).to_contain_text("Personne")
    expect(table.locator("thead")).to_contain_text("Réponse")
    rows = {
        words(r.locator("th").inner_text()): words(r.locator("td").first.inner_text())
        for r in table.locator("tbody tr").all()
    }
    assert set(rows) == {"Rémi Respondent", "Sam Second"}, rows
    assert "70" in rows["Rémi Respondent"] and "80" in rows["Sam Second"], rows
    _check_french(lead, LEAD_STRINGS, missing)
    assert type_and_blur(lead, "QOL_P01", "75").status == 200
    wait_saved(lead, "QOL_P01")
    walk.axe(lead, "lead set the agreed answer")
    agreed = _answer(assessment, "QOL_P01")
    assert (agreed.value, agreed.updated_by) == (75.0, team.lead)
    assert IndividualAnswer.objects.filter(assessment=assessment, code="QOL_P01").count() == 2

    respondent = walk.page_as(team.respondent)
    walk.goto(respondent, qol, "respondent sees the agreed answer")
    agreed_text, _translated = french("Agreed answer:")
    expect(respondent.locator("#q-QOL_P01 .individual")).to_contain_text(agreed_text)
    expect(respondent.locator("#q-QOL_P01 .individual")).to_contain_text("75")
    if missing:
        warnings.warn(
            "French translations missing (shown in English): " + "; ".join(sorted(missing)),
            stacklevel=1,
        )
    walk.assert_clean(minimum_checks=7)


# --- 3. An expired session mid-form -------------------------------------------------------------


def test_expired_session_keeps_the_answer_through_login(walk: Walk) -> None:
    team = team_build()
    assessment = open_round(team).assessments.get()
    qol = section_path(assessment, "QOL")
    page = walk.page_as(team.respondent)
    walk.goto(page, qol, "respondent fills in")

    other_tab = walk.page_in(page.context)
    walk.goto(other_tab, "/assessments/", "the list of assessments in another tab")
    with other_tab.expect_navigation():
        other_tab.get_by_role("button", name="Log out").click()
    other_tab.close()

    page.locator("#q-QOL_P01-value").fill("64")
    page.locator("#q-QOL_P01 details.comment summary").click()  # "Add a comment"
    page.locator("#q-QOL_P01-comment").fill("typed before lunch")
    page.locator("#q-QOL_P01-comment").press("Tab")
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    walk.axe(page, "login page after the session expired")
    assert _answer(assessment, "QOL_P01") is None

    log_in(page, team.respondent.email)
    page.wait_for_url(re.compile(re.escape(qol) + "(#q-QOL_P01)?$"))  # back at the question
    walk.axe(page, "back on the section with the kept answer")
    expect(page.locator(".messages")).to_contain_text("Your session had expired")
    expect(page.locator("#q-QOL_P01-value")).to_have_value("64")
    expect(page.locator("#q-QOL_P01-comment")).to_have_value("typed before lunch")
    assert _answer(assessment, "QOL_P01") is None  # kept, not saved behind the person's back

    with page.expect_response(is_save("QOL_P01")) as saved:
        page.locator("#q-QOL_P01 button[type=submit]", has_text="Save").click()
    assert saved.value.status == 200
    wait_saved(page, "QOL_P01")
    walk.axe(page, "kept answer saved")
    stored = _answer(assessment, "QOL_P01")
    assert (stored.value, stored.comment, stored.updated_by) == (
        64.0,
        "typed before lunch",
        team.respondent,
    )
    walk.assert_clean(minimum_checks=5)
