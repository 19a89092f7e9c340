"""The preferences form on ``/me/``: the language of a person's e-mails and one switch per kind."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from saferspaces.inputs import Form
from saferspaces.notifications.kinds import CODES, KINDS


class PreferencesForm(Form):
    language = forms.ChoiceField(
        label=_("Language of your e-mails"),
        choices=settings.LANGUAGES,
        help_text=_("The site switches to this language too when you save."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in KINDS:
            self.fields[kind.code] = forms.BooleanField(
                label=kind.label,
                help_text=kind.who,
                required=False,
                widget=forms.CheckboxInput(attrs={"aria-describedby": f"id_{kind.code}-hint"}),
            )

    def switches(self) -> list[BoundField]:
        return [self[code] for code in CODES]

    def wanted(self) -> dict[str, bool]:
        return {code: bool(self.cleaned_data.get(code)) for code in CODES}
