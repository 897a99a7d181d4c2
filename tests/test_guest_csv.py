"""Reading a guest CSV as a spreadsheet saves it: each delimiter, encoding and byte-order
mark, short and long rows, quoted cells, and what an import then says of each row.

The reader does not depend on the backend, so these run on SQLite only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Result, Runner


@pytest.fixture
def ledger(tmp_path: Path) -> list[str]:
    return ["invites", "--ledger", str(tmp_path / "guests.invites.db")]


def imported(run: Runner, ledger: list[str], tmp_path: Path, content: bytes | str,
             *extra: str) -> Result:
    source = tmp_path / "guests.csv"
    if isinstance(content, str):
        source.write_text(content, encoding="utf-8", newline="")
    else:
        source.write_bytes(content)
    return run(*ledger, "import", str(source), *extra)


def guests(run: Runner, ledger: list[str]) -> list[dict[str, object]]:
    result = run(*ledger, "list", "-f", "json")
    assert result.code == 0, result.stderr
    found: list[dict[str, object]] = json.loads(result.stdout)
    return sorted(found, key=lambda e: str(e["name"]))


def fields(found: list[dict[str, object]], *keys: str) -> list[tuple[object, ...]]:
    return [tuple(e[k] for k in keys) for e in found]


def refused(result: Result, message: str) -> None:
    assert result.code == 1, result.stderr
    assert result.stdout == ""
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- delimiters


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_each_delimiter_is_read_from_the_header(run: Runner, ledger: list[str], tmp_path: Path,
                                                delimiter: str) -> None:
    rows = [["name", "organization", "category", "country", "note"],
            ["Sample Delegate 1", "Sample Organisation", "experts", "DE", "first"],
            ["Sample Delegate 2", "", "government", "FR", "second"]]
    text = "".join(delimiter.join(row) + "\n" for row in rows)
    result = imported(run, ledger, tmp_path, text)
    assert result.code == 0, result.stderr
    assert "created 2, updated 0, unchanged 0 (2 rows)" in result.stderr
    assert fields(guests(run, ledger), "name", "organization", "category", "country",
                  "note") == [
        ("Sample Delegate 1", "Sample Organisation", "experts", "DE", "first"),
        ("Sample Delegate 2", "", "government", "FR", "second")]


def test_only_the_header_picks_the_delimiter(run: Runner, ledger: list[str],
                                             tmp_path: Path) -> None:
    # Semicolons in the header; the rows below are full of commas, in quoted cells.
    text = ('name;organization;category;country;note\n'
            'Sample Delegate 1;"Sample, Organisation, One, Two";experts;DE;"a, b, c, d, e"\n')
    result = imported(run, ledger, tmp_path, text)
    assert result.code == 0, result.stderr
    assert fields(guests(run, ledger), "organization", "note") == [
        ("Sample, Organisation, One, Two", "a, b, c, d, e")]


def test_as_many_semicolons_as_commas_is_a_comma_file(run: Runner, ledger: list[str],
                                                     tmp_path: Path) -> None:
    text = "name,category,country;note;x\nA,experts,DE;x;y\n"
    refused(imported(run, ledger, tmp_path, text), "unknown column(s) 'country;note;x'")


def test_a_semicolon_header_with_commas_in_it_is_split_on_semicolons(
        run: Runner, ledger: list[str], tmp_path: Path) -> None:
    text = "name;category;country;organization,x\nA;experts;DE;B\n"
    refused(imported(run, ledger, tmp_path, text), "unknown column(s) 'organization,x'")


# --------------------------------------------------------------------------- encodings


def test_utf8_with_and_without_a_byte_order_mark(run: Runner, ledger: list[str],
                                                 tmp_path: Path) -> None:
    text = "name,category,country\nJosé Ñúñez,experts,DE\n"
    assert imported(run, ledger, tmp_path, text.encode("utf-8")).code == 0
    again = imported(run, ledger, tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert again.code == 0, again.stderr
    assert "created 0, updated 0, unchanged 1" in again.stderr  # the BOM is no part of "name"
    assert fields(guests(run, ledger), "name") == [("José Ñúñez",)]


@pytest.mark.parametrize(("encoding", "line"), [("latin-1", 3), ("cp1252", 3), ("utf-16", 1)])
def test_a_file_in_another_encoding_names_the_line_and_what_to_do(
        run: Runner, ledger: list[str], tmp_path: Path, encoding: str, line: int) -> None:
    text = "name,category,country\nSample,experts,DE\nJosé,experts,DE\n"
    result = imported(run, ledger, tmp_path, text.encode(encoding))
    refused(result, f"guests.csv:{line}: the file is not UTF-8 text; save it as UTF-8 "
                    '(in Excel: "CSV UTF-8") and import again')
    assert len(result.stderr.splitlines()) == 1


# --------------------------------------------------------------------------- the header


def test_column_names_are_read_in_any_case_and_spacing(run: Runner, ledger: list[str],
                                                       tmp_path: Path) -> None:
    text = " Name ,CATEGORY,Country  ,E-mail\n"
    refused(imported(run, ledger, tmp_path, text), "guests.csv:1: unknown column(s) 'E-mail'; "
            "the columns are: name, category, country, organization, email, quantity, status, "
            "note")
    ok = imported(run, ledger, tmp_path, " Name ,CATEGORY,Country  ,EMAIL\nA,experts,de,"
                  "a@example.org\n")
    assert ok.code == 0, ok.stderr
    assert fields(guests(run, ledger), "name", "country", "email") == [
        ("A", "DE", "a@example.org")]


def test_a_column_named_twice_is_refused(run: Runner, ledger: list[str], tmp_path: Path) -> None:
    text = "name,category,country,Note,email,NOTE,email\nA,experts,DE,x,,y,\n"
    refused(imported(run, ledger, tmp_path, text),
            "guests.csv:1: column(s) named twice: email, note")


def test_every_missing_column_is_named(run: Runner, ledger: list[str], tmp_path: Path) -> None:
    refused(imported(run, ledger, tmp_path, "email,note\na@example.org,x\n"),
            "guests.csv:1: missing column(s): name, category, country")


def test_an_export_can_be_imported_back_with_its_own_columns(
        run: Runner, ledger: list[str], tmp_path: Path) -> None:
    text = "name,category,country\nSample Delegate 1,experts,DE\n"
    assert imported(run, ledger, tmp_path, text).code == 0
    exported = run(*ledger, "export", "-f", "csv")
    assert exported.code == 0, exported.stderr
    header = exported.stdout.splitlines()[0].split(",")
    assert {"id", "country_name", "created", "updated"} <= set(header)
    edited = exported.stdout.replace("Sample Delegate 1", "Sample Delegate One")
    again = imported(run, ledger, tmp_path, edited)
    assert again.code == 0, again.stderr
    assert "created 0, updated 1, unchanged 0" in again.stderr
    assert fields(guests(run, ledger), "name") == [("Sample Delegate One",)]


# --------------------------------------------------------------------------- rows


def test_blank_rows_are_skipped_and_lines_counted_across_quoted_line_breaks(
        run: Runner, ledger: list[str], tmp_path: Path) -> None:
    text = ("name,category,country,note\n"
            "\n"
            " , ,  ,\n"
            'Sample Delegate 1,experts,DE,"a note\non two lines"\n'
            "Sample Delegate 2,experts,Atlantis,\n"
            'Sample Delegate 3,experts,DE,"three\nmore\nlines"\n'
            "Sample Delegate 4,astronauts,DE,\n")
    result = imported(run, ledger, tmp_path, text)
    refused(result, "2 bad row(s); nothing was imported")
    assert "guests.csv:6: country 'Atlantis'" in result.stderr
    assert "guests.csv:10: unknown category 'astronauts'" in result.stderr
    fixed = text.replace("Atlantis", "FR").replace("astronauts", "experts")
    ok = imported(run, ledger, tmp_path, fixed)
    assert ok.code == 0, ok.stderr
    assert "created 4, updated 0, unchanged 0 (4 rows)" in ok.stderr
    assert fields(guests(run, ledger), "note")[0] == ("a note\non two lines",)


def test_a_short_row_has_its_last_cells_empty(run: Runner, ledger: list[str],
                                              tmp_path: Path) -> None:
    text = "name,category,country,organization,note\nSample Delegate 1,experts,DE\n"
    result = imported(run, ledger, tmp_path, text)
    assert result.code == 0, result.stderr
    assert fields(guests(run, ledger), "name", "organization", "note") == [
        ("Sample Delegate 1", "", "")]


def test_a_long_row_says_how_many_cells_and_columns(run: Runner, ledger: list[str],
                                                    tmp_path: Path) -> None:
    text = "name,category,country\nA,experts,DE\nB,experts,DE,x,y\nC,experts,DE,z\n"
    result = imported(run, ledger, tmp_path, text)
    refused(result, "2 bad row(s)")
    assert "guests.csv:3: 5 cells, but the header names 3 columns" in result.stderr
    assert "guests.csv:4: 4 cells, but the header names 3 columns" in result.stderr
    assert fields(guests(run, ledger), "name") == []


def test_cells_are_trimmed_and_a_quoted_formula_is_unquoted(
        run: Runner, ledger: list[str], tmp_path: Path) -> None:
    text = ("name,category,country,note\n"
            "  Sample Delegate 1  , experts ,  DE , '=1+2 \n"
            "Sample Delegate 2,experts,DE,'plain\n"
            "Sample Delegate 3,experts,DE,'\n"
            "Sample Delegate 4,experts,DE,''@x\n")
    result = imported(run, ledger, tmp_path, text)
    assert result.code == 0, result.stderr
    assert fields(guests(run, ledger), "name", "note") == [
        ("Sample Delegate 1", "=1+2"), ("Sample Delegate 2", "'plain"),
        ("Sample Delegate 3", "'"), ("Sample Delegate 4", "''@x")]


def test_a_cell_beyond_the_csv_field_limit_is_one_error_with_its_line(
        run: Runner, ledger: list[str], tmp_path: Path) -> None:
    text = "name,category,country,note\nA,experts,DE,x\nB,experts,DE," + "n" * 200_000 + "\n"
    result = imported(run, ledger, tmp_path, text)
    refused(result, "guests.csv:3: not valid CSV: field larger than field limit")
    assert len(result.stderr.splitlines()) == 1


# --------------------------------------------------------------------------- matching


def test_new_rows_are_told_which_cell_a_new_entry_needs(run: Runner, ledger: list[str],
                                                       tmp_path: Path) -> None:
    text = ("name,category,country\n"
            ",experts,DE\n"
            "B,,DE\n"
            "C,experts,\n")
    result = imported(run, ledger, tmp_path, text)
    refused(result, "3 bad row(s)")
    assert "guests.csv:2: name is empty (needed for a new entry)" in result.stderr
    assert "guests.csv:3: category is empty (needed for a new entry)" in result.stderr
    assert "guests.csv:4: country is empty (needed for a new entry)" in result.stderr


def test_one_new_guest_twice_by_name_and_organisation_is_refused(
        run: Runner, ledger: list[str], tmp_path: Path) -> None:
    text = ("name,organization,category,country\n"
            "Sample Delegate,Sample Org,experts,DE\n"
            "Other Delegate,Sample Org,experts,DE\n"
            "sample  DELEGATE, sample org,experts,FR\n")
    result = imported(run, ledger, tmp_path, text)
    refused(result, "1 bad row(s)")
    assert "guests.csv:4: same guest as line 2 (Sample Delegate)" in result.stderr


def test_a_row_without_email_matches_by_name_and_organisation(
        run: Runner, ledger: list[str], tmp_path: Path) -> None:
    first = ("name,organization,category,country,email\n"
             "Sample Delegate,Sample Org,experts,DE,one@example.org\n"
             "Other Delegate,Sample Org,experts,DE,\n")
    assert imported(run, ledger, tmp_path, first).code == 0
    second = ("name,organization,category,country\n"
              "SAMPLE delegate,sample org,,FR\n"
              "other delegate, Sample  Org ,government,\n")
    result = imported(run, ledger, tmp_path, second)
    assert result.code == 0, result.stderr
    assert "created 0, updated 2, unchanged 0" in result.stderr
    assert fields(guests(run, ledger), "name", "category", "country", "email") == [
        ("SAMPLE delegate", "experts", "FR", "one@example.org"),
        ("other delegate", "government", "DE", "")]


def test_an_id_picks_the_entry_in_any_case_and_an_unknown_id_is_a_bad_row(
        run: Runner, ledger: list[str], tmp_path: Path) -> None:
    assert imported(run, ledger, tmp_path, "name,category,country\nSample,experts,DE\n"
                    ).code == 0
    entry = str(guests(run, ledger)[0]["id"])
    text = (f"id,name,category,country\n {entry.upper()} ,Renamed,,\n"
            "zzzzzz,Nobody,experts,DE\n")
    result = imported(run, ledger, tmp_path, text)
    refused(result, "guests.csv:3: no invitation with id 'zzzzzz'")
    ok = imported(run, ledger, tmp_path, text.splitlines()[0] + "\n" + text.splitlines()[1])
    assert ok.code == 0, ok.stderr
    assert fields(guests(run, ledger), "id", "name") == [(entry, "Renamed")]


def test_an_unchanged_row_changes_nothing_and_a_changed_one_only_its_cells(
        run: Runner, ledger: list[str], tmp_path: Path) -> None:
    text = ("name,category,country,email,quantity,note\n"
            "Sample Delegate,experts,DE,one@example.org,2,first\n")
    assert imported(run, ledger, tmp_path, text).code == 0
    before = guests(run, ledger)
    same = imported(run, ledger, tmp_path, text.replace(",2,", ",,").replace("first", ""))
    assert "created 0, updated 0, unchanged 1" in same.stderr
    assert guests(run, ledger) == before
    changed = imported(run, ledger, tmp_path, text.replace(",2,", ",3,"))
    assert "created 0, updated 1, unchanged 0" in changed.stderr
    after = guests(run, ledger)
    assert fields(after, "quantity", "note", "email") == [(3, "first", "one@example.org")]


def test_a_status_and_note_in_one_row_go_into_the_history_together_if_allowed(
        run: Runner, ledger: list[str], tmp_path: Path) -> None:
    text = "name,category,country,email\nSample Delegate,experts,DE,one@example.org\n"
    assert imported(run, ledger, tmp_path, text, "--listed").code == 0
    entry = str(guests(run, ledger)[0]["id"])
    update = ("name,category,country,email,status,note\n"
              "Sample Delegate,,,one@example.org,Accepted,said yes by phone\n")
    refused(imported(run, ledger, tmp_path, update),
            f"guests.csv:2: {entry}: cannot set accepted: the guest has not been invited yet")
    result = imported(run, ledger, tmp_path, update, "--force")
    assert result.code == 0, result.stderr
    history = json.loads(run(*ledger, "history", entry, "-f", "json").stdout)
    assert [(h["status"], h["note"]) for h in history] == [
        ("listed", ""), ("accepted", "said yes by phone")]


def test_the_largest_quantity_is_imported_and_counted(run: Runner, ledger: list[str],
                                                      tmp_path: Path) -> None:
    from wiccli.limits import MAX_QUANTITY

    text = f"name,category,country,quantity\nSample Delegate,experts,DE,{MAX_QUANTITY}\n"
    assert imported(run, ledger, tmp_path, text).code == 0
    status = run(*ledger, "status", "-f", "json")
    assert status.code == 0, status.stderr
    assert fields(guests(run, ledger), "quantity") == [(MAX_QUANTITY,)]
    too_many = imported(run, ledger, tmp_path, text.replace(f",{MAX_QUANTITY}",
                                                            f",{MAX_QUANTITY + 1}"))
    refused(too_many, f"guests.csv:2: quantity must be a whole number from 1 to "
                      f"{MAX_QUANTITY:,}, got {MAX_QUANTITY + 1}")


def test_a_control_character_in_a_cell_names_the_cell(run: Runner, ledger: list[str],
                                                      tmp_path: Path) -> None:
    text = ("name,organization,category,country,note\n"
            "Sample\x1b[31m Delegate,,experts,DE,\n"
            "Sample Delegate 2,Org\x07,experts,DE,\n"
            "Sample Delegate 3,,experts,DE,a bell\x07\n")
    result = imported(run, ledger, tmp_path, text)
    refused(result, "3 bad row(s)")
    problems = [line.split(": ", 2)[2] for line in result.stderr.splitlines()[1:]]
    assert [p.split(":")[0] for p in problems] == ["name", "organization", "note"]
    assert problems[2] == "note: contains a control character (U+0007); remove it"
