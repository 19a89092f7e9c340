"""Writes for accounts: invitations and memberships. Typed, keyword-only, transactional."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from saferspaces.accounts.models import (
    AuthorityMembership,
    Invitation,
    NetworkCoordinator,
    Role,
    User,
)
from saferspaces.authorities.models import Authority, Network
from saferspaces.errors import DomainError


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str
    url: str


def invitation_create(
    *, authority: Authority, email: str, role: str, invited_by: User, now: datetime
) -> IssuedInvitation:
    """Invite ``email`` to join ``authority`` with ``role`` and e-mail them a single-use link."""
    email = email.strip().lower()
    if role not in Role.values:
        raise DomainError(_("Choose a role: respondent or lead."), field="role")
    if AuthorityMembership.objects.filter(authority=authority, user__email__iexact=email).exists():
        raise DomainError(
            _("%(email)s is already a member of %(authority)s.")
            % {"email": email, "authority": authority.name},
            field="email",
        )
    pending = Invitation.objects.filter(
        authority=authority,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    )
    if pending.exists():
        raise DomainError(
            _("%(email)s already has a pending invitation to %(authority)s.")
            % {"email": email, "authority": authority.name},
            field="email",
        )
    token = secrets.token_urlsafe(32)
    url = settings.SITE_URL.rstrip("/") + reverse("accounts:invitation", args=[token])
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            authority=authority,
            role=role,
            token_hash=_hash(token),
            invited_by=invited_by,
            created_at=now,
            expires_at=now + timedelta(days=settings.INVITATION_DAYS),
        )
        send_mail(
            subject=_("Invitation to join %(authority)s on Safer Spaces")
            % {"authority": authority.name},
            message=_(
                "%(inviter)s invites you to join the team of %(authority)s on Safer Spaces as %(role)s.\n\n"
                "Open this link to accept (valid for %(days)s days, once):\n%(url)s\n"
            )
            % {
                "inviter": invited_by,
                "authority": authority.name,
                "role": Role(role).label,
                "days": settings.INVITATION_DAYS,
                "url": url,
            },
            from_email=None,
            recipient_list=[email],
        )
    return IssuedInvitation(invitation=invitation, token=token, url=url)


def invitation_get(*, token: str, now: datetime) -> Invitation:
    """The invitation behind a link, or a :class:`DomainError` that says why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("authority").filter(token_hash=_hash(token)).first()
    )
    if invitation is None:
        raise DomainError(
            _("This invitation link is not valid. Check that you copied the whole link.")
        )
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been used. Each link works once."))
    if invitation.revoked_at is not None:
        raise DomainError(_("This invitation was withdrawn by the authority's lead."))
    if invitation.expires_at <= now:
        raise DomainError(
            _("This invitation expired on %(date)s. Ask the lead of %(authority)s for a new one.")
            % {
                "date": invitation.expires_at.date().isoformat(),
                "authority": invitation.authority.name,
            }
        )
    return invitation


def invitation_accept(*, token: str, user: User, now: datetime) -> AuthorityMembership:
    """Accept an invitation as ``user``: creates the membership; the link cannot be used again."""
    with transaction.atomic():
        invitation = invitation_get(token=token, now=now)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise DomainError(_("This invitation has already been used. Each link works once."))
        if invitation.email.lower() != user.email.lower():
            raise DomainError(
                _("This invitation was sent to %(email)s. Log in with that address to accept it.")
                % {"email": invitation.email}
            )
        if AuthorityMembership.objects.filter(user=user, authority=invitation.authority).exists():
            raise DomainError(
                _("You are already a member of %(authority)s.")
                % {"authority": invitation.authority.name}
            )
        membership = AuthorityMembership.objects.create(
            user=user, authority=invitation.authority, role=invitation.role
        )
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def invitation_revoke(*, invitation: Invitation, now: datetime) -> None:
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been accepted."))
    invitation.revoked_at = now
    invitation.save(update_fields=["revoked_at"])


def membership_grant(*, user: User, authority: Authority, role: str) -> AuthorityMembership:
    if role not in Role.values:
        raise DomainError(_("Choose a role: respondent or lead."), field="role")
    membership, _created = AuthorityMembership.objects.update_or_create(
        user=user, authority=authority, defaults={"role": role}
    )
    return membership


def coordinator_grant(*, user: User, network: Network) -> NetworkCoordinator:
    coordination, _created = NetworkCoordinator.objects.get_or_create(user=user, network=network)
    return coordination
