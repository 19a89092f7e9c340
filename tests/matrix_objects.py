"""The permission matrix on other objects than the persona authority's own.

``site_matrix`` requests every route for the persona authority (Montclair-sur-Mer), the main
network and the current round. Here, every route whose path names an assessment, a round, an
authority, a network or a report job is requested again, by every persona, for other objects:

* assessments: the persona authority's assessment of the main network's previous round; its
  assessment of a round of the second network (the persona authority belongs to both
  networks); its private self-assessment (no round); another authority's assessment in the main
  network's current round; the assessment of an authority of the second network only;
* rounds: the main network's other round; the second network's round;
* authorities: one of the main network only; one of the second network only;
* networks: the second network.

Each assessment has an evidence file and a queued PDF job of its report, so that downloads are
requested too. The objects are built with the real services once per test module
(``other_objects`` in ``test_permissions_matrix.py``).

The expected status of a persona on an object is the status the base entry gives to the persona
who stands in the same relation to the base object (``Target.relation``): ``coordinator`` stands
for "coordinates the network of the object's round (or the object's network)", ``outsider`` for
"has no part in it". So the rule is written once, as relations: a round's assessments are
visible to the authority's people, the coordinators of *that round's* network and
administrators; a private self-assessment only to the authority's people and administrators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from site_matrix import EXTRA_MATRIX, PERSONA_ORDER, fill_path, matrix_entries

PRIVATE = EXTRA_MATRIX["assessments:detail"][2]  # who may read the persona authority's assessment

STRANGER = "outsider"


def _relation(*, team: bool, coordinator: str | None) -> dict[str, str]:
    """Each persona's stand-in: ``team`` when the respondent and the lead belong to the object's
    authority; ``coordinator`` is the persona who coordinates the object's network (None: none
    does, e.g. a private self-assessment)."""
    relation = {"anonymous": "anonymous", "outsider": "outsider", "administrator": "administrator"}
    relation["respondent"] = "respondent" if team else STRANGER
    relation["lead"] = "lead" if team else STRANGER
    for key in ("coordinator", "ports_coordinator"):
        relation[key] = "coordinator" if key == coordinator else STRANGER
    assert set(relation) == set(PERSONA_ORDER)
    return relation


@dataclass(frozen=True)
class Target:
    label: str
    substitutions: dict[str, str]  # placeholder of a base path -> the placeholder of this object
    relation: dict[str, str]


def _assessment(key: str) -> dict[str, str]:
    return {"assessment": key, "evidence": f"{key}_evidence", "assessment_job": f"{key}_job"}


BASE_NAMES = {
    "assessment": "assessment",
    "evidence": "evidence",
    "assessment_job": "assessment_job",
}


TARGETS: tuple[Target, ...] = (
    Target(
        "previous round",
        _assessment("a_previous"),
        _relation(team=True, coordinator="coordinator"),
    ),
    Target(
        "other network's round",
        _assessment("a_ports"),
        _relation(team=True, coordinator="ports_coordinator"),
    ),
    Target(
        "private self-assessment", _assessment("a_private"), _relation(team=True, coordinator=None)
    ),
    Target(
        "other authority",
        _assessment("a_other"),
        _relation(team=False, coordinator="coordinator"),
    ),
    Target(
        "other authority of the other network",
        _assessment("a_ports_only"),
        _relation(team=False, coordinator="ports_coordinator"),
    ),
    Target(
        "other round",
        {"round": "r_previous", "analysis_round": "r_current", "report_job": "r_current_job"},
        _relation(team=True, coordinator="coordinator"),
    ),
    Target(
        "other network's round",
        {"round": "r_ports", "analysis_round": "r_ports", "report_job": "r_ports_job"},
        _relation(team=True, coordinator="ports_coordinator"),
    ),
    Target(
        "authority of the main network only",
        {"authority": "auth_main_only"},
        _relation(team=False, coordinator="coordinator"),
    ),
    Target(
        "authority of the other network only",
        {"authority": "auth_ports_only"},
        _relation(team=False, coordinator="ports_coordinator"),
    ),
    Target(
        "other network",
        {"network": "net_ports", "upload": "upload_ports"},
        _relation(team=True, coordinator="ports_coordinator"),
    ),
)

A = "/assessments/{assessment}"
J = "/reports/jobs/{assessment_job}/"
# Routes requested with a real file or job (the base matrix uses ids that do not exist).
BASE_ENTRIES: dict[str, tuple[str, str, dict[str, int]]] = {
    "assessments:evidence_file (a file)": ("get", A + "/evidence/{evidence}/", PRIVATE),
    "reports:job (authority report)": ("get", J, PRIVATE),
    "reports:job_status (authority report)": ("get", J + "status/", PRIVATE),
    # the job is queued: no file yet, for those who may see it
    "reports:job_download (authority report)": (
        "get",
        J + "download/",
        {k: 404 if v == 200 else v for k, v in PRIVATE.items()},
    ),
}
NOT_HTML = {"assessments:evidence_file (a file)", "reports:job_status (authority report)"}


def object_matrix() -> dict[str, tuple[str, str, dict[str, int]]]:
    """``name · object`` -> (method, path template, expected status per persona)."""
    out: dict[str, tuple[str, str, dict[str, int]]] = dict(BASE_ENTRIES)
    for name, (method, template, expected) in sorted({**matrix_entries(), **BASE_ENTRIES}.items()):
        for target in TARGETS:
            keys = [k for k in target.substitutions if "{" + k + "}" in template]
            if not keys:
                continue
            path = template
            for key in keys:
                path = path.replace("{" + key + "}", "{" + target.substitutions[key] + "}")
            derived = {p: expected[target.relation[p]] for p in PERSONA_ORDER}
            out[f"{name} · {target.label}"] = (method, path, derived)
    return out


def object_path(template: str, values: dict[str, Any]) -> str:
    """Fill the objects' placeholders from ``values``, then the base ones (``fill_path``)."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", str(value))
    return fill_path(template)


PORTS_ROUND = "Port cities round 2026"
PRIVATE_TITLE = "Our own check, spring 2026"


def objects_build(*, now: dt.datetime) -> dict[str, Any]:
    """Build (once; idempotent) the other objects with the real services; their placeholders."""
    from saferspaces.accounts.models import User
    from saferspaces.assessments.models import Assessment, Round
    from saferspaces.assessments.rounds import assessment_start, round_open
    from saferspaces.authorities.models import Authority, Network
    from saferspaces.demo.assessments import ROUND_TITLES
    from saferspaces.demo.generator import MAIN_NETWORK, PERSONA_AUTHORITY, PERSONAS, SECOND_NETWORK

    users = {p.key: User.objects.get(email=p.email) for p in PERSONAS}
    main = Network.objects.get(name=MAIN_NETWORK)
    ports = Network.objects.get(name=SECOND_NETWORK)
    persona = Authority.objects.get(name=PERSONA_AUTHORITY)
    main_only = Authority.objects.filter(networks=main).exclude(networks=ports).order_by("name")
    ports_only = Authority.objects.filter(networks=ports).exclude(networks=main).order_by("name")
    current = Assessment.objects.get(authority=persona, round__title=ROUND_TITLES[-1])
    previous = Assessment.objects.get(authority=persona, round__title=ROUND_TITLES[0])
    other = Assessment.objects.filter(round=current.round, authority__in=main_only).order_by(
        "authority__name"
    )[0]
    today = now.date()
    ports_round = Round.objects.filter(network=ports, title=PORTS_ROUND).first()
    if ports_round is None:
        ports_round = round_open(
            network=ports,
            edition=current.edition,
            title=PORTS_ROUND,
            period_start=dt.date(today.year - 1, 1, 1),
            period_end=dt.date(today.year - 1, 12, 31),
            deadline=today + dt.timedelta(days=60),
            authorities=[persona, ports_only[0]],
            user=users["ports_coordinator"],
            now=now,
        )
    private = Assessment.objects.filter(authority=persona, round=None, title=PRIVATE_TITLE).first()
    if private is None:
        private = assessment_start(
            authority=persona,
            edition=current.edition,
            title=PRIVATE_TITLE,
            reference_year=today.year - 1,
            user=users["lead"],
            now=now,
        )
    assessments = {
        "assessment": current,
        "a_previous": previous,
        "a_ports": ports_round.assessments.get(authority=persona),
        "a_private": private,
        "a_other": other,
        "a_ports_only": ports_round.assessments.get(authority=ports_only[0]),
    }
    values: dict[str, Any] = {
        "r_previous": previous.round_id,
        "r_current": current.round_id,
        "r_ports": ports_round.pk,
        "r_current_job": _round_job(current.round_id),
        "r_ports_job": _round_job(ports_round.pk),
        "auth_main_only": main_only[0].slug,
        "auth_ports_only": ports_only[0].slug,
        "net_ports": ports.slug,
        "upload_ports": _upload(ports, users["ports_coordinator"], now),
    }
    for key, assessment in assessments.items():
        _answered_and_scored(assessment, users["administrator"], now)
        names = BASE_NAMES if key == "assessment" else _assessment(key)
        values[names["assessment"]] = assessment.pk
        values[names["evidence"]] = _evidence(assessment, users["administrator"], now)
        values[names["assessment_job"]] = _assessment_job(assessment.pk)
    return values


def _upload(network: Any, by: Any, now: dt.datetime) -> int:
    """A table of authorities uploaded to ``network``, waiting for its preview."""
    from saferspaces.authorities.bulk import authority_bulk_preview
    from saferspaces.authorities.models import AuthorityUpload

    upload = AuthorityUpload.objects.filter(network=network, file_name="matrix-ports.csv").first()
    if upload is None:
        upload = authority_bulk_preview(
            network=network,
            filename="matrix-ports.csv",
            content=b"name,country,nuts,lau,population,lead_email\nPort neuf,FR,FRL04,,9000,l@p.example\n",
            by=by,
            now=now,
        )
    return upload.pk


def _answered_and_scored(assessment: Any, user: Any, now: dt.datetime) -> None:
    """A new assessment gets the answer the matrix asks about, and scores (on request)."""
    from saferspaces.assessments.answering import answer_save
    from saferspaces.assessments.models import Answer
    from saferspaces.results.computing import assessment_results_compute
    from saferspaces.results.models import ResultRun

    if ResultRun.objects.filter(assessment=assessment).exists():
        return
    if not Answer.objects.filter(assessment=assessment, code="QOL_P01").exists():
        answer_save(
            assessment=assessment,
            code="QOL_P01",
            user=user,
            status="answered",
            raw="62",
            comment="",
            expected_version=0,
        )
    assessment_results_compute(assessment=assessment, user=user, trigger="on_demand", now=now)


def _evidence(assessment: Any, user: Any, now: dt.datetime) -> int:
    """An evidence file on QOL_P01 (stored as ``evidence_add`` stores it; rows are made
    directly because accepted assessments no longer take evidence)."""
    from django.core.files.base import ContentFile

    from saferspaces.assessments.models import Evidence

    found = Evidence.objects.filter(assessment=assessment, source_name="Matrix survey").first()
    if found is not None:
        return int(found.pk)
    body = f"Survey extract of {assessment.authority.name}\n".encode()
    evidence = Evidence(
        assessment=assessment,
        code="QOL_P01",
        source_name="Matrix survey",
        year=now.year - 1,
        added_by=user,
        added_at=now,
        file_name="survey.txt",
        file_type="text/plain",
        file_size=len(body),
    )
    evidence.file.save("survey.txt", ContentFile(body), save=False)
    evidence.save()
    return int(evidence.pk)


def _assessment_job(pk: int) -> int:
    from saferspaces.reports.models import ReportJob

    job = ReportJob.objects.filter(
        kind="authority_report", parameters__assessment=pk, state="queued"
    ).first() or ReportJob.objects.create(
        kind="authority_report", parameters={"assessment": pk}, language="en"
    )
    return int(job.pk)


def _round_job(pk: int) -> int:
    from saferspaces.reports.models import ReportJob

    job = ReportJob.objects.filter(
        kind="round_analysis", parameters__round=pk, state="queued"
    ).first() or ReportJob.objects.create(
        kind="round_analysis", parameters={"round": pk}, language="en"
    )
    return int(job.pk)
