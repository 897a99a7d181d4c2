"""Export profiles: `wic invites export --profile NAME` lets out what the profile names and
nothing more, in csv, tsv, json, xlsx (read back with a second library) or pdf."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from conftest import DATA, ROOT, LedgerUnderTest, Runner, need_program, need_weasyprint, write

EVENT = DATA / "guest-fields.toml"
GUESTS = DATA / "guests-fields.csv"  # five guests, one named like a spreadsheet formula
# Every piece of a guest's identity that a redacting profile must not let out (PEOPLE: all
# but the organisations, which an address's domain may name).
SECRETS = ["Ana Souza", "Souza", "Li Wei", "Kofi", "Mensah", "Marta", "Kowalska", "HYPERLINK",
           "ana.souza", "li.wei", "kofi.mensah", "marta.kowalska", "formula@", "@orquidea",
           "Orquidea", "Tsinghua", "Accra", "Gazeta", "PBR445566", "PCN112233", "PGH998877",
           "PPL776655", "PDE000111"]
PEOPLE = [s for s in SECRETS if s not in ("Orquidea", "Tsinghua", "Accra", "Gazeta")]


@pytest.fixture
def guests(run: Runner, ledger: LedgerUnderTest, tmp_path: Path) -> LedgerUnderTest:
    result = run("-e", str(EVENT), *ledger.args(), "import", str(GUESTS))
    assert result.code == 0, result.stderr
    return ledger


def export(run: Runner, ledger: LedgerUnderTest, profile: str, *args: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return run("-e", str(EVENT), *ledger.args(), "export", "--profile", profile, *args,
               **kwargs)


def written(run: Runner, ledger: LedgerUnderTest, profile: str, tmp_path: Path,
            name: str) -> bytes:
    result = export(run, ledger, profile, "-o", name)
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    assert f"wrote {name} (" in result.stderr
    path = tmp_path / name
    assert path.stat().st_mode & 0o077 == 0  # guests' details: the owner's only
    return path.read_bytes()


def every_byte(data: bytes) -> bytes:
    """The file's bytes, and each member of a zip (xlsx) unpacked."""
    if not data.startswith(b"PK"):
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return data + b"".join(archive.read(n) for n in archive.namelist())


def leaks(data: bytes, secrets: list[str]) -> list[str]:
    found = every_byte(data).decode("utf-8", "replace").casefold()
    return [s for s in secrets if s.casefold() in found]


def read_xlsx(data: bytes, tmp_path: Path) -> list[list[object]]:
    """The first sheet as python-calamine reads it: not the library that wrote it."""
    from python_calamine import CalamineWorkbook

    path = tmp_path / "read.xlsx"
    path.write_bytes(data)
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- formats


def test_the_hotel_gets_an_xlsx_of_accepted_guests_sorted_by_arrival(
        run: Runner, guests: LedgerUnderTest, tmp_path: Path) -> None:
    rows = read_xlsx(written(run, guests, "hotel", tmp_path, "hotel.xlsx"), tmp_path)
    assert rows[0] == ["Name", "Organisation", "Arrival", "hotel", "companions"]
    assert [r[0] for r in rows[1:]] == ["Li Wei", "=HYPERLINK(\"http://evil.example\")",
                                        "Ana Souza", "Marta Kowalska"]
    assert rows[3][1:] == ["Orquidea Labs", date(2025, 3, 28), "Parkhotel", 2.0]  # a date


def test_an_xlsx_cell_that_looks_like_a_formula_is_text(run: Runner, guests: LedgerUnderTest,
                                                        tmp_path: Path) -> None:
    import openpyxl

    data = written(run, guests, "hotel", tmp_path, "hotel.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cell = sheet["A3"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(\"http://evil.example\")", "s")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_the_caterer_gets_counts_and_never_a_name(run: Runner, guests: LedgerUnderTest) -> None:
    result = export(run, guests, "caterer")
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == ["dietary,guests,people", "kosher,1,1", "none,1,1",
                                          "vegan,2,2"]
    assert leaks(result.stdout.encode(), SECRETS) == []


def test_transport_gets_initials_of_shuttle_guests_newest_arrival_first(
        run: Runner, guests: LedgerUnderTest) -> None:
    result = export(run, guests, "transport")
    assert result.code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["arrival"] for r in rows] == ["2025-03-28", "2025-03-28", "2025-03-27"]
    assert sorted((r["name"], r["shuttle"]) for r in rows) == [
        ("=.", True), ("A. S.", True), ("L. W.", True)]  # Kofi takes no shuttle: not there
    assert all(set(r) == {"id", "name", "arrival", "shuttle"} for r in rows)
    assert leaks(result.stdout.encode(), SECRETS) == []


def test_unset_values_sort_last_also_when_descending(run: Runner, guests: LedgerUnderTest,
                                                     tmp_path: Path) -> None:
    text = EVENT.read_text(encoding="utf-8") + """
[exports.late]
format = "json"
columns = ["name", "arrival"]
sort = ["-arrival", "name"]
"""
    event = write(tmp_path / "e.toml", text)
    result = run("-e", str(event), *guests.args(), "export", "--profile", "late")
    assert result.code == 0, result.stderr
    assert [(r["name"], r["arrival"]) for r in json.loads(result.stdout)] == [
        ("Kofi Mensah", "2025-03-29"), ("=HYPERLINK(\"http://evil.example\")", "2025-03-28"),
        ("Ana Souza", "2025-03-28"), ("Li Wei", "2025-03-27"), ("Marta Kowalska", None)]


def test_a_domain_redaction_keeps_the_domain_alone(run: Runner, guests: LedgerUnderTest) -> None:
    result = export(run, guests, "domains")
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "email\tcountry"
    assert sorted(lines[1:]) == ["accra.example\tGH", "gazeta.example\tPL"]  # the press only
    assert leaks(result.stdout.encode(), PEOPLE) == []


def test_the_ministry_pdf_lists_the_private_field_it_names(
        run: Runner, guests: LedgerUnderTest, tmp_path: Path) -> None:
    need_weasyprint()
    pdftotext = need_program("pdftotext", "poppler-utils")
    written(run, guests, "ministry", tmp_path, "visa.pdf")
    text = subprocess.run([pdftotext, "-layout", str(tmp_path / "visa.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Visa support list" in text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Ana Souza Brazil PBR445566 2025-03-28" in lines
    assert "Kofi Mensah Ghana PGH998877 2025-03-29" in lines


# --------------------------------------------------------------------------- leaking nothing


def test_a_profile_that_redacts_leaks_no_name_address_or_private_value(
        run: Runner, guests: LedgerUnderTest, tmp_path: Path) -> None:
    for profile, name in (("anonymous", "a.xlsx"), ("caterer", "c.csv"), ("transport", "t.json"),
                          ("domains", "d.tsv")):
        data = written(run, guests, profile, tmp_path, name)
        assert leaks(data, PEOPLE if profile == "domains" else SECRETS) == [], profile
    rows = read_xlsx((tmp_path / "a.xlsx").read_bytes(), tmp_path)
    assert rows[0] == ["Category", "Country", "Dietary needs", "companions"]
    assert len(rows) == 6


def test_private_fields_leave_only_through_a_profile_that_names_them(
        run: Runner, guests: LedgerUnderTest, tmp_path: Path) -> None:
    passports = [s for s in SECRETS if s.startswith("P") and s[1:3].isalpha() and
                 s[3:].isdigit()]
    for profile, name in (("hotel", "h.xlsx"), ("anonymous", "a.xlsx"), ("transport", "t.json")):
        assert leaks(written(run, guests, profile, tmp_path, name), passports) == [], profile
    for args in (["-f", "csv"], ["-f", "json"], ["--redact", "-f", "json"]):
        plain = run("-e", str(EVENT), *guests.args(), "export", *args)
        assert plain.code == 0
        assert leaks(plain.stdout.encode(), passports) == [], args
    redacted = run("-e", str(EVENT), *guests.args(), "export", "--redact", "-f", "json")
    assert leaks(redacted.stdout.encode(), PEOPLE) == []


# --------------------------------------------------------------------------- mistakes


@pytest.mark.parametrize(("args", "message", "code"), [
    (["--profile", "nope"], "--profile: no export profile 'nope' (profiles: hotel, transport, "
     "caterer, anonymous, domains, ministry)", 1),
    (["--profile", "caterer", "-f", "json"], "--profile: the profile fixes the format", 2),
    (["--profile", "caterer", "--redact"], "--profile: the profile fixes the format", 2),
    (["-o", "x.csv"], "-o/--output goes with --profile", 2),
    (["--profile", "caterer", "-o", " "], "-o/--output: give a file name", 2),
])
def test_a_mistake_is_one_line(run: Runner, guests: LedgerUnderTest, args: list[str],
                               message: str, code: int) -> None:
    result = run("-e", str(EVENT), *guests.args(), "export", *args)
    assert (result.code, result.stdout) == (code, "")
    assert result.stderr.strip() == f"error: {message}" or \
        (result.stderr.startswith(f"error: {message}") and result.stderr.count("\n") == 1)


def test_a_binary_profile_is_not_written_to_a_terminal(run: Runner, guests: LedgerUnderTest
                                                       ) -> None:
    result = export(run, guests, "hotel", tty=True)
    assert (result.code, result.stdout) == (2, "")
    assert "give -o FILE, or redirect stdout" in result.stderr
    piped = export(run, guests, "hotel")
    assert piped.code == 0
    assert piped.stdout.startswith("PK")


def test_a_file_named_for_another_format_gets_a_warning(run: Runner, guests: LedgerUnderTest,
                                                        tmp_path: Path) -> None:
    result = export(run, guests, "hotel", "-o", "rooms.csv")
    assert result.code == 0
    assert result.stderr.splitlines()[0] == \
        "warning: rooms.csv: the profile writes xlsx, not csv"
    assert (tmp_path / "rooms.csv").read_bytes().startswith(b"PK")


def test_an_unwritable_output_leaves_nothing_half_written(run: Runner, guests: LedgerUnderTest,
                                                          tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    result = export(run, guests, "caterer", "-o", "folder")
    assert result.code == 1
    assert result.stderr.count("error:") == 1
    assert list((tmp_path / "folder").iterdir()) == []


def test_without_openpyxl_the_error_names_the_extra(run: Runner, guests: LedgerUnderTest,
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if it were not installed
    result = export(run, guests, "hotel", "-o", "h.xlsx")
    assert result.code == 1
    assert result.stderr.strip() == \
        "error: the xlsx format needs openpyxl: pip install 'wic[xlsx]'"
    assert not (tmp_path / "h.xlsx").exists()


@pytest.mark.parametrize(("profile", "problem"), [
    ('columns = ["name", "shoe"]', "exports.p.columns: unknown column 'shoe'"),
    ('columns = ["name"]\ntotals = ["category"]', "exports.p: give columns (a list of guests) "
     "or totals"),
    ("format = \"docx\"\ncolumns = [\"name\"]", "exports.p.format: expected one of csv, tsv"),
    ('columns = ["name"]\nstatus = ["maybe"]', "exports.p.status: unknown status 'maybe'"),
    ('columns = ["name"]\ncategory = ["vip"]', "exports.p.category: unknown category 'vip'"),
    ('columns = ["name"]\ncountry = ["Germany"]', "exports.p.country: expected an array of ISO"),
    ('columns = ["name"]\nwhere = { dietary = "fish" }', "exports.p.where.dietary: 'fish' is "
     "not one of"),
    ('columns = ["name"]\nwhere = { shoe = 1 }', "exports.p.where.shoe: no field 'shoe'"),
    ('columns = ["name"]\nsort = ["email"]', "exports.p.sort: unknown column 'email'"),
    ('columns = ["email"]\nredact = { email = "initials" }', "exports.p.redact.email: "
     "'initials' does not apply to email"),
    ('columns = ["name"]\nredact = { email = "domain" }', "exports.p.redact.email: redacts a "
     "column the profile does not list"),
    ('totals = ["dietary"]\nsort = ["dietary"]', "exports.p: a totals profile has no sort"),
    ('columns = ["name"]\npassword = "x"', "exports.p.password: unknown key"),
])
def test_a_bad_profile_is_one_line_naming_its_key(run: Runner, tmp_path: Path, profile: str,
                                                 problem: str) -> None:
    text = EVENT.read_text(encoding="utf-8") + f"\n[exports.p]\n{profile}\n"
    event = write(tmp_path / "e.toml", text)
    result = run("-e", str(event), "validate")
    assert result.code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert problem in errors[0]


# --------------------------------------------------------------------------- the examples


def test_the_example_profiles_are_documented_with_what_each_reveals() -> None:
    import tomllib

    example = tomllib.loads((ROOT / "examples" / "event.toml").read_text(encoding="utf-8"))
    docs = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    assert set(example["exports"]) == {"hotel", "transport", "caterer", "ministry"}
    for name, profile in example["exports"].items():
        row = next(line for line in docs.splitlines() if line.startswith(f"| `{name}` |"))
        for column in profile.get("columns", []) + profile.get("totals", []):
            assert f"`{column}`" in row, (name, column)
