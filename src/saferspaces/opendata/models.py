"""Open-data records: every import run, the observations it loaded, and each authority's match
to Eurostat's geographies (Urban Audit city, NUTS 3/2/1 chain)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    OK = "ok", _("Succeeded")
    FAILED = "failed", _("Failed")


#: a run that has not ended yet
PENDING = (RunStatus.QUEUED, RunStatus.RUNNING)


class FailureKind(models.TextChoices):
    """Why a run failed, for the message people read and whether "Try again" can help."""

    SOURCE = "source", _("Eurostat could not be reached")
    DATA = "data", _("the data were refused")
    INTERRUPTED = "interrupted", _("interrupted")
    UNEXPECTED = "unexpected", _("unexpected error")


class TransportKind(models.TextChoices):
    FILE = "file", _("File")
    API = "api", _("Eurostat API")


class ImportRun(models.Model):
    """One run of ``opendata import``, successful or not: what was fetched, when, by whom, with
    which counts, warnings and outcome. Failed runs load nothing but are recorded all the same.

    A run started from the web (``background``) waits for the task queue (``task_id``) with its
    uploaded file stored (``upload``); each attempt a worker makes is listed in ``attempt_log``,
    and ``run_token`` names the attempt that holds the run (an attempt whose token no longer
    matches writes nothing). ``progress`` is the pipeline's last progress event. A run of the
    command line records its ``process`` (machine and process id), so that a run whose process
    was killed is failed instead of staying "running".
    """

    source = models.CharField(_("source"), max_length=60, db_index=True)
    dataset = models.CharField(_("dataset"), max_length=60)
    transport = models.CharField(_("transport"), max_length=10, choices=TransportKind.choices)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    location = models.CharField(_("location"), max_length=1000, blank=True)
    data_format = models.CharField(_("format"), max_length=20, blank=True)
    since = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    retrieved_at = models.DateTimeField(_("retrieved at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    read_count = models.PositiveIntegerField(_("values read"), default=0)
    loaded_count = models.PositiveIntegerField(_("values loaded"), default=0)
    skipped_count = models.PositiveIntegerField(_("values skipped"), default=0)
    missing_count = models.PositiveIntegerField(_("values missing"), default=0)
    flagged_count = models.PositiveIntegerField(_("values flagged"), default=0)
    malformed_count = models.PositiveIntegerField(_("malformed rows or cells"), default=0)
    derived_count = models.PositiveIntegerField(_("derived values"), default=0)
    flag_counts = models.JSONField(_("flags"), default=dict, blank=True)
    time_periods = models.JSONField(_("time periods"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    error_message = models.TextField(_("error"), blank=True)
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opendata_runs",
        verbose_name=_("run by"),
    )
    failure = models.CharField(
        _("why it failed"), max_length=20, choices=FailureKind.choices, blank=True
    )
    progress = models.JSONField(_("progress"), default=dict, blank=True)
    process = models.CharField(max_length=300, blank=True)
    background = models.BooleanField(_("run by the task queue"), default=False)
    queued_at = models.DateTimeField(_("asked for at"), null=True, blank=True)
    language = models.CharField(max_length=10, blank=True)
    upload = models.FileField(blank=True, max_length=300)
    retry_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="retries",
        verbose_name=_("tried again from"),
    )
    task_id = models.CharField(max_length=64, blank=True)
    run_token = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    attempt_log = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["source", "-started_at"], name="opendata_run_source")]
        constraints = [
            # one import of a source waits or runs on the queue at a time
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(background=True, status__in=["queued", "running"]),
                name="opendata_run_one_queued_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} #{self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.OK, RunStatus.FAILED)


class GeoLevelChoice(models.TextChoices):
    CITY = "city", _("city (Urban Audit)")
    GREATER_CITY = "greater-city", _("greater city (Urban Audit)")
    FUA = "functional-urban-area", _("functional urban area")
    NUTS3 = "nuts3", _("NUTS 3 region")
    NUTS2 = "nuts2", _("NUTS 2 region")
    NUTS1 = "nuts1", _("NUTS 1 region")
    COUNTRY = "country", _("country")
    AGGREGATE = "aggregate", _("group of countries")
    UNKNOWN = "", _("unknown")


class Observation(models.Model):
    """One published value: (dataset, source code, unit, other dimensions, place, period).

    The newest run wins: a re-import updates the value, flags and ``run`` in place; the runs
    themselves are kept. ``value`` is null where Eurostat publishes ``:`` (not available).
    """

    dataset = models.CharField(max_length=60)
    code = models.CharField(max_length=60)
    unit = models.CharField(max_length=40, blank=True)
    context = models.CharField(max_length=200, blank=True)
    geo = models.CharField(max_length=12)
    geo_level = models.CharField(max_length=24, choices=GeoLevelChoice.choices, blank=True)
    period = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField(null=True)
    value = models.FloatField(null=True)
    flags = models.CharField(max_length=12, blank=True)
    # no index of its own: loads stay fast, and runs are never deleted. No database-level
    # constraint either (Django's PROTECT still guards deletes): on SQLite, rewriting the run
    # of rows inside a savepoint (an import nested in an outer transaction) with the foreign
    # key enforced grows quadratically - a re-import of the real urb_percep file took 60-90 s
    # instead of about 3 s (docs/data-sources.md, "Import runs").
    run = models.ForeignKey(
        ImportRun,
        on_delete=models.PROTECT,
        related_name="observations",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        # the one index: unique per value, and it serves lookups by place + dataset (+ code)
        constraints = [
            models.UniqueConstraint(
                fields=["geo", "dataset", "code", "unit", "context", "period"],
                name="opendata_observation_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dataset} {self.code} {self.geo} {self.period}: {self.value}"


class MatchMethod(models.TextChoices):
    AUTO = "auto", _("suggested automatically")
    CONFIRMED = "confirmed", _("confirmed")
    CORRECTED = "corrected", _("corrected")


class GeographyMatch(models.Model):
    """Where an authority sits in Eurostat's geographies: its Urban Audit city code and its NUTS
    region (NUTS 3, or NUTS 2); the coarser levels follow from the NUTS code."""

    authority = models.OneToOneField(
        "authorities.Authority",
        on_delete=models.CASCADE,
        related_name="geography_match",
        verbose_name=_("authority"),
    )
    city_code = models.CharField(_("Urban Audit city code"), max_length=8, blank=True)
    nuts_code = models.CharField(_("NUTS region code"), max_length=5, blank=True)
    method = models.CharField(
        _("method"), max_length=10, choices=MatchMethod.choices, default=MatchMethod.AUTO
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.authority}: {self.city_code or '-'} / {self.nuts_code or '-'}"
