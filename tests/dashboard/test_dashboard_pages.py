"""The dashboard on the demo: profile, progress, peers as bands, learn from peers, explain,
sharing, a coordinator's round view and publishing, public results, chart downloads."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from saferspaces.assessments.models import Assessment, AssessmentState, Evidence, Round
from saferspaces.authorities.models import Authority
from saferspaces.dashboard.models import PeerSharing
from saferspaces.demo.generator import PERSONA_AUTHORITY
from saferspaces.results.computing import assessment_results_compute
from saferspaces.results.models import PeerProfile, PublishedAggregate, ResultFact, ResultRun

pytestmark = pytest.mark.django_db


def _persona() -> Authority:
    return Authority.objects.get(name=PERSONA_AUTHORITY)


def _pilot(authority: Authority) -> Assessment:
    return Assessment.objects.filter(authority=authority).order_by("round__period_end").first()  # type: ignore[return-value]


def _text(response: Any) -> str:
    return response.content.decode()


def test_profile_shows_perception_status_gap_coverage_and_progress(client_as: Any) -> None:
    a = _persona()
    page = _text(client_as("lead").get(f"/authorities/{a.slug}/dashboard/"))
    assert "Perception–status gap" in page
    assert "none imputed" in page and "from open data" in page
    assert "This assessment is not submitted" in page  # the latest is the persona's draft
    assert "Progress over time" in page and "Pilot round 2025" in page and "Round 2026" in page
    assert "within the uncertainty" in page or "beyond the uncertainty" in page
    # the pilot round, chosen explicitly, is accepted and complete: every gap can be read
    pilot = _pilot(a)
    page = _text(client_as("lead").get(f"/authorities/{a.slug}/dashboard/?assessment={pilot.pk}"))
    assert "Cannot be read" not in page.split('id="gap"')[1].split('id="progress"')[0]


def test_chart_data_downloads_match_the_table_and_bad_ones_are_404(client_as: Any) -> None:
    a = _persona()
    c = client_as("lead")
    r = c.get(f"/authorities/{a.slug}/dashboard/?chart=profile&format=csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert {row["Kind"] for row in rows} == {"Perception", "Status"}
    assert c.get(f"/authorities/{a.slug}/dashboard/?chart=nope&format=csv").status_code == 404
    assert c.get(f"/authorities/{a.slug}/dashboard/?chart=profile&format=pdf").status_code == 404
    r = c.get(f"/authorities/{a.slug}/dashboard/?chart=progress&format=xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_peers_are_a_band_with_the_median_and_no_names_unless_published(client_as: Any) -> None:
    a = _persona()
    pilot = _pilot(a)
    page = _text(client_as("lead").get(f"/assessments/{pilot.pk}/peers/"))
    assert "Middle half of similar authorities" in page and "Median" in page
    assert "No peer view" not in page
    published = set(
        PeerSharing.objects.filter(publish_results=True).values_list("authority__name", flat=True)
    )
    peer_ids = PeerProfile.objects.filter(round=pilot.round).exclude(authority=a)
    unpublished = [
        p.authority.name
        for p in peer_ids.select_related("authority")
        if p.authority.name not in published and p.authority.name != PERSONA_AUTHORITY
    ]
    learn = set(
        PeerSharing.objects.filter(open_to_contact=True).values_list("authority__name", flat=True)
    )
    section = page.split('id="peers-result"')[1].split('id="learn"')[0]
    for name in unpublished:
        assert f">{name}<" not in section, name
    learn_section = page.split('id="learn"')[1]
    for name in unpublished:
        if name not in learn:
            assert name not in learn_section, name


def test_strict_criteria_leave_too_few_peers_and_the_page_says_why(client_as: Any) -> None:
    pilot = _pilot(_persona())
    url = (
        f"/assessments/{pilot.pk}/peers/?criteria=1&same_kind=on&same_country=on"
        "&same_level=on&population_factor=1.5"
    )
    page = _text(client_as("lead").get(url))
    assert "No peer view" in page and "at least 5 are needed" in page
    assert "same country:" in page  # how many each criterion alone would leave
    assert "Middle half of similar authorities" not in page
    # nonsense in the query string falls back to the defaults instead of failing
    assert (
        client_as("lead")
        .get(f"/assessments/{pilot.pk}/peers/?criteria=1&population_factor=abc")
        .status_code
        == 200
    )


def test_learn_from_peers_lists_only_authorities_open_to_contact_by_name(client_as: Any) -> None:
    pilot = _pilot(_persona())
    page = _text(client_as("lead").get(f"/assessments/{pilot.pk}/peers/"))
    learn = page.split('id="learn"')[1]
    open_names = set(
        PeerSharing.objects.filter(open_to_contact=True).values_list("authority__name", flat=True)
    )
    shown = [part.split("</h4>")[0] for part in learn.split("<h4>")[1:]]
    assert shown, "the demo should suggest someone to learn from"
    assert set(shown) <= open_names  # only authorities that agreed to be contacted
    for dim_block in learn.split('class="learn-dimension"')[1:]:
        in_block = [p.split("</h4>")[0] for p in dim_block.split("<h4>")[1:]]
        assert in_block == sorted(in_block)  # by name, never by score
    assert "mailto:" in learn


def test_explain_goes_down_to_the_answer_weights_and_history(client_as: Any) -> None:
    pilot = _pilot(_persona())
    page = _text(client_as("respondent").get(f"/assessments/{pilot.pk}/explain/QOL_P01/"))
    assert "Effective weight" in page and "Contribution" in page and "History" in page
    assert client_as("lead").get(f"/assessments/{pilot.pk}/explain/NOPE/").status_code == 404


def test_sharing_needs_an_email_and_refuses_other_evidence(client_as: Any) -> None:
    a = _persona()
    c = client_as("lead")
    r = c.post(f"/authorities/{a.slug}/sharing/", {"open_to_contact": "on"})
    assert r.status_code == 422 and "contact email" in _text(r)
    assert not PeerSharing.objects.filter(authority=a).exists()
    other = Evidence.objects.exclude(assessment__authority=a).first()
    assert other is not None
    r = c.post(
        f"/authorities/{a.slug}/sharing/",
        {"open_to_contact": "on", "contact_email": "x@example.org", "shared_evidence": [other.pk]},
    )
    assert r.status_code == 422
    assert not PeerSharing.objects.filter(authority=a).exists()
    r = c.post(
        f"/authorities/{a.slug}/sharing/",
        {"open_to_contact": "on", "contact_email": "x@example.org", "publish_results": "on"},
    )
    assert r.status_code == 302
    s = PeerSharing.objects.get(authority=a)
    assert s.open_to_contact and s.publish_results and s.updated_by is not None


def test_publishing_enforces_the_minimum_and_changes_nothing_when_refused(
    client_as: Any, settings: Any
) -> None:
    rnd = Round.objects.order_by("period_end").first()
    assert rnd is not None
    c = client_as("coordinator")
    c.post(f"/rounds/{rnd.pk}/publish/", {"publish": ["QOL:all", "SOC:perception"]})
    assert set(PublishedAggregate.objects.values_list("node", "kind")) == {
        ("QOL", "all"),
        ("SOC", "perception"),
    }
    agg = PublishedAggregate.objects.get(node="QOL")
    assert agg.n >= 5 and agg.q1 <= agg.median <= agg.q3
    public = _text(client_as("anonymous").get("/results/"))
    assert "Quality of life" in public and PERSONA_AUTHORITY not in public
    settings.PEER_MINIMUM = 1000
    r = c.post(f"/rounds/{rnd.pk}/publish/", {"publish": ["QOL:all"]}, follow=True)
    assert "cannot be published" in _text(r)
    assert PublishedAggregate.objects.count() == 2  # unchanged
    page = _text(c.get(f"/rounds/{rnd.pk}/dashboard/"))
    assert "not shown" in page
    settings.PEER_MINIMUM = 5
    c.post(f"/rounds/{rnd.pk}/publish/", {})
    assert not PublishedAggregate.objects.exists()  # all withdrawn


def test_round_dashboard_has_participation_distributions_patterns_and_map(client_as: Any) -> None:
    rnd = Round.objects.order_by("-period_end").first()
    page = _text(client_as("coordinator").get(f"/rounds/{rnd.pk}/dashboard/"))
    for text in (
        "Participation and completion",
        "Scores across the network",
        "Perception against status",
        "Participating authorities",
        "Lower quartile",
    ):
        assert text in page
    r = client_as("coordinator").get(f"/rounds/{rnd.pk}/dashboard/?chart=patterns&format=csv")
    header = r.content.decode("utf-8-sig").splitlines()[0]
    assert header == "Dimension,Perception,Status"  # points carry no authority


def test_facts_follow_the_latest_run(client_as: Any, personas: Any) -> None:
    draft = Assessment.objects.get(authority=_persona(), state=AssessmentState.DRAFT)
    run = assessment_results_compute(assessment=draft, user=personas["lead"], trigger="on_demand")
    latest = ResultRun.objects.filter(assessment=draft).order_by("-computed_at", "-id").first()
    assert latest == run
    nodes = run.explanation["nodes"]
    facts = {(f.node, f.measure): f.value for f in ResultFact.objects.filter(assessment=draft)}
    assert {node for node, measure in facts if measure == "coverage"} == set(nodes)
    for code, node in nodes.items():
        assert facts[(code, "score")] == node["all"]["score"]
        assert facts[(code, "perception")] == node["perception"]["score"]
        assert facts[(code, "gap")] == node["gap"]["value"]
    profile = PeerProfile.objects.get(assessment=draft)
    assert profile.population == 184_300 and profile.kind == "city"


def test_rebuild_command_restores_the_index(demo: Any) -> None:
    from django.core.management import call_command

    before = ResultFact.objects.count()
    ResultFact.objects.all().delete()
    PeerProfile.objects.all().delete()
    out = io.StringIO()
    call_command("results", "rebuild", stdout=out)
    assert ResultFact.objects.count() == before > 0
    assert "rebuilt for" in out.getvalue()


def test_named_peers_come_a_page_at_a_time_by_name(client_as: Any, monkeypatch: Any) -> None:
    """The table of similar authorities that published their results is paged (at 100 000
    authorities a default group holds hundreds): every one of them on exactly one page, by
    name, the criteria kept by the links; a page past the last shows the last, a page that
    is not a number is no page."""
    from saferspaces.core.dashboard import PeerCriteria, peer_filter_build
    from saferspaces.dashboard import peers as dashboard_peers
    from saferspaces.results.peers import peer_facts, peer_filter_apply, peer_pool

    a = _persona()
    pilot = _pilot(a)
    wide = "criteria=1&population_factor=10"
    peers = PeerProfile.objects.filter(round=pilot.round, state__in=("submitted", "accepted"))
    names = sorted(peers.exclude(authority=a).values_list("authority__name", flat=True).distinct())
    PeerSharing.objects.filter(authority__name__in=names).update(publish_results=True)
    for authority in Authority.objects.filter(name__in=names).exclude(sharing__isnull=False):
        PeerSharing.objects.create(authority=authority, publish_results=True)
    monkeypatch.setattr(dashboard_peers, "NAMED_PER_PAGE", 2)
    lead = client_as("lead")
    url = f"/assessments/{pilot.pk}/peers/?{wide}"
    first = _text(lead.get(url))
    table = first.split('id="named"')[1].split("</table>")[0]
    shown = [n for n in names if f">{n}<" in table]
    view_named = int(first.split("Page 1 of ")[1].split("<")[0])
    assert len(shown) == 2 and view_named >= 3
    assert f'href="?{wide.replace("&", "&amp;")}&amp;named=2#named"' in first
    assert 'rel="prev"' not in first.split('id="named"')[1]
    seen: list[str] = []
    for page in range(1, view_named + 1):
        text = _text(lead.get(f"{url}&named={page}"))
        part = text.split('id="named"')[1].split("</table>")[0]
        seen += sorted((part.index(f">{n}<"), n) for n in names if f">{n}<" in part)
    in_order = [n for _at, n in seen]
    assert in_order == sorted(in_order) and len(set(in_order)) == len(in_order)
    target = peer_facts(PeerProfile.objects.get(assessment=pilot))
    group = peer_filter_apply(
        peer_pool(assessment=pilot),
        peer_filter_build(
            target=target, criteria=PeerCriteria(same_kind=False, population_factor=10.0)
        ),
    )
    assert set(in_order) == set(group.values_list("authority__name", flat=True))
    past = _text(lead.get(f"{url}&named=999"))
    assert f"Page {view_named} of {view_named}" in past
    for bad in ("0", "x", "-1", "1e3", "١"):
        assert lead.get(f"{url}&named={bad}").status_code == 404, bad
