"""Registering many authorities at once from a table (CSV or Excel), for a network.

A coordinator uploads a table with one authority per row: name, country, NUTS code (and
optionally a LAU code), population, the lead's e-mail address and optionally the kind.
:func:`authority_bulk_preview` reads it with the product's table reader, checks every cell
against the registry and keeps the result (:class:`AuthorityUpload`) for the preview: every
problem by row and column, and what each row will do. :func:`authority_bulk_register` checks it
all again and, only if nothing is wrong, registers the new authorities, adds every row's
authority to the network (joining its open rounds) and invites the leads, in one transaction.

The registry knows NUTS regions, not LAUs: a LAU code is recorded as the authority's attribute
(unique in its country) and then requires the NUTS 3 region the LAU lies in.

An authority that is already registered (same LAU code, or same name, in the same country) is
not a problem when the file agrees with the registry on its NUTS region: it joins the network
as it is registered (the file does not change its record; an administrator does). When the file
disagrees with the registry, the row is a problem that says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saferspaces.accounts import permissions
from saferspaces.accounts.models import Role, User
from saferspaces.accounts.services import invitation_create
from saferspaces.authorities.bulk_rows import (
    FIELDS,
    HEADINGS,
    bulk_columns,
    bulk_records,
    bulk_rows_check,
)
from saferspaces.authorities.models import Authority, AuthorityUpload, Network
from saferspaces.authorities.services import authority_create, network_authority_add
from saferspaces.core.answers_io.errors import AnswerFileError
from saferspaces.core.answers_io.tables import table_read
from saferspaces.core.limits import AUTHORITY_TABLE_MAX_ROWS, FILE_MAX_BYTES
from saferspaces.errors import DomainError

__all__ = ["FIELDS", "HEADINGS", "authority_bulk_preview", "authority_bulk_register"]


@dataclass(frozen=True)
class BulkSummary:
    rows: int
    new: int
    join: int
    member: int
    invitations: int
    problems: int
    rows_with_problems: int


def upload_summary(*, upload: AuthorityUpload) -> BulkSummary:
    rows = upload.rows
    return BulkSummary(
        rows=len(rows),
        new=sum(1 for r in rows if r["action"] == "new"),
        join=sum(1 for r in rows if r["action"] == "join"),
        member=sum(1 for r in rows if r["action"] == "member"),
        invitations=sum(1 for r in rows if r["invite"]),
        problems=len(upload.problems),
        rows_with_problems=len({p["row"] for p in upload.problems}),
    )


def _read(*, network: Network, filename: str, content: bytes, now: datetime) -> dict[str, Any]:
    try:
        table = table_read(filename=filename, content=content, max_bytes=FILE_MAX_BYTES)
    except AnswerFileError as error:
        raise DomainError(
            _("The file %(name)s cannot be read: %(why)s")
            % {"name": error.filename, "why": error.message},
            field="file",
        ) from None
    index, written, problems = bulk_columns(table)
    records = bulk_records(table, index)
    if not records:
        raise DomainError(
            _(
                "The file %(name)s holds no authority: fill in one row per authority under the headings."
            )
            % {"name": filename},
            field="file",
        )
    if len(records) > AUTHORITY_TABLE_MAX_ROWS:
        raise DomainError(
            _(
                "The file holds %(count)s rows; at most %(max)s authorities can be registered at once."
            )
            % {"count": len(records), "max": AUTHORITY_TABLE_MAX_ROWS},
            field="file",
        )
    rows: list[dict[str, Any]] = []
    if not problems:  # rows are checked once the headings are right
        rows, row_problems = bulk_rows_check(
            network=network, records=records, written=written, now=now
        )
        problems += row_problems
    return {
        "format": table.format,
        "records": records,
        "written": written,
        "rows": rows,
        "problems": [{"row": p.row, "column": p.column, "message": p.message} for p in problems],
    }


def authority_bulk_preview(
    *, network: Network, filename: str, content: bytes, by: User, now: datetime
) -> AuthorityUpload:
    """Read and check an uploaded table of authorities for ``network``; writes nothing but the
    upload itself (kept for the preview and the confirmation)."""
    if not permissions.can_manage_network_members(by, network):
        raise DomainError(_("Only the network's coordinators register authorities for it."))
    read = _read(network=network, filename=filename, content=content, now=now)
    return AuthorityUpload.objects.create(
        network=network,
        file_name=filename[-255:],
        file_format=read["format"],
        rows=read["rows"],
        problems=read["problems"],
        records=read["records"],
        columns=read["written"],
        uploaded_by=by,
        created_at=now,
    )


@dataclass(frozen=True)
class BulkResult:
    created: int
    joined: int
    invited: int
    assessments: int


def authority_bulk_register(*, upload: AuthorityUpload, by: User, now: datetime) -> BulkResult:
    """Register what the previewed table holds, all or nothing: the new authorities, every
    row's authority in the network (with an assessment in each open round) and the leads'
    invitations. Everything is checked again first; if anything changed since the preview into
    a problem, nothing is written and the upload shows the new problems."""
    network = upload.network
    if not permissions.can_manage_network_members(by, network):
        raise DomainError(_("Only the network's coordinators register authorities for it."))
    with transaction.atomic():
        locked = AuthorityUpload.objects.select_for_update().get(pk=upload.pk)
        if locked.applied_at is not None:
            raise DomainError(_("This file was registered already."))
        if locked.problems:
            raise DomainError(
                _("Nothing was registered: correct the problems in the file and upload it again.")
            )
        rows, problems = bulk_rows_check(
            network=network, records=locked.records, written=locked.columns, now=now
        )
        if not problems:
            result = _register(network=network, rows=rows, by=by, now=now)
            locked.rows = rows
            locked.applied_at, locked.applied_by = now, by
            locked.result = result.__dict__
            locked.save(update_fields=["rows", "applied_at", "applied_by", "result"])
            return result
    # The registry changed since the preview: show the rows and problems as they are now.
    AuthorityUpload.objects.filter(pk=upload.pk).update(
        rows=rows,
        problems=[{"row": p.row, "column": p.column, "message": p.message} for p in problems],
    )
    raise DomainError(
        _(
            "Nothing was registered: the registry changed since the preview and some rows now have "
            "problems. They are listed below; correct the file and upload it again."
        )
    )


def _register(
    *, network: Network, rows: list[dict[str, Any]], by: User, now: datetime
) -> BulkResult:
    created = joined = invited = assessments = 0
    for row in rows:
        if row["action"] == "new":
            authority = authority_create(
                name=row["name"],
                country_code=row["country"],
                kind=row["kind"],
                nuts_code=row["nuts"],
                lau_code=row["lau"],
                population=row["population"],
                created_by=by,
            )
            created += 1
        else:
            authority = Authority.objects.get(pk=row["authority"])
        if row["action"] in ("new", "join"):
            join = network_authority_add(
                network=network,
                authority=authority,
                by=by,
                now=now,
                lead_email=row["lead_email"] if row["invite"] else "",
            )
            joined += 1
            assessments += len(join.assessments)
            invited += join.invitation is not None
        elif row["invite"]:
            invitation_create(
                authority=authority, email=row["lead_email"], role=Role.LEAD, invited_by=by, now=now
            )
            invited += 1
    return BulkResult(created=created, joined=joined, invited=invited, assessments=assessments)
