"""Where allauth meets Safer Spaces' rules (``ACCOUNT_ADAPTER``, ``ACCOUNT_FORMS``).

* **The client's address.** Behind a reverse proxy every request comes from the proxy. The
  address is read from ``X-Forwarded-For`` only through the proxies listed in
  ``SAFERSPACES_TRUSTED_PROXIES``: from the right, each hop added by a trusted proxy is believed,
  and the first address that is not a trusted proxy is the client. What a client writes into the
  header itself is never read, so it cannot choose its address.
* **Failed log-ins** are counted per (client address, account) pair: allauth's per-key limit
  (``login_failed``) gets the pair as its key. Wrong passwords typed elsewhere never refuse the
  right password; the pair that failed is the one slowed down.
* **Sign-up** is open only with ``SAFERSPACES_SIGNUP_OPEN``. Otherwise accounts are created from
  an invitation: opening a valid invitation link remembers it in the session, which opens the
  sign-up form for the invited address only (already confirmed: the link came by e-mail to it).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from saferspaces.accounts.models import Invitation
from saferspaces.accounts.selectors import invitation_pending
from saferspaces.envvars import IPNetwork

INVITATION_KEY = "saferspaces.invitation"
IPV6_PREFIX = 64  # one IPv6 client usually holds a whole /64: it counts as one address


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def client_address(*, remote_addr: str, forwarded_for: str, trusted: Sequence[IPNetwork]) -> str:
    """The client's address: ``remote_addr``, or, while that is a trusted proxy, the hop before
    it in ``forwarded_for`` (read from the right). A hop that is not an address stops the walk at
    the last trusted one. Time and memory are bounded by the header's size."""
    current = _address(remote_addr)
    if current is None:
        return remote_addr.strip() or "unknown"
    hops = forwarded_for.split(",") if forwarded_for else []
    while hops and any(current in network for network in trusted):
        previous = _address(hops.pop())
        if previous is None:
            break
        current = previous
    return str(current)


def request_client_address(request: HttpRequest) -> str:
    return client_address(
        remote_addr=request.META.get("REMOTE_ADDR", ""),
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR", ""),
        trusted=settings.TRUSTED_PROXIES,
    )


def _counted_address(address: str) -> str:
    ip = _address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{ip}/{IPV6_PREFIX}", strict=False).network_address)
    return address


def invitation_remember(*, request: HttpRequest, invitation: Invitation) -> None:
    """Someone opened a valid invitation link without being logged in: the sign-up form is open
    to them, for the invited address, which counts as confirmed."""
    request.session[INVITATION_KEY] = invitation.pk
    get_account_adapter(request).stash_verified_email(request, invitation.email)


def signup_invitation(*, request: HttpRequest | None) -> Invitation | None:
    """The still usable invitation remembered in the session, if any."""
    if request is None or not hasattr(request, "session"):
        return None
    pk = request.session.get(INVITATION_KEY)
    if not isinstance(pk, int):
        return None
    return invitation_pending(pk=pk, now=timezone.now())


def signup_is_open(*, request: HttpRequest | None) -> bool:
    """Open sign-up (a setting), or an invitation being taken up."""
    return bool(settings.SIGNUP_OPEN) or signup_invitation(request=request) is not None


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        return request_client_address(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed log-ins per IP and per this key; used for the count, for undoing
        # it after a success and for clearing it after a password reset.
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{_counted_address(self.get_client_ip(request))}|{account}"

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return signup_is_open(request=request)


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form; through an invitation, only for the invited address."""

    def clean_email(self) -> str:
        email: str = super().clean_email()
        if settings.SIGNUP_OPEN:
            return email
        invitation = signup_invitation(request=context.request)
        if invitation is not None and invitation.email.lower() != email.lower():
            raise ValidationError(
                _("This invitation is for %(email)s: create your account with that address.")
                % {"email": invitation.email}
            )
        return email
