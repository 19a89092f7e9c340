"""Issue 14: no file of a few megabytes may hold a worker, exhaust memory or crash the process.

Every importer of framework editions (YAML, XLSForm), scoring pipelines and answer files (the
answers template, KoboToolbox / ODK exports) meets a corpus of hostile files generated here
(``hostile_corpus.py``): alias bombs, nesting 100,000 deep, zip bombs with honest and lying
headers, broken XML in a worksheet, monstrous CSV lines, files cut short or mixing encodings,
empty files, random bytes, names that lie about the content. Each must be refused with a clear
message naming the problem (and its place), in a child process that stays within 5 s of CPU
time and 256 MB of peak memory, exits non-zero on the command line without a traceback, and
writes nothing. The CPU time is asserted rather than the wall time because a shared test
machine makes the wall time measure the neighbours; the harness kills a child after 20 s of
wall time, which fails the test too. On the web the same files get a 4xx page with the message
and nothing is stored.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import SHARED_DATA, require
from hostile import RSS_MAX_MB, SECONDS_MAX, Outcome, cli_argv, cli_database, run_isolated
from hostile_corpus import AT_LIMITS, CSV, XLSFORM, XLSX, YAML, Hostile, anything, corpus_write
from hostile_index_corpus import IDATA, IMETA, META

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
EDITION = REPO / "src" / "saferspaces" / "frameworks" / "editions" / "ssf-2026.1.yaml"

#: attacks on the zip container, whatever the sheets inside are
_CONTAINER = tuple(h for h in XLSX if not h.name.startswith(("wide-", "far-")))
EDITION_YAML = YAML + anything(".yaml")
EDITION_XLSX = _CONTAINER + XLSFORM + anything(".xlsx")
ANSWER_FILES = XLSX + CSV + anything(".xlsx") + anything(".csv")
EVERYTHING = (
    (YAML + XLSX + XLSFORM + CSV + anything(".yaml") + anything(".xlsx") + anything(".csv"))
    + AT_LIMITS
    + IDATA
    + IMETA
    + (META,)
)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return corpus_write(tmp_path_factory.mktemp("hostile"), EVERYTHING)


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("migrated")


def _ids(items: tuple[Hostile, ...]) -> list[Any]:
    return [pytest.param(h, id=h.name) for h in items]


def _bounded(outcome: Outcome) -> None:
    assert not outcome.crashed, outcome.describe()
    assert not outcome.timed_out, outcome.describe()
    assert outcome.cpu_seconds < SECONDS_MAX, outcome.describe()
    assert outcome.peak_rss_mb < RSS_MAX_MB, outcome.describe()


def _refused_on_command_line(outcome: Outcome, hostile: Hostile) -> None:
    _bounded(outcome)
    assert outcome.returncode not in (0, None), outcome.describe()
    assert "Traceback" not in outcome.stderr, outcome.describe()
    assert re.search(hostile.says, outcome.stderr, re.IGNORECASE), outcome.describe()


def _editions_stored(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute("SELECT COUNT(*) FROM frameworks_frameworkedition").fetchone()[0])


# --- the command line ---------------------------------------------------------------------


@pytest.mark.parametrize("hostile", _ids(EDITION_YAML))
def test_framework_validate_refuses(
    hostile: Hostile, corpus: dict[str, Path], tmp_path: Path
) -> None:
    env = {"SAFERSPACES_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    outcome = run_isolated(cli_argv("framework", "validate", str(corpus[hostile.name])), env=env)
    _refused_on_command_line(outcome, hostile)


@pytest.mark.parametrize("hostile", _ids(EDITION_XLSX))
def test_framework_import_xlsform_refuses(
    hostile: Hostile, corpus: dict[str, Path], tmp_path: Path
) -> None:
    env = {"SAFERSPACES_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    out = tmp_path / "edition.yaml"
    argv = cli_argv("framework", "import-xlsform", str(corpus[hostile.name]), "--out", str(out))
    _refused_on_command_line(run_isolated(argv, env=env), hostile)
    assert not out.exists()


@pytest.mark.parametrize("hostile", _ids(EDITION_YAML + EDITION_XLSX))
def test_framework_load_refuses_and_stores_nothing(
    hostile: Hostile, corpus: dict[str, Path], migrated: Path, tmp_path: Path
) -> None:
    database = tmp_path / "db.sqlite3"
    env = cli_database(migrated, database)
    outcome = run_isolated(cli_argv("framework", "load", str(corpus[hostile.name])), env=env)
    _refused_on_command_line(outcome, hostile)
    assert _editions_stored(database) == 0


@pytest.mark.parametrize("hostile", _ids(EDITION_YAML))
def test_index_build_refuses_a_hostile_pipeline(
    hostile: Hostile, corpus: dict[str, Path], tmp_path: Path
) -> None:
    require(SHARED_DATA.is_dir(), f"reference data not found at {SHARED_DATA}")
    asem = SHARED_DATA / "coinr-asem"
    out = tmp_path / "results.csv"
    argv = cli_argv(
        "index", "build",
        "--data", str(asem / "ASEM_iData.csv"),
        "--meta", str(asem / "ASEM_iMeta.csv"),
        "--pipeline", str(corpus[hostile.name]),
        "--out", str(out),
    )  # fmt: skip
    env = {"SAFERSPACES_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    _refused_on_command_line(run_isolated(argv, env=env), hostile)
    assert not out.exists()


def _index_build(data: Path, meta: Path, out: Path) -> Outcome:
    argv = cli_argv(
        "index", "build", "--data", str(data), "--meta", str(meta),
        "--pipeline", str(REPO / "examples" / "pipelines" / "coinr_minmax_amean.yaml"),
        "--out", str(out),
    )  # fmt: skip
    return run_isolated(argv)  # no settings, no database: a file tool


@pytest.mark.parametrize("hostile", _ids(IDATA + anything(".csv")))
def test_index_build_refuses_hostile_data(
    hostile: Hostile, corpus: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "results.csv"
    outcome = _index_build(corpus[hostile.name], corpus[META.name], out)
    _refused_on_command_line(outcome, hostile)
    assert not out.exists()


@pytest.mark.parametrize("hostile", _ids(IMETA + anything(".csv")))
def test_index_build_refuses_hostile_metadata(
    hostile: Hostile, corpus: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "results.csv"
    outcome = _index_build(corpus[META.name], corpus[hostile.name], out)
    _refused_on_command_line(outcome, hostile)
    assert not out.exists()


def test_index_build_reads_the_valid_tables_of_the_corpus(
    corpus: dict[str, Path], tmp_path: Path
) -> None:
    """The hostile tables above are refused for their faults: the same header and metadata
    with sound rows build."""
    data = tmp_path / "data.csv"
    data.write_bytes(b"uCode,uName,a,b,c\r\nU1,One,1,2,3\r\nU2,Two,4,5,6\r\nU3,Three,7,9,8\r\n")
    out = tmp_path / "results.csv"
    outcome = _index_build(data, corpus[META.name], out)
    assert outcome.returncode == 0, outcome.describe()
    assert out.read_text(encoding="utf-8").splitlines()[0] == "uCode,uName,a,b,c,P,IDX"


# --- the readers behind the web pages, in a child process -------------------------------

#: what the answers import does with an upload, the 413 of the web included (a file over the
#: limit is never read), for both readers (or the one named by a third argument: an upload is
#: read by one of them, chosen by its kind); prints the refusal of each as JSON
_ANSWER_READERS = """
import json, sys
from pathlib import Path
from saferspaces.core.answers_io import AnswerFileError, answers_read, xlsform_submissions_read
from saferspaces.core.framework import edition_load
from saferspaces.core.limits import ANSWERS_FILE_MAX_BYTES, InputError
from saferspaces.core.safeload.text import file_read

edition = edition_load(path=sys.argv[1])
path = Path(sys.argv[2])
readers = {"answers": answers_read, "submissions": xlsform_submissions_read}
if len(sys.argv) > 3:
    readers = {sys.argv[3]: readers[sys.argv[3]]}
out = {}
for name, read in readers.items():
    try:
        content = file_read(path=path, max_bytes=ANSWERS_FILE_MAX_BYTES)
        read(filename=path.name, content=content, edition=edition)
        out[name] = None
    except (AnswerFileError, InputError) as error:
        out[name] = str(error)
print(json.dumps(out))
"""


@pytest.mark.parametrize("hostile", _ids(ANSWER_FILES))
def test_answer_readers_refuse_within_bounds(hostile: Hostile, corpus: dict[str, Path]) -> None:
    argv = [sys.executable, "-c", _ANSWER_READERS, str(EDITION), str(corpus[hostile.name])]
    outcome = run_isolated(argv)
    _bounded(outcome)
    assert outcome.returncode == 0, outcome.describe()
    refusals = json.loads(outcome.stdout)
    for reader, message in refusals.items():
        assert message is not None, f"{reader} accepted {hostile.name}"
        assert re.search(hostile.says, message, re.IGNORECASE), f"{reader}: {message}"


@pytest.mark.parametrize("largest", _ids(AT_LIMITS))
def test_the_largest_files_within_the_limits_stay_within_bounds(
    largest: Hostile, corpus: dict[str, Path], tmp_path: Path
) -> None:
    """The limits are sized right: the worst file they let through is read within the bounds."""
    path = corpus[largest.name]
    if largest.family == "yaml":
        env = {"SAFERSPACES_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
        outcome = run_isolated(cli_argv("framework", "validate", str(path)), env=env)
        _bounded(outcome)
        assert "more than" not in outcome.stderr  # not refused for a limit: read, then invalid
        return
    # each reader in a process of its own, as the import reads an upload with the one its kind
    # names (assessments.imports): a workbook without a <dimension> element is parsed twice by
    # openpyxl, so the worst one takes about 2 s of CPU per reader here
    for reader in ("answers", "submissions"):
        argv = [sys.executable, "-c", _ANSWER_READERS, str(EDITION), str(path), reader]
        outcome = run_isolated(argv)
        _bounded(outcome)
        assert outcome.returncode == 0, outcome.describe()
        (message,) = json.loads(outcome.stdout).values()
        assert message is None or "more than" not in message, message


# --- the web pages ----------------------------------------------------------------------


@pytest.fixture
def coordinator(demo_module: Any, db: Any) -> Any:
    from saferspaces.accounts.models import User
    from saferspaces.demo.generator import PERSONAS

    return User.objects.get(email=next(p.email for p in PERSONAS if p.key == "coordinator"))


@pytest.fixture
def open_assessment(coordinator: Any) -> Any:
    """A fresh assessment of the lead's authority in a round opened today."""
    import datetime as dt

    from saferspaces.assessments.rounds import round_open
    from saferspaces.authorities.models import Authority, Network
    from saferspaces.demo.generator import MAIN_NETWORK, PERSONA_AUTHORITY
    from saferspaces.frameworks.models import FrameworkEdition

    today = dt.date.today()
    return round_open(
        network=Network.objects.get(name=MAIN_NETWORK),
        edition=FrameworkEdition.objects.get(edition_id="ssf-2026.1"),
        title="Hostile files",
        period_start=dt.date(today.year - 1, 1, 1),
        period_end=dt.date(today.year - 1, 12, 31),
        deadline=today + dt.timedelta(days=30),
        authorities=[Authority.objects.get(name=PERSONA_AUTHORITY)],
        consensus=False,
        user=coordinator,
    ).assessments.get()


def _client(email_key: str) -> Any:
    from django.test import Client

    from saferspaces.accounts.models import User
    from saferspaces.demo.generator import PERSONAS

    client = Client()
    client.force_login(
        User.objects.get(email=next(p.email for p in PERSONAS if p.key == email_key))
    )
    return client


def _page_says(response: Any, hostile: Hostile) -> None:
    import html

    text = html.unescape(response.content.decode())
    assert 400 <= response.status_code < 500, (response.status_code, text[-3000:])
    assert re.search(hostile.says, text, re.IGNORECASE), text[-3000:]


#: files the pages take at all (the 50 MB line is refused unread: tests/web/test_upload_limits.py)
_WEB_ANSWERS = tuple(h for h in ANSWER_FILES if h.name != "line-50mb.csv")


@pytest.mark.parametrize("hostile", _ids(EDITION_YAML + EDITION_XLSX))
def test_edition_upload_page_refuses_and_stores_nothing(
    hostile: Hostile, corpus: dict[str, Path], coordinator: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from saferspaces.frameworks.models import FrameworkEdition

    before = FrameworkEdition.objects.count()
    content = corpus[hostile.name].read_bytes()
    response = _client("coordinator").post(
        "/frameworks/upload/", {"file": SimpleUploadedFile(hostile.name, content)}
    )
    _page_says(response, hostile)
    assert FrameworkEdition.objects.count() == before


@pytest.mark.parametrize("kind", ["answers", "submission"])
@pytest.mark.parametrize("hostile", _ids(_WEB_ANSWERS))
def test_answers_import_page_refuses_and_stores_nothing(
    hostile: Hostile, kind: str, corpus: dict[str, Path], open_assessment: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from saferspaces.assessments.models import Answer, AnswerImport

    content = corpus[hostile.name].read_bytes()
    response = _client("lead").post(
        f"/assessments/{open_assessment.pk}/import/",
        {"kind": kind, "file": SimpleUploadedFile(hostile.name, content)},
    )
    _page_says(response, hostile)
    assert not AnswerImport.objects.filter(assessment=open_assessment).exists()
    assert not Answer.objects.filter(assessment=open_assessment).exists()
