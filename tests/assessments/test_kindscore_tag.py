"""The ``kindscore`` tag: one kind of a node's score in a cell, in the page's language. It
replaced an included template (a page shows up to a hundred of them); its output is the
included template's, kept here as the reference."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.utils import translation

from saferspaces.core.assessment.result import Availability, KindScore

# the included template it replaced, as it was
REFERENCE = (
    '{% load i18n assessments %}{% if ks.score is None %}<span class="muted">'
    '{{ ks.reason|reason|default:"—" }}</span>{% else %}<strong>{{ ks.score|score }}</strong>'
    '{% if ks.interval and ks.interval.0 != ks.interval.1 %} <span class="muted">'
    "({% blocktranslate with lo=ks.interval.0|score hi=ks.interval.1|score %}{{ lo }} to "
    "{{ hi }} across individual answers{% endblocktranslate %})</span>{% endif %}{% endif %}"
)
CASES = [
    KindScore(42.44, None, Availability(answered=3)),
    KindScore(42.45, None, Availability(answered=3), interval=(40.0, 40.0)),
    KindScore(42.45, None, Availability(answered=3), interval=(38.26, 51.75)),
    KindScore(None, "not_applicable", Availability(not_applicable=2)),
    KindScore(None, "a reason of tomorrow", Availability()),
    KindScore(None, None, Availability()),
]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("ks", CASES)
def test_the_tag_writes_what_the_included_template_wrote(ks: KindScore, language: str) -> None:
    with translation.override(language):
        tag = Template("{% load assessments %}{% kindscore ks %}").render(Context({"ks": ks}))
        reference = Template(REFERENCE).render(Context({"ks": ks}))
    assert tag == reference


def test_an_interval_reads_in_the_page_language() -> None:
    ks = KindScore(42.45, None, Availability(answered=3), interval=(38.26, 51.75))
    with translation.override("fr"):
        html = Template("{% load assessments %}{% kindscore ks %}").render(Context({"ks": ks}))
    text = re.sub(r"<[^>]+>", "", html)
    assert text == "42,5 (de 38,3 à 51,8 selon les réponses individuelles)"


def test_a_missing_node_writes_nothing() -> None:
    assert Template("{% load assessments %}{% kindscore ks %}").render(Context({})) == ""
