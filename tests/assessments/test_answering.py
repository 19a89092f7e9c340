"""Saving answers: versions, conflicts, explicit statuses, assignments, consensus, evidence."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from saferspaces.assessments.answering import AnswerConflict, answer_save, individual_answer_save
from saferspaces.assessments.evidence import evidence_add, evidence_remove
from saferspaces.assessments.models import Answer, AnswerRevision, Evidence, IndividualAnswer
from saferspaces.assessments.rounds import assignment_set
from saferspaces.errors import DomainError

PERCENT = "QOL_P01"  # a percentage with goalposts


def test_first_save_then_update_bumps_the_version_and_keeps_history(assessment, team) -> None:  # type: ignore[no-untyped-def]
    a1 = answer_save(
        assessment=assessment,
        code=PERCENT,
        user=team.respondent,
        status="answered",
        raw="81,5",
        expected_version=0,
    )
    assert (a1.version, a1.value, a1.status) == (1, 81.5, "answered")
    a2 = answer_save(
        assessment=assessment,
        code=PERCENT,
        user=team.lead,
        status="dont_know",
        raw="",
        comment="survey postponed",
        expected_version=1,
    )
    assert (a2.version, a2.value, a2.status) == (2, None, "dont_know")
    history = list(AnswerRevision.objects.filter(assessment=assessment, code=PERCENT))
    assert [(r.version, r.status, r.value, r.changed_by) for r in history] == [
        (2, "dont_know", None, team.lead),
        (1, "answered", 81.5, team.respondent),
    ]


def test_two_respondents_saving_the_same_answer_never_overwrite_silently(assessment, team) -> None:  # type: ignore[no-untyped-def]
    # both open the page at version 0; the first save wins, the second is refused
    answer_save(
        assessment=assessment,
        code=PERCENT,
        user=team.respondent,
        status="answered",
        raw="70",
        expected_version=0,
    )
    with pytest.raises(AnswerConflict) as info:
        answer_save(
            assessment=assessment,
            code=PERCENT,
            user=team.respondent2,
            status="answered",
            raw="90",
            expected_version=0,
        )
    assert info.value.current is not None and info.value.current.value == 70.0
    assert "Rémi Respondent" in info.value.message
    stored = Answer.objects.get(assessment=assessment, code=PERCENT)
    assert (stored.value, stored.version) == (70.0, 1)
    # the second person saw the conflict and decides to replace it, from the current version
    answer_save(
        assessment=assessment,
        code=PERCENT,
        user=team.respondent2,
        status="answered",
        raw="90",
        expected_version=1,
    )
    assert Answer.objects.get(assessment=assessment, code=PERCENT).value == 90.0
    assert AnswerRevision.objects.filter(assessment=assessment, code=PERCENT).count() == 2


def test_a_double_click_makes_no_new_version(assessment, team) -> None:  # type: ignore[no-untyped-def]
    answer_save(
        assessment=assessment,
        code=PERCENT,
        user=team.lead,
        status="answered",
        raw="70",
        expected_version=0,
    )
    again = answer_save(
        assessment=assessment,
        code=PERCENT,
        user=team.lead,
        status="answered",
        raw="70",
        expected_version=1,
    )
    assert again.version == 1
    assert AnswerRevision.objects.filter(assessment=assessment).count() == 1


@pytest.mark.parametrize(
    ("status", "raw", "field", "message"),
    [
        ("answered", "120", "value", "120 is above the maximum, 100."),
        ("answered", "many", "value", "“many” is not a number"),
        ("answered", "", "value", "An answer is needed"),
        ("not_applicable", "40", "value", "You chose “Not applicable” and also gave an answer"),
        ("perhaps", "", "status", "Choose whether you have an answer"),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(  # type: ignore[no-untyped-def]
    assessment, team, status: str, raw: str, field: str, message: str
) -> None:
    with pytest.raises(DomainError) as info:
        answer_save(
            assessment=assessment,
            code=PERCENT,
            user=team.lead,
            status=status,
            raw=raw,
            expected_version=0,
        )
    assert message in info.value.message
    assert info.value.field == field
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_unknown_question_and_outsiders_are_refused(assessment, team) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match="not a question"):
        answer_save(
            assessment=assessment,
            code="NOPE",
            user=team.lead,
            status="dont_know",
            raw=None,
            expected_version=0,
        )
    with pytest.raises(DomainError):
        answer_save(
            assessment=assessment,
            code=PERCENT,
            user=team.outsider,
            status="dont_know",
            raw=None,
            expected_version=0,
        )
    with pytest.raises(DomainError):
        answer_save(
            assessment=assessment,
            code=PERCENT,
            user=team.coordinator,
            status="dont_know",
            raw=None,
            expected_version=0,
        )
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_assigned_sections_are_edited_by_the_assignees_and_leads_only(assessment, team) -> None:  # type: ignore[no-untyped-def]
    assignment_set(
        assessment=assessment, section="QOL", user_ids=[team.respondent2.pk], by=team.lead
    )
    with pytest.raises(DomainError, match="assigned to other colleagues"):
        answer_save(
            assessment=assessment,
            code=PERCENT,
            user=team.respondent,
            status="dont_know",
            raw=None,
            expected_version=0,
        )
    answer_save(
        assessment=assessment,
        code=PERCENT,
        user=team.respondent2,
        status="dont_know",
        raw=None,
        expected_version=0,
    )
    answer_save(
        assessment=assessment,
        code=PERCENT,
        user=team.lead,
        status="answered",
        raw="80",
        expected_version=1,
    )
    # other sections stay open to everyone
    answer_save(
        assessment=assessment,
        code="CL_SCOPE_YEAR",
        user=team.respondent,
        status="answered",
        raw="2025",
        expected_version=0,
    )


def test_only_leads_assign_and_only_team_members(assessment, team) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError):
        assignment_set(
            assessment=assessment, section="QOL", user_ids=[team.respondent.pk], by=team.respondent
        )
    with pytest.raises(DomainError, match="team"):
        assignment_set(
            assessment=assessment, section="QOL", user_ids=[team.outsider.pk], by=team.lead
        )
    with pytest.raises(DomainError, match="Unknown part"):
        assignment_set(assessment=assessment, section="XYZ", user_ids=[], by=team.lead)


def test_consensus_individual_answers_then_the_lead_agrees(consensus_assessment, team) -> None:  # type: ignore[no-untyped-def]
    a = consensus_assessment
    individual_answer_save(
        assessment=a, code=PERCENT, user=team.respondent, status="answered", raw="60"
    )
    individual_answer_save(
        assessment=a, code=PERCENT, user=team.respondent2, status="answered", raw="80"
    )
    individual_answer_save(
        assessment=a, code=PERCENT, user=team.respondent2, status="answered", raw="85"
    )
    assert sorted(
        IndividualAnswer.objects.filter(assessment=a).values_list("value", flat=True)
    ) == [60.0, 85.0]
    with pytest.raises(DomainError, match="lead then sets"):
        answer_save(
            assessment=a,
            code=PERCENT,
            user=team.respondent,
            status="answered",
            raw="70",
            expected_version=0,
        )
    agreed = answer_save(
        assessment=a, code=PERCENT, user=team.lead, status="answered", raw="72", expected_version=0
    )
    assert agreed.value == 72.0


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_evidence_file_is_checked_on_its_content(assessment, team, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    ok = evidence_add(
        assessment=assessment,
        code=PERCENT,
        user=team.respondent,
        source_name="Resident survey 2024",
        year=2024,
        url="https://example.org/survey",
        file=_file("survey.pdf", b"%PDF-1.7\n" + b"x" * 100),
    )
    assert (ok.file_type, ok.file_size, ok.file_name) == ("application/pdf", 109, "survey.pdf")
    with pytest.raises(DomainError, match=r"named \.pdf but its content is a PNG"):
        evidence_add(
            assessment=assessment,
            code=PERCENT,
            user=team.respondent,
            source_name="x",
            file=_file("fake.pdf", b"\x89PNG\r\n\x1a\n" + b"x" * 50),
        )
    with pytest.raises(DomainError, match="not accepted"):
        evidence_add(
            assessment=assessment,
            code=PERCENT,
            user=team.respondent,
            source_name="x",
            file=_file("tool.exe", b"MZ" + b"x" * 50),
        )
    with pytest.raises(DomainError, match="https://"):
        evidence_add(
            assessment=assessment,
            code=PERCENT,
            user=team.respondent,
            source_name="x",
            url="javascript:alert(1)",
        )
    with pytest.raises(DomainError, match="year"):
        evidence_add(
            assessment=assessment, code=PERCENT, user=team.respondent, source_name="x", year=1066
        )
    settings.EVIDENCE_MAX_MB = 1
    with pytest.raises(DomainError, match="larger than 1 MB"):
        evidence_add(
            assessment=assessment,
            code=PERCENT,
            user=team.respondent,
            source_name="x",
            file=_file("big.txt", b"a" * (1024 * 1024 + 1)),
        )
    assert Evidence.objects.filter(assessment=assessment).count() == 1


def test_evidence_is_removed_by_its_author_or_a_lead(assessment, team) -> None:  # type: ignore[no-untyped-def]
    e = evidence_add(
        assessment=assessment, code=PERCENT, user=team.respondent, source_name="Police report"
    )
    with pytest.raises(DomainError):
        evidence_remove(evidence=e, user=team.respondent2)
    evidence_remove(evidence=e, user=team.lead)
    assert not Evidence.objects.filter(assessment=assessment).exists()


@pytest.mark.parametrize(
    ("language", "raw", "message"),
    [
        ("en", "42", "42 is below the minimum, 2000."),
        ("fr", "42", "42 est inférieur au minimum, 2000."),
        ("fr", "2024,5", "2024,5 n'est pas un nombre entier"),
        ("fr", "quarante", "«\u00a0quarante\u00a0» n'est pas un nombre"),
    ],
)
def test_refusals_are_written_in_the_page_language(  # type: ignore[no-untyped-def]
    assessment, team, language: str, raw: str, message: str
) -> None:
    from django.utils import translation

    with translation.override(language), pytest.raises(DomainError) as info:
        answer_save(
            assessment=assessment,
            code="CL_SCOPE_YEAR",  # a year from 2000 to 2100
            user=team.lead,
            status="answered",
            raw=raw,
            expected_version=0,
        )
    assert message in info.value.message
    assert "minimum 2000" not in info.value.message or language == "en"
    assert info.value.field == "value"
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_a_save_said_to_be_locked_needs_the_row_read_under_the_lock(assessment, team) -> None:  # type: ignore[no-untyped-def]
    """``locked=True`` (the save view's: the row read under its lock in the open transaction)
    is refused for another assessment's row or without one: nothing is saved unlocked."""
    from saferspaces.assessments.answering import answer_lock
    from saferspaces.assessments.models import Assessment

    other = Assessment.objects.exclude(pk=assessment.pk).first()
    assert other is not None
    for read in (None, other):
        with pytest.raises(RuntimeError):
            answer_lock(
                assessment_id=assessment.pk,
                code="QOL_P01",
                user=team.respondent,
                read=read,
                locked=True,
            )
    assert not Answer.objects.filter(assessment=assessment, code="QOL_P01").exists()
