"""Running networks in the browser: administrators create and edit networks and grant or revoke
coordinators; coordinators add and remove their network's authorities and register them from a
file. One permission check and one domain call per view."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from saferspaces.accounts import permissions
from saferspaces.accounts import services as account_services
from saferspaces.accounts.models import User
from saferspaces.authorities import bulk, selectors, services
from saferspaces.authorities.forms import (
    AuthorityUploadForm,
    CoordinatorForm,
    NetworkAuthorityForm,
    NetworkForm,
)
from saferspaces.authorities.models import Authority, AuthorityUpload, Network
from saferspaces.core.limits import FILE_MAX_BYTES
from saferspaces.errors import DomainError


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _network_for(request: HttpRequest, slug: str, *, members: bool) -> Network:
    """The network named in the URL, if the person may manage it (members: its coordinators)."""
    network = get_object_or_404(Network, slug=slug)
    allowed = (
        permissions.can_manage_network_members(request.user, network)
        if members
        else permissions.can_manage_networks(request.user)
    )
    if not allowed:
        raise PermissionDenied
    return network


def _add_error(
    form: NetworkForm | CoordinatorForm | NetworkAuthorityForm, error: DomainError
) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
@require_http_methods(["GET", "POST"])
def network_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_networks(request.user):
        raise PermissionDenied
    form = NetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            network = services.network_create(
                **form.cleaned_data, by=_user(request), now=timezone.now()
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(
                request,
                _("The network %(name)s is created. Now add its coordinators.")
                % {"name": network.name},
            )
            return redirect("authorities:network_detail", network.slug)
    return render(
        request,
        "authorities/network_form.html",
        {"form": form, "network": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def network_edit(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network_for(request, slug, members=False)
    initial = {"name": network.name, "description": network.description}
    form = NetworkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.network_update(
                network=network, **form.cleaned_data, by=_user(request), now=timezone.now()
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("The network is saved."))
            return redirect("authorities:network_detail", network.slug)
    return render(
        request,
        "authorities/network_form.html",
        {"form": form, "network": network},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def coordinator_add(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network_for(request, slug, members=False)
    form = CoordinatorForm(request.POST)
    if form.is_valid():
        try:
            added = account_services.coordinator_add(
                network=network,
                email=form.cleaned_data["email"],
                by=_user(request),
                now=timezone.now(),
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            email = form.cleaned_data["email"]
            if added.invitation is not None:
                messages.success(
                    request,
                    _(
                        "%(email)s has no account yet: an invitation to coordinate the network was sent."
                    )
                    % {"email": email},
                )
            else:
                messages.success(
                    request, _("%(email)s now coordinates the network.") % {"email": email}
                )
            return redirect("authorities:network_detail", network.slug)
    context = selectors.network_detail(user=request.user, network=network)
    context["coordinator_form"] = form
    return render(request, "authorities/network_detail.html", context, status=400)


@login_required
@require_POST
def coordinator_revoke(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    network = _network_for(request, slug, members=False)
    person = get_object_or_404(User, pk=user_id)
    try:
        account_services.coordinator_revoke(network=network, user=person, by=_user(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(person)s no longer coordinates the network.") % {"person": person}
        )
    return redirect("authorities:network_detail", network.slug)


@login_required
@require_http_methods(["GET", "POST"])
def network_authority_add(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network_for(request, slug, members=True)
    form = NetworkAuthorityForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            join = services.network_authority_add(
                network=network,
                authority=form.cleaned_data["authority"],
                lead_email=form.cleaned_data["lead_email"] or "",
                by=_user(request),
                now=timezone.now(),
            )
        except DomainError as error:
            _add_error(form, error)
        else:
            parts = [_("%(name)s joined the network.") % {"name": join.authority.name}]
            if join.assessments:
                parts.append(
                    ngettext(
                        "It has its assessment in the open round.",
                        "It has its assessment in each of the %(count)s open rounds.",
                        len(join.assessments),
                    )
                    % {"count": len(join.assessments)}
                )
            if join.invitation is not None:
                parts.append(
                    _("Its lead %(email)s is invited.")
                    % {"email": join.invitation.invitation.email}
                )
            messages.success(request, " ".join(parts))
            return redirect("authorities:network_detail", network.slug)
    return render(
        request,
        "authorities/network_add.html",
        {"network": network, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def network_authority_remove(request: HttpRequest, slug: str, authority: str) -> HttpResponse:
    network = _network_for(request, slug, members=True)
    member = get_object_or_404(Authority, slug=authority)
    try:
        removed = services.network_authority_remove(
            network=network, authority=member, by=_user(request), now=timezone.now()
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        text = _("%(name)s left the network.") % {"name": member.name}
        if removed:
            text += " " + ngettext(
                "Its empty assessment in the open round was removed.",
                "Its empty assessments in %(count)s open rounds were removed.",
                removed,
            ) % {"count": removed}
        messages.success(request, text)
    return redirect("authorities:network_detail", network.slug)


@login_required
@require_http_methods(["GET", "POST"])
def network_register(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a table of authorities; the preview follows."""
    network = _network_for(request, slug, members=True)
    form = AuthorityUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size is not None and upload.size > FILE_MAX_BYTES:
                raise DomainError(
                    _("The file is larger than %(size)s MB.")
                    % {"size": FILE_MAX_BYTES // (1024 * 1024)},
                    field="file",
                )
            stored = bulk.authority_bulk_preview(
                network=network,
                filename=upload.name or "upload",
                content=upload.read(),
                by=_user(request),
                now=timezone.now(),
            )
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            return redirect("authorities:network_register_preview", network.slug, stored.pk)
    return render(
        request,
        "authorities/network_register.html",
        {"network": network, "form": form, "headings": bulk.HEADINGS, "fields": bulk.FIELDS},
        status=400 if form.errors else 200,
    )


@login_required
def network_register_template(request: HttpRequest, slug: str) -> HttpResponse:
    """An empty table with the expected headings, as CSV (UTF-8 with a BOM, for Excel)."""
    network = _network_for(request, slug, members=True)
    header = ",".join(bulk.HEADINGS[field][0].replace(" ", "_") for field in bulk.FIELDS)
    response = HttpResponse(
        ("\ufeff" + header + "\r\n").encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{network.slug}-authorities.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def network_register_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = _network_for(request, slug, members=True)
    upload = get_object_or_404(AuthorityUpload, pk=pk, network=network)
    if request.method == "POST":
        try:
            result = bulk.authority_bulk_register(
                upload=upload, by=_user(request), now=timezone.now()
            )
        except DomainError as error:
            messages.error(request, error.message)
            upload.refresh_from_db()
        else:
            messages.success(
                request,
                _(
                    "Done. New authorities registered: %(created)s. Authorities added to the "
                    "network: %(joined)s. Leads invited: %(invited)s."
                )
                % result.__dict__,
            )
            return redirect("authorities:network_detail", network.slug)
    return render(
        request,
        "authorities/network_register_preview.html",
        {"network": network, "upload": upload, "summary": bulk.upload_summary(upload=upload)},
    )
