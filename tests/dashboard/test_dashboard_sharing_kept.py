"""The peers' sharing choices kept in each process (``dashboard.sharing``, issue 18): the same
answers as the database, read once per version, read again after every kind of change, and
never a name or a contact shown that is no longer shared, even from a copy out of date."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kept_helpers import kept_as_committed
from saferspaces.assessments.models import Assessment
from saferspaces.authorities.models import Authority
from saferspaces.core.dashboard import PeerCriteria
from saferspaces.dashboard.models import PeerSharing
from saferspaces.dashboard.peers import learn_from_peers, peer_view
from saferspaces.dashboard.services import sharing_update
from saferspaces.dashboard.sharing import SHARING_VERSION_KEY, group_sharing, sharing_sets
from saferspaces.demo.generator import PERSONA_AUTHORITY
from saferspaces.results.peers import POOL_COUNT_TTL_S
from saferspaces.results.selectors import scored_read

sharing_module = importlib.import_module("saferspaces.dashboard.sharing")
kept_module = importlib.import_module("saferspaces.kept")

WIDE = PeerCriteria(same_kind=False, population_factor=None)


def _reads() -> tuple[int, bool]:
    """(the queries of the sharing choices, whether a kept copy was returned)."""
    with CaptureQueriesContext(connection) as queries:
        sets = sharing_sets()
    return sum("dashboard_peersharing" in q["sql"] for q in queries), sets is not None


def _shared(authority_ids: np.ndarray) -> tuple[list[bool], list[bool]]:
    open_to_contact, published = group_sharing(authority_ids=authority_ids)
    return open_to_contact.tolist(), published.tolist()


@pytest.mark.django_db
def test_the_kept_sharing_choices_are_the_databases(demo: Any) -> None:
    """Every authority's choices (with some ids that are no authority's) are the same from the
    copy kept and from the database, in any order; an empty group shares nothing."""
    kept_as_committed()
    ids = np.array([*Authority.objects.values_list("pk", flat=True), 0, 10**9, -1], dtype=np.int64)
    np.random.default_rng(1).shuffle(ids)
    rows = {
        s.authority_id: (s.open_to_contact, s.publish_results) for s in PeerSharing.objects.all()
    }
    expected = (
        [rows.get(int(i), (False, False))[0] for i in ids],
        [rows.get(int(i), (False, False))[1] for i in ids],
    )
    assert any(expected[0]) and any(expected[1]) and not all(expected[0])
    assert _reads() == (1, True)
    with CaptureQueriesContext(connection) as queries:
        assert _shared(ids) == expected  # from the copy: no query
    assert not [q for q in queries if "dashboard_peersharing" in q["sql"]]
    with transaction.atomic():  # the database
        assert sharing_sets() is None
        assert _shared(ids) == expected
    assert _shared(np.array([], dtype=np.int64)) == ([], [])


@pytest.mark.django_db
def test_the_sharing_choices_are_read_once_per_version(
    demo: Any, personas: Any, monkeypatch: Any
) -> None:
    """Read once, then kept (the version read with the profiles' in one query); after each
    kind of change once committed (the lead's service, a plain save as the admin makes, a
    deletion, an authority's deletion, the demo's bulk write) read again; the transaction that
    made the change and a transaction of its own read the database."""
    from django.core.cache import cache

    assert _reads() == (0, False)  # the demo wrote them in this transaction
    kept_as_committed()
    assert _reads() == (1, True)
    assert _reads() == (0, True)
    with transaction.atomic():
        assert _reads() == (0, False)
    persona = Authority.objects.get(name=PERSONA_AUTHORITY)

    def after(change: Any, check: Any) -> None:
        change()
        assert _reads() == (0, False)  # this transaction changed them
        kept_as_committed()
        assert cache.get(SHARING_VERSION_KEY) is None
        assert _reads() == (1, True)
        assert check()
        assert _reads() == (0, True)

    def persona_open() -> bool:
        sets = sharing_sets()
        return sets is not None and persona.pk in sets.open_to_contact.tolist()

    after(
        lambda: sharing_update(
            authority=persona,
            user=personas["lead"],
            open_to_contact=True,
            contact_name="Safety team",
            contact_email="safety@example.org",
            note="",
            publish_results=False,
            shared_evidence=[],
        ),
        persona_open,
    )
    row = PeerSharing.objects.get(authority=persona)

    def close() -> None:
        row.open_to_contact = False
        row.save()

    after(close, lambda: not persona_open())
    after(lambda: PeerSharing.objects.filter(pk=row.pk).delete(), lambda: not persona_open())
    other = Authority.objects.create(
        name="Leaving town",
        slug="leaving-town",
        country_code=persona.country_code,
        nuts_region=persona.nuts_region,
    )
    PeerSharing.objects.create(authority=other, publish_results=True)
    kept_as_committed()

    def published(pk: int) -> bool:
        sets = sharing_sets()
        return sets is not None and pk in sets.published.tolist()

    assert published(other.pk)
    after(other.delete, lambda: not published(other.pk))
    # kept at most as long as a count of peers, should a change bypass every writer
    clock = sharing_module._clock
    monkeypatch.setattr(sharing_module, "_clock", lambda: clock() + POOL_COUNT_TTL_S)
    assert _reads() == (1, True)


@pytest.mark.django_db
def test_a_stale_copy_never_shows_a_name_or_a_contact_no_longer_shared(demo: Any) -> None:
    """Choices changed behind every writer's back (an update, which sends no signal) leave
    the kept copy out of date: the counts may follow the copy, but the names of peers that
    published and the contacts of peers to learn from are asked of the database again."""
    kept_as_committed()
    persona = Authority.objects.get(name=PERSONA_AUTHORITY)
    candidates = Assessment.objects.filter(authority=persona).exclude(round=None)
    for a in candidates.order_by("round__period_end"):
        scored = scored_read(assessment=a)
        if scored is None:
            continue
        view = peer_view(scored=scored, criteria=WIDE)
        learn = learn_from_peers(scored=scored, view=view, language="en")
        contacts = [p["sharing"].authority_id for dim in learn for p in dim["peers"]]
        if view.named and contacts:
            break
    else:
        pytest.fail("no peer view of the persona names peers and suggests contacts")
    assert sharing_sets() is not None  # the views read the copy
    hidden = view.named[0]["authority"]["pk"]
    closed = contacts[0]
    shown = {dim["code"]: (len(dim["peers"]), dim["more"]) for dim in learn}
    with connection.cursor() as cursor:  # behind the back of every writer
        cursor.execute(
            "UPDATE dashboard_peersharing SET publish_results = %s WHERE authority_id = %s",
            [False, hidden],
        )
        cursor.execute(
            "UPDATE dashboard_peersharing SET open_to_contact = %s WHERE authority_id = %s",
            [False, closed],
        )
    sets = sharing_sets()
    assert sets is not None and hidden in sets.published.tolist()  # out of date
    assert closed in sets.open_to_contact.tolist()
    again = peer_view(scored=scored, criteria=WIDE)
    assert hidden not in [n["authority"]["pk"] for n in again.named]
    learn = learn_from_peers(scored=scored, view=again, language="en")
    assert closed not in [p["sharing"].authority_id for dim in learn for p in dim["peers"]]
    assert all(p["sharing"].open_to_contact for dim in learn for p in dim["peers"])
    # the one refused takes no place: the next one confirmed takes it
    for dim in learn:
        before, more = shown[dim["code"]]
        if more:
            assert len(dim["peers"]) == before, dim["code"]


@pytest.mark.django_db
def test_writes_in_bulk_make_the_kept_copies_out_of_date(demo: Any) -> None:
    """An update, a bulk creation and a bulk update of sharing choices send no signal: the
    queryset forgets the version for them."""
    kept_as_committed()
    persona = Authority.objects.get(name=PERSONA_AUTHORITY)
    assert _reads() == (1, True)
    PeerSharing.objects.bulk_create([PeerSharing(authority=persona, open_to_contact=True)])
    assert _reads() == (0, False)
    kept_as_committed()
    assert _reads() == (1, True)
    PeerSharing.objects.filter(authority=persona).update(publish_results=True)
    assert _reads() == (0, False)
    kept_as_committed()
    sets = sharing_sets()
    assert sets is not None and persona.pk in sets.published.tolist()
    row = PeerSharing.objects.get(authority=persona)
    row.publish_results = False
    PeerSharing.objects.bulk_update([row], ["publish_results"])
    assert _reads() == (0, False)
    kept_as_committed()
    sets = sharing_sets()
    assert sets is not None and persona.pk not in sets.published.tolist()
    with pytest.raises(ValueError):  # shared by every view: nobody may change them
        sets.published[0] = 0


@pytest.mark.django_db
def test_without_a_version_the_database_is_read(demo: Any, monkeypatch: Any) -> None:
    """A cache that cannot say which version is current: every view reads the database."""
    kept_as_committed()
    ids = np.array(list(Authority.objects.values_list("pk", flat=True)), dtype=np.int64)
    expected = _shared(ids)
    monkeypatch.setattr(kept_module, "_versions_read", dict)
    assert _reads() == (0, False)
    with CaptureQueriesContext(connection) as queries:
        assert _shared(ids) == expected
    assert [q for q in queries if "dashboard_peersharing" in q["sql"]]


@pytest.mark.django_db
def test_a_request_that_commits_a_change_reads_the_new_version(demo: Any) -> None:
    """The versions are read once a request; the commit of a change within the request makes
    the request read them again."""
    from saferspaces.request_memo import _MEMO

    kept_as_committed()
    token = _MEMO.set({})
    try:
        first = sharing_module._SHARING.current()
        assert first is not None and sharing_module._SHARING.current() == first
        sharing_module._SHARING.forget()
        second = sharing_module._SHARING.current()
        assert second is not None and second != first
    finally:
        _MEMO.reset(token)
