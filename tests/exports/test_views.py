"""The exports page and downloads on the demo: who may see them, every file read back, the
published authority named and the others coded, COINr tables through the engine, clear 404s."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from saferspaces.core.scoring.coinr_io import data_read, meta_read
from saferspaces.core.scoring.pipeline import pipeline_run
from saferspaces.core.spreadsheets import text_csv_safe

TABLES = ("answers", "scores", "background", "codebook", "idata", "imeta")


def _round() -> Any:
    from saferspaces.assessments.models import Round
    from saferspaces.demo.assessments import ROUND_TITLES

    return Round.objects.get(title=ROUND_TITLES[0])


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_body(response).decode("utf-8"), newline="")))


def _made(client: Any, url: str) -> Any:
    """A file made in the background: asked for (the test suite's queue makes it at once), then
    downloaded from its own address."""
    assert client.post(url + "/prepare/").status_code == 302
    return client.get(url)


@pytest.fixture
def coordinator(demo_module: Any, client: Any, media: Any) -> Any:
    from saferspaces.accounts.models import User
    from saferspaces.demo.generator import PERSONAS

    p = next(p for p in PERSONAS if p.key == "coordinator")
    client.force_login(User.objects.get(email=p.email))
    return client


def _login(client: Any, key: str) -> Any:
    from saferspaces.accounts.models import User
    from saferspaces.demo.generator import PERSONAS

    p = next(p for p in PERSONAS if p.key == key)
    client.force_login(User.objects.get(email=p.email))
    return client


@pytest.mark.django_db
def test_who_may_open_the_exports(demo_module: Any, client: Any) -> None:
    rnd = _round()
    url = f"/rounds/{rnd.pk}/exports/"
    r = client.get(url)
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    for key, status in (("outsider", 403), ("respondent", 403), ("lead", 403)):
        assert _login(client, key).get(url).status_code == status, key
        assert _login(client, key).get(url + "answers.csv").status_code == status, key
    for key in ("coordinator", "administrator"):
        r = _login(client, key).get(url)
        assert r.status_code == 200, key
        html = r.content.decode()
        assert "answers.csv" in html and "all.xlsx" in html and "Anonymisation" in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["answers.xlsx", "nothing.csv", "answers", "all.csv", "x.y.z"])
def test_bad_names_give_a_clear_404_page(coordinator: Any, name: str) -> None:
    rnd = _round()
    r = coordinator.get(f"/rounds/{rnd.pk}/exports/{name}")
    assert r.status_code == 404
    html = r.content.decode()
    assert "No such download" in html and "answers.csv" in html
    assert coordinator.get("/rounds/999999/exports/answers.csv").status_code == 404


@pytest.mark.django_db
def test_csv_downloads_stream_and_match_parquet(coordinator: Any) -> None:
    rnd = _round()
    for table in TABLES:
        r = coordinator.get(f"/rounds/{rnd.pk}/exports/{table}.csv")
        assert r.status_code == 200 and r.streaming
        assert r["Content-Type"].startswith("text/csv")
        assert f"round-{rnd.pk}-{table}.csv" in r["Content-Disposition"]
        rows = _csv(r)
        p = _made(coordinator, f"/rounds/{rnd.pk}/exports/{table}.parquet")
        assert p.status_code == 200
        t = pq.read_table(io.BytesIO(_body(p)))
        assert rows[0] == t.column_names
        assert len(rows) - 1 == t.num_rows
        assert t.schema.metadata[b"saferspaces.table"] == table.encode()
        assert b"saferspaces.codebook" in t.schema.metadata
        for line, rec in zip(rows[1:], t.to_pylist(), strict=True):
            want = [
                "" if v is None else ("yes" if v is True else "no" if v is False else str(v))
                for v in rec.values()
            ]
            # Parquet keeps the raw text; CSV puts a quote before text a spreadsheet would run
            want = [
                text_csv_safe(text=w) if isinstance(v, str) else w
                for v, w in zip(rec.values(), want, strict=True)
            ]
            assert line == want  # two requests: the same data give the same values
        assert "rank" not in " ".join(rows[0]).lower()
    answers = _csv(coordinator.get(f"/rounds/{rnd.pk}/exports/answers.csv"))
    codes = [r[0] for r in answers[1:]]
    assert codes == sorted(codes) and len(set(codes)) == rnd.assessments.count()


@pytest.mark.django_db
def test_workbook_and_zip_hold_every_table(coordinator: Any) -> None:
    rnd = _round()
    r = _made(coordinator, f"/rounds/{rnd.pk}/exports/all.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(_body(r)), read_only=True)
    assert wb.sheetnames == list(TABLES)
    zipped = _body(_made(coordinator, f"/rounds/{rnd.pk}/exports/all.zip"))
    assert _body(coordinator.get(f"/rounds/{rnd.pk}/exports/all.zip")) == zipped  # same data
    z = zipfile.ZipFile(io.BytesIO(zipped))
    assert sorted(z.namelist()) == sorted(f"{t}.csv" for t in TABLES)
    answers = _csv(coordinator.get(f"/rounds/{rnd.pk}/exports/answers.csv"))
    sheet = [list(r) for r in wb["answers"].iter_rows(values_only=True)]
    assert len(sheet) == len(answers)
    assert list(csv.reader(io.StringIO(z.read("answers.csv").decode()))) == answers


@pytest.mark.django_db
def test_codebook_describes_every_column_with_edition_and_pipeline(coordinator: Any) -> None:
    rnd = _round()
    book = _csv(coordinator.get(f"/rounds/{rnd.pk}/exports/codebook.csv"))
    head = book[0]
    rows = [dict(zip(head, r, strict=True)) for r in book[1:]]
    about = {r["name"]: r["value"] for r in rows if r["section"] == "about"}
    assert about["edition_id"] == rnd.edition.edition_id
    assert about["edition_sha256"] == rnd.edition.sha256
    assert about["pipeline_name"] and len(about["pipeline_sha256"]) == 64
    assert about["anonymisation_rule"] == "published_named"
    described = {(r["table"], r["name"]) for r in rows if r["section"] == "column"}
    for table in ("answers", "scores", "background", "idata", "imeta"):
        header = _csv(coordinator.get(f"/rounds/{rnd.pk}/exports/{table}.csv"))[0]
        assert {(table, c) for c in header} <= described, table


@pytest.mark.django_db
def test_idata_imeta_run_through_the_engine(coordinator: Any, tmp_path: Path) -> None:
    rnd = _round()
    (tmp_path / "iData.csv").write_bytes(
        _body(coordinator.get(f"/rounds/{rnd.pk}/exports/idata.csv"))
    )
    (tmp_path / "iMeta.csv").write_bytes(
        _body(coordinator.get(f"/rounds/{rnd.pk}/exports/imeta.csv"))
    )
    meta = meta_read(path=tmp_path / "iMeta.csv")
    data = data_read(path=tmp_path / "iData.csv", meta=meta)
    from saferspaces.frameworks.selectors import edition_parsed, edition_pipeline

    pipeline = edition_pipeline(row=rnd.edition, edition=edition_parsed(row=rnd.edition))
    res = pipeline_run(data=data, framework=meta.framework, spec=pipeline.spec).results
    assert len(res.units) == rnd.assessments.count()
    assert all(a in res.codes for a in meta.framework.aggregates())


@pytest.mark.django_db
def test_published_authority_named_others_coded(demo: Any, client: Any) -> None:
    from saferspaces.assessments.models import Round
    from saferspaces.dashboard.models import PeerSharing
    from saferspaces.demo.assessments import ROUND_TITLES

    rnd = Round.objects.get(title=ROUND_TITLES[0])
    assessments = list(rnd.assessments.select_related("authority").order_by("pk"))
    shown, hidden = assessments[0].authority, [a.authority for a in assessments[1:]]
    PeerSharing.objects.update_or_create(authority=shown, defaults={"publish_results": True})
    for a in hidden:
        PeerSharing.objects.filter(authority=a).update(publish_results=False)
    c = _login(client, "coordinator")
    everything = ""
    for table in TABLES:
        everything += _body(c.get(f"/rounds/{rnd.pk}/exports/{table}.csv")).decode()
    assert shown.name in everything
    for a in hidden:
        for word in (a.name, a.slug):  # a whole word: "Montclair" is inside "Montclair-sur-Mer"
            assert not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", everything), word
    bg = _csv(c.get(f"/rounds/{rnd.pk}/exports/background.csv"))
    rows = [dict(zip(bg[0], r, strict=True)) for r in bg[1:]]
    named = [r for r in rows if r["named"] == "yes"]
    assert len(named) == 1 and named[0]["unit_name"] == shown.name
    assert named[0]["country"] == shown.country_code
    # codes are stable: the same in a second download
    again = _csv(c.get(f"/rounds/{rnd.pk}/exports/background.csv"))
    assert [r[0] for r in again] == [r[0] for r in bg]
    html = c.get(f"/rounds/{rnd.pk}/exports/").content.decode()
    assert f"1 of {len(assessments)} authorities are named" in html
