"""Writing the derived index of results (:class:`ResultFact`, :class:`PeerProfile`) from runs.

Called by the computing service in the same transaction as the runs it stores, so the index is
never older than the latest run; :func:`results_rebuild` rewrites it from every assessment's
latest run (``saferspaces results rebuild``, after an upgrade). A run keeps its facts packed
(:func:`facts_pack`); the index is their copy, one row per fact, which pages read.
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson
from django.db import connections, models, router, transaction
from django.db.models import OuterRef, Subquery

from saferspaces.assessments.models import Answer, Assessment
from saferspaces.core.dashboard.packed import top_scores_pack
from saferspaces.core.framework import Edition
from saferspaces.core.results import FACT_FIELDS, Fact
from saferspaces.frameworks.models import FrameworkEdition
from saferspaces.frameworks.selectors import edition_parsed, edition_pipeline
from saferspaces.results.fields import json_number
from saferspaces.results.models import (
    KIND_MEASURES,
    TOP_DEPTH,
    PeerProfile,
    ResultBasis,
    ResultFact,
    ResultRun,
)
from saferspaces.results.peers import peer_pool_changed

#: the columns of a run's packed facts (a fact without its unit: the run is the unit's)
PACKED_FIELDS = (
    "node",
    "measure",
    "category",
    "instance",
    "value",
    "parent",
    "depth",
    "coverage",
    "n",
    "reason",
)
#: a fact's values in the order of PACKED_FIELDS (one C call per fact: 1.41 million a round)
_packed = operator.itemgetter(*(FACT_FIELDS.index(name) for name in PACKED_FIELDS))
NUMERIC = ("population", "density", "income")
_KIND_OF = {measure: kind for kind, measure in KIND_MEASURES.items()}
BATCH = 500  # assessments rewritten per transaction by the rebuild


def facts_pack(facts: Iterable[Fact]) -> dict[str, Any]:
    """A unit's facts as stored with its run: column names once, then one list per fact."""
    return {"fields": list(PACKED_FIELDS), "rows": [list(_packed(f)) for f in facts]}


def facts_unpack(packed: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The facts stored with a run, one dict per fact (none for a run without facts)."""
    fields = packed.get("fields") or ()
    return [dict(zip(fields, row, strict=True)) for row in packed.get("rows", ())]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def peer_conditions(*, row: FrameworkEdition, edition: Edition) -> dict[str, str] | None:
    """The background conditions of an edition's peer profiles (condition -> indicator code),
    or None when the instrument shares nothing with peers or its subject is not an authority
    (no profile is written)."""
    inst = edition.instrument
    if not inst.sharing.peers or inst.subject != "authority":
        return None
    if inst.peers is None:
        return {}
    if inst.peers.source == "pipeline":
        return dict(edition_pipeline(row=row, edition=edition).options.background)
    return dict(inst.peers.conditions)


def top_scores_of(packed: Mapping[str, Any]) -> tuple[str, bytes]:
    """The layout and packed value of a run's top-level scores (from its packed facts: the
    whole top-level nodes' score, perception and status, as the fact index holds them)."""
    at = {name: k for k, name in enumerate(packed.get("fields") or ())}
    scores: dict[tuple[str, str], float | None] = {}
    if at:
        node, measure, category = at["node"], at["measure"], at["category"]
        instance, value, depth = at["instance"], at["value"], at["depth"]
        for f in packed.get("rows", ()):
            kind = _KIND_OF.get(f[measure])
            if kind is not None and f[depth] == TOP_DEPTH and not f[category] and not f[instance]:
                scores[f[node], kind] = f[value]
    return top_scores_pack(scores=scores)


def _profile(
    assessment: Assessment,
    answers: dict[str, Any],
    conditions: Mapping[str, str],
    run: ResultRun,
) -> PeerProfile:
    authority = assessment.authority
    layout, top = top_scores_of(run.facts)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for condition, code in conditions.items():
        if code in answers:
            value = answers[code]
            if condition in NUMERIC:
                value = _number(value)
            elif not isinstance(value, str):
                value = None
            if value is not None:
                values[condition] = value
                sources[condition] = "answer"
    registry = {"population": authority.population, "density": authority.density}
    for condition, value in registry.items():
        if condition not in values and value is not None:
            values[condition] = float(value)
            sources[condition] = "registry"
    return PeerProfile(
        assessment=assessment,
        round_id=assessment.round_id,
        authority=authority,
        state=assessment.state,
        kind=authority.kind,
        nuts_level=authority.nuts_region.level,
        country=authority.country_code,
        urbanisation=values.get("urbanisation") or "",
        population=values.get("population"),
        density=values.get("density"),
        income=values.get("income"),
        sources=sources,
        top_nodes=layout,
        top_scores=top,
    )


#: the index's columns, in the order of :func:`_fact_rows`
FACT_COLUMNS = (
    "assessment_id",
    "run_id",
    "round_id",
    "authority_id",
    "node",
    "measure",
    "category",
    "instance",
    "value",
    "parent",
    "depth",
    "coverage",
    "n",
    "reason",
)


def _fact_rows(run: ResultRun, assessment: Assessment) -> list[tuple[Any, ...]]:
    """The index rows of a run's packed facts (columns :data:`FACT_COLUMNS`)."""
    packed = run.facts
    at = {name: k for k, name in enumerate(packed.get("fields") or ())}
    if not at:
        return []
    node, measure, category, instance = at["node"], at["measure"], at["category"], at["instance"]
    value, parent, depth = at["value"], at["parent"], at["depth"]
    coverage, n, reason = at["coverage"], at["n"], at["reason"]
    head = (assessment.pk, run.pk, assessment.round_id, assessment.authority_id)
    return [
        (
            *head,
            f[node],
            f[measure],
            f[category] or "",
            f[instance] or "",
            f[value],
            f[parent] or "",
            f[depth],
            f[coverage],
            f[n],
            f[reason] or "",
        )
        for f in packed.get("rows", ())
    ]


def _facts_insert(rows: list[tuple[Any, ...]]) -> None:
    """Insert index rows (a round writes about 140 rows per assessment; ``INSERT`` of 1.4
    million rows spends most of its time quoting them: :func:`rows_insert`)."""
    rows_insert(model=ResultFact, columns=FACT_COLUMNS, rows=rows)


def rows_insert(
    *, model: type[models.Model], columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert plain rows (values in the order of ``columns``, as the driver sends them) into
    ``model``'s table: with ``COPY`` on PostgreSQL, batched ``INSERT`` elsewhere."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(  # type: ignore[attr-defined]
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000
        )
        return
    copy_rows(connection, model._meta.db_table, columns, rows)


#: how each index column is read from a packed fact (a JSON array in PACKED_FIELDS order)
_PACKED_SQL = {
    "node": "f->>{node}",
    "measure": "f->>{measure}",
    "category": "coalesce(f->>{category}, '')",
    "instance": "coalesce(f->>{instance}, '')",
    "value": "(f->>{value})::double precision",
    "parent": "coalesce(f->>{parent}, '')",
    "depth": "(f->>{depth})::smallint",
    "coverage": "(f->>{coverage})::double precision",
    "n": "(f->>{n})::integer",
    "reason": "coalesce(f->>{reason}, '')",
}


def _facts_copy_in_database(connection: Any, run_ids: list[int]) -> None:
    """PostgreSQL: the index rows of the runs ``run_ids`` made by the database from the runs'
    packed facts (as :func:`_fact_rows` makes them), in one ``INSERT ... SELECT``: the facts
    are not sent a second time, nor turned into 1.4 million Python rows for a round."""
    at = {name: k for k, name in enumerate(PACKED_FIELDS)}
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in FACT_COLUMNS)
    read = ", ".join(_PACKED_SQL[c].format(**at) for c in FACT_COLUMNS[4:])
    with connection.cursor() as cursor:
        cursor.execute(
            # names quoted from the models and the constants above; the ids are a parameter
            f"INSERT INTO {q(ResultFact._meta.db_table)} ({columns}) "  # noqa: S608
            f"SELECT r.assessment_id, r.id, a.round_id, a.authority_id, {read} "
            f"FROM {q(ResultRun._meta.db_table)} r "
            f"JOIN {q(Assessment._meta.db_table)} a ON a.id = r.assessment_id "
            "CROSS JOIN LATERAL jsonb_array_elements(r.facts -> 'rows') AS f "
            "WHERE r.id = ANY(%s)",
            [run_ids],
        )


def copy_values(row: models.Model, fields: Sequence[Any], connection: Any) -> list[Any]:
    """A model row's values as ``COPY`` sends them: JSON columns as text written by orjson
    (:func:`json_text`), the others as Django prepares them for the database."""
    return [
        json_text(getattr(row, f.attname))
        if isinstance(f, models.JSONField)
        else f.get_db_prep_save(getattr(row, f.attname), connection)
        for f in fields
    ]


def copy_rows(connection: Any, table: str, columns: Sequence[str], rows: Iterable[Any]) -> None:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def result_basis_get(*, meta: Mapping[str, Any]) -> ResultBasis:
    """The stored basis holding ``meta`` (what produced some results), created when new:
    content-addressed by the SHA-256 of its canonical JSON, so runs computed alike share one."""
    text = json.dumps(meta, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    basis, _created = ResultBasis.objects.get_or_create(sha256=sha, defaults={"meta": meta})
    return basis


def result_runs_insert(*, runs: list[ResultRun]) -> list[ResultRun]:
    """Insert new runs and give them their ids: with ``COPY`` on PostgreSQL (ids drawn from
    the table's sequence first), with batched ``INSERT`` elsewhere.

    A run holds its explanation, meta and packed facts (about 50 kB of JSON for an assessment
    of the first edition); Django's bulk ``INSERT`` on PostgreSQL sends them as arrays whose
    quoting took about 20 ms per run, ``COPY`` sends them as they are."""
    if not runs:
        return runs
    connection = connections[router.db_for_write(ResultRun)]
    if connection.vendor != "postgresql":
        return ResultRun.objects.bulk_create(runs, batch_size=BATCH)
    table = ResultRun._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(runs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    fields = ResultRun._meta.concrete_fields
    for run, pk in zip(runs, ids, strict=True):
        run.pk = pk
        run._state.adding = False
        run._state.db = connection.alias
    copy_rows(
        connection,
        table,
        [str(f.column) for f in fields],
        (copy_values(run, fields, connection) for run in runs),
    )
    return runs


@transaction.atomic  # the kept peers are forgotten after the write is committed
def peer_profiles_insert(*, profiles: list[PeerProfile]) -> None:
    """Insert new peer profiles: with ``COPY`` on PostgreSQL (Django's bulk ``INSERT`` there
    sends each column as an array, whose quoting took about 1 s of Python for a round of
    10,000), with batched ``INSERT`` elsewhere. The profiles are not given their ids."""
    if not profiles:
        return
    peer_pool_changed()
    connection = connections[router.db_for_write(PeerProfile)]
    if connection.vendor != "postgresql":
        PeerProfile.objects.bulk_create(profiles, batch_size=2000)
        return
    fields = [f for f in PeerProfile._meta.concrete_fields if not f.primary_key]
    copy_rows(
        connection,
        PeerProfile._meta.db_table,
        [str(f.column) for f in fields],
        (copy_values(p, fields, connection) for p in profiles),
    )


def json_text(value: Any) -> str:
    """The JSON text of a run's JSON column as ``COPY`` sends it: with orjson (a round of
    10,000 runs is about 500 MB of JSON, which the standard library's encoder takes seconds to
    write), else as Django writes it. The stored value is the same (the database parses it)."""
    try:
        return orjson.dumps(value, default=json_number).decode()
    except TypeError:
        return json.dumps(value)


#: assessments whose facts one statement removes where the ids are parameters (SQLite's limit
#: of parameters is 32,766; PostgreSQL gets them as one array)
CLEAR_BATCH = 10_000


@transaction.atomic  # the kept peers are forgotten after the write is committed
def result_index_clear(*, assessment_ids: Sequence[int]) -> None:
    """Remove the facts and peer profiles of these assessments: one statement each on
    PostgreSQL (the ids as one array), batches elsewhere. A round removes its members' old
    results so, once, before writing its chunks (``result_index_write(cleared=True)``)."""
    connection = connections[router.db_for_write(ResultFact)]
    ids = [int(i) for i in assessment_ids]
    if not ids:
        return
    peer_pool_changed()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (ResultFact, PeerProfile):
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(
                    f"DELETE FROM {table} WHERE assessment_id = ANY(%s::bigint[])",  # noqa: S608
                    [ids],
                )
        return
    for start in range(0, len(ids), CLEAR_BATCH):
        batch = ids[start : start + CLEAR_BATCH]
        ResultFact.objects.filter(assessment_id__in=batch).delete()
        PeerProfile.objects.filter(assessment_id__in=batch).delete()


def result_index_write(*, runs: Sequence[ResultRun], cleared: bool = False) -> None:
    """Replace the facts and peer profiles of the runs' assessments with the runs' own (each
    run the latest of its assessment). ``cleared``: the caller removed them already, in this
    transaction (:func:`result_index_clear`); the runs' facts are only written.

    A chunk's delete by its assessments, without statistics on the fact table (a fresh
    database), was planned as a scan of the whole table, which grows with every chunk a round
    writes in its one transaction: a round clears once, up front."""
    if not runs:
        return
    ids = [r.assessment_id for r in runs]
    assessments = {
        a.pk: a
        for a in Assessment.objects.filter(pk__in=ids)
        .select_related("authority", "authority__nuts_region", "edition")
        .defer("edition__source")
    }
    conditions: dict[int, dict[str, str] | None] = {}
    for a in assessments.values():
        if a.edition_id not in conditions:
            edition = edition_parsed(row=a.edition)
            conditions[a.edition_id] = peer_conditions(row=a.edition, edition=edition)
    codes = sorted({c for m in conditions.values() if m for c in m.values()})
    answers: dict[int, dict[str, Any]] = {i: {} for i in ids}
    if codes:
        for a_id, code, value in Answer.objects.filter(
            assessment_id__in=ids, code__in=codes, status="answered"
        ).values_list("assessment_id", "code", "value"):
            answers[a_id][code] = value
    profiles: list[PeerProfile] = []
    for run in runs:
        assessment = assessments[run.assessment_id]
        wanted = conditions[assessment.edition_id]
        if wanted is not None:
            profiles.append(_profile(assessment, answers[assessment.pk], wanted, run))
    connection = connections[router.db_for_write(ResultFact)]
    in_database = connection.vendor == "postgresql" and all(
        run.facts.get("fields", list(PACKED_FIELDS)) == list(PACKED_FIELDS) for run in runs
    )
    with transaction.atomic():
        if not cleared:
            result_index_clear(assessment_ids=ids)
        if in_database:
            _facts_copy_in_database(connection, [r.pk for r in runs])
        else:
            facts: list[tuple[Any, ...]] = []
            for run in runs:
                facts += _fact_rows(run, assessments[run.assessment_id])
            _facts_insert(facts)
        peer_profiles_insert(profiles=profiles)


def results_rebuild(*, assessments: Iterable[Assessment] | None = None) -> int:
    """Rewrite the index from every assessment's latest run (of ``assessments``, else of all);
    returns how many assessments have results."""
    ids = (
        [a.pk for a in assessments]
        if assessments is not None
        else list(Assessment.objects.order_by("pk").values_list("pk", flat=True))
    )
    latest = ResultRun.objects.filter(assessment_id=OuterRef("assessment_id")).order_by(
        "-computed_at", "-id"
    )
    done = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        runs = list(
            ResultRun.objects.filter(
                assessment_id__in=batch, pk=Subquery(latest.values("pk")[:1])
            ).only("pk", "assessment_id", "facts")
        )
        with transaction.atomic():
            result_index_write(runs=runs)
        done += len(runs)
    return done


def peer_profile_state_sync(*, assessment: Assessment) -> int:
    """Copy the assessment's state onto its peer profile (the peer pool reads it there).

    A profile is written with the state when the results are computed; the workflow's
    transition hook calls this on every step (accepted, returned, reopened without new
    results), in its transaction. One indexed UPDATE; nothing when the assessment has no
    profile or the state is the same.
    """
    changed = (
        PeerProfile.objects.filter(assessment_id=assessment.pk)
        .exclude(state=assessment.state)
        .update(state=assessment.state)
    )
    if changed:
        peer_pool_changed()
    return changed
