"""Routes of the assessments app: rounds for coordinators, assessments for the authority's team,
its coordinators and administrators. Paths use the persona authority's open (draft) assessment
of the demo's current round."""

from __future__ import annotations

from site_matrix import ANY_COORDINATOR, COORDINATOR_ONLY, LOGGED_IN, PERSONA_ORDER

# A round's assessment: the authority's people, the coordinators of the round's network (not
# those of the authority's other network) and administrators.
OTHER_NETWORK = {"ports_coordinator": 403}
PRIVATE = {
    "anonymous": 302,
    "outsider": 403,
    **dict.fromkeys(PERSONA_ORDER[2:], 200),
    **OTHER_NETWORK,
}
LEAD_ONLY = {
    "anonymous": 302,
    "outsider": 403,
    "respondent": 403,
    "lead": 200,
    "coordinator": 403,
    "ports_coordinator": 403,
    "administrator": 200,
}
# POST without data: a redirect with a message for those who may act, 403 for strangers
POST_REDIRECT = {
    "anonymous": 302,
    "outsider": 403,
    **dict.fromkeys(PERSONA_ORDER[2:], 302),
    **OTHER_NETWORK,
}
# POST of an empty answer or evidence form: refused with 422 and the form shown again
POST_REFUSED = {
    "anonymous": 302,
    "outsider": 403,
    **dict.fromkeys(PERSONA_ORDER[2:], 422),
    **OTHER_NETWORK,
}
TEAM_ONLY = {
    "anonymous": 302,
    "outsider": 403,
    "respondent": 200,
    "lead": 200,
    "coordinator": 403,
    "ports_coordinator": 403,
    "administrator": 200,
}
NO_SUCH_EVIDENCE = {
    "anonymous": 302,
    "outsider": 403,
    **dict.fromkeys(PERSONA_ORDER[2:], 404),
    **OTHER_NETWORK,
}
# the demo's edition has no repeat groups: an instance of one is not found by those who may read
NO_SUCH_INSTANCE = NO_SUCH_EVIDENCE

A = "/assessments/{assessment}"
ENTRIES = {
    "assessments:list": ("get", "/assessments/", LOGGED_IN),
    "assessments:start": ("get", "/authorities/{authority}/assessments/new/", LEAD_ONLY),
    "assessments:round_open": ("get", "/networks/{network}/rounds/new/", COORDINATOR_ONLY),
    "assessments:round_detail": ("get", "/rounds/{round}/", COORDINATOR_ONLY),
    "assessments:round_edit": ("get", "/rounds/{round}/edit/", COORDINATOR_ONLY),
    "assessments:round_close": ("get", "/rounds/{round}/close/", COORDINATOR_ONLY),
    "assessments:detail": ("get", A + "/", PRIVATE),
    "assessments:section": ("get", A + "/s/QOL/", PRIVATE),
    "assessments:question": ("get", A + "/q/QOL_P01/", PRIVATE),
    "assessments:history": ("get", A + "/q/QOL_P01/history/", PRIVATE),
    "results:scores": ("get", A + "/scores/", PRIVATE),
    "results:scores_status": ("get", A + "/scores/status/", PRIVATE),
    "assessments:transition": ("post", A + "/transition/", POST_REDIRECT),
    "assessments:assign": ("post", A + "/assign/", POST_REDIRECT),
    "assessments:flag": ("post", A + "/q/QOL_P01/flag/", POST_REFUSED),
    "assessments:save": ("post", A + "/q/QOL_P01/save/", POST_REFUSED),
    "assessments:evidence_add": ("post", A + "/q/QOL_P01/evidence/", POST_REFUSED),
    "assessments:evidence_file": ("get", A + "/evidence/999999/", NO_SUCH_EVIDENCE),
    "assessments:evidence_remove": ("post", A + "/evidence/999999/remove/", NO_SUCH_EVIDENCE),
    "assessments:repeat_instance": ("get", A + "/r/MEASURES/1/", NO_SUCH_INSTANCE),
    "assessments:repeat_remove": ("post", A + "/r/MEASURES/1/remove/", NO_SUCH_INSTANCE),
    "assessments:feedback": ("get", "/frameworks/ssf-2026.1/feedback/", ANY_COORDINATOR),
}
NOT_HTML = {
    "assessments:evidence_file",
    "results:scores_status",
}  # a file; a fragment polled by htmx
PLACEHOLDER_KEYS = ("assessment", "round")


def placeholders() -> dict[str, object]:
    from saferspaces.assessments.models import Assessment
    from saferspaces.demo.assessments import ROUND_TITLES
    from saferspaces.demo.generator import PERSONA_AUTHORITY

    current = Assessment.objects.get(
        authority__name=PERSONA_AUTHORITY, round__title=ROUND_TITLES[-1]
    )
    return {"assessment": current.pk, "round": current.round_id}


ENTRIES.update(
    {
        "assessments:export": ("get", A + "/answers.xlsx", PRIVATE),
        "assessments:import": ("get", A + "/import/", TEAM_ONLY),
        "assessments:import_preview": ("get", A + "/import/999999/", NO_SUCH_EVIDENCE),
        # no suggestion for QOL_P01 in the demo (no open data imported): refused, form shown
        "assessments:prefill": ("post", A + "/q/QOL_P01/prefill/", POST_REFUSED),
    }
)
NOT_HTML |= {"assessments:export"}
