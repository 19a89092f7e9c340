"""Reading and checking step parameters, collecting every problem with its location."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .data import Dataset, Framework
from .errors import PipelineError, Problem, StepWarning

_MISSING = object()


class ParamReader:
    """Typed access to a step's parameter mapping; unknown keys are reported by :meth:`finish`."""

    def __init__(self, raw: Mapping[str, Any] | None, step: str) -> None:
        self.raw: Mapping[str, Any] = raw if raw is not None else {}
        self.step = step
        self.used: set[str] = set()
        self.problems: list[Problem] = []
        if not isinstance(self.raw, Mapping):
            self.problems.append(Problem("parameters must be a mapping", step=step))
            self.raw = {}

    def error(self, message: str, *, indicator: str | None = None) -> None:
        self.problems.append(Problem(message, step=self.step, indicator=indicator))

    def _get(self, key: str, default: Any) -> Any:
        self.used.add(key)
        return self.raw.get(key, default)

    def has(self, key: str) -> bool:
        return key in self.raw

    def number(
        self,
        key: str,
        default: float | None,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        allow_none: bool = False,
        strict_min: bool = False,
    ) -> float | None:
        value = self._get(key, default)
        if value is None:
            if not allow_none:
                self.error(f"parameter {key!r} is required")
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.error(f"parameter {key!r} must be a finite number, got {value!r}")
            return default
        if minimum is not None and (value < minimum or (strict_min and value == minimum)):
            rel = ">" if strict_min else ">="
            self.error(f"parameter {key!r} must be {rel} {minimum}, got {value!r}")
        if maximum is not None and value > maximum:
            self.error(f"parameter {key!r} must be <= {maximum}, got {value!r}")
        return float(value)

    def integer(
        self, key: str, default: int | None, *, minimum: int | None = None, allow_none: bool = False
    ) -> int | None:
        value = self._get(key, default)
        if value is None:
            if not allow_none:
                self.error(f"parameter {key!r} is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                self.error(f"parameter {key!r} must be an integer, got {value!r}")
                return default
        if minimum is not None and value < minimum:
            self.error(f"parameter {key!r} must be >= {minimum}, got {value!r}")
        return int(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            self.error(f"parameter {key!r} must be true or false, got {value!r}")
            return default
        return value

    def choice(self, key: str, default: str | None, choices: Sequence[str]) -> str:
        value = self._get(key, default)
        if value is None:
            self.error(f"parameter {key!r} is required (one of: {', '.join(choices)})")
            return choices[0]
        if not isinstance(value, str) or value not in choices:
            self.error(f"unknown {key} {value!r}; expected one of: {', '.join(choices)}")
            return choices[0]
        return value

    def text(self, key: str, default: str | None, *, allow_none: bool = False) -> str | None:
        value = self._get(key, default)
        if value is None:
            if not allow_none:
                self.error(f"parameter {key!r} is required")
            return None
        if not isinstance(value, str) or not value:
            self.error(f"parameter {key!r} must be a non-empty text, got {value!r}")
            return default
        return value

    def pair(self, key: str, default: tuple[float, float]) -> tuple[float, float]:
        value = self._get(key, default)
        if (
            not isinstance(value, list | tuple)
            or len(value) != 2
            or not all(
                isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                for v in value
            )
        ):
            self.error(f"parameter {key!r} must be a list of two numbers, got {value!r}")
            return default
        return (float(value[0]), float(value[1]))

    def mapping(self, key: str) -> dict[str, Any] | None:
        value = self._get(key, None)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.error(f"parameter {key!r} must be a mapping, got {value!r}")
            return None
        return {str(k): v for k, v in value.items()}

    def raw_value(self, key: str, default: Any = None) -> Any:
        return self._get(key, default)

    def finish(self) -> None:
        for key in self.raw:
            if key not in self.used:
                self.error(f"unknown parameter {key!r}")
        if self.problems:
            raise PipelineError(self.problems)


@dataclass
class RunState:
    """What a step may read besides the data: the framework and the weights in force."""

    framework: Framework
    weights: dict[str, float]


@dataclass(frozen=True, eq=False)
class StepOutput:
    data: Dataset
    details: Mapping[str, Any] = field(default_factory=dict)
    weights: dict[str, float] | None = None
    warnings: tuple[StepWarning, ...] = ()
