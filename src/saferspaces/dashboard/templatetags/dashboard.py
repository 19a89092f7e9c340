"""Plain words for the dashboard's readings (gap, band, change, criteria), and the rows of the
dashboard's long tables written in Python (``*_html`` tags).

The profile and the peer view repeat a row per dimension, kind, assessment, indicator or named
peer: the template engine spent more time resolving their variables (about 1 500 a profile) than
the selectors took to read the data, so those rows are written here, with the same markup, every
value escaped (``conditional_escape``, as autoescaping does) and the same msgids. The words of a
reading are looked up once per language (``_per_language``), not translated again on every row.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django import template
from django.core.signals import setting_changed
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from saferspaces.assessments.question_html import answer_words
from saferspaces.assessments.templatetags.assessments import kindscore_html, reason
from saferspaces.web.numbers import MISSING, score_writer, signed_text

register = template.Library()

T = TypeVar("T")


_CACHES: list[dict[Any, Any]] = []


def _translations_changed(*, setting: str, **kwargs: Any) -> None:
    """Tests may change the languages or the catalogues: forget the words looked up."""
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"):
        for cache in _CACHES:
            cache.clear()


setting_changed.connect(_translations_changed)


def _per_language(build: Callable[[], T]) -> Callable[[], T]:
    """``build()`` (translated words) once per active language: translations do not change
    while the process runs, and a page looks the same words up for every row."""
    cache: dict[str | None, T] = {}
    _CACHES.append(cache)

    def get() -> T:
        language = get_language()
        try:
            return cache[language]
        except KeyError:
            cache[language] = value = build()
            return value

    return get


@_per_language
def _gap_titles() -> dict[str, str]:
    return {
        "feel_less_safe": _("People feel less safe than the data suggest"),
        "feel_safer": _("People feel safer than the data suggest"),
        "aligned": _("Perception and status agree"),
        "uncertain": _("Uncertain: the agreed answers could change the reading"),
        "unknown": _("Cannot be read"),
    }


@register.filter
def gap_title(code: str) -> str:
    return _gap_titles().get(code, code)


@_per_language
def _gap_advice() -> dict[str, str]:
    return {
        "feel_less_safe": _(
            "Levers: communication about what is done, lighting, the design of spaces and a "
            "visible presence."
        ),
        "feel_safer": _(
            "Risks: under-reporting, or blind spots in the data that people experience but "
            "records miss."
        ),
        "aligned": _("No action suggested by the gap itself."),
        "uncertain": _("Agree the answers of the perception and status indicators first."),
        "unknown": _("Perception or status has no score: see the coverage."),
    }


@register.filter
def gap_advice(code: str) -> str:
    return _gap_advice().get(code, "")


@_per_language
def _band_titles() -> dict[tuple[str, bool], str]:
    words = {
        "below": _("Below the middle half"),
        "within": _("Within the middle half"),
        "above": _("Above the middle half"),
    }
    unstable = _("%(band)s (not stable: your interval reaches another band)")
    return {
        (band, stable): word if stable else unstable % {"band": word}
        for band, word in words.items()
        for stable in (True, False)
    }


@register.filter
def band_title(band: Any) -> str:
    if band is None:
        return ""
    return _band_titles()[(band.band, bool(band.stable))]


@_per_language
def _change_titles() -> dict[str | None, str]:
    return {
        None: _("no comparison"),
        "up": _("up, beyond the uncertainty"),
        "down": _("down, beyond the uncertainty"),
        "within": _("within the uncertainty"),
    }


@register.filter
def change_title(change: Any) -> str:
    return _change_titles()[None if change is None else change.direction]


@register.filter
def criterion_title(key: str) -> str:
    return {
        "same_kind": _("same kind of authority"),
        "same_level": _("same NUTS level"),
        "same_country": _("same country"),
        "same_urbanisation": _("same degree of urbanisation"),
        "population_factor": _("population"),
        "density_factor": _("population density"),
        "income_range": _("income"),
    }.get(key, key)


@_per_language
def _comparable_reasons() -> dict[str, str]:
    return {
        "missing_before": _("not in the earlier edition"),
        "indicators_changed": _("the edition changed its indicators"),
        "indicators_dropped": _("the edition dropped some of its indicators"),
    }


@register.filter
def comparable_reason(code: str | None) -> str:
    return _comparable_reasons().get(code or "", "")


@register.filter
def suggestion_reason(code: str) -> str:
    return {
        "strong": _("strong here (above the middle half of similar authorities)"),
        "improved": _("improved beyond the uncertainty since the previous round"),
    }.get(code, code)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


# --- the rows of the dashboard's long tables ------------------------------------------------------


def _e(value: Any) -> str:
    """A value as ``{{ value }}`` writes it in an HTML page: ``conditional_escape`` (safe text as
    it is, anything else escaped as ``django.utils.html.escape`` does), without its lazy-text
    wrapper, which cost more than the escaping on a page of a few thousand values."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


@_per_language
def _row_words() -> dict[str, str]:
    return {
        # the msgids of the templates' blocktranslate blocks, unchanged
        "coverage": _(
            "%(a)s of %(t)s answered (%(p)s from open data), %(m)s missing, none imputed"
        ),
        "label": _("%(label)s:"),
        "not_comparable": _("not comparable: %(reason)s"),
        "no_band": _("No band: your score or enough peer scores are missing."),
    }


@register.simple_tag
def profile_rows_html(rows: Iterable[Any]) -> SafeString:
    """The body rows of the profile table: per (sub-)dimension, perception, status, the gap,
    all indicators and the coverage."""
    words = _row_words()
    titles = _gap_titles()
    write = score_writer()
    out = []
    for r in rows:
        gap = r.gap
        cell = f"<strong>{_e(signed_text(gap.value))}</strong>, " if gap.value is not None else ""
        cell += _e(titles.get(gap.code, gap.code))
        if gap.code == "unknown" and gap.reason:
            cell += f' <span class="muted">({_e(reason(gap.reason))})</span>'
        c = r.coverage
        coverage = words["coverage"] % {
            "a": _e(c.answered),
            "t": _e(c.applicable),
            "p": _e(c.prefilled),
            "m": _e(c.missing),
        }
        out.append(
            f'\n  <tr><th scope="row" class="depth-{_e(r.depth)}">{_e(r.title)}</th>'
            f"\n    <td>{kindscore_html(r.scores['perception'], write)}</td>"
            f"\n    <td>{kindscore_html(r.scores['status'], write)}</td>"
            f"\n    <td>{cell}</td>"
            f"\n    <td>{kindscore_html(r.scores['all'], write)}</td>"
            f"\n    <td>{coverage}</td></tr>\n  "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag
def gap_list_html(rows: Iterable[Any]) -> SafeString:
    """The items of the list of what each top-level dimension's gap means."""
    words = _row_words()
    titles, advice = _gap_titles(), _gap_advice()
    out = []
    for r in rows:
        if r.depth != 0:
            continue
        code = r.gap.code
        label = words["label"] % {"label": _e(r.title)}
        out.append(
            f"\n  <li>{label} {_e(titles.get(code, code))}. {_e(advice.get(code, ''))}</li>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag
def progress_rows_html(progress: Iterable[Any]) -> SafeString:
    """The body rows of the progress table: per dimension, each assessment's score with the
    change from the one before, or why it cannot be compared."""
    words = _row_words()
    changes, reasons = _change_titles(), _comparable_reasons()
    write = score_writer()
    out = []
    for row in progress:
        out.append(f'\n  <tr><th scope="row">{_e(row.title)}</th>')
        for i, p in enumerate(row.points):
            node = p["node"]
            cell = str(kindscore_html(node.all_kinds, write)) if node else MISSING
            cell += "\n      "
            if i:
                cell += "<br>"
                if p.get("comparable"):
                    ch = p["changes"].get("all")
                    direction = getattr(ch, "direction", None)
                    delta = getattr(ch, "delta", None)
                    cell += f'<span class="change change-{_e(direction or "none")}">'
                    if delta is not None:
                        cell += f"{_e(signed_text(delta))}, "
                    cell += f"{_e(changes[direction])}</span>"
                else:
                    because = words["not_comparable"] % {
                        "reason": _e(reasons.get(p.get("reason") or "", ""))
                    }
                    cell += f'<span class="muted">{because}</span>'
            out.append(f"\n    <td>{cell}</td>\n  ")
        out.append("</tr>\n  ")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag
def explain_html(groups: Iterable[dict[str, Any]]) -> SafeString:
    """The "Explain my score" list: per top-level dimension, a disclosure listing its
    indicators, each linked to its explanation, with its score or why it has none."""
    score_text = score_writer()
    out = []
    for group in groups:
        out.append(
            f'\n<details class="explain-dim"><summary>{_e(group["title"])}</summary>\n  <ul>'
        )
        for code, ind, question, link in group["indicators"]:
            if ind.score is not None:
                value = _e(score_text(ind.score))
            else:
                value = f'<span class="muted">{_e(reason(ind.status))}</span>'
            out.append(
                f'\n    <li><a href="{_e(link)}">{_e(question)}</a> '
                f'<span class="muted">({_e(code)})</span>: {value}</li>\n  '
            )
        out.append("</ul>\n</details>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag
def band_rows_html(rows: Iterable[Any], bands: dict[str, Any], kinds: Any) -> SafeString:
    """The body rows of the peers' band table: per top-level dimension and kind, the score, its
    band and the peers' middle half and median."""
    no_band = _e(_row_words()["no_band"])
    score_text = score_writer()
    out = []
    for r in rows:
        mine = bands.get(r.code) or {}
        out.append("\n    ")
        for i, (kind, label) in enumerate(kinds):
            b = mine.get(kind)
            head = f'<th scope="row" rowspan="3">{_e(r.title)}</th>' if i == 0 else ""
            if b:
                cells = (
                    f'<td class="num">{_e(score_text(b.score))}</td><td>{_e(band_title(b))}</td>'
                    f'<td class="num">{_e(score_text(b.peers.q1))}–{_e(score_text(b.peers.q3))}'
                    f'</td><td class="num">{_e(score_text(b.peers.median))}</td>\n      '
                )
            else:
                cells = f'<td colspan="4" class="muted">{no_band}</td>'
            out.append(f"\n    <tr>{head}<td>{_e(label)}</td>\n      {cells}</tr>\n    ")
        out.append("\n  ")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag
def named_rows_html(named: Iterable[dict[str, Any]], rows: Iterable[Any]) -> SafeString:
    """The body rows of the table of similar authorities that published their results."""
    codes = [r.code for r in rows]
    score_text = score_writer()
    out = []
    for p in named:
        scores = p["scores"]
        out.append(f'<tr><th scope="row">{_e(p["authority"]["name"])}</th>')
        for code in codes:
            f = scores.get(code)
            out.append(f'<td class="num">{_e(score_text(f["score"])) if f else MISSING}</td>')
        out.append("</tr>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag
def practice_items_html(practices: Iterable[dict[str, Any]]) -> SafeString:
    """The list items of the practices a suggested peer reported (learn from peers: some 50 a
    page), as the peer view's template wrote them: the question, the answer as people read it,
    the comment."""
    words = _row_words()
    language = (get_language() or "en")[:2]
    out = []
    for p in practices:
        answer = p["answer"]
        text = answer_words(p["indicator"], answer.status, answer.value, language=language)
        comment = f". <em>{_e(answer.comment)}</em>" if answer.comment else ""
        label = words["label"] % {"label": _e(p["question"])}
        out.append(f"<li>{label} <strong>{_e(text)}</strong>{comment}</li>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
