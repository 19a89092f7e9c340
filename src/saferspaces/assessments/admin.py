"""Admin pages of rounds, assessments and answers (repairs by administrators; see
web/admin_site). Answers and their history are read only here and can never be deleted: they
change only through the product, which records every change."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from saferspaces.assessments.models import Answer, AnswerRevision, Assessment, Round


class _NoAddNoDelete:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ReadOnly(_NoAddNoDelete):
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Round)
class RoundAdmin(_NoAddNoDelete, admin.ModelAdmin):
    """Rounds are opened from the network page; a title or a deadline can be repaired here."""

    list_display = ("title", "network", "edition", "deadline", "created_at", "closed_at")
    list_filter = ("network",)
    search_fields = ("title", "network__name")
    readonly_fields = (
        "network",
        "edition",
        "opened_by",
        "created_at",
        "closed_at",
        "consensus",
        "overall",
    )


@admin.register(Assessment)
class AssessmentAdmin(_NoAddNoDelete, admin.ModelAdmin):
    """The workflow (submit, return, accept) goes through the assessment page, which records it."""

    list_display = ("title", "authority", "round", "state", "updated_at")
    list_filter = ("state", "round")
    search_fields = ("title", "authority__name")
    readonly_fields = (
        "authority", "round", "edition", "state", "consensus", "created_by", "created_at",
        "updated_at", "submitted_at", "accepted_at",
    )  # fmt: skip


@admin.register(Answer)
class AnswerAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("assessment", "code", "status", "version", "updated_by", "updated_at")
    list_filter = ("status",)
    search_fields = ("code", "assessment__authority__name")


@admin.register(AnswerRevision)
class AnswerRevisionAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ("assessment", "code", "version", "status", "source", "changed_by", "changed_at")
    list_filter = ("source", "status")
    search_fields = ("code", "assessment__authority__name")
