"""Routes of the onboarding pages: networks (administrators), their members, bulk registration
and invitations (the network's coordinators and administrators). POSTs use data that changes
nothing in the shared demo (an empty form, an authority outside the network, no such invitation)."""

from __future__ import annotations

from site_matrix import ADMIN_ONLY, COORDINATOR_ONLY, PERSONA_ORDER

N = "/networks/{network}/"
ADMIN_POST_INVALID = {**ADMIN_ONLY, "administrator": 400}
ADMIN_POST_REFUSED = {**ADMIN_ONLY, "administrator": 302}  # a DomainError, shown as a message
COORDINATOR_POST_REFUSED = {**COORDINATOR_ONLY, "coordinator": 302, "administrator": 302}
NO_SUCH_INVITATION = {"anonymous": 302, **dict.fromkeys(PERSONA_ORDER[1:], 404)}

ENTRIES = {
    "authorities:network_create": ("get", "/networks/new/", ADMIN_ONLY),
    "authorities:network_edit": ("get", N + "edit/", ADMIN_ONLY),
    "authorities:coordinator_add": ("post", N + "coordinators/", ADMIN_POST_INVALID),
    "authorities:coordinator_revoke": (
        "post",
        N + "coordinators/{outsider}/revoke/",
        ADMIN_POST_REFUSED,
    ),
    "authorities:network_authority_add": ("get", N + "authorities/add/", COORDINATOR_ONLY),
    "authorities:network_authority_remove": (
        "post",
        N + "authorities/{outside_authority}/remove/",
        COORDINATOR_POST_REFUSED,
    ),
    "authorities:network_register": ("get", N + "register/", COORDINATOR_ONLY),
    "authorities:network_register_template": (
        "get",
        N + "register/template.csv",
        COORDINATOR_ONLY,
    ),
    "authorities:network_register_preview": ("get", N + "register/{upload}/", COORDINATOR_ONLY),
    "accounts:network_invitations": ("get", N + "invitations/", COORDINATOR_ONLY),
    "accounts:invitation_resend": ("post", "/invitations/999999/resend/", NO_SUCH_INVITATION),
    "accounts:invitation_revoke": ("post", "/invitations/999999/revoke/", NO_SUCH_INVITATION),
}
NOT_HTML = {"authorities:network_register_template"}
PLACEHOLDER_KEYS = ("outsider", "outside_authority", "upload")


def placeholders() -> dict[str, object]:
    """The demo's outsider, an authority only in the port cities' network, and an uploaded table
    (one good row, one with problems) waiting for its preview in the main network."""
    from django.utils import timezone

    from saferspaces.accounts.models import User
    from saferspaces.authorities.bulk import authority_bulk_preview
    from saferspaces.authorities.models import Authority, AuthorityUpload, Network
    from saferspaces.demo.generator import MAIN_NETWORK, PERSONAS, SECOND_NETWORK

    network = Network.objects.get(name=MAIN_NETWORK)
    coordinator = User.objects.get(email=PERSONAS[1].email)
    upload = AuthorityUpload.objects.filter(network=network, file_name="matrix.csv").first()
    if upload is None:
        upload = authority_bulk_preview(
            network=network,
            filename="matrix.csv",
            content=(
                b"name,country,nuts,lau,population,lead_email\n"
                b"Ville nouvelle,FR,FRL04,,52000,lead@ville-nouvelle.example\n"
                b"Ville sans code,FR,,,x,not-an-address\n"
            ),
            by=coordinator,
            now=timezone.now(),
        )
    outside = (
        Authority.objects.filter(networks__name=SECOND_NETWORK)
        .exclude(networks__name=MAIN_NETWORK)
        .order_by("pk")
        .first()
    )
    assert outside is not None
    return {
        "outsider": User.objects.get(email=PERSONAS[4].email).pk,
        "outside_authority": outside.slug,
        "upload": upload.pk,
    }
