"""``make run`` serves on ``PORT`` and the absolute links it sends (invitations) use that port."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess

from conftest import REPO_ROOT, require


def _run_recipe(**env: str) -> dict[str, str]:
    """The commands ``make run`` would run (``make -n``), by what they do."""
    require(shutil.which("make") is not None, "GNU make is not installed")
    base = {k: v for k, v in os.environ.items() if k not in ("PORT", "SAFERSPACES_SITE_URL")}
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "run"],
        cwd=REPO_ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    lines = done.stdout.splitlines()
    return {
        "demo": next(line for line in lines if " demo load" in line),
        "serve": next(line for line in lines if " serve " in line),
    }


def _site_url(line: str) -> str | None:
    words = shlex.split(line)
    return next((w.split("=", 1)[1] for w in words if w.startswith("SAFERSPACES_SITE_URL=")), None)


def test_make_run_on_another_port_links_to_that_port() -> None:
    recipe = _run_recipe(PORT="8771")
    assert recipe["serve"].endswith("serve 127.0.0.1:8771")
    assert _site_url(recipe["serve"]) == "http://127.0.0.1:8771"
    assert _site_url(recipe["demo"]) == "http://127.0.0.1:8771"
    # the settings take that URL: invitation links are built from it
    words = shlex.split(recipe["serve"])
    env = dict(w.split("=", 1) for w in words if "=" in w and w.split("=", 1)[0].isupper())
    printed = subprocess.run(
        [
            str(REPO_ROOT / ".venv" / "bin" / "python"),
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)",
        ],
        env={k: v for k, v in os.environ.items() if k != "SAFERSPACES_SITE_URL"}
        | env
        | {"DJANGO_SETTINGS_MODULE": "saferspaces.settings"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert printed.stdout.strip() == "http://127.0.0.1:8771"


def test_make_run_defaults_to_port_8000_and_keeps_a_site_url_that_is_set() -> None:
    recipe = _run_recipe()
    assert recipe["serve"].endswith("serve 127.0.0.1:8000")
    assert _site_url(recipe["serve"]) == "http://127.0.0.1:8000"
    recipe = _run_recipe(PORT="8771", SAFERSPACES_SITE_URL="https://safer.example.eu")
    assert recipe["serve"].endswith("serve 127.0.0.1:8771")
    assert _site_url(recipe["serve"]) == "https://safer.example.eu"
