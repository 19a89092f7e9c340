"""docs/architecture.md describes the apps as they are: its table "The apps and what each owns"
names every ``saferspaces.*`` app of ``INSTALLED_APPS`` once, and no app that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps

DOC = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"


def documented_apps(text: str) -> list[str]:
    """The app names in the first column of the table under "The apps and what each owns"."""
    section = text.split("## The apps and what each owns", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(saferspaces\.[a-z_.]+)` \|", section, flags=re.MULTILINE)


def test_the_app_table_names_every_installed_app_once() -> None:
    documented = documented_apps(DOC.read_text(encoding="utf-8"))
    installed = sorted(c.name for c in apps.get_app_configs() if c.name.startswith("saferspaces."))
    assert len(documented) == len(set(documented)), "an app is documented twice"
    assert sorted(documented) == installed


def test_the_check_reads_the_table() -> None:
    text = "## The apps and what each owns\n\n| app | owns |\n|---|---|\n| `saferspaces.x` | y |\n"
    assert documented_apps(text + "\n## Tests\n| `saferspaces.z` | w |\n") == ["saferspaces.x"]
