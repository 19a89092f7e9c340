from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "saferspaces.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(
            _language_at_login, dispatch_uid="saferspaces.notifications.language"
        )


def _language_at_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """At log-in the pages follow the person's language (the middleware sets the cookie on the
    response); at the first log-in, the language the browser asked for becomes theirs."""
    from saferspaces.notifications.services import language_remember

    language = getattr(request, "LANGUAGE_CODE", "") if request is not None else ""
    language_remember(user=user, language=language)
    if request is not None and str(getattr(user, "language", None) or ""):
        request.language_login = user.language
