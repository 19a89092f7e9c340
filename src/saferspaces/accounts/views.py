from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from saferspaces.accounts import services
from saferspaces.accounts.models import User
from saferspaces.accounts.selectors import user_home_context
from saferspaces.errors import DomainError


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", user_home_context(user=request.user))


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Show an invitation and, for the invited person once logged in, accept it."""
    now = timezone.now()
    try:
        invitation = services.invitation_get(token=token, now=now)
    except DomainError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"error": error.message}, status=410
        )
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = services.invitation_accept(
                token=token, user=cast(User, request.user), now=now
            )
        except DomainError as error:
            return render(
                request,
                "accounts/invitation.html",
                {"invitation": invitation, "error": error.message},
                status=400,
            )
        messages.success(
            request,
            _("Welcome to the team of %(authority)s.") % {"authority": membership.authority.name},
        )
        return redirect("authorities:detail", membership.authority.slug)
    return render(request, "accounts/invitation.html", {"invitation": invitation})
