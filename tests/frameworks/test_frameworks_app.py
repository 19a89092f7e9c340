"""The frameworks app: storing editions, the browser pages, XLSForm download, upload, command."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from saferspaces.accounts.models import User
from saferspaces.core.framework import edition_load
from saferspaces.frameworks.models import FrameworkEdition
from saferspaces.frameworks.services import (
    EDITIONS_DIR,
    FrameworkUploadError,
    framework_edition_upload,
    framework_editions_sync_bundled,
)

pytestmark = pytest.mark.django_db

CORE_TESTS = Path(__file__).resolve().parents[1] / "core" / "framework"
MINI = CORE_TESTS / "fixtures" / "mini.yaml"
BROKEN = CORE_TESTS / "broken"
FIRST = EDITIONS_DIR / "ssf-2026.1.yaml"


@pytest.fixture
def admin_user() -> User:
    return User.objects.create_superuser("admin@example.org", "a-long-password-123")


@pytest.fixture
def plain_user() -> User:
    return User.objects.create_user("someone@example.org", "a-long-password-123")


def _next_edition_bytes() -> bytes:
    text = MINI.read_text(encoding="utf-8")
    return (
        text.replace("id: test-2026.1", "id: test-2027.1")
        .replace(
            "  previous: null\n",
            "  previous: test-2026.1\n  changes:\n"
            "    - {action: rename, from: SAF_S02, code: SAF_S04, note: {en: Clearer name, fr: Nom plus clair}}\n",
        )
        .replace("code: SAF_S02", "code: SAF_S04")
        .replace("{question: SAF_S02, in:", "{question: SAF_S04, in:")
        .encode("utf-8")
    )


def test_sync_bundled_is_idempotent() -> None:
    first = framework_editions_sync_bundled()
    assert "ssf-2026.1" in first.created
    again = framework_editions_sync_bundled()
    assert again.created == [] and "ssf-2026.1" in again.unchanged
    row = FrameworkEdition.objects.get(edition_id="ssf-2026.1")
    assert row.bundled and row.title["fr"]
    assert edition_load(text=row.source).id == "ssf-2026.1"


def test_upload_stores_a_valid_edition(admin_user: User) -> None:
    row = framework_edition_upload(user=admin_user, filename="mini.yaml", content=MINI.read_bytes())
    assert row.edition_id == "test-2026.1" and row.uploaded_by == admin_user
    assert len(row.sha256) == 64
    with pytest.raises(FrameworkUploadError) as info:
        framework_edition_upload(user=admin_user, filename="mini.yaml", content=MINI.read_bytes())
    assert "exists already" in info.value.message


def test_upload_refuses_a_broken_edition_with_the_report(admin_user: User) -> None:
    path = BROKEN / "dangling_relevance.yaml"
    with pytest.raises(FrameworkUploadError) as info:
        framework_edition_upload(user=admin_user, filename=path.name, content=path.read_bytes())
    (problem,) = info.value.problems
    assert problem.line == 33 and problem.path.endswith("relevant.question")
    assert FrameworkEdition.objects.count() == 0


def test_upload_checks_changes_against_the_stored_previous_edition(admin_user: User) -> None:
    framework_edition_upload(user=admin_user, filename="mini.yaml", content=MINI.read_bytes())
    bad = _next_edition_bytes().replace(b"from: SAF_S02", b"from: SAF_NOPE")
    with pytest.raises(FrameworkUploadError) as info:
        framework_edition_upload(user=admin_user, filename="next.yaml", content=bad)
    assert "SAF_NOPE" in info.value.problems[0].message


def test_upload_of_an_xlsform(admin_user: User, tmp_path: Path) -> None:
    out = tmp_path / "mini.xlsx"
    call_command("framework", "export-xlsform", str(MINI), "--out", str(out), stdout=io.StringIO())
    row = framework_edition_upload(user=admin_user, filename="mini.xlsx", content=out.read_bytes())
    assert edition_load(text=row.source) == edition_load(path=MINI)


def test_list_and_browser_in_english_and_french(client: Client) -> None:
    framework_editions_sync_bundled()
    response = client.get("/frameworks/")
    assert response.status_code == 200
    assert "ssf-2026.1" in response.content.decode()
    page = client.get("/frameworks/ssf-2026.1/")
    assert page.status_code == 200
    html = page.content.decode()
    edition = edition_load(path=FIRST)
    first_dim = edition.dimensions[0]
    assert first_dim.title["en"] in html
    some = next(ind for _, ind in edition.indicators())
    assert some.question["en"].replace("'", "&#x27;") in html
    assert "Checklist" in html and "What changed since the previous edition" in html
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    html_fr = client.get("/frameworks/ssf-2026.1/").content.decode()
    assert first_dim.title["fr"].replace("'", "&#x27;") in html_fr
    assert some.question["fr"].replace("'", "&#x27;") in html_fr


def test_browser_markup_is_accessible_and_csp_safe(client: Client) -> None:
    framework_editions_sync_bundled()
    html = client.get("/frameworks/ssf-2026.1/").content.decode()
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert " style=" not in html
    levels = [int(h) for h in re.findall(r"<h([1-6])[ >]", html)]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), "heading level skipped"
    assert html.count("<table") == html.count("<caption")
    assert '<th scope="col">' in html and '<th scope="row">' in html


def test_changes_since_previous_edition_are_shown(client: Client, admin_user: User) -> None:
    framework_edition_upload(user=admin_user, filename="mini.yaml", content=MINI.read_bytes())
    framework_edition_upload(user=admin_user, filename="next.yaml", content=_next_edition_bytes())
    html = client.get("/frameworks/test-2027.1/").content.decode()
    assert "Renamed" in html and "SAF_S02" in html and "SAF_S04" in html and "Clearer name" in html


def test_xlsform_download(client: Client) -> None:
    framework_editions_sync_bundled()
    response = client.get("/frameworks/ssf-2026.1/xlsform/")
    assert response.status_code == 200
    assert "ssf-2026.1.xlsx" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    assert {"survey", "choices", "settings"} <= set(wb.sheetnames)


def test_upload_page_permissions(client: Client, plain_user: User) -> None:
    response = client.get("/frameworks/upload/")
    assert response.status_code == 302  # log in first
    client.force_login(plain_user)
    assert client.get("/frameworks/upload/").status_code == 403


def test_upload_page_shows_the_report(client: Client, admin_user: User) -> None:
    client.force_login(admin_user)
    page = client.get("/frameworks/upload/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<label for="id_file">' in html
    path = BROKEN / "weights_dimensions.yaml"
    with path.open("rb") as fh:
        response = client.post("/frameworks/upload/", {"file": fh})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html and 'href="#id_file"' in html
    assert "add up to 90, not 100" in html and "<td>15</td>" in html
    with MINI.open("rb") as fh:
        ok = client.post("/frameworks/upload/", {"file": fh})
    assert ok.status_code == 302 and ok["Location"] == "/frameworks/test-2026.1/"


def test_command_validate_and_diff(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("framework", "validate", str(FIRST), stdout=out)
    assert "valid edition ssf-2026.1" in out.getvalue()
    with pytest.raises(CommandError) as info:
        call_command("framework", "validate", str(BROKEN / "unknown_key.yaml"))
    assert "unknown_key.yaml:23: dimensions[0].indicators[0].colour" in str(info.value)
    old = tmp_path / "test-2026.1.yaml"
    old.write_bytes(MINI.read_bytes())
    new = tmp_path / "test-2027.1.yaml"
    new.write_bytes(_next_edition_bytes())
    out = io.StringIO()
    call_command("framework", "diff", str(old), str(new), stdout=out)
    assert "rename   SAF_S02 -> SAF_S04" in out.getvalue()


def test_command_xlsform_round_trip_and_load(tmp_path: Path) -> None:
    xlsx = tmp_path / "first.xlsx"
    back = tmp_path / "back.yaml"
    call_command(
        "framework", "export-xlsform", str(FIRST), "--out", str(xlsx), stdout=io.StringIO()
    )
    call_command("framework", "import-xlsform", str(xlsx), "--out", str(back), stdout=io.StringIO())
    assert edition_load(path=back) == edition_load(path=FIRST)
    out = io.StringIO()
    call_command("framework", "load", str(MINI), stdout=out)
    assert "stored edition test-2026.1" in out.getvalue()
    with pytest.raises(CommandError) as info:
        call_command("framework", "load", str(BROKEN / "goalposts_equal.yaml"))
    assert "low == high" in str(info.value)
    with pytest.raises(CommandError):
        call_command("framework", "validate", str(tmp_path / "missing.yaml"))


def test_commands_read_a_workbook_without_an_extension(tmp_path: Path) -> None:
    """``import-xlsform`` and ``load`` tell an XLSForm by its content, not by its name."""
    xlsx = tmp_path / "mini.xlsx"
    call_command("framework", "export-xlsform", str(MINI), "--out", str(xlsx), stdout=io.StringIO())
    bare = tmp_path / "mini-form"
    xlsx.rename(bare)
    back = tmp_path / "back.yaml"
    call_command("framework", "import-xlsform", str(bare), "--out", str(back), stdout=io.StringIO())
    assert edition_load(path=back) == edition_load(path=MINI)
    out = io.StringIO()
    call_command("framework", "load", str(bare), stdout=out)
    assert "stored edition test-2026.1" in out.getvalue()
    pdf = tmp_path / "scan"
    pdf.write_bytes(b"%PDF-1.7\n")
    with pytest.raises(CommandError, match=r"scan.*it is a PDF document, not an Excel workbook"):
        call_command("framework", "import-xlsform", str(pdf), "--out", str(back))
    with pytest.raises(CommandError, match=r"missing.*No such file"):
        call_command("framework", "import-xlsform", str(tmp_path / "missing"), "--out", str(back))


def test_upload_of_an_xlsform_named_without_extension(admin_user: User, tmp_path: Path) -> None:
    out = tmp_path / "mini.xlsx"
    call_command("framework", "export-xlsform", str(MINI), "--out", str(out), stdout=io.StringIO())
    row = framework_edition_upload(user=admin_user, filename="form", content=out.read_bytes())
    assert edition_load(text=row.source) == edition_load(path=MINI)
