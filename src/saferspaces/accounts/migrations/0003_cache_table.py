"""The database cache table (``settings.CACHES``), where every worker counts log-in attempts.

``migrate`` creates it, so no deployment needs ``createcachetable`` by hand; it is idempotent
(an existing table is kept) and does nothing for caches of other kinds.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def _database_tables() -> list[str]:
    return [
        cache["LOCATION"]
        for cache in settings.CACHES.values()
        if cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    ]


def create_cache_tables(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_tables(apps: Any, schema_editor: Any) -> None:
    for table in _database_tables():
        schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_coordinator_invitations_and_audit")]

    operations = [migrations.RunPython(create_cache_tables, drop_cache_tables)]
