"""The registry: NUTS import (all or nothing), authorities with clear errors, the NUTS chain."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from saferspaces.authorities.models import Authority, AuthorityKind, NutsRegion
from saferspaces.authorities.services import authority_create, nuts_import
from saferspaces.core.nuts import NutsFileError
from saferspaces.errors import DomainError

pytestmark = pytest.mark.django_db


def test_import_real_registry_and_link_an_authority_to_its_chain(
    shared_data, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    report = nuts_import(path=shared_data / "nuts" / "NUTS2021-NUTS2024.csv")
    assert report.by_level == {1: 92, 2: 244, 3: 1165}
    assert report.created == 1501
    assert NutsRegion.objects.count() == 1501
    assert not NutsRegion.objects.filter(code__endswith="ZZZ").exists()
    again = nuts_import(path=shared_data / "nuts" / "NUTS2021-NUTS2024.csv")
    assert again.created == 0 and again.unchanged == 1501
    authority = authority_create(
        name="Ville test", country_code="FR", kind=AuthorityKind.CITY, nuts_code="FR101"
    )
    assert [r.code for r in authority.nuts_region.chain()] == ["FR101", "FR10", "FR1"]
    assert authority.nuts_level == 3


def test_import_command_reports_counts(shared_data) -> None:  # type: ignore[no-untyped-def]
    from io import StringIO

    out = StringIO()
    call_command("import-nuts", str(shared_data / "nuts" / "NUTS2021-NUTS2024.csv"), stdout=out)
    assert "NUTS 1: 92, NUTS 2: 244, NUTS 3: 1165" in out.getvalue()
    assert "609 empty rows" in out.getvalue()


def test_malformed_file_changes_nothing(tmp_path: Path) -> None:
    good_then_bad = (
        "Country code;NUTS Code;NUTS label;NUTS level\n"
        "BE;BE1;Bruxelles;1\nBE;BE10;Bruxelles;2\nBE;BE100;;3\n"
    )
    path = tmp_path / "nuts.csv"
    path.write_text(good_then_bad, encoding="utf-8")
    with pytest.raises(NutsFileError, match="line 4"):
        nuts_import(path=path)
    assert NutsRegion.objects.count() == 0
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import-nuts", str(path))
    with pytest.raises(CommandError, match="no such file"):
        call_command("import-nuts", str(tmp_path / "missing.csv"))


def test_console_script_reports_a_bad_file_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("not;a;nuts;file\n", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from saferspaces.cli import main; raise SystemExit(main())",
            "import-nuts",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "SAFERSPACES_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            "PATH": "/usr/bin:/bin",
        },
    )
    assert result.returncode != 0
    assert "missing column" in result.stderr
    assert "Traceback" not in result.stderr


def _region(code: str) -> None:
    for level in range(1, len(code) - 1):
        part = code[: 2 + level]
        NutsRegion.objects.get_or_create(
            code=part,
            defaults={
                "label": part,
                "level": level,
                "country_code": code[:2],
                "parent_id": part[:-1] if level > 1 else None,
            },
        )


def test_unknown_nuts_code_and_wrong_country() -> None:
    _region("DE300")
    with pytest.raises(DomainError) as caught:
        authority_create(name="X", country_code="DE", kind=AuthorityKind.CITY, nuts_code="DE999")
    assert caught.value.field == "nuts_code" and "Unknown NUTS code DE999" in caught.value.message
    with pytest.raises(DomainError, match="is in DE, not FR"):
        authority_create(name="X", country_code="FR", kind=AuthorityKind.CITY, nuts_code="DE300")
    assert Authority.objects.count() == 0


def test_duplicate_authority_is_refused() -> None:
    _region("DE300")
    authority_create(
        name="Tannfeld",
        country_code="DE",
        kind=AuthorityKind.CITY,
        nuts_code="DE300",
        lau_code="11000000",
    )
    with pytest.raises(DomainError) as caught:
        authority_create(
            name="tannfeld", country_code="DE", kind=AuthorityKind.MUNICIPALITY, nuts_code="DE300"
        )
    assert caught.value.field == "name"
    with pytest.raises(DomainError, match="LAU code 11000000 is already used"):
        authority_create(
            name="Other",
            country_code="DE",
            kind=AuthorityKind.CITY,
            nuts_code="DE300",
            lau_code="11000000",
        )
    assert Authority.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "kwargs", "message"),
    [
        ("name", {"name": "  "}, "Enter the authority's name"),
        ("country_code", {"country_code": "Germany"}, "two-letter country code"),
        ("kind", {"kind": "village"}, "Choose the kind"),
        ("languages", {"languages": ["German"]}, "ISO 639"),
        ("population", {"population": 10**19}, "population between 0 and 100000000"),
        ("population", {"population": -1}, "population between 0 and 100000000"),
    ],
)
def test_each_bad_field_is_named(field: str, kwargs: dict[str, object], message: str) -> None:
    _region("DE300")
    base: dict[str, object] = {
        "name": "Ok",
        "country_code": "DE",
        "kind": AuthorityKind.CITY,
        "nuts_code": "DE300",
    }
    base.update(kwargs)
    with pytest.raises(DomainError) as caught:
        authority_create(**base)  # type: ignore[arg-type]
    assert caught.value.field == field and message in caught.value.message


def test_a_cut_registry_is_refused_unless_asked_for_a_part(
    shared_data: Path, tmp_path: Path
) -> None:
    lines = (shared_data / "nuts" / "NUTS2021-NUTS2024.csv").read_bytes().split(b"\n")
    cut = tmp_path / "NUTS2021-NUTS2024.csv"
    cut.write_bytes(b"\n".join(lines[:1000]) + b"\n")
    with pytest.raises(CommandError) as caught:
        call_command("import-nuts", str(cut))
    assert "nothing imported" in str(caught.value) and "cut short" in str(caught.value)
    assert "--partial" in str(caught.value)
    assert NutsRegion.objects.count() == 0
    # a person who means to import only some countries says so
    whole_countries = [line for line in lines[:1000] if not line.startswith(b"IT;")]
    cut.write_bytes(b"\n".join(whole_countries) + b"\n")
    report = nuts_import(path=cut, partial=True)
    assert report.created == NutsRegion.objects.count() > 800
    assert not NutsRegion.objects.filter(country_code="SE").exists()


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from saferspaces.core.limits import FILE_MAX_BYTES

    big = tmp_path / "nuts.csv"
    with big.open("wb") as handle:
        handle.write(b"Country code;NUTS Code;NUTS label;NUTS level\n")
        handle.truncate(FILE_MAX_BYTES + 1)  # sparse: nothing written to the disk
    with pytest.raises(DomainError, match="larger than 10 MB"):
        nuts_import(path=big)
    assert NutsRegion.objects.count() == 0


def test_a_population_no_column_holds_is_refused_by_the_form() -> None:
    from django.test import Client

    from saferspaces.accounts.models import User

    _region("DE300")
    admin = User.objects.create_superuser("admin@example.org", "x")
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    sent = {"name": "Big", "country_code": "DE", "kind": "city", "nuts_code": "DE300"}
    response = client.post("/authorities/new/", {**sent, "population": "9" * 19})
    assert response.status_code == 400
    assert "less than or equal to 100000000" in response.content.decode()
    assert Authority.objects.count() == 0
