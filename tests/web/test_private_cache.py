"""``Cache-Control: private, no-store`` on everything sent to a signed-in person, over the URL x
persona matrix (pages, downloads, refusals, redirects), and nowhere else: anonymous public pages
and static files keep their caching."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from saferspaces.accounts.models import User
from saferspaces.assessments.evidence import evidence_add
from saferspaces.assessments.models import Assessment
from saferspaces.demo.assessments import ROUND_TITLES
from saferspaces.demo.generator import PERSONA_AUTHORITY, PERSONAS
from site_matrix import PERSONA_ORDER, fill_path, matrix_entries

pytestmark = pytest.mark.django_db

# pages that send ``never_cache`` headers themselves, to everyone
NEVER_CACHED = {"web:health", "account_login", "account_signup"}


def _client(key: str) -> Client:
    client = Client(raise_request_exception=False)
    if key != "anonymous":
        email = next(p.email for p in PERSONAS if p.key == key)
        client.force_login(User.objects.get(email=email))
    return client


def _directives(response: Any) -> set[str]:
    return {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",") if d}


def test_every_response_to_a_signed_in_person_is_private_and_not_stored(demo_module) -> None:  # type: ignore[no-untyped-def]
    clients = {key: _client(key) for key in PERSONA_ORDER}
    missing, public = [], []
    for name, (method, template, expected) in sorted(matrix_entries().items()):
        path = fill_path(template)
        # the signed-in persona who gets furthest (the page or the file), one who is refused or
        # sent elsewhere, and anonymous
        best = min(expected[k] for k in PERSONA_ORDER[1:])
        keys = {next(k for k in reversed(PERSONA_ORDER) if expected[k] == best)}
        keys |= {"outsider", "anonymous"}
        for key in sorted(keys):
            data = {"language": "fr", "next": "/"} if name == "set_language" else {}
            # a POST may end the session (the admin's log-out): each gets a client of its own
            client = _client(key) if method == "post" else clients[key]
            response = getattr(client, method)(path, data)
            if response.streaming:  # read to the end: the client then closes it
                b"".join(response.streaming_content)
            got = _directives(response)
            if key == "anonymous":
                if "no-store" in got and expected[key] == 200 and name not in NEVER_CACHED:
                    public.append(f"{name} as anonymous: {response.get('Cache-Control')}")
            elif not {"private", "no-store"} <= got:
                missing.append(f"{name} as {key} ({response.status_code}): {got or 'none'}")
    assert not missing, "responses to a signed-in person without private, no-store:\n" + "\n".join(
        missing
    )
    assert not public, "anonymous public pages lost their caching:\n" + "\n".join(public)


def test_an_evidence_file_is_private_and_not_stored(demo_module, tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    assessment = Assessment.objects.get(
        authority__name=PERSONA_AUTHORITY, round__title=ROUND_TITLES[-1]
    )
    lead = User.objects.get(email=next(p.email for p in PERSONAS if p.key == "lead"))
    pdf = SimpleUploadedFile("survey.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    evidence = evidence_add(
        assessment=assessment, code="QOL_P01", user=lead, source_name="Survey", file=pdf
    )
    response = _client("lead").get(f"/assessments/{assessment.pk}/evidence/{evidence.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert {"private", "no-store"} <= _directives(response)
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_static_files_keep_their_caching_for_a_signed_in_person(demo_module) -> None:  # type: ignore[no-untyped-def]
    response = _client("lead").get("/static/saferspaces/site.css")
    assert response.status_code == 200
    assert "no-store" not in _directives(response)
    assert "max-age" in _directives(response)
    if response.streaming:
        b"".join(response.streaming_content)
