from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from saferspaces.core.limits import MB, OPENDATA_FILE_MAX_BYTES
from saferspaces.core.opendata import SOURCES
from saferspaces.inputs import Form, ascii_int


class GeographyMatchForm(Form):
    city_code = forms.CharField(
        label=_("Urban Audit city code"),
        required=False,
        max_length=8,
        help_text=_(
            "The city's code in Eurostat's city statistics, e.g. BE001C. Leave empty when the "
            "authority is not an Urban Audit city."
        ),
    )
    nuts_code = forms.CharField(
        label=_("NUTS region code"),
        max_length=5,
        help_text=_(
            "The NUTS 3 region (5 characters, e.g. FRL04) or, if there is none, the NUTS 2 "
            "region. The NUTS 2 and NUTS 1 regions and the country follow from it."
        ),
    )


class GroupRadioSelect(forms.RadioSelect):
    """Radio buttons in a ``<fieldset>`` whose id is the field's: the error summary links to
    the group (Django's own radio select gives no id to link to)."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return id_ if index is None else super().id_for_label(id_, index)


ORIGIN_FILE = "file"
ORIGIN_API = "api"


class ImportStartForm(Form):
    """What an administrator asks for: a declared source, from Eurostat's API or from a file
    downloaded by hand, optionally from a first year on."""

    source = forms.ChoiceField(
        label=_("Source"),
        help_text=_("The Eurostat dataset, as declared in Safer Spaces."),
    )
    origin = forms.ChoiceField(
        label=_("Where the data come from"),
        choices=[
            (ORIGIN_API, _("Eurostat's API (the server downloads the dataset)")),
            (ORIGIN_FILE, _("A file I upload")),
        ],
        widget=GroupRadioSelect,
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".tsv,.gz,.json,.txt"}),
    )
    since = forms.CharField(
        label=_("First year"),
        required=False,
        max_length=20,
        help_text=_("Load only the periods from this year on, e.g. 2015. Empty: every period."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "A file downloaded from Eurostat: TSV (.tsv), compressed TSV (.tsv.gz) or JSON-stat "
            "(.json), at most %(limit)s MB."
        ) % {"limit": OPENDATA_FILE_MAX_BYTES // MB}
        source = self.fields["source"]
        assert isinstance(source, forms.ChoiceField)
        source.choices = [
            ("", _("Choose a source")),
            *((name, f"{name}: {SOURCES[name].title}") for name in sorted(SOURCES)),
        ]

    def clean_since(self) -> int | None:
        text = self.cleaned_data["since"]
        if not text.strip():
            return None
        year = ascii_int(text)
        if year is None or not 1900 <= year <= 2100:
            raise forms.ValidationError(
                _("Give a year such as 2015, written with the digits 0 to 9, or leave it empty.")
            )
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        origin, upload = data.get("origin"), data.get("file")
        if origin == ORIGIN_FILE and not upload and "file" not in self.errors:
            self.add_error("file", _("Choose the file to import."))
        if origin == ORIGIN_API and upload:
            self.add_error(
                "file",
                _(
                    "You chose Eurostat's API and a file. To import the file, choose “A file I "
                    "upload”; to fetch the dataset from the API, remove the file."
                ),
            )
        return data
