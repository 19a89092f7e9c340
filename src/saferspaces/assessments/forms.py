from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saferspaces.authorities.models import Authority, Network
from saferspaces.core.limits import COMMENT_MAX_CHARS
from saferspaces.frameworks.models import FrameworkEdition
from saferspaces.inputs import Form, ModelMultipleChoiceField


class DateInput(forms.DateInput):
    input_type = "date"


def _editions() -> Any:
    return FrameworkEdition.objects.order_by("-date", "-edition_id")


class RoundForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    edition = forms.ModelChoiceField(
        label=_("Framework edition"),
        queryset=FrameworkEdition.objects.none(),
        to_field_name="edition_id",
    )
    period_start = forms.DateField(label=_("Period start"), widget=DateInput)
    period_end = forms.DateField(
        label=_("Period end"),
        widget=DateInput,
        help_text=_("The year of the end is the reference year."),
    )
    deadline = forms.DateField(label=_("Deadline for submissions"), widget=DateInput)
    consensus = forms.BooleanField(
        label=_("Individual answers, then consensus"),
        required=False,
        help_text=_(
            "Respondents first answer alone; each authority's lead then sets the agreed answer."
        ),
    )
    overall = forms.BooleanField(
        label=_("Overall composite score"),
        required=False,
        help_text=_(
            "Also compute one overall score across the dimensions. It is never ranked; "
            "leave it off to show dimensions only."
        ),
    )
    authorities = ModelMultipleChoiceField(
        label=_("Authorities taking part"),
        queryset=Authority.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = _editions()  # type: ignore[attr-defined]
        self.fields["authorities"].queryset = network.authorities.order_by("name")  # type: ignore[attr-defined]
        first = _editions().first()
        if first is not None:
            self.fields["edition"].initial = first.edition_id


class StartForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    edition = forms.ModelChoiceField(
        label=_("Framework edition"),
        queryset=FrameworkEdition.objects.none(),
        to_field_name="edition_id",
    )
    reference_year = forms.IntegerField(
        label=_("Reference year"), min_value=2000, max_value=2100, required=False
    )
    consensus = forms.BooleanField(
        label=_("Individual answers, then consensus"),
        required=False,
        help_text=_("Colleagues first answer alone; a lead then sets the agreed answer."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = _editions()  # type: ignore[attr-defined]
        first = _editions().first()
        if first is not None:
            self.fields["edition"].initial = first.edition_id


class TransitionForm(Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("submit", "return", "accept", "reopen")], widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
