"""`wic invites report`: the funnel over time, read back from a real ledger whose 1,500
guests moved through their statuses over 60 days (tests/reportworld.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

import reportworld as world
from conftest import BACKENDS, Runner, make_ledger, need_program


@dataclass
class Campaign:
    event: Path
    location: str
    guests: list[world.Guest]

    def args(self, *more: str) -> list[str]:
        return ["--event", str(self.event), "invites", "--ledger", self.location, "report",
                *more]


@pytest.fixture(scope="module", params=BACKENDS)
def campaign(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> Campaign:
    folder = tmp_path_factory.mktemp("campaign")
    event = folder / "sample2019.toml"
    event.write_text(world.event_toml(), encoding="utf-8")
    ledger = make_ledger(request.param, request, folder)
    guests = world.plan()
    world.write(guests, event, ledger.location)
    return Campaign(event, ledger.location, guests)


def report_json(run: Runner, campaign: Campaign, *more: str) -> dict:
    result = run(*campaign.args("-f", "json", *more))
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def days(document: dict) -> list[date]:
    return [date.fromisoformat(p) for p in document["periods"]]


# --------------------------------------------------------------------------- the numbers


def test_every_day_of_every_stage_is_what_the_history_says(run: Runner,
                                                           campaign: Campaign) -> None:
    document = report_json(run, campaign)
    assert document["version"] == 1
    assert document["stages"] == ["listed", "invited", "answered", "accepted", "attended"]
    shown = days(document)
    first = min(world.local_day(g.changes[0][0]) for g in campaign.guests)
    assert shown[0] == first
    assert len(shown) == (shown[-1] - shown[0]).days + 1 <= 61
    for stage in (*document["stages"], "declined", "withdrawn"):
        want = [world.expected(campaign.guests, day, stage) for day in shown]
        assert document["total"]["series"][stage] == want, stage
    assert [g["group"] for g in document["groups"]] == ["government", "experts", "enterprises"]
    for group in document["groups"]:
        want = [world.expected(campaign.guests, day, "accepted", group["group"])
                for day in shown]
        assert group["series"]["accepted"] == want
    assert [g["target"] for g in document["groups"]] == [900, 1000, None]
    assert document["total"]["target"] == 3000
    assert document["days_to_event"][0] == (shown[0] - world.START).days


def test_the_last_point_is_what_status_counts(run: Runner, campaign: Campaign) -> None:
    document = report_json(run, campaign)
    args = campaign.args()[:-1]
    status = json.loads(run(*args, "status", "-f", "json").stdout)["totals"]
    last = {k: v[-1] for k, v in document["total"]["series"].items()}
    assert last["invited"] == status["invited"]
    assert last["listed"] - last["invited"] == status["listed"]
    assert last["accepted"] == status["accepted"] + status["attended"] + status["no_show"]
    assert last["answered"] - last["accepted"] == status["declined"]
    assert last["withdrawn"] == status["withdrawn"]


def test_a_day_is_the_event_s_day_not_utc(run: Runner, campaign: Campaign) -> None:
    """A change at 17:30 UTC is the next morning in Beijing: it counts on that day."""
    document = report_json(run, campaign)
    late = [g for g in campaign.guests if g.changes[0][0].hour >= 16]
    assert late  # the plan has such changes
    utc_days = {g.changes[0][0].date() for g in late}
    local = {world.local_day(g.changes[0][0]) for g in late}
    assert utc_days != local
    shown = days(document)
    for day in sorted(local)[:5]:
        at = shown.index(day)
        assert document["total"]["series"]["listed"][at] == \
            world.expected(campaign.guests, day, "listed")


def test_weeks_end_on_sunday(run: Runner, campaign: Campaign) -> None:
    document = report_json(run, campaign, "--every", "week")
    starts = days(document)
    assert all(s.weekday() == 0 for s in starts)
    assert [b - a for a, b in zip(starts, starts[1:], strict=False)] == \
        [timedelta(days=7)] * (len(starts) - 1)
    want = [world.expected(campaign.guests, s + timedelta(days=6), "answered") for s in starts]
    assert document["total"]["series"]["answered"] == want


def test_since_and_until_cut_the_range(run: Runner, campaign: Campaign) -> None:
    document = report_json(run, campaign, "--since", "2019-09-10", "--until", "2019-09-20")
    shown = days(document)
    assert shown[0] == date(2019, 9, 10)
    assert shown[-1] == date(2019, 9, 20)
    assert len(shown) == 11
    # What happened before the first day is in its level.
    assert document["total"]["series"]["invited"][0] == \
        world.expected(campaign.guests, date(2019, 9, 10), "invited")


def test_by_region_sums_to_the_total(run: Runner, campaign: Campaign) -> None:
    document = report_json(run, campaign, "--by", "region")
    names = {g["group"]: g["name"] for g in document["groups"]}
    # UN M49: Asia 142, Europe 150, Americas 19, Africa 2, Oceania 9.
    assert names == {"142": "Asia", "150": "Europe", "19": "Americas", "2": "Africa",
                     "9": "Oceania"}
    for stage in document["stages"]:
        summed = [sum(g["series"][stage][n] for g in document["groups"])
                  for n in range(len(document["periods"]))]
        assert summed == document["total"]["series"][stage]
    asia = next(g for g in document["groups"] if g["group"] == "142")
    want = sum(g.quantity for g in campaign.guests if g.country in ("CN", "JP", "IN"))
    assert asia["series"]["listed"][-1] == want


def test_by_subregion_and_country(run: Runner, campaign: Campaign) -> None:
    sub = report_json(run, campaign, "--by", "subregion")
    names = {g["name"] for g in sub["groups"]}
    assert {"Eastern Asia", "Western Europe", "Sub-Saharan Africa", "Northern Africa",
            "Latin America and the Caribbean", "Northern America"} <= names
    country = report_json(run, campaign, "--by", "country")
    assert {g["group"] for g in country["groups"]} == set(world.COUNTRIES)
    de = next(g for g in country["groups"] if g["group"] == "DE")
    assert de["name"] == "Germany"


def test_rows_for_spreadsheets(run: Runner, campaign: Campaign) -> None:
    result = run(*campaign.args("-f", "csv", "--every", "week"))
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == ("event,group,name,period,days_to_event,listed,invited,answered,"
                        "accepted,attended,declined,withdrawn,target")
    weeks = len(report_json(run, campaign, "--every", "week")["periods"])
    assert len(lines) == 1 + 4 * weeks  # three categories and the total
    assert lines[-1].startswith("sample2019,total,Total,")
    jsonl = run(*campaign.args("-f", "jsonl", "--every", "week")).stdout.splitlines()
    assert len(jsonl) == 4 * weeks
    assert json.loads(jsonl[0])["group"] == "government"


# --------------------------------------------------------------------------- terminal


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_at_a_terminal_sparklines_and_bars_fit_80_columns(run: Runner,
                                                          campaign: Campaign) -> None:
    result = run(*campaign.args(), tty=True)
    assert result.code == 0, result.stderr
    plain = ANSI.sub("", result.stdout)
    assert "▁" in plain
    assert "█" in plain
    assert "Government" in plain
    assert "Total" in plain
    assert max(len(line) for line in plain.splitlines()) <= 80
    assert "\x1b[" in result.stdout


def test_on_a_pipe_plain_numbers(run: Runner, campaign: Campaign) -> None:
    result = run(*campaign.args())
    assert result.code == 0, result.stderr
    assert "\x1b[" not in result.stdout
    assert not set("▁▂▃▄▅▆▇█━") & set(result.stdout)
    total = report_json(run, campaign)["total"]["series"]
    assert re.search(rf"^Accepted +{total['accepted'][-1]:,}$", result.stdout, re.M)
    assert f"Invited: {total['invited'][-1]:,} of 3,000" in result.stdout


# --------------------------------------------------------------------------- charts


def bar_width(svg: str, gid: str) -> float:
    """The width of the bar drawn with id ``gid`` (its path's x extent)."""
    found = re.search(rf'<g id="{re.escape(gid)}">\s*<path d="([^"]+)"', svg)
    assert found, gid
    xs = [float(x) for x in re.findall(r"(?:M|L) ?(-?[\d.]+) ", found[1])]
    return max(xs) - min(xs)


def test_svg_draws_every_series_and_bar(run: Runner, campaign: Campaign,
                                        tmp_path: Path) -> None:
    result = run(*campaign.args("-o", "funnel.svg"))
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    assert "wrote funnel.svg" in result.stderr
    svg = (tmp_path / "funnel.svg").read_text(encoding="utf-8")
    for stage in ("listed", "invited", "answered", "accepted", "attended"):
        assert f'<g id="line-{stage}">' in svg
    assert '<g id="target-total">' in svg
    assert '<g id="target-government">' in svg
    assert '<g id="target-enterprises">' not in svg
    document = report_json(run, campaign)
    invited = {g["group"]: g["series"]["invited"][-1] for g in document["groups"]}
    widths = {g: bar_width(svg, f"bar-invited-{g}") for g in invited}
    ratio = widths["experts"] / widths["government"]
    assert ratio == pytest.approx(invited["experts"] / invited["government"], rel=1e-3)
    assert "Government delegates" in svg  # text stays text


def test_the_chart_data_is_the_report(run: Runner, campaign: Campaign) -> None:
    from wiccli.report.charts import chart_data

    document = report_json(run, campaign)
    data = chart_data(document)
    assert data["lines"]["accepted"] == document["total"]["series"]["accepted"]
    assert [b["invited"] for b in data["bars"]] == \
        [g["series"]["invited"][-1] for g in document["groups"]]
    assert data["target"] == 3000


def test_png_pdf_and_html(run: Runner, campaign: Campaign, tmp_path: Path) -> None:
    for name in ("funnel.png", "funnel.pdf", "funnel.html"):
        result = run(*campaign.args("-o", name))
        assert result.code == 0, (name, result.stderr)
    png = (tmp_path / "funnel.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(png[16:20]), int.from_bytes(png[20:24])) == (990, 825)
    html = (tmp_path / "funnel.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 1
    assert '<g id="line-accepted">' in html
    assert not re.search(r'(src|href)="(?!#)', html)  # nothing to fetch
    total = report_json(run, campaign)["total"]["series"]
    assert f"<td>{total['accepted'][-1]:,}</td>" in html
    pdftotext = need_program("pdftotext", "poppler-utils")
    text = subprocess.run([pdftotext, str(tmp_path / "funnel.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "Invitations to SAMPLE2019" in text
    for label in ("Government delegates", "Experts and scholars", "Accepted", "people"):
        assert label in text


def test_the_same_data_draws_the_same_file(run: Runner, campaign: Campaign,
                                           tmp_path: Path) -> None:
    assert run(*campaign.args("-o", "a.svg")).code == 0
    assert run(*campaign.args("-o", "b.svg")).code == 0
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()


# --------------------------------------------------------------------------- compare


@pytest.fixture(scope="module")
def last_edition(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[world.Guest]]:
    """Last year's ledger (SQLite) with its event file beside it, as an organiser keeps it."""
    folder = tmp_path_factory.mktemp("last-edition")
    event = folder / "sample2017.toml"
    event.write_text(world.event_toml("sample2017", date(2018, 11, 7), 1200), encoding="utf-8")
    from datetime import UTC, datetime

    guests = world.plan(300, seed=2018, first=datetime(2018, 9, 8, 1, 0, tzinfo=UTC))
    ledger = folder / "sample2017.invites.db"
    world.write(guests, event, str(ledger))
    return ledger, guests


def test_compare_aligns_by_days_before_each_event(run: Runner, campaign: Campaign,
                                                  last_edition: tuple[Path, list]) -> None:
    ledger, guests = last_edition
    document = report_json(run, campaign, "--compare", str(ledger))
    other = document["compare"]
    assert other["event"] == "sample2017"
    assert other["event_start"] == "2018-11-07"
    starts = [date.fromisoformat(p) for p in other["periods"]]
    assert other["days_to_event"] == [(s - date(2018, 11, 7)).days for s in starts]
    assert other["total"]["series"]["accepted"] == \
        [world.expected(guests, s, "accepted") for s in starts]
    table = run(*campaign.args("--compare", str(ledger)))
    assert table.code == 0, table.stderr
    assert "SAMPLE2017, " in table.stdout
    assert "days before its event: invited" in table.stdout
    tty = run(*campaign.args("--compare", str(ledger)), tty=True)
    assert max(len(line) for line in ANSI.sub("", tty.stdout).splitlines()) <= 80


def test_compare_draws_the_other_curves(run: Runner, campaign: Campaign, tmp_path: Path,
                                        last_edition: tuple[Path, list]) -> None:
    result = run(*campaign.args("--compare", str(last_edition[0]), "-o", "both.svg"))
    assert result.code == 0, result.stderr
    svg = (tmp_path / "both.svg").read_text(encoding="utf-8")
    assert '<g id="compare-invited">' in svg
    assert '<g id="compare-accepted">' in svg
    assert "days to the event" in svg


def test_compare_finds_the_event_or_asks_for_it(run: Runner, campaign: Campaign,
                                                tmp_path: Path,
                                                last_edition: tuple[Path, list]) -> None:
    ledger = tmp_path / "elsewhere.db"
    ledger.write_bytes(last_edition[0].read_bytes())
    result = run(*campaign.args("--compare", str(ledger)))
    assert result.code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert "'sample2017'" in result.stderr
    assert "--compare-event FILE" in result.stderr
    given = run(*campaign.args("--compare", str(ledger), "--compare-event",
                               str(last_edition[0].parent / "sample2017.toml"), "-f", "json"))
    assert given.code == 0, given.stderr
    assert json.loads(given.stdout)["compare"]["event"] == "sample2017"
    wrong = run(*campaign.args("--compare", str(ledger), "--compare-event",
                               str(campaign.event)))
    assert wrong.code == 1
    assert "is event 'sample2019'" in wrong.stderr


# --------------------------------------------------------------------------- mistakes


@pytest.mark.parametrize(("args", "code", "message"), [
    (("--since", "2019-13-01"), 2, "--since: '2019-13-01' is not a date"),
    (("--until", ""), 2, "--until: the value is empty"),
    (("--since", "2019-09-10", "--until", "2019-09-01"), 2, "is before --since"),
    (("--since", "1900-01-01"), 2, "narrow it with --since and --until, or use --every week"),
    (("-o", "report.txt"), 2, ".pdf, .svg, .png or .html"),
    (("-o", "-"), 2, "give a file name"),
    (("-o", "missing/report.svg"), 1, "its folder does not exist"),
    (("--compare", "nothing.db"), 1, "nothing.db: no ledger there"),
    (("--by", "planet"), 2, "'planet' is not one of"),
])
def test_mistakes_are_one_error_line(run: Runner, campaign: Campaign, tmp_path: Path,
                                     args: tuple[str, ...], code: int, message: str) -> None:
    result = run(*campaign.args(*args))
    assert result.code == code, result.stderr
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*.svg"))
    assert not list(tmp_path.glob(".*.tmp"))


def test_compare_refuses_what_is_not_a_ledger(run: Runner, campaign: Campaign,
                                              tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "text.db").write_text("not a database", encoding="utf-8")
    for name, words in (("pipe", "named pipe"), ("text.db", "not a wic ledger")):
        result = run(*campaign.args("--compare", name))
        assert result.code == 1, result.stderr
        assert words in result.stderr
        assert result.stderr.count("\n") == 1


def test_an_empty_ledger_says_so(run: Runner, tmp_path: Path) -> None:
    event = tmp_path / "sample2019.toml"
    event.write_text(world.event_toml(), encoding="utf-8")
    result = run("--event", str(event), "invites", "report")
    assert result.code == 0
    assert result.stdout == ""
    assert "no invitations recorded" in result.stderr
    assert not (tmp_path / "sample2019.invites.db").exists()


def test_a_tampered_history_time_is_an_error(run: Runner, tmp_path: Path) -> None:
    import sqlite3

    event = tmp_path / "sample2019.toml"
    event.write_text(world.event_toml(), encoding="utf-8")
    ledger = tmp_path / "sample2019.invites.db"
    world.write(world.plan(5), event, str(ledger))
    with sqlite3.connect(ledger) as conn:
        conn.execute("UPDATE history SET at = 'yesterday' WHERE seq = 0 AND rowid = 1")
    result = run("--event", str(event), "invites", "report")
    assert result.code == 1
    assert result.stderr.startswith("error: ")
    assert "changed outside wic" in result.stderr
    assert result.stderr.count("\n") == 1


def test_without_matplotlib_the_error_names_the_extra(tmp_path: Path) -> None:
    event = tmp_path / "sample2019.toml"
    event.write_text(world.event_toml(), encoding="utf-8")
    world.write(world.plan(5), event, str(tmp_path / "sample2019.invites.db"))
    probe = ("import sys; sys.modules['matplotlib'] = None\n"
             "from wiccli.cli.main import main\n"
             f"sys.exit(main(['--event', {str(event)!r}, 'invites', 'report', '-o', 'r.pdf']))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 1
    assert done.stderr == "error: drawing charts needs matplotlib: pip install 'wic[report]'\n"
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_the_numbers_import_no_charting(tmp_path: Path, fmt: str) -> None:
    """matplotlib (and the M49 table's csv reader) only when they are needed."""
    from test_imports import imported_by

    event = tmp_path / "sample2019.toml"
    event.write_text(world.event_toml(), encoding="utf-8")
    world.write(world.plan(5), event, str(tmp_path / "sample2019.invites.db"))
    found = imported_by(tmp_path, "--event", str(event), "invites", "report", "-f", fmt)
    top = {name.partition(".")[0] for name in found}
    assert "wiccli.cli.commands.invites.report" in found
    assert not top & {"matplotlib", "numpy", "PIL", "csv", "pycountry", "psycopg"}
    assert "wiccli.report.charts" not in found


def test_compare_reads_the_other_ledger_s_event_on_either_backend(run: Runner,
                                                                  campaign: Campaign) -> None:
    """The other ledger names its event (here this one's: a copy compares equal)."""
    document = report_json(run, campaign, "--compare", campaign.location)
    other = document["compare"]
    assert other["event"] == "sample2019"
    assert other["days_to_event"] == document["days_to_event"]
    assert other["total"]["series"] == document["total"]["series"]


def test_compare_on_a_server_that_is_not_there_hides_the_password(run: Runner,
                                                                  tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    event = tmp_path / "sample2019.toml"
    event.write_text(world.event_toml(), encoding="utf-8")
    world.write(world.plan(5), event, str(tmp_path / "sample2019.invites.db"))
    result = run("--event", str(event), "invites", "report", "--compare",
                 "postgresql://wic:s3cret-word@127.0.0.1:9/none?connect_timeout=2")
    assert result.code == 1
    assert result.stderr.startswith("error: postgresql://wic@127.0.0.1:9/none")
    assert "cannot connect" in result.stderr
    assert "s3cret" not in result.stderr


def test_every_iso_country_has_its_m49_row() -> None:
    """The M49 table (data, src/wiccli/invites/m49.csv) covers every ISO 3166-1 code."""
    import pycountry

    from wiccli.invites import regions

    iso = {c.alpha_2 for c in pycountry.countries}
    assert iso == regions.codes()
    assert regions.region("CN") == ("142", "Asia")
    assert regions.subregion("BR") == ("419", "Latin America and the Caribbean")
    assert regions.subregion("DE") == ("155", "Western Europe")
    assert regions.region("AQ").code == regions.NONE
    assert regions.region("XX").code == regions.NONE
    assert all(regions.region(c).code != regions.NONE for c in iso - {"AQ"})


def test_a_week_is_drawn_at_its_end(run: Runner, campaign: Campaign) -> None:
    from wiccli.report.charts import chart_data

    document = report_json(run, campaign, "--every", "week")
    data = chart_data(document)
    ends = [date.fromisoformat(x) for x in data["x"]]
    assert [e.weekday() for e in ends[:-1]] == [6] * (len(ends) - 1)
    assert ends[-1] == min(date.fromisoformat(document["until"]),
                           date.fromisoformat(document["periods"][-1]) + timedelta(days=6))
    assert data["lines"]["answered"][0] == world.expected(campaign.guests, ends[0], "answered")


def test_a_week_cut_by_until_ends_there(run: Runner, campaign: Campaign) -> None:
    """--until on a Wednesday: the last week's point is that Wednesday's level."""
    document = report_json(run, campaign, "--every", "week", "--until", "2019-09-18")
    assert document["periods"][-1] == "2019-09-16"
    assert document["total"]["series"]["accepted"][-1] == \
        world.expected(campaign.guests, date(2019, 9, 18), "accepted")


def test_the_json_shape_is_locked(run: Runner, campaign: Campaign,
                                  last_edition: tuple[Path, list]) -> None:
    """Version 1 of the document: a key that goes or changes meaning needs version 2."""
    document = report_json(run, campaign, "--compare", str(last_edition[0]))
    assert sorted(document) == ["by", "compare", "days_to_event", "event", "event_start",
                                "every", "groups", "name", "periods", "since", "stages",
                                "total", "until", "version"]
    for group in [*document["groups"], document["total"]]:
        assert sorted(group) == ["group", "name", "series", "target"]
        assert sorted(group["series"]) == ["accepted", "answered", "attended", "declined",
                                           "invited", "listed", "withdrawn"]
        assert {len(v) for v in group["series"].values()} == {len(document["periods"])}
    assert sorted(document["compare"]) == ["days_to_event", "event", "event_start", "name",
                                           "periods", "since", "total", "until"]


@pytest.mark.parametrize(("zone", "at", "day"), [
    ("America/Los_Angeles", "2019-09-10T03:00:00+00:00", "2019-09-09"),  # UTC-7: the evening before
    ("America/Los_Angeles", "2019-09-10T07:00:00+00:00", "2019-09-10"),
    ("Asia/Kolkata", "2019-09-10T18:29:00+00:00", "2019-09-10"),  # UTC+5:30: 23:59
    ("Asia/Kolkata", "2019-09-10T18:30:00+00:00", "2019-09-11"),  # midnight
    ("UTC", "2019-09-10T23:59:00+00:00", "2019-09-10"),
])
def test_a_change_counts_on_the_event_s_local_day(run: Runner, tmp_path: Path, zone: str,
                                                   at: str, day: str) -> None:
    from datetime import datetime

    event = tmp_path / "sample2019.toml"
    event.write_text(world.event_toml().replace("Asia/Shanghai", zone), encoding="utf-8")
    guest = world.Guest("experts", "DE", 2, [(datetime.fromisoformat(at), "invited")])
    world.write([guest], event, str(tmp_path / "sample2019.invites.db"))
    result = run("--event", str(event), "invites", "report", "-f", "json")
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["periods"] == [day]
    assert document["total"]["series"]["invited"] == [2]


def test_a_tampered_quantity_is_an_error(run: Runner, tmp_path: Path) -> None:
    import sqlite3

    event = tmp_path / "sample2019.toml"
    event.write_text(world.event_toml(), encoding="utf-8")
    ledger = tmp_path / "sample2019.invites.db"
    world.write(world.plan(5), event, str(ledger))
    with sqlite3.connect(ledger) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("UPDATE entries SET quantity = 'many' WHERE rowid = 1")
    result = run("--event", str(event), "invites", "report", "-f", "csv")
    assert result.code == 1
    assert result.stdout == ""
    assert "quantity no wic writes" in result.stderr
