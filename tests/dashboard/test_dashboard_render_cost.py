"""The profile and the peer view render their long tables in Python (issue 16): the template
engine resolves a bounded number of variables per page, whatever the number of dimensions,
indicators, assessments and named peers, and the rows it no longer loops over are written with
every value escaped and every word translated as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.template import base as template_base

from saferspaces.assessments.models import Assessment
from saferspaces.authorities.models import Authority
from saferspaces.dashboard.models import PeerSharing
from saferspaces.demo.generator import PERSONA_AUTHORITY

pytestmark = pytest.mark.django_db

# measured on the demo: 1 491-1 576 (profile) and 714-760 (peer view) variables a page before,
# most of them in the rows of the profile, progress, explain, band and named-peer tables and of
# the charts' data tables; 318 and 370 after (the page shell's language menu is 50 of them)
PROFILE_LOOKUPS = 340
PEER_LOOKUPS = 400


def _persona() -> Authority:
    return Authority.objects.get(name=PERSONA_AUTHORITY)


def _pilot(authority: Authority) -> Assessment:
    return Assessment.objects.filter(authority=authority).order_by("round__period_end").first()  # type: ignore[return-value]


def _lookups(monkeypatch: Any, client: Any, url: str) -> tuple[int, str]:
    """The page and how many template variables were resolved to render it (a counter around
    the engine's own resolution, which still does the work)."""
    calls = [0]
    resolve = template_base.Variable.resolve

    def counted(self: Any, context: Any) -> Any:
        calls[0] += 1
        return resolve(self, context)

    monkeypatch.setattr(template_base.Variable, "resolve", counted)
    response = client.get(url)
    monkeypatch.setattr(template_base.Variable, "resolve", resolve)
    assert response.status_code == 200, url
    return calls[0], response.content.decode()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_profile_and_peer_view_resolve_few_template_variables(
    client_as: Any, monkeypatch: Any, language: str
) -> None:
    a = _persona()
    client = client_as("lead")
    client.cookies["django_language"] = language
    n, page = _lookups(monkeypatch, client, f"/authorities/{a.slug}/dashboard/")
    assert 'id="explain"' in page and "explain-dim" in page and "change-" in page
    assert n <= PROFILE_LOOKUPS, n
    n, page = _lookups(monkeypatch, client, f"/assessments/{_pilot(a).pk}/peers/")
    assert 'rowspan="3"' in page and "chart-number" in page
    assert n <= PEER_LOOKUPS, n


def test_rows_written_in_python_escape_names_and_titles(client_as: Any) -> None:
    """A named peer's name and a dimension's title reach the rows escaped, once."""
    a = _persona()
    pilot = _pilot(a)
    assert pilot.round is not None
    peer = (
        Assessment.objects.filter(round=pilot.round, state__in=("submitted", "accepted"))
        .exclude(authority=a)
        .select_related("authority")
        .first()
    )
    assert peer is not None
    Authority.objects.filter(pk=peer.authority_id).update(name='Peer <b>"&"</b>')
    PeerSharing.objects.update_or_create(
        authority_id=peer.authority_id, defaults={"publish_results": True}
    )
    page = client_as("lead").get(f"/assessments/{pilot.pk}/peers/?criteria=1").content.decode()
    assert "Peer &lt;b&gt;&quot;&amp;&quot;&lt;/b&gt;" in page
    assert "<b>" not in page and "&amp;amp;" not in page


EDITIONS = Path(__file__).resolve().parents[2] / "src/saferspaces/frameworks/editions"
# the peer view's loop over a suggested peer's practices, as the template wrote it before
PRACTICES_TEMPLATE = (
    "{% load i18n assessments %}{% for p in practices %}<li>{% blocktranslate with "
    "label=p.question %}{{ label }}:{% endblocktranslate %} <strong>{% answer_text p.indicator "
    "p.answer.status p.answer.value %}</strong>{% if p.answer.comment %}. <em>{{ "
    "p.answer.comment }}</em>{% endif %}</li>{% endfor %}"
)


@pytest.mark.parametrize("language", ["en", "fr", "de"])
@pytest.mark.django_db(False)
def test_practices_written_in_python_are_what_the_template_wrote(language: str) -> None:
    """Learn from peers lists the practices each suggested peer reported (some 50 a page): the
    tag writes every question, answer and comment as the template did, escaped once, in the
    reader's language, comment or not, whatever the kind of question."""
    from types import SimpleNamespace

    from django.template import Context, Template
    from django.utils import translation

    from saferspaces.core.framework.loader import edition_load
    from saferspaces.dashboard.templatetags.dashboard import practice_items_html

    edition = edition_load(path=EDITIONS / "ssf-2026.1.yaml")
    questions = [
        i
        for _d, i in edition.indicators()
        if i.answer.type in ("yes_partly_no", "single_choice", "multiple_choice")
    ]
    kinds = {i.answer.type: i for i in questions}
    assert set(kinds) >= {"yes_partly_no", "single_choice"}
    practices = []
    for k, indicator in enumerate(kinds.values()):
        values = {
            "yes_partly_no": "partly",
            "single_choice": indicator.answer.choice_options()[0].code,
            "multiple_choice": [o.code for o in indicator.answer.choice_options()[:2]],
        }
        for comment in ("", 'We <b>"patrol"</b> & map'):
            practices.append(
                {
                    "question": f'{indicator.code} <i>"{k}"</i> & co',
                    "indicator": indicator,
                    "answer": SimpleNamespace(
                        status="answered", value=values[indicator.answer.type], comment=comment
                    ),
                }
            )
    with translation.override(language):
        want = Template(PRACTICES_TEMPLATE).render(Context({"practices": practices}))
        got = practice_items_html(practices)
    assert got == want
    assert "&lt;b&gt;&quot;patrol&quot;&lt;/b&gt; &amp; map" in got and "<b>" not in got
