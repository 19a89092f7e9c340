"""Read the forms of a page as a browser would, and make hostile values for their fields.

Shared by ``tests/test_fuzz_forms.py``: :func:`forms_parse` reads every ``<form>`` of an HTML page
with the standard library's ``html.parser`` (method, action, fields with their kind, options and
current values); :meth:`Form.baseline` is what a browser sends when the first submit button is
clicked, with the required fields that are empty filled in with a plausible value, so that a
hostile value in one field gets past the checks of the others; :func:`hostile` makes the value of
one category for one field kind, from a seeded generator.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

#: what a field may be (``input`` types folded into a few kinds)
TEXT_KINDS = {"text", "textarea", "search", "tel", "password", "hidden", "number", "email", "url"}
CHOICE_KINDS = {"radio", "checkbox", "select"}

#: in ``known`` values: choose the field's first option
FIRST = "<first option>"
# A plausible value for a required field left empty on the page, by kind.
PLAUSIBLE = {
    "email": "fuzz@example.org",
    "url": "https://example.org/report.pdf",
    "number": "12",
    "date": "2026-06-01",
    "password": "a long pass phrase 1234",
}


@dataclass
class Field:
    name: str
    kind: str
    required: bool = False
    options: list[str] = field(default_factory=list)  # radio, checkbox, select
    values: list[str] = field(default_factory=list)  # what the browser would send


@dataclass
class Form:
    method: str
    action: str
    enctype: str
    htmx: bool
    fields: dict[str, Field] = field(default_factory=dict)
    submit: tuple[str, str] | None = None  # the first named submit button

    def field_add(self, name: str, kind: str) -> Field:
        f = self.fields.get(name)
        if f is None:
            f = self.fields[name] = Field(name=name, kind=kind)
        return f

    def signature(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        """What makes two forms the same for fuzzing: method and field names and kinds."""
        return self.method, tuple(sorted((f.name, f.kind) for f in self.fields.values()))

    def complete(self) -> bool:
        """Every radio group has a choice (a form of an answered question, for instance)."""
        return all(f.values for f in self.fields.values() if f.kind == "radio")

    def baseline(self, known: Mapping[str, str]) -> list[tuple[str, str | bytes]]:
        """What a person filling in the form sends: the page's values, and for a field the page
        leaves empty its value in ``known`` (``FIRST``: the first option) or, if it is required,
        a plausible one."""
        pairs: list[tuple[str, str | bytes]] = []
        for f in self.fields.values():
            values = list(f.values)
            if all(v == "" for v in values):  # an empty input sends "", as a missing one nothing
                values = values if f.kind in CHOICE_KINDS else []
            wanted = known.get(f.name)
            if not values and wanted == FIRST and f.options:
                values = [f.options[0]]
            elif not values and wanted is not None and wanted != FIRST:
                values = [wanted]
            elif not values and f.required:
                if f.kind in CHOICE_KINDS and f.options:
                    values = [f.options[-1]]
                elif f.kind not in ("file", "checkbox"):
                    values = [PLAUSIBLE.get(f.kind, "Fuzz value")]
            pairs.extend((f.name, v) for v in values or ([""] if f.kind in TEXT_KINDS else []))
        if self.submit is not None:
            pairs.append(self.submit)
        return pairs


class _Parser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.textarea: Field | None = None
        self.select: Field | None = None
        self.option: tuple[str | None, bool] | None = None
        self.option_text = ""
        self.text = ""
        self.multiple = False

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: (v if v is not None else "") for k, v in attrs_list}
        if tag == "form":
            action = attrs.get("action") or self.page_url
            self.form = Form(
                method=(attrs.get("method") or "get").lower(),
                action=urljoin(self.page_url, action),
                enctype=attrs.get("enctype", ""),
                htmx=any(k.startswith("hx-") for k in attrs),
            )
            self.forms.append(self.form)
            return
        form = self.form
        if form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "image", "button", "reset"):
                if kind == "submit" and form.submit is None:
                    form.submit = (name, attrs.get("value", ""))
                return
            f = form.field_add(name, kind)
            f.required = f.required or "required" in attrs
            if kind in ("radio", "checkbox"):
                value = attrs.get("value", "on")
                f.options.append(value)
                if "checked" in attrs:
                    f.values.append(value)
            else:
                f.values.append(attrs.get("value", ""))
        elif tag == "button" and name and (attrs.get("type") or "submit") == "submit":
            if form.submit is None:
                form.submit = (name, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = form.field_add(name, "textarea")
            self.textarea.required = "required" in attrs
            self.text = ""
        elif tag == "select" and name:
            self.select = form.field_add(name, "select")
            self.select.required = "required" in attrs
            self.multiple = "multiple" in attrs
        elif tag == "option" and self.select is not None:
            self.option = (attrs.get("value"), "selected" in attrs)
            self.option_text = ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data
        if self.option is not None:
            self.option_text += data

    def _option_end(self) -> None:
        if self.option is None or self.select is None:
            return
        value, selected = self.option
        value = self.option_text.strip() if value is None else value
        self.select.options.append(value)
        if selected:
            self.select.values.append(value)
        self.option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.textarea is not None:
            self.textarea.values.append(self.text.removeprefix("\n"))
            self.textarea = None
        elif tag == "option":
            self._option_end()
        elif tag == "select" and self.select is not None:
            self._option_end()
            if not self.select.values and self.select.options and not self.multiple:
                self.select.values.append(self.select.options[0])  # what a browser sends
            self.select = None


def forms_parse(html: str, *, page_url: str) -> list[Form]:
    """The forms of ``html`` (actions made absolute paths on this site; others dropped)."""
    parser = _Parser(page_url)
    parser.feed(html)
    parser.close()
    forms = []
    for form in parser.forms:
        parts = urlsplit(form.action)
        if parts.netloc and parts.netloc != "testserver":
            continue
        form.action = parts.path + (f"?{parts.query}" if parts.query else "")
        forms.append(form)
    return forms


# --- hostile values -------------------------------------------------------------------------------

#: the categories every field gets, over the personas that may use it (see the fuzz test)
CATEGORIES = (
    "nul",
    "non_ascii_digits",
    "huge",
    "control",
    "unicode",
    "huge_number",
    "odd_number",
    "empty",
    "several",
)

# each with a superscript, which ``str.isdigit`` accepts and ``int`` refuses, and most with decimal
# digits of other scripts, which ``int`` reads (fullwidth, Arabic-Indic, Bengali, NKo, mathematical)
NON_ASCII_DIGITS = ("²", "²⁰²⁴", "１²", "٢٠٢²", "৪²", "߃²", "𝟚𝟘𝟚²", "³٣")
# pools of code points, chosen for the trouble they cause: accents, right to left, combining marks,
# zero width, astral emoji, CJK, lookalikes, line and paragraph separators, noncharacters
POOLS = (
    "abcXYZ019 -_.,;:'\"<>&%/\\?#=+",
    "éèàçœÆßÅøñüÿ",
    "שלום مرحبا",
    "\u0301\u0308\u20dd",
    "\u200b\u200d\u2060\ufeff\u202e\u2066",
    "😀🇪🇺👩‍👩‍👧𝄞",
    "漢字かなカナ한국어",
    "ⅠⅡ①⑴",
    "\u2028\u2029\u0085",
    "\ufffe\uffff\U0010ffff",
)
ODD_NUMBERS = (
    *("-1", "-2147483649", "-9223372036854775809", "-0"),
    *("1e308", "NaN", "-inf", "0x1F", "1_000", "1,5", "12.5.1"),
)
MB = 1_000_000


def _unicode(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(rng.choice(POOLS)) for _ in range(length))


def hostile(category: str, *, rng: random.Random) -> list[str | bytes]:
    """The values (usually one) that replace a field's values for ``category``."""
    if category == "nul":
        return [rng.choice(("\x00", "a\x00b", "2024\x00", "https://example.org/\x00x"))]
    if category == "non_ascii_digits":
        return [rng.choice(NON_ASCII_DIGITS)]
    if category == "huge":  # a megabyte (the accented one is 1.2 MB once percent-encoded)
        return [rng.choice(("x" * MB, "9" * MB, "é" * (MB // 5)))]
    if category == "control":  # C0 controls, DEL, or bytes that are not UTF-8
        if rng.random() < 0.3:
            return [rng.choice((b"\xff\xfe", b"ab\xc3", b"\xed\xa0\x80"))]
        return ["".join(chr(rng.choice([*range(1, 32), 127])) for _ in range(3)) + "text"]
    if category == "unicode":  # random text, which is also an invalid choice
        return [_unicode(rng, rng.randint(1, 60))]
    if category == "huge_number":
        return [rng.choice(("9" * 19, "9" * 30, "1" + "0" * 400, "9" * 5000))]
    if category == "odd_number":
        return [rng.choice(ODD_NUMBERS)]
    if category == "empty":
        return [rng.choice(("", " ", "\t\n"))]
    if category == "several":  # the field sent three times
        return [_unicode(rng, 5), "\x00", "２"]
    raise ValueError(category)
