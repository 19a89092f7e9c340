"""Answer keys: which item, in which repeat instance, an answer is about.

An item outside repeat groups keeps its plain code as key (``SAF_P01``), so every answer stored
for a version-1 edition is a valid key. An item inside repeat groups is addressed through each
enclosing group, outermost first, with the instance's position counted from 1::

    SITES[2]/SCENARIOS[1]/PROBABILITY

reads "the probability of the first scenario of the second site". Positions follow the order
instances were entered; removing an instance renumbers the ones after it, so the collection
layer rewrites the keys of a unit in one transaction. A stored answer, an imported answer and a
result fact (its ``instance``, e.g. ``SITES[2]/SCENARIOS[1]``) use the same notation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from saferspaces.core.framework.errors import FrameworkError
from saferspaces.core.framework.model import (
    REPEAT_COUNT_LIMIT,
    REPEAT_DEPTH_MAX,
    Edition,
    ItemPlace,
)

KEY_MAX_LENGTH = 40 * (REPEAT_DEPTH_MAX + 1)
_CODE = r"[A-Z][A-Z0-9_]{1,31}"
_STEP = re.compile(rf"^({_CODE})\[([1-9][0-9]{{0,3}})\]$")
_ITEM = re.compile(rf"^{_CODE}$")

Instances = tuple[tuple[str, int], ...]


class AnswerKeyError(FrameworkError):
    """An answer key that cannot be read, or that does not fit the edition."""

    def __init__(self, *, key: str, message: str) -> None:
        self.key = key
        self.message = message
        super().__init__(f"{key}: {message}")


@dataclass(frozen=True, order=True)
class AnswerKey:
    """An item code and the repeat instances around it: ``((group, position), ...)``."""

    item: str
    instances: Instances = ()

    def __str__(self) -> str:
        return answer_key_format(key=self)

    @property
    def instance(self) -> str:
        """The instance part alone (``SITES[2]/SCENARIOS[1]``), '' outside repeat groups."""
        return instances_format(instances=self.instances)

    @property
    def repeats(self) -> tuple[str, ...]:
        return tuple(group for group, _ in self.instances)


def instances_format(*, instances: Instances) -> str:
    return "/".join(f"{group}[{position}]" for group, position in instances)


def answer_key_format(*, key: AnswerKey) -> str:
    """``AnswerKey('RISK', (('SITES', 2),))`` -> ``SITES[2]/RISK``."""
    if not key.instances:
        return key.item
    return f"{instances_format(instances=key.instances)}/{key.item}"


def answer_key_parse(*, text: str) -> AnswerKey:
    """Read a key; raises :class:`AnswerKeyError` saying which part is wrong."""
    shown = text[:KEY_MAX_LENGTH] + ("..." if len(text) > KEY_MAX_LENGTH else "")
    if len(text) > KEY_MAX_LENGTH:
        raise AnswerKeyError(key=shown, message=f"longer than {KEY_MAX_LENGTH} characters")
    parts = text.split("/")
    if len(parts) > REPEAT_DEPTH_MAX + 1:
        raise AnswerKeyError(
            key=shown, message=f"repeat groups nest at most {REPEAT_DEPTH_MAX} deep"
        )
    item = parts[-1]
    if not _ITEM.match(item):
        raise AnswerKeyError(key=shown, message=f"{item!r} is not an item code")
    instances: list[tuple[str, int]] = []
    for part in parts[:-1]:
        m = _STEP.match(part)
        if m is None:
            raise AnswerKeyError(
                key=shown, message=f"{part!r} is not a repeat instance like SITES[2]"
            )
        position = int(m.group(2))
        if position > REPEAT_COUNT_LIMIT:
            raise AnswerKeyError(
                key=shown, message=f"{part!r}: at most {REPEAT_COUNT_LIMIT} instances"
            )
        instances.append((m.group(1), position))
    return AnswerKey(item=item, instances=tuple(instances))


def edition_item_places(*, edition: Edition) -> dict[str, ItemPlace]:
    """Every item of ``edition`` (repeat items too) by code."""
    return {place.item.code: place for place in edition.items()}


def answer_key_check(
    *, key: AnswerKey, places: dict[str, ItemPlace], checklist: frozenset[str] = frozenset()
) -> ItemPlace | None:
    """The place of ``key``'s item (None for a checklist item); raises :class:`AnswerKeyError`
    when the item is unknown, or its repeat groups or positions do not fit the edition.
    ``places`` comes from :func:`edition_item_places`."""
    if key.item in checklist and not key.instances:
        return None
    place = places.get(key.item)
    if place is None:
        raise AnswerKeyError(key=str(key), message=f"no item {key.item!r} in the edition")
    expected = place.repeat_codes
    if key.repeats != expected:
        if expected:
            shape = "/".join(f"{g}[n]" for g in expected) + f"/{key.item}"
            message = f"{key.item!r} is answered inside its repeat groups: {shape}"
        else:
            message = f"{key.item!r} is not inside a repeat group: its key is {key.item}"
        raise AnswerKeyError(key=str(key), message=message)
    for (group_code, position), group in zip(key.instances, place.repeats, strict=True):
        if position > group.max:
            raise AnswerKeyError(
                key=str(key),
                message=f"{group_code!r} takes at most {group.max} instances, not {position}",
            )
    return place
