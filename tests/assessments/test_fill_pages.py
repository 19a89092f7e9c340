"""The fill-in in pages of a few screens: no page shows more than PAGE_QUESTIONS_MAX questions,
each part lists its pages with how far each is done, "next question without an answer" leads
to the first question that applies and has none, headings are people's words, not codes, and
every count says what it counts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from saferspaces.assessments.answering import answer_save
from saferspaces.assessments.selectors import assessment_sections, assessment_unanswered
from saferspaces.core.framework.sections import PAGE_QUESTIONS_MAX

QUESTION_BLOCK = re.compile(r'<section class="question[^"]*" id="q-([A-Z0-9_]+)"')


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _page(c: Client, assessment: Any, section: str, page: int = 1) -> str:
    url = f"/assessments/{assessment.pk}/s/{section}/" + (f"?page={page}" if page > 1 else "")
    r = c.get(url)
    assert r.status_code == 200, url
    return r.content.decode()


def test_no_page_shows_more_than_a_few_questions_and_every_question_is_shown_once(
    assessment, team
) -> None:  # type: ignore[no-untyped-def]
    c = _client(team.respondent)
    seen: list[str] = []
    for section in assessment_sections(assessment=assessment):
        for page in section.pages:
            codes = QUESTION_BLOCK.findall(_page(c, assessment, section.code, page.number))
            assert 0 < len(codes) <= PAGE_QUESTIONS_MAX, (section.code, page.number)
            seen += codes
    everything = [q.code for s in assessment_sections(assessment=assessment) for q in s.questions]
    assert seen == everything


def test_the_contents_list_every_page_of_the_part_and_mark_the_current_one(
    assessment, team
) -> None:  # type: ignore[no-untyped-def]
    urb = next(s for s in assessment_sections(assessment=assessment) if s.code == "URB")
    html = _page(_client(team.respondent), assessment, "URB", 2)
    toc = html.split('id="toc-title"')[1].split("</nav>")[0]
    links = re.findall(r'<a href="([^"]+)"([^>]*)>([^<]+)</a>', toc)
    pages = [(href, attrs) for href, attrs, _text in links if "#q-" not in href]
    assert len(pages) == len(urb.pages)
    for page in urb.pages:
        assert page.title["en"] in toc
    current = [href for href, attrs in pages if 'aria-current="page"' in attrs]
    assert current == [f"/assessments/{assessment.pk}/s/URB/?page=2"]
    assert "(1 of 2)" in toc and "(2 of 2)" in toc  # a long group split in two, said so


def test_next_question_without_an_answer(assessment, team) -> None:  # type: ignore[no-untyped-def]
    c = _client(team.respondent)
    first, second = assessment_unanswered(assessment=assessment)[:2]
    html = _page(c, assessment, "checklist")
    link = re.search(r'class="next-unanswered"><a href="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    assert link.endswith(f"#q-{first}")
    answer_save(
        assessment=assessment,
        code=first,
        user=team.respondent,
        status="dont_know",
        raw=None,
        expected_version=0,
    )
    html = _page(c, assessment, "checklist")
    link = re.search(r'class="next-unanswered"><a href="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    assert link.endswith(f"#q-{second}")
    # from a later part, the next one is there, not back at the start
    html = _page(c, assessment, "URB")
    link = re.search(r'class="next-unanswered"><a href="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    urb_first = next(
        q.code
        for s in assessment_sections(assessment=assessment)
        if s.code == "URB"
        for q in s.questions
        if q.code in assessment_unanswered(assessment=assessment)
    )
    assert "/s/URB/" in link and link.endswith(f"#q-{urb_first}")
    r = c.get(link.split("#")[0])
    assert f'id="q-{urb_first}"' in r.content.decode()


def test_headings_are_words_not_codes(assessment, team) -> None:  # type: ignore[no-untyped-def]
    html = _page(_client(team.respondent), assessment, "QOL")
    for code in QUESTION_BLOCK.findall(html):
        heading = html.split(f'<h3 id="q-{code}-title">')[1].split("</h3>")[0]
        assert code not in heading and len(heading.strip()) > 10
    alone = _client(team.respondent).get(f"/assessments/{assessment.pk}/q/QOL_P01/")
    title = alone.content.decode().split("<title>")[1].split("</title>")[0]
    h1 = alone.content.decode().split("<h1>")[1].split("</h1>")[0]
    assert "QOL_P01" not in title and "QOL_P01" not in h1


@pytest.mark.parametrize("page", ["0", "99", "abc", "-1", "1e3", "٣"])
def test_a_page_that_does_not_exist_is_not_found(assessment, team, page: str) -> None:  # type: ignore[no-untyped-def]
    r = _client(team.respondent).get(f"/assessments/{assessment.pk}/s/QOL/", {"page": page})
    assert r.status_code == 404


def test_a_plain_save_returns_to_the_page_of_the_question(assessment, team) -> None:  # type: ignore[no-untyped-def]
    urb = next(s for s in assessment_sections(assessment=assessment) if s.code == "URB")
    last = urb.pages[-1].questions[-1]
    r = _client(team.lead).post(
        f"/assessments/{assessment.pk}/q/{last.code}/save/",
        {"status": "not_collected", "version": "0", "autosave": "0"},
    )
    assert r.status_code == 302
    assert r["Location"].endswith(f"/s/URB/?page={len(urb.pages)}#q-{last.code}")


def test_one_count_of_the_questions_that_apply_everywhere(assessment, team) -> None:  # type: ignore[no-untyped-def]
    c = _client(team.lead)
    detail = c.get(f"/assessments/{assessment.pk}/").content.decode()
    total = int(re.search(r"0 of the (\d+) questions that apply", detail).group(1))  # type: ignore[union-attr]
    assert total == len(assessment_unanswered(assessment=assessment))
    in_parts = 0
    for section in assessment_sections(assessment=assessment):
        html = _page(c, assessment, section.code)
        line = html.split('id="section-progress">')[1].split("</p>")[0]
        in_parts += int(re.search(r"0 of the (\d+) questions? that appl", line).group(1))  # type: ignore[union-attr]
    assert in_parts == total


def test_a_refused_submission_names_the_questions_in_words(assessment, team) -> None:  # type: ignore[no-untyped-def]
    from saferspaces.assessments.selectors import question_get
    from saferspaces.assessments.workflow import assessment_transition
    from saferspaces.errors import DomainError

    missing = assessment_unanswered(assessment=assessment)
    with pytest.raises(DomainError) as info:
        assessment_transition(assessment=assessment, action="submit", user=team.lead, comment="")
    message = info.value.message
    assert f"{len(missing)} questions have no answer yet" in message
    first = question_get(assessment=assessment, code=missing[0])
    assert first.question["en"].split()[0] in message
    assert not any(code in message for code in missing)


def test_in_a_consensus_assessment_my_own_answers_count_for_me(consensus_assessment, team) -> None:  # type: ignore[no-untyped-def]
    from saferspaces.assessments.answering import individual_answer_save

    first, second = assessment_unanswered(assessment=consensus_assessment)[:2]
    individual_answer_save(
        assessment=consensus_assessment,
        code=first,
        user=team.respondent,
        status="dont_know",
        raw=None,
        comment="",
    )

    def next_link(user: Any) -> str:
        html = _page(_client(user), consensus_assessment, "checklist")
        return re.search(r'class="next-unanswered"><a href="([^"]+)"', html).group(1)  # type: ignore[union-attr]

    assert next_link(team.respondent).endswith(f"#q-{second}")  # I answered the first
    assert next_link(team.respondent2).endswith(f"#q-{first}")  # my colleague did not
    assert next_link(team.lead).endswith(f"#q-{first}")  # no agreed answer yet
