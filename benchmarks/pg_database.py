"""A dedicated PostgreSQL database for one benchmark run: created, migrated, handed over, then
dropped (one definition for the benchmarks that build large sets or run servers on it)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
#: where the server is, in the order they are read (the role must be allowed to create
#: databases)
URL_VARIABLES = ("SAFERSPACES_BENCH_POSTGRES_URL", "SAFERSPACES_TEST_POSTGRES_URL", "DATABASE_URL")


def postgres_url() -> str | None:
    for name in URL_VARIABLES:
        url = os.environ.get(name, "")
        if url.startswith(("postgres://", "postgresql://")):
            return url
    return None


def with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def admin_connect(url: str) -> Any:
    import psycopg

    return psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)


@contextmanager
def dedicated_database(suffix: str) -> Iterator[tuple[str, dict[str, str]]]:
    """A new, migrated database named after the configured one plus ``suffix``: its URL and the
    environment of a process that uses it (dropped afterwards, whatever happens). Skips (fails in
    CI) when no PostgreSQL is configured or reachable."""
    from conftest import require

    url = postgres_url()
    require(url is not None, f"PostgreSQL not configured: set {URL_VARIABLES[0]}")
    assert url is not None
    name = (urlsplit(url).path.lstrip("/") or "saferspaces") + suffix
    try:
        admin = admin_connect(url)
    except Exception as error:
        require(False, f"PostgreSQL unreachable at {urlsplit(url).hostname}: {error}")
        raise
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    db_url = with_db(url, name)
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SAFERSPACES_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "saferspaces.settings",
        "SAFERSPACES_LOG_LEVEL": "WARNING",
    }
    try:
        subprocess.run(
            [str(VENV_BIN / "saferspaces"), "migrate", "--noinput", "-v", "0"],
            env=env,
            check=True,
            cwd=ROOT,
        )
        yield db_url, env
    finally:
        with admin_connect(url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
