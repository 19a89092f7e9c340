"""What the commit of a test's own transaction would do to the versions of what processes keep
(``saferspaces.kept``): the test's transaction stands for a request's autocommit and never
commits, so the forgetting a writer registered for its commit is run here."""

from __future__ import annotations

from django.db import connection

from saferspaces.kept import _VERSIONS


def kept_as_committed(*keys: str) -> None:
    """Run the forgetting pending for ``keys`` (all versions when none is named): at most once
    per transaction each."""
    forgets = {v.forget for key, v in _VERSIONS.items() if not keys or key in keys}
    pending = [e[1] for e in connection.run_on_commit if e[1] in forgets]
    connection.run_on_commit = [e for e in connection.run_on_commit if e[1] not in forgets]
    assert len(pending) == len(set(pending))  # once per transaction
    for forget in pending:
        forget()
