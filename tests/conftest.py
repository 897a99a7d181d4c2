"""Shared test helpers: run wic through its real entry point with captured streams."""

from __future__ import annotations

import contextlib
import io
import os
import signal
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# The app sets the coercion hook up when imported: now, while $WIC_NO_FAST_COERCE is still
# the run's (the run fixture clears every WIC_* variable).
import wiccli.cli.app  # noqa: F401
from wiccli.cli import coerce
from wiccli.cli.main import main
from wiccli.env import Env

# A test run started in the background by a non-interactive shell (`bash .ci/run &`) has
# SIGINT ignored, and every process it starts would inherit that: Ctrl-C would do nothing.
# The interrupt tests play a user at a terminal, where Ctrl-C is live, so make it live.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
FIXED_NOW = datetime(2018, 11, 8, 1, 0, tzinfo=UTC)  # 09:00 on day 2 in Wuzhen

# Property tests draw the same examples on every run, so a red build is reproducible and a
# green one stays green; HYPOTHESIS_PROFILE=long searches further (and differently).
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("long", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under mutmut (tests/mutation.py), the fastest tests first: a mutant is killed by the
    first test that fails (-x), so a quick test that notices spares the slow ones."""
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return
    import json

    try:  # mutmut runs the tests in ./mutants/, where it keeps each test's duration
        took = json.loads(Path("mutmut-stats.json").read_text(encoding="utf-8"))
        durations = dict(took["duration_by_test"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    items.sort(key=lambda item: durations.get(item.nodeid, 0.0))


def pytest_report_header() -> str:
    import typer

    state = "on" if coerce.installed() else f"off ({coerce.SWITCH}, or a Typer it does not know)"
    return f"wic: Typer {typer.__version__}, fast option coercion {state}"


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def _run(
    argv: list[str],
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    tty: bool = False,
    stdin: str = "",
    now: datetime = FIXED_NOW,
) -> Result:
    out, err = io.StringIO(), io.StringIO()
    # A fixed width: the caller's terminal must not change how output wraps.
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("WIC_") and k not in ("COLUMNS", "LINES")}
    base["COLUMNS"] = "80"
    base["COLUMNS"] = "80"  # the same width in every shell and on a terminal; tests may set theirs
    env = Env(
        stdin=io.StringIO(stdin), stdout=out, stderr=err,
        environ={**base, **(environ or {})}, cwd=cwd or Path.cwd(),
        clock=lambda: now, stdout_isatty=tty, stderr_isatty=tty,
    )
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv, env)
    return Result(code, out.getvalue(), err.getvalue())


Runner = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Runner:
    """Run ``wic ARGS`` in an empty folder, with no WIC_* variables and a fixed clock."""
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith("WIC_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))

    def runner(*argv: str, **kwargs: object) -> Result:
        kwargs.setdefault("cwd", tmp_path)
        return _run(list(argv), **kwargs)  # type: ignore[arg-type]

    return runner


@pytest.fixture
def c3voc() -> Path:
    """The c3voc schedule schemas and the pretalx example (copies: data/c3voc/NOTICE.md).
    They are in the repository, not in the source distribution (their licence, EUPL-1.2,
    asks for its text to travel with them): there the tests that need them skip."""
    folder = DATA / "c3voc"
    if not (folder / "schemas").is_dir():
        pytest.skip("the c3voc schemas are not here (tests/data/c3voc is in the repository only)")
    return folder


# --------------------------------------------------------------------------- machine needs
# A font, server or reader a test needs and cannot find makes it skip, with the reason and
# the Debian package that brings it (.ci/run installs them all); it never makes it fail.


def need_program(name: str, package: str) -> str:
    """The path of the program ``name``; skip without it."""
    import shutil

    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (Debian: {package}; .ci/run installs it)")
    return found


def need_font_for(text: str, package: str) -> None:
    """Skip unless the installed fonts draw every character of ``text`` (fontconfig says)."""
    from wiccli.output.fonts import uncovered

    need_program("fc-list", "fontconfig")
    missing = "".join(uncovered(text))
    if missing:
        pytest.skip(f"no installed font draws {missing!r} (Debian: {package}; "
                    ".ci/run installs it)")


def need_ical_js() -> str:
    """The node program, with Mozilla's ical.js installed in tests/js; skip without them."""
    node = need_program("node", "nodejs")
    if not (ROOT / "tests" / "js" / "node_modules" / "ical.js").is_dir():
        pytest.skip("ical.js is not installed: run `npm ci` in tests/js (.ci/run does)")
    return node


def need_weasyprint() -> None:
    """Skip without WeasyPrint or the Pango libraries it loads when imported."""
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        pytest.skip("WeasyPrint is not installed (pip install 'wic[pdf]')")
    except OSError as exc:  # WeasyPrint is there, Pango is not
        pytest.skip(f"WeasyPrint cannot load Pango (Debian: libpango-1.0-0, "
                    f"libpangoft2-1.0-0): {exc}")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def big_event_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated event of 1,000 sessions over 4 days in 12 venues (made once a run)."""
    import subprocess
    import sys

    target = tmp_path_factory.mktemp("big-event") / "big.toml"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "event",
                    "--sessions", "1000", "--days", "4", "--venues", "12", "-o", str(target)],
                   check=True, capture_output=True)
    return target


@pytest.fixture(scope="session")
def big_site(tmp_path_factory: pytest.TempPathFactory, big_event_file: Path) -> tuple[Result, Path]:
    """`wic site` of the big event, run once a session (the site tests and the browser tests
    read the same 2,000 files): the run's result and the site's folder."""
    folder = tmp_path_factory.mktemp("big-site")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(folder / "xdg-data"))
        patch.setenv("XDG_CACHE_HOME", str(folder / "xdg-cache"))
        result = _run(["-e", str(big_event_file), "site", "--out-dir", "out"], cwd=folder)
    return result, folder / "out"


# --------------------------------------------------------------------------- ledgers

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """A PostgreSQL server for the whole run (see postgres_server.py); skip without one."""
    import postgres_server

    server = postgres_server.start()
    if isinstance(server, str):
        pytest.skip(f"PostgreSQL tests skipped: {server}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def dovecot() -> Iterator[object]:
    """A Dovecot IMAP server for the whole run (see imapserver.py); skip without one."""
    import imapserver

    server = imapserver.start()
    if isinstance(server, str):
        pytest.skip(server)
    yield server
    server.stop()


@dataclass
class LedgerUnderTest:
    """Where a test keeps its ledger: an SQLite file, or a fresh PostgreSQL database."""

    backend: str
    location: str

    def args(self) -> list[str]:
        return ["invites", "--ledger", self.location]

    def exists(self) -> bool:
        """Whether wic has created the ledger (its file, or its tables)."""
        if self.backend == "sqlite":
            return Path(self.location).exists()
        import psycopg

        with psycopg.connect(self.location) as conn:
            return conn.execute("SELECT to_regclass('ledger')").fetchone() != (None,)


_databases = iter(range(1, 1_000_000))


def make_ledger(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> LedgerUnderTest:
    if backend == "sqlite":
        return LedgerUnderTest(backend, str(tmp_path / "guests.invites.db"))
    import postgres_server

    server = request.getfixturevalue("postgres")
    name = f"wic_test_{os.getpid()}_{next(_databases)}"
    return LedgerUnderTest(backend, postgres_server.create_database(server, name))


@pytest.fixture(params=BACKENDS)
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> LedgerUnderTest:
    """The test's ledger, once on each backend."""
    return make_ledger(request.param, request, tmp_path)


# --------------------------------------------------------------------------- a browser

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling out of a closed network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never a downloaded browser); skipped with the
    reason where either is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (CI does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
