"""Background work of the open-data app: an import run started from the web.

``import_run_queue`` enqueues :data:`import_run_task` in the run's transaction (with the database
queue both are stored together, or neither is); a worker then runs one attempt
(``import_queue.import_run_work``), the same import the command line runs.
"""

from __future__ import annotations

from saferspaces.background.queue import TaskContext, task


@task(takes_context=True)
def import_run_task(context: TaskContext, run_id: int) -> str:
    """The queue's task for one import run (one attempt per time the queue runs it); returns
    the run's status."""
    from saferspaces.opendata.import_queue import import_run_work

    result = context.task_result
    worker = result.worker_ids[-1] if result.worker_ids else ""
    return import_run_work(run_id=run_id, task_id=str(result.id), worker=worker).status
