"""The core's labels are data, one file per language (``core/labels/<language>.yaml``).

English is the reference: every other file has exactly its keys, and a translation keeps the
placeholders of the English text. The core holds no ``{"en": ..., "fr": ...}`` literal any more,
so a language is added by adding a file.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import shutil
from pathlib import Path

import pytest

import saferspaces.core
from saferspaces.core.answers_io.cells import status_parse
from saferspaces.core.framework.answers import STATUS_LABELS
from saferspaces.core.framework.model import YPN_LABELS, text_get
from saferspaces.core.labels import (
    LABELS_DIR,
    label_get,
    label_languages,
    labels_check,
    labels_file,
    labels_list,
    labels_missing,
    labels_used,
)

CORE = Path(saferspaces.core.__file__).resolve().parent
# a language map written in code: {"en": ...} or "fr": next to it
LITERAL = re.compile(r"""["'](?:en|fr)["']\s*:\s*(?:f?["']|en\b|fr\b)""")


def test_every_language_file_has_the_english_keys_only_and_their_placeholders() -> None:
    assert {"en", "fr", "es", "it", "nl", "fi", "lv", "pl", "hr", "cs"} <= set(label_languages())
    assert [str(p) for p in labels_check()] == []


def test_every_label_the_code_asks_for_is_in_english() -> None:
    for module in pkgutil.walk_packages([str(CORE)], prefix="saferspaces.core."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    english = labels_file("en")
    assert len(labels_used()) > 80
    assert sorted(labels_used() - set(english)) == []
    assert all((english[key] or "").strip() for key in english), "English texts are never empty"


def test_every_english_label_is_used_by_the_code() -> None:
    """No dead label: each key, or the prefix the code builds it from, is written in the core."""
    literals: set[str] = set()
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
    prefixes = {
        text.rstrip(".") for text in literals if re.fullmatch(r"[a-z_]+(\.[a-z_]+)*\.?", text)
    }
    unused = [
        key
        for key in labels_file("en")
        if key not in literals and not any(key.startswith(prefix + ".") for prefix in prefixes)
    ]
    assert unused == []


def test_the_core_holds_no_language_map_literal() -> None:
    found = []
    for path in sorted(CORE.rglob("*.py")):
        if path.name == "synthetic.py":  # test editions, made up in every language they declare
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if LITERAL.search(line):
                found.append(f"{path.relative_to(CORE)}:{number}: {line.strip()}")
    assert found == []


def test_labels_are_read_in_each_language_and_fall_back_to_english() -> None:
    assert text_get(STATUS_LABELS["dont_know"], "fr") == "Ne sait pas"
    assert text_get(YPN_LABELS["partly"], "en") == "Partly"
    assert label_get("answer_status.not_collected", "lv") == "Dati netiek vākti"
    assert "lv" not in STATUS_LABELS["answered"] or STATUS_LABELS["answered"]["lv"]
    assert (
        label_get("xlsform.constraint_min", "fr").format(lo=3)
        == "Saisissez une valeur d'au moins 3."
    )


def test_a_status_label_in_any_language_is_read_back() -> None:
    for language in label_languages():
        for status in ("dont_know", "not_applicable", "not_collected"):
            text = labels_file(language).get(f"answer_status.{status}")
            if text:
                assert status_parse(text) == status, (language, text)
                assert status_parse(text.upper()) == status


def test_lists_end_with_the_language_conjunction() -> None:
    assert labels_list(["A", "B", "C"], language="en") == "A, B and C"
    assert labels_list(["A", "B"], language="fr") == "A et B"
    assert labels_list(["A", "B", "C"], language="fr", conjunction="or") == "A, B ou C"
    assert labels_list(["A"], language="fr") == "A" and labels_list([], language="en") == ""
    assert labels_list(["A", "B"], language="lv") == "A un B"


def test_a_new_language_is_a_file_and_its_mistakes_are_named(tmp_path: Path) -> None:
    shutil.copy(LABELS_DIR / "en.yaml", tmp_path / "en.yaml")
    english = (LABELS_DIR / "en.yaml").read_text(encoding="utf-8")
    keys = [line.split(":", 1)[0] for line in english.splitlines() if re.match(r"^[a-z]", line)]
    lines = [f'{key}: ""' for key in keys]
    lines[keys.index("xlsform.constraint_min")] = 'xlsform.constraint_min: "Mindestens {hi}."'
    lines[keys.index("yes_partly_no.no")] = 'yes_partly_no.no: "Nein"'
    (tmp_path / "de.yaml").write_text("\n".join([*lines[1:], 'nonsense.key: "x"']) + "\n")
    assert label_languages(directory=tmp_path) == ("en", "de")
    problems = [str(p) for p in labels_check(directory=tmp_path)]
    assert problems == [
        "de.yaml: nonsense.key: English has no such label",
        f"de.yaml: {keys[0]}: missing: every English key is listed",
        "de.yaml: xlsform.constraint_min: placeholders differ from the English "
        "'Enter a value of at least {lo}.'",
    ]
    missing = labels_missing("de", directory=tmp_path)
    assert "yes_partly_no.no" not in missing and len(missing) == len(keys) - 2


@pytest.mark.parametrize("language", ["fr"])
def test_french_labels_use_french_typography(language: str) -> None:
    for key, text in labels_file(language).items():
        assert not re.search(r" [:;?!»]|« ", text or ""), (key, text)


def test_eurostat_titles_and_flags_are_labels_whose_english_is_the_declaration() -> None:
    from saferspaces.core.opendata import SOURCES
    from saferspaces.core.opendata.flags import FLAG_MEANINGS, flag_meaning
    from saferspaces.core.opendata.sources import source_title

    for name, cls in SOURCES.items():
        assert source_title(name=name, language="en") == cls.title
        assert source_title(name=name, language="fr") != cls.title  # translated
    for flag, meaning in FLAG_MEANINGS.items():
        assert flag_meaning(flag=flag, language="en") == meaning
    assert flag_meaning(flag="p", language="fr") == "provisoire"
    assert flag_meaning(flag="q", language="fr") is None
