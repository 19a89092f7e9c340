"""Routes of the dashboard: an authority's profile, peers and explanations for its team, its
coordinators and administrators; its sharing choices for its lead; a round's dashboard and
publishing for coordinators; published results for anyone. Paths use the persona authority's
draft assessment of the demo's current round (scored on request by the demo)."""

from __future__ import annotations

from site_matrix import ALL, COORDINATOR_ONLY, PERSONA_ORDER

# the authority's dashboard: its people, the coordinators of any of its networks (each sees only
# the assessments of their own network's rounds), administrators
AUTHORITY_PRIVATE = {"anonymous": 302, "outsider": 403, **dict.fromkeys(PERSONA_ORDER[2:], 200)}
# one assessment's pages: not for the coordinators of the authority's other network
PRIVATE = {**AUTHORITY_PRIVATE, "ports_coordinator": 403}
LEAD_ONLY = {
    "anonymous": 302,
    "outsider": 403,
    "respondent": 403,
    "lead": 200,
    "coordinator": 403,
    "ports_coordinator": 403,
    "administrator": 200,
}
PUBLISH = {
    "anonymous": 302,
    "outsider": 403,
    "respondent": 403,
    "lead": 403,
    "coordinator": 302,
    "ports_coordinator": 403,
    "administrator": 302,
}

ENTRIES = {
    "dashboard:profile": ("get", "/authorities/{authority}/dashboard/", AUTHORITY_PRIVATE),
    "dashboard:sharing": ("get", "/authorities/{authority}/sharing/", LEAD_ONLY),
    "dashboard:peers": ("get", "/assessments/{assessment}/peers/", PRIVATE),
    "dashboard:assessment_results": ("get", "/assessments/{assessment}/results/", PRIVATE),
    "dashboard:explain": ("get", "/assessments/{assessment}/explain/QOL_P01/", PRIVATE),
    "dashboard:round": ("get", "/rounds/{round}/dashboard/", COORDINATOR_ONLY),
    "dashboard:publish": ("post", "/rounds/{round}/publish/", PUBLISH),
    "dashboard:results": ("get", "/results/", ALL),
}
NOT_HTML: set[str] = set()
PLACEHOLDER_KEYS: tuple[str, ...] = ()
