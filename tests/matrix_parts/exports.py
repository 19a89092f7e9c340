"""Routes of the exports app: a round's data downloads, for the coordinators of the round's
network and administrators only (the round is the demo's current round)."""

from __future__ import annotations

from site_matrix import COORDINATOR_ONLY

R = "/rounds/{round}/exports/"
NO_SUCH_FILE = {
    "anonymous": 302,
    "outsider": 403,
    "respondent": 403,
    "lead": 403,
    "coordinator": 404,
    "ports_coordinator": 403,
    "administrator": 404,
}
ENTRIES = {
    "exports:page": ("get", R, COORDINATOR_ONLY),
    "exports:download": ("get", R + "answers.csv", COORDINATOR_ONLY),
    "exports:download_missing": ("get", R + "answers.docx", NO_SUCH_FILE),
}
NOT_HTML = {"exports:download"}
PLACEHOLDER_KEYS = ("round",)


def placeholders() -> dict[str, object]:
    from saferspaces.assessments.models import Round
    from saferspaces.demo.assessments import ROUND_TITLES
    from saferspaces.demo.generator import MAIN_NETWORK

    rnd = Round.objects.get(network__name=MAIN_NETWORK, title=ROUND_TITLES[-1])
    return {"round": rnd.pk}
