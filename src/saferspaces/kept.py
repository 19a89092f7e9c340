"""Versions of what processes keep: a value in the shared cache that changes whenever the rows
behind a kept copy change, so that every process knows when its copy is out of date.

A writer calls :meth:`KeptVersion.changed`; when its transaction commits, the version is
forgotten (at once outside a transaction), and the next reader makes a new one. Nothing is
written to the cache inside the writer's transaction: the database cache's row would stay
locked until its end, and a round's computation holds its transaction for minutes. A reader in
a transaction of its own, or in one that changed the rows, reads the database instead of a
kept copy (:meth:`KeptVersion.usable`): the version is of what is committed.

Used for the peer profiles (``results.peers``: the round tables and the counts of peers) and
the peers' sharing choices (``dashboard.peers``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from saferspaces.request_memo import memo_forget, memo_get


def in_own_transaction(connection: BaseDatabaseWrapper) -> bool:
    """Whether the connection is in a transaction of its own: not only in the one a test case
    wraps around each test, which stands for a request's autocommit (Django's own check of a
    durable block reads the same mark)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


#: every version, read together (a peer view reads the profiles' and the sharing choices'):
#: one query of the cache a request (after a change, the first reader makes the new version: an
#: insert and one more read)
_VERSIONS: dict[str, KeptVersion] = {}
_MEMO_KEY = ("kept", "versions")


class KeptVersion:
    """The version, in the shared cache under ``key``, of the rows of ``model``."""

    def __init__(self, *, key: str, model: type[Model]) -> None:
        self.key = key
        self.model = model
        _VERSIONS[key] = self
        # one function object, registered once per transaction (found again by identity)
        self.forget: Callable[[], None] = self._forget_function()

    def _forget_function(self) -> Callable[[], None]:
        key = self.key

        def forget() -> None:
            cache.delete(key)
            # (a request that committed the change reads the new version for the rest of it)
            memo_forget(_MEMO_KEY)

        return forget

    def connection(self) -> BaseDatabaseWrapper:
        return connections[router.db_for_write(self.model)]

    def changed_here(self, connection: BaseDatabaseWrapper | None = None) -> bool:
        """Whether the connection's open transaction changed the rows (its commit will forget
        the version)."""
        connection = connection or self.connection()
        return connection.in_atomic_block and any(
            entry[1] is self.forget  # (savepoints, function, robust)
            for entry in connection.run_on_commit
        )

    def changed(self) -> None:
        """The rows changed: once the transaction commits, the version is forgotten (at once
        outside a transaction). Until then this transaction reads the database itself, and the
        others read what is kept, which is what they can see."""
        connection = self.connection()
        if not self.changed_here(connection):  # once per transaction
            # robust: the change is committed whatever the cache says (a failure is logged,
            # and what is kept lasts at most as long as its reader keeps it)
            transaction.on_commit(self.forget, using=connection.alias, robust=True)

    def usable(self) -> bool:
        """Whether a kept copy may be read here: not in a transaction of its own, nor in one
        that changed the rows."""
        connection = self.connection()
        return not (in_own_transaction(connection) or self.changed_here(connection))

    def current(self) -> str | None:
        """The version (made by the first reader after a change), read once per request with
        the other versions (one read of the cache); None when the cache cannot say."""
        return memo_get(_MEMO_KEY, _versions_read).get(self.key)


def _versions_read() -> dict[str, str]:
    keys = list(_VERSIONS)
    versions = cache.get_many(keys)
    missing = [key for key in keys if versions.get(key) is None]
    if missing:  # the first reader after a change makes the new version
        for key in missing:
            cache.add(key, uuid.uuid4().hex, timeout=None)
        versions.update(cache.get_many(missing))
    return {key: str(value) for key, value in versions.items() if value is not None}
