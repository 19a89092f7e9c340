"""What each person wants to receive by e-mail, and the deadline reminders already sent.

A person without a :class:`NotificationPreference` row receives every kind (the default is on);
the row is written the first time they change a switch on ``/me/``. The language of their
e-mails is ``User.language`` (accounts).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationPreference(models.Model):
    """One switch per kind of notification (``notifications.kinds``), on by default."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    returned = models.BooleanField(_("assessment returned"), default=True)
    accepted = models.BooleanField(_("assessment accepted"), default=True)
    submitted = models.BooleanField(_("assessment submitted"), default=True)
    reminder = models.BooleanField(_("deadline reminders"), default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"notification preferences of {self.user_id}"


class ReminderSent(models.Model):
    """A deadline reminder sent to one person for one assessment: never sent twice. The deadline
    is part of the key, so a round whose deadline is extended reminds again before the new one."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    deadline = models.DateField()
    days = models.PositiveSmallIntegerField()  # the reminder: this many days before the deadline
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "user", "deadline", "days"], name="one_reminder_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.days}-day reminder of {self.assessment_id} to {self.user_id}"
