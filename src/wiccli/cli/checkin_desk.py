"""The interactive desk: a terminal, a USB scanner that types a token and Enter, a person.

Each line read gets one verdict panel (the screen is cleared first, so only the latest shows)
and the terminal bell on a refusal. A name typed (three letters or more) lists the guests
it matches, numbered; the next line picks one by number (anything else cancels, and a token
scanned meanwhile is judged as usual). Ctrl-C or Ctrl-D ends the desk with one line; a
Ctrl-C while a scan is being judged and recorded waits for it to finish, so no scan is
half-made and none is lost.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from wiccli.cli.commands.checkin._common import DeskOptions, open_desk
from wiccli.errors import ExitStatus, UsageError, WicError

if TYPE_CHECKING:
    from wiccli.door.rules import Guest, Scan
    from wiccli.env import Env
    from wiccli.event.model import Event


class Interrupted(WicError):
    """Ctrl-C ended a stream of scans (the scans made are recorded)."""

    exit_status = ExitStatus.INTERRUPTED


def interactive(opts: DeskOptions) -> None:
    """Run the desk until Ctrl-C or the end of input."""
    from wiccli.cli.files import stdin_is_terminal
    from wiccli.door.rules import lines

    with open_desk(opts) as (state, event, desk):
        if not stdin_is_terminal(state.env):
            raise UsageError("the interactive desk reads a terminal; give badge tokens, or - "
                             "to read them one a line from standard input")
        _tolerant(state.env.stdin)
        screen = Screen(state.env, event, f"desk {desk.desk.name} · "
                        f"{_where(desk.desk.direction, desk.desk.session, event)}")
        try:
            screen.welcome()
            _loop(screen, desk, lines(state.env.stdin))
        except KeyboardInterrupt:
            pass
        state.env.message(screen.closing())


def _loop(screen: Screen, desk: Any, source: Iterator[str]) -> None:
    from wiccli.door import rules

    for text in source:
        reading = rules.read(text)
        if reading.kind != "name":
            with shielded():
                screen.verdict(desk.scan(text, typed=True))
            continue
        found = desk.names(reading.value)
        if not found:
            with shielded():
                screen.verdict(desk.scan(text, typed=True))  # recorded: no such name
            continue
        screen.matches(found)
        pick = next(source, None)
        if pick is None:
            return
        chosen = _chosen(pick, found)
        with shielded():
            if chosen is not None:
                screen.verdict(desk.admit(chosen.entry_id, reading.value))
            elif rules.read(pick).kind == "token":
                screen.verdict(desk.scan(pick))
            else:
                screen.welcome()


def _chosen(pick: str, found: list[Guest]) -> Guest | None:
    from wiccli.door.journal import MAX_MATCHES

    text = pick.strip()
    if text.isascii() and text.isdigit() and 1 <= int(text) <= min(len(found), MAX_MATCHES):
        return found[int(text) - 1]
    return None


def _where(direction: str, session: str, event: Event) -> str:
    place = f"session {session}" if session else event.label
    return f"{'exit from' if direction == 'out' else 'entry to'} {place}"


def _tolerant(stream: Any) -> None:
    """Bytes that are not UTF-8 (a scanner on the wrong keyboard layout) become U+FFFD,
    which the desk refuses, instead of an error that would end it."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="replace")


@contextmanager
def shielded() -> Iterator[None]:
    """Ctrl-C waits until the scan is judged, recorded and shown, then ends the desk."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    hit: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: hit.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if hit:
        raise KeyboardInterrupt


class Screen:
    """The terminal the desk draws on (stdout), one verdict at a time."""

    def __init__(self, env: Env, event: Event, title: str) -> None:
        from wiccli.output.render import console

        self.env, self.event, self.title = env, event, title
        self.out = console(env)
        self.count = self.admitted = 0

    def welcome(self) -> None:
        self.out.clear()
        self._rule()
        self.out.print("Scan a badge, or type three letters of a name. Ctrl-C ends the desk.")

    def verdict(self, scan: Scan) -> None:
        from wiccli.cli.checkin_view import panel

        self.count += 1
        self.admitted += scan.admitted
        self.out.clear()
        self._rule()
        self.out.print(panel(scan, self.event, self.out.width))
        if not scan.admitted:
            self.out.bell()

    def matches(self, found: list[Guest]) -> None:
        from wiccli.cli.checkin_view import matches_view
        from wiccli.door.journal import MAX_MATCHES

        self.out.clear()
        self._rule()
        self.out.print(matches_view(found, self.event, MAX_MATCHES))

    def _rule(self) -> None:
        from rich.text import Text

        self.out.rule(Text(self.title))  # the desk's name as typed, never markup

    def closing(self) -> str:
        refused = self.count - self.admitted
        return (f"{self.title}: closed after {self.count:,} scans ({self.admitted:,} admitted, "
                f"{refused:,} refused), every one recorded")
