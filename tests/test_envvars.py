"""The typed environment readers fail loudly, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from saferspaces.envvars import (
    EnvError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_networks,
    env_path,
    env_str,
    env_url,
)


def test_bool_accepts_common_spellings() -> None:
    assert env_bool("X", environ={"X": "yes"}) is True
    assert env_bool("X", environ={"X": "OFF"}) is False
    assert env_bool("X", True, environ={}) is True


def test_bool_rejects_anything_else_naming_the_variable() -> None:
    with pytest.raises(EnvError, match=r"X='maybe'.*1/0"):
        env_bool("X", environ={"X": "maybe"})


def test_int_with_bounds() -> None:
    assert env_int("N", 3, environ={"N": " 7 "}) == 7
    with pytest.raises(EnvError, match="whole number"):
        env_int("N", 3, environ={"N": "seven"})
    with pytest.raises(EnvError, match=">= 5"):
        env_int("N", 5, minimum=5, environ={"N": "4"})


def test_paths_must_be_absolute() -> None:
    assert env_path("P", "/srv/x", environ={}) == "/srv/x"
    assert env_path("P", "/srv/x", environ={"P": "/var/lib/saferspaces/static"}).endswith("static")
    with pytest.raises(EnvError, match=r"P='static'.*absolute path"):
        env_path("P", "/srv/x", environ={"P": "static"})


def test_required_string_and_lists() -> None:
    with pytest.raises(EnvError, match="required"):
        env_str("SECRET", environ={})
    assert env_list("H", environ={"H": "a.eu, b.eu"}) == ["a.eu", "b.eu"]
    with pytest.raises(EnvError, match="empty items"):
        env_list("H", environ={"H": "a.eu,,b.eu"})


def test_networks_are_addresses_or_ranges() -> None:
    got = env_networks("P", environ={"P": "127.0.0.1, ::1,10.0.0.0/8"})
    assert [str(n) for n in got] == ["127.0.0.1/32", "::1/128", "10.0.0.0/8"]
    assert env_networks("P", environ={}) == ()
    with pytest.raises(EnvError, match=r"P='nginx'.*IP addresses or networks"):
        env_networks("P", environ={"P": "127.0.0.1,nginx"})
    with pytest.raises(EnvError, match="empty items"):
        env_networks("P", environ={"P": "127.0.0.1,"})


def test_url_scheme_and_choice() -> None:
    assert env_url("D", schemes=("postgres",), environ={"D": "postgres://x/y"}) == "postgres://x/y"
    with pytest.raises(EnvError, match="postgres://"):
        env_url("D", schemes=("postgres",), environ={"D": "mysql://x/y"})
    with pytest.raises(EnvError, match="one of a, b"):
        env_choice("C", "a", choices=("a", "b"), environ={"C": "c"})


def _cli(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SAFERSPACES_", "DATABASE_URL", "EMAIL_URL"))
    }
    clean.pop("PYTEST_CURRENT_TEST", None)
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from saferspaces.cli import main; raise SystemExit(main(['check']))",
        ],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_bad_log_level_is_reported_in_one_line() -> None:
    result = _cli({"SAFERSPACES_DEBUG": "1", "SAFERSPACES_LOG_LEVEL": "chatty"})
    assert result.returncode == 2
    assert "SAFERSPACES_LOG_LEVEL='chatty': expected one of DEBUG" in result.stderr


def test_production_settings_require_the_site_url() -> None:
    result = _cli(
        {
            "SAFERSPACES_SECRET_KEY": "x" * 50,
            "DATABASE_URL": "sqlite:////tmp/x.sqlite3",
            "SAFERSPACES_ALLOWED_HOSTS": "example.eu",
            "EMAIL_URL": "console://",
        }
    )
    assert result.returncode == 2
    assert "SAFERSPACES_SITE_URL" in result.stderr


def test_production_settings_require_a_secret_key() -> None:
    result = _cli(
        {"DATABASE_URL": "sqlite:////tmp/x.sqlite3", "SAFERSPACES_ALLOWED_HOSTS": "example.eu"}
    )
    assert result.returncode == 2
    assert "SAFERSPACES_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_variable_is_reported_in_one_line() -> None:
    result = _cli({"SAFERSPACES_DEBUG": "1", "SAFERSPACES_INVITATION_DAYS": "forever"})
    assert result.returncode == 2
    assert "SAFERSPACES_INVITATION_DAYS='forever': expected a whole number" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_work_from_environment_variables_only() -> None:
    result = _cli(
        {
            "SAFERSPACES_SECRET_KEY": "x" * 50,
            "DATABASE_URL": "sqlite:////tmp/saferspaces-prod-check.sqlite3",
            "SAFERSPACES_ALLOWED_HOSTS": "safer.example.eu",
            "EMAIL_URL": "smtp://mailer:secret@smtp.example.eu:587?tls=1",
            "SAFERSPACES_SITE_URL": "https://safer.example.eu",
        }
    )
    assert result.returncode == 0, result.stderr


def test_bad_trusted_proxy_is_reported_in_one_line() -> None:
    result = _cli({"SAFERSPACES_DEBUG": "1", "SAFERSPACES_TRUSTED_PROXIES": "127.0.0.1,nginx"})
    assert result.returncode == 2
    assert "SAFERSPACES_TRUSTED_PROXIES='nginx': expected a comma-separated list" in result.stderr


def test_int_lists_are_distinct_bounded_whole_numbers_largest_first() -> None:
    from saferspaces.envvars import env_int_list

    assert env_int_list("D", [14, 3], minimum=0, maximum=365, environ={}) == (14, 3)
    assert env_int_list("D", [14, 3], minimum=0, maximum=365, environ={"D": " 3, 14 ,7,3"}) == (
        14,
        7,
        3,
    )
    for bad in ("14,,3", "two", "-1", "366", "²", "1.5"):
        with pytest.raises(EnvError, match=r"D=.*whole numbers from 0 to 365"):
            env_int_list("D", [14, 3], minimum=0, maximum=365, environ={"D": bad})


def test_bad_reminder_days_are_reported_in_one_line() -> None:
    result = _cli({"SAFERSPACES_DEBUG": "1", "SAFERSPACES_REMINDER_DAYS": "14,soon"})
    assert result.returncode == 2
    assert "SAFERSPACES_REMINDER_DAYS='14,soon': expected comma-separated whole numbers" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
