"""Routes of the notifications: the e-mail preferences are shown on /me/ and saved here; opening
the address sends a signed-in person back to /me/ (and anyone else to log in)."""

from __future__ import annotations

from site_matrix import PERSONA_ORDER

ENTRIES = {
    "notifications:preferences": ("get", "/me/notifications/", dict.fromkeys(PERSONA_ORDER, 302)),
}
NOT_HTML: set[str] = set()
PLACEHOLDER_KEYS: tuple[str, ...] = ()
