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
  an invitation: the invitation page itself asks an invited person without an account for a name
  and a password (the address is the invitation's, confirmed by the link that came to it).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

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


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        return request_client_address(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed log-ins per IP and per this key; used for the count, for undoing
        # it after a success and for clearing it after a password reset.
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{_counted_address(self.get_client_ip(request))}|{account}"

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.SIGNUP_OPEN)
