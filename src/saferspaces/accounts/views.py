from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from saferspaces.accounts import permissions, services
from saferspaces.accounts.forms import InvitationAccountForm
from saferspaces.accounts.models import AuthorityMembership, Invitation, NetworkCoordinator, User
from saferspaces.accounts.selectors import network_invitations, user_home_context
from saferspaces.authorities.models import Network
from saferspaces.errors import DomainError


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    from saferspaces.notifications.forms import PreferencesForm
    from saferspaces.notifications.selectors import preferences_initial

    form = PreferencesForm(initial=preferences_initial(user=request.user))
    return render(
        request,
        "accounts/profile.html",
        user_home_context(user=request.user) | {"preferences_form": form},
    )


def _welcome(
    request: HttpRequest, granted: AuthorityMembership | NetworkCoordinator
) -> HttpResponse:
    if isinstance(granted, NetworkCoordinator):
        messages.success(
            request, _("You now coordinate %(network)s.") % {"network": granted.network.name}
        )
        return redirect("authorities:network_detail", granted.network.slug)
    messages.success(
        request,
        _("Welcome to the team of %(authority)s.") % {"authority": granted.authority.name},
    )
    return redirect("authorities:detail", granted.authority.slug)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Show an invitation; the invited person accepts it once logged in, or creates their
    account here if they have none."""
    now = timezone.now()
    try:
        invitation = services.invitation_get(token=token, now=now)
    except DomainError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"error": error.message}, status=410
        )
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    form = InvitationAccountForm(
        request.POST if request.method == "POST" and not request.user.is_authenticated else None
    )
    context = {"invitation": invitation, "has_account": has_account, "form": form}
    if request.method == "POST" and request.user.is_authenticated:
        try:
            granted = services.invitation_accept(
                token=token, user=cast(User, request.user), now=now
            )
        except DomainError as error:
            return render(
                request, "accounts/invitation.html", context | {"error": error.message}, status=400
            )
        return _welcome(request, granted)
    if request.method == "POST" and form.is_valid():
        try:
            user, granted = services.invitation_accept_new_account(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                now=now,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return _welcome(request, granted)
    return render(request, "accounts/invitation.html", context, status=400 if form.errors else 200)


@login_required
def network_invitations_page(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_object_or_404(Network, slug=slug)
    if not permissions.can_manage_network_members(request.user, network):
        raise PermissionDenied
    return render(
        request,
        "accounts/network_invitations.html",
        {
            "network": network,
            "rows": network_invitations(network=network, user=request.user, now=timezone.now()),
        },
    )


def _back(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    if invitation.authority is not None:
        return redirect("authorities:detail", invitation.authority.slug)
    assert invitation.network is not None
    return redirect("authorities:network_detail", invitation.network.slug)


def _managed_invitation(request: HttpRequest, pk: int) -> Invitation:
    invitation = get_object_or_404(Invitation.objects.select_related("authority", "network"), pk=pk)
    if not permissions.can_manage_invitation(request.user, invitation):
        raise PermissionDenied
    return invitation


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _managed_invitation(request, pk)
    try:
        services.invitation_resend(
            invitation=invitation, by=cast(User, request.user), now=timezone.now()
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "The invitation was sent again to %(email)s with a new link; the old link no longer works."
            )
            % {"email": invitation.email},
        )
    return _back(request, invitation)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _managed_invitation(request, pk)
    try:
        services.invitation_revoke(
            invitation=invitation, by=cast(User, request.user), now=timezone.now()
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The invitation of %(email)s is withdrawn; its link no longer works.")
            % {"email": invitation.email},
        )
    return _back(request, invitation)
