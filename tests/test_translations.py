"""Every declared language, file by file: its interface catalogue, the core's labels and the
texts of each bundled edition.

A language that is **offered** (``offered: true`` in ``locale/<code>/status.yaml``) must lack
nothing: these tests fail on any missing or fuzzy message, any missing label and any missing
edition text. A language not offered yet is being translated: the same tests *report* what it
lacks (as an expected failure, with the counts, in ``pytest -ra``) instead of failing; once
its translators are done the report says so, and the language is flipped to offered.

Whatever the state, every file is checked for what would break a page: plural forms, the
header, placeholders and HTML tags, keys English does not have, a compiled catalogue that is
not the ``.po`` file's.
"""

from __future__ import annotations

import polib
import pytest

from saferspaces.core.labels import labels_check
from saferspaces.core.languages import language_get
from saferspaces.languages import REFERENCE, languages_declared
from saferspaces.translations import (
    catalogue_status,
    edition_texts_status,
    language_report,
    po_path,
)

DECLARED = [lang.code for lang in languages_declared()]
TRANSLATED = [code for code in DECLARED if code != REFERENCE]
OFFERED = {lang.code for lang in languages_declared() if lang.offered or lang.source}


def _lacking(code: str) -> str:
    """What a language still lacks, in one line."""
    r = language_report(code)
    parts = [
        f"{len(r.interface.missing)} of {r.interface.total} interface messages missing",
        f"{len(r.interface.fuzzy)} fuzzy",
        f"{len(r.labels_missing)} of {r.labels_total} labels",
        f"{r.edition_missing} edition texts",
        f"{len(r.glossary_missing)} of {r.glossary_total} glossary terms",
    ]
    return f"{code} is being translated: " + ", ".join(parts)


def _complete_or_report(code: str, lacking: list[str]) -> None:
    if code in OFFERED:
        assert lacking == [], f"{code} is offered but lacks {len(lacking)}: {lacking[:10]}"
    elif lacking:
        pytest.xfail(_lacking(code))


def test_the_ten_languages_are_declared_and_english_and_french_offered() -> None:
    assert sorted(DECLARED) == sorted(["en", "fr", "es", "it", "nl", "fi", "lv", "pl", "hr", "cs"])
    assert {"en", "fr"} <= OFFERED


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_catalogue_has_the_language_header_and_plural_forms(code: str) -> None:
    po = polib.pofile(str(po_path(code)))
    assert po.metadata["Language"] == code
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    expected = language_get(code).plural_forms  # type: ignore[union-attr]
    assert po.metadata["Plural-Forms"].replace(" ", "") == expected.replace(" ", ""), (
        f"set the header of {po_path(code)} to Plural-Forms: {expected}"
    )
    nplurals = language_get(code).nplurals  # type: ignore[union-attr]
    for entry in po:
        if entry.msgid_plural and not entry.obsolete:
            assert sorted(entry.msgstr_plural) == list(range(nplurals)), (entry.linenum, code)


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_the_placeholders_and_tags_of_their_message(code: str) -> None:
    assert catalogue_status(code).problems == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalogue_is_the_po_file(code: str) -> None:
    po = {
        (e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0))
        for e in polib.pofile(str(po_path(code)))
        if not e.obsolete and "fuzzy" not in e.flags and (e.msgstr or e.msgstr_plural.get(0))
    }
    mo = {
        (e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0))
        for e in polib.mofile(str(po_path(code).with_suffix(".mo")))
    }
    mo.pop((None, ""), None)
    assert mo == po, "run `make messages` to compile the catalogues"


def test_the_catalogues_have_the_same_messages() -> None:
    """Every catalogue is made from the same source: ``make messages`` updates them all."""
    ids = {
        code: {(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path(code))) if not e.obsolete}
        for code in TRANSLATED
    }
    assert len(ids["fr"]) > 1_000
    for code, messages in ids.items():
        assert messages == ids["fr"], f"{code}: run `make messages`"


def test_label_files_have_the_english_keys_and_placeholders() -> None:
    assert [str(p) for p in labels_check()] == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_interface_message_is_missing_or_fuzzy(code: str) -> None:
    status = catalogue_status(code)
    _complete_or_report(code, status.missing + [f"fuzzy: {m}" for m in status.fuzzy])


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_label_is_missing(code: str) -> None:
    _complete_or_report(code, language_report(code).labels_missing)


@pytest.mark.parametrize("code", DECLARED)
def test_no_edition_text_is_missing(code: str) -> None:
    statuses = edition_texts_status(code)
    problems = [p for s in statuses for p in s.problems]
    assert problems == []  # a key the edition has not, a dropped placeholder: never
    _complete_or_report(code, [f"{s.edition}: {key}" for s in statuses for key in s.missing])


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_glossary_is_filled_in(code: str) -> None:
    _complete_or_report(code, language_report(code).glossary_missing)


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_language_is_complete_exactly_when_it_is_offered(code: str) -> None:
    report = language_report(code)
    if code in OFFERED:
        assert report.complete, _lacking(code)
    elif report.complete:
        pytest.xfail(f"{code} is complete: set offered: true in locale/{code}/status.yaml")
    else:
        pytest.xfail(_lacking(code))
