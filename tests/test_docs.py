"""The documentation keeps up with the code: settings, make targets and links.

Plain pytest, no database: these tests only read files of the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SETTINGS = REPO / "src" / "saferspaces" / "settings.py"
MAKEFILE = REPO / "Makefile"
README = REPO / "README.md"
OPERATIONS = REPO / "docs" / "operations.md"

ENV_READ = re.compile(r'env_[a-z]+\(\s*"([A-Z_]+)"')
HELP_TARGET = re.compile(r"^([a-z][a-z0-9-]*):.*## ", re.MULTILINE)
FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
INLINE_LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+[\"'(][^)]*)?\)"
)
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)", re.MULTILINE)
HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def settings_variables() -> list[str]:
    return sorted(set(ENV_READ.findall(SETTINGS.read_text(encoding="utf-8"))))


def help_targets() -> list[str]:
    return HELP_TARGET.findall(MAKEFILE.read_text(encoding="utf-8"))


def markdown_files() -> list[Path]:
    return [README, *sorted((REPO / "docs").glob("*.md"))]


def relative_links(text: str) -> list[str]:
    """Targets of the Markdown links and images of ``text`` that point inside the repository."""
    text = CODE_SPAN.sub("", FENCE.sub("", text))
    targets = INLINE_LINK.findall(text) + REFERENCE_DEFINITION.findall(text)
    links = []
    for target in targets:
        target = target.strip("<>")
        if not target or target.startswith("#") or HAS_SCHEME.match(target):
            continue
        links.append(target)
    return links


def test_the_settings_read_environment_variables() -> None:
    assert len(settings_variables()) >= 10, "the regular expression no longer finds the variables"


@pytest.mark.parametrize("variable", settings_variables())
def test_every_environment_variable_is_documented(variable: str) -> None:
    assert f"`{variable}`" in OPERATIONS.read_text(encoding="utf-8"), (
        f"{variable} is read in src/saferspaces/settings.py but not documented in docs/operations.md"
    )


def test_the_makefile_has_documented_targets() -> None:
    assert {"run", "test", "help"} <= set(help_targets())


@pytest.mark.parametrize("target", help_targets())
def test_every_make_target_is_in_the_readme(target: str) -> None:
    assert re.search(rf"\bmake {re.escape(target)}\b", README.read_text(encoding="utf-8")), (
        f"the Makefile target {target!r} has a '## ' help text but README.md never says 'make {target}'"
    )


def test_the_readme_shows_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make run" in text
    assert "make test" in text


@pytest.mark.parametrize("document", markdown_files(), ids=lambda path: path.name)
def test_relative_links_point_to_existing_files(document: Path) -> None:
    broken = []
    for link in relative_links(document.read_text(encoding="utf-8")):
        path = link.split("#", 1)[0].split("?", 1)[0]
        if not path:
            continue
        base = REPO if path.startswith("/") else document.parent
        if not (base / path.lstrip("/")).exists():
            broken.append(link)
    assert not broken, f"{document.relative_to(REPO)} links to missing files: {broken}"


def test_the_link_finder_finds_links() -> None:
    text = (
        "See [ops](docs/operations.md#health) and ![shot](docs/screenshots/home.png 'Home').\n"
        "Not `[code](nowhere.md)`, nor [web](https://example.eu), nor [here](#top).\n"
        "```\n[fenced](nowhere.md)\n```\n"
        "[ref]: CHANGELOG.md\n"
    )
    assert relative_links(text) == [
        "docs/operations.md#health",
        "docs/screenshots/home.png",
        "CHANGELOG.md",
    ]


def test_the_age_of_kept_peers_is_the_codes() -> None:
    """docs/operations.md says how old the peers kept by a process's own cache may be (the
    counts, and the round tables, kept as long)."""
    source = (REPO / "src" / "saferspaces" / "results" / "peers.py").read_text(encoding="utf-8")
    found = re.search(r"^POOL_COUNT_TTL_S = (\d+)$", source, re.MULTILINE)
    assert found is not None
    minutes = int(found.group(1)) // 60
    text = " ".join(OPERATIONS.read_text(encoding="utf-8").split())
    assert f"a peer view's peers up to {minutes} minutes old" in text
