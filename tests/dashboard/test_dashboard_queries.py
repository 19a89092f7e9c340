"""The profile and the peer view run a bounded number of queries, whatever the number of
authorities (issue 6): measured on the demo, then again after 30 more authorities joined the
persona's pilot round as close peers (same kind, similar population), really scored with the
round, a third of them open to contact and some publishing their results.

The profile reads only the authority's own assessments, so its count must not move. The peer
view runs a fixed number of queries: the peer set is a subquery (or, for the quartiles on
PostgreSQL, one array parameter), and the practice answers and shared evidence of every weak
dimension are read in two queries, so its count depends neither on the peers nor on the number of
weak dimensions.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kept_helpers import kept_as_committed
from saferspaces.assessments.models import Answer, Assessment, AssessmentState
from saferspaces.authorities.models import Authority
from saferspaces.dashboard.models import PeerSharing
from saferspaces.demo.generator import PERSONA_AUTHORITY
from saferspaces.results.computing import round_results_compute
from saferspaces.results.models import PeerProfile

pytestmark = pytest.mark.django_db

EXTRA = 30
# measured on the demo (two scored assessments; may the reader change sharing?): one more than
# before the results layer, as the scores come from the fact index and their explanation from
# the runs (one query each, whatever the number of assessments)
PROFILE_QUERIES = 10
# measured on the demo, with and without 30 more peers, wide or default criteria: the size of
# the pool is one read of the cache (kept from the first view) and the count of the reader's
# own assessments, where the round's peers were counted
PEER_QUERIES = 18


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _pages(client: Any) -> tuple[int, int, str]:
    a = Authority.objects.get(name=PERSONA_AUTHORITY)
    pilot = Assessment.objects.filter(authority=a).order_by("round__period_end").first()
    assert pilot is not None
    client.get(f"/authorities/{a.slug}/dashboard/")  # warm the per-process caches
    client.get(f"/assessments/{pilot.pk}/peers/")  # and the size of the pool (kept in the cache)
    profile = _count(client, f"/authorities/{a.slug}/dashboard/")
    peers = _count(client, f"/assessments/{pilot.pk}/peers/")
    page = client.get(f"/assessments/{pilot.pk}/peers/").content.decode()
    return profile, peers, page


def _join_peers(personas: Any) -> int:
    """EXTRA authorities like the persona's, with the answers of an accepted demo assessment of
    the pilot round, scored with the round; returns the new number of peers in the pool."""
    persona = Authority.objects.get(name=PERSONA_AUTHORITY)
    pilot = Assessment.objects.filter(authority=persona).order_by("round__period_end").first()
    assert pilot is not None and pilot.round is not None
    source = (
        Assessment.objects.filter(round=pilot.round, state=AssessmentState.ACCEPTED)
        .exclude(authority=persona)
        .first()
    )
    assert source is not None
    answers = list(Answer.objects.filter(assessment=source))
    for i in range(EXTRA):
        other = Authority.objects.create(
            name=f"Extra peer {i:02d}",
            slug=f"extra-peer-{i:02d}",
            country_code=persona.country_code,
            kind=persona.kind,
            nuts_region=persona.nuts_region,
            population=int((persona.population or 50_000) * (0.8 + i / 100)),
            area_km2=persona.area_km2,
        )
        other.networks.set(persona.networks.all())
        assessment = Assessment.objects.create(
            authority=other,
            round=pilot.round,
            edition=pilot.edition,
            title=pilot.title,
            state=AssessmentState.ACCEPTED,
        )
        Answer.objects.bulk_create(
            Answer(
                assessment=assessment,
                code=x.code,
                status=x.status,
                value=x.value,
                version=1,
            )
            for x in answers
        )
        if i % 3 == 0 or i % 7 == 0:
            PeerSharing.objects.create(
                authority=other,
                open_to_contact=i % 3 == 0,
                contact_email=f"peer{i}@example.org",
                publish_results=i % 7 == 0,
            )
    round_results_compute(round_=pilot.round, user=personas["coordinator"])
    return PeerProfile.objects.filter(round=pilot.round).exclude(authority=persona).count()


def _peer_bound() -> int:
    return PEER_QUERIES


def test_profile_and_peer_queries_do_not_grow_with_the_authorities(
    client_as: Any, personas: Any
) -> None:
    client = client_as("lead")
    profile_before, peers_before, page_before = _pages(client)
    assert profile_before <= PROFILE_QUERIES, profile_before
    assert peers_before <= _peer_bound(), peers_before
    assert "peers-result" in page_before  # a real peer view with bands, not a refusal

    pool = _join_peers(personas)
    assert pool >= EXTRA

    profile_after, peers_after, page_after = _pages(client)
    assert profile_after == profile_before, (profile_before, profile_after)
    assert peers_after <= _peer_bound(), (peers_before, peers_after)
    assert "Extra peer" in page_after  # the new authorities are peers (published or suggested)


def test_peer_view_queries_do_not_depend_on_the_group_size(client_as: Any) -> None:
    """Narrow and wide criteria (fewer or more peers) cost the same fixed queries."""
    a = Authority.objects.get(name=PERSONA_AUTHORITY)
    pilot = Assessment.objects.filter(authority=a).order_by("round__period_end").first()
    assert pilot is not None
    client = client_as("lead")
    client.get(f"/assessments/{pilot.pk}/peers/")
    wide = _count(client, f"/assessments/{pilot.pk}/peers/?criteria=1")
    default = _count(client, f"/assessments/{pilot.pk}/peers/")
    assert wide <= _peer_bound() and default <= _peer_bound(), (wide, default)


# the same page once the demo's profiles and sharing choices are committed: the round's peers
# and the sharing choices are kept in the process (one read of their versions, once a request,
# in place of the reading of the pool's count, the reader's own count, the group, the previous
# round's profiles and the group's sharing choices)
KEPT_PEER_QUERIES = 15


def test_peer_view_from_the_kept_round_tables_reads_fewer_queries(
    client_as: Any, personas: Any, monkeypatch: Any
) -> None:
    """Outside a transaction that changed profiles (a request after the commit), the group,
    the size of the pool and the previous round's scores come from the round tables kept in the
    process: two queries fewer (the group, the reader's own count; a round before adds none).
    After more peers joined and were committed, the database is read until the round may be
    read again, then the kept table is the new one."""
    from saferspaces.results import peers as peers_module
    from saferspaces.results.peers import ROUND_TABLE_READ_EVERY_S

    committed = kept_as_committed  # what the commit of the test's own transaction would do

    committed()
    client = client_as("lead")
    _profile, peers, page = _pages(client)
    assert peers <= KEPT_PEER_QUERIES < PEER_QUERIES, peers
    assert "peers-result" in page
    # the latest assessment's round has one before it: its scores come from that round's table
    a = Authority.objects.get(name=PERSONA_AUTHORITY)
    latest = Assessment.objects.filter(authority=a).order_by("round__period_end").last()
    assert latest is not None
    client.get(f"/assessments/{latest.pk}/peers/")
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/assessments/{latest.pk}/peers/")
    assert len(queries) <= KEPT_PEER_QUERIES, len(queries)
    assert any("assessments_round" in q["sql"] for q in queries)  # the round before was sought
    # the reader's own profile only: no group, no count, no profiles of the round before
    assert sum("results_peerprofile" in q["sql"] for q in queries) == 1
    _join_peers(personas)
    committed()
    # the round's table was read less than ROUND_TABLE_READ_EVERY_S ago: the database is read
    # until then (the new peers are there at once)
    _profile, peers_soon, page_soon = _pages(client)
    assert "Extra peer" in page_soon
    clock = peers_module._clock
    monkeypatch.setattr(peers_module, "_clock", lambda: clock() + ROUND_TABLE_READ_EVERY_S)
    _profile, peers_after, page_after = _pages(client)
    assert peers_after <= KEPT_PEER_QUERIES < peers_soon, (peers_after, peers_soon)
    assert "Extra peer" in page_after
