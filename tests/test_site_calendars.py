"""The site's calendars: each file exactly what `wic export-ics` makes for its sessions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from conftest import DATA
from wiccli import ics
from wiccli.cli.state import State
from wiccli.env import Env
from wiccli.event.load import load_event
from wiccli.publish import pages, site


def test_calendar_files_match_calendar_bytes(big_event_file: Path) -> None:
    for path in (DATA / "publish-small.toml", big_event_file):
        event = load_event(path)
        zone = State(env=Env()).zone(event.timezone)
        layout = pages.build(event, zone)
        stamp = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
        files = site.calendars(event, layout, zone, stamp)
        spec = ics.CalendarSpec(name=event.label, description=ics.calendar_description(event),
                                stamp=stamp)
        assert files["programme.ics"] == ics.calendar_bytes(event, event.sessions, spec, zone)
        for s in event.sessions[:50]:
            name = "session/" + layout.session_file[s.id].replace(".html", ".ics")
            assert files[name] == ics.calendar_bytes(event, [s], spec, zone), s.id
        for theme in event.themes:
            if theme.id in layout.by_theme:
                named = ics.CalendarSpec(name=f"{event.label}{ics.SEPARATOR}{theme.name}",
                                         description=spec.description, stamp=stamp)
                name = "theme/" + layout.theme_file[theme.id].replace(".html", ".ics")
                assert files[name] == ics.calendar_bytes(event, layout.by_theme[theme.id],
                                                         named, zone)
