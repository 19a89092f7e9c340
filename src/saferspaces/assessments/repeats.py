"""Answers inside repeat groups: an item answered once per instance, stored under its answer key
(``MEASURES[2]/MEASURE_LEVEL``, see :mod:`saferspaces.core.framework.answerkey`).

The same answer rows, history and services as any other question serve these answers: this
module only finds the question and the section of a key, lists the instances an assessment
holds, and removes one instance (the ones after it move up, in one transaction).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saferspaces.assessments import permissions
from saferspaces.assessments.editions import assessment_edition
from saferspaces.assessments.models import (
    Answer,
    AnswerRevision,
    Assessment,
    Evidence,
    IndividualAnswer,
)
from saferspaces.core.framework import Edition, Indicator
from saferspaces.core.framework.answerkey import (
    AnswerKey,
    AnswerKeyError,
    answer_key_check,
    answer_key_parse,
    edition_item_places,
)
from saferspaces.core.framework.model import ItemPlace, RepeatGroup
from saferspaces.errors import DomainError

#: the longest answer key the answer rows hold (their ``code`` column)
KEY_COLUMN_CHARS = Answer._meta.get_field("code").max_length or 64


def _top_sections(edition: Edition) -> dict[str, str]:
    """Dimension code -> the code of the top-level dimension (the fill-in section) holding it."""
    return {d.code: top.code for top in edition.dimensions for _, d in top.walk()}


def repeat_key_read(*, edition: Edition, code: str) -> tuple[AnswerKey, ItemPlace, str]:
    """The key, the item's place and its section for an answer key inside repeat groups.

    Raises :class:`DomainError` (field ``code``) naming the key and what is wrong with it."""
    shown = code[:KEY_COLUMN_CHARS]
    if len(code) > KEY_COLUMN_CHARS:
        raise DomainError(
            _("%(key)s…: an answer key has at most %(n)s characters.")
            % {"key": shown, "n": KEY_COLUMN_CHARS},
            field="code",
        )
    try:
        key = answer_key_parse(text=code)
        place = answer_key_check(key=key, places=edition_item_places(edition=edition))
    except AnswerKeyError as error:
        raise DomainError(
            _("%(key)s is not an answer of the edition %(edition)s: %(reason)s.")
            % {"key": error.key, "edition": edition.id, "reason": error.message},
            field="code",
        ) from None
    if place is None or not key.instances:
        raise DomainError(
            _("%(key)s is not inside a repeat group of the edition %(edition)s.")
            % {"key": shown, "edition": edition.id},
            field="code",
        )
    return key, place, _top_sections(edition)[place.dimension.code]


def repeat_question(*, edition: Edition, code: str) -> tuple[Indicator, str] | None:
    """(the item, its section) when ``code`` is an answer key inside repeat groups; ``None``
    when it is no such key (a plain question code is looked up elsewhere)."""
    if "[" not in code:
        return None
    _key, place, section = repeat_key_read(edition=edition, code=code)
    return place.item, section


@dataclass(frozen=True)
class RepeatInstance:
    """One instance of a repeat group in an assessment: its key part and answers by item."""

    instance: str  # MEASURES[2]
    position: int
    answers: dict[str, Answer]
    cells: tuple[tuple[Indicator, Answer | None], ...] = ()  # each item of the group, in order


@dataclass(frozen=True)
class RepeatList:
    """A repeat group of one section with the instances an assessment holds (top-level
    groups; nested groups are listed within their instance's key)."""

    group: RepeatGroup
    instances: tuple[RepeatInstance, ...]

    @property
    def next_instance(self) -> str | None:
        """The key part of the instance "add" creates (``None`` when the group is full)."""
        n = len(self.instances) + 1
        return None if n > self.group.max else f"{self.group.code}[{n}]"


_POSITION = re.compile(r"^([A-Z][A-Z0-9_]*)\[([0-9]+)\]/")


def repeat_lists(*, assessment: Assessment, section: str) -> list[RepeatList]:
    """The top-level repeat groups of ``section`` with the assessment's instances, in order."""
    edition = assessment_edition(assessment=assessment)
    groups = [
        group
        for top in edition.dimensions
        if top.code == section
        for _, dim in top.walk()
        for group in dim.repeats
    ]
    if not groups:
        return []
    by_group: dict[str, dict[int, dict[str, Answer]]] = {g.code: {} for g in groups}
    for answer in Answer.objects.filter(assessment=assessment, code__contains="["):
        m = _POSITION.match(answer.code)
        if m is None or m.group(1) not in by_group:
            continue
        item = answer.code[m.end() :]
        by_group[m.group(1)].setdefault(int(m.group(2)), {})[item] = answer
    out = []
    for group in groups:
        held = by_group[group.code]
        out.append(
            RepeatList(
                group=group,
                instances=tuple(
                    RepeatInstance(
                        f"{group.code}[{n}]",
                        n,
                        held[n],
                        tuple((i, held[n].get(i.code)) for i in group.items),
                    )
                    for n in sorted(held)
                ),
            )
        )
    return out


def _position(code: str) -> int:
    """The position of a key's outermost instance (0 outside repeat groups)."""
    m = _POSITION.match(code)
    return int(m.group(2)) if m else 0


def _moved(code: str, group: str, removed: int) -> str | None:
    """``code`` after instance ``removed`` of ``group`` is taken out: ``None`` when it belongs
    to the removed instance, the key one position up when it comes after it, else itself."""
    m = _POSITION.match(code)
    if m is None or m.group(1) != group:
        return code
    position = int(m.group(2))
    if position == removed:
        return None
    if position < removed:
        return code
    return f"{group}[{position - 1}]/{code[m.end() :]}"


def repeat_instance_remove(
    *, assessment: Assessment, instance: str, user: Any, now: dt.datetime | None = None
) -> int:
    """Remove one top-level repeat instance (``MEASURES[2]``) with its answers, individual
    answers and history (an instance holding evidence files is refused); the instances after it move up one position, so keys stay
    numbered from 1 without gaps. One transaction; returns how many answers were removed.
    Raises :class:`DomainError` for a key that is no instance of the edition, a locked
    assessment or a section assigned to others."""
    now = now or timezone.now()
    m = re.match(r"^([A-Z][A-Z0-9_]*)\[([0-9]{1,4})\]$", instance)
    with transaction.atomic():
        locked = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("authority", "edition")
            .get(pk=assessment.pk)
        )
        if not locked.editable:
            raise DomainError(
                _("This assessment is %(state)s: its answers can no longer be changed.")
                % {"state": locked.get_state_display().lower()}
            )
        edition = assessment_edition(assessment=locked)
        tops = {
            g.code: (top.code, g)
            for top in edition.dimensions
            for _, dim in top.walk()
            for g in dim.repeats
        }
        if m is None or m.group(1) not in tops:
            raise DomainError(
                _("%(key)s is not an instance of a repeat group of the edition %(edition)s.")
                % {"key": instance[:KEY_COLUMN_CHARS], "edition": edition.id},
                field="instance",
            )
        group, removed = m.group(1), int(m.group(2))
        section = tops[group][0]
        if not permissions.can_edit_section(
            user, locked, section, permissions.assigned_people(assessment=locked, fresh=True)
        ):
            raise DomainError(_("This part of the assessment is assigned to other colleagues."))
        prefix = f"{group}["
        if Evidence.objects.filter(
            assessment=locked, code__startswith=f"{group}[{removed}]/"
        ).exists():
            raise DomainError(
                _("%(key)s has evidence files: remove them before removing it.")
                % {"key": instance},
                field="instance",
            )
        count = 0
        keyed: tuple[Any, ...] = (Answer, IndividualAnswer, AnswerRevision, Evidence)
        for model in keyed:
            rows: list[tuple[int, str]] = list(
                model.objects.filter(assessment=locked, code__startswith=prefix).values_list(
                    "pk", "code"
                )
            )
            gone = [pk for pk, code in rows if _moved(code, group, removed) is None]
            if model is Answer:
                count = len(gone)
            model.objects.filter(pk__in=gone).delete()
            # move up in position order, so a key never meets the one it replaces
            for pk, code in sorted(rows, key=lambda row: _position(row[1])):
                new = _moved(code, group, removed)
                if new is not None and new != code:
                    model.objects.filter(pk=pk).update(code=new)
        Assessment.objects.filter(pk=locked.pk).update(updated_at=now)
        return count


def repeat_instance_items(*, assessment: Assessment, instance: str) -> tuple[RepeatGroup, str]:
    """The top-level repeat group of ``instance`` (``MEASURES[2]``) and its section;
    :class:`DomainError` when the edition has no such group or the position is out of range."""
    edition = assessment_edition(assessment=assessment)
    m = re.match(r"^([A-Z][A-Z0-9_]*)\[([0-9]{1,4})\]$", instance)
    for top in edition.dimensions:
        for _around, dim in top.walk():
            for group in dim.repeats:
                if m is not None and group.code == m.group(1) and 1 <= int(m.group(2)) <= group.max:
                    return group, top.code
    raise DomainError(
        _("%(key)s is not an instance of a repeat group of the edition %(edition)s.")
        % {"key": instance[:KEY_COLUMN_CHARS], "edition": edition.id},
        field="instance",
    )


def repeat_instance_save(
    *,
    assessment: Assessment,
    instance: str,
    user: Any,
    raws: dict[str, Any],
    versions: dict[str, int],
    now: dt.datetime | None = None,
) -> int:
    """Save the answers of one repeat instance (item code -> what was typed; an empty entry
    leaves that item as it is), all or nothing: the first answer refused raises its
    :class:`DomainError` (``field`` is the item's code) and nothing is saved. ``versions``
    are the versions the form was built from (conflicts as in ``answer_save``). Returns how
    many answers were saved."""
    from saferspaces.assessments.answering import answer_save

    group, _section = repeat_instance_items(assessment=assessment, instance=instance)
    saved = 0
    with transaction.atomic():
        for item in group.items:
            raw = raws.get(item.code)
            if raw in (None, "", []):
                continue
            key = f"{instance}/{item.code}"
            try:
                answer_save(
                    assessment=assessment,
                    code=key,
                    user=user,
                    status="answered",
                    raw=raw,
                    expected_version=versions.get(item.code, 0),
                    now=now,
                )
            except DomainError as error:
                error.field = item.code
                raise
            saved += 1
    return saved
