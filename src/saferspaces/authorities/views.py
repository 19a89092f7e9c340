from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from saferspaces.accounts import permissions
from saferspaces.accounts import services as account_services
from saferspaces.accounts.models import User
from saferspaces.authorities import selectors, services
from saferspaces.authorities.forms import AuthorityFilterForm, AuthorityForm, InvitationForm
from saferspaces.authorities.models import Authority, Network
from saferspaces.errors import DomainError


def authority_list(request: HttpRequest) -> HttpResponse:
    form = AuthorityFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    authorities = selectors.authority_list(
        country=filters.get("country", ""), kind=filters.get("kind", "")
    )
    return render(
        request,
        "authorities/list.html",
        {
            "form": form,
            "authorities": authorities,
            "countries": selectors.authority_countries(),
            "can_register": permissions.can_register_authority(request.user),
        },
    )


def authority_detail(request: HttpRequest, slug: str) -> HttpResponse:
    authority = get_object_or_404(
        Authority.objects.select_related("nuts_region__parent__parent"), slug=slug
    )
    context = selectors.authority_detail(user=request.user, authority=authority)
    context["invitation_form"] = InvitationForm()
    return render(request, "authorities/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def authority_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_register_authority(request.user):
        raise PermissionDenied
    form = AuthorityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            authority = services.authority_create(**form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": authority.name})
            return redirect("authorities:detail", authority.slug)
    return render(
        request, "authorities/create.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def authority_invite(request: HttpRequest, slug: str) -> HttpResponse:
    authority = get_object_or_404(Authority, slug=slug)
    if not permissions.can_manage_authority_team(request.user, authority):
        raise PermissionDenied
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            account_services.invitation_create(
                authority=authority,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=cast(User, request.user),
                now=timezone.now(),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("authorities:detail", authority.slug)
    context = selectors.authority_detail(user=request.user, authority=authority)
    context["invitation_form"] = form
    return render(request, "authorities/detail.html", context, status=400)


def network_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "authorities/network_list.html",
        {
            "networks": selectors.network_list(),
            "can_create": permissions.can_manage_networks(request.user),
        },
    )


def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_object_or_404(Network, slug=slug)
    return render(
        request,
        "authorities/network_detail.html",
        selectors.network_detail(user=request.user, network=network),
    )
