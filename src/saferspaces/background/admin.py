"""The task queue's own table stays out of the repairs admin.

django-tasks-db registers its task results with add, change and delete pages: changing a queued
task's arguments or deleting a running one by hand would break the guarantees of
``saferspaces.background`` (one attempt at a time, recovery of lost workers). Operators read the
queue with ``saferspaces worker --status``; jobs people see (reports) have their own pages.
"""

from __future__ import annotations

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
