"""People and their roles.

Roles: *respondent* and *lead* are held per authority (:class:`AuthorityMembership`),
*coordinator* per network (:class:`NetworkCoordinator`), *administrator* is ``is_superuser``.
What each role may do is decided in one place: :mod:`saferspaces.accounts.permissions`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("an e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    # the language of this person's pages (after log-in) and e-mails; empty until chosen on /me/
    # or taken from the browser at the first log-in (then settings.LANGUAGE_CODE is used). A
    # declared language's code (saferspaces.languages), checked by the service that sets it:
    # no choices here, so that adding a language needs no migration.
    language = models.CharField(_("language"), max_length=8, blank=True, default="")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email


class Role(models.TextChoices):
    """The roles held in an authority's team."""

    RESPONDENT = "respondent", _("Respondent")
    LEAD = "lead", _("Lead")


class InvitationRole(models.TextChoices):
    """What an invitation offers: a role in an authority's team, or coordinating a network."""

    RESPONDENT = Role.RESPONDENT.value, _("Respondent")
    LEAD = Role.LEAD.value, _("Lead")
    COORDINATOR = "coordinator", _("Coordinator")


class AuthorityMembership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    authority = models.ForeignKey(
        "authorities.Authority", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "authority"], name="one_membership_per_authority"
            )
        ]
        ordering = ["authority__name", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) @ {self.authority}"


class NetworkCoordinator(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinations"
    )
    network = models.ForeignKey(
        "authorities.Network", on_delete=models.CASCADE, related_name="coordinators"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "network"], name="one_coordination_per_network")
        ]

    def __str__(self) -> str:
        return f"{self.user} coordinates {self.network}"


class Invitation(models.Model):
    """An e-mailed invitation: to join an authority's team with a role, or to coordinate a
    network (exactly one of the two). Only a hash of the token is stored; re-sending replaces
    the token, so only the latest link works."""

    email = models.EmailField(_("e-mail address"))
    authority = models.ForeignKey(
        "authorities.Authority",
        on_delete=models.CASCADE,
        related_name="invitations",
        null=True,
        blank=True,
    )
    network = models.ForeignKey(
        "authorities.Network",
        on_delete=models.CASCADE,
        related_name="invitations",
        null=True,
        blank=True,
    )
    role = models.CharField(_("role"), max_length=20, choices=InvitationRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=1)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        authority__isnull=False,
                        network__isnull=True,
                        role__in=[Role.RESPONDENT.value, Role.LEAD.value],
                    )
                    | models.Q(
                        authority__isnull=True,
                        network__isnull=False,
                        role=InvitationRole.COORDINATOR.value,
                    )
                ),
                name="invitation_to_an_authority_or_a_network",
            )
        ]

    def __str__(self) -> str:
        target = self.authority if self.authority_id else self.network
        return f"invitation of {self.email} to {target} as {self.role}"

    @property
    def target_name(self) -> str:
        """The authority or the network the invitation is for."""
        target = self.authority if self.authority_id else self.network
        return target.name if target is not None else ""

    def state(self, *, now: Any) -> str:
        """accepted, revoked, expired or pending at ``now``."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"
