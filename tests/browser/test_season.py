"""A network's season in real Chromium, as a network such as Efus would run it on its own.

An administrator creates a network and its coordinator (who has no account yet: an invitation);
the coordinator accepts by creating the account, uploads a table of 30 authorities with their
leads (real NUTS 3 codes from the registry the test loads), sees the preview (first with
problems, then clean), confirms; the 30 leads get their invitations; the coordinator opens a
round, adds a late joiner (which gets its assessment in the open round) and sends an invitation
again; a lead accepts by creating the account and finds the assessment.

Then the season goes on: the coordinator extends the deadline (a date in the past refused
first); five more leads accept, one of them turns reminders off; the first lead chooses French
for her e-mails on /me/; the scheduled reminder command runs 14 days before the new deadline
(time injected) and reaches each team in its language, once; the leads fill in (the first one
partly through the browser, in French; the rest through the services) and submit, and the
coordinator is told each time; the coordinator returns one (its lead gets the comment by e-mail
and sees it at the top of the assessment), accepts the rest, sees who is late once the deadline
has passed, closes the round (drafts kept, marked not submitted) and publishes: the public
results count the five accepted assessments only, and say so. Every e-mail is read from the
test's mailbox; axe-core runs on every new page, in English and in French.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from browser.season_steps import season_goes_on  # type: ignore[import-not-found]
from browser.walk_helpers import Walk  # type: ignore[import-not-found]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "season-password-2026"
N_AUTHORITIES = 30


def _regions() -> list[Any]:
    """30 NUTS 3 regions of the imported registry, spread over the countries."""
    from saferspaces.authorities.models import NutsRegion

    by_country: dict[str, list[Any]] = {}
    for region in NutsRegion.objects.filter(level=3).order_by("code"):
        by_country.setdefault(region.country_code, []).append(region)
    picked: list[Any] = []
    while len(picked) < N_AUTHORITIES:
        for regions in by_country.values():
            if regions and len(picked) < N_AUTHORITIES:
                picked.append(regions.pop(0))
    return picked


def _table(regions: list[Any], *, broken: bool) -> str:
    lines = ["name,country,nuts,lau,population,lead_email,kind"]
    for i, region in enumerate(regions, start=1):
        population = f"{20_000 + 1_000 * i}"
        nuts = region.code
        if broken and i == 3:
            population = "about 40000"
        if broken and i == 7:
            nuts = region.country_code + "ZZZ"
        lines.append(
            f"Season town {i:02d},{region.country_code},{nuts},LAU-{i:02d},{population},"
            f"lead{i:02d}@town{i:02d}.example,municipality"
        )
    return "\n".join(lines) + "\n"


def _link(message: Any) -> str:
    found = re.search(r"https?://\S+(/invitations/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def _accept_with_new_account(walk: Walk, path: str, name: str, step: str) -> Any:
    page = walk.page_as(None)
    walk.goto(page, path, step)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create my account and accept").click()
    return page


def test_a_season_of_a_network_from_the_browser(
    browser: Any, live_server: Any, shared_data: Path
) -> None:
    from allauth.account.models import EmailAddress

    from saferspaces.accounts.models import Invitation, NetworkCoordinator, User
    from saferspaces.assessments.models import Assessment, Round
    from saferspaces.authorities.models import Authority, AuthorityKind, Network
    from saferspaces.authorities.services import authority_create, nuts_import
    from saferspaces.frameworks.services import framework_editions_sync_bundled

    nuts_import(path=shared_data / "nuts" / "NUTS2021-NUTS2024.csv")
    framework_editions_sync_bundled()
    admin = User.objects.create_superuser("admin@season.example", PASSWORD, full_name="Ada Admin")
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    regions = _regions()
    walk = Walk(browser, live_server)

    # 1. The administrator creates the network and grants its coordinator (no account yet).
    page = walk.page_as(admin)
    walk.goto(page, "/networks/", "networks")
    page.get_by_role("link", name="Create a network").click()
    page.wait_for_url("**/networks/new/")
    walk.axe(page, "create a network")
    page.get_by_role("button", name="Create the network").click()  # empty: an error summary
    expect(page.locator(".error-summary")).to_contain_text("Name")
    walk.axe(page, "create a network, with an error")
    page.get_by_label("Name").fill("Efus season 2026")
    page.get_by_label("Description").fill("Cities of the Efus working group on public spaces.")
    page.get_by_role("button", name="Create the network").click()
    page.wait_for_url("**/networks/efus-season-2026/")
    walk.axe(page, "network, as administrator")
    network = Network.objects.get(name="Efus season 2026")
    assert network.created_by == admin
    walk.goto(page, f"/networks/{network.slug}/edit/", "edit the network")
    walk.goto(page, f"/networks/{network.slug}/", "network again")
    page.get_by_label("E-mail address of the coordinator").fill("cora@efus.example")
    page.get_by_role("button", name="Add the coordinator").click()
    expect(page.locator(".messages")).to_contain_text("an invitation to coordinate")
    assert mail.outbox[-1].to == ["cora@efus.example"]

    # 2. The coordinator accepts the invitation by creating the account.
    page = _accept_with_new_account(
        walk, _link(mail.outbox[-1]), "Cora Coordinator", "coordinator invitation"
    )
    page.wait_for_url(f"**/networks/{network.slug}/")
    expect(page.locator(".messages")).to_contain_text("You now coordinate Efus season 2026")
    walk.axe(page, "network, as its new coordinator")
    cora = User.objects.get(email="cora@efus.example")
    assert NetworkCoordinator.objects.filter(user=cora, network=network).exists()

    # 3. The coordinator uploads 30 authorities: first with two mistakes, then corrected.
    page.get_by_role("link", name="Register authorities from a file").click()
    page.wait_for_url("**/register/")
    walk.axe(page, "register from a file")
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "efus.csv",
                "mimeType": "text/csv",
                "buffer": _table(regions, broken=True).encode(),
            }
        ],
    )
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/register/*/")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("2 problems: nothing can be registered")
    expect(summary).to_contain_text("Row 4, column population")
    expect(summary).to_contain_text("Row 8, column nuts")
    expect(page.get_by_role("button", name=re.compile("Confirm"))).to_have_count(0)
    walk.axe(page, "preview with problems")
    assert not Authority.objects.exists()
    page.get_by_role("link", name="Upload the corrected file").click()
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "efus.csv",
                "mimeType": "text/csv",
                "buffer": _table(regions, broken=False).encode(),
            }
        ],
    )
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/register/*/")
    confirm = page.get_by_role(
        "button", name="Confirm: register all 30 authorities and invite their leads"
    )
    expect(confirm).to_be_visible()
    walk.axe(page, "preview, clean")
    sent_before = len(mail.outbox)
    confirm.click()
    page.wait_for_url(f"**/networks/{network.slug}/")
    expect(page.locator(".messages")).to_contain_text("New authorities registered: 30")
    assert network.authorities.count() == N_AUTHORITIES
    leads = sorted(m.to[0] for m in mail.outbox[sent_before:])
    assert leads == [f"lead{i:02d}@town{i:02d}.example" for i in range(1, N_AUTHORITIES + 1)]
    town = Authority.objects.get(name="Season town 05")
    assert (town.nuts_region_id, town.lau_code, town.population) == (
        regions[4].code,
        "LAU-05",
        25_000,
    )

    # 4. The coordinator opens a round for the 30 authorities.
    page.get_by_role("link", name="Open an assessment round").click()
    page.get_by_label("Title").fill("Season 2026")
    today = dt.date.today()
    page.get_by_label("Period start").fill(f"{today.year - 1}-01-01")
    page.get_by_label("Period end").fill(f"{today.year - 1}-12-31")
    page.get_by_label("Deadline for submissions").fill((today + dt.timedelta(days=60)).isoformat())
    boxes = page.locator("input[name=authorities]")
    for i in range(boxes.count()):
        boxes.nth(i).check()
    page.get_by_role("button", name="Open the round").click()
    page.wait_for_url("**/rounds/*/")
    round_ = Round.objects.get(network=network)
    assert round_.assessments.count() == N_AUTHORITIES

    # 5. A late joiner, registered by the administrator, is added with its lead.
    late = authority_create(
        name="Late town",
        country_code=regions[0].country_code,
        kind=AuthorityKind.CITY,
        nuts_code=regions[0].code,
        population=88_000,
        created_by=admin,
    )
    walk.goto(page, f"/networks/{network.slug}/authorities/add/", "add a registered authority")
    page.get_by_label("Authority").select_option(str(late.pk))
    page.get_by_label("E-mail address of its lead").fill("lead@late.example")
    page.get_by_role("button", name="Add to the network").click()
    page.wait_for_url(f"**/networks/{network.slug}/")
    expect(page.locator(".messages")).to_contain_text("It has its assessment in the open round")
    assert Assessment.objects.get(authority=late).round == round_
    assert mail.outbox[-1].to == ["lead@late.example"]

    # 6. Invitations: listed, one sent again (the old link stops working).
    page.get_by_role("link", name="Invitations").click()
    page.wait_for_url("**/invitations/")
    walk.axe(page, "invitations")
    old_link = _link(next(m for m in mail.outbox if m.to == ["lead02@town02.example"]))
    page.get_by_role("button", name="Send the invitation of lead02@town02.example again").click()
    expect(page.locator(".messages")).to_contain_text("sent again to lead02@town02.example")
    assert Invitation.objects.get(email="lead02@town02.example").send_count == 2
    new_link = _link(mail.outbox[-1])
    assert new_link != old_link
    walk.axe(page, "invitations, after sending again")

    # 7. A lead accepts by creating the account, and finds the assessment.
    lead_page = _accept_with_new_account(
        walk, _link(mail.outbox[sent_before]), "Lea Lead", "lead invitation"
    )
    first_lead = mail.outbox[sent_before].to[0]
    number = first_lead[4:6]
    lead_page.wait_for_url(f"**/authorities/season-town-{number}-*/")
    expect(lead_page.locator(".messages")).to_contain_text(
        f"Welcome to the team of Season town {number}"
    )
    walk.axe(lead_page, "authority, as its new lead")
    expect(lead_page.locator("#team")).to_be_visible()
    walk.goto(lead_page, "/assessments/", "assessments of the new lead")
    expect(lead_page.get_by_role("link", name="Season 2026").first).to_be_visible()
    # The old link of the invitation sent again no longer works.
    stale = walk.page_as(None)
    assert stale.goto(old_link).status == 410

    # 8-15. The rest of the season (the round changes, reminders, filling in, review, closing,
    # publishing), with its pages in French too.
    french = Walk(browser, live_server, language="fr")
    season_goes_on(walk, french, round_=round_, cora=cora, page=page, lea_email=first_lead)

    # 16. Every new page of the first part in French.
    upload = network.uploads.order_by("created_at").first()
    invitation = (
        Invitation.objects.filter(accepted_at__isnull=True)
        .exclude(email="lead02@town02.example")
        .first()
    )
    assert upload is not None and invitation is not None
    admin_fr = french.page_as(admin)
    for path, step in (
        ("/networks/new/", "create a network (fr)"),
        (f"/networks/{network.slug}/", "network as administrator (fr)"),
        (f"/networks/{network.slug}/edit/", "edit the network (fr)"),
    ):
        french.goto(admin_fr, path, step)
    cora_fr = french.page_as(cora)
    for path, step in (
        (f"/networks/{network.slug}/", "network as coordinator (fr)"),
        (f"/networks/{network.slug}/register/", "register from a file (fr)"),
        (f"/networks/{network.slug}/register/{upload.pk}/", "preview with problems (fr)"),
        (f"/networks/{network.slug}/authorities/add/", "add an authority (fr)"),
        (f"/networks/{network.slug}/invitations/", "invitations (fr)"),
    ):
        french.goto(cora_fr, path, step)
    french.goto(french.page_as(None), new_link, "lead invitation (fr)")
    french.close()
    walk.close()
    walk.assert_clean(minimum_checks=26)
    french.assert_clean(minimum_checks=16)
