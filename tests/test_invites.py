"""`wic invites`: commands, status rules, CSV import, export, through the real entry point."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import DATA, FIXED_NOW, ROOT, LedgerUnderTest, Runner, write
from wiccli.errors import NotFoundError, UsageError, WicError
from wiccli.invites import model as core

GUESTS = ROOT / "examples" / "wic2018-guests.csv"


def ledger_args(ledger: LedgerUnderTest) -> list[str]:
    return ledger.args()


def add(run: Runner, ledger: LedgerUnderTest, name: str, *extra: str, **kwargs: object) -> str:
    result = run(*ledger_args(ledger), "add", name, "--category", "experts",
                 "--country", "DE", *extra, **kwargs)
    assert result.code == 0, result.stderr
    return result.stdout.strip()


def entries(run: Runner, ledger: LedgerUnderTest, *filters: str) -> list[dict[str, object]]:
    result = run(*ledger_args(ledger), "list", *filters, "-f", "json")
    assert result.code == 0, result.stderr
    found: list[dict[str, object]] = json.loads(result.stdout)
    return found


def snapshot(run: Runner, ledger: LedgerUnderTest) -> str:
    """The whole ledger, history and all, as TOML: equal means nothing changed."""
    result = run(*ledger_args(ledger), "export", "-f", "toml")
    assert result.code == 0, result.stderr
    return result.stdout


# --------------------------------------------------------------------------- add, list


def test_add_prints_the_new_id_and_normalises_the_country(
        run: Runner, ledger: LedgerUnderTest) -> None:
    result = run(*ledger_args(ledger), "add", "Sample Delegate 0001", "-c", "gov",
                 "--country", "germany", "--org", "Sample Organisation 001",
                 "--email", "d1@example.org", "--quantity", "3", "--note", "delegation")
    assert result.code == 0, result.stderr
    new_id = result.stdout.strip()
    assert len(new_id) == 6
    assert result.stdout == new_id + "\n"
    assert "DE Germany" in result.stderr
    [entry] = entries(run, ledger)
    assert entry["id"] == new_id
    assert entry["category"] == "government"
    assert (entry["country"], entry["country_name"]) == ("DE", "Germany")
    assert entry["quantity"] == 3
    assert entry["status"] == "invited"
    assert entry["created"] == FIXED_NOW.isoformat()


@pytest.mark.parametrize("country", ["DEU", "de", "Germany"])
def test_country_accepts_alpha3_and_names(
        run: Runner, ledger: LedgerUnderTest, country: str) -> None:
    result = run(*ledger_args(ledger), "add", "Sample Delegate", "-c", "experts",
                 "--country", country)
    assert result.code == 0, result.stderr
    assert entries(run, ledger)[0]["country"] == "DE"


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--country", "Atlantis", "not a country"),
    ("--category", "astronauts", "choose from: government, international-organizations"),
    ("--email", "nobody-at-example", "not an e-mail address"),
    ("--quantity", "0", "quantity must be a whole number from 1 to 10,000"),
])
def test_add_refuses_bad_input(run: Runner, ledger: LedgerUnderTest, option: str, value: str,
                               message: str) -> None:
    args = {"--country": "DE", "--category": "experts", option: value}
    result = run(*ledger_args(ledger), "add", "Sample Delegate",
                 *[item for pair in args.items() for item in pair])
    assert result.code != 0
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert not ledger.exists()


def test_add_refuses_a_duplicate(run: Runner, ledger: LedgerUnderTest) -> None:
    first = add(run, ledger, "Sample Delegate", "--email", "same@example.org")
    result = run(*ledger_args(ledger), "add", "Other Name", "-c", "experts",
                 "--country", "FR", "--email", "SAME@example.org")
    assert result.code == 1
    assert first in result.stderr
    assert len(entries(run, ledger)) == 1


def test_list_filters(run: Runner, ledger: LedgerUnderTest) -> None:
    a = add(run, ledger, "Sample Delegate 0001", "--org", "Sample University")
    b = add(run, ledger, "Sample Delegate 0002")
    run(*ledger_args(ledger), "add", "Sample Delegate 0003", "-c", "government",
        "--country", "CN")
    assert run(*ledger_args(ledger), "accept", b).code == 0
    assert {e["id"] for e in entries(run, ledger, "--status", "accepted")} == {b}
    assert {e["id"] for e in entries(run, ledger, "--search", "university")} == {a}
    assert [e["name"] for e in entries(run, ledger, "--country", "China")] == [
        "Sample Delegate 0003"]
    assert len(entries(run, ledger, "--category", "exp")) == 2
    ids = [e["id"] for e in entries(run, ledger)]
    assert ids == sorted(ids)


def test_list_table_on_a_pipe_and_empty_message(run: Runner, ledger: LedgerUnderTest) -> None:
    empty = run(*ledger_args(ledger), "list")
    assert (empty.code, empty.stdout) == (0, "")
    assert "no invitations match" in empty.stderr
    add(run, ledger, "Sample Delegate 0001")
    table = run(*ledger_args(ledger), "list")
    assert table.code == 0
    assert "DE Germany" in table.stdout
    assert "\x1b[" not in table.stdout


def test_list_stale(run: Runner, ledger: LedgerUnderTest) -> None:
    old_time = FIXED_NOW - timedelta(days=30)
    waiting = add(run, ledger, "Sample Delegate 0001", now=old_time)
    answered = add(run, ledger, "Sample Delegate 0002", now=old_time)
    run(*ledger_args(ledger), "accept", answered, now=old_time)
    recent = add(run, ledger, "Sample Delegate 0003", now=FIXED_NOW - timedelta(days=2))
    assert [e["id"] for e in entries(run, ledger, "--stale", "14")] == [waiting]
    assert {e["id"] for e in entries(run, ledger, "--stale", "1")} == {waiting, recent}


# --------------------------------------------------------------------------- status rules


@pytest.mark.parametrize(("steps", "refused"), [
    (["declined", "attended"], "only a guest who accepted"),
    (["no-show"], "only a guest who accepted"),
    (["accepted", "attended", "declined"], "already recorded as attended"),
    (["withdrawn", "accepted"], "re-invite first"),
    (["accepted", "invited"], "has answered already"),
])
def test_senseless_changes_are_refused_unless_forced(run: Runner, ledger: LedgerUnderTest,
                                                     steps: list[str], refused: str) -> None:
    entry = add(run, ledger, "Sample Delegate")
    for step in steps[:-1]:
        assert run(*ledger_args(ledger), "set", entry, step).code == 0
    result = run(*ledger_args(ledger), "set", entry, steps[-1])
    assert result.code == 1
    assert refused in result.stderr
    assert "--force" in result.stderr
    assert entries(run, ledger)[0]["status"] == (steps[-2] if len(steps) > 1 else "invited")
    forced = run(*ledger_args(ledger), "set", entry, steps[-1], "--force")
    assert forced.code == 0, forced.stderr
    assert entries(run, ledger)[0]["status"] == steps[-1]


# Which status may follow which, written out here rather than read from the code, so that
# a transition added to (or dropped from) core.TRANSITIONS by mistake fails this test.
# Rows: from; columns: to, in the order of STATUSES. "=" is the same status (a note only).
EXPECTED_TRANSITIONS = """
              listed invited tentative accepted declined withdrawn attended no-show
    listed      =      yes      -         -        -        yes        -        -
    invited     -       =      yes       yes      yes       yes        -        -
    tentative   -       -       =        yes      yes       yes        -        -
    accepted    -       -       -         =       yes       yes       yes      yes
    declined    -      yes      -        yes       =        yes        -        -
    withdrawn  yes     yes      -         -        -         =         -        -
    attended    -       -       -         -        -         -         =       yes
    no-show     -       -       -         -        -         -        yes       =
"""


def expected_transitions() -> dict[tuple[str, str], str]:
    header, *rows = [line.split() for line in EXPECTED_TRANSITIONS.strip().splitlines()]
    return {(row[0], to): cell for row in rows for to, cell in zip(header, row[1:], strict=True)}


def test_every_pair_of_statuses_follows_the_transition_table() -> None:
    table = expected_transitions()
    assert sorted(table) == sorted((a, b) for a in core.STATUSES for b in core.STATUSES)
    start = datetime(2018, 9, 1, tzinfo=UTC)
    for (old, new), cell in sorted(table.items()):
        entry = core.Invitation("abc123", "Sample Delegate", "experts", "DE", old, start, start,
                                history=(core.Change(start, old),))
        if cell == "-":
            refused = rf"^abc123: cannot set {new}: .+ \(--force to record it anyway\)$"
            with pytest.raises(WicError, match=refused):
                core.change_status(entry, new, note="", now=FIXED_NOW, force=False)
            assert core.refusal(old, new), (old, new)
            forced = core.change_status(entry, new, note="", now=FIXED_NOW, force=True)
            assert (forced.status, forced.history[-1].status) == (new, new), (old, new)
            continue
        changed = core.change_status(entry, new, note="why", now=FIXED_NOW, force=False)
        assert (changed.status, changed.note, changed.updated) == (new, "why", FIXED_NOW)
        assert changed.history == (*entry.history, core.Change(FIXED_NOW, new, "why"))
        if cell == "yes":
            assert core.refusal(old, new) is None, (old, new)
        unchanged = core.change_status(entry, new, note="", now=FIXED_NOW, force=False)
        assert (unchanged is entry) == (cell == "="), (old, new)


def test_a_refused_transition_says_why(run: Runner, ledger: LedgerUnderTest) -> None:
    """The command line refuses what the table refuses, and records what it allows."""
    entry = add(run, ledger, "Sample Delegate")
    assert run(*ledger_args(ledger), "accept", entry).code == 0
    assert run(*ledger_args(ledger), "set", entry, "attended").code == 0
    refused = run(*ledger_args(ledger), "accept", entry)
    assert (refused.code, refused.stdout) == (1, "")
    assert refused.stderr == (f"error: {entry}: cannot set accepted: the guest is already "
                              "recorded as attended; the event is over for this entry "
                              "(--force to record it anyway)\n")
    assert entries(run, ledger)[0]["status"] == "attended"


def test_set_accept_decline_and_history(run: Runner, ledger: LedgerUnderTest) -> None:
    entry = add(run, ledger, "Sample Delegate", "--note", "first contact")
    later = FIXED_NOW + timedelta(hours=1)
    assert run(*ledger_args(ledger), "set", entry, "Tentative", now=later).code == 0
    assert run(*ledger_args(ledger), "decline", entry, "--note", "travel", now=later).code == 0
    result = run(*ledger_args(ledger), "accept", entry[:4], now=later)
    assert result.code == 0, result.stderr
    assert "declined -> accepted" in result.stderr
    history = run(*ledger_args(ledger), "history", entry, "-f", "json")
    assert history.code == 0
    changes = json.loads(history.stdout)
    assert [c["status"] for c in changes] == ["invited", "tentative", "declined", "accepted"]
    assert [c["note"] for c in changes] == ["first contact", "", "travel", ""]
    assert changes[-1]["at"] == later.isoformat()
    table = run(*ledger_args(ledger), "history", entry)
    assert "now accepted" in table.stdout


def test_set_same_status_changes_nothing(run: Runner, ledger: LedgerUnderTest) -> None:
    entry = add(run, ledger, "Sample Delegate")
    before = snapshot(run, ledger)
    result = run(*ledger_args(ledger), "set", entry, "invited", now=FIXED_NOW + timedelta(1))
    assert result.code == 0
    assert "nothing changed" in result.stderr
    assert snapshot(run, ledger) == before


def test_unknown_id_and_unknown_status(run: Runner, ledger: LedgerUnderTest) -> None:
    entry = add(run, ledger, "Sample Delegate")
    missing = run(*ledger_args(ledger), "accept", "zzzzzz")
    assert missing.code == 1
    assert "no invitation with id 'zzzzzz'" in missing.stderr
    bad = run(*ledger_args(ledger), "set", entry, "maybe")
    assert bad.code == 2
    assert "choose from: listed, invited, tentative, accepted" in bad.stderr


def hand_written_ledger(path: Path, ids: list[str]) -> Path:
    """A ledger TOML file (`wic invites import` reads it) with entries of these ids."""
    made = "2018-09-01T09:00:00Z"
    return write(path, 'schema = 1\nevent = "wic2018"\n' + "".join(
        f'\n[[invitations]]\nid = "{i}"\nname = "Sample Delegate {n}"\ncategory = "experts"\n'
        f'country = "DE"\nstatus = "invited"\ncreated = {made}\nupdated = {made}\n'
        f'history = [{{ at = {made}, status = "invited" }}]\n' for n, i in enumerate(ids)))


def test_an_ambiguous_id_prefix_is_an_error_naming_the_candidates(
        run: Runner, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    ids = ["Abx000", "abc123", "abc456", "abd789", "zz0000", "zz0001"]
    source = hand_written_ledger(tmp_path / "kept.toml", ids)
    assert run(*ledger_args(ledger), "import", str(source)).code == 0
    before = snapshot(run, ledger)
    for args, prefix, candidates in [
        (["accept", "ab"], "ab", "Abx000, abc123, abc456, abd789"),
        (["set", "ABC", "declined"], "ABC", "abc123, abc456"),
        (["history", "abc"], "abc", "abc123, abc456"),
        (["letters", "zz000"], "zz000", "zz0000, zz0001"),
    ]:
        result = run(*ledger_args(ledger), *args)
        assert (result.code, result.stdout) == (2, ""), (args, result.stderr)
        assert result.stderr == (f"error: id {prefix!r} is ambiguous: it could be "
                                 f"{candidates}; type more of it\n"), args
    assert snapshot(run, ledger) == before
    unique = run(*ledger_args(ledger), "accept", "abc4")
    assert unique.code == 0, unique.stderr
    assert [e["status"] for e in entries(run, ledger) if e["id"] == "abc456"] == ["accepted"]


def test_a_prefix_of_more_than_ten_ids_names_ten_and_says_there_are_more(
        run: Runner, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    ids = [f"dup{n:03d}" for n in range(12)]
    assert run(*ledger_args(ledger), "import",
               str(hand_written_ledger(tmp_path / "kept.toml", ids))).code == 0
    result = run(*ledger_args(ledger), "decline", "dup")
    assert result.code == 2
    assert result.stderr == (f"error: id 'dup' is ambiguous: it could be {', '.join(ids[:10])}"
                             ", and more; type more of it\n")


def test_new_id_skips_taken_ids() -> None:
    values = iter([b"\x00" * 5, b"\x00" * 5, b"\xff" * 5])
    assert core.new_id({"aaaaaa"}, lambda n: next(values)) == "777777"


# --------------------------------------------------------------------------- status


def test_status_counts_quantities_and_rates(run: Runner, ledger: LedgerUnderTest) -> None:
    a = add(run, ledger, "Delegation A", "--quantity", "4", "--country", "CN")
    b = add(run, ledger, "Sample Delegate B", "--country", "FR")
    c = add(run, ledger, "Sample Delegate C")
    run(*ledger_args(ledger), "accept", a)
    run(*ledger_args(ledger), "decline", b)
    run(*ledger_args(ledger), "set", c, "tentative")
    result = run(*ledger_args(ledger), "status", "-f", "json")
    assert result.code == 0
    summary = json.loads(result.stdout)
    totals = summary["totals"]
    assert (totals["entries"], totals["invited"], totals["accepted"]) == (3, 6, 4)
    assert (totals["declined"], totals["pending"], totals["target"]) == (1, 1, 1500)
    # 5 of 6 invited answered (4 accepted, 1 declined), 4 of those 5 said yes.
    assert totals["response_rate"] == 0.8333
    assert totals["acceptance_rate"] == 0.8
    assert totals["countries"] == 1
    groups = {g["group"]: g for g in summary["groups"]}
    assert list(groups) == ["government", "international-organizations", "enterprises",
                            "experts"]
    assert groups["experts"]["invited"] == 6


def test_status_table_by_country_and_status(run: Runner, ledger: LedgerUnderTest) -> None:
    add(run, ledger, "Sample Delegate", "--country", "JP")
    by_country = run(*ledger_args(ledger), "status", "--by", "country")
    assert by_country.code == 0
    assert "JP Japan" in by_country.stdout
    assert "Invited: 1 of 1,500 (0%)" in by_country.stdout
    by_status = run(*ledger_args(ledger), "status", "--by", "status", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(by_status.stdout)))
    assert [r["group"] for r in rows] == ["invited", "total"]


def test_status_on_a_terminal_draws_a_bar(run: Runner, ledger: LedgerUnderTest) -> None:
    add(run, ledger, "Sample Delegate")
    result = run(*ledger_args(ledger), "status", tty=True)
    assert result.code == 0
    assert "━" in result.stdout
    assert "1 of 1,500" in result.stdout


def test_status_of_an_empty_ledger_says_how_to_start(run: Runner, ledger: LedgerUnderTest) -> None:
    result = run(*ledger_args(ledger), "status")
    assert result.code == 0
    assert result.stdout == ""
    assert "wic invites add" in result.stderr
    assert "wic invites import" in result.stderr
    as_json = run(*ledger_args(ledger), "status", "-f", "json")
    assert json.loads(as_json.stdout)["totals"]["entries"] == 0


def test_an_event_without_categories_says_so(run: Runner, ledger: LedgerUnderTest) -> None:
    result = run("-e", str(DATA / "minimal.toml"), *ledger_args(ledger), "add", "Sample",
                 "-c", "experts", "--country", "DE")
    assert result.code == 1
    assert "defines no invitation categories" in result.stderr


# --------------------------------------------------------------------------- import


def test_import_the_example_guest_list(run: Runner, ledger: LedgerUnderTest) -> None:
    result = run(*ledger_args(ledger), "import", str(GUESTS))
    assert result.code == 0, result.stderr
    rows = GUESTS.read_text(encoding="utf-8").count("\n") - 1
    assert f"created {rows}, updated 0, unchanged 0" in result.stderr
    summary = json.loads(run(*ledger_args(ledger), "status", "-f", "json").stdout)
    assert summary["totals"]["entries"] == rows
    assert summary["totals"]["invited"] > 1500
    assert summary["totals"]["countries"] > 76
    again = run(*ledger_args(ledger), "import", str(GUESTS))
    assert f"created 0, updated 0, unchanged {rows}" in again.stderr


def test_import_is_all_or_nothing(run: Runner, ledger: LedgerUnderTest) -> None:
    add(run, ledger, "Sample Delegate 0000")
    before = snapshot(run, ledger)
    source = DATA / "guests-bad-rows.csv"
    result = run(*ledger_args(ledger), "import", str(source))
    assert result.code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert all(line.startswith("error: ") for line in lines)
    assert "3 bad row(s); nothing was imported" in lines[0]
    assert f"{source}:3: country 'Atlantis'" in result.stderr
    assert f"{source}:5: unknown category 'astronauts'" in result.stderr
    assert f"{source}:6: " in result.stderr
    assert snapshot(run, ledger) == before


def test_import_updates_instead_of_duplicating(
        run: Runner, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    entry = add(run, ledger, "Sample Delegate 0001", "--email", "delegate0001@example.org")
    by_name = add(run, ledger, "Sample Delegate 0009", "--org", "Sample Organisation 009")
    source = write(tmp_path / "update.csv",
                   "name,organization,category,country,email,status\n"
                   "Renamed Delegate,,experts,FR,DELEGATE0001@example.org,accepted\n"
                   "sample delegate 0009,Sample  Organisation 009,,,,declined\n")
    result = run(*ledger_args(ledger), "import", str(source))
    assert result.code == 0, result.stderr
    assert "created 0, updated 2, unchanged 0" in result.stderr
    found = {e["id"]: e for e in entries(run, ledger)}
    assert set(found) == {entry, by_name}
    assert (found[entry]["name"], found[entry]["country"]) == ("Renamed Delegate", "FR")
    assert found[entry]["status"] == "accepted"
    assert found[by_name]["status"] == "declined"


def test_import_dry_run_writes_nothing(run: Runner, ledger: LedgerUnderTest) -> None:
    result = run(*ledger_args(ledger), "import", str(GUESTS), "--dry-run")
    assert result.code == 0
    assert "would create" in result.stderr
    assert not ledger.exists()


def test_import_handles_bom_crlf_and_loose_names(run: Runner, ledger: LedgerUnderTest) -> None:
    result = run(*ledger_args(ledger), "import", str(DATA / "guests-bom-crlf.csv"))
    assert result.code == 0, result.stderr
    found = entries(run, ledger)
    assert [(e["category"], e["country"]) for e in found if e["name"].endswith("1")] == [
        ("government", "DE")]
    assert {e["country"] for e in found} == {"DE", "FR"}


@pytest.mark.parametrize(("content", "message"), [
    (b"name,category,country,phone\nA,experts,DE,123\n", "unknown column(s) 'phone'"),
    (b"name,category\nA,experts\n", "missing column(s): country"),
    (b"name,category,country\nJos\xe9,experts,DE\n", ":2: the file is not UTF-8 text"),
    (b"", "the file is empty"),
    (b"name,category,country\nA,experts,DE,extra\n", "4 cells, but the header names 3"),
])
def test_import_refuses_bad_files(run: Runner, ledger: LedgerUnderTest, tmp_path: Path,
                                  content: bytes, message: str) -> None:
    source = tmp_path / "guests.csv"
    source.write_bytes(content)
    result = run(*ledger_args(ledger), "import", str(source))
    assert result.code == 1
    assert message in result.stderr
    assert not ledger.exists()


def test_import_caps_the_errors_shown(
        run: Runner, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    rows = "".join(f"Sample {n},experts,Atlantis\n" for n in range(60))
    source = write(tmp_path / "many.csv", "name,category,country\n" + rows)
    result = run(*ledger_args(ledger), "import", str(source))
    assert result.code == 1
    assert "60 bad row(s)" in result.stderr
    assert "… and 10 more bad rows" in result.stderr
    assert result.stderr.count("error: ") == 52  # the headline, 50 rows, the rest counted


def test_import_refuses_a_guest_twice_in_one_file(
        run: Runner, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    source = write(tmp_path / "twice.csv", "name,category,country,email\n"
                   "A,experts,DE,a@example.org\nB,experts,DE,A@example.org\n")
    result = run(*ledger_args(ledger), "import", str(source))
    assert result.code == 1
    assert "twice.csv:3: same guest as line 2" in result.stderr


# --------------------------------------------------------------------------- export


def test_export_neutralises_formulas(run: Runner, ledger: LedgerUnderTest) -> None:
    assert run(*ledger_args(ledger), "import", str(DATA / "guests-formulas.csv")).code == 0
    result = run(*ledger_args(ledger), "export")
    assert result.code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    names = {r["name"] for r in rows}
    assert names == {"'=1+2", "'-Sample Delegate 0002"}
    assert {r["organization"] for r in rows} >= {"'+Sample Organisation 001"}
    assert "'@SUM(A1:A2)" in {r["note"] for r in rows}
    tsv = run(*ledger_args(ledger), "export", "-f", "tsv")
    assert "\t'=1+2\t" in tsv.stdout
    as_json = json.loads(run(*ledger_args(ledger), "export", "-f", "json").stdout)
    assert {r["name"] for r in as_json} == {"=1+2", "-Sample Delegate 0002"}


def test_export_then_import_round_trips(
        run: Runner, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    assert run(*ledger_args(ledger), "import", str(DATA / "guests-formulas.csv")).code == 0
    exported = write(tmp_path / "export.csv", run(*ledger_args(ledger), "export").stdout)
    result = run(*ledger_args(ledger), "import", str(exported))
    assert result.code == 0, result.stderr
    assert "created 0, updated 0, unchanged 2" in result.stderr


def test_export_redact_leaves_out_names_and_emails(run: Runner, ledger: LedgerUnderTest) -> None:
    add(run, ledger, "Secret Person", "--email", "secret@example.org", "--org", "Sample Org")
    for fmt in ("csv", "json", "jsonl", "tsv"):
        result = run(*ledger_args(ledger), "export", "--redact", "-f", fmt)
        assert result.code == 0
        assert "Secret" not in result.stdout
        assert "secret@example.org" not in result.stdout
        assert "Sample Org" in result.stdout
    record = json.loads(run(*ledger_args(ledger), "export", "--redact", "-f", "json").stdout)[0]
    assert "name" not in record
    assert "email" not in record
    assert record["history"][0]["status"] == "invited"


def test_export_refuses_table(run: Runner, ledger: LedgerUnderTest) -> None:
    result = run(*ledger_args(ledger), "export", "-f", "table")
    assert result.code == 2
    assert "wic invites list" in result.stderr


def test_history_times_are_aware(run: Runner, ledger: LedgerUnderTest) -> None:
    entry = add(run, ledger, "Sample Delegate")
    record = json.loads(run(*ledger_args(ledger), "history", entry, "-f", "json").stdout)[0]
    assert datetime.fromisoformat(record["at"]).tzinfo is not None
    assert datetime.fromisoformat(record["at"]) == FIXED_NOW.astimezone(UTC)


def test_help_lists_every_status(run: Runner) -> None:
    result = run("invites", "set", "--help")
    assert result.code == 0
    listed = " ".join(result.stdout.split()).split("One of: ", 1)[1]
    assert listed.startswith(", ".join(core.STATUSES) + ".")


def test_startup_loads_no_ledger_code() -> None:
    import subprocess
    import sys

    probe = ("import sys, wiccli.cli.app; print(sorted(m for m in sys.modules "
             "if m.startswith('wiccli.invites')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_status_table_leaves_out_rare_columns_that_do_not_fit(
        run: Runner, ledger: LedgerUnderTest) -> None:
    assert run(*ledger_args(ledger), "import", str(GUESTS)).code == 0
    narrow = run(*ledger_args(ledger), "status", environ={"COLUMNS": "80"})
    assert narrow.code == 0
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80
    assert "left out to fit the width: attended, no-show" in narrow.stdout
    assert "Withdrawn" in narrow.stdout
    wide = run(*ledger_args(ledger), "status", environ={"COLUMNS": "140"})
    assert "No-show" in wide.stdout
    assert "left out" not in wide.stdout


def test_import_on_a_terminal_shows_progress_on_stderr_only(
        run: Runner, ledger: LedgerUnderTest) -> None:
    result = run(*ledger_args(ledger), "import", str(GUESTS), tty=True)
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    assert "checking rows" in result.stderr
    assert "created 1520" in result.stderr


# --------------------------------------------------------------------------- TOML, listed


def test_toml_export_reads_back_exactly(run: Runner, ledger: LedgerUnderTest,
                                        tmp_path: Path) -> None:
    import tomllib

    import tomli_w

    assert run(*ledger_args(ledger), "import", str(GUESTS)).code == 0
    first = run(*ledger_args(ledger), "list", "-f", "json")
    # Ids are random: pick one the status rules let withdraw (not one already attended).
    some = [e["id"] for e in json.loads(first.stdout) if e["status"] == "invited"][:3]
    assert run(*ledger_args(ledger), "set", some[0], "withdrawn", "-n", 'why "quoted"\n').code == 0
    exported = snapshot(run, ledger)
    data = tomllib.loads(exported)
    assert exported == tomli_w.dumps(data)  # plain tomli-w: sorted, fixed key order
    ids = [e["id"] for e in data["invitations"]]
    assert ids == sorted(ids)
    assert list(data["invitations"][0])[:4] == ["id", "name", "organization", "category"]
    saved = write(tmp_path / "kept.toml", exported)
    fresh = LedgerUnderTest("sqlite", str(tmp_path / "fresh.db"))
    result = run(*fresh.args(), "import", str(saved))
    assert result.code == 0, result.stderr
    assert "created 1520, replaced 0, unchanged 0" in result.stderr
    assert snapshot(run, fresh) == exported
    again = run(*ledger_args(ledger), "import", str(saved))
    assert "created 0, replaced 0, unchanged 1520" in again.stderr


def test_toml_import_refuses_to_overwrite_a_different_entry_unless_forced(
        run: Runner, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    entry = add(run, ledger, "Sample Delegate")
    saved = write(tmp_path / "kept.toml", snapshot(run, ledger))
    assert run(*ledger_args(ledger), "accept", entry).code == 0
    changed = snapshot(run, ledger)
    refused = run(*ledger_args(ledger), "import", str(saved))
    assert refused.code == 1
    assert f"({entry}); nothing was imported (--force replaces" in refused.stderr
    assert snapshot(run, ledger) == changed
    forced = run(*ledger_args(ledger), "import", str(saved), "--force")
    assert forced.code == 0, forced.stderr
    assert snapshot(run, ledger) == saved.read_text(encoding="utf-8")


def test_listed_guests_are_counted_apart_and_invited_first(
        run: Runner, ledger: LedgerUnderTest) -> None:
    result = run(*ledger_args(ledger), "import", str(DATA / "guests-bom-crlf.csv"), "--listed")
    assert result.code == 0, result.stderr
    found = entries(run, ledger)
    assert {e["status"] for e in found} == {"listed"}
    totals = json.loads(run(*ledger_args(ledger), "status", "-f", "json").stdout)["totals"]
    assert (totals["listed"], totals["invited"], totals["pending"]) == (len(found), 0, 0)
    refused = run(*ledger_args(ledger), "accept", str(found[0]["id"]))
    assert refused.code == 1
    assert "has not been invited yet" in refused.stderr
    assert run(*ledger_args(ledger), "set", str(found[0]["id"]), "invited").code == 0
    totals = json.loads(run(*ledger_args(ledger), "status", "-f", "json").stdout)["totals"]
    assert (totals["listed"], totals["invited"]) == (len(found) - 1, 1)
    table = run(*ledger_args(ledger), "status", "--by", "status", environ={"COLUMNS": "140"})
    assert "Listed" in table.stdout


def test_the_country_table_is_pycountrys() -> None:
    import pycountry

    from wiccli.invites.country_names import NAMES

    assert NAMES == {c.alpha_2: str(getattr(c, "common_name", None) or c.name)
                     for c in pycountry.countries}


# Eight guests, one of each status; quantities make sums differ from counts.
COUNTED = [("g1", "press", "DE", "accepted", 3), ("g2", "government", "CN", "declined", 1),
           ("e1", "experts", "GB", "attended", 2), ("e2", "experts", "FR", "no-show", 1),
           ("e3", "experts", "FR", "listed", 1), ("x1", "enterprises", "CN", "tentative", 1),
           ("x2", "enterprises", "CN", "withdrawn", 2), ("x3", "enterprises", "BR", "invited", 1)]
TARGETS = """
[invitations]
target = 20

[[invitations.categories]]
id = "experts"
name = "Experts"
target = 4

[[invitations.categories]]
id = "government"
name = "Government"
target = 10

[[invitations.categories]]
id = "enterprises"
name = "Enterprises"
"""
FIELDS = ("group", "name", "entries", "listed", "invited", "accepted", "declined", "pending",
          "tentative", "withdrawn", "attended", "no_show", "response_rate", "acceptance_rate",
          "target", "progress")


@pytest.mark.parametrize(("by", "groups"), [
    ("category", [("experts", "Experts", 3, 1, 3, 0, 0, 0, 0, 0, 2, 1, 1.0, 1.0, 4, 0.75),
                  ("government", "Government", 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1.0, 0.0, 10, 0.1),
                  ("enterprises", "Enterprises", 3, 0, 4, 0, 0, 2, 1, 2, 0, 0, 0.0, None, None,
                   None),
                  # A category the event does not define: after the event's, named by its id.
                  ("press", "press", 1, 0, 3, 3, 0, 0, 0, 0, 0, 0, 1.0, 1.0, None, None)]),
    ("country", [("CN", "China", 3, 0, 4, 0, 1, 1, 1, 2, 0, 0, 0.5, 0.0, None, None),
                 ("DE", "Germany", 1, 0, 3, 3, 0, 0, 0, 0, 0, 0, 1.0, 1.0, None, None),
                 ("FR", "France", 2, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1.0, 1.0, None, None),
                 ("GB", "United Kingdom", 1, 0, 2, 0, 0, 0, 0, 0, 2, 0, 1.0, 1.0, None, None),
                 ("BR", "Brazil", 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0.0, None, None, None)]),
    ("status", [(s, s, 1, *counts) for s, counts in [
        ("listed", (1, 0, 0, 0, 0, 0, 0, 0, 0, None, None, None, None)),
        ("invited", (0, 1, 0, 0, 1, 0, 0, 0, 0, 0.0, None, None, None)),
        ("tentative", (0, 1, 0, 0, 1, 1, 0, 0, 0, 0.0, None, None, None)),
        ("accepted", (0, 3, 3, 0, 0, 0, 0, 0, 0, 1.0, 1.0, None, None)),
        ("declined", (0, 1, 0, 1, 0, 0, 0, 0, 0, 1.0, 0.0, None, None)),
        ("withdrawn", (0, 2, 0, 0, 0, 0, 2, 0, 0, None, None, None, None)),
        ("attended", (0, 2, 0, 0, 0, 0, 0, 2, 0, 1.0, 1.0, None, None)),
        ("no-show", (0, 1, 0, 0, 0, 0, 0, 0, 1, 1.0, 1.0, None, None))]]),
])
def test_status_sums_quantities_per_group_with_rates_and_targets(
        run: Runner, tmp_path: Path, by: str, groups: list[tuple[object, ...]]) -> None:
    event = write(tmp_path / "event.toml", (DATA / "minimal.toml").read_text() + TARGETS)
    made = "2018-09-01T09:00:00Z"
    source = write(tmp_path / "kept.toml", 'schema = 1\nevent = "demo"\n' + "".join(
        f'\n[[invitations]]\nid = "{i}"\nname = "Delegate {i}"\ncategory = "{c}"\n'
        f'country = "{k}"\nstatus = "{s}"\nquantity = {q}\ncreated = {made}\n'
        f'updated = {made}\nhistory = [{{ at = {made}, status = "{s}" }}]\n'
        for i, c, k, s, q in COUNTED))
    ledger = ["-e", str(event), "invites", "--ledger", "l.db"]
    assert run(*ledger, "import", str(source)).code == 0
    result = run(*ledger, "status", "--by", by, "-f", "json")
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["event"], report["by"]) == ("demo", by)
    assert report["totals"] == {
        "entries": 8, "listed": 1, "invited": 11, "accepted": 3, "declined": 1, "pending": 2,
        "tentative": 1, "withdrawn": 2, "attended": 2, "no_show": 1, "bounced": 0,
        "response_rate": 0.7778,
        "acceptance_rate": 0.8571, "target": 20, "progress": 0.55, "countries": 2}
    assert [tuple(g[f] for f in FIELDS) for g in report["groups"]] == groups
    assert all(list(g) == [*FIELDS[:12], "bounced", *FIELDS[12:]] for g in report["groups"])
    assert [g["bounced"] for g in report["groups"]] == [0] * len(groups)


@pytest.mark.parametrize(("count", "more"), [(10, ""), (11, ", and more")])
def test_ten_candidates_are_all_named_and_eleven_say_there_are_more(
        run: Runner, ledger: LedgerUnderTest, tmp_path: Path, count: int, more: str) -> None:
    ids = [f"dup{n:03d}" for n in range(count)]
    assert run(*ledger_args(ledger), "import",
               str(hand_written_ledger(tmp_path / "kept.toml", ids))).code == 0
    result = run(*ledger_args(ledger), "accept", "DUP")
    assert result.stderr == (f"error: id 'DUP' is ambiguous: it could be {', '.join(ids[:10])}"
                             f"{more}; type more of it\n")


@pytest.mark.parametrize(("changed", "listed"), [
    (1, "dup003"), (11, "dup000, dup001, dup002, dup003, dup004, dup005, dup006, dup007, "
                        "dup008, dup009, …")])
def test_a_toml_import_names_the_entries_that_differ(
        run: Runner, tmp_path: Path, changed: int, listed: str) -> None:
    ids = [f"dup{n:03d}" for n in range(12)]
    ledger = LedgerUnderTest("sqlite", str(tmp_path / "l.db"))
    first = hand_written_ledger(tmp_path / "a.toml", ids)
    assert run(*ledger.args(), "import", str(first)).code == 0
    kept = snapshot(run, ledger)
    moved = ids[3:4] if changed == 1 else ids[:11]
    edited = hand_written_ledger(tmp_path / "b.toml", [*ids, "new000"]).read_text()
    for i in moved:
        edited = edited.replace(f'id = "{i}"\nname = "Sample', f'id = "{i}"\nname = "Renamed')
    source = write(tmp_path / "b.toml", edited)
    refused = run(*ledger.args(), "import", str(source))
    entries_ = "1 entry of the file differs" if changed == 1 else f"{changed} entries of the " \
        "file differ"
    assert refused.stderr == (f"error: {entries_} from the ledger's entries of the same id "
                              f"({listed}); nothing was imported (--force replaces them with "
                              "the file's)\n")
    assert snapshot(run, ledger) == kept
    forced = run(*ledger.args(), "import", str(source), "--force")
    assert forced.stderr == (f"created 1, replaced {changed}, unchanged {12 - changed} "
                             "(13 entries)\n")


def test_a_csv_row_updates_its_entry_and_a_new_status_goes_into_the_history(
        run: Runner, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    first = write(tmp_path / "a.csv", "name,category,country,email,note\n"
                  "Ada Lovelace,experts,GB,ada@example.org,\n"
                  "Grace Hopper,experts,US,grace@example.org,\n"
                  "Alan Turing,experts,GB,alan@example.org,\n")
    assert run(*ledger_args(ledger), "import", str(first)).code == 0
    later = FIXED_NOW + timedelta(days=2)
    second = write(tmp_path / "b.csv", "name,category,country,email,status,note\n"
                   "Ada Lovelace,experts,GB,ada@example.org,accepted,by letter\n"
                   "Grace Hopper,experts,US,grace@example.org,,moved to Boston\n"
                   "Alan Turing,experts,GB,alan@example.org,,\n")
    result = run(*ledger_args(ledger), "import", str(second), now=later)
    assert result.code == 0, result.stderr
    assert result.stderr == "created 0, updated 2, unchanged 1 (3 rows)\n"
    found = {e["name"]: e for e in entries(run, ledger)}
    ada, grace, alan = found["Ada Lovelace"], found["Grace Hopper"], found["Alan Turing"]
    assert (ada["status"], ada["note"], ada["updated"]) == ("accepted", "by letter",
                                                            later.isoformat())
    assert (grace["status"], grace["note"], grace["updated"]) == ("invited", "moved to Boston",
                                                                  later.isoformat())
    assert (alan["status"], alan["updated"]) == ("invited", FIXED_NOW.isoformat())
    history = json.loads(run(*ledger_args(ledger), "history", str(ada["id"]), "-f", "json").stdout)
    assert [(h["status"], h["note"], h["at"]) for h in history] == [
        ("invited", "", FIXED_NOW.isoformat()), ("accepted", "by letter", later.isoformat())]
    third = write(tmp_path / "t.csv", "name,category,country,email,status\n"
                  "Alan Turing,experts,GB,alan@example.org,declined\n")
    assert run(*ledger_args(ledger), "import", str(third), now=later).code == 0
    alan_history = run(*ledger_args(ledger), "history", str(alan["id"]), "-f", "json").stdout
    assert [(h["status"], h["note"]) for h in json.loads(alan_history)] == [
        ("invited", ""), ("declined", "")]
    refused = write(tmp_path / "c.csv", "name,category,country,email,status\n"
                    "Ada Lovelace,experts,GB,ada@example.org,invited\n")
    assert run(*ledger_args(ledger), "import", str(refused)).code == 1
    forced = run(*ledger_args(ledger), "import", str(refused), "--force")
    assert forced.code == 0, forced.stderr


@pytest.mark.parametrize(("old", "new", "reason"), [
    ("accepted", "accepted", "it is already accepted"),
    ("declined", "attended", "only a guest who accepted can be marked attended (status is "
                             "declined)"),
    ("invited", "no-show", "only a guest who accepted can be marked no-show (status is invited)"),
    ("attended", "accepted", "the guest is already recorded as attended; the event is over for "
                             "this entry"),
    ("no-show", "declined", "the guest is already recorded as no-show; the event is over for "
                            "this entry"),
    ("withdrawn", "accepted", "the invitation was withdrawn; re-invite first (status invited)"),
    ("listed", "accepted", "the guest has not been invited yet (status listed)"),
    ("accepted", "invited", "the guest has answered already (status is accepted)"),
    ("tentative", "invited", "the guest has answered already (status is tentative)"),
    ("invited", "listed", "invited cannot be followed by listed"),
])
def test_each_refusal_says_why(old: str, new: str, reason: str) -> None:
    assert core.refusal(old, new) == reason


def test_stale_days_run_from_0_to_the_limit(run: Runner, ledger: LedgerUnderTest) -> None:
    from wiccli.limits import MAX_STALE_DAYS

    waiting = add(run, ledger, "Sample Delegate 0001", now=FIXED_NOW - timedelta(hours=1))
    assert [e["id"] for e in entries(run, ledger, "--stale", "0")] == [waiting]
    assert entries(run, ledger, "--stale", str(MAX_STALE_DAYS)) == []
    for bad in (str(MAX_STALE_DAYS + 1), "-1"):
        result = run(*ledger_args(ledger), "list", "--stale", bad)
        assert result.code == 2, bad
        assert result.stderr == (f"error: --stale: days must be from 0 to {MAX_STALE_DAYS:,}, "
                                 f"got {bad}\n")


def test_an_id_that_starts_another_is_found_exactly(
        run: Runner, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    source = hand_written_ledger(tmp_path / "kept.toml", ["Exact", "exact2", "exact34"])
    assert run(*ledger_args(ledger), "import", str(source)).code == 0
    result = run(*ledger_args(ledger), "accept", "EXACT")
    assert result.code == 0, result.stderr
    assert result.stderr == "Exact (Sample Delegate 0): invited -> accepted\n"
    assert run(*ledger_args(ledger), "decline", "exact3").stderr.startswith("exact34 ")


def test_find_id_prefers_the_id_itself_to_ids_it_starts() -> None:
    assert core.find_id(["Exact", "exact2", "exact34"], " exact ") == "Exact"
    assert core.find_id(["exact2", "exact34"], "EXACT3") == "exact34"
    with pytest.raises(UsageError, match="ambiguous: it could be exact2, exact34"):
        core.find_id(["exact2", "exact34"], "exact")
    with pytest.raises(NotFoundError, match="no invitation with id ''"):
        core.find_id(["exact2"], "")


@pytest.mark.parametrize(("text", "status"), [
    ("No Show", "no-show"), ("no_show", "no-show"), ("NOSHOW", "no-show"),
    ("no-shows", "no-show"), (" Attended ", "attended"), ("TENTATIVE", "tentative"),
])
def test_a_status_is_read_in_any_case_and_spacing(text: str, status: str) -> None:
    assert core.resolve_status(text) == status


@pytest.mark.parametrize(("text", "said"), [
    ("0", "0"), ("10001", "10001"), ("-3", "-3"), ("2.5", "2.5"), ("٣", "٣"),
    ("1" * 10, "1111111111"), ("9" * 29, "9" * 29), ("9" * 30, "a number of 30 characters"),
])
def test_a_quantity_out_of_bounds_is_said_as_typed(text: str, said: str) -> None:
    with pytest.raises(UsageError) as raised:
        core.check_quantity(text)
    assert raised.value.message == f"quantity must be a whole number from 1 to 10,000, got {said}"


@pytest.mark.parametrize(("value", "quantity"), [("1", 1), (" 10000 ", 10_000), (7, 7),
                                                 ("000000042", 42)])
def test_a_quantity_in_bounds_is_read(value: int | str, quantity: int) -> None:
    assert core.check_quantity(value) == quantity
