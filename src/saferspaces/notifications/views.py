"""Saving a person's e-mail preferences (the form is shown on ``/me/``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from saferspaces.accounts.selectors import user_home_context
from saferspaces.errors import DomainError
from saferspaces.languages import language_effective
from saferspaces.notifications.forms import PreferencesForm
from saferspaces.notifications.services import preferences_update
from saferspaces.web.locale import language_cookie_set


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    target = reverse("accounts:profile") + "#notifications"
    if request.method == "GET":
        return redirect(target)
    form = PreferencesForm(request.POST)
    if form.is_valid():
        language = form.cleaned_data["language"]
        try:
            preferences_update(
                user=request.user,
                language=language,
                wanted=form.wanted(),
                now=timezone.now(),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            with translation.override(language_effective(language)):
                messages.success(request, _("Your e-mail choices are saved."))
            response = redirect(target)
            language_cookie_set(response, language)
            return response
    return render(
        request,
        "accounts/profile.html",
        user_home_context(user=request.user) | {"preferences_form": form},
        status=422,
    )
