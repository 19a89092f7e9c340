"""Writes for accounts: invitations (to an authority's team or to coordinate a network),
memberships and coordinators. Typed, keyword-only, transactional."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from saferspaces.accounts import permissions
from saferspaces.accounts.models import (
    AuthorityMembership,
    Invitation,
    InvitationRole,
    NetworkCoordinator,
    Role,
    User,
)
from saferspaces.authorities.models import Authority, Network
from saferspaces.errors import DomainError
from saferspaces.request_memo import memo_clear


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str
    url: str


def _invitation_send(*, invitation: Invitation, token: str, inviter: User) -> str:
    """E-mail the invitation's link to the invited address; returns the link.

    The one place where invitations are e-mailed: first sending and re-sending.
    """
    url = settings.SITE_URL.rstrip("/") + reverse("accounts:invitation", args=[token])
    if invitation.network_id is not None:
        subject = _("Invitation to coordinate %(network)s on Safer Spaces") % {
            "network": invitation.target_name
        }
        message = _(
            "%(inviter)s invites you to coordinate the network %(network)s on Safer Spaces.\n\n"
            "Open this link to accept (valid for %(days)s days, once):\n%(url)s\n"
        ) % {
            "inviter": inviter,
            "network": invitation.target_name,
            "days": settings.INVITATION_DAYS,
            "url": url,
        }
    else:
        subject = _("Invitation to join %(authority)s on Safer Spaces") % {
            "authority": invitation.target_name
        }
        message = _(
            "%(inviter)s invites you to join the team of %(authority)s on Safer Spaces as %(role)s.\n\n"
            "Open this link to accept (valid for %(days)s days, once):\n%(url)s\n"
        ) % {
            "inviter": inviter,
            "authority": invitation.target_name,
            "role": Role(invitation.role).label,
            "days": settings.INVITATION_DAYS,
            "url": url,
        }
    send_mail(subject=subject, message=message, from_email=None, recipient_list=[invitation.email])
    return url


def _pending(invitations: QuerySet[Invitation], now: datetime) -> QuerySet[Invitation]:
    return invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


def _email_checked(email: str) -> str:
    email = email.strip().lower()
    try:
        if len(email) > 254:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        raise DomainError(
            _("Enter a valid e-mail address, e.g. name@city.example."), field="email"
        ) from None
    return email


def invitation_create(
    *,
    authority: Authority | None = None,
    network: Network | None = None,
    email: str,
    role: str,
    invited_by: User,
    now: datetime,
) -> IssuedInvitation:
    """Invite ``email`` to join ``authority`` with ``role`` (respondent or lead), or to coordinate
    ``network`` (role coordinator), and e-mail them a single-use link."""
    email = _email_checked(email)
    if (authority is None) == (network is None):
        raise DomainError(_("An invitation is either to an authority or to a network."))
    if network is not None:
        if role != InvitationRole.COORDINATOR:
            raise DomainError(_("A network invites coordinators only."), field="role")
        if NetworkCoordinator.objects.filter(network=network, user__email__iexact=email).exists():
            raise DomainError(
                _("%(email)s already coordinates %(network)s.")
                % {"email": email, "network": network.name},
                field="email",
            )
        if _pending(Invitation.objects.filter(network=network, email__iexact=email), now).exists():
            raise DomainError(
                _("%(email)s already has a pending invitation to %(network)s.")
                % {"email": email, "network": network.name},
                field="email",
            )
    else:
        assert authority is not None
        if role not in Role.values:
            raise DomainError(_("Choose a role: respondent or lead."), field="role")
        if AuthorityMembership.objects.filter(
            authority=authority, user__email__iexact=email
        ).exists():
            raise DomainError(
                _("%(email)s is already a member of %(authority)s.")
                % {"email": email, "authority": authority.name},
                field="email",
            )
        pending = _pending(Invitation.objects.filter(authority=authority, email__iexact=email), now)
        if pending.exists():
            raise DomainError(
                _("%(email)s already has a pending invitation to %(authority)s.")
                % {"email": email, "authority": authority.name},
                field="email",
            )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            authority=authority,
            network=network,
            role=role,
            token_hash=_hash(token),
            invited_by=invited_by,
            created_at=now,
            sent_at=now,
            expires_at=now + timedelta(days=settings.INVITATION_DAYS),
        )
        url = _invitation_send(invitation=invitation, token=token, inviter=invited_by)
    return IssuedInvitation(invitation=invitation, token=token, url=url)


def invitation_resend(*, invitation: Invitation, by: User, now: datetime) -> IssuedInvitation:
    """Send a pending or expired invitation again with a new link (the old link stops working)
    and a new expiry date."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("authority", "network")
            .get(pk=invitation.pk)
        )
        if invitation.accepted_at is not None:
            raise DomainError(_("This invitation has already been accepted."))
        if invitation.revoked_at is not None:
            raise DomainError(_("This invitation was withdrawn; send a new invitation instead."))
        if (
            invitation.authority_id is not None
            and AuthorityMembership.objects.filter(
                authority_id=invitation.authority_id, user__email__iexact=invitation.email
            ).exists()
        ):
            raise DomainError(
                _("%(email)s is already a member of %(authority)s.")
                % {"email": invitation.email, "authority": invitation.target_name}
            )
        token = secrets.token_urlsafe(32)
        invitation.token_hash = _hash(token)
        invitation.expires_at = now + timedelta(days=settings.INVITATION_DAYS)
        invitation.sent_at = now
        invitation.send_count += 1
        invitation.save(update_fields=["token_hash", "expires_at", "sent_at", "send_count"])
        url = _invitation_send(invitation=invitation, token=token, inviter=by)
    return IssuedInvitation(invitation=invitation, token=token, url=url)


def invitation_get(*, token: str, now: datetime) -> Invitation:
    """The invitation behind a link, or a :class:`DomainError` that says why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("authority", "network")
        .filter(token_hash=_hash(token))
        .first()
    )
    if invitation is None:
        raise DomainError(
            _("This invitation link is not valid. Check that you copied the whole link.")
        )
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been used. Each link works once."))
    if invitation.revoked_at is not None:
        raise DomainError(
            _("This invitation was withdrawn. Ask whoever invited you for a new one.")
        )
    if invitation.expires_at <= now:
        if invitation.network_id is not None:
            raise DomainError(
                _("This invitation expired on %(date)s. Ask an administrator for a new one.")
                % {"date": invitation.expires_at.date().isoformat()}
            )
        raise DomainError(
            _("This invitation expired on %(date)s. Ask the lead of %(authority)s for a new one.")
            % {
                "date": invitation.expires_at.date().isoformat(),
                "authority": invitation.target_name,
            }
        )
    return invitation


def invitation_accept(
    *, token: str, user: User, now: datetime
) -> AuthorityMembership | NetworkCoordinator:
    """Accept an invitation as ``user``: gives the role (a membership of the authority's team, or
    the coordination of the network); the link cannot be used again."""
    with transaction.atomic():
        invitation = invitation_get(token=token, now=now)
        invitation = Invitation.objects.select_for_update(of=("self",)).get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise DomainError(_("This invitation has already been used. Each link works once."))
        if invitation.email.lower() != user.email.lower():
            raise DomainError(
                _("This invitation was sent to %(email)s. Log in with that address to accept it.")
                % {"email": invitation.email}
            )
        granted: AuthorityMembership | NetworkCoordinator
        if invitation.network is not None:
            granted = coordinator_grant(
                user=user, network=invitation.network, granted_by=invitation.invited_by
            )
        else:
            assert invitation.authority is not None
            if AuthorityMembership.objects.filter(
                user=user, authority=invitation.authority
            ).exists():
                raise DomainError(
                    _("You are already a member of %(authority)s.")
                    % {"authority": invitation.authority.name}
                )
            granted = AuthorityMembership.objects.create(
                user=user, authority=invitation.authority, role=invitation.role
            )
            memo_clear()  # a role read earlier in this request is out of date
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return granted


def invitation_accept_new_account(
    *, token: str, full_name: str, password: str, now: datetime
) -> tuple[User, AuthorityMembership | NetworkCoordinator]:
    """Create the account of an invited person who has none, and accept the invitation with it.

    The link was e-mailed to the address, so the address counts as confirmed. The password must
    pass the site's password rules. All or nothing.
    """
    invitation = invitation_get(token=token, now=now)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise DomainError(
            _("An account with %(email)s exists already: log in to accept the invitation.")
            % {"email": invitation.email}
        )
    full_name = full_name.strip()
    if len(full_name) > 200:
        raise DomainError(_("Enter at most 200 characters."), field="full_name")
    user = User(email=invitation.email.lower(), full_name=full_name)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="password1") from None
    with transaction.atomic():
        user.set_password(password)
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        granted = invitation_accept(token=token, user=user, now=now)
    return user, granted


def invitation_revoke(*, invitation: Invitation, now: datetime, by: User | None = None) -> None:
    """Withdraw an invitation: its link stops working."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise DomainError(_("This invitation has already been accepted."))
        if invitation.revoked_at is not None:
            raise DomainError(_("This invitation was withdrawn already."))
        invitation.revoked_at = now
        invitation.revoked_by = by
        invitation.save(update_fields=["revoked_at", "revoked_by"])


def membership_grant(*, user: User, authority: Authority, role: str) -> AuthorityMembership:
    if role not in Role.values:
        raise DomainError(_("Choose a role: respondent or lead."), field="role")
    membership, _created = AuthorityMembership.objects.update_or_create(
        user=user, authority=authority, defaults={"role": role}
    )
    memo_clear()  # a role read earlier in this request is out of date
    return membership


def coordinator_grant(
    *, user: User, network: Network, granted_by: User | None = None
) -> NetworkCoordinator:
    coordination, _created = NetworkCoordinator.objects.get_or_create(
        user=user, network=network, defaults={"granted_by": granted_by}
    )
    return coordination


@dataclass(frozen=True)
class CoordinatorAdded:
    """What adding a coordinator did: granted the role to an account, or invited the address."""

    coordination: NetworkCoordinator | None = None
    invitation: IssuedInvitation | None = None


def coordinator_add(*, network: Network, email: str, by: User, now: datetime) -> CoordinatorAdded:
    """Make the person with ``email`` a coordinator of ``network``: at once if they have an
    account, otherwise by an e-mailed invitation (they create their account when accepting)."""
    if not permissions.can_manage_networks(by):
        raise DomainError(_("Only administrators grant the coordination of a network."))
    email = _email_checked(email)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return CoordinatorAdded(
            invitation=invitation_create(
                network=network,
                email=email,
                role=InvitationRole.COORDINATOR,
                invited_by=by,
                now=now,
            )
        )
    if not user.is_active:
        raise DomainError(
            _("The account of %(email)s is deactivated.") % {"email": email}, field="email"
        )
    if NetworkCoordinator.objects.filter(network=network, user=user).exists():
        raise DomainError(
            _("%(email)s already coordinates %(network)s.")
            % {"email": email, "network": network.name},
            field="email",
        )
    with transaction.atomic():
        coordination = coordinator_grant(user=user, network=network, granted_by=by)
        _pending(Invitation.objects.filter(network=network, email__iexact=email), now).update(
            revoked_at=now, revoked_by=by
        )
    return CoordinatorAdded(coordination=coordination)


def coordinator_revoke(*, network: Network, user: User, by: User) -> None:
    """``user`` no longer coordinates ``network`` (their past actions stay recorded)."""
    if not permissions.can_manage_networks(by):
        raise DomainError(_("Only administrators revoke the coordination of a network."))
    deleted, _details = NetworkCoordinator.objects.filter(network=network, user=user).delete()
    if not deleted:
        raise DomainError(
            _("%(person)s does not coordinate %(network)s.")
            % {"person": user, "network": network.name}
        )
