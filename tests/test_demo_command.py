"""``saferspaces demo load`` creates accounts with a published password: it refuses to run on a
site that is not in development mode unless told explicitly."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from saferspaces.accounts.models import User
from saferspaces.authorities.models import Authority

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", ["load", "reset"])
def test_demo_refuses_without_debug_and_changes_nothing(action: str, settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match=r"password is public.*--with-public-password"):
        call_command("demo", action)
    assert not Authority.objects.filter(is_demo=True).exists()
    assert not User.objects.filter(email__endswith="@demo.saferspaces.example").exists()


def test_demo_loads_with_the_explicit_flag_or_in_development(
    settings: Any, demo_module: Any
) -> None:
    settings.DEBUG = False
    out = io.StringIO()
    call_command("demo", "load", "--with-public-password", stdout=out)  # idempotent: fast
    assert "Demo ready" in out.getvalue() and "saferspaces-demo" in out.getvalue()
    settings.DEBUG = True
    call_command("demo", "load", stdout=io.StringIO())
    settings.DEBUG = False
    call_command("demo", "delete", stdout=io.StringIO())  # removing needs no flag
    assert not Authority.objects.filter(is_demo=True).exists()


def test_the_refusal_is_one_line_and_exits_non_zero(tmp_path: Any) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SAFERSPACES_", "DATABASE_URL", "EMAIL_URL", "PYTEST"))
    }
    env.update(
        {
            "SAFERSPACES_SECRET_KEY": "x" * 50,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "SAFERSPACES_ALLOWED_HOSTS": "safer.example.eu",
            "EMAIL_URL": "console://",
            "SAFERSPACES_SITE_URL": "https://safer.example.eu",
        }
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from saferspaces.cli import main; raise SystemExit(main())",
            "demo",
            "load",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "refused: the demo creates accounts" in result.stderr
    assert "Traceback" not in result.stderr
