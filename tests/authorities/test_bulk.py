"""Registering authorities from a table: every problem by row and column, the preview, and a
confirmation that registers, adds to the network, joins open rounds and invites, or does nothing."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import Workbook

from onboarding_helpers import World, round_open_for, world_build
from saferspaces.accounts.models import Invitation, Role
from saferspaces.accounts.services import invitation_create, membership_grant
from saferspaces.assessments.models import Assessment
from saferspaces.authorities.bulk import authority_bulk_preview, authority_bulk_register
from saferspaces.authorities.models import Authority, AuthorityKind, AuthorityUpload
from saferspaces.authorities.services import authority_create
from saferspaces.core.limits import AUTHORITY_TABLE_MAX_ROWS
from saferspaces.errors import DomainError

pytestmark = pytest.mark.django_db

HEADER = "name,country,nuts,lau,population,lead_email,kind\n"


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return world_build()


def _preview(world: World, text: str, name: str = "authorities.csv") -> AuthorityUpload:
    return authority_bulk_preview(
        network=world.network,
        filename=name,
        content=text.encode("utf-8"),
        by=world.coordinator,
        now=timezone.now(),
    )


def _problems(upload: AuthorityUpload) -> list[tuple[int, str, str]]:
    return [(p["row"], p["column"], p["message"]) for p in upload.problems]


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_written(world: World) -> None:
    authority_create(
        name="Ville existante", country_code="FR", kind=AuthorityKind.CITY, nuts_code="FR105"
    )
    text = HEADER + "\n".join(
        [
            "Ville bonne,FR,FR101,75056,2100000,lead@ville.example,city",  # 2: fine
            ",FR,FR101,,1000,a@x.example,",  # 3: no name
            "Gr city,GR,EL303,,1000,b@x.example,",  # 4: GR is EL in NUTS
            "Nowhere,FR,FR999,,1000,c@x.example,",  # 5: unknown NUTS
            "Wrong country,BE,FR101,,1000,d@x.example,",  # 6: region in another country
            "Level two,FR,FR10,12345,1000,e@x.example,",  # 7: LAU needs NUTS 3
            'Bad people,FR,FR101,,"12,5",f@x.example,',  # 8: population not a whole number
            "No people,FR,FR101,,0,g@x.example,",  # 9: population must be above 0
            "Bad mail,FR,FR101,,1000,not-an-address,",  # 10
            "Same mail,FR,FR101,,1000,LEAD@ville.example,",  # 11: lead of row 2 already
            "Ville bonne,FR,FR105,,1000,h@x.example,",  # 12: same name as row 2
            "Same LAU,FR,FR101,75056,1000,i@x.example,",  # 13: same LAU as row 2
            "Odd kind,FR,FR101,,1000,j@x.example,castle",  # 14
            "Ville existante,FR,FR101,,1000,k@x.example,",  # 15: registered in FR105
            ",,,,,,",  # blank line: skipped
        ]
    )
    upload = _preview(world, text)
    problems = _problems(upload)
    where = [(row, column) for row, column, _message in problems]
    assert where == [
        (3, "name"),
        (4, "country"),
        (5, "nuts"),
        (6, "nuts"),
        (7, "nuts"),
        (8, "population"),
        (9, "population"),
        (10, "lead_email"),
        (11, "lead_email"),
        (12, "name"),
        (13, "lau"),
        (14, "kind"),
        (15, "nuts"),
    ]
    messages = dict(((row, column), message) for row, column, message in problems)
    assert "NUTS writes this country EL" in messages[(4, "country")]
    assert "Unknown NUTS code FR999" in messages[(5, "nuts")]
    assert "FR101 is in FR, not BE" in messages[(6, "nuts")]
    assert "NUTS 3 region" in messages[(7, "nuts")]
    assert "whole number" in messages[(8, "population")]
    assert "not-an-address is not a valid" in messages[(10, "lead_email")]
    assert "lead of row 2" in messages[(11, "lead_email")]
    assert "Row 2 already registers Ville bonne" in messages[(12, "name")]
    assert "already registered in NUTS region FR105" in messages[(15, "nuts")]
    assert len(upload.rows) == 14
    assert Authority.objects.count() == 1 and not Invitation.objects.exists()
    with pytest.raises(DomainError, match="correct the problems"):
        authority_bulk_register(upload=upload, by=world.coordinator, now=timezone.now())
    assert Authority.objects.count() == 1 and not mail.outbox


def test_missing_and_doubled_columns_are_named(world: World) -> None:
    upload = _preview(world, "Name;Pays;Population;Lead e-mail;Nom\nA;FR;10;a@x.example;B\n")
    assert _problems(upload) == [
        (1, "Nom", "Two columns hold the same information (Name and Nom)."),
        (1, "nuts", "The column nuts is missing."),
    ]
    assert upload.rows == []


def test_a_file_that_is_not_a_table_is_refused_with_its_reason(world: World) -> None:
    for content, reason in (
        (b"%PDF-1.4 not a table", "it is a PDF document"),
        (b"", "the file is empty"),
        (HEADER.encode(), "holds no authority"),
    ):
        with pytest.raises(DomainError, match=reason) as caught:
            authority_bulk_preview(
                network=world.network,
                filename="list.csv",
                content=content,
                by=world.coordinator,
                now=timezone.now(),
            )
        assert caught.value.field == "file"
    too_many = HEADER + "".join(
        f"Town {i},FR,FR101,,1000,l{i}@x.example,\n" for i in range(AUTHORITY_TABLE_MAX_ROWS + 1)
    )
    with pytest.raises(DomainError, match=f"at most {AUTHORITY_TABLE_MAX_ROWS} authorities"):
        _preview(world, too_many)
    assert not AuthorityUpload.objects.exists()


def test_confirming_registers_joins_the_open_round_and_invites_all_at_once(world: World) -> None:
    today = timezone.localdate()
    founder = authority_create(
        name="Founder", country_code="FR", kind=AuthorityKind.CITY, nuts_code="FR101",
        networks=[world.network],
    )  # fmt: skip
    round_ = round_open_for(world, [founder], today=today)
    elsewhere = authority_create(
        name="Bruxelles-Ville", country_code="BE", kind=AuthorityKind.CITY, nuts_code="BE100",
        lau_code="21004", population=196_000, networks=[world.other_network],
    )  # fmt: skip
    lead = invitation_create(
        authority=founder, email="founder.lead@x.example", role=Role.LEAD,
        invited_by=world.coordinator, now=timezone.now(),
    )  # fmt: skip
    assert lead.invitation.pk
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["Nom", "Pays", "Code NUTS", "Code LAU", "Habitants", "Courriel du responsable", "Type"]
    )
    ws.append(
        ["Boulogne-Billancourt", "fr", "fr105", 92012, 121_000, "Lead@Boulogne.example", "Ville"]
    )
    ws.append(["Athina", "EL", "EL303", "", 643_452.0, "lead@athina.example", "city"])
    ws.append(["Bruxelles-Ville", "BE", "BE100", "21004", 200_000, "lead@bxl.example", ""])
    ws.append(["Founder", "FR", "FR101", None, 1000, "founder.lead@x.example", None])
    buf = io.BytesIO()
    wb.save(buf)
    upload = authority_bulk_preview(
        network=world.network, filename="efus.xlsx", content=buf.getvalue(),
        by=world.coordinator, now=timezone.now(),
    )  # fmt: skip
    assert upload.problems == []
    actions = {r["name"]: (r["action"], r["invite"], r["kind"]) for r in upload.rows}
    assert actions == {
        "Boulogne-Billancourt": ("new", True, "city"),
        "Athina": ("new", True, "city"),
        "Bruxelles-Ville": ("join", True, "municipality"),
        "Founder": ("member", False, "municipality"),
    }
    notes = {r["name"]: " ".join(r["notes"]) for r in upload.rows}
    assert "196000, is kept" in notes["Bruxelles-Ville"]
    assert "pending invitation" in notes["Founder"]
    sent_before = len(mail.outbox)

    result = authority_bulk_register(upload=upload, by=world.coordinator, now=timezone.now())
    assert (result.created, result.joined, result.invited, result.assessments) == (2, 3, 3, 3)
    boulogne = Authority.objects.get(name="Boulogne-Billancourt")
    assert (boulogne.lau_code, boulogne.population, boulogne.nuts_region_id) == (
        "92012",
        121_000,
        "FR105",
    )
    assert boulogne.created_by == world.coordinator
    assert set(world.network.authorities.values_list("name", flat=True)) == {
        "Founder", "Boulogne-Billancourt", "Athina", "Bruxelles-Ville",
    }  # fmt: skip
    assert Assessment.objects.filter(round=round_).count() == 4
    elsewhere.refresh_from_db()
    assert elsewhere.population == 196_000  # the file does not change a registered authority
    invited = sorted(m.to[0] for m in mail.outbox[sent_before:])
    assert invited == ["lead@athina.example", "lead@boulogne.example", "lead@bxl.example"]
    assert all(i.role == Role.LEAD for i in Invitation.objects.filter(email__in=invited))
    with pytest.raises(DomainError, match="registered already"):
        authority_bulk_register(upload=upload, by=world.coordinator, now=timezone.now())


def test_a_registry_change_after_the_preview_stops_the_confirmation(world: World) -> None:
    upload = _preview(
        world,
        HEADER + "Paris,FR,FR101,,2100000,lead@paris.example,city\n"
        "Nanterre,FR,FR105,,96000,lead@nanterre.example,\n",
    )
    assert upload.problems == []
    # Meanwhile, an administrator registers Nanterre in another region, and its lead joins it.
    nanterre = authority_create(
        name="Nanterre", country_code="FR", kind=AuthorityKind.CITY, nuts_code="FR101"
    )
    assert nanterre.pk
    with pytest.raises(DomainError, match="registry changed since the preview"):
        authority_bulk_register(upload=upload, by=world.coordinator, now=timezone.now())
    assert list(Authority.objects.values_list("name", flat=True)) == ["Nanterre"]
    assert not world.network.authorities.exists() and not mail.outbox
    upload.refresh_from_db()
    assert [(p["row"], p["column"]) for p in upload.problems] == [(3, "nuts")]
    with pytest.raises(DomainError, match="Only the network's coordinators"):
        authority_bulk_register(upload=upload, by=world.other_coordinator, now=timezone.now())


def test_an_existing_team_member_is_not_invited_again(world: World) -> None:
    city = authority_create(
        name="Ixelles", country_code="BE", kind=AuthorityKind.MUNICIPALITY, nuts_code="BE100"
    )
    membership_grant(user=world.outsider, authority=city, role=Role.LEAD)
    upload = _preview(world, HEADER + "ixelles,BE,BE100,,87000,outsider@example.eu,\n")
    row = upload.rows[0]
    assert (row["action"], row["invite"]) == ("join", False)
    assert "already in its team" in " ".join(row["notes"])
    result = authority_bulk_register(upload=upload, by=world.coordinator, now=timezone.now())
    assert (result.created, result.joined, result.invited) == (0, 1, 0) and not mail.outbox


def test_upload_preview_and_confirm_pages(world: World, client) -> None:  # type: ignore[no-untyped-def]
    base = f"/networks/{world.network.slug}/register/"
    client.force_login(world.coordinator)
    page = client.get(base).content.decode()
    assert "lead_email" in page and 'type="file"' in page
    template = client.get(base + "template.csv")
    assert template.content.decode("utf-8-sig").startswith(
        "name,country,nuts,lau,population,lead_email,kind"
    )
    bad = io.BytesIO((HEADER + "Paris,FR,FR101,,x,lead@paris.example,\n").encode())
    bad.name = "bad.csv"
    response = client.post(base, {"file": bad})
    upload = AuthorityUpload.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{base}{upload.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Row 2, column population" in page and 'href="#row-2"' in page
    assert "Confirm" not in page and "Upload the corrected file" in page
    good = io.BytesIO((HEADER + "Paris,FR,FR101,,2100000,lead@paris.example,\n").encode())
    good.name = "good.csv"
    location = client.post(base, {"file": good})["Location"]
    page = client.get(location).content.decode()
    assert page.index("Confirm: register") < page.index("<table")  # the button comes first
    response = client.post(location)
    assert (
        response.status_code == 302 and response["Location"] == f"/networks/{world.network.slug}/"
    )
    assert world.network.authorities.filter(name="Paris").exists()
    page = client.get(location).content.decode()
    assert "This file was registered on" in page and "Confirm" not in page
    pdf = io.BytesIO(b"%PDF-1.7 pretending")
    pdf.name = "list.csv"
    response = client.post(base, {"file": pdf})
    assert response.status_code == 400 and "it is a PDF document" in response.content.decode()
    client.force_login(world.other_coordinator)
    assert client.get(base).status_code == 403
    assert client.post(location).status_code == 403


@pytest.mark.parametrize("population", ["²", "١٢٣", "１２", "9" * 19])
def test_a_population_in_other_digits_or_too_large_is_a_problem(
    world: World, population: str
) -> None:
    upload = _preview(world, HEADER + f"Odd,FR,FR101,,{population},h@x.example,\n")
    assert _problems(upload) == [(2, "population", _problems(upload)[0][2])]
    assert not Authority.objects.filter(name="Odd").exists()
