"""Reading what people send, in one place: free text, whole numbers and query parameters.

The rules themselves are pure Python in :mod:`saferspaces.core.text`; this module turns them into
the site's messages.

* Services call :func:`text_clean` on every free text they store, whoever sent it (a form, an
  htmx request, a file import): a control character (NUL first of all) or a text over its limit
  is a :class:`~saferspaces.errors.DomainError` naming the field, and nothing is written.
* Forms derive from :class:`Form`: each text field refuses the same characters (Django's own text
  fields already refuse NUL), so the message sits next to the field.
* Views read a whole number from the query string with :func:`query_int`, and from a form with
  :func:`ascii_int`: only the digits 0-9 count, never ``²`` or ``٣``. A query parameter that is not
  a whole number is a 400 page that names it (:class:`BadParameter`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import Model
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saferspaces.core.text import ascii_int, text_control_character
from saferspaces.errors import DomainError

__all__ = [
    "BadParameter",
    "Form",
    "ModelMultipleChoiceField",
    "ascii_int",
    "max_length",
    "query_int",
    "text_clean",
]


class BadParameter(BadRequest):
    """A query parameter that cannot be read: the 400 page shows :attr:`message`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text_clean(value: str, *, field: str, label: str, max_chars: int, strip: bool = True) -> str:
    """``value`` (stripped unless ``strip`` is false) if it may be stored in ``field``.

    Raises :class:`DomainError` for ``field`` when it holds a control character other than tab
    and line breaks, or more than ``max_chars`` characters; ``label`` names the field in the
    message, which is also shown away from the form (a message at the top of the page).
    """
    text = value.strip() if strip else value
    found = text_control_character(text)
    if found is not None:
        raise DomainError(
            _(
                "%(label)s: remove the control character %(codepoint)s at position "
                "%(position)s; it cannot be stored."
            )
            % {"label": label, "codepoint": found.codepoint, "position": found.position},
            field=field,
        )
    if len(text) > max_chars:
        raise DomainError(
            _("%(label)s: %(length)s characters, more than the %(max)s allowed. Shorten the text.")
            % {"label": label, "length": len(text), "max": max_chars},
            field=field,
        )
    return text


def max_length(model: type[Model], name: str) -> int:
    """The width of the column behind ``model.name``: the limit of a text stored there."""
    width = getattr(model._meta.get_field(name), "max_length", None)
    if width is None:
        raise TypeError(f"{model.__name__}.{name} has no max_length")
    return int(width)


def query_int(params: QueryDict, name: str) -> int | None:
    """The whole number of the query parameter ``name``, or None when it is absent or empty.

    Anything else than ASCII digits (with an optional minus) raises :class:`BadParameter`, which
    Django answers with the 400 page.
    """
    raw = params.get(name)
    if raw is None or not raw.strip():
        return None
    value = ascii_int(raw)
    if value is None:
        raise BadParameter(
            _(
                "The address parameter “%(name)s” must be a whole number written with the "
                "digits 0 to 9."
            )
            % {"name": name}
        )
    return value


def _no_control_character(value: Any) -> None:
    found = text_control_character(str(value))
    if found is not None:
        raise ValidationError(
            gettext_lazy(
                "Remove the control character %(codepoint)s at position %(position)s; "
                "it cannot be stored."
            ),
            code="control_character",
            params={"codepoint": found.codepoint, "position": found.position},
        )


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Choices of rows by id: an id that is not a whole number in ASCII digits, or that does not
    fit a 64-bit column, is an invalid choice before any query (a 30-digit id overflows SQLite's
    integers and PostgreSQL's ``bigint``)."""

    def _check_values(self, value: Any) -> Any:
        if self.to_field_name is None:
            for pk in value:
                if ascii_int(str(pk)) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)  # type: ignore[misc]  # not in django-stubs


class Form(forms.Form):
    """The base of every form of the site: its text fields refuse control characters."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(_no_control_character)
