"""Django's admin for repairs: administrators only, logging in through the site's own log-in,
audit fields read only, and no way to change or delete answers or their history."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from onboarding_helpers import World, round_open_for, world_build
from saferspaces.assessments.models import Answer, AnswerRevision, Assessment
from saferspaces.authorities.models import Authority, AuthorityKind, Network
from saferspaces.authorities.services import authority_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    return world_build()


def test_only_administrators_use_the_admin_and_log_in_through_the_site(
    world: World, client
) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.get("/admin/login/?next=/admin/authorities/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/authorities/"
    client.force_login(world.coordinator)  # a coordinator is staff of nothing here
    assert client.get("/admin/login/").status_code == 403
    assert client.get("/admin/authorities/network/").status_code == 302
    world.coordinator.is_staff = True  # even a staff flag set by mistake does not open it
    world.coordinator.save()
    assert client.get("/admin/authorities/network/").status_code == 302
    client.force_login(world.administrator)
    assert client.get("/admin/").status_code == 200


def test_answers_and_their_history_are_read_only_and_never_deleted(world: World, client) -> None:  # type: ignore[no-untyped-def]
    city = authority_create(
        name="Paris admin", country_code="FR", kind=AuthorityKind.CITY, nuts_code="FR101",
        networks=[world.network],
    )  # fmt: skip
    round_ = round_open_for(world, [city], today=timezone.localdate())
    assessment = Assessment.objects.get(round=round_)
    now = timezone.now()
    answer = Answer.objects.create(
        assessment=assessment, code="QOL_P01", status="answered", value=40, updated_at=now
    )
    revision = AnswerRevision.objects.create(
        assessment=assessment, code="QOL_P01", version=1, status="answered", value=40,
        source="web", changed_at=now,
    )  # fmt: skip
    client.force_login(world.administrator)
    for model, obj in ((Answer, answer), (AnswerRevision, revision), (Assessment, assessment)):
        base = f"/admin/assessments/{model._meta.model_name}/"
        assert client.get(f"{base}{obj.pk}/delete/").status_code == 403
        assert client.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 403
        assert client.post(
            base, {"action": "delete_selected", "_selected_action": [obj.pk]}
        ).status_code in (200, 302)
    assert Answer.objects.filter(pk=answer.pk).exists()
    assert AnswerRevision.objects.filter(pk=revision.pk).exists()
    assert Assessment.objects.filter(pk=assessment.pk).exists()
    response = client.post(
        f"/admin/assessments/answer/{answer.pk}/change/", {"status": "dont_know", "value": "null"}
    )
    assert response.status_code == 403
    answer.refresh_from_db()
    assert (answer.status, answer.value) == ("answered", 40)
    request = RequestFactory().get("/admin/")
    request.user = world.administrator
    for model in (Answer, AnswerRevision):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_delete_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_add_permission(request)


def test_audit_fields_are_read_only_and_recorded(world: World, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.administrator)
    network = world.network
    response = client.post(
        f"/admin/authorities/network/{network.pk}/change/",
        {
            "name": "Efus pilot group (renamed)",
            "description": "Repaired",
            "created_by": world.outsider.pk,  # read only: ignored
            "slug": "hijacked",  # read only: ignored
        },
    )
    assert response.status_code == 302
    network = Network.objects.get(pk=network.pk)
    assert network.name == "Efus pilot group (renamed)" and network.slug == "efus-pilot-group"
    assert network.created_by is None and network.updated_by == world.administrator
    city = authority_create(
        name="Ixelles admin", country_code="BE", kind=AuthorityKind.MUNICIPALITY,
        nuts_code="BE100", created_by=world.coordinator,
    )  # fmt: skip
    page = client.get(f"/admin/authorities/authority/{city.pk}/change/").content.decode()
    assert 'name="created_by"' not in page and 'name="networks"' not in page
    assert Authority.objects.get(pk=city.pk).created_by == world.coordinator
    assert client.get("/admin/accounts/invitation/add/").status_code == 403
    assert client.get(f"/admin/accounts/user/{world.outsider.pk}/delete/").status_code == 403
