"""Stored results: runs, the long-form fact index, peer profiles and published aggregates.

A :class:`ResultRun` is one computation of an assessment's results by its edition's result model
(``saferspaces.core.results``): what produced them, the unit's explanation and its facts. The
fact index (:class:`ResultFact`) and the peer profiles (:class:`PeerProfile`) are derived from
each assessment's latest run, rewritten in the same transaction (``results.index``) and again by
``saferspaces results rebuild``; pages read them, never a run's facts. A
:class:`PublishedAggregate` is a distribution a coordinator made public. Nothing here holds an
ordinal position among authorities.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from saferspaces.results.fields import CompactJSONField

#: the measure of the fact index that holds each kind of composite score (the peer profiles
#: carry these three of the top-level dimensions, packed: ``PeerProfile.top_scores``)
KIND_MEASURES = {"all": "score", "perception": "perception", "status": "status"}
#: the depth of a top-level dimension in the fact index (0 is the overall composite)
TOP_DEPTH = 1


def unit_key(assessment_id: int) -> str:
    """The unit an assessment is in a computation of results (the one definition)."""
    return f"A{assessment_id}"


class ResultBasis(models.Model):
    """What produced some runs' results, stored once for all of them (content-addressed): for
    the composite model the engine's pipeline, steps, options, number of units and the rules of
    every indicator (about 13 kB for the first edition, the same for every run of a round: a
    round of 10,000 would otherwise repeat it 10,000 times)."""

    sha256 = models.CharField(max_length=64, unique=True)
    meta = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"result basis {self.sha256[:12]}"


class ResultRun(models.Model):
    """One computation of an assessment's results, with what produced them."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="result_runs"
    )
    model = models.CharField(max_length=32, default="composite")  # the edition's result model
    edition_id = models.CharField(max_length=64)
    pipeline_name = models.CharField(max_length=200, blank=True)  # composite: the pipeline
    pipeline_sha256 = models.CharField(max_length=64, blank=True)
    # submit | on_demand | round (the whole round computed together) | upgrade
    trigger = models.CharField(max_length=20)
    state = models.CharField(max_length=20)  # the assessment's state when computed
    units = models.PositiveIntegerField(default=1)  # assessments computed together
    # the unit's explanation by its model (format saferspaces-result-explanation/1), read
    # whole and never queried inside: stored as the compact JSON written (fields.py)
    explanation = CompactJSONField(default=dict)
    # what produced them: the part shared with the other runs of the computation in ``basis``
    # (composite: the engine's pipeline, steps, options, rules), the unit's own here (the
    # warnings about this unit); :attr:`full_meta` is both
    basis = models.ForeignKey(
        ResultBasis, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meta = models.JSONField(default=dict)
    # the unit's facts as computed: {"fields": [...], "rows": [[...], ...]}; the index is their
    # copy (``results rebuild`` writes it again from here)
    facts = models.JSONField(default=dict)
    warnings = models.JSONField(default=list)  # the model's notes about this unit or the round
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return (
            f"results of {self.assessment_id} ({self.trigger}, {self.computed_at:%Y-%m-%d %H:%M})"
        )

    @property
    def full_meta(self) -> dict[str, Any]:
        """What produced the results: the shared basis with the unit's own part (runs stored
        before the basis existed hold it all in :attr:`meta`)."""
        basis = self.basis if self.basis_id is not None else None
        if basis is None:
            return dict(self.meta)
        return {**basis.meta, **self.meta}

    @property
    def state_label(self) -> str:
        """The assessment's state when computed, in words of the page's language."""
        from saferspaces.assessments.models import AssessmentState

        if self.state in AssessmentState.values:
            return str(AssessmentState(self.state).label)
        return self.state


class ResultFact(models.Model):
    """One number of an assessment's latest results: (node, measure[, category, instance]).

    ``depth`` 0 is the overall composite, 1 a top-level dimension, items one below their
    holder; ``coverage`` is the share of what the number rests on that was available (the
    measure ``coverage`` is that share for a whole node), ``n`` how many answers it rests on,
    ``reason`` why ``value`` is empty.
    """

    # A derived index, rewritten with its runs: its links are kept by Django (a deleted
    # assessment, run, round or authority takes its facts along) and not checked by the
    # database, whose foreign-key triggers, fired for each of the 1.4 million rows a round of
    # 10,000 assessments writes, cost more than the whole computation (docs/benchmarks.md).
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    run = models.ForeignKey(
        ResultRun, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    round = models.ForeignKey(
        "assessments.Round",
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # facts go with their assessment (above); nothing reads them by authority alone (an index
    # of its own would cost every round's write for no reader)
    authority = models.ForeignKey(
        "authorities.Authority",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    node = models.CharField(max_length=64)
    measure = models.CharField(max_length=32)
    category = models.CharField(max_length=64, blank=True, default="")
    instance = models.CharField(max_length=200, blank=True, default="")
    value = models.FloatField(null=True)
    parent = models.CharField(max_length=64, blank=True, default="")  # "": a top node
    depth = models.PositiveSmallIntegerField(default=0)
    coverage = models.FloatField(null=True)
    n = models.PositiveIntegerField(null=True)
    reason = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        db_table = "results_fact"
        constraints = [
            # an assessment's facts, and some measures and nodes of a set of assessments (a
            # round's values: read from the index alone on PostgreSQL, INCLUDE value)
            models.UniqueConstraint(
                fields=["assessment", "measure", "node", "category", "instance"],
                include=["value"],
                name="result_fact_unique",
            )
        ]
        # no index of rounds: a round's values are read through its assessments and the
        # unique key above (every index costs each round's write: 1.41 million entries for
        # 10,000 assessments of the first edition, about 3.5 s of PostgreSQL's time for that
        # one; docs/benchmarks.md)
        # the peers' quartiles and named peers read the top-level scores packed on the peer
        # profiles (``PeerProfile.top_scores``), not the facts: no index of them here

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.node} {self.measure}"


#: what a peer group reads besides its index's keys: the pool's state, the criteria's other
#: facts, the ids and the packed scores
PEER_GROUP_COLUMNS = [
    "state",
    "kind",
    "nuts_level",
    "country",
    "urbanisation",
    "density",
    "income",
    "authority",
    "assessment",
    "top_nodes",
    "top_scores",
]


class PeerProfile(models.Model):
    """The background conditions of an authority when it answered an assessment."""

    assessment = models.OneToOneField(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="peer_profile"
    )
    round = models.ForeignKey(
        "assessments.Round", null=True, on_delete=models.CASCADE, related_name="+"
    )
    authority = models.ForeignKey(
        "authorities.Authority",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the index (authority, round) below serves it
    )
    # the assessment's workflow state, copied so that the peer pool (submitted or accepted
    # assessments of the round) is read from this table alone; written with the profile and
    # kept in step by the workflow's transition hook (``results.hooks``)
    state = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=30)
    nuts_level = models.PositiveSmallIntegerField(null=True)
    country = models.CharField(max_length=2)
    urbanisation = models.CharField(max_length=64, blank=True)  # "" = unknown
    population = models.FloatField(null=True)
    density = models.FloatField(null=True)
    income = models.FloatField(null=True)
    sources = models.JSONField(default=dict)  # condition -> "answer" | "registry"
    # the assessment's top-level scores (score, perception and status of each top-level
    # dimension), packed as ``core.dashboard.packed`` lays them out: a peer group's quartiles
    # read one value per peer instead of one fact per peer, dimension and kind; written with
    # the facts they copy, from the same run
    top_nodes = models.TextField(blank=True)  # the layout: the nodes' codes, sorted
    top_scores = models.BinaryField(default=b"")

    class Meta:
        # the peer pool (round, state) and the default peer set (round, kind, population range),
        # with its packed scores, are read from the index alone on PostgreSQL (INCLUDE; other
        # databases ignore it)
        indexes = [
            # a peer group (of the same kind or not) within a population range, with the other
            # criteria's facts and the packed scores: read from the index alone (a default
            # group of about 9 500 peers at 100 000 authorities: 24 -> 4 ms on PostgreSQL)
            models.Index(
                fields=["round", "kind", "population"],
                include=PEER_GROUP_COLUMNS,
                name="peer_profile_kind_population",
            ),
            models.Index(
                fields=["round", "population"],
                include=PEER_GROUP_COLUMNS,
                name="peer_profile_population",
            ),
            # some authorities' profiles in a round, with their packed scores (whom to learn
            # from: the candidates' previous round), from the index alone: 34 -> 7 ms for 1 400
            # authorities at 100 000 on PostgreSQL
            models.Index(
                fields=["authority", "round"],
                include=["state", "assessment", "top_nodes", "top_scores"],
                name="peer_profile_authority_round",
            ),
            models.Index(
                fields=["round", "state"], include=["authority"], name="peer_profile_pool"
            ),
        ]

    def __str__(self) -> str:
        return f"peer profile of {self.assessment_id}"


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


class SpreadSnapshot(models.Model):
    """The spread (``core.assessment.RoundSpread``) of a round's submitted and accepted
    assessments at one moment, kept so that one submission's results do not read the
    data_driven answers of every member again (1.6 million answers in a round of 100,000).

    ``members`` is the digest of the set it was read from: each member's id, edition and last
    change (``Assessment.updated_at``, which every answer write and workflow step moves). A
    snapshot is used only for exactly that set, the same edition source and the same pipeline;
    anything else reads the answers and keeps a new snapshot (``results.spreads``)."""

    round = models.ForeignKey("assessments.Round", on_delete=models.CASCADE, related_name="+")
    edition = models.ForeignKey(
        "frameworks.FrameworkEdition", on_delete=models.CASCADE, related_name="+"
    )
    edition_sha256 = models.CharField(max_length=64)
    pipeline_sha256 = models.CharField(max_length=64)
    members = models.CharField(max_length=64)
    n_units = models.PositiveIntegerField()
    columns = models.JSONField()  # indicator -> [units with a value, lowest, highest]
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "edition", "pipeline_sha256"], name="spread_snapshot_unique"
            )
        ]

    def __str__(self) -> str:
        return f"spread of round {self.round_id} ({self.n_units} units)"


class SpreadRow(models.Model):
    """One assessment's values of the data_driven indicators as a round's spread reads them
    (``core.assessment.round_spread_rows``: one double per indicator, in the order of
    ``round_spread_indicators``, NaN without a value), kept so that when a round's members
    changed since its spread was kept (a member returned, resubmitted or recomputed) a
    submission reads the answers of the members that changed only, not of every member
    (``results.spreads``).

    ``stamp`` is the assessment's ``updated_at`` read *before* its answers were: a row is used
    only while the assessment still has that stamp, for the same edition source and pipeline."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="+"
    )
    round = models.ForeignKey("assessments.Round", on_delete=models.CASCADE, related_name="+")
    # the edition of the computation that read it (its data_driven indicators)
    edition = models.ForeignKey(
        "frameworks.FrameworkEdition", on_delete=models.CASCADE, related_name="+"
    )
    edition_sha256 = models.CharField(max_length=64)
    pipeline_sha256 = models.CharField(max_length=64)
    stamp = models.DateTimeField()
    values = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "edition"], name="spread_row_unique")
        ]
        indexes = [models.Index(fields=["round", "edition"], name="spread_row_round")]

    def __str__(self) -> str:
        return f"spread row of {self.assessment_id}"
