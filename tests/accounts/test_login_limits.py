"""Log-in limits: counted per real client behind the proxy, in the database cache shared by every
worker, and never refusing the right password because of failures elsewhere.

Requests come as through the nginx of ``docs/operations.md``: from 127.0.0.1, with the client's
address appended to ``X-Forwarded-For`` by the proxy.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import caches
from django.db import connection
from django.test import Client

from saferspaces.accounts.adapter import client_address
from saferspaces.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
PROXY = "127.0.0.1"


@pytest.fixture
def limits(settings: Any) -> Any:
    """The production limits (tests run without them) behind the documented nginx."""
    settings.ACCOUNT_RATE_LIMITS = settings.RATE_LIMITS
    settings.TRUSTED_PROXIES = (ipaddress.ip_network("127.0.0.1"), ipaddress.ip_network("::1"))
    return settings


def _person(email: str) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def alice() -> User:
    return _person("alice@ville.example")


def _login(email: str, password: str, client_ip: str, *, sent: str = "") -> tuple[Client, Any]:
    """A log-in through the proxy; ``sent`` is an X-Forwarded-For the client wrote itself."""
    client = Client()
    forwarded = f"{sent}, {client_ip}" if sent else client_ip
    response = client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    return client, response


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_failures_elsewhere_never_refuse_the_right_password(limits: Any, alice: User) -> None:
    for _attempt in range(20):
        client, response = _login(alice.email, "wrong-password", "203.0.113.7")
        assert response.status_code == 200 and not _logged_in(client)
    client, response = _login(alice.email, PASSWORD, "198.51.100.20")
    assert response.status_code == 302 and _logged_in(client)


def test_the_attackers_address_and_account_pair_is_the_one_limited(
    limits: Any, alice: User
) -> None:
    for _attempt in range(20):
        _login(alice.email, "wrong-password", "203.0.113.7")
    client, response = _login(alice.email, PASSWORD, "203.0.113.7")
    assert response.status_code == 200 and not _logged_in(client)
    assert "Too many failed login attempts" in response.content.decode()
    # the same address may still log in to another account (the count is per pair)
    bob = _person("bob@ville.example")
    client, response = _login(bob.email, PASSWORD, "203.0.113.7")
    assert _logged_in(client)


def test_thirty_clients_behind_the_proxy_do_not_block_a_thirty_first(
    limits: Any, alice: User
) -> None:
    for n in range(30):
        client, response = _login(alice.email, "wrong-password", f"192.0.2.{n + 1}")
        assert response.status_code == 200 and not _logged_in(client)
    client, response = _login(alice.email, PASSWORD, "192.0.2.200")
    assert response.status_code == 302 and _logged_in(client)


def test_a_client_cannot_choose_its_address_by_writing_the_header(limits: Any, alice: User) -> None:
    for n in range(20):  # a new forged address each time: still counted on the real one
        _login(alice.email, "wrong-password", "203.0.113.7", sent=f"10.9.8.{n}")
    client, _response = _login(alice.email, PASSWORD, "203.0.113.7", sent="10.9.8.250")
    assert not _logged_in(client)


def test_without_a_trusted_proxy_the_header_is_ignored(settings: Any, alice: User) -> None:
    settings.ACCOUNT_RATE_LIMITS = settings.RATE_LIMITS
    settings.TRUSTED_PROXIES = ()
    for _attempt in range(12):  # every client is the proxy now: one pair for everybody
        _login(alice.email, "wrong-password", "203.0.113.7")
    client, _response = _login(alice.email, PASSWORD, "198.51.100.20")
    assert not _logged_in(client)


def test_the_counts_live_in_the_database_cache_shared_by_every_worker(
    limits: Any, alice: User
) -> None:
    assert limits.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    for _attempt in range(3):
        _login(alice.email, "wrong-password", "203.0.113.7")
    table = limits.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {connection.ops.quote_name(table)}")  # noqa: S608
        keys = [row[0] for row in cursor.fetchall()]
    counters = [k for k in keys if "login_failed" in k and k.endswith(":ip:203.0.113.7")]
    assert counters, keys
    # another worker has its own cache object: it reads the same three failures from the table
    other_worker = caches.create_connection("default")
    stored_key = counters[0].split(":", 2)[2]  # the table holds "<prefix>:<version>:<key>"
    assert len(other_worker.get(stored_key)) == 3


def test_too_many_log_in_forms_from_one_address_get_a_page_that_says_so(
    limits: Any, alice: User
) -> None:
    limits.ACCOUNT_RATE_LIMITS = {**limits.RATE_LIMITS, "login": "3/m/ip"}
    for _attempt in range(3):
        _login(alice.email, "wrong-password", "203.0.113.7")
    _client, response = _login(alice.email, PASSWORD, "203.0.113.7")
    assert response.status_code == 429
    assert "Too many requests came from your address" in response.content.decode()
    client, response = _login(alice.email, PASSWORD, "198.51.100.20")  # another client: fine
    assert _logged_in(client)


TRUSTED = (ipaddress.ip_network("127.0.0.1"), ipaddress.ip_network("10.0.0.0/8"))


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("203.0.113.7", "", "203.0.113.7"),  # no proxy
        ("203.0.113.7", "1.2.3.4", "203.0.113.7"),  # a client's own header is not believed
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),  # nginx on the same machine
        ("127.0.0.1", "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # forged entry on the left
        ("127.0.0.1", "203.0.113.7, 10.1.2.3", "203.0.113.7"),  # two trusted hops
        ("127.0.0.1", "", "127.0.0.1"),  # the proxy itself (a health check)
        ("127.0.0.1", "10.1.2.3", "10.1.2.3"),  # only trusted hops: the first one
        ("127.0.0.1", "not-an-address", "127.0.0.1"),  # garbage stops at the last trusted hop
        ("127.0.0.1", " 2001:db8::1 ", "2001:db8::1"),
        ("::ffff:127.0.0.1", "203.0.113.7", "203.0.113.7"),  # IPv4 seen through IPv6
        ("127.0.0.1", "," * 10_000 + "203.0.113.7", "203.0.113.7"),  # long header, bounded walk
    ],
)
def test_client_address(remote: str, forwarded: str, client: str) -> None:
    assert client_address(remote_addr=remote, forwarded_for=forwarded, trusted=TRUSTED) == client
