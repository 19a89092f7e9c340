"""What the layers above collection do when an assessment moves in its workflow: a small,
explicit registry of transition hooks.

The workflow knows nothing above it. An app that keeps something in step with the workflow (the
results layer: the peer profile's state, and the computation of results after a submission)
registers a hook in its ``AppConfig.ready()``; :func:`assessment_transition
<saferspaces.assessments.workflow.assessment_transition>` calls every hook, in the order they
were registered, inside its transaction once the step is recorded, so a hook's writes and tasks
are stored with the step or not at all. A hook that raises undoes the step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from saferspaces.assessments.models import Assessment


@dataclass(frozen=True)
class TransitionDone:
    """A step of the workflow, as recorded (``action``: submit, resubmit, return, accept,
    reopen)."""

    assessment: Assessment
    action: str
    from_state: str
    to_state: str
    user: Any
    at: dt.datetime


TransitionHook = Callable[[TransitionDone], None]

_HOOKS: dict[str, TransitionHook] = {}


def transition_hook_register(*, name: str, hook: TransitionHook) -> None:
    """Call ``hook`` after every step of the workflow (registering the same name again
    replaces it, so an app's ``ready()`` may run twice)."""
    _HOOKS[name] = hook


def transition_hooks() -> tuple[str, ...]:
    """The names of the registered hooks, in the order they run."""
    return tuple(_HOOKS)


def transition_hooks_run(*, done: TransitionDone) -> None:
    """Run every registered hook on ``done`` (called by the workflow in its transaction)."""
    for hook in _HOOKS.values():
        hook(done)
