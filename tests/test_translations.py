"""French is complete: every interface string translated, none fuzzy, the compiled catalogue current."""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE = (
    Path(__file__).resolve().parent.parent / "src" / "saferspaces" / "locale" / "fr" / "LC_MESSAGES"
)


def test_every_string_is_translated_and_none_is_fuzzy() -> None:
    po = polib.pofile(str(LOCALE / "django.po"))
    assert len(po) > 200
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_placeholders_are_kept() -> None:
    import re

    pattern = re.compile(r"%\(\w+\)[sd]")
    for entry in polib.pofile(str(LOCALE / "django.po")):
        if entry.msgstr:
            assert sorted(pattern.findall(entry.msgid)) == sorted(pattern.findall(entry.msgstr)), (
                entry.msgid
            )


def test_compiled_catalogue_matches_the_po_file() -> None:
    po = {
        (e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0))
        for e in polib.pofile(str(LOCALE / "django.po"))
        if not e.obsolete
    }
    mo = {
        (e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0))
        for e in polib.mofile(str(LOCALE / "django.mo"))
    }
    mo.pop((None, ""), None)
    assert mo == po, "run `make messages` to recompile django.mo"
