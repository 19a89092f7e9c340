"""Checking a table of authorities row by row against the registry (see ``bulk.py``).

Reads which column holds what (English or French headings, any order), turns cells into values
(population, kind, codes) and lists every problem with its row and column; says what each row
will do (register a new authority, add a registered one to the network, nothing) and whether its
lead gets an invitation. Reads the database in a fixed number of queries, whatever the number of
rows; writes nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from saferspaces.accounts.models import AuthorityMembership, Invitation
from saferspaces.authorities.models import Authority, AuthorityKind, Network, NutsRegion
from saferspaces.core.answers_io.tables import Table
from saferspaces.core.limits import POPULATION_MAX

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
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 10:
            return None
        number = int(digits)
    return number if 0 < number <= POPULATION_MAX else None


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


def bulk_columns(table: Table) -> tuple[dict[str, int], dict[str, str], list[Problem]]:
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


def bulk_records(table: Table, index: dict[str, int]) -> list[dict[str, Any]]:
    records = []
    for number, values in table.rows:
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        cells = {
            field: _json_cell(values[i] if i < len(values) else None) for field, i in index.items()
        }
        records.append({"row": number, **{f: cells.get(f) for f in FIELDS}, "raw": {**cells}})
    return records


def bulk_rows_check(
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
