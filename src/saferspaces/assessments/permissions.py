"""Who may do what with rounds and assessments (built on the account rules).

* A round's assessment is read by the authority's own people (respondents and leads), the
  coordinators of *that round's* network and administrators. The coordinators of the authority's
  other networks do not read it: each network sees the rounds it runs.
* A private self-assessment (no round) is read only by the authority's own people and
  administrators.
* Everything reached through an assessment (answers, history, evidence files, scores, its
  dashboard pages, report and PDF jobs, answer files) follows the assessment: views ask
  :func:`can_view_assessment`; lists and dashboards filter with :func:`assessments_readable`.
* Respondents and leads edit answers while the assessment is a draft or returned. A dimension
  assigned to some people is edited by them and by leads only.
* Leads start private assessments, assign dimensions, set consensus answers, submit and reopen.
* The coordinators of the round's network open rounds, return and accept submissions.
* The same coordinators (and administrators) change a round after it opened (title, deadline,
  participants) and close it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from saferspaces.accounts.models import AuthorityMembership, NetworkCoordinator, Role
from saferspaces.accounts.permissions import AccessDenied, is_administrator, role_in_authority
from saferspaces.request_memo import memo_get
from saferspaces.rows import column, rows_read, table

if TYPE_CHECKING:
    from saferspaces.assessments.models import Assessment, Round
    from saferspaces.authorities.models import Authority, Network


def _coordinates(user: Any, network_id: int) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and NetworkCoordinator.objects.filter(user=user, network_id=network_id).exists()
    )


def can_open_round(user: Any, network: Network) -> bool:
    return is_administrator(user) or _coordinates(user, network.pk)


def can_view_round(user: Any, round_: Round) -> bool:
    return is_administrator(user) or _coordinates(user, round_.network_id)


def can_start_assessment(user: Any, authority: Authority) -> bool:
    return is_administrator(user) or role_in_authority(user, authority) == Role.LEAD


def _readable_by(user: Any) -> Q | None:
    """The reading rule as a condition on assessments (None: everything; administrators)."""
    if is_administrator(user):
        return None
    if not (user is not None and user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    own_people = Exists(
        AuthorityMembership.objects.filter(user=user, authority_id=OuterRef("authority_id"))
    )
    round_coordinator = Exists(
        NetworkCoordinator.objects.filter(user=user, network_id=OuterRef("round__network_id"))
    )
    return Q(own_people) | Q(round__isnull=False) & Q(round_coordinator)


def assessments_readable(user: Any) -> QuerySet[Assessment]:
    """Every assessment ``user`` may read (see the module's rules)."""
    from saferspaces.assessments.models import Assessment

    rule = _readable_by(user)
    return Assessment.objects.all() if rule is None else Assessment.objects.filter(rule)


def can_view_assessment(user: Any, assessment: Assessment) -> bool:
    """Whether ``user`` may read ``assessment`` and everything reached through it.

    The rule of :func:`assessments_readable`, decided for one assessment: from the person's
    role in its authority (read once per request, as the edit rules read it) and, for someone
    outside the authority, whether they coordinate the network that runs its round.
    """
    if is_administrator(user):
        return True
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    if role_in_authority(user, assessment.authority) is not None:
        return True
    return (
        assessment.round_id is not None
        and NetworkCoordinator.objects.filter(
            user=user, network__rounds=assessment.round_id
        ).exists()
    )


def assessment_refused() -> AccessDenied:
    """What a person who may not read an assessment is told (it names nothing of it)."""
    return AccessDenied(
        _(
            "An assessment is open only to its authority's own people, to the coordinators of "
            "the network that runs its round, and to administrators. A self-assessment outside "
            "any round is open only to the authority's own people and administrators."
        )
    )


def assessments_shown_with(assessment: Assessment) -> QuerySet[Assessment]:
    """The assessments of the same authority that every reader of ``assessment`` may read too,
    so that a page or PDF about it (e.g. progress over time) shows nothing more to anyone: for a
    round's assessment, those of the rounds of the same network; for a private self-assessment,
    all of the authority's (only its own people and administrators read it)."""
    from saferspaces.assessments.models import Assessment

    same = Assessment.objects.filter(authority_id=assessment.authority_id)
    round_ = assessment.round
    if round_ is None:
        return same
    return same.filter(round__network_id=round_.network_id)


def is_lead_of(user: Any, assessment: Assessment) -> bool:
    return is_administrator(user) or role_in_authority(user, assessment.authority) == Role.LEAD


def can_answer(user: Any, assessment: Assessment) -> bool:
    """Whether ``user`` is on the assessment's team (the state is checked by the services)."""
    return is_administrator(user) or role_in_authority(user, assessment.authority) is not None


def assigned_people(*, assessment: Assessment, fresh: bool = False) -> dict[str, set[int]]:
    """The parts of ``assessment`` assigned to some people: part code -> their user ids.

    Read once per request; ``fresh`` reads again (a write does, under the assessment's row lock,
    so that it sees an assignment made just before).
    """
    from saferspaces.assessments.models import Assignment

    def read() -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        # two plain columns, read on every request of the fill-in (saferspaces.rows)
        m = Assignment
        sql = (
            f"SELECT {column(m, 'section')}, {column(m, 'user')} FROM {table(m)}"  # noqa: S608 - names from the model
            f" WHERE {column(m, 'assessment')} = %s"
        )
        for section, user_id in rows_read(sql, [assessment.pk]):
            out.setdefault(str(section), set()).add(int(user_id))
        return out

    return memo_get(("assigned", assessment.pk), read, fresh=fresh)


def can_edit_section(
    user: Any, assessment: Assessment, section: str, assigned: dict[str, set[int]]
) -> bool:
    """``assigned`` maps sections to the ids of people assigned to them (:func:`assigned_people`)."""
    if not can_answer(user, assessment):
        return False
    people = assigned.get(section)
    if not people or is_lead_of(user, assessment):
        return True
    return bool(user.pk in people)


def can_review(user: Any, assessment: Assessment) -> bool:
    """Return or accept a submission: the coordinators of the round's network."""
    round_ = assessment.round
    if round_ is None:
        return False
    return is_administrator(user) or _coordinates(user, round_.network_id)


def can_view_flags(user: Any) -> bool:
    from saferspaces.accounts.permissions import can_manage_frameworks

    return can_manage_frameworks(user)


def can_manage_round(user: Any, round_: Round) -> bool:
    """Change a round's title, deadline and participants, and close it: the coordinators of its
    network and administrators (those who may open a round there)."""
    return is_administrator(user) or _coordinates(user, round_.network_id)
