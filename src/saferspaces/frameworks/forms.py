from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saferspaces.inputs import Form


class EditionUploadForm(Form):
    file = forms.FileField(
        label=_("Edition file"),
        help_text=_(
            "A framework edition in YAML (.yaml) or an XLSForm exported by Safer Spaces (.xlsx)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.xlsx"}),
    )
