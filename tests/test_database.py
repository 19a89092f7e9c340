"""The suite runs on SQLite and again on PostgreSQL (``make test``); this proves which one it is on."""

from __future__ import annotations

import os

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_database_vendor_is_the_one_requested() -> None:
    expected = "postgresql" if os.environ.get("SAFERSPACES_EXPECT_POSTGRES") else "sqlite"
    assert connection.vendor == expected


@pytest.mark.postgres
def test_postgres_is_a_real_server() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL pass of make test runs this (SAFERSPACES_TEST_POSTGRES_URL)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    assert int(version.split(".")[0]) >= 13
