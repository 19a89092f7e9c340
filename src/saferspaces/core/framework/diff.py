"""What changed between two editions, and whether trends stay comparable: ``edition_diff``."""

from __future__ import annotations

from dataclasses import dataclass

from saferspaces.core.framework.model import Dimension, Edition, Indicator, Text, text_get

# fields whose change breaks the comparability of an indicator's values across rounds
BREAKING_FIELDS = frozenset({"answer", "scoring", "direction", "kind"})
COMPARED_FIELDS = (
    "kind",
    "question",
    "help",
    "answer",
    "direction",
    "scoring",
    "weight",
    "relevant",
    "guidance",
    "sdg",
)


@dataclass(frozen=True)
class IndicatorChange:
    """One line of the comparability mapping between two editions.

    ``action`` is keep / rename / replace / drop / add; ``declared`` says whether the new edition
    declares it in ``edition.changes`` (False: inferred from the codes). ``fields`` lists what
    changed in a kept or renamed indicator; ``comparable`` is False when a change of answer,
    scoring, direction or kind breaks trends (always False for replace, drop and add).
    """

    action: str
    old_codes: tuple[str, ...]
    new_code: str | None
    declared: bool
    fields: tuple[str, ...] = ()
    moved: tuple[str, str] | None = None  # (old dimension, new dimension)
    note: Text | None = None
    problem: str | None = None  # e.g. a declared code that does not exist

    @property
    def comparable(self) -> bool:
        if self.action not in ("keep", "rename") or self.problem:
            return False
        return not BREAKING_FIELDS.intersection(self.fields)


@dataclass(frozen=True)
class DimensionChange:
    action: str  # added | removed | changed
    code: str
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class EditionDiff:
    old_id: str
    new_id: str
    follows: bool  # new.previous == old.id
    indicators: tuple[IndicatorChange, ...]
    dimensions: tuple[DimensionChange, ...]
    checklist_added: tuple[str, ...]
    checklist_removed: tuple[str, ...]
    families: tuple[str, str] = ("", "")  # (old, new): trends compare within one family only

    @property
    def same_family(self) -> bool:
        return self.families[0] == self.families[1]

    def by_action(self, action: str) -> tuple[IndicatorChange, ...]:
        return tuple(c for c in self.indicators if c.action == action)

    @property
    def changed(self) -> tuple[IndicatorChange, ...]:
        """Kept or renamed indicators whose definition changed, and every other action."""
        return tuple(
            c for c in self.indicators if c.action not in ("keep",) or c.fields or c.problem
        )


def _fields(old: Indicator, new: Indicator) -> tuple[str, ...]:
    return tuple(f for f in COMPARED_FIELDS if getattr(old, f) != getattr(new, f))


def _parents(edition: Edition) -> dict[str, str]:
    return {ind.code: dim.code for dim, ind in edition.indicators()}


def _dims(edition: Edition) -> dict[str, Dimension]:
    return {d.code: d for _, d in edition.dimensions_walk()}


def edition_diff(*, old: Edition, new: Edition) -> EditionDiff:
    """Compare two editions: declared changes first, then inferred ones, in file order."""
    old_map, new_map = old.indicator_map(), new.indicator_map()
    old_parent, new_parent = _parents(old), _parents(new)
    out: list[IndicatorChange] = []
    used_old: set[str] = set()
    used_new: set[str] = set()

    def compared(
        action: str, old_code: str, new_code: str, declared: bool, note: Text | None
    ) -> IndicatorChange:
        o, n = old_map.get(old_code), new_map.get(new_code)
        if o is None or n is None:
            missing = old_code if o is None else new_code
            where = old.id if o is None else new.id
            return IndicatorChange(
                action,
                (old_code,),
                new_code,
                declared,
                note=note,
                problem=f"{missing} is not in {where}",
            )
        moved = None
        if old_parent[old_code] != new_parent[new_code]:
            moved = (old_parent[old_code], new_parent[new_code])
        return IndicatorChange(action, (old_code,), new_code, declared, _fields(o, n), moved, note)

    if new.previous == old.id:
        for ch in new.changes:
            olds = ch.from_codes if ch.action != "keep" else ((ch.code,) if ch.code else ())
            used_old.update(olds)
            if ch.code:
                used_new.add(ch.code)
            if ch.action in ("keep", "rename") and ch.code and olds:
                out.append(compared(ch.action, olds[0], ch.code, True, ch.note))
            else:
                missing = [c for c in olds if c not in old_map]
                if ch.code and ch.action != "drop" and ch.code not in new_map:
                    missing.append(ch.code)
                problem = f"{', '.join(missing)} not found" if missing else None
                out.append(
                    IndicatorChange(
                        ch.action, tuple(olds), ch.code, True, note=ch.note, problem=problem
                    )
                )
    for code in new_map:
        if code in used_new:
            continue
        if code in old_map and code not in used_old:
            used_old.add(code)
            out.append(compared("keep", code, code, False, None))
        else:
            out.append(IndicatorChange("add", (), code, False))
    for code in old_map:
        if code not in used_old:
            out.append(IndicatorChange("drop", (code,), None, False))

    old_dims, new_dims = _dims(old), _dims(new)
    dims: list[DimensionChange] = []
    for code, d in new_dims.items():
        if code not in old_dims:
            dims.append(DimensionChange("added", code))
            continue
        o = old_dims[code]
        fields = tuple(
            f for f in ("role", "title", "description", "weight") if getattr(o, f) != getattr(d, f)
        )
        if fields:
            dims.append(DimensionChange("changed", code, fields))
    dims.extend(DimensionChange("removed", code) for code in old_dims if code not in new_dims)
    old_cl = {c.code for c in old.checklist}
    new_cl = {c.code for c in new.checklist}
    return EditionDiff(
        old_id=old.id,
        new_id=new.id,
        follows=new.previous == old.id,
        indicators=tuple(out),
        dimensions=tuple(dims),
        checklist_added=tuple(c.code for c in new.checklist if c.code not in old_cl),
        checklist_removed=tuple(c.code for c in old.checklist if c.code not in new_cl),
        families=(old.instrument.family, new.instrument.family),
    )


def diff_report(*, diff: EditionDiff, language: str = "en", verbose: bool = False) -> str:
    """A plain-text report of ``diff`` (what ``framework diff OLD NEW`` prints)."""
    lines = [f"Changes from {diff.old_id} to {diff.new_id}"]
    if not diff.same_family:
        lines.append(
            f"  note: {diff.old_id} is of the family {diff.families[0]!r}, {diff.new_id} of "
            f"{diff.families[1]!r}: trends compare editions of one family only"
        )
    if not diff.follows:
        lines.append(
            f"  note: {diff.new_id} does not declare {diff.old_id} as its previous edition; "
            "the mapping below is inferred from the codes"
        )
    counts = {a: len(diff.by_action(a)) for a in ("keep", "rename", "replace", "drop", "add")}
    lines.append("  " + ", ".join(f"{n} {a}" for a, n in counts.items()))
    for c in diff.indicators:
        if c.action == "keep" and not c.fields and not c.moved and not c.problem and not verbose:
            continue
        olds = ", ".join(c.old_codes)
        if c.action == "keep":
            head = f"keep     {c.new_code}"
        elif c.action == "rename":
            head = f"rename   {olds} -> {c.new_code}"
        elif c.action == "replace":
            head = f"replace  {olds} -> {c.new_code}"
        elif c.action == "drop":
            head = f"drop     {olds}"
        else:
            head = f"add      {c.new_code}"
        extras = []
        if not c.declared:
            extras.append("not declared")
        if c.fields:
            extras.append("changed: " + ", ".join(c.fields))
        if c.moved:
            extras.append(f"moved {c.moved[0]} -> {c.moved[1]}")
        if c.action in ("keep", "rename"):
            extras.append("comparable" if c.comparable else "NOT comparable")
        if c.problem:
            extras.append(f"problem: {c.problem}")
        line = f"  {head}" + (f"  [{'; '.join(extras)}]" if extras else "")
        if c.note:
            line += f"  {text_get(c.note, language)}"
        lines.append(line)
    for d in diff.dimensions:
        suffix = f" ({', '.join(d.fields)})" if d.fields else ""
        lines.append(f"  dimension {d.action}: {d.code}{suffix}")
    for code in diff.checklist_added:
        lines.append(f"  checklist added: {code}")
    for code in diff.checklist_removed:
        lines.append(f"  checklist removed: {code}")
    return "\n".join(lines) + "\n"
