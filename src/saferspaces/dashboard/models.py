"""Scores and background conditions indexed for reading across authorities, and what authorities
choose to share.

:class:`ScoreFact` and :class:`PeerProfile` are derived data: they are rewritten from the latest
:class:`~saferspaces.assessments.models.ScoreRun` of an assessment every time it is scored
(``saferspaces.dashboard.facts.score_facts_write``), so that peer groups and network
distributions are read with indexed queries instead of parsing every stored result. They never
hold an ordinal position.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScoreFact(models.Model):
    """One (sub-)dimension of one assessment's latest scores."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="score_facts"
    )
    run = models.ForeignKey("assessments.ScoreRun", on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(
        "assessments.Round", null=True, on_delete=models.CASCADE, related_name="+"
    )
    authority = models.ForeignKey(
        "authorities.Authority", on_delete=models.CASCADE, related_name="+"
    )
    node = models.CharField(max_length=64)
    depth = models.PositiveSmallIntegerField(default=0)  # 0 = a top-level dimension
    score = models.FloatField(null=True)  # all kinds together
    perception = models.FloatField(null=True)
    status = models.FloatField(null=True)
    gap = models.FloatField(null=True)
    coverage = models.FloatField(null=True)  # share of applicable indicators answered

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "node"], name="score_fact_unique")
        ]
        indexes = [models.Index(fields=["round", "node"])]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.node}"


class PeerProfile(models.Model):
    """The background conditions of an authority when it answered an assessment."""

    assessment = models.OneToOneField(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="peer_profile"
    )
    round = models.ForeignKey(
        "assessments.Round", null=True, on_delete=models.CASCADE, related_name="+"
    )
    authority = models.ForeignKey(
        "authorities.Authority", on_delete=models.CASCADE, related_name="+"
    )
    # the assessment's workflow state, copied so that the peer pool (submitted or accepted
    # assessments of the round) is read from this table alone; written with the profile and
    # kept in step by ``facts.peer_profile_state_sync``, called by the workflow on each transition
    state = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=30)
    nuts_level = models.PositiveSmallIntegerField(null=True)
    country = models.CharField(max_length=2)
    urbanisation = models.CharField(max_length=64, blank=True)  # "" = unknown
    population = models.FloatField(null=True)
    density = models.FloatField(null=True)
    income = models.FloatField(null=True)
    sources = models.JSONField(default=dict)  # condition -> "answer" | "registry"

    class Meta:
        # the peer pool (round, state) and the default peer set (round, kind, population range)
        # are read from the index alone on PostgreSQL (INCLUDE; other databases ignore it)
        indexes = [
            models.Index(
                fields=["round", "kind", "population"],
                include=["state", "authority", "assessment"],
                name="peer_profile_kind_population",
            ),
            models.Index(fields=["round", "population"]),
            models.Index(
                fields=["round", "state"], include=["authority"], name="peer_profile_pool"
            ),
        ]

    def __str__(self) -> str:
        return f"peer profile of {self.assessment_id}"


class PeerSharing(models.Model):
    """What an authority agrees to share with similar authorities and the public."""

    authority = models.OneToOneField(
        "authorities.Authority", on_delete=models.CASCADE, related_name="sharing"
    )
    open_to_contact = models.BooleanField(
        _("similar authorities may contact us about our practices"), default=False
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    note = models.TextField(_("what we are happy to talk about"), blank=True)
    publish_results = models.BooleanField(
        _("our scores may be shown under our name"), default=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"sharing of {self.authority_id}"


class PublishedAggregate(models.Model):
    """A distribution of a round's scores that a coordinator made public (n >= the minimum)."""

    round = models.ForeignKey(
        "assessments.Round", on_delete=models.CASCADE, related_name="published"
    )
    node = models.CharField(max_length=64)
    kind = models.CharField(max_length=20)  # all | perception | status
    n = models.PositiveIntegerField()
    q1 = models.FloatField()
    median = models.FloatField()
    q3 = models.FloatField()
    gap_counts = models.JSONField(default=dict)  # gap reading -> number of authorities
    # when it was published: the round's accepted assessments (the only ones counted) and its
    # participants; unknown (null) for distributions published before only accepted ones counted
    accepted = models.PositiveIntegerField(null=True, blank=True)
    participants = models.PositiveIntegerField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "node", "kind"], name="published_aggregate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.node} {self.kind}"
