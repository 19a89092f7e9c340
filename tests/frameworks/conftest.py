"""The frameworks app must be installed and mounted at /frameworks/ for these tests."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import NoReverseMatch, reverse

from conftest import require


@pytest.fixture(autouse=True)
def _frameworks_app_mounted() -> None:
    require(
        apps.is_installed("saferspaces.frameworks"),
        "saferspaces.frameworks is not in INSTALLED_APPS yet",
    )
    try:
        reverse("frameworks:list")
    except NoReverseMatch:
        require(False, "saferspaces.frameworks.urls is not mounted at /frameworks/ yet")
