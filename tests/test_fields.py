"""Guest fields the event declares: checked in the event file, validated on add, set and
CSV import, kept in the ledger with a history line per change (schema 5, both backends),
and usable in templates as guest.fields.NAME (never in a subject)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import DATA, LedgerUnderTest, Runner, need_program, need_weasyprint, write
from wiccli.event import cache
from wiccli.event.check import build_event
from wiccli.event.guestfields import RESERVED, GuestField, parse, typed
from wiccli.event.load import parse_toml
from wiccli.event.profiles import COLUMNS, GUEST_STATUSES
from wiccli.headers import text_problem
from wiccli.invites import importcsv, schema
from wiccli.invites import model as core
from wiccli.invites import sqlite as backend

EVENT = DATA / "guest-fields.toml"
HEAD = """\
[event]
id = "fieldcon"
name = "Field Conference"
timezone = "Europe/Berlin"
start = 2025-03-29
end = 2025-03-30

[[invitations.categories]]
id = "speakers"
name = "Speakers"
"""


def wic(run: Runner, ledger: LedgerUnderTest, *args: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return run("-e", str(EVENT), *ledger.args(), *args, **kwargs)


def add(run: Runner, ledger: LedgerUnderTest, name: str, *fields: str) -> str:
    result = wic(run, ledger, "add", name, "-c", "speakers", "--country", "DE",
                 *[a for f in fields for a in ("--field", f)])
    assert result.code == 0, result.stderr
    return result.stdout.strip()


def listed(run: Runner, ledger: LedgerUnderTest) -> list[dict[str, object]]:
    result = wic(run, ledger, "list", "-f", "json")
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- the event file


@pytest.mark.parametrize(("fields", "problem"), [
    ('Diet = { type = "text" }', "invitations.fields.Diet: a field's name is lower-case"),
    ('email = { type = "text" }', "invitations.fields.email: 'email' is a column every guest"),
    ('x = { type = "colour" }', "invitations.fields.x.type: expected one of text, integer"),
    ('x = { type = "choice" }', "invitations.fields.x.choices: expected an array of 1 to 100"),
    ('x = { type = "choice", choices = ["a", "A"] }', "a choice is named twice"),
    ('x = { type = "text", choices = ["a"] }', "only a field of type \"choice\" has choices"),
    ('x = { type = "integer", min = 5, max = 1 }', "invitations.fields.x.max: 1 is below min"),
    ('x = { type = "date", max = 3 }', "a field of type 'date' has no max"),
    ('x = { type = "text", max = 0 }', "invitations.fields.x.max: expected a whole number"),
    ('x = { type = "text", private = "yes" }', "invitations.fields.x.private: expected true"),
    ('x = { type = "text", colour = 1 }', "invitations.fields.x.colour: unknown key"),
    ('x = { type = "text", label = "a\\nb" }', "invitations.fields.x.label: contains a control"),
])
def test_a_bad_field_declaration_is_one_line_naming_its_key(run: Runner, tmp_path: Path,
                                                           fields: str, problem: str) -> None:
    event = write(tmp_path / "e.toml", f"{HEAD}\n[invitations.fields]\n{fields}\n")
    result = run("-e", str(event), "validate")
    assert result.code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert problem in errors[0]
    assert "Traceback" not in result.stderr


def test_no_field_takes_the_name_of_a_column_every_guest_has() -> None:
    assert set(importcsv.COLUMNS) | set(importcsv.EXPORT_COLUMNS) <= RESERVED
    assert set(core.RECORD_FIELDS) | set(COLUMNS) <= RESERVED
    assert GUEST_STATUSES == core.STATUSES


def test_fields_and_profiles_come_back_from_the_cache_as_they_were() -> None:
    event = build_event(parse_toml(EVENT.read_text(encoding="utf-8"), str(EVENT)),
                        source=str(EVENT))
    assert event.invitations.fields
    assert event.exports
    again = cache.decode(json.loads(json.dumps(cache.encode(event))))
    assert again.invitations.fields == event.invitations.fields
    assert again.exports == event.exports


# --------------------------------------------------------------------------- add and set


def test_add_keeps_each_value_as_typed_and_list_shows_all_but_private_ones(
        run: Runner, ledger: LedgerUnderTest) -> None:
    entry = add(run, ledger, "Ana Souza", "dietary=Vegan", "arrival=2025-03-28",
                "companions=2", "shuttle=yes", "passport=P1234567", "hotel=Parkhotel")
    [found] = listed(run, ledger)
    assert found["id"] == entry
    assert {k: found[k] for k in ("dietary", "arrival", "companions", "shuttle", "hotel")} == {
        "dietary": "vegan", "arrival": "2025-03-28", "companions": 2, "shuttle": True,
        "hotel": "Parkhotel"}
    assert "passport" not in found
    exported = wic(run, ledger, "export", "-f", "csv")
    assert "P1234567" not in exported.stdout
    assert "dietary" in exported.stdout.splitlines()[0]
    kept = wic(run, ledger, "export", "-f", "toml")  # the whole ledger, to keep: all of it
    assert 'passport = "P1234567"' in kept.stdout


@pytest.mark.parametrize(("field", "message"), [
    ("dietary=pizza", "--field: dietary: 'pizza' is not one of none, vegetarian, vegan"),
    ("arrival=2025-02-30", "--field: arrival: '2025-02-30' is not a date (YYYY-MM-DD)"),
    ("arrival=tomorrow", "--field: arrival: 'tomorrow' is not a date"),
    ("companions=6", "--field: companions: 6 is not from 0 to 5"),
    ("companions=two", "--field: companions: 'two' is not a whole number"),
    ("companions=99999999999999999999", "is not a whole number"),
    ("shuttle=maybe", "--field: shuttle: 'maybe' is not yes or no"),
    ("hotel=" + "x" * 81, "--field: hotel: is 81 characters long (at most 80)"),
    ("hotel=a\x1b[31mb", "--field: hotel: contains a control character (U+001B)"),
    ("hotel=a=?utf-8?q?x?=", "an encoded word"),
    ("colour=red", "--field: unknown field 'colour' (fields: dietary, arrival, hotel"),
    ("dietary", "--field: expected NAME=VALUE"),
])
def test_add_refuses_a_bad_value_with_one_line_and_creates_nothing(
        run: Runner, ledger: LedgerUnderTest, field: str, message: str) -> None:
    result = wic(run, ledger, "add", "Ana", "-c", "speakers", "--country", "DE",
                 "--field", field)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.count("error:") == 1
    assert message in result.stderr
    assert not ledger.exists()


def test_set_changes_fields_and_records_each_change_in_the_history(
        run: Runner, ledger: LedgerUnderTest) -> None:
    entry = add(run, ledger, "Ana", "dietary=none")
    result = wic(run, ledger, "set", entry, "accepted", "--field", "dietary=halal",
                 "--field", "passport=X99887766", "-n", "by phone")
    assert result.code == 0, result.stderr
    assert f"{entry} (Ana): invited -> accepted" in result.stderr
    assert "set dietary, passport" in result.stderr
    assert wic(run, ledger, "set", entry, "--field", "dietary=").code == 0  # cleared
    history = json.loads(wic(run, ledger, "history", entry, "-f", "json").stdout)
    assert [(h["status"], h.get("field"), h.get("value")) for h in history] == [
        ("invited", None, None), ("accepted", None, None), ("accepted", "dietary", "halal"),
        ("accepted", "passport", None), ("accepted", "dietary", "")]
    # A private field's value is kept in one place only: not in the history.
    assert "X99887766" not in json.dumps(history)
    table = wic(run, ledger, "history", entry).stdout
    assert "dietary" in table
    assert "halal" in table
    [found] = listed(run, ledger)
    assert found["dietary"] is None
    assert found["status"] == "accepted"


def test_set_refuses_a_bad_value_and_changes_nothing(run: Runner,
                                                     ledger: LedgerUnderTest) -> None:
    entry = add(run, ledger, "Ana", "dietary=vegan")
    result = wic(run, ledger, "set", entry, "accepted", "--field", "companions=-1")
    assert result.code == 2
    assert result.stderr.strip() == "error: --field: companions: -1 is not from 0 to 5"
    [found] = listed(run, ledger)
    assert (found["status"], found["companions"]) == ("invited", None)
    assert wic(run, ledger, "set", entry).code == 2  # neither a status nor a field


def test_set_with_the_values_it_has_changes_nothing(run: Runner,
                                                    ledger: LedgerUnderTest) -> None:
    entry = add(run, ledger, "Ana", "dietary=vegan")
    result = wic(run, ledger, "set", entry, "--field", "dietary=VEGAN")
    assert result.code == 0
    assert "nothing changed" in result.stderr
    assert len(json.loads(wic(run, ledger, "history", entry, "-f", "json").stdout)) == 1


# --------------------------------------------------------------------------- CSV import


def test_csv_import_reads_a_column_per_field(run: Runner, ledger: LedgerUnderTest,
                                             tmp_path: Path) -> None:
    csv = write(tmp_path / "g.csv", "name,category,country,dietary,arrival,companions,passport\n"
                "Ana,speakers,BR,Vegetarian,2025-03-28,2,P1\nLi Wei,speakers,CN,,,,\n")
    result = wic(run, ledger, "import", str(csv))
    assert result.code == 0, result.stderr
    found = {e["name"]: e for e in listed(run, ledger)}
    assert (found["Ana"]["dietary"], found["Ana"]["companions"]) == ("vegetarian", 2)
    assert found["Li Wei"]["dietary"] is None
    # Imported again with a change: the entry is updated, the change is in its history.
    write(csv, "name,category,country,dietary\nAna,speakers,BR,vegan\n")
    assert wic(run, ledger, "import", str(csv)).code == 0
    history = json.loads(wic(run, ledger, "history", str(found["Ana"]["id"]), "-f",
                             "json").stdout)
    assert [(h.get("field"), h.get("value")) for h in history][-1] == ("dietary", "vegan")


@pytest.mark.parametrize(("text", "message"), [
    ("name,category,country,dietary\nAna,speakers,DE,vegan\nBo,speakers,DE,fish\n",
     "g.csv:3: dietary: 'fish' is not one of none"),
    ("name,category,country,arrival\nAna,speakers,DE,28.03.2025\n",
     "g.csv:2: arrival: '28.03.2025' is not a date (YYYY-MM-DD)"),
    ("name,category,country,hair\nAna,speakers,DE,red\n",
     "g.csv:1: unknown column(s) 'hair'; the columns are: name, category, country"),
])
def test_csv_import_refuses_a_bad_cell_naming_row_and_column(
        run: Runner, ledger: LedgerUnderTest, tmp_path: Path, text: str, message: str) -> None:
    csv = write(tmp_path / "g.csv", text)
    result = wic(run, ledger, "import", str(csv))
    assert result.code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not ledger.exists()


def test_a_field_column_without_the_field_declared_is_unknown(run: Runner,
                                                              tmp_path: Path) -> None:
    event = write(tmp_path / "e.toml", HEAD)
    csv = write(tmp_path / "g.csv", "name,category,country,dietary\nAna,speakers,DE,vegan\n")
    result = run("-e", str(event), "invites", "--ledger", "l.db", "import", str(csv))
    assert result.code == 1
    assert "unknown column(s) 'dietary'" in result.stderr
    assert "[invitations.fields]" in result.stderr


# --------------------------------------------------------------------------- schema 5


def test_a_schema_4_ledger_is_migrated_and_its_guests_get_fields(run: Runner,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for step in range(4):
        for statement in schema.statements(step, schema.SQLITE):
            conn.execute(statement)
    conn.execute("INSERT INTO ledger (key, value) VALUES ('event', 'fieldcon')")
    conn.execute("INSERT INTO entries (id, name, category, country, status, created, updated, "
                 "quantity, name_key) VALUES ('old001', 'Kept', 'speakers', 'DE', 'invited', "
                 "'2018-09-01T09:00:00+00:00', '2018-09-01T09:00:00+00:00', 1, 'kept\x1f')")
    conn.execute("INSERT INTO history (entry_id, seq, at, status) VALUES "
                 "('old001', 0, '2018-09-01T09:00:00+00:00', 'invited')")
    conn.execute(f"PRAGMA application_id = {backend.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    args = ("-e", str(EVENT), "invites", "--ledger", str(path))
    assert run(*args, "set", "old001", "--field", "dietary=kosher").code == 0
    history = json.loads(run(*args, "history", "old001", "-f", "json").stdout)
    assert history == [
        {"at": "2018-09-01T09:00:00+00:00", "status": "invited", "note": ""},
        {"at": "2018-11-08T01:00:00+00:00", "status": "invited", "note": "",
         "field": "dietary", "value": "kosher"}]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (5,)
        assert conn.execute("SELECT * FROM fields").fetchall() == [
            ("old001", "dietary", "kosher")]
    conn.close()


def test_a_schema_4_ledger_is_migrated_on_postgresql(run: Runner, postgres: object) -> None:
    import psycopg

    import postgres_server

    url = postgres_server.create_database(postgres, "wic_fields_v4")  # type: ignore[arg-type]
    with psycopg.connect(url, autocommit=True) as conn:
        for step in range(4):
            for statement in schema.statements(step, schema.POSTGRES):
                conn.execute(statement)  # type: ignore[call-overload]
        conn.execute("INSERT INTO ledger (key, value) VALUES ('event', 'fieldcon'), "
                     "('schema', '4')")
    args = ("-e", str(EVENT), "invites", "--ledger", url)
    result = run(*args, "add", "New", "-c", "speakers", "--country", "DE",
                 "--field", "companions=3")
    assert result.code == 0, result.stderr
    with psycopg.connect(url) as conn:
        found = dict(conn.execute("SELECT key, value FROM ledger").fetchall())
        values = conn.execute("SELECT name, value FROM fields").fetchall()
    assert found["schema"] == "5"
    assert values == [("companions", "3")]


def test_the_database_refuses_an_empty_field_value(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    ledger = LedgerUnderTest("sqlite", str(path))
    entry = add(run, ledger, "Ana", "dietary=vegan")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    for statement in ("UPDATE fields SET value = ''",
                      "INSERT INTO fields VALUES ('nobody', 'dietary', 'vegan')",
                      f"INSERT INTO fields VALUES ('{entry}', 'dietary', 'halal')"):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(statement)
    conn.close()


# --------------------------------------------------------------------------- templates


def _templated_event(tmp_path: Path, subject: str) -> Path:
    text = EVENT.read_text(encoding="utf-8").replace("[invitations]\n", """[invitations]
templates = "tpl"
""", 1) + """
[invitations.organizer]
name = "Field Team"
email = "team@example.org"
"""
    write(tmp_path / "tpl" / "visa.html", '{% extends "letter.html" %}{% block body %}'
          "<p>Passport {{ guest.fields.passport }}, arriving {{ guest.fields.arrival }}"
          "{% if guest.fields.shuttle %}, with the shuttle{% endif %}.</p>{% endblock %}")
    write(tmp_path / "tpl" / "invitation.subject.txt", subject)
    return write(tmp_path / "event.toml", text)


def test_a_visa_letter_shows_the_guests_private_field(run: Runner, tmp_path: Path) -> None:
    need_weasyprint()
    pdftotext = need_program("pdftotext", "poppler-utils")
    event = _templated_event(tmp_path, "Invitation\n")
    args = ("-e", str(event), "invites", "--ledger", str(tmp_path / "l.db"))
    assert run(*args, "add", "Ana", "-c", "speakers", "--country", "BR", "--field",
               "passport=BR7654321", "--field", "arrival=2025-03-28").code == 0
    result = run(*args, "letters", "--visa", "--out-dir", str(tmp_path / "out"))
    assert result.code == 0, result.stderr
    [pdf] = (tmp_path / "out").glob("*.pdf")
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Passport BR7654321, arriving 2025-03-28." in " ".join(text.split())


def test_a_subject_cannot_use_field_values(run: Runner, tmp_path: Path) -> None:
    event = _templated_event(tmp_path, "Your hotel: {{ guest.fields.hotel }}\n")
    args = ("-e", str(event), "invites", "--ledger", str(tmp_path / "l.db"))
    assert run(*args, "add", "Ana", "-c", "speakers", "--country", "BR", "--email",
               "ana@example.org", "--field", "hotel=Parkhotel").code == 0
    result = run(*args, "send", "--dry-run", "--out-dir", str(tmp_path / "out"))
    assert result.code == 1
    assert "unknown placeholder 'guest.fields.hotel'; field values are not used in a " \
        "subject: it is a mail header" in result.stderr
    assert not list((tmp_path / "out").glob("*.eml")) if (tmp_path / "out").exists() else True


def test_a_field_value_changed_behind_wics_back_is_one_error(run: Runner,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    ledger = LedgerUnderTest("sqlite", str(path))
    entry = add(run, ledger, "Ana", "hotel=Parkhotel", "companions=2")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE fields SET value = 'Park\nBcc: x@example.org' WHERE name = 'hotel'")
    conn.close()
    result = wic(run, ledger, "export", "-f", "csv")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        f"error: {path}: entry {entry!r}: fields.hotel: contains a control character (U+000A); "
        "the ledger was changed outside wic (fix or remove that row)"]
    with sqlite3.connect(path) as conn:  # a value the field's type refuses: shown as it is
        conn.execute("UPDATE fields SET value = 'Parkhotel' WHERE name = 'hotel'")
        conn.execute("UPDATE fields SET value = 'two' WHERE name = 'companions'")
    conn.close()
    assert listed(run, ledger)[0]["companions"] == "two"


def test_fields_and_their_history_survive_a_toml_export_and_import(
        run: Runner, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    entry = add(run, ledger, "Ana", "dietary=vegan", "passport=P1")
    assert wic(run, ledger, "set", entry, "--field", "dietary=halal").code == 0
    kept = wic(run, ledger, "export", "-f", "toml").stdout
    write(tmp_path / "kept.toml", kept)
    other = LedgerUnderTest("sqlite", str(tmp_path / "other.db"))
    assert wic(run, other, "import", str(tmp_path / "kept.toml")).code == 0
    assert wic(run, other, "export", "-f", "toml").stdout == kept
    assert wic(run, other, "export", "-f", "json").stdout == \
        wic(run, ledger, "export", "-f", "json").stdout


SPECS = [GuestField("d", "choice", choices=("none", "Vegan", "halal")),
         GuestField("n", "integer", min=-3, max=5), GuestField("t", "text", max=10),
         GuestField("a", "date"), GuestField("b", "boolean")]


@given(st.sampled_from(SPECS), st.text(max_size=30))
def test_a_value_is_refused_with_a_reason_or_kept_in_a_spelling_that_parses_again(
        spec: GuestField, text: str) -> None:
    try:
        kept = parse(spec, text)
    except ValueError as exc:
        reason = str(exc)
        kept = None
    if kept is None:
        assert reason.startswith(f"{spec.name}: ")
        return
    assert parse(spec, kept) == kept
    assert kept == kept.strip()
    assert text_problem(kept, 200) is None
    if kept:
        assert isinstance(typed(spec, kept), {"integer": int, "boolean": bool}.get(spec.type,
                                                                                  str))
