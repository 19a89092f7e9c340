"""The assessment list: latest change first by default (as its caption says), filters by state,
round and authority, other orders by authority, round or state, never by score; bad filter
values are shown as errors and change nothing else."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from saferspaces.assessments.listing import ORDERS
from saferspaces.assessments.models import Assessment


@pytest.fixture
def coordinator(demo_module: Any, db: Any) -> Client:
    from saferspaces.accounts.models import User
    from saferspaces.demo.generator import PERSONAS

    c = Client()
    c.force_login(User.objects.get(email=next(p.email for p in PERSONAS if p.key == "coordinator")))
    return c


def _listed(html: str) -> list[int]:
    table = html.split('id="assessments-caption"')[1].split("</table>")[0]
    return [int(pk) for pk in re.findall(r'href="/assessments/(\d+)/"', table)]


def _caption(html: str) -> str:
    return html.split('id="assessments-caption">')[1].split("</caption>")[0]


def test_latest_change_first_as_the_caption_says(coordinator: Client) -> None:
    html = coordinator.get("/assessments/").content.decode()
    listed = _listed(html)
    assert len(listed) == Assessment.objects.count() == len(set(listed))
    changes = [Assessment.objects.get(pk=pk).updated_at for pk in listed]
    assert changes == sorted(changes, reverse=True)
    assert "latest change first" in _caption(html)


@pytest.mark.parametrize("state", ["draft", "submitted", "accepted", "returned"])
def test_filter_by_state(coordinator: Client, state: str) -> None:
    html = coordinator.get("/assessments/", {"state": state}).content.decode()
    listed = _listed(html)
    assert listed and set(listed) == set(
        Assessment.objects.filter(state=state).values_list("pk", flat=True)
    )


def test_filter_by_round_and_authority_together_and_order_by_authority(coordinator: Client) -> None:
    from saferspaces.demo.generator import PERSONA_AUTHORITY

    latest = Assessment.objects.filter(round__isnull=False).order_by("-round__period_end").first()
    html = coordinator.get(
        "/assessments/", {"round": latest.round_id, "order": "authority"}
    ).content.decode()
    listed = _listed(html)
    names = [Assessment.objects.get(pk=pk).authority.name for pk in listed]
    assert names == sorted(names) and len(listed) == latest.round.assessments.count()
    assert "by authority, A to Z" in _caption(html)
    persona = Assessment.objects.filter(authority__name=PERSONA_AUTHORITY).first().authority
    both = coordinator.get(
        "/assessments/", {"round": latest.round_id, "authority": persona.pk}
    ).content.decode()
    assert _listed(both) == list(
        Assessment.objects.filter(round=latest.round, authority=persona).values_list(
            "pk", flat=True
        )
    )


def test_order_by_round_and_by_state(coordinator: Client) -> None:
    by_round = _listed(coordinator.get("/assessments/", {"order": "round"}).content.decode())
    ends = [Assessment.objects.get(pk=pk).round.period_end for pk in by_round]
    assert ends == sorted(ends, reverse=True)
    by_state = _listed(coordinator.get("/assessments/", {"order": "state"}).content.decode())
    states = [Assessment.objects.get(pk=pk).state for pk in by_state]
    assert states == sorted(states)


def test_never_ordered_by_score() -> None:
    for fields in ORDERS.values():
        assert not any("score" in f or "fact" in f for f in fields)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "brilliant"}, "State"),
        ({"order": "score"}, "Order"),
        ({"round": "99999"}, "Round"),
        ({"authority": "not-a-number"}, "Authority"),
    ],
)
def test_bad_filters_are_named_and_the_rest_still_applies(
    coordinator: Client, params: dict[str, str], field: str
) -> None:
    r = coordinator.get("/assessments/", {**params, "state": params.get("state", "submitted")})
    assert r.status_code == 200
    html = r.content.decode()
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert f"{field}: " in summary and 'href="#id_' in summary
    if "state" not in params:  # the valid state filter still applies
        assert set(_listed(html)) == set(
            Assessment.objects.filter(state="submitted").values_list("pk", flat=True)
        )


def test_a_team_sees_and_may_filter_only_its_own(client_as: Any) -> None:
    from saferspaces.demo.generator import PERSONA_AUTHORITY

    lead = client_as("lead")
    html = lead.get("/assessments/").content.decode()
    listed = _listed(html)
    assert {Assessment.objects.get(pk=pk).authority.name for pk in listed} == {PERSONA_AUTHORITY}
    other = Assessment.objects.exclude(authority__name=PERSONA_AUTHORITY).first()
    refused = lead.get("/assessments/", {"authority": other.authority_id}).content.decode()
    assert "Authority: " in refused.split('class="error-summary"')[1]
    assert other.pk not in _listed(refused)
