"""What every command shares: the environment, the global options, the loaded event."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from wiccli.env import Env
from wiccli.event.model import Event

if TYPE_CHECKING:
    from wiccli.event.cache import Window


@dataclass
class State:
    env: Env = field(default_factory=Env)
    event_option: str | None = None
    debug: bool = False
    ledger_option: str | None = None  # ``wic invites --ledger``
    _event: Event | None = None
    _partial: bool = False  # _event holds only the sessions of a window (event_around)

    def event_path(self) -> tuple[Path, bool]:
        from wiccli.event.load import resolve_event_path

        return resolve_event_path(self.event_option, self.env.environ, self.env.cwd)

    def event(self) -> Event:
        """The event named by --event, WIC_EVENT, ./wic.toml or the bundled one (loaded once)."""
        if self._event is None or self._partial:
            self._event, self._partial = self._load(None), False
        return self._event

    def event_around(self, window: Window) -> Event:
        """The event for a view of one stretch of time, which ``window`` picks from the
        event without its sessions: every session that may overlap it, perhaps not the
        others (a big event's cache reads only the days it needs; see event/cache.py)."""
        if self._event is None:
            self._event, self._partial = self._load(window), True
        return self._event

    def _load(self, window: Window | None) -> Event:
        from functools import partial

        from wiccli.event.cache import load_cached
        from wiccli.event.load import load_event

        path, bundled = self.event_path()
        with _no_cyclic_gc():
            return load_cached(path, partial(load_event, bundled=bundled), bundled=bundled,
                               environ=self.env.environ, window=window)

    def zone(self, name: str | None = None) -> tzinfo:
        """``--tz NAME`` when given, else the event's time zone."""
        from wiccli.event.values import zone_option

        if name is None:
            timezone = (self._event if self._event is not None else self.event()).timezone
            return zone_option("event.timezone", timezone)
        return zone_option("--tz", name)

    def today(self) -> date:
        return self.env.now().astimezone(self.zone()).date()


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Build the event without the cyclic garbage collector, then set it aside.

    The event is tens of thousands of objects that live as long as the process;
    collections while they are made, and later ones walking them again, cost
    about a tenth of ``wic agenda`` on a big event. Nothing it builds is garbage.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # what exists now is never walked again by the collector
        if enabled:
            gc.enable()


_CURRENT: ContextVar[State] = ContextVar("wic_state")


def current() -> State:
    """The State of the running command (a fresh one when run without :func:`running`)."""
    try:
        return _CURRENT.get()
    except LookupError:  # run without main(), e.g. by shell completion
        state = State()
        _CURRENT.set(state)
        return state


@contextmanager
def running(state: State) -> Iterator[State]:
    """Make ``state`` the one :func:`current` returns while a command runs."""
    token = _CURRENT.set(state)
    try:
        yield state
    finally:
        _CURRENT.reset(token)
