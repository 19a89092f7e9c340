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

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from saferspaces.accounts import permissions
from saferspaces.accounts.models import AuthorityMembership, Invitation, Role, User
from saferspaces.accounts.services import invitation_create
from saferspaces.authorities.models import (
    Authority,
    AuthorityKind,
    AuthorityUpload,
    Network,
    NutsRegion,
)
from saferspaces.authorities.services import authority_create, network_authority_add
from saferspaces.core.answers_io.errors import AnswerFileError
from saferspaces.core.answers_io.tables import Table, table_read
from saferspaces.core.limits import AUTHORITY_TABLE_MAX_ROWS, FILE_MAX_BYTES
from saferspaces.errors import DomainError

FIELDS = ("name", "country", "nuts", "lau", "population", "lead_email", "kind")
REQUIRED = ("name", "country", "nuts", "population", "lead_email")
#: accepted column headings (compared in lower case, without hyphens, "_" read as a space)
HEADINGS: dict[str, tuple[str, ...]] = {
    "name": ("name", "authority", "authority name", "nom", "collectivité", "autorité"),
    "country": ("country", "country code", "pays", "code pays"),
    "nuts": ("nuts", "nuts code", "nuts 3", "nuts3", "nuts 3 code", "nuts3 code", "code nuts"),
    "lau": ("lau", "lau code", "code lau"),
    "population": ("population", "inhabitants", "habitants"),
    "lead_email": (
        "lead email",
        "lead",
        "email",
        "email of the lead",
        "lead's email",
        "courriel",
        "courriel du responsable",
        "email du responsable",
    ),
    "kind": ("kind", "type", "kind of authority", "nature"),
}
_LAU = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,19}")
_NUTS = re.compile(r"[A-Z]{2}[A-Z0-9]{0,3}")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
COUNTRY_HINTS = {"GR": "EL", "GB": "UK"}


def _heading(text: str) -> str:
    return " ".join(text.lower().replace("-", "").replace("_", " ").split())


_BY_HEADING = {_heading(h): field for field, names in HEADINGS.items() for h in names}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


def _json_cell(value: object) -> object:
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, int | float | str):
        return value
    return str(value)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _population(value: object) -> int | None:
    """A positive whole number, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            return None
        number = int(value)
    else:
        digits = _SPACES.sub("", str(value or ""))
        if not digits.isdigit() or len(digits) > 10:
            return None
        number = int(digits)
    return number if 0 < number <= 100_000_000 else None


def _kinds() -> dict[str, str]:
    names: dict[str, str] = {}
    for code, label in AuthorityKind.choices:
        names[code] = code
        names[code.replace("_", " ")] = code
        names[str(label).lower()] = code
        with translation.override("fr"):
            names[str(label).lower()] = code
    return names


@dataclass
class _Context:
    """What the checks need from the database, read in a fixed number of queries."""

    regions: dict[str, NutsRegion]
    countries: set[str]
    by_name: dict[tuple[str, str], Authority]
    by_lau: dict[tuple[str, str], Authority]
    members: set[int]  # authorities already in the network
    team_emails: dict[int, set[str]]
    pending: dict[int, set[str]]


def _context(*, network: Network, records: list[dict[str, Any]], now: datetime) -> _Context:
    codes = {str(r["nuts"]).upper() for r in records if r["nuts"]}
    countries_in_file = {str(r["country"]).upper() for r in records if r["country"]}
    existing = list(
        Authority.objects.filter(country_code__in=countries_in_file).select_related("nuts_region")
    )
    ids = [a.pk for a in existing]
    team_emails: dict[int, set[str]] = defaultdict(set)
    for authority_id, email in AuthorityMembership.objects.filter(authority_id__in=ids).values_list(
        "authority_id", "user__email"
    ):
        team_emails[authority_id].add(email.lower())
    pending: dict[int, set[str]] = defaultdict(set)
    for authority_id, email in Invitation.objects.filter(
        authority_id__in=ids, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).values_list("authority_id", "email"):
        pending[authority_id].add(email.lower())
    return _Context(
        regions={r.code: r for r in NutsRegion.objects.filter(code__in=codes)},
        countries=set(
            NutsRegion.objects.filter(country_code__in=countries_in_file)
            .values_list("country_code", flat=True)
            .distinct()
        ),
        by_name={(a.country_code, a.name.casefold()): a for a in existing},
        by_lau={(a.country_code, a.lau_code.upper()): a for a in existing if a.lau_code},
        members=set(network.authorities.filter(pk__in=ids).values_list("pk", flat=True)),
        team_emails=team_emails,
        pending=pending,
    )


def _columns(table: Table) -> tuple[dict[str, int], dict[str, str], list[Problem]]:
    """Which column holds which field; the heading as written (for messages); file problems."""
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    problems: list[Problem] = []
    for i, heading in enumerate(table.header):
        field = _BY_HEADING.get(_heading(heading))
        if field is None:
            continue
        if field in index:
            problems.append(
                Problem(
                    1,
                    heading,
                    _("Two columns hold the same information (%(first)s and %(second)s).")
                    % {"first": written[field], "second": heading},
                )
            )
            continue
        index[field], written[field] = i, heading
    for field in REQUIRED:
        if field not in index:
            problems.append(
                Problem(
                    1,
                    HEADINGS[field][0],
                    _("The column %(column)s is missing.") % {"column": HEADINGS[field][0]},
                )
            )
    return index, written, problems


def _records(table: Table, index: dict[str, int]) -> list[dict[str, Any]]:
    records = []
    for number, values in table.rows:
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        cells = {
            field: _json_cell(values[i] if i < len(values) else None) for field, i in index.items()
        }
        records.append({"row": number, **{f: cells.get(f) for f in FIELDS}, "raw": {**cells}})
    return records


def _check(
    *, network: Network, records: list[dict[str, Any]], written: dict[str, str], now: datetime
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Every row checked; the rows with what each will do, and every problem."""
    ctx = _context(network=network, records=records, now=now)
    kinds = _kinds()
    problems: list[Problem] = []
    seen_names: dict[tuple[str, str], int] = {}
    seen_laus: dict[tuple[str, str], int] = {}
    seen_emails: dict[str, int] = {}
    rows: list[dict[str, Any]] = []

    def column(field: str) -> str:
        return written.get(field, HEADINGS[field][0])

    for record in records:
        n = record["row"]

        def problem(field: str, message: str, n: int = n) -> None:
            problems.append(Problem(n, column(field), message))

        name = _text(record["name"])
        country = _text(record["country"]).upper()
        nuts = _text(record["nuts"]).upper().replace(" ", "")
        lau = _text(record["lau"])
        email = _text(record["lead_email"]).lower()
        kind_text = _text(record["kind"]).lower()
        row: dict[str, Any] = {
            "row": n,
            "name": name,
            "country": country,
            "nuts": nuts,
            "lau": lau,
            "population": None,
            "lead_email": email,
            "kind": "",
            "kind_label": "",
            "action": "new",
            "authority": None,
            "invite": bool(email),
            "notes": [],
        }
        if not name:
            problem("name", _("Enter the authority's name."))
        elif len(name) > 200:
            problem("name", _("Enter at most 200 characters."))
        country_ok = False
        if not re.fullmatch(r"[A-Z]{2}", country):
            problem("country", _("Enter a two-letter country code as in NUTS, e.g. FR or EL."))
        elif country in COUNTRY_HINTS:
            problem(
                "country",
                _("NUTS writes this country %(code)s, not %(given)s.")
                % {"code": COUNTRY_HINTS[country], "given": country},
            )
        elif country not in ctx.countries:
            problem(
                "country",
                _("The registry has no NUTS region in %(country)s.") % {"country": country},
            )
        else:
            country_ok = True
        region = ctx.regions.get(nuts)
        if not nuts:
            problem(
                "nuts",
                _("Enter the NUTS 3 region the authority lies in (the registry has no LAU codes)."),
            )
        elif not _NUTS.fullmatch(nuts) or region is None:
            problem("nuts", _("Unknown NUTS code %(code)s.") % {"code": nuts})
        elif country_ok and region.country_code != country:
            problem(
                "nuts",
                _("NUTS region %(code)s is in %(region_country)s, not %(country)s.")
                % {"code": nuts, "region_country": region.country_code, "country": country},
            )
        elif lau and region.level != 3:
            problem(
                "nuts",
                _(
                    "With a LAU code, give the NUTS 3 region it lies in (%(code)s is NUTS %(level)s)."
                )
                % {"code": nuts, "level": region.level},
            )
        if lau and not _LAU.fullmatch(lau):
            problem(
                "lau",
                _("A LAU code has at most 20 letters, digits, dots, hyphens or underscores."),
            )
        population = _population(record["population"])
        if population is None:
            problem(
                "population",
                _(
                    "Enter the population as a whole number above 0, without separators or decimals."
                ),
            )
        row["population"] = population
        if not email:
            problem("lead_email", _("Enter the e-mail address of the authority's lead."))
        else:
            try:
                if len(email) > 254:
                    raise ValidationError("too long")
                validate_email(email)
            except ValidationError:
                problem(
                    "lead_email", _("%(email)s is not a valid e-mail address.") % {"email": email}
                )
            else:
                if email in seen_emails:
                    problem(
                        "lead_email",
                        _(
                            "The same address is the lead of row %(row)s; give one lead per authority."
                        )
                        % {"row": seen_emails[email]},
                    )
                seen_emails.setdefault(email, n)
        if kind_text:
            if kind_text not in kinds:
                problem(
                    "kind",
                    _(
                        "Unknown kind %(kind)s: use municipality, city, metropolitan area, province or region."
                    )
                    % {"kind": record["kind"]},
                )
            row["kind"] = kinds.get(kind_text, "")
        elif region is not None:
            row["kind"] = AuthorityKind.MUNICIPALITY if region.level == 3 else AuthorityKind.REGION
        row["kind_label"] = str(AuthorityKind(row["kind"]).label) if row["kind"] else ""
        # duplicates inside the file
        key = (country, name.casefold())
        if name and key in seen_names:
            problem(
                "name",
                _("Row %(row)s already registers %(name)s in %(country)s.")
                % {"row": seen_names[key], "name": name, "country": country},
            )
        seen_names.setdefault(key, n)
        if lau:
            lau_key = (country, lau.upper())
            if lau_key in seen_laus:
                problem(
                    "lau",
                    _("Row %(row)s has the same LAU code.") % {"row": seen_laus[lau_key]},
                )
            seen_laus.setdefault(lau_key, n)
        # already in the registry?
        by_lau = ctx.by_lau.get((country, lau.upper())) if lau else None
        by_name = ctx.by_name.get(key) if name else None
        existing = by_lau or by_name
        if by_lau and by_name and by_lau.pk != by_name.pk:
            problem(
                "lau",
                _(
                    "LAU code %(lau)s is registered to %(other)s, and %(name)s is registered with "
                    "another LAU code; correct the file or ask an administrator."
                )
                % {"lau": lau, "other": by_lau.name, "name": name},
            )
        elif existing is not None:
            _existing(row, existing, ctx, problem)
        rows.append(row)
    order = {column(field): i for i, field in enumerate(FIELDS)}
    problems.sort(key=lambda p: (p.row, order.get(p.column, len(order))))
    return rows, problems


def _existing(row: dict[str, Any], existing: Authority, ctx: _Context, problem: Any) -> None:
    """A row naming an authority that is registered already: joins, or a problem saying why not."""
    if row["nuts"] and existing.nuts_region_id != row["nuts"]:
        problem(
            "nuts",
            _(
                "%(name)s is already registered in NUTS region %(registered)s, not %(given)s; "
                "correct the file, or ask an administrator to correct the registry."
            )
            % {"name": existing.name, "registered": existing.nuts_region_id, "given": row["nuts"]},
        )
        return
    if row["lau"] and existing.lau_code and existing.lau_code.upper() != row["lau"].upper():
        problem(
            "lau",
            _("%(name)s is already registered with LAU code %(registered)s.")
            % {"name": existing.name, "registered": existing.lau_code},
        )
        return
    if row["lau"] and existing.name.casefold() != row["name"].casefold():
        problem(
            "name",
            _("LAU code %(lau)s is already registered as %(registered)s.")
            % {"lau": row["lau"], "registered": existing.name},
        )
        return
    row["authority"] = existing.pk
    row["slug"] = existing.slug
    if existing.pk in ctx.members:
        row["action"] = "member"
        row["notes"].append(_("Already in the network."))
    else:
        row["action"] = "join"
        row["notes"].append(
            _(
                "Already registered: joins the network as registered; the file does not change its record."
            )
        )
    if row["population"] and existing.population and existing.population != row["population"]:
        row["notes"].append(
            _("The registry's population, %(registered)s, is kept.")
            % {"registered": existing.population}
        )
    email = row["lead_email"]
    if email and email in ctx.team_emails.get(existing.pk, set()):
        row["invite"] = False
        row["notes"].append(_("The lead is already in its team: no invitation."))
    elif email and email in ctx.pending.get(existing.pk, set()):
        row["invite"] = False
        row["notes"].append(_("The lead has a pending invitation already: not invited again."))


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
    index, written, problems = _columns(table)
    records = _records(table, index)
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
        rows, row_problems = _check(network=network, records=records, written=written, now=now)
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
        rows, problems = _check(
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
