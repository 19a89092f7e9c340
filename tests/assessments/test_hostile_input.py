"""Hostile text and numbers in the fill-in forms: a message at the field, never a 500, nothing
stored. PostgreSQL refuses NUL in text and JSON, so these also run in the PostgreSQL pass; on
SQLite the NUL would have been stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from saferspaces.assessments.answering import answer_save
from saferspaces.assessments.evidence import evidence_add
from saferspaces.assessments.models import Answer, Evidence, QuestionFlag, Round
from saferspaces.core.limits import COMMENT_MAX_CHARS
from saferspaces.errors import DomainError

HX = {"HTTP_HX_REQUEST": "true"}


def _client(user: Any) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def _q(a: Any, code: str, action: str) -> str:
    return f"/assessments/{a.pk}/q/{code}/{action}/"


@pytest.mark.parametrize("htmx", [False, True])
def test_a_nul_byte_in_a_comment_is_refused_at_the_comment(assessment, team, htmx) -> None:  # type: ignore[no-untyped-def]
    r = _client(team.respondent).post(
        _q(assessment, "QOL_P01", "save"),
        {"status": "answered", "value": "70", "comment": "survey\x002024", "version": "0"},
        **(HX if htmx else {}),
    )
    assert r.status_code == 422
    html = r.content.decode()
    assert "Comment: remove the control character U+0000 at position 7" in html
    assert 'href="#q-QOL_P01-comment"' in html  # the error summary leads to the field
    assert 'id="q-QOL_P01-comment" name="comment" rows="2" aria-invalid="true"' in html
    assert not Answer.objects.filter(assessment=assessment, code="QOL_P01").exists()


def test_a_nul_byte_in_a_text_answer_is_refused_at_the_answer(assessment, team) -> None:  # type: ignore[no-untyped-def]
    r = _client(team.respondent).post(
        _q(assessment, "CL_SCOPE_AREA", "save"),
        {"status": "answered", "value": "Centre\x00ville", "version": "0"},
        **HX,
    )
    assert r.status_code == 422
    html = r.content.decode()
    assert "Answer: remove the control character U+0000 at position 7" in html
    assert 'href="#q-CL_SCOPE_AREA-value"' in html
    assert not Answer.objects.filter(assessment=assessment, code="CL_SCOPE_AREA").exists()


def test_other_control_characters_and_overlong_comments_are_refused(assessment, team) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as bell:
        answer_save(
            assessment=assessment,
            code="QOL_P01",
            user=team.respondent,
            status="answered",
            raw="70",
            comment="ring \x07",
            expected_version=0,
        )
    assert bell.value.field == "comment" and "U+0007 at position 6" in bell.value.message
    with pytest.raises(DomainError) as long:
        answer_save(
            assessment=assessment,
            code="QOL_P01",
            user=team.respondent,
            status="answered",
            raw="70",
            comment="x" * (COMMENT_MAX_CHARS + 1),
            expected_version=0,
        )
    assert long.value.field == "comment"
    too_long = f"{COMMENT_MAX_CHARS + 1} characters, more than the {COMMENT_MAX_CHARS} allowed"
    assert too_long in long.value.message
    kept = answer_save(
        assessment=assessment,
        code="QOL_P01",
        user=team.respondent,
        status="answered",
        raw="70",
        comment="  Tab\tand lines\r\nare text  ",
        expected_version=0,
    )
    assert kept.comment == "Tab\tand lines\r\nare text"


@pytest.mark.parametrize(
    ("field", "value", "anchor", "message"),
    [
        ("source_name", "Survey\x00", "ev-source", "Source: remove the control character U+0000"),
        ("url", "https://example.org/\x00a", "ev-url", "Link: remove the control character U+0000"),
        ("url", "https://example.org/" + "a" * 500, "ev-url", "Link: 520 characters"),
        ("year", "²⁰²⁴", "ev-year", "Enter the year as four digits"),
        ("year", "٢٠٢٤", "ev-year", "Enter the year as four digits"),
        ("year", "9" * 5000, "ev-year", "Enter the year as four digits"),
    ],
)
def test_hostile_evidence_is_refused_at_its_field_and_the_form_is_kept(  # type: ignore[no-untyped-def]
    assessment, team, field, value, anchor, message
) -> None:
    sent = {"source_name": "City survey", "year": "2024", "url": "", field: value}
    r = _client(team.respondent).post(_q(assessment, "QOL_P01", "evidence"), sent)
    assert r.status_code == 422
    html = r.content.decode()
    assert message in html
    assert f'href="#q-QOL_P01-{anchor}"' in html
    assert "<details open>" in html  # the evidence form stays open, with what was typed
    if field != "source_name":
        assert 'value="City survey"' in html
    assert not Evidence.objects.filter(assessment=assessment).exists()


def test_a_year_in_ascii_digits_is_still_accepted(assessment, team) -> None:  # type: ignore[no-untyped-def]
    r = _client(team.respondent).post(
        _q(assessment, "QOL_P01", "evidence"), {"source_name": "City survey", "year": " 2024 "}
    )
    assert r.status_code == 302
    assert Evidence.objects.get(assessment=assessment).year == 2024


def test_a_nul_byte_in_a_flag_note_is_refused_at_the_note(assessment, team) -> None:  # type: ignore[no-untyped-def]
    r = _client(team.respondent).post(
        _q(assessment, "QOL_P01", "flag"), {"reason": "unclear", "note": "which\x00survey?"}
    )
    assert r.status_code == 422
    html = r.content.decode()
    assert "Note: remove the control character U+0000 at position 6" in html
    assert 'href="#q-QOL_P01-fl-note"' in html
    assert '<details class="flag" open>' in html and 'value="unclear" required checked' in html
    assert not QuestionFlag.objects.exists()


def test_evidence_service_refuses_an_overlong_source(assessment, team) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as refused:
        evidence_add(assessment=assessment, code="QOL_P01", user=team.lead, source_name="s" * 301)
    assert refused.value.field == "source_name" and "301 characters" in refused.value.message


@pytest.mark.parametrize("version", ["²", "١", "9" * 5000, "+1"])
def test_a_version_in_other_digits_is_a_conflict_not_a_crash(assessment, team, version) -> None:  # type: ignore[no-untyped-def]
    r = _client(team.respondent).post(
        _q(assessment, "QOL_P01", "save"),
        {"status": "answered", "value": "70", "version": version},
        **HX,
    )
    assert r.status_code == 409
    assert not Answer.objects.filter(assessment=assessment, code="QOL_P01").exists()


@pytest.mark.parametrize("authority", ["9" * 30, "²", "-9223372036854775809"])
def test_an_authority_id_that_no_column_holds_is_an_invalid_choice(team, authority) -> None:  # type: ignore[no-untyped-def]
    today = dt.date.today()
    r = _client(team.coordinator).post(
        f"/networks/{team.network.slug}/rounds/new/",
        {
            "title": "Round with a strange id",
            "edition": "ssf-2026.1",
            "period_start": f"{today.year - 1}-01-01",
            "period_end": f"{today.year - 1}-12-31",
            "deadline": (today + dt.timedelta(days=30)).isoformat(),
            "authorities": [str(team.authority.pk), authority],
        },
    )
    assert r.status_code == 200  # the form again, with the message at the field
    assert "is not a valid value" in r.content.decode()
    assert not Round.objects.filter(title="Round with a strange id").exists()
