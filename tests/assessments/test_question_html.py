"""The questions of the fill-in as HTML (``assessments.question_html``, written in Python for
speed): every value people typed is escaped, the markup nests, every label, description and
error link points at an element of the page, and the page speaks the reader's language."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from assessment_helpers import fill_all
from saferspaces.assessments.answering import answer_save
from saferspaces.assessments.evidence import evidence_add
from saferspaces.assessments.models import Answer
from saferspaces.assessments.selectors import assessment_sections

HX = {"HTTP_HX_REQUEST": "true"}
HOSTILE = "<script>alert(1)</script>\"'&amp;"
VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr"}


def _client(user: Any, language: str | None = None) -> Client:
    c = Client()
    c.force_login(user)
    if language:
        c.cookies["django_language"] = language
    return c


class _Page(HTMLParser):
    """Collects the open/close structure, the ids, the references to ids and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.references: list[tuple[str, str]] = []
        self.scripts: list[dict[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self.scripts.append(found)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        for name in ("for", "aria-labelledby", "aria-describedby"):
            for ref in (found.get(name) or "").split():
                self.references.append((name, ref))
        href = found.get("href") or ""
        if href.startswith("#") and len(href) > 1:
            self.references.append(("href", href[1:]))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parsed(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _questions(html: str) -> str:
    """The question blocks of a page, each a whole ``<section>``."""
    blocks = re.findall(r'<section class="question.*?\n</section>', html, re.S)
    assert blocks
    return "\n".join(blocks)


def test_what_people_typed_is_escaped_everywhere_it_is_shown(assessment, team) -> None:  # type: ignore[no-untyped-def]
    team.respondent.full_name = HOSTILE
    team.respondent.save()
    answer_save(
        assessment=assessment,
        code="QOL_P01",
        user=team.respondent,
        status="answered",
        raw="60",
        comment=f"</textarea>{HOSTILE}",
        expected_version=0,
    )
    evidence_add(
        assessment=assessment,
        code="QOL_P01",
        user=team.respondent,
        source_name=HOSTILE,
        year=2024,
        url='https://example.org/?q="><script>x</script>',
        file=SimpleUploadedFile(f"{HOSTILE}.txt", b"notes", content_type="text/plain"),
    )
    c = _client(team.respondent)
    pages = [
        c.get(f"/assessments/{assessment.pk}/s/QOL/").content.decode(),
        # a conflict shows their answer, their comment and who saved it
        c.post(
            f"/assessments/{assessment.pk}/q/QOL_P01/save/",
            {"status": "answered", "value": "50", "comment": HOSTILE, "version": "0"},
            **HX,
        ).content.decode(),
        # refused evidence and feedback come back with what was sent
        c.post(
            f"/assessments/{assessment.pk}/q/QOL_P01/evidence/",
            {"source_name": HOSTILE, "year": "20x4", "url": HOSTILE},
        ).content.decode(),
        c.post(
            f"/assessments/{assessment.pk}/q/QOL_P01/flag/",
            {"reason": HOSTILE, "note": HOSTILE},
        ).content.decode(),
    ]
    for html in pages:
        page = _parsed(_questions(html))
        assert page.scripts == []
        assert page.problems == []
        assert "</textarea><script>" not in html
    text = "".join(_parsed(_questions(pages[0])).text)
    assert HOSTILE in text  # shown as typed, as text
    assert f"</textarea>{HOSTILE}" in text
    conflict = "".join(_parsed(_questions(pages[1])).text)
    assert HOSTILE in conflict  # their answer's author, and my comment kept in the form
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;&amp;amp;"' in pages[2]


def test_every_reference_points_at_an_element_of_the_page(assessment, team) -> None:  # type: ignore[no-untyped-def]
    fill_all(assessment, team.lead)
    evidence_add(
        assessment=assessment,
        code="QOL_P01",
        user=team.lead,
        source_name="Police annual report",
        year=2024,
        url="https://example.org/report.pdf",
    )
    c = _client(team.lead)
    for section in assessment_sections(assessment=assessment):
        for page in section.pages:
            html = c.get(f"/assessments/{assessment.pk}/s/{section.code}/?page={page.number}")
            parsed = _parsed(html.content.decode())
            assert parsed.problems == [], (section.code, page.number)
            assert len(parsed.ids) == len(set(parsed.ids)), (section.code, page.number)
            missing = [ref for ref in parsed.references if ref[1] not in set(parsed.ids)]
            assert missing == [], (section.code, page.number)
    version = Answer.objects.get(assessment=assessment, code="QOL_P01").version
    for data in (
        {"status": "answered", "value": "420", "version": str(version)},  # refused: error link
        {"status": "answered", "value": "50", "version": "0"},  # a conflict
        {"status": "answered", "value": "50", "comment": "x" * 6000, "version": str(version)},
    ):
        r = c.post(f"/assessments/{assessment.pk}/q/QOL_P01/save/", data, **HX)
        assert r.status_code in (409, 422)
        parsed = _parsed(r.content.decode())
        assert parsed.problems == []
        assert [ref for ref in parsed.references if ref[1] not in set(parsed.ids)] == []


def test_a_french_page_speaks_french_and_writes_french_numbers(assessment, team) -> None:  # type: ignore[no-untyped-def]
    answer_save(
        assessment=assessment,
        code="QOL_P01",
        user=team.lead,
        status="answered",
        raw="60.5",
        expected_version=0,
    )
    html = _questions(
        _client(team.respondent, "fr").get(f"/assessments/{assessment.pk}/s/QOL/").content.decode()
    )
    block = html.split('id="q-QOL_P01"', 1)[1].split("</section>", 1)[0]
    assert 'name="value" value="60,5"' in block
    assert ">Enregistrer</button>" in block
    assert "Historique (1 modification)" in block
    for english in ("Save", "Add evidence", "Do you have an answer?", "Give feedback"):
        assert f">{english}<" not in html
