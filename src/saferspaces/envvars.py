"""Typed readers for environment variables, used by the one settings module.

Every reader fails loudly with :class:`EnvError`, naming the variable, the value it got and what it
expected, so that a misconfigured deployment stops at start-up instead of misbehaving later.
No Django imports: this module is tested on its own.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from urllib.parse import urlsplit

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(ValueError):
    """A bad value in an environment variable."""

    def __init__(self, name: str, value: str, expected: str) -> None:
        super().__init__(f"environment variable {name}={value!r}: expected {expected}")
        self.name = name
        self.value = value


def env_str(
    name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None
) -> str:
    env = os.environ if environ is None else environ
    value = env.get(name)
    if value is None or value == "":
        if default is None:
            raise EnvError(name, "", "a value (this variable is required)")
        return default
    return value


def env_bool(name: str, default: bool = False, *, environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvError(name, raw, "one of 1/0, true/false, yes/no, on/off")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise EnvError(name, raw, "a whole number") from None
    if minimum is not None and value < minimum:
        raise EnvError(name, raw, f"a whole number >= {minimum}")
    if maximum is not None and value > maximum:
        raise EnvError(name, raw, f"a whole number <= {maximum}")
    return value


def env_list(
    name: str, default: list[str] | None = None, *, environ: Mapping[str, str] | None = None
) -> list[str]:
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return list(default or [])
    items = [item.strip() for item in raw.split(",")]
    if any(item == "" for item in items):
        raise EnvError(name, raw, "a comma-separated list without empty items")
    return items


def env_url(
    name: str,
    default: str | None = None,
    *,
    schemes: tuple[str, ...],
    environ: Mapping[str, str] | None = None,
) -> str:
    value = env_str(name, default, environ=environ)
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        raise EnvError(
            name, value, f"a URL starting with one of {', '.join(s + '://' for s in schemes)}"
        )
    return value


def env_choice(
    name: str, default: str, *, choices: tuple[str, ...], environ: Mapping[str, str] | None = None
) -> str:
    value = env_str(name, default, environ=environ)
    if value not in choices:
        raise EnvError(name, value, f"one of {', '.join(choices)}")
    return value


def env_path(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    """An absolute path (a relative one would depend on the directory the server starts in)."""
    env = os.environ if environ is None else environ
    value = env.get(name)
    if value is None or value == "":
        return default
    if not os.path.isabs(value):
        raise EnvError(name, value, "an absolute path")
    return value


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def env_networks(
    name: str, default: list[str] | None = None, *, environ: Mapping[str, str] | None = None
) -> tuple[IPNetwork, ...]:
    """A comma-separated list of IP addresses or networks (``127.0.0.1, ::1, 10.0.0.0/8``)."""
    networks = []
    for item in env_list(name, default, environ=environ):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise EnvError(
                name,
                item,
                "a comma-separated list of IP addresses or networks, e.g. 127.0.0.1,::1,10.0.0.0/8",
            ) from None
    return tuple(networks)


def env_int_list(
    name: str,
    default: list[int],
    *,
    minimum: int,
    maximum: int,
    environ: Mapping[str, str] | None = None,
) -> tuple[int, ...]:
    """Comma-separated whole numbers in ASCII digits between ``minimum`` and ``maximum``, as a
    tuple without repeats, largest first (``"3,14"`` is ``(14, 3)``)."""
    env = os.environ if environ is None else environ
    raw = env.get(name)
    expected = f"comma-separated whole numbers from {minimum} to {maximum}, e.g. 14,3"
    if raw is None or raw.strip() == "":
        values = list(default)
    else:
        values = []
        for item in raw.split(","):
            item = item.strip()
            if not (item.isascii() and item.isdigit()):
                raise EnvError(name, raw, expected)
            values.append(int(item))
    if any(not minimum <= v <= maximum for v in values):
        raise EnvError(name, raw or "", expected)
    return tuple(sorted(set(values), reverse=True))
