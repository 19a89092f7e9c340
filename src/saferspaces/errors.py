"""The error that domain services raise for bad input: a message for people, and where it applies."""

from __future__ import annotations


class DomainError(Exception):
    """Bad input or a forbidden state change. Nothing has been written when it is raised."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message
