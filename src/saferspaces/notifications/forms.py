"""The preferences form on ``/me/``: the language of a person's e-mails and one switch per kind."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from saferspaces import languages
from saferspaces.inputs import Form
from saferspaces.notifications.kinds import CODES, KINDS


class PreferencesForm(Form):
    language = forms.ChoiceField(
        label=_("Your language"),
        help_text=_(
            "Your pages after you log in and the e-mails Safer Spaces sends you are in this "
            "language. A language still being translated is shown in English until it is ready."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = language_choices()
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


def language_choices() -> list[tuple[str, str]]:
    """Every declared language by its own name; one not offered yet says so (in the page's
    language: the person may not read the one they look for yet)."""
    return [
        (
            lang.code,
            lang.name_local
            if lang.offered or lang.source
            else _("%(language)s (being translated: in English for now)")
            % {"language": lang.name_local},
        )
        for lang in languages.languages_declared()
    ]
