"""The task queue, under the names of Django 6's ``django.tasks``.

Every module that defines or enqueues background work imports from here: ``task`` (the
decorator), ``TaskContext`` and ``TaskResultStatus``. On Django 5.2 they come from the
``django-tasks`` backport; on Django 6 from ``django.tasks`` itself, so the call sites
(``@task``, ``.enqueue(...)``, ``.using(run_after=...)``) do not change with the upgrade.

The backend is chosen in the settings (``SAFERSPACES_TASKS``): ``database`` stores tasks in the
database (``django-tasks-db``) for worker processes (``saferspaces worker``); ``immediate`` runs
each task at once in the process that enqueues it (the test suite's default).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the types of the backport (the same API as Django 6's)
    from django_tasks import TaskContext, TaskResultStatus, task, task_backends
else:
    try:  # Django 6
        from django.tasks import TaskContext, TaskResultStatus, task, task_backends
    except ImportError:  # Django 5.2: the backport
        from django_tasks import TaskContext, TaskResultStatus, task, task_backends

__all__ = [
    "TaskContext",
    "TaskResultStatus",
    "queue_stores_tasks",
    "task",
    "task_backends",
    "tasks_waiting",
]


def queue_stores_tasks() -> bool:
    """Whether enqueued tasks are stored for worker processes (the database backend), rather than
    run at once in the enqueuing process."""
    from django_tasks_db import DatabaseBackend

    backend: Any = task_backends["default"]
    return isinstance(backend, DatabaseBackend)


def tasks_waiting(*, task: Any, kwargs: dict[str, Any], running: bool = True) -> int:
    """How many tasks of ``task`` called with these keyword arguments the database queue holds
    waiting to run (and running, unless ``running`` is false); always 0 when the queue runs
    tasks at once."""
    if not queue_stores_tasks():
        return 0
    from django_tasks_db.models import DBTaskResult

    statuses = [TaskResultStatus.READY] + ([TaskResultStatus.RUNNING] if running else [])
    found = DBTaskResult.objects.filter(task_path=task.module_path, status__in=statuses)
    for name, value in kwargs.items():
        found = found.filter(**{f"args_kwargs__kwargs__{name}": value})
    return found.count()
