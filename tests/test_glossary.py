"""The glossary of each language (``locale/<code>/glossary.yaml``) and its consistent use.

For each term of the English glossary, every message of a language's interface catalogue and
every core label whose English says the term (as a whole word, any case; a longer term such as
"peer band" hides "peer" inside it) must have a translation holding one of the forms the
language's glossary accepts. Offered languages fail on any text that does not, named by file
and line; a language not offered yet reports them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from saferspaces import translations
from saferspaces.languages import REFERENCE, languages_declared
from saferspaces.translations import (
    TextEntry,
    catalogue_entries,
    glossary,
    glossary_mismatches,
    label_entries,
)

TRANSLATED = [lang.code for lang in languages_declared() if lang.code != REFERENCE]
OFFERED = {lang.code for lang in languages_declared() if lang.offered}
DOMAIN = (
    "perception", "status", "gap", "peer band", "round", "lead", "coordinator", "respondent",
    "evidence", "self-assessment", "authority", "network", "dimension", "indicator",
    "don't know", "not applicable", "data not collected", "quality of life",
    "general prevention", "specific prevention", "reaction", "common agenda",
    "shared measurement", "mutually reinforcing activities", "continuous communication",
    "backbone support", "security by design", "checklist", "edition", "framework",
)  # fmt: skip


def test_the_english_glossary_defines_the_domain_terms() -> None:
    terms = {t.term: t for t in glossary(REFERENCE)}
    assert set(DOMAIN) <= set(terms)
    assert all(t.definition and t.translation == t.term for t in terms.values())


@pytest.mark.parametrize("code", ["en", *TRANSLATED])
def test_each_glossary_has_the_english_terms(code: str) -> None:
    path = Path(translations.LOCALE_DIR) / code / "glossary.yaml"
    assert path.is_file(), f"{path}: every declared language has a glossary"
    terms = glossary(code)
    assert [t.term for t in terms] == [t.term for t in glossary(REFERENCE)]
    for t in terms:
        if t.translation and t.forms:
            assert t.translation.casefold() in {f.casefold() for f in t.forms}, (code, t.term)


def test_french_translations_are_chosen_from_the_catalogue_and_iate() -> None:
    fr = {t.term: t.translation for t in glossary("fr")}
    assert fr["authority"] == "collectivité" and fr["round"] == "cycle"
    assert fr["checklist"] == "liste de contrôle" and fr["status"] == "situation"
    assert all(fr.values()), "French is offered: every term has its translation"


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_interface_and_the_labels_use_the_glossary(code: str) -> None:
    mismatches = glossary_mismatches(code, catalogue_entries(code) + label_entries(code))
    if code in OFFERED:
        assert [str(m) for m in mismatches] == []
    elif not all(t.translation for t in glossary(code)):
        pytest.xfail(f"{code}: the glossary is not filled in yet")
    elif mismatches:
        pytest.xfail(f"{code}: {len(mismatches)} texts do not use the glossary yet")


def test_a_mismatch_is_named_with_file_line_and_term() -> None:
    entries = [
        TextEntry(
            "x.po", 12, "Invite the lead of %(authority)s", ("Invitez le pilote de %(authority)s",)
        ),
        TextEntry(
            "x.po",
            20,
            "The peer band of this round",
            ("La comparaison avec les pairs de ce cycle",),
        ),
        TextEntry("x.po", 30, "Service status", ("État du service",)),  # another sense of 'status'
        TextEntry("x.po", 40, "Authorities", ("",)),  # not translated: nothing to check
    ]
    found = [str(m) for m in glossary_mismatches("fr", entries)]
    assert found == [
        "x.po:12: 'Invite the lead of %(authority)s' says 'lead': expected «responsable» or «responsables»"
    ]
