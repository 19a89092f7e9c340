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


PRIVATE_ROUND = "private"


class AssessmentFilterForm(forms.Form):
    """The filters and the order of the assessment list (a GET form: bad values are shown as
    errors and left out, the rest of the filters still apply)."""

    state = forms.ChoiceField(label=_("State"), required=False)
    round = forms.ChoiceField(label=_("Round"), required=False)
    authority = forms.ChoiceField(label=_("Authority"), required=False)
    order = forms.ChoiceField(label=_("Order"), required=False)

    def __init__(self, data: Any, *, choices: Any) -> None:
        super().__init__(data)
        everything = [("", _("Any"))]
        self._choose("state", everything + [(k, v) for k, v in choices.states])
        self._choose(
            "round",
            everything
            + [(str(r.pk), f"{r.title} ({r.network.name})") for r in choices.rounds]
            + [(PRIVATE_ROUND, _("Outside any round (self-assessments)"))],
        )
        self._choose("authority", everything + [(str(a.pk), a.name) for a in choices.authorities])
        self._choose(
            "order",
            [
                ("recent", _("Latest change first")),
                ("authority", _("Authority, A to Z")),
                ("round", _("Round, latest first")),
                ("state", _("State")),
            ],
        )

    def _choose(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of ``assessment_list``."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        out: dict[str, Any] = {"order": data.get("order") or "recent"}
        if data.get("state"):
            out["state"] = data["state"]
        if data.get("round") == PRIVATE_ROUND:
            out["private"] = True
        elif data.get("round"):
            out["round_id"] = int(data["round"])
        if data.get("authority"):
            out["authority_id"] = int(data["authority"])
        return out


class RoundEditForm(Form):
    """A round's title, deadline and participants, changed after it opened."""

    title = forms.CharField(label=_("Title"), max_length=200)
    deadline = forms.DateField(
        label=_("Deadline for submissions"),
        widget=DateInput,
        help_text=_(
            "Extend it, or bring it forward (not into the past). Reminders follow the new deadline."
        ),
    )
    authorities = ModelMultipleChoiceField(
        label=_("Authorities taking part"),
        queryset=Authority.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A new participant gets its assessment at once. A participant can be withdrawn only "
            "while its assessment is empty: answers are never deleted."
        ),
    )

    def __init__(self, *args: Any, round_: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        taking_part = Q(assessments__round=round_)
        self.fields["authorities"].queryset = (  # type: ignore[attr-defined]
            Authority.objects.filter(Q(networks=round_.network) | taking_part)
            .distinct()
            .order_by("name")
        )
