"""Days past midnight and session languages, on schedules shaped like 38C3, Camp 2019
and rC3 (made by tests/schedules.py): every day view holds the source's days."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import Runner, write
from schedules import camp, congress, remote


def imported(run: Runner, tmp_path: Path, name: str, text: str) -> Path:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    target = tmp_path / f"{source.stem}.toml"
    result = run("import", str(source), "-o", str(target))
    assert result.code == 0, result.stderr
    return target


def day_titles(run: Runner, event: Path, day: int) -> list[str]:
    result = run("-e", str(event), "agenda", "--day", str(day), "-f", "json")
    assert result.code == 0, result.stderr
    return [r["title"] for r in json.loads(result.stdout)]


def frab_days(run: Runner, event: Path, *args: str) -> list[dict[str, object]]:
    result = run("-e", str(event), "export-frab", "-f", "json", *args)
    assert result.code == 0, result.stderr
    days: list[dict[str, object]] = json.loads(result.stdout)["schedule"]["conference"]["days"]
    return days


def titles_of(day: dict[str, object]) -> list[str]:
    rooms = day["rooms"]
    assert isinstance(rooms, dict)
    return sorted(e["title"] for events in rooms.values() for e in events)


def test_congress_night_talks_stay_on_their_evening(run: Runner, tmp_path: Path) -> None:
    text, listed, _ = congress()
    event = imported(run, tmp_path, "congress.json", text)
    toml = event.read_text(encoding="utf-8")
    assert toml.count("[[days]]") == 4
    assert "day_starts" not in toml
    info = json.loads(run("-e", str(event), "info", "-f", "json").stdout)
    assert info["days"] == ["2024-12-27", "2024-12-28", "2024-12-29", "2024-12-30"]
    for number, titles in listed.items():
        assert sorted(day_titles(run, event, number)) == sorted(titles)
    days = frab_days(run, event)
    source = json.loads(text)["schedule"]["conference"]["days"]
    assert [(d["date"], d["day_start"], d["day_end"]) for d in days] == \
        [(d["date"], d["day_start"], d["day_end"]) for d in source]
    assert [titles_of(d) for d in days] == [sorted(t) for t in listed.values()]


def test_congress_grid_and_site_days(run: Runner, tmp_path: Path) -> None:
    text, listed, languages = congress()
    event = imported(run, tmp_path, "congress.json", text)
    grid = run("-e", str(event), "grid", "--day", "1", "--slot", "60",
               environ={"COLUMNS": "200"})
    assert grid.code == 0, grid.stderr
    assert re.search(r"^02:00 ", grid.stdout, re.M)
    assert "Tag 1 Nacht" in grid.stdout
    assert "Tag 2" not in grid.stdout
    assert run("-e", str(event), "site", "-o", "site").code == 0
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section aria-labelledby="day-(\d)-h".*?</section>', index, re.S)
    assert len(sections) == 4
    for number, section in zip(sorted(listed), re.split(r'<section aria-labelledby="day-',
                                                        index)[1:5], strict=True):
        shown = re.findall(r'data-session="[^"]+"[^>]*><a [^>]+>([^<]+)<',
                           section)
        assert sorted(shown) == sorted(listed[number])
    for title, lang in languages.items():
        assert re.search(rf' lang="{lang}"[^>]*><a [^>]+>{title}<', index), title
    assert '<html lang="en">' in index


def test_camp_keeps_five_days(run: Runner, tmp_path: Path) -> None:
    text, listed = camp()
    event = imported(run, tmp_path, "camp.json", text)
    toml = event.read_text(encoding="utf-8")
    assert toml.count("[[days]]") == 5
    assert "end = 2019-08-26" in toml
    info = json.loads(run("-e", str(event), "info", "-f", "json").stdout)
    assert len(info["days"]) == 5
    for number, titles in listed.items():
        assert sorted(day_titles(run, event, number)) == sorted(titles)
    assert run("-e", str(event), "agenda", "--day", "6").code == 2
    result = run("-e", str(event), "export-frab", "-f", "json")
    conference = json.loads(result.stdout)["schedule"]["conference"]
    source = json.loads(text)["schedule"]["conference"]
    assert conference["daysCount"] == 5
    assert conference["end"] == "2019-08-26"
    assert [(d["day_start"], d["day_end"]) for d in conference["days"]] == \
        [(d["day_start"], d["day_end"]) for d in source["days"]]


def test_remote_xml_round_trip_keeps_days_languages_and_rooms(run: Runner,
                                                              tmp_path: Path) -> None:
    text, listed = remote()
    first = imported(run, tmp_path, "rc3.xml", text)
    assert [sorted(day_titles(run, first, n)) for n in (1, 2)] == \
        [sorted(listed[1]), sorted(listed[2])]
    exported = run("-e", str(first), "export-frab", "-o", "again.xml")
    assert exported.code == 0, exported.stderr
    assert '<?wic venue="rc1"?>' in (tmp_path / "again.xml").read_text(encoding="utf-8")
    second = imported(run, tmp_path, "again.xml", (tmp_path / "again.xml").read_text())
    for event in (first, second):
        days = frab_days(run, event)
        assert [(d["day_start"], d["day_end"]) for d in days] == [
            ("2020-12-27T11:00:00+01:00", "2020-12-28T03:00:00+01:00"),
            ("2020-12-28T11:00:00+01:00", "2020-12-29T03:00:00+01:00")]
        entries = [e for d in days for events in d["rooms"].values() for e in events]
        assert sorted(e["language"] for e in entries) == ["de"] * 4 + ["en"] * 2
    venues = [json.loads(run("-e", str(e), "info", "-f", "json").stdout)["venues"]
              for e in (first, second)]
    assert [v["id"] for v in venues[0]] == [v["id"] for v in venues[1]] == ["rc1", "rc2"]


def test_bundled_venue_id_survives_both_formats(run: Runner, tmp_path: Path) -> None:
    for fmt in ("xml", "json"):
        assert run("export-frab", "-f", fmt, "-o", f"wic.{fmt}").code == 0
        assert run("import", f"wic.{fmt}", "-o", f"{fmt}.toml").code == 0
        text = (tmp_path / f"{fmt}.toml").read_text(encoding="utf-8")
        assert 'id = "convention-center"' in text


DAY_STARTS = """
[event]
id = "late"
name = "Late"
timezone = "Europe/Berlin"
start = 2024-06-01
end = 2024-06-02
day_starts = "06:00"
language = "de"

[[sessions]]
id = "evening"
title = "Abend"
kind = "talk"
start = 2024-06-01T22:00:00
end = 2024-06-01T23:00:00

[[sessions]]
id = "night"
title = "Night owls"
kind = "talk"
language = "en-GB"
start = 2024-06-02T01:00:00
end = 2024-06-02T02:00:00

[[sessions]]
id = "morning"
title = "Morgen"
kind = "talk"
start = 2024-06-02T09:00:00
end = 2024-06-02T10:00:00
"""


def test_day_starts_rule(run: Runner, tmp_path: Path) -> None:
    write(tmp_path / "wic.toml", DAY_STARTS)
    assert [r["id"] for r in json.loads(run("agenda", "-d", "1", "-f", "json").stdout)] == \
        ["evening", "night"]
    records = json.loads(run("agenda", "-f", "json").stdout)
    assert [r["day"] for r in records] == ["2024-06-01", "2024-06-01", "2024-06-02"]
    table = run("agenda", "-d", "1").stdout  # the night talk is the evening's, on a Sunday
    assert re.search(r"^01:00–02:00 +Night owls.*\nSun$", table, re.M), table
    days = frab_days(run, tmp_path / "wic.toml")
    assert days[0]["day_start"] == "2024-06-01T06:00:00+02:00"
    assert days[0]["day_end"] == "2024-06-02T06:00:00+02:00"
    languages = {e["title"]: e["language"] for d in days for r in d["rooms"].values()
                 for e in r}
    assert languages == {"Abend": "de", "Night owls": "en-GB", "Morgen": "de"}


def test_ics_language_parameter(run: Runner, tmp_path: Path) -> None:
    write(tmp_path / "wic.toml", DAY_STARTS)
    ics = run("export-ics").stdout
    assert "SUMMARY;LANGUAGE=en-GB:Night owls\r\n" in ics
    assert "SUMMARY;LANGUAGE=de:Abend\r\n" in ics
    bundled = run("export-ics").stdout
    assert "LANGUAGE" not in run("-e", str(Path(__file__).parents[1] / "data" /
                                             "wic2018.toml"), "export-ics").stdout
    assert bundled


@pytest.mark.parametrize(("change", "message"), [
    (('day_starts = "06:00"', 'day_starts = "25:00"'), "event.day_starts: expected a time"),
    (('language = "de"', 'language = "deutsch"'), "event.language: 'deutsch' is not a "
                                                  "language tag"),
    (('language = "en-GB"', 'language = "xx"'), "'xx' is not an ISO 639 language code"),
    (('day_starts = "06:00"', 'day_starts = "06:00"\n[[days]]\ndate = 2024-06-01\n'
      'start = 2024-06-01T10:00:00\nend = 2024-06-02T06:00:00\n[event.x]'), "not both"),
])
def test_bad_days_and_languages(run: Runner, tmp_path: Path, change: tuple[str, str],
                                message: str) -> None:
    write(tmp_path / "wic.toml", DAY_STARTS.replace(*change))
    result = run("agenda")
    assert result.code == 1
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr


LISTED = """
[event]
id = "listed"
name = "Listed"
timezone = "Europe/Berlin"
start = 2024-06-01
end = 2024-06-03

[[days]]
date = 2024-06-01
start = 2024-06-01T10:00:00
end = 2024-06-02T06:00:00

[[days]]
date = DAY2
start = 2024-06-02T10:00:00
end = END2

[[sessions]]
id = "gap"
title = "Between the days"
kind = "talk"
start = 2024-06-02T07:00:00
end = 2024-06-02T08:00:00
"""


def test_listed_days(run: Runner, tmp_path: Path) -> None:
    write(tmp_path / "wic.toml", LISTED.replace("DAY2", "2024-06-02")
          .replace("END2", "2024-06-03T02:00:00"))
    assert json.loads(run("info", "-f", "json").stdout)["days"] == ["2024-06-01", "2024-06-02"]
    assert [r["day"] for r in json.loads(run("agenda", "-f", "json").stdout)] == ["2024-06-01"]
    for day2, end2, message in (
            ("2024-06-01", "2024-06-03T02:00:00", "days[1].date: 2024-06-01 is not after"),
            ("2024-06-02", "2024-06-02T09:00:00", "days[1].end: 2024-06-02T09:00:00+02:00 is "
                                                  "not after the day's start"),
            ("2024-06-05", "2024-06-03T02:00:00", "days[1].date: 2024-06-05 is outside")):
        write(tmp_path / "wic.toml", LISTED.replace("DAY2", day2).replace("END2", end2))
        result = run("agenda")
        assert result.code == 1
        assert message in result.stderr


def test_grid_of_one_venue_keeps_to_the_day(run: Runner) -> None:
    """The bundled expo runs three days; its venue's grid keeps to the day's hours."""
    result = run("grid", "--day", "2", "--venue", "convention-center", "--slot", "15")
    assert result.code == 0, result.stderr
    times = re.findall(r"^(\d\d:\d\d) ", result.stdout, re.M)
    assert times[0] >= "08:00"
    assert times[-1] <= "20:00"


def test_import_drops_a_bad_language(run: Runner, tmp_path: Path) -> None:
    text, _, _ = congress()
    event = imported(run, tmp_path, "bad.json", text.replace('"language": "de"',
                                                             '"language": "deutsch!"', 1))
    result = run("import", "bad.json", "-o", "again.toml")
    assert "had a language that is not a BCP 47 tag" in result.stderr
    assert 'language = "deutsch!"' not in event.read_text(encoding="utf-8")


def test_the_cache_keeps_days_and_languages(run: Runner, tmp_path: Path) -> None:
    import dataclasses

    from wiccli.event import cache
    from wiccli.event.load import load_event

    text, _, _ = congress()
    write(tmp_path / "late.toml", DAY_STARTS)
    for path in (imported(run, tmp_path, "congress.json", text), tmp_path / "late.toml"):
        event = dataclasses.replace(load_event(path), source="")
        assert event.day_list or event.day_starts.hour == 6
        back = cache.decode(json.loads(json.dumps(cache.encode(event))))
        assert repr(back) == repr(event)


EMOJI = ("🎉", "✨", "🇩🇪", "❤\u200d🔥")


def test_a_big_programme_with_emoji_is_searchable(run: Runner, tmp_path: Path) -> None:
    """One character no installed font has (an emoji, with no emoji font) made WeasyPrint
    give the text font its own encoding, and pypdf read nothing but garbage back."""
    import subprocess
    import sys

    from conftest import ROOT, need_weasyprint

    need_weasyprint()
    pypdf = pytest.importorskip("pypdf")
    source = tmp_path / "big.toml"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "event",
                    "--sessions", "150", "--days", "3", "--venues", "6", "-o", str(source)],
                   check=True, capture_output=True)
    lines = source.read_text(encoding="utf-8").splitlines()
    titled = [i for i, line in enumerate(lines) if line.startswith('title = "')]
    for n, index in enumerate(titled[::10]):
        lines[index] = lines[index].replace('title = "', f'title = "{EMOJI[n % 4]} ', 1)
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("-e", str(source), "programme", "-o", "big.pdf")
    assert result.code == 0, result.stderr
    reader = pypdf.PdfReader(tmp_path / "big.pdf")
    assert len(reader.pages) > 30
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            assert font.get_object()["/Encoding"] == "/Identity-H"
    everything = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    from wiccli.event.load import load_event
    from wiccli.output.fonts import uncovered

    missing = set(uncovered("".join(EMOJI)))  # all of them where no emoji font is installed
    everything = everything.replace("\u200d", "")
    for session in load_event(source).sessions[::7]:
        title = "".join("\ufffd" if c in missing else c for c in session.title)
        assert re.sub(r"[\s\u200d]+", "", title) in everything, session.id


def test_now_speaks_of_the_night_as_its_evening(run: Runner, tmp_path: Path) -> None:
    write(tmp_path / "wic.toml", DAY_STARTS)
    result = run("now", "--at", "2024-06-01T23:30")
    assert result.code == 0, result.stderr
    assert "Night owls  at 01:00, in 1 h 30 min" in result.stdout
    result = run("now", "--at", "2024-06-02T01:30")
    assert "Morgen  at Sun 2 Jun 09:00" in result.stdout


def test_pentabarf_day_change_is_the_day_start(run: Runner, tmp_path: Path) -> None:
    from conftest import DATA

    result = run("import", str(DATA / "frab-pentabarf.xml"), "-o", "p.toml")
    assert result.code == 0, result.stderr
    assert "after midnight" not in result.stderr
    assert 'day_starts = "04:00"' in (tmp_path / "p.toml").read_text(encoding="utf-8")
    records = {r["id"]: r["day"] for r in
               json.loads(run("-e", "p.toml", "agenda", "-f", "json").stdout)}
    assert records["midnight-hacking"] == "2009-02-07"


def test_day_problems_name_the_days_as_written(run: Runner, tmp_path: Path) -> None:
    """A broken day in the middle does not shift the index of the ones after it."""
    text = LISTED.replace("DAY2", "2024-06-02").replace("END2", "2024-06-03T02:00:00")
    text = text.replace("[[days]]\ndate = 2024-06-02", '[[days]]\ndate = "broken"\n\n'
                        "[[days]]\ndate = 2024-06-02", 1)
    text = text.replace("start = 2024-06-02T10:00:00", "start = 2024-06-02T05:00:00")
    write(tmp_path / "wic.toml", text)
    result = run("validate")
    assert result.code == 1
    assert "days[1].date: expected a date" in result.stderr
    assert "days[2].start: 2024-06-02T05:00:00+02:00 is before the day before it ends" \
        in result.stderr


def test_validate_counts_sessions_per_day_as_the_source_does(run: Runner, tmp_path: Path) -> None:
    text, listed, _ = congress()
    event = imported(run, tmp_path, "congress.json", text)
    result = run("validate", str(event), "-f", "json")
    assert result.code == 0, result.stderr
    counted = [d["sessions"] for d in json.loads(result.stdout)["summary"]["days"]]
    assert counted == [len(titles) for titles in listed.values()]
