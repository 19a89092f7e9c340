"""Assessment rounds, assessments and their answers, with full history.

An :class:`Assessment` answers one framework edition (recorded, never changed). Its answers are
:class:`Answer` rows with an explicit status and a version number (optimistic concurrency); every
change appends an :class:`AnswerRevision`. Workflow steps are :class:`Transition` rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saferspaces.core.framework.answers import ANSWER_STATUSES


class AnswerStatus(models.TextChoices):
    ANSWERED = ANSWER_STATUSES[0], _("Answer")
    DONT_KNOW = ANSWER_STATUSES[1], _("Don't know")
    NOT_APPLICABLE = ANSWER_STATUSES[2], _("Not applicable")
    NOT_COLLECTED = ANSWER_STATUSES[3], _("Data not collected")


class Round(models.Model):
    """An assessment round a coordinator opens for a network."""

    network = models.ForeignKey(
        "authorities.Network", on_delete=models.PROTECT, related_name="rounds"
    )
    edition = models.ForeignKey(
        "frameworks.FrameworkEdition", on_delete=models.PROTECT, related_name="rounds"
    )
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    deadline = models.DateField(_("deadline"))
    consensus = models.BooleanField(
        _("individual answers, then consensus"),
        default=False,
        help_text=_("Respondents answer alone first; the lead then sets the agreed answer."),
    )
    overall = models.BooleanField(
        _("overall composite score"),
        default=False,
        help_text=_("Also compute one overall score across the dimensions (never ranked)."),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # closing ends the season: no more submissions; drafts are kept, marked not submitted
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        ordering = ["-period_end", "-id"]

    def __str__(self) -> str:
        return self.title


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned with comments")
    ACCEPTED = "accepted", _("Accepted")


NOT_SUBMITTED = "not_submitted"
NOT_SUBMITTED_LABEL = _("Not submitted (round closed)")


class Assessment(models.Model):
    authority = models.ForeignKey(
        "authorities.Authority", on_delete=models.CASCADE, related_name="assessments"
    )
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    edition = models.ForeignKey(
        "frameworks.FrameworkEdition", on_delete=models.PROTECT, related_name="assessments"
    )
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(
        _("state"), max_length=20, choices=AssessmentState.choices, default=AssessmentState.DRAFT
    )
    consensus = models.BooleanField(_("individual answers, then consensus"), default=False)
    reference_year = models.PositiveIntegerField(_("reference year"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # set when its round closed before it was submitted: the answers are kept, read only, and
    # the assessment shows as not submitted (its state stays the draft or returned it was)
    not_submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "round"],
                condition=models.Q(round__isnull=False),
                name="one_assessment_per_authority_and_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.authority})"

    @property
    def editable(self) -> bool:
        return (
            self.state in (AssessmentState.DRAFT, AssessmentState.RETURNED)
            and self.not_submitted_at is None
        )

    @property
    def state_code(self) -> str:
        """The state as shown: ``not_submitted`` once its round closed before a submission."""
        return NOT_SUBMITTED if self.not_submitted_at is not None else str(self.state)

    # replaces Django's generated method (it leaves one defined on the class alone), so that every
    # page and message names a closed draft "not submitted"
    def get_state_display(self) -> str:  # type: ignore[no-redef]
        if self.not_submitted_at is not None:
            return str(NOT_SUBMITTED_LABEL)
        return str(dict(AssessmentState.choices).get(self.state, self.state))


class Answer(models.Model):
    """The assessment's current (agreed) answer to one question."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    code = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=AnswerStatus.choices)
    value = models.JSONField(null=True, blank=True)
    comment = models.TextField(blank=True)
    prefill = models.JSONField(
        null=True, blank=True, help_text="provenance of an accepted open-data value"
    )
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "code"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.code} = {self.value!r} ({self.status})"


class AnswerSource(models.TextChoices):
    FORM = "form", _("form")
    IMPORT = "import", _("file import")
    PREFILL = "prefill", _("open data")
    CONSENSUS = "consensus", _("consensus")


class AnswerRevision(models.Model):
    """One change of an answer: append-only history."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="revisions")
    code = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=AnswerStatus.choices)
    value = models.JSONField(null=True, blank=True)
    comment = models.TextField(blank=True)
    source = models.CharField(max_length=20, choices=AnswerSource.choices)
    note = models.CharField(max_length=300, blank=True)
    prefill = models.JSONField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["assessment", "code"])]

    def __str__(self) -> str:
        return f"{self.code} v{self.version} ({self.status})"


class IndividualAnswer(models.Model):
    """A respondent's own answer when the assessment works by consensus."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="individual_answers"
    )
    code = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=AnswerStatus.choices)
    value = models.JSONField(null=True, blank=True)
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "code", "user"], name="one_individual_answer_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} by {self.user_id} ({self.status})"


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.assessment_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class Evidence(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    code = models.CharField(max_length=64)
    source_name = models.CharField(_("source"), max_length=300)
    year = models.PositiveIntegerField(_("year"), null=True, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    shared_with_peers = models.BooleanField(
        _("shared with similar authorities who ask to learn from us"), default=False
    )

    class Meta:
        ordering = ["added_at", "id"]
        indexes = [models.Index(fields=["assessment", "code"])]

    def __str__(self) -> str:
        return f"{self.source_name} for {self.code}"


class Assignment(models.Model):
    """The lead assigns a dimension (or the checklist) to a colleague."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="assignments")
    section = models.CharField(max_length=64)  # a top-level dimension code or "checklist"
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "section", "user"], name="one_assignment_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.section} -> {self.user_id}"


class TransitionAction(models.TextChoices):
    START = "start", _("started")
    SUBMIT = "submit", _("submitted")
    RESUBMIT = "resubmit", _("resubmitted")
    RETURN = "return", _("returned with comments")
    ACCEPT = "accept", _("accepted")
    REOPEN = "reopen", _("reopened")
    CLOSE = "close", _("not submitted: the round closed")


class Transition(models.Model):
    """A workflow step: who moved the assessment from which state to which, when and why."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=20, choices=TransitionAction.choices)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    comment = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_state} -> {self.to_state}"


class FlagReason(models.TextChoices):
    UNCLEAR = "unclear", _("The question is unclear")
    NOT_FITTING = "not_fitting", _("The question does not fit our authority")


class QuestionFlag(models.Model):
    """Pilot feedback on a question of an edition."""

    edition = models.ForeignKey(
        "frameworks.FrameworkEdition", on_delete=models.CASCADE, related_name="flags"
    )
    code = models.CharField(max_length=64)
    assessment = models.ForeignKey(
        Assessment, null=True, on_delete=models.SET_NULL, related_name="flags"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    note = models.TextField(_("note"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code", "-created_at"]

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"


class AnswerImport(models.Model):
    """An uploaded answer file waiting for confirmation after its preview.

    ``sets`` holds what the file contained, as read: one set for a filled-in template, one per
    submission for a KoboToolbox / ODK export: ``[{identifier, submitted, rows, problems}]``.
    ``base_versions`` are the answer versions shown in the preview; confirming refuses answers
    changed since then.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=20)  # answers | submission
    file_format = models.CharField(max_length=10)
    sets = models.JSONField()
    base_versions = models.JSONField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_set = models.CharField(max_length=200, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"import {self.file_name} into {self.assessment_id}"


class PrefillDecision(models.Model):
    """A respondent's decision on an open-data suggestion: accepted (it became the answer) or
    rejected (not offered again unless newer data arrive). The suggestion is kept as shown."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="prefill_decisions"
    )
    code = models.CharField(max_length=64)
    decision = models.CharField(max_length=20)  # accepted | rejected
    suggestion = models.JSONField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["assessment", "code"])]

    def __str__(self) -> str:
        return f"{self.decision} open data for {self.code}"
