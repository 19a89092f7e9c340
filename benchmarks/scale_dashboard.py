"""The synthetic scale set of issue 6: 10 000 authorities x 3 rounds, for the dashboard benchmark.

Run inside a dedicated, migrated PostgreSQL database (``DATABASE_URL``), as a script::

    DATABASE_URL=postgres://.../saferspaces_bench_dashboard \\
      DJANGO_SETTINGS_MODULE=saferspaces.settings \\
      .venv/bin/python benchmarks/scale_dashboard.py 10000 200

It prints one JSON line (the sampled leads' sessions and the pages to visit) as its last line.

**Shape of the set** (``authorities`` = N, ``sample`` = S; the benchmark uses N = 10 000, S = 200):

* the bundled edition ``ssf-2026.1`` (synced from ``frameworks/editions``), the demo's NUTS
  regions (45 regions of levels 1 to 3 in 15 countries);
* one network, N authorities placed in those regions: five kinds (municipalities and cities most
  often), population log-uniform between 3 000 and 3 000 000, density log-uniform between 30 and
  8 000 inhabitants per km²;
* three rounds (2023, 2024, 2025), one assessment per authority and round (3 N): about 70 %
  accepted, 30 % submitted;
* S sampled authorities (evenly spread over the N) have their results **really computed**: every
  question of their 3 assessments is answered by the demo's answer generator
  (``saferspaces.demo.assessments``: ``_answers`` around a per-authority quality, background
  conditions from the registry), then each round's sampled assessments are computed together by
  the edition's result model (``results.computing``: ``_plan`` + ``_store``), which stores
  their ``ResultRun`` and writes their ``ResultFact`` and ``PeerProfile`` rows as in production.
  Each sampled authority has a lead (a user with a logged-in session);
* the other N - S authorities' assessments get the index rows the pages read, written with
  PostgreSQL ``COPY``: the facts of a computed assessment's (sub-)dimensions (every measure the
  model produced for them in the sample: score, perception, status, gap and coverage; not the
  indicators' own scores, which only an assessment's own pages read), values drawn around the
  sample's mean and spread of each (node, measure), shifted by a per-authority quality and a small per-round progress; one
  ``PeerProfile`` with the authority's kind, NUTS level, country, population, density, degree of
  urbanisation (from the density), an income between 14 000 and 34 000, and its top-level
  scores packed as the index writer packs them (the facts drawn above). Their ``ResultRun``
  is a stub (no explanation: the index needs a run to point to; their own profile pages are
  never visited);
* sharing choices for every authority: 15 % open to contact (with a note), 5 % publish their
  results; authorities open to contact have answered the edition's practice questions (status
  indicators of type yes/partly/no, single or multiple choice), so that learn-from-peers reads real
  practice answers;
* ``VACUUM ANALYZE`` at the end, as autovacuum would do on a live database.

About 30 000 assessments, 30 000 peer profiles and (facts per assessment x 30 000) facts;
generation takes a few minutes for N = 10 000 on the development machine.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import numpy as np

KINDS = (
    ("municipality", 0.45),
    ("city", 0.30),
    ("metropolitan_area", 0.08),
    ("province", 0.10),
    ("region", 0.07),
)
ROUND_YEARS = (2023, 2024, 2025)
OPEN_SHARE, PUBLISH_SHARE = 0.15, 0.05
PRACTICE_TYPES = ("yes_partly_no", "single_choice", "multiple_choice")
NETWORK = "Scale network (synthetic)"


def _copy(table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
    """Bulk-load ``rows`` into ``table`` with PostgreSQL COPY (psycopg 3)."""
    from django.db import connection

    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _copy_text(table: str, columns: tuple[str, ...], blocks: Iterable[str]) -> None:
    """Bulk-load ``blocks`` of lines in COPY's text format into ``table`` (tab-separated,
    ``\\N`` for NULL): written a block at a time, for the millions of index rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for block in blocks:
                copy.write(block)


def _db_value(model: Any, field: str, value: Any) -> Any:
    """``value`` as the model's ``field`` writes it (a JSON field's adapter, a default's bytes)."""
    from django.db import connection

    return model._meta.get_field(field).get_db_prep_save(value, connection)


def _kind(rng: random.Random) -> str:
    x, acc = rng.random(), 0.0
    for kind, share in KINDS:
        acc += share
        if x < acc:
            return kind
    return KINDS[-1][0]


def _log_uniform(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def _degurba(density: float) -> str:
    return "cities" if density >= 1500 else "towns_suburbs" if density >= 300 else "rural_areas"


def scale_build(*, authorities: int, sample: int, seed: int = 2026) -> dict[str, Any]:
    """Build the set in the current (empty, migrated) database; return what the load needs."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.utils import timezone

    from saferspaces.accounts.models import AuthorityMembership, Role, User
    from saferspaces.assessments.models import Answer, Assessment, Round
    from saferspaces.authorities.models import Authority, Network, NutsRegion
    from saferspaces.core.dashboard.packed import top_scores_pack
    from saferspaces.core.framework import Indicator
    from saferspaces.dashboard.models import PeerSharing
    from saferspaces.demo.assessments import _answers, _background, _value
    from saferspaces.demo.generator import _ensure_regions
    from saferspaces.frameworks.models import FrameworkEdition
    from saferspaces.frameworks.selectors import edition_parsed
    from saferspaces.frameworks.services import framework_editions_sync_bundled
    from saferspaces.results.computing import _plan, _store
    from saferspaces.results.models import (
        KIND_MEASURES,
        TOP_DEPTH,
        PeerProfile,
        ResultFact,
        ResultRun,
    )

    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        timings[name] = round(time.perf_counter() - started - sum(timings.values()), 2)

    now = timezone.now()
    rng = random.Random(seed)
    framework_editions_sync_bundled()
    row = FrameworkEdition.objects.get(edition_id="ssf-2026.1")
    edition = edition_parsed(row=row)
    _ensure_regions()
    regions = list(NutsRegion.objects.order_by("code"))
    network = Network.objects.create(name=NETWORK, slug="scale-network")

    # authorities -------------------------------------------------------------------------------
    rows: list[Authority] = []
    for i in range(authorities):
        region = regions[i % len(regions)]
        population = int(_log_uniform(rng, 3_000, 3_000_000))
        density = _log_uniform(rng, 30, 8_000)
        rows.append(
            Authority(
                name=f"Scale authority {i:05d}",
                slug=f"scale-{i:05d}",
                country_code=region.country_code,
                kind=_kind(rng),
                nuts_region=region,
                population=population,
                area_km2=Decimal(f"{max(population / density, 0.5):.2f}"),
                latitude=Decimal(f"{rng.uniform(36, 64):.5f}"),
                longitude=Decimal(f"{rng.uniform(-9, 30):.5f}"),
                languages=["en"],
            )
        )
    created = Authority.objects.bulk_create(rows, batch_size=2000)
    Authority.networks.through.objects.bulk_create(
        [Authority.networks.through(authority_id=a.pk, network_id=network.pk) for a in created],
        batch_size=5000,
    )
    by_pk = {a.pk: a for a in created}
    step = max(1, authorities // sample)
    sampled = [a.pk for a in created[::step][:sample]]
    sampled_set = set(sampled)
    quality = {a.pk: rng.uniform(0.25, 0.85) for a in created}
    lap("authorities")

    # rounds and assessments -------------------------------------------------------------------
    rounds = [
        Round.objects.create(
            network=network,
            edition=row,
            title=f"Scale round {year}",
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            deadline=dt.date(year + 1, 3, 31),
            created_at=now - dt.timedelta(days=365 * (ROUND_YEARS[-1] - year + 1)),
        )
        for year in ROUND_YEARS
    ]
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                authority_id=a.pk,
                round=rnd,
                edition=row,
                title=rnd.title,
                state="accepted" if rng.random() < 0.7 else "submitted",
                reference_year=rnd.period_end.year,
                created_at=rnd.created_at,
                updated_at=rnd.created_at,
                submitted_at=rnd.created_at + dt.timedelta(days=30),
            )
            for rnd in rounds
            for a in created
        ],
        batch_size=2000,
    )
    lap("assessments")

    # sharing choices --------------------------------------------------------------------------
    sharing = []
    open_ids: set[int] = set()
    for a in created:
        is_open = rng.random() < OPEN_SHARE or (a.pk in sampled_set and rng.random() < 0.5)
        publish = rng.random() < PUBLISH_SHARE
        if is_open:
            open_ids.add(a.pk)
        if is_open or publish:
            sharing.append(
                PeerSharing(
                    authority_id=a.pk,
                    open_to_contact=is_open,
                    contact_name=f"Contact {a.pk}" if is_open else "",
                    contact_email=f"contact{a.pk}@scale.example" if is_open else "",
                    note="Night-time lighting and street design." if is_open else "",
                    publish_results=publish,
                    updated_at=now,
                )
            )
    PeerSharing.objects.bulk_create(sharing, batch_size=2000)

    # answers: every question for the sample, practice questions for those open to contact ------
    practice = [
        i
        for _d, i in edition.indicators()
        if isinstance(i, Indicator) and i.kind == "status" and i.answer.type in PRACTICE_TYPES
    ]
    answers: list[tuple[Any, ...]] = []
    round_index = {rnd.pk: k for k, rnd in enumerate(rounds)}
    for assessment in assessments:
        a_pk, k = assessment.authority_id, round_index[assessment.round_id]
        q = min(0.95, quality[a_pk] + 0.03 * k)
        r = random.Random(seed * 100_003 + a_pk * 10 + k)
        drawn: dict[str, tuple[str, Any]] = {}
        if a_pk in sampled_set:
            drawn = _answers(edition, r, q, 1.0)
            for code, value in _background(by_pk[a_pk], random.Random(a_pk)).items():
                if code in drawn:
                    drawn[code] = ("answered", value)
        elif a_pk in open_ids:
            drawn = {i.code: ("answered", _value(i, r, q)) for i in practice}
        answers += [
            (assessment.pk, code, status, _db_value(Answer, "value", value), "", 1, now)
            for code, (status, value) in drawn.items()
        ]
    _copy(
        Answer._meta.db_table,
        ("assessment_id", "code", "status", "value", "comment", "version", "updated_at"),
        answers,
    )
    lap("answers")

    # the sample, really computed per round ----------------------------------------------------
    for rnd in rounds:
        members = list(
            Assessment.objects.filter(round=rnd, authority_id__in=sampled).select_related(
                "edition", "authority"
            )
        )
        plan = _plan(members, round_=rnd, trigger="round", user=None, now=now)
        _store(plan, members, whole=True)
    lap("sample computed")

    # facts of the others, drawn around the sample's distribution of each (node, measure) ------
    shape: dict[tuple[str, str], tuple[str, int]] = {}
    values_of: dict[tuple[str, str], list[float]] = defaultdict(list)
    for node, measure, parent, d, value in ResultFact.objects.values_list(
        "node", "measure", "parent", "depth", "value"
    ):
        shape[node, measure] = (parent, d)
        if value is not None:
            values_of[node, measure].append(value)
    spread = {key: (sum(v) / len(v), _sd(v)) for key, v in values_of.items() if len(v) >= 2}
    # the others get the facts of the (sub-)dimensions (the nodes with a coverage), not those of
    # single indicators: the pages that read the round or the peers read dimensions only, and an
    # assessment's own indicators are read by its own profile (never visited for the others)
    nodes = {node for node, measure in shape if measure == "coverage"}
    shape = {key: place for key, place in shape.items() if key[0] in nodes}
    others = [a for a in assessments if a.authority_id not in sampled_set]
    stub = "synthetic scale index (stub)"
    _copy(
        ResultRun._meta.db_table,
        (
            "assessment_id",
            "model",
            "edition_id",
            "pipeline_name",
            "pipeline_sha256",
            "trigger",
            "state",
            "units",
            "explanation",
            "meta",
            "facts",
            "warnings",
            "computed_at",
        ),
        (
            (a.pk, "composite", edition.id, stub, "", "round", a.state, authorities, *constants)
            for constants in [
                (
                    _db_value(ResultRun, "explanation", {}),
                    _db_value(ResultRun, "meta", {"synthetic": True}),
                    _db_value(ResultRun, "facts", {}),
                    _db_value(ResultRun, "warnings", []),
                    now,
                )
            ]
            for a in others
        ),
    )
    run_of = dict(ResultRun.objects.filter(pipeline_name=stub).values_list("assessment_id", "pk"))

    # the drawn values, a column per (node, measure) and a row per other assessment: around the
    # sample's mean and spread, shifted by the authority's quality and the round's progress
    draw = np.random.default_rng(seed)
    z = np.array(
        [(quality[a.authority_id] - 0.55) / 0.17 + 0.25 * round_index[a.round_id] for a in others]
    )
    columns: dict[tuple[str, str], np.ndarray] = {}
    for key in shape:
        if key[1] not in ("gap", "coverage") and key in spread:
            mean, sd = spread[key]
            noise = 0.7 * z + 0.7 * draw.standard_normal(len(others))
            columns[key] = np.clip(mean + sd * noise, 0.0, 100.0)
    for node in nodes:
        p, s = columns.get((node, "perception")), columns.get((node, "status"))
        if (node, "gap") in shape and p is not None and s is not None:
            columns[node, "gap"] = p - s
        if (node, "coverage") in shape:
            columns[node, "coverage"] = draw.uniform(0.75, 1.0, len(others))
    keys = list(shape)
    missing = np.full(len(others), np.nan)
    drawn = np.column_stack([columns.get(key, missing) for key in keys])

    # each profile's packed top-level scores, as the facts drawn for it (results.index writes
    # them so for the computed sample)
    kind_of = {measure: kind for kind, measure in KIND_MEASURES.items()}
    top = [
        (j, (node, kind_of[measure]))
        for j, ((node, measure), (_parent, d)) in enumerate(shape.items())
        if d == TOP_DEPTH and measure in kind_of
    ]
    tops: dict[int, tuple[str, bytes]] = {}
    for a, values in zip(others, drawn[:, [j for j, _key in top]].tolist(), strict=True):
        tops[a.pk] = top_scores_pack(
            scores={
                key: None if math.isnan(value) else value
                for (_j, key), value in zip(top, values, strict=True)
            }
        )

    # the index rows in COPY's text format: a value's line is head + value + tail, a missing
    # value's line is its head alone
    lines: list[tuple[str, str | None]] = []
    for key, (parent, d) in shape.items():
        head = f"{key[0]}\t{key[1]}\t\t\t"
        if key in columns:
            lines.append((head, f"\t{parent}\t{d}\t1\t\n"))
        else:
            lines.append((f"{head}\\N\t{parent}\t{d}\t0\tunanswered\n", None))

    def fact_blocks() -> Iterator[str]:
        for lo in range(0, len(others), 2000):
            block: list[str] = []
            for a, values in zip(
                others[lo : lo + 2000], drawn[lo : lo + 2000].tolist(), strict=True
            ):
                prefix = f"{a.pk}\t{run_of[a.pk]}\t{a.round_id}\t{a.authority_id}\t"
                block += [
                    prefix + head if tail is None else f"{prefix}{head}{value!r}{tail}"
                    for (head, tail), value in zip(lines, values, strict=True)
                ]
            yield "".join(block)

    _copy_text(
        ResultFact._meta.db_table,
        (
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
            "n",
            "reason",
        ),
        fact_blocks(),
    )
    levels = {r.code: r.level for r in regions}
    profile_rows: list[tuple[Any, ...]] = []
    for a in others:
        authority = by_pk[a.authority_id]
        density = float(authority.population or 0) / float(authority.area_km2 or 1)
        profile_rows.append(
            (
                a.pk,
                a.round_id,
                authority.pk,
                a.state,
                authority.kind,
                levels[authority.nuts_region_id],
                authority.country_code,
                _degurba(density),
                float(authority.population or 0),
                density,
                round(random.Random(authority.pk).uniform(14_000, 34_000), -2),
                json.dumps({"population": "registry", "density": "registry"}),
                *tops[a.pk],
            )
        )
    _copy(
        PeerProfile._meta.db_table,
        (
            "assessment_id",
            "round_id",
            "authority_id",
            "state",
            "kind",
            "nuts_level",
            "country",
            "urbanisation",
            "population",
            "density",
            "income",
            "sources",
            "top_nodes",
            "top_scores",
        ),
        profile_rows,
    )
    lap("index rows (COPY)")

    # leads of the sample, logged in -----------------------------------------------------------
    users = [
        User.objects.create_user(f"lead{pk}@scale.example", None, full_name=f"Lead {pk}")
        for pk in sampled
    ]
    AuthorityMembership.objects.bulk_create(
        AuthorityMembership(user=u, authority_id=pk, role=Role.LEAD)
        for u, pk in zip(users, sampled, strict=True)
    )
    sessions = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    latest = dict(
        Assessment.objects.filter(round=rounds[-1], authority_id__in=sampled).values_list(
            "authority_id", "pk"
        )
    )
    with connection.cursor() as cursor:
        # what autovacuum does to these insert-only tables within a minute or so: statistics,
        # and the visibility map that lets the peer pool be counted from its index alone
        cursor.execute("VACUUM ANALYZE")
    lap("leads, sessions, analyze")
    groups = _peer_groups(list(latest.values()))
    counts = {
        "authorities": Authority.objects.count(),
        "rounds": len(rounds),
        "assessments": Assessment.objects.count(),
        "result_facts": ResultFact.objects.count(),
        "peer_profiles": PeerProfile.objects.count(),
        "real_result_runs": ResultRun.objects.exclude(
            pipeline_name__startswith="synthetic"
        ).count(),
        "answers": Answer.objects.count(),
        "nodes": len(nodes),
        "facts_per_other_assessment": len(shape),
        "open_to_contact": len(open_ids),
        "peer_group_sizes": groups,
    }
    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "visits": [
            {
                "session": key,
                "profile": f"/authorities/{by_pk[pk].slug}/dashboard/",
                "peers": f"/assessments/{latest[pk]}/peers/",
            }
            for key, pk in zip(sessions, sampled, strict=True)
        ],
        "counts": counts,
        "timings_s": timings,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _peer_groups(assessment_ids: list[int]) -> dict[str, Any]:
    """The peer groups the visited pages show under the default criteria (min, median, max size;
    how many views were refused)."""
    from saferspaces.assessments.models import Assessment
    from saferspaces.core.dashboard import PeerCriteria
    from saferspaces.dashboard.peers import peer_view
    from saferspaces.results.selectors import scored_read

    sizes, refused = [], 0
    for a in Assessment.objects.filter(pk__in=assessment_ids).select_related("edition", "round"):
        scored = scored_read(assessment=a)
        assert scored is not None
        view = peer_view(scored=scored, criteria=PeerCriteria())
        sizes.append(view.peers)
        refused += view.refused is not None
    sizes.sort()
    return {
        "min": sizes[0],
        "median": sizes[len(sizes) // 2],
        "max": sizes[-1],
        "pool": view.pool,
        "refused": refused,
    }


def _sd(values: list[float]) -> float:
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: scale_dashboard.py AUTHORITIES SAMPLE (inside a migrated database)")
    out = scale_build(authorities=int(sys.argv[1]), sample=int(sys.argv[2]))
    buffer = io.StringIO()
    json.dump(out, buffer)
    sys.stdout.write("\n" + buffer.getvalue() + "\n")
