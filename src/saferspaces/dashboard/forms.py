from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from saferspaces.core.dashboard import PeerCriteria
from saferspaces.core.dashboard.peers import FACTOR_CHOICES, INCOME_CHOICES
from saferspaces.core.limits import NOTE_MAX_CHARS
from saferspaces.inputs import Form

ANY = ""


def _factor_choices() -> list[tuple[str, Any]]:
    return [(ANY, _("any"))] + [
        (f"{f:g}", _("within a factor of %(f)s") % {"f": f"{f:g}"}) for f in FACTOR_CHOICES
    ]


def _income_choices() -> list[tuple[str, Any]]:
    return [(ANY, _("any"))] + [
        (f"{r:g}", _("within ±%(p)s %%") % {"p": f"{r * 100:g}"}) for r in INCOME_CHOICES
    ]


def _attrs(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html`` in Python."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {conditional_escape(name)}")
        if value is not True:
            out.append(f'="{conditional_escape(str(value))}"')
    return "".join(out)


class PlainSelect(forms.Select):
    """A select that renders the same HTML as Django's ``select.html`` and ``select_option.html``
    templates, written in Python: the peer page has three of them, and the template engine
    spent more time on their options (one included template each) than on the rest of the form.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        w = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(w["name"])}"{_attrs(w["attrs"])}>']
        for group_name, group_choices, _index in w["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")  # the renderer strips the trailing newline
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


class PeerCriteriaForm(Form):
    """The similarity criteria, read from the query string (a GET form)."""

    criteria = forms.CharField(widget=forms.HiddenInput, required=False, initial="1")
    same_kind = forms.BooleanField(label=_("Same kind of authority"), required=False)
    same_level = forms.BooleanField(label=_("Same NUTS level"), required=False)
    same_country = forms.BooleanField(label=_("Same country"), required=False)
    same_urbanisation = forms.BooleanField(label=_("Same degree of urbanisation"), required=False)
    population_factor = forms.TypedChoiceField(
        label=_("Population"),
        required=False,
        choices=_factor_choices,
        coerce=float,
        empty_value=None,
        widget=PlainSelect,
    )
    density_factor = forms.TypedChoiceField(
        label=_("Population density"),
        required=False,
        choices=_factor_choices,
        coerce=float,
        empty_value=None,
        widget=PlainSelect,
    )
    income_range = forms.TypedChoiceField(
        label=_("Income"),
        required=False,
        choices=_income_choices,
        coerce=float,
        empty_value=None,
        widget=PlainSelect,
    )

    @classmethod
    def from_query(cls, data: Any) -> PeerCriteriaForm:
        if "criteria" not in data:
            d = PeerCriteria()
            initial = {
                "same_kind": d.same_kind,
                "same_level": d.same_level,
                "same_country": d.same_country,
                "same_urbanisation": d.same_urbanisation,
                "population_factor": f"{d.population_factor:g}" if d.population_factor else ANY,
                "density_factor": ANY,
                "income_range": ANY,
            }
            return cls(initial | {"criteria": "1"})
        return cls(data)

    def criteria_value(self) -> PeerCriteria:
        """The criteria (the defaults when the form is invalid)."""
        if not self.is_valid():
            return PeerCriteria()
        c = self.cleaned_data
        return PeerCriteria(
            same_kind=bool(c["same_kind"]),
            same_level=bool(c["same_level"]),
            same_country=bool(c["same_country"]),
            same_urbanisation=bool(c["same_urbanisation"]),
            population_factor=c["population_factor"],
            density_factor=c["density_factor"],
            income_range=c["income_range"],
        )


class SharingForm(Form):
    open_to_contact = forms.BooleanField(
        label=_("Similar authorities may contact us about our practices"),
        required=False,
        help_text=_(
            "You then appear in “Learn from peers” for similar authorities where you are strong "
            "or improved, with your practice answers, comments and the evidence you share below."
        ),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    note = forms.CharField(
        label=_("What we are happy to talk about"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX_CHARS,
    )
    publish_results = forms.BooleanField(
        label=_("Our scores may be shown under our name"),
        required=False,
        help_text=_(
            "Otherwise your scores only ever count, anonymously, in groups of at least five."
        ),
    )
    shared_evidence = forms.TypedMultipleChoiceField(
        label=_("Evidence we share with similar authorities"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, evidence: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["shared_evidence"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [
            (e.pk, f"{e.code}: {e.source_name}" + (f" ({e.year})" if e.year else ""))
            for e in evidence
        ]
