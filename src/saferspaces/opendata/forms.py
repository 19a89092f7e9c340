from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saferspaces.inputs import Form


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
