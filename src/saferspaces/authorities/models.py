"""The registry of urban authorities, their networks, and the NUTS regions they sit in."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NutsRegion(models.Model):
    """A region of the NUTS 2024 classification (levels 1-3), linked to its parent."""

    code = models.CharField(_("NUTS code"), max_length=5, primary_key=True)
    label = models.CharField(_("name"), max_length=200)
    level = models.PositiveSmallIntegerField(_("NUTS level"))
    country_code = models.CharField(_("country"), max_length=2, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    def chain(self) -> list[NutsRegion]:
        """This region and its ancestors, most local first (NUTS 3, 2, 1)."""
        regions: list[NutsRegion] = []
        region: NutsRegion | None = self
        while region is not None:
            regions.append(region)
            region = region.parent
        return regions


class Network(models.Model):
    """A network of authorities: the scope of a coordinator (e.g. Efus, a ministry, the JRC)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("last changed"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AuthorityKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    CITY = "city", _("City")
    METROPOLITAN_AREA = "metropolitan_area", _("Metropolitan area")
    PROVINCE = "province", _("Province")
    REGION = "region", _("Region")


class Authority(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    country_code = models.CharField(
        _("country"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Two capital letters, e.g. FR."))],
    )
    kind = models.CharField(_("kind"), max_length=30, choices=AuthorityKind.choices)
    nuts_region = models.ForeignKey(
        NutsRegion,
        on_delete=models.PROTECT,
        related_name="authorities",
        verbose_name=_("NUTS region"),
    )
    lau_code = models.CharField(_("LAU code"), max_length=20, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    networks = models.ManyToManyField(
        Network, related_name="authorities", blank=True, verbose_name=_("networks")
    )
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("authorities")
        constraints = [
            models.UniqueConstraint(
                fields=["country_code", "name"], name="authority_name_unique_in_country"
            ),
            models.UniqueConstraint(
                fields=["country_code", "lau_code"],
                condition=~models.Q(lau_code=""),
                name="authority_lau_unique_in_country",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def nuts_level(self) -> int:
        return self.nuts_region.level

    @property
    def density(self) -> float | None:
        if self.population and self.area_km2:
            return float(self.population) / float(self.area_km2)
        return None


class AuthorityUpload(models.Model):
    """A table of authorities a coordinator uploaded for a network, kept between its preview and
    its confirmation (and afterwards, as the record of who registered whom from which file).

    ``rows`` are the rows as read and checked (see ``authorities/bulk.py``); ``problems`` every
    problem found, by row and column. Confirming re-checks everything against the registry.
    """

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="uploads")
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10)
    rows = models.JSONField(default=list)
    problems = models.JSONField(default=list)
    records = models.JSONField(default=list)  # the cells as read, checked again on confirmation
    columns = models.JSONField(default=dict)  # field -> the column heading in the file
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    applied_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} for {self.network}"
