"""The NUTS file parser: the real registry, and malformed files reported with their lines."""

from __future__ import annotations

import pytest

from saferspaces.core.nuts import (
    NutsFileError,
    is_extra_regio,
    nuts_coverage_check,
    nuts_parse_bytes,
)

HEADER = "\ufeffCountry code;NUTS Code;NUTS label;NUTS level;Country order;#;;\n"


def test_real_registry_counts(shared_data) -> None:  # type: ignore[no-untyped-def]
    data = (shared_data / "nuts" / "NUTS2021-NUTS2024.csv").read_bytes()
    result = nuts_parse_bytes(data=data, source="NUTS2021-NUTS2024.csv")
    assert result.count_by_level() == {1: 92, 2: 244, 3: 1165}
    assert result.empty_rows == 609
    assert result.extra_regio > 0
    assert not any(is_extra_regio(r.code) for r in result.records)
    by_code = {r.code: r for r in result.records}
    assert by_code["FR101"].label == "Paris"
    assert by_code["FR101"].parent_code == "FR10"
    assert by_code["ES523"].label == "Valencia/València"


def test_extra_regio_detection() -> None:
    assert is_extra_regio("FRZ") and is_extra_regio("FRZZ") and is_extra_regio("FRZZZ")
    assert not is_extra_regio("FR") and not is_extra_regio("FRZ1") and not is_extra_regio("DE300")


def test_empty_rows_and_extra_regio_dropped() -> None:
    text = (
        HEADER
        + "BE;BE1;Bruxelles;1;1;1;;\n;;;;;;;\nBE;BE10;Bruxelles;2;1;2;;\nBE;BEZ;Extra-Regio NUTS 1;1;1;3;;\n"
    )
    result = nuts_parse_bytes(data=text.encode(), source="t.csv")
    assert [r.code for r in result.records] == ["BE1", "BE10"]
    assert result.empty_rows == 1 and result.extra_regio == 1


def test_every_problem_is_reported_with_its_line() -> None:
    text = HEADER + (
        "BE;BE1;Bruxelles;1;1;1;;\n"
        "BE;BE1;Bruxelles again;1;1;1;;\n"  # line 3: duplicate
        "BE;BE10;;2;1;2;;\n"  # line 4: empty label
        "BE;BE100;Arr.;two;1;3;;\n"  # line 5: level not a number
        "FR;BE21;Antwerpen;2;1;4;;\n"  # line 6: wrong country; parent BE2 missing
        "BE;be-1;Bad;1;1;5;;\n"  # line 7: not a code
    )
    with pytest.raises(NutsFileError) as caught:
        nuts_parse_bytes(data=text.encode(), source="bad.csv")
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith("line 3") and "appears twice (first on line 2)" in m for m in messages)
    assert any(m.startswith("line 4") and "empty label" in m for m in messages)
    assert any(m.startswith("line 5") and "'two' is not 1, 2 or 3" in m for m in messages)
    assert any(m.startswith("line 6") and "country code 'FR'" in m for m in messages)
    assert any(m.startswith("line 7") and "is not a NUTS code" in m for m in messages)
    assert "bad.csv, line 3" in str(caught.value)


def test_not_a_nuts_file() -> None:
    with pytest.raises(NutsFileError, match="missing column"):
        nuts_parse_bytes(data=b"a,b,c\n1,2,3\n", source="x.csv")
    with pytest.raises(NutsFileError, match="empty"):
        nuts_parse_bytes(data=b"", source="x.csv")
    with pytest.raises(NutsFileError, match="not UTF-8"):
        nuts_parse_bytes(data=b"\xff\xfe\x00", source="x.csv")


def _real(shared_data) -> bytes:  # type: ignore[no-untyped-def]
    return (shared_data / "nuts" / "NUTS2021-NUTS2024.csv").read_bytes()


def test_latin1_bytes_are_reported_on_their_true_line_and_column(shared_data) -> None:  # type: ignore[no-untyped-def]
    lines = _real(shared_data).split(b"\n")
    assert lines[7].startswith(b"BE;BE212;Arr. Mechelen")
    lines[7] = lines[7].replace(b"Mechelen", "Méchelen".encode("latin-1"))
    with pytest.raises(NutsFileError) as caught:
        nuts_parse_bytes(data=b"\n".join(lines), source="nuts.csv")
    (problem,) = caught.value.problems
    assert (problem.line, problem.char) == (8, len("BE;BE212;Arr. M") + 1)
    assert "0xE9" in problem.message and "UTF-8" in problem.message
    assert str(problem).startswith("line 8, column 16")


def test_a_line_longer_than_the_limit_is_refused_with_its_number() -> None:
    from saferspaces.core.limits import LINE_MAX_CHARS

    text = HEADER + "BE;BE1;Bruxelles;1;1;1;;\n" + "BE;BE10;" + "x" * LINE_MAX_CHARS + ";2;1;2;;\n"
    with pytest.raises(NutsFileError) as caught:
        nuts_parse_bytes(data=text.encode(), source="nuts.csv")
    (problem,) = caught.value.problems
    assert problem.line == 3 and f"{LINE_MAX_CHARS:,}" in problem.message


def test_the_whole_classification_is_complete(shared_data) -> None:  # type: ignore[no-untyped-def]
    result = nuts_parse_bytes(data=_real(shared_data), source="NUTS2021-NUTS2024.csv")
    nuts_coverage_check(result=result, source="NUTS2021-NUTS2024.csv")


def test_a_file_cut_at_a_row_boundary_is_refused_with_the_reason(shared_data) -> None:  # type: ignore[no-untyped-def]
    lines = _real(shared_data).split(b"\n")
    cut = b"\n".join(lines[:1000]) + b"\n"  # every region of the cut file has its parent
    result = nuts_parse_bytes(data=cut, source="cut.csv")
    with pytest.raises(NutsFileError) as caught:
        nuts_coverage_check(result=result, source="cut.csv")
    text = str(caught.value)
    assert "NUTS 2024 has 92 NUTS 1, 244 NUTS 2 and 1,165 NUTS 3 regions" in text
    assert "cut short" in text
    assert "15 of the 27 EU countries are missing" in text and "SE" in text
    assert "'ITF2' has no NUTS 3 region" in text  # the cut fell after a NUTS 2 row


def test_a_region_without_its_children_is_named(shared_data) -> None:  # type: ignore[no-untyped-def]
    lines = _real(shared_data).split(b"\n")
    end = next(i for i, line in enumerate(lines) if line.startswith(b"BE;BE22;"))
    result = nuts_parse_bytes(data=b"\n".join(lines[: end + 1]), source="cut.csv")
    with pytest.raises(NutsFileError) as caught:
        nuts_coverage_check(result=result, source="cut.csv")
    assert any(
        p.line == end + 1 and "'BE22' has no NUTS 3 region" in p.message
        for p in caught.value.problems
    )


def test_a_region_missing_its_parent_is_refused(shared_data) -> None:  # type: ignore[no-untyped-def]
    lines = [line for line in _real(shared_data).split(b"\n") if not line.startswith(b"BE;BE21;")]
    with pytest.raises(NutsFileError) as caught:
        nuts_parse_bytes(data=b"\n".join(lines), source="nuts.csv")
    messages = [str(p) for p in caught.value.problems]
    assert any("parent region 'BE21' of 'BE211' is not in the file" in m for m in messages)
