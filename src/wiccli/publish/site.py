"""``wic site``: a static programme website, rendered from Jinja2 templates.

:func:`render_site` returns every file as bytes (same input, same bytes);
:func:`write_site` writes them to a temporary folder beside the target and then
moves it into place, so a failure leaves the previous site as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wiccli.errors import DataError
from wiccli.event.model import Event, Session
from wiccli.publish import pages

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).with_name("templates")
MARKER = ".wic-site"
MARKER_TEXT = b"Written by `wic site`, which replaces this folder whole when run again.\n"
SAFE_SCHEMES = ("http://", "https://", "mailto:")


def hm(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def templates() -> Environment:
    """The Jinja2 environment: templates from the package, every value escaped."""
    try:
        import jinja2
    except ImportError:
        raise DataError("wic site needs Jinja2: pip install 'jinja2>=3.1'") from None
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["hm"] = hm
    return env


def safe_url(url: str | None) -> str | None:
    """A link target only for web and mail addresses (never ``javascript:``)."""
    return url if url and url.lower().startswith(SAFE_SCHEMES) else None


def render_site(event: Event, zone: tzinfo, stamp: datetime,
                version: str) -> dict[str, bytes]:
    """Every file of the site by its relative path (``session/x.html``…).

    ``stamp`` is the calendars' DTSTAMP (see :func:`wiccli.ics.export_stamp`) and
    ``version`` wic's, named in schedule.json: nothing else varies between runs.
    """
    site = pages.build(event, zone)
    env = templates()
    env.globals["span"] = lambda s: _span(s, zone)
    common = _common(event, site, zone)
    files: dict[str, bytes] = {}

    def page(path: str, template: str, **context: Any) -> None:
        root = "../" * path.count("/")
        text = env.get_template(template).render(**common, root=root, **context)
        files[path] = text.encode("utf-8")

    ics_file = {t: name.replace(".html", ".ics") for t, name in site.theme_file.items()}
    page("index.html", "index.html", ics_file=ics_file,
         session_href=lambda s: f"session/{site.session_file[s.id]}",
         venue_href=lambda v: f"venue/{site.venue_file[v]}")
    for theme in event.themes:
        items = site.by_theme.get(theme.id, [])
        page(f"theme/{site.theme_file[theme.id]}", "group.html", heading=theme.name,
             about=theme.description, groups=pages.sessions_by_day(site, items),
             calendar=ics_file[theme.id] if items else None)
    for venue in event.venues:
        page(f"venue/{site.venue_file[venue.id]}", "group.html", heading=venue.name,
             about=venue.address, calendar=None,
             groups=pages.sessions_by_day(site, site.by_venue.get(venue.id, [])))
    for s in event.sessions:
        name = site.session_file[s.id]
        page(f"session/{name}", "session.html", s=s, when=_when(s, zone),
             venue=event.venue(s.venue), theme=event.theme(s.theme), url=safe_url(s.url),
             paragraphs=[p.strip() for p in s.description.split("\n\n") if p.strip()],
             ics=name.replace(".html", ".ics"))
    files["style.css"] = (TEMPLATES / "style.css").read_bytes()
    files[MARKER] = MARKER_TEXT
    files.update(calendars(event, site, zone, stamp))
    files.update(feeds(event, zone, version))
    return files


def calendars(event: Event, site: pages.Site, zone: tzinfo,
              stamp: datetime) -> dict[str, bytes]:
    """The programme's .ics, one per theme and one per session (for "add to calendar")."""
    from wiccli import ics

    def spec(extra: str = "") -> ics.CalendarSpec:
        name = f"{event.label}{ics.SEPARATOR}{extra}" if extra else event.label
        return ics.CalendarSpec(name=name, description=ics.calendar_description(event),
                                stamp=stamp)

    parts: list[tuple[str, ics.CalendarSpec, Sequence[Session]]] = [
        ("programme.ics", spec(), event.sessions)]
    for theme in event.themes:
        items = site.by_theme.get(theme.id)
        if items:
            name = site.theme_file[theme.id].replace(".html", ".ics")
            parts.append((f"theme/{name}", spec(theme.name), items))
    for s in event.sessions:
        name = site.session_file[s.id].replace(".html", ".ics")
        # Named like the whole programme: the calendar's lines are then made once.
        parts.append((f"session/{name}", spec(), [s]))
    return ics.calendar_files(event, parts, zone)


def feeds(event: Event, zone: tzinfo, version: str) -> dict[str, bytes]:
    """schedule.xml and schedule.json of every session, for conference apps."""
    from wiccli.frab.export import ExportOptions, build_schedule, to_json
    from wiccli.frab.xmlwrite import to_xml

    document = build_schedule(event, event.sessions, ExportOptions(generator_version=version),
                              zone)
    return {"schedule.xml": to_xml(document).encode("utf-8"),
            "schedule.json": to_json(document).encode("utf-8")}


def _common(event: Event, site: pages.Site, zone: tzinfo) -> dict[str, Any]:
    from wiccli.ics import day_label

    dates = (day_label(event.start) if event.start == event.end
             else f"{day_label(event.start)} – {day_label(event.end)}")
    return {"event": event, "site": site, "lang": event.lang, "zone_name": str(zone),
            "dates": dates, "provisional_note": any(s.provisional for s in event.sessions)}


def _span(s: Session, zone: tzinfo) -> str:
    start, end = s.start.astimezone(zone), s.end.astimezone(zone)
    if start.date() == end.date():
        return f"{hm(start)}–{hm(end)}"
    return f"{hm(start)}–{end:%a} {hm(end)}"


def _when(s: Session, zone: tzinfo) -> str:
    """``Thursday 8 November 2018, 09:00–12:00 (Asia/Shanghai)``."""
    from wiccli.ics import day_label

    start, end = s.start.astimezone(zone), s.end.astimezone(zone)
    first = f"{start:%A} {day_label(start.date())}, {hm(start)}"
    if start.date() == end.date():
        return f"{first}–{hm(end)} ({zone})"
    return f"{first} – {end:%A} {day_label(end.date())}, {hm(end)} ({zone})"


# --------------------------------------------------------------------------- writing


def write_site(files: Mapping[str, bytes], target: Path, label: str,
               epoch: int | None = None) -> None:
    """Write ``files`` into a new folder beside ``target``, then swap it into place.

    ``target`` must be new, empty, or a site wic wrote before (it has the marker
    file): anything else might be someone's work, and is refused. With ``epoch``
    (SOURCE_DATE_EPOCH) every file gets that modification time.
    """
    _check_target(target, label)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.", suffix=".new"))
    except OSError as exc:
        raise DataError(f"{label}: cannot write: {exc.strerror or exc}") from None
    try:
        _fill(temp, files, epoch)
        _swap(temp, target)
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise DataError(f"{label}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _check_target(target: Path, label: str) -> None:
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise DataError(f"{label}: is a file, not a folder; give a folder for the site")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise DataError(f"{label}: is a folder with other files in it; wic site replaces "
                        "its folder whole, so give a new or empty one")


def _fill(folder: Path, files: Mapping[str, bytes], epoch: int | None) -> None:
    os.chmod(folder, 0o777 & ~_umask())
    made: set[Path] = set()
    for name, data in sorted(files.items()):
        path = folder / name
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(data)
    if epoch is not None:
        for path in [*sorted(folder.rglob("*")), folder]:
            os.utime(path, (epoch, epoch), follow_symlinks=False)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _swap(new: Path, target: Path) -> None:
    """Put ``new`` where ``target`` is; the old site is removed only once the new one is in."""
    if not target.exists():
        os.rename(new, target)
        return
    old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".old"))
    os.rmdir(old)
    os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        os.rename(old, target)  # put the previous site back
        raise
    shutil.rmtree(old, ignore_errors=True)
