"""The second half of the browser season (``test_season.py``): a round through its season, from
the extended deadline to the published results. Steps that would only repeat what the browser
already showed (four more leads accepting, filling in a hundred questions, four acceptances) go
through the services; everything new goes through the pages, with axe-core on each, in English
and in French. E-mails are read from the test's mailbox."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from assessment_helpers import fill_all
from browser.walk_helpers import Walk, type_and_blur, wait_saved  # type: ignore[import-not-found]

PASSWORD = "season-password-2026"
COMMENT = "Please give the source of the satisfaction figures (QOL_P04)."


def _token(message: Any) -> str:
    found = re.search(r"/invitations/([^/\s]+)/", message.body)
    assert found, message.body
    return found.group(1)


def _sent_since(count: int) -> list[Any]:
    return list(mail.outbox[count:])


def _town(round_: Any, number: str) -> Any:
    return round_.assessments.get(authority__name=f"Season town {number}")


def _leads_accept(*, lea_number: str, how_many: int) -> dict[str, Any]:
    """Leads of other towns accept their invitations (the service behind the page the first
    lead used); lead02's invitation was sent again, so it is left pending."""
    from saferspaces.accounts.services import invitation_accept_new_account

    leads: dict[str, Any] = {}
    for i in range(1, 31):
        number = f"{i:02d}"
        if number in (lea_number, "02") or len(leads) == how_many:
            continue
        email = f"lead{number}@town{number}.example"
        invitation = next(m for m in mail.outbox if m.to == [email])
        user, _granted = invitation_accept_new_account(
            token=_token(invitation),
            full_name=f"Lead of town {number}",
            password=PASSWORD,
            now=timezone.now(),
        )
        leads[number] = user
    return leads


def season_goes_on(
    walk: Walk, french: Walk, *, round_: Any, cora: Any, page: Any, lea_email: str
) -> None:
    from saferspaces.accounts.models import User
    from saferspaces.assessments.models import Assessment, Round
    from saferspaces.assessments.workflow import assessment_transition
    from saferspaces.notifications.services import preferences_update

    today = dt.date.today()
    lea = User.objects.get(email=lea_email)
    lea_number = lea_email[4:6]
    cora_fr = french.page_as(cora)

    # 8. The coordinator extends the deadline: a date in the past is refused first.
    walk.goto(page, f"/rounds/{round_.pk}/", "round page, before anyone started")
    expect(page.locator("#behind-title")).to_have_text("Not started yet")
    page.get_by_role("link", name="Change the title, deadline or participants").click()
    page.wait_for_url("**/edit/")
    walk.axe(page, "change the round")
    page.get_by_label("Deadline for submissions").fill((today - dt.timedelta(days=400)).isoformat())
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator(".error-summary")).to_contain_text("must not be in the past")
    walk.axe(page, "change the round, with an error")
    extended = today + dt.timedelta(days=74)
    page.get_by_label("Deadline for submissions").fill(extended.isoformat())
    page.get_by_role("button", name="Save the changes").click()
    page.wait_for_url(f"**/rounds/{round_.pk}/")
    expect(page.locator(".messages")).to_contain_text("The round Season 2026 is saved")
    round_.refresh_from_db()
    assert round_.deadline == extended and round_.assessments.count() == 31
    french.goto(cora_fr, f"/rounds/{round_.pk}/", "round page (fr)")
    french.goto(cora_fr, f"/rounds/{round_.pk}/edit/", "change the round (fr)")

    # 9. Five more leads accept (one turns reminders off); Lea wants her e-mails in French.
    leads = _leads_accept(lea_number=lea_number, how_many=5)
    quiet = next(iter(leads.values()))
    preferences_update(
        user=quiet,
        language="en",
        wanted={"returned": True, "accepted": True, "submitted": True, "reminder": False},
        now=timezone.now(),
    )
    lea_fr = french.page_as(lea)
    french.goto(lea_fr, "/me/", "my account and e-mails (fr)")
    lea_fr.locator("#id_language").select_option("fr")
    lea_fr.locator("#notifications button[type=submit]").click()
    lea_fr.wait_for_url(re.compile(r"/me/#notifications$"))
    french.axe(lea_fr, "my e-mail choices saved (fr)")
    lea.refresh_from_db()
    assert lea.language == "fr"

    # 10. Reminders, by the scheduled command, 14 days before the new deadline (time injected).
    count = len(mail.outbox)
    out = io.StringIO()
    moment = f"{(extended - dt.timedelta(days=14)).isoformat()}T08:00"
    call_command("rounds", "remind", "--now", moment, stdout=out)
    reminders = _sent_since(count)
    expected = [lea.email, *(u.email for u in leads.values() if u != quiet)]
    assert sorted(m.to[0] for m in reminders) == sorted(expected)
    to_lea = next(m for m in reminders if m.to == [lea.email])
    with translation.override("fr"):
        assert date_format(extended) in to_lea.body
    assert to_lea.extra_headers["Content-Language"] == "fr"
    assert "the 14-day reminder: 5 e-mail(s) to the teams of 5 authorities" in out.getvalue()
    assert "1 person(s) turned reminders off" in out.getvalue()
    assert "nobody has joined the team yet at" in out.getvalue() and "Late town" in out.getvalue()
    again = io.StringIO()
    call_command("rounds", "remind", "--now", moment.replace("T08", "T18"), stdout=again)
    assert "0 reminder e-mail(s) sent" in again.getvalue()  # never twice

    # 11. Lea fills in part of Quality of life in the browser (in French, a decimal comma), the
    # rest through the services, and submits; the other leads fill in and submit too.
    mine = _town(round_, lea_number)
    french.goto(lea_fr, f"/assessments/{mine.pk}/s/QOL/", "Quality of life, Lea (fr)")
    for code, value in (("QOL_P01", "71"), ("QOL_P02", "64,5"), ("QOL_P04", "58")):
        assert type_and_blur(lea_fr, code, value).status == 200
        wait_saved(lea_fr, code)
    french.axe(lea_fr, "Quality of life, three answers saved (fr)")
    assert mine.answers.get(code="QOL_P02").value == 64.5
    fill_all(mine, lea)
    french.goto(lea_fr, f"/assessments/{mine.pk}/", "Lea's assessment, every question done (fr)")
    count = len(mail.outbox)
    lea_fr.locator("form:has(input[name=action][value=submit]) button[type=submit]").click()
    expect(lea_fr.locator(".messages")).to_be_visible()
    mine.refresh_from_db()
    assert mine.state == "submitted"
    for number, lead in leads.items():
        theirs = _town(round_, number)
        fill_all(theirs, lead)
        assessment_transition(assessment=theirs, action="submit", user=lead)
    told = [m for m in _sent_since(count) if "submitted its assessment" in m.subject]
    assert [m.to for m in told] == [[cora.email]] * 6  # the coordinator, at each submission

    # 12. The coordinator returns one in the browser; its lead gets the comment by e-mail and
    # sees it at the top of the assessment, in English and in French.
    back_number = next(n for n in leads if leads[n] != quiet)
    back = _town(round_, back_number)
    walk.goto(page, f"/assessments/{back.pk}/", "a submitted assessment, as coordinator")
    page.get_by_label("Comments to the authority").fill(COMMENT)
    count = len(mail.outbox)
    page.get_by_role("button", name="Return with comments").click()
    expect(page.locator(".messages")).to_contain_text("returned with comments")
    [returned_mail] = _sent_since(count)
    assert returned_mail.to == [leads[back_number].email] and COMMENT in returned_mail.body
    its_lead = walk.page_as(leads[back_number])
    walk.goto(its_lead, f"/assessments/{back.pk}/", "returned assessment, as its lead")
    expect(its_lead.locator("#returned-title")).to_be_visible()
    expect(its_lead.locator(".notice").first).to_contain_text(COMMENT)
    french.goto(
        french.page_as(leads[back_number]), f"/assessments/{back.pk}/", "returned, its lead (fr)"
    )

    # 13. The coordinator accepts the rest: Lea's in the browser, four through the service.
    walk.goto(page, f"/assessments/{mine.pk}/", "Lea's submitted assessment, as coordinator")
    count = len(mail.outbox)
    page.get_by_role("button", name="Accept and lock").click()
    expect(page.locator(".messages")).to_contain_text("accepted")
    [accepted_mail] = _sent_since(count)
    assert accepted_mail.to == [lea.email]
    assert accepted_mail.extra_headers["Content-Language"] == "fr"
    for number in leads:
        if number != back_number:
            assessment_transition(
                assessment=_town(round_, number), action="accept", user=cora, comment=""
            )
    assert Assessment.objects.filter(round=round_, state="accepted").count() == 5

    # 14. Time passes (the deadline is moved to yesterday, as the live server reads the real
    # clock): the round page names who is late, by name; then the coordinator closes it.
    Round.objects.filter(pk=round_.pk).update(deadline=today - dt.timedelta(days=1))
    walk.goto(page, f"/rounds/{round_.pk}/", "round page, after the deadline")
    expect(page.locator("#behind-title")).to_contain_text("Late: not submitted by the deadline")
    behind = page.locator("section[aria-labelledby=behind-title]")
    expect(behind).to_contain_text("Late town")
    expect(behind).to_contain_text(f"Season town {back_number}")
    french.goto(cora_fr, f"/rounds/{round_.pk}/close/", "close the round (fr)")
    page.get_by_role("link", name="Close the round").click()
    page.wait_for_url("**/close/")
    walk.axe(page, "close the round")
    expect(page.locator("main")).to_contain_text("26 assessments not submitted")
    page.get_by_role("button", name="Close the round Season 2026").click()
    page.wait_for_url(f"**/rounds/{round_.pk}/")
    expect(page.locator(".messages")).to_contain_text("Round closed")
    walk.axe(page, "round page, closed")
    expect(page.locator("#behind-title")).to_have_text("Not submitted when the round closed")
    back.refresh_from_db()
    assert back.state == "returned" and back.not_submitted_at is not None
    french.goto(cora_fr, f"/rounds/{round_.pk}/", "round page, closed (fr)")

    # 15. The coordinator publishes; the public results count the accepted ones and say so.
    walk.goto(page, f"/rounds/{round_.pk}/dashboard/", "round dashboard, closed round")
    expect(page.locator("main")).to_contain_text(
        "Accepted: 5. Submitted and waiting for your review (not counted): 0."
    )
    page.locator("#pub-QOL-all").check()
    page.get_by_role("button", name="Publish the chosen distributions").click()
    expect(page.locator(".messages")).to_contain_text("1 distribution is now public")
    public = walk.page_as(None)
    walk.goto(public, "/results/", "published results")
    expect(public.locator("main")).to_contain_text(
        "Computed from the assessments accepted by the network's coordinators: 5 of the 31 "
        "authorities taking part"
    )
    french.goto(french.page_as(None), "/results/", "published results (fr)")
