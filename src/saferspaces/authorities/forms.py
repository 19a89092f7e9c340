from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from saferspaces.accounts.models import Role
from saferspaces.authorities.models import Authority, AuthorityKind, Network
from saferspaces.core.limits import AUTHORITY_TABLE_MAX_ROWS, FILE_MAX_BYTES, POPULATION_MAX
from saferspaces.inputs import Form


class AuthorityFilterForm(Form):
    country = forms.CharField(label=_("Country code"), required=False, max_length=2)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *AuthorityKind.choices]
    )


class AuthorityForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    country_code = forms.CharField(
        label=_("Country code"), max_length=2, help_text=_("Two letters, as in NUTS: FR, DE, EL...")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=AuthorityKind.choices)
    nuts_code = forms.CharField(
        label=_("NUTS code"),
        max_length=5,
        help_text=_("The NUTS 1, 2 or 3 region the authority lies in, e.g. FR101."),
    )
    lau_code = forms.CharField(label=_("LAU code"), max_length=20, required=False)
    population = forms.IntegerField(
        label=_("Population"), min_value=0, max_value=POPULATION_MAX, required=False
    )
    area_km2 = forms.DecimalField(
        label=_("Area (km²)"), min_value=0, max_digits=10, decimal_places=2, required=False
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        min_value=-90,
        max_value=90,
        max_digits=8,
        decimal_places=5,
        required=False,
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        max_digits=8,
        decimal_places=5,
        required=False,
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        help_text=_("ISO 639 codes separated by commas, e.g. fr, nl."),
    )

    def clean_languages(self) -> list[str]:
        raw = self.cleaned_data.get("languages") or ""
        return [code.strip().lower() for code in raw.split(",") if code.strip()]


class InvitationForm(Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.RESPONDENT)


class NetworkForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who the network brings together and what for; shown on its public page."),
    )


class CoordinatorForm(Form):
    email = forms.EmailField(
        label=_("E-mail address of the coordinator"),
        help_text=_(
            "A person with an account becomes a coordinator at once; anyone else is invited "
            "by e-mail and creates their account when accepting."
        ),
    )


class _AuthorityChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Authority) -> str:  # type: ignore[override]
        return f"{obj.name} ({obj.country_code}, {obj.nuts_region_id})"


class NetworkAuthorityForm(Form):
    authority = _AuthorityChoice(
        label=_("Authority"),
        queryset=Authority.objects.none(),
        help_text=_(
            "Registered authorities that are not in the network yet. An authority that is not "
            "registered is registered first by an administrator, or with a file."
        ),
    )
    lead_email = forms.EmailField(
        label=_("E-mail address of its lead"),
        required=False,
        help_text=_("If given, the lead is invited to the authority's team."),
    )

    def __init__(self, *args: object, network: Network, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["authority"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Authority.objects.exclude(networks=network)
            .select_related("nuts_region")
            .order_by("country_code", "name")
        )


class AuthorityUploadForm(Form):
    file = forms.FileField(label=_("Table of authorities"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["file"].help_text = gettext(
            "CSV or Excel (.xlsx), at most %(size)s MB and %(rows)s authorities, one per row."
        ) % {"size": FILE_MAX_BYTES // (1024 * 1024), "rows": AUTHORITY_TABLE_MAX_ROWS}
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx"
