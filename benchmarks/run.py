"""Benchmark wic against its floor and its peers, side by side, in one run.

    python benchmarks/run.py                  # the full run (a few minutes)
    python benchmarks/run.py --smoke          # tiny sizes, few runs: for CI
    python benchmarks/run.py --runs 20 --sizes 1000,10000 --json

Every command runs as a whole process, as a user runs it: the interpreter, imports,
reading the files, writing the output (to /dev/null, or to a pseudo-terminal that is read
as fast as it is written, for the cases marked "on a terminal"). Rounds are interleaved (each
round runs every command once, in a shuffled order) after warm-up rounds, so a
busy machine slows all commands alike. Reported: the median wall time, its spread
(interquartile range), CPU time (user + system, steadier on a busy machine) and the
peak RSS of each command, then the ratios wic is held to (of wall time; CPU
alongside). Targets are reported, never asserted: the exit status is non-zero only when a
command crashes (a traceback or a signal); one that fails is reported as "failed",
one that does not exist yet as "missing".

Pure standard library; wic is run through the ``wic`` script beside this Python
(or ``python -m wiccli``), and every file it writes lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

FLOOR = "import typer, rich.console, rich.table"
TOMLLIB = "import sys, tomllib; tomllib.load(open(sys.argv[1], 'rb'))"
# The query `invites list --status invited` makes, written as JSON lines, by the driver alone.
RAW_LIST = """
import json, sys
from {module} import connect
conn = connect(sys.argv[1])
query = "SELECT * FROM entries WHERE status = {mark} ORDER BY id"
for row in conn.execute(query, ("invited",)):
    sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\\n")
"""
# What mailmerge makes of a guest: a message with a plain-text and an HTML part (wic adds
# a calendar part and writes a file a message; mailmerge prints them).
MAILMERGE_TEMPLATE = """TO: {{name}} <{{email}}>
SUBJECT: Invitation: World Internet Conference 2018, {{organization}}
FROM: WIC Organising Committee <organisers@example.org>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="outer-boundary"

--outer-boundary
Content-Type: text/plain; charset=utf-8

Dear {{name}},

On behalf of the organising committee, we are pleased to invite you ({{organization}})
to the World Internet Conference in Wuzhen.

--outer-boundary
Content-Type: text/html; charset=utf-8

<html><body><p>Dear {{name}},</p><p>On behalf of the organising committee, we are pleased
to invite you ({{organization}}) to the World Internet Conference in Wuzhen.</p></body></html>

--outer-boundary--
"""
PSYCOPG_CONNECT = "import sys, psycopg; psycopg.connect(sys.argv[1]).execute('SELECT 1')"
LEDGER_ID = "inv-00001"  # always "invited" in a generated ledger


@dataclass
class Case:
    """One command line, run many times."""

    key: str
    label: str
    argv: list[str]
    needs: tuple[str, ...] = ()  # the wic sub-command it runs, checked before timing
    env: dict[str, str] = field(default_factory=dict)
    prepare: Callable[[], None] | None = None  # before every run (a fresh ledger copy)
    runs: int | None = None  # fewer runs for the slow ones
    tty: bool = False  # stdout is a pseudo-terminal (80 columns, colour allowed)
    status: str = "ok"  # ok | missing | failed
    crashed: bool = False  # a traceback or a signal, not an error message
    error: str = ""
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system
    rss_kib: list[int] = field(default_factory=list)


@dataclass
class Target:
    label: str
    case: str
    base: str
    limit: float
    per: int = 0  # the limit is in seconds for (case - base) / per


TARGETS = [
    Target("agenda, bundled event / floor", "agenda-bundled", "floor", 1.3),
    Target("agenda --day, 1,000 sessions / floor", "agenda-1000", "floor", 1.5),
    Target("agenda --day, 10,000 sessions / floor", "agenda-10000", "floor", 2.0),
    Target("agenda --day, 10,000, no cache / tomllib alone", "agenda-nocache-10000",
           "tomllib-10000", 2.0),
    Target("invites list | head, {entries} entries / floor", "invites-list-head", "floor",
           1.5),
    Target("invites list | head / sqlite3 alone", "invites-list-head", "sqlite3-list-head",
           0.0),
    Target("PostgreSQL: invites list | head / psycopg alone", "pg-invites-list-head",
           "psycopg-list-head", 1.3),
    Target("PostgreSQL: connect alone (psycopg) / floor", "psycopg-connect", "floor", 0.0),
    Target("PostgreSQL: invites status / psycopg connect alone", "pg-invites-status",
           "psycopg-connect", 0.0),
    Target("PostgreSQL: psql -c 'select 1' / floor", "psql-connect", "floor", 0.0),
    Target("export-ics, 10,000 sessions / icalendar alone", "export-10000", "peer-10000", 1.3),
    Target("invites status, {entries} entries / floor", "invites-status", "floor", 1.5),
    Target("invites accept, {entries} entries / floor", "invites-accept", "floor", 1.5),
    Target("invites add, {entries} entries / floor", "invites-add", "floor", 1.5),
    Target("invites import, a {rows}-row CSV", "invites-import", "", 1.0),
    Target("invites report on a terminal, {entries} entries / floor", "invites-report-tty",
           "floor", 2.0),
    Target("invites report -o PDF, {entries} entries", "invites-report-pdf", "", 5.0),
    Target("PostgreSQL: invites status, {entries} entries / floor", "pg-invites-status",
           "floor", 1.5),
    Target("PostgreSQL: invites accept, {entries} entries / floor", "pg-invites-accept",
           "floor", 1.5),
    Target("PostgreSQL: invites add, {entries} entries / floor", "pg-invites-add", "floor",
           1.5),
    Target("PostgreSQL: invites import, a {rows}-row CSV", "pg-invites-import", "", 1.0),
    Target("agenda on a terminal, bundled event / floor", "agenda-tty-bundled", "floor", 1.3),
    Target("agenda --day on a terminal, 1,000 sessions / floor", "agenda-tty-1000", "floor",
           1.5),
    Target("agenda --day on a terminal, 10,000 sessions / floor", "agenda-tty-10000", "floor",
           3.0),
    Target("grid --day, bundled / agenda --day, bundled", "grid-bundled", "agenda-bundled", 1.3),
    # No base: the limit is in seconds.
    Target("site, {publish} sessions, 4 days, 12 venues", "site-publish", "", 3.0),
    Target("programme (PDF), bundled event", "programme-bundled", "", 10.0),
    Target("invites send --dry-run, {guests} messages", "send-dry", "", 3.0),
    Target("send --dry-run / mailmerge --dry-run", "send-dry", "mailmerge-dry", 1.0),
    Target("invites letters, {letters} guests", "letters", "", 30.0),
    Target("invites badges --reprint, {guests} guests (A6)", "badges", "", 60.0),
    Target("invites replies, {entries} answers, {entries} entries", "invites-replies", "",
           10.0),
    Target("checkin stats, {entries} entries / floor", "checkin-stats", "floor", 1.5),
    Target("checkin, one scan, {entries} entries / floor", "checkin-scan", "floor", 1.5),
    # (100 scans - 1 scan) / 99: one verdict, start-up left out.
    Target("checkin: one verdict, {entries} entries", "checkin-scan-100", "checkin-scan",
           0.05, per=99),
]


# --------------------------------------------------------------------------- running


def wic_command() -> list[str]:
    """The ``wic`` script installed beside this interpreter, else ``python -m wiccli``."""
    script = Path(sys.executable).parent / ("wic.exe" if os.name == "nt" else "wic")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "wiccli"]


def run_once(
    argv: Sequence[str], env: dict[str, str], cwd: Path, tty: bool = False
) -> tuple[float, float, int, int, str]:
    """Wall and CPU seconds, peak RSS (KiB), exit status and the end of stderr of one
    process.

    Linux counts the memory a child had between fork and exec in its peak RSS, so a
    reading is never below this harness's own RSS (reported as ``harness_rss_mib``):
    this process therefore keeps little in memory.
    """
    master, stdout = open_terminal() if tty else (-1, subprocess.DEVNULL)
    with tempfile.TemporaryFile(dir=cwd) as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=stdout,
                                stderr=err, env=env, cwd=cwd)
        reader = drain(master, stdout) if tty else None
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if reader:
            reader.join()
            os.close(master)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    rss = usage.ru_maxrss // (1024 if sys.platform == "darwin" else 1)
    return elapsed, usage.ru_utime + usage.ru_stime, rss, proc.returncode, tail


def open_terminal(columns: int = 80, rows: int = 24) -> tuple[int, int]:
    """A pseudo-terminal of the given size: (the end this harness reads, the child's end)."""
    import fcntl
    import pty
    import struct
    import termios

    master, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    return master, child


def drain(master: int, child: int) -> threading.Thread:
    """Read the terminal as fast as the child writes, as a terminal emulator does; the
    read fails (EIO) once the child, the last holder of its end, has exited."""
    os.close(child)

    def read_all() -> None:
        try:
            while os.read(master, 1 << 16):
                pass
        except OSError:
            pass

    reader = threading.Thread(target=read_all, daemon=True)
    reader.start()
    return reader


def available(wic: list[str], needs: tuple[str, ...], env: dict[str, str], cwd: Path) -> bool:
    if not needs:
        return True
    done = subprocess.run([*wic, *needs, "--help"], env=env, cwd=cwd, capture_output=True,
                          check=False)
    return done.returncode == 0


def measure(cases: list[Case], runs: int, warmup: int, env: dict[str, str], cwd: Path,
            wic: list[str], progress: Callable[[str], None]) -> None:
    for case in cases:
        if not available(wic, case.needs, {**env, **case.env}, cwd):
            case.status = "missing"
    live = [c for c in cases if c.status == "ok"]
    rng = random.Random(1)
    for round_no in range(warmup + runs):
        order = live[:]
        rng.shuffle(order)
        for case in order:
            wanted = case.runs if case.runs is not None else runs
            if case.status != "ok" or round_no >= warmup + wanted:
                continue
            if case.prepare:
                case.prepare()
            seconds, cpu, rss, code, tail = run_once(case.argv, case_env(env, case), cwd,
                                                     case.tty)
            if code != 0:
                case.status, case.error = "failed", f"exit {code}: {last_line(tail)}"
                case.crashed = code < 0 or "Traceback (most recent call last)" in tail
                continue
            if round_no >= warmup:
                case.times.append(seconds)
                case.cpu.append(cpu)
                case.rss_kib.append(rss)
        progress(f"round {round_no + 1}/{warmup + runs}")


def case_env(env: dict[str, str], case: Case) -> dict[str, str]:
    """On a terminal, colour is on: NO_COLOR is unset and TERM names a colour terminal."""
    out = {**env, **case.env}
    if case.tty:
        out.pop("NO_COLOR", None)
        out.setdefault("TERM", "xterm-256color")
    return out


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


# --------------------------------------------------------------------------- the cases


@dataclass
class Inputs:
    folder: Path
    events: dict[int, Path]
    ledger: Path
    ledger_size: int
    publish: Path  # 4 days, 12 venues: the site's benchmark
    publish_size: int
    mailbox: Path | None = None  # as many answers to the ledger's invitations as it has entries
    guests: Path | None = None  # a CSV guest list to import
    import_rows: int = 0
    postgres: str = ""  # a server's URL: the ledger cases run there too


def make_inputs(folder: Path, sizes: Sequence[int], ledger_size: int,
                publish_size: int, import_rows: int) -> Inputs:
    """Generate the inputs in a child process, so this one stays small (see run_once)."""
    script = str(HERE / "generate.py")
    events = {size: folder / f"event-{size}.toml" for size in sizes}
    for size, path in events.items():
        subprocess.run([sys.executable, script, "event", "--sessions", str(size), "--days", "3",
                        "-o", str(path)], check=True)
    text = folder / f"ledger-{ledger_size}.toml"
    # The bundled event's id: invites commands run on the bundled event.
    subprocess.run([sys.executable, script, "ledger", "--entries", str(ledger_size),
                    "--event-id", "wic2018", "-o", str(text)], check=True)
    # The ledger is a database: made once from the TOML file, as `wic invites import` does.
    ledger = folder / f"ledger-{ledger_size}.db"
    subprocess.run([*wic_command(), "invites", "--ledger", str(ledger), "import", str(text)],
                   check=True, env=child_env(folder), stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    # Every guest was sent an invitation: the answers in the mailbox are to those.
    subprocess.run([sys.executable, str(HERE / "record_sent.py"), str(ledger)], check=True,
                   env=child_env(folder))
    # Every guest has a badge, and the doors are open: scans made (benchmarks/badges.py).
    subprocess.run([sys.executable, str(HERE / "badges.py"), str(ledger),
                    str(folder / "tokens.txt"), "--scans", str(min(2000, ledger_size // 5))],
                   check=True, env=child_env(folder))
    publish = folder / f"publish-{publish_size}.toml"
    subprocess.run([sys.executable, script, "event", "--sessions", str(publish_size), "--days",
                    "4", "--venues", "12", "-o", str(publish)], check=True)
    mailbox = folder / f"answers-{ledger_size}.mbox"
    # REPLYs in three MIME shapes, plain answers, bounces (benchmarks/generate.py mbox).
    subprocess.run([sys.executable, script, "mbox", "--messages", str(ledger_size),
                    "--entries", str(ledger_size), "--event-id", "wic2018", "--ledger",
                    str(text), "-o", str(mailbox)],
                   check=True)
    guests = folder / f"guests-{import_rows}.csv"
    subprocess.run([sys.executable, script, "guests", "--rows", str(import_rows), "-o",
                    str(guests)], check=True)
    return Inputs(folder, events, ledger, ledger_size, publish, publish_size, mailbox, guests,
                  import_rows)


def make_cases(wic: list[str], inputs: Inputs, heavy_runs: int) -> list[Case]:
    py = sys.executable
    cases = [
        Case("floor", f"python -c '{FLOOR}'", [py, "-c", FLOOR]),
        Case("python", "python -c pass", [py, "-c", "pass"]),
        Case("help", "wic --help", [*wic, "--help"]),
        Case("agenda-bundled", "wic agenda --day 2 (bundled)", [*wic, "agenda", "--day", "2"]),
        Case("agenda-json-bundled", "wic agenda --day 2 -f json (bundled)",
             [*wic, "agenda", "--day", "2", "-f", "json"]),
        # Typer's own option coercion (Pydantic) instead of wic's (see cli/coerce.py).
        Case("agenda-json-typer-coercion", "  same, WIC_NO_FAST_COERCE=1 (bundled)",
             [*wic, "agenda", "--day", "2", "-f", "json"], env={"WIC_NO_FAST_COERCE": "1"}),
        Case("forums-bundled", "wic forums (bundled)", [*wic, "forums"]),
        Case("agenda-tty-bundled", "wic agenda --day 2 on a terminal (bundled)",
             [*wic, "agenda", "--day", "2"], tty=True),
    ]
    for size, path in inputs.events.items():
        ev = [*wic, "--event", str(path)]
        n = f"{size:,}"
        cases += [
            Case(f"agenda-{size}", f"wic agenda --day 2 ({n} sessions)",
                 [*ev, "agenda", "--day", "2"]),
            Case(f"agenda-json-{size}", f"wic agenda --day 2 -f json ({n})",
                 [*ev, "agenda", "--day", "2", "-f", "json"]),
            Case(f"agenda-nocache-{size}", f"  same, WIC_NO_CACHE=1 ({n})",
                 [*ev, "agenda", "--day", "2", "-f", "json"], env={"WIC_NO_CACHE": "1"},
                 runs=heavy_runs),
            Case(f"forums-{size}", f"wic forums ({n})", [*ev, "forums"]),
            Case(f"agenda-tty-{size}", f"wic agenda --day 2 on a terminal ({n})",
                 [*ev, "agenda", "--day", "2"], tty=True),
        ]
    for size, path in inputs.events.items():
        cases.append(Case(f"tomllib-{size}", f"  tomllib alone, parsing the file ({size:,})",
                          [py, "-c", TOMLLIB, str(path)], runs=heavy_runs))
    biggest = max(inputs.events)
    path = inputs.events[biggest]
    cases += [
        Case(f"export-{biggest}", f"wic export-ics ({biggest:,} sessions)",
             [*wic, "--event", str(path), "export-ics"], needs=("export-ics",), runs=heavy_runs),
        Case(f"peer-{biggest}", f"icalendar alone ({biggest:,} sessions)",
             [py, str(HERE / "icalendar_only.py"), str(path)], runs=heavy_runs),
    ]
    cases += ledger_cases(wic, inputs, heavy_runs)
    if inputs.postgres:
        cases += postgres_cases(wic, inputs, heavy_runs)
    cases += publish_cases(wic, inputs, heavy_runs)
    return cases


def publish_cases(wic: list[str], inputs: Inputs, heavy_runs: int) -> list[Case]:
    n = f"{inputs.publish_size:,}"
    site = inputs.folder / "site"  # each run replaces the site the run before wrote
    return [
        Case("grid-bundled", "wic grid --day 2 (bundled)", [*wic, "grid", "--day", "2"],
             needs=("grid",)),
        Case("site-publish", f"wic site ({n} sessions)",
             [*wic, "--event", str(inputs.publish), "site", "--out-dir", str(site)],
             needs=("site",), runs=heavy_runs),
        Case("programme-bundled", "wic programme (bundled)",
             [*wic, "programme", "-o", str(inputs.folder / "programme.pdf")],
             needs=("programme",), runs=heavy_runs),
    ]


def ledger_cases(wic: list[str], inputs: Inputs, heavy_runs: int) -> list[Case]:
    """The ledger's commands on an SQLite file: each change on a fresh copy of the
    ledger (made before the run, not timed); nothing is warm but the OS page cache."""
    work, empty = inputs.folder / "ledger-work.db", inputs.folder / "ledger-empty.db"

    def fresh() -> None:
        for path in (work, empty):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(inputs.ledger, work)
        with open(work, "rb+") as copy:  # on disk before the clock starts: the command's
            os.fsync(copy.fileno())      # own synced commit does not flush the copy too

    n, rows = f"{inputs.ledger_size:,}", f"{inputs.import_rows:,}"
    led, on = [*wic, "invites", "--ledger"], (str(work), str(empty))
    return [
        Case("invites-list-head", f"wic invites list -s invited -f jsonl | head ({n})",
             head([*led, str(inputs.ledger), "list", "--status", "invited", "-f", "jsonl"]),
             needs=("invites", "list")),
        Case("sqlite3-list-head", "  sqlite3 alone, the same query | head",
             head([sys.executable, "-c", RAW_LIST.format(module="sqlite3", mark="?"),
                   str(inputs.ledger)])),
        Case("invites-status", f"wic invites status ({n} entries)",
             [*led, str(inputs.ledger), "status"], needs=("invites", "status")),
        Case("invites-set", f"wic invites set ({n} entries)",
             [*led, on[0], "set", LEDGER_ID, "tentative"], needs=("invites", "set"),
             prepare=fresh, runs=heavy_runs),
        Case("invites-accept", f"wic invites accept ({n} entries)",
             [*led, on[0], "accept", LEDGER_ID], needs=("invites", "accept"), prepare=fresh,
             runs=heavy_runs),
        Case("invites-add", f"wic invites add ({n} entries)",
             [*led, on[0], "add", "Bench Guest", "-c", "experts", "--country", "DE"],
             needs=("invites", "add"), prepare=fresh, runs=heavy_runs),
        Case("invites-import", f"wic invites import ({rows}-row CSV, new ledger)",
             [*led, on[1], "import", str(inputs.guests)], needs=("invites", "import"),
             prepare=fresh, runs=heavy_runs),
        # The funnel over time: the whole history counted in the database.
        Case("invites-report-tty", f"wic invites report on a terminal ({n} entries)",
             [*led, str(inputs.ledger), "report"], needs=("invites", "report"), tty=True),
        Case("invites-report-json", f"wic invites report --by region -f json ({n})",
             [*led, str(inputs.ledger), "report", "--by", "region", "-f", "json"],
             needs=("invites", "report")),
        Case("invites-report-pdf", f"wic invites report -o report.pdf ({n} entries)",
             [*led, str(inputs.ledger), "report", "-o", str(inputs.folder / "report.pdf")],
             needs=("invites", "report"), runs=heavy_runs),
        Case("invites-replies", f"wic invites replies ({n} answers)",
             [*led, on[0], "replies", str(inputs.mailbox), "-f", "json"],
             needs=("invites", "replies"), prepare=fresh, runs=heavy_runs),
        *door_cases(wic, inputs, work, fresh, heavy_runs),
    ]


def door_cases(wic: list[str], inputs: Inputs, work: Path, fresh: Callable[[], None],
               heavy_runs: int) -> list[Case]:
    """The check-in desk: one scan, a hundred (a guest's first entry each, on a fresh
    copy), and the statistics of a ledger whose doors are open."""
    n = f"{inputs.ledger_size:,}"
    ready = (inputs.folder / "tokens.txt").read_text().split()
    desk = [*wic, "checkin", "--ledger", str(work), "--desk", "bench", "-f", "jsonl"]
    stats = Case("checkin-stats", f"wic checkin stats ({n} entries)",
                 [*wic, "checkin", "--ledger", str(inputs.ledger), "stats"],
                 needs=("checkin", "stats"))
    if not ready:  # a tiny ledger with no accepted guest left to scan
        return [stats]
    return [
        stats,
        Case("checkin-scan", f"wic checkin TOKEN ({n} entries)", [*desk, ready[0]],
             needs=("checkin", "stats"), prepare=fresh, runs=heavy_runs),
        Case("checkin-scan-100", f"wic checkin 100 TOKENS ({n} entries)", [*desk, *ready[:100]],
             needs=("checkin", "stats"), prepare=fresh, runs=heavy_runs),
    ]


def head(argv: list[str]) -> list[str]:
    """``argv | head`` in a shell: the listing's reader stops after ten lines."""
    return ["sh", "-c", f"{shlex.join(argv)} | head"]


# PostgreSQL: a ledger database made once (the template), copied before every change.
PG_SNIPPET = """
import sys, psycopg
url, action, name = sys.argv[1:4]
with psycopg.connect(url, autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if action == "copy":
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{sys.argv[4]}"')
    elif action == "create":
        conn.execute(f'CREATE DATABASE "{name}"')
"""


def pg_database(url: str, action: str, name: str, template: str = "") -> str:
    """Make (``create``, ``copy`` of ``template``) or ``drop`` a database; its URL."""
    subprocess.run([sys.executable, "-c", PG_SNIPPET, url, action, name, template],
                   check=True, capture_output=True)
    return url.rsplit("/", 1)[0] + "/" + name


def postgres_cases(wic: list[str], inputs: Inputs, heavy_runs: int) -> list[Case]:
    """The same ledger cases on PostgreSQL (``--postgres URL``)."""
    url = inputs.postgres
    base = pg_database(url, "create", "wic_bench_base")
    text = inputs.ledger.with_suffix(".toml")
    subprocess.run([*wic, "invites", "--ledger", base, "import", str(text)], check=True,
                   env=child_env(inputs.folder), capture_output=True)
    server = url.rsplit("/", 1)[0]
    work, empty = f"{server}/wic_bench_work", f"{server}/wic_bench_empty"

    def fresh() -> None:
        pg_database(url, "copy", "wic_bench_work", "wic_bench_base")
        pg_database(url, "create", "wic_bench_empty")

    cases = [c for c in ledger_cases(wic, inputs, heavy_runs)
             if c.key not in ("invites-replies", "sqlite3-list-head")
             and not c.key.startswith("checkin")]
    swap = {str(inputs.ledger): base, str(inputs.folder / "ledger-work.db"): work,
            str(inputs.folder / "ledger-empty.db"): empty}
    for case in cases:
        case.key = f"pg-{case.key}"
        case.label = f"  PostgreSQL: {case.label.removeprefix('wic ')}"
        case.argv = [swap.get(a, a) for a in case.argv]
        if case.argv[0] == "sh":  # the pipeline's command line
            case.argv[-1] = case.argv[-1].replace(shlex.quote(str(inputs.ledger)), base)
        case.prepare = fresh if case.prepare else None
    raw = RAW_LIST.format(module="psycopg", mark="%s")
    return [*cases,
            Case("psycopg-list-head", "  psycopg alone, the same query | head",
                 head([sys.executable, "-c", raw, base])),
            Case("psycopg-connect", "  psycopg alone, connect and SELECT 1",
                 [sys.executable, "-c", PSYCOPG_CONNECT, base]),
            *([Case("psql-connect", "  psql -c 'select 1' (no Python at all)",
                    [psql, "-X", "-q", "-c", "select 1", base])]
              if (psql := shutil.which("psql")) else [])]


@dataclass
class MailInputs:
    ledger: Path
    guests: int
    letters: int
    out: Path
    mailmerge: Path | None = None  # the folder of mailmerge's template, guests and config


def make_mail_inputs(folder: Path, wic: list[str], env: dict[str, str], smoke: bool
                     ) -> MailInputs:
    """A ledger of guests who all have an e-mail address, imported as listed."""
    guests, letters = (30, 3) if smoke else (1500, 100)
    csv_path = folder / "guests.csv"
    rows = ["name,organization,category,country,email,quantity"]
    categories = ("government", "international-organizations", "enterprises", "experts")
    for n in range(1, guests + 1):
        name = f"张伟 Zhang Wei {n:04d}" if n % 7 == 0 else f"Guest Number {n:04d}"
        # The first guests, a seventh of them with Chinese names, get letters.
        org = "Letter Batch" if n <= letters else f"Organisation {n % 97:03d}"
        rows.append(f"{name},{org},{categories[n % 4]},"
                    f"{('CN', 'DE', 'BR', 'KE')[n % 4]},guest{n:04d}@example.org,1")
    csv_path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ledger = folder / "mail-ledger.db"
    subprocess.run([*wic, "invites", "--ledger", str(ledger), "import", str(csv_path),
                    "--listed"], env=env, check=True, capture_output=True)
    peer = folder / "mailmerge"  # the same guests for mailmerge, a plain and an HTML part
    peer.mkdir()
    (peer / "mailmerge_template.txt").write_text(MAILMERGE_TEMPLATE, encoding="utf-8")
    (peer / "mailmerge_server.conf").write_text(
        "[smtp_server]\nhost = localhost\nport = 25\nsecurity = Never\n", encoding="utf-8")
    (peer / "mailmerge_database.csv").write_text(
        "email,name,organization\n" + "".join(
            f"{row.split(',')[4]},{row.split(',')[0]},{row.split(',')[1]}\n"
            for row in rows[1:]), encoding="utf-8")
    return MailInputs(ledger, guests, letters, folder / "mail-out", peer)


def mail_cases(wic: list[str], mail: MailInputs, heavy_runs: int) -> list[Case]:
    def fresh() -> None:
        shutil.rmtree(mail.out, ignore_errors=True)

    inv = [*wic, "invites", "--ledger", str(mail.ledger)]
    beside = Path(sys.executable).parent / "mailmerge"
    mailmerge = str(beside) if beside.is_file() else shutil.which("mailmerge")
    peer = [] if mailmerge is None or mail.mailmerge is None else [
        Case("mailmerge-dry", f"  mailmerge --dry-run ({mail.guests:,} messages)",
             ["sh", "-c", f"cd {shlex.quote(str(mail.mailmerge))} && "
              f"{shlex.quote(mailmerge)} --dry-run --no-limit --output-format raw"],
             runs=heavy_runs)]
    return [*peer,
        Case("send-dry", f"wic invites send --dry-run ({mail.guests:,} messages)",
             [*inv, "send", "--dry-run", "--out-dir", str(mail.out)], needs=("invites", "send"),
             prepare=fresh, runs=heavy_runs),
        Case("letters", f"wic invites letters ({mail.letters} guests)",
             [*inv, "letters", "--search", "Letter Batch", "--out-dir", str(mail.out)],
             needs=("invites", "letters"), prepare=fresh, runs=heavy_runs),
        # Every guest's badge with a new token each time (the slowest way: nothing kept).
        Case("badges", f"wic invites badges --reprint ({mail.guests:,} guests)",
             [*inv, "badges", "--status", "listed", "--reprint", "-o",
              str(mail.out.parent / "badges.pdf")], needs=("invites", "badges"),
             runs=heavy_runs),
    ]


# --------------------------------------------------------------------------- report


def summary(case: Case) -> dict[str, Any]:
    out: dict[str, Any] = {"key": case.key, "command": case.label, "status": case.status,
                           "argv": case.argv, "env": case.env, "runs": len(case.times)}
    if case.error:
        out["error"] = case.error
    if case.times:
        times = sorted(case.times)
        q1, _, q3 = statistics.quantiles(times, n=4) if len(times) > 1 else (times[0],) * 3
        out.update(median_s=statistics.median(times), q1_s=q1, q3_s=q3, min_s=times[0],
                   max_s=times[-1], cpu_s=statistics.median(case.cpu),
                   peak_rss_mib=max(case.rss_kib) / 1024)
    return out


def ratios(results: dict[str, dict[str, Any]], entries: int,
           publish: int, mail: MailInputs | None = None,
           import_rows: int = 0) -> list[dict[str, Any]]:
    rows = []
    for target in TARGETS:
        case, base = results.get(target.case), results.get(target.base)
        label = target.label.format(entries=f"{entries:,}", publish=f"{publish:,}",
                                    rows=f"{import_rows:,}",
                                    guests=f"{mail.guests:,}" if mail else "?",
                                    letters=f"{mail.letters:,}" if mail else "?")
        row: dict[str, Any] = {"target": label, "limit": target.limit,
                               "unit": "x" if target.base else "s"}
        if target.per and case and base and "median_s" in case and "median_s" in base:
            row["unit"] = "s"
            row["ratio"] = (case["median_s"] - base["median_s"]) / target.per
            row["cpu_ratio"] = (case["cpu_s"] - base["cpu_s"]) / target.per
            row["verdict"] = "ok" if row["ratio"] <= target.limit else "over"
        elif case and not target.base and "median_s" in case:
            row["ratio"], row["cpu_ratio"] = case["median_s"], case["cpu_s"]
            row["verdict"] = verdict(row["ratio"], target.limit)
        elif case and base and "median_s" in case and "median_s" in base:
            row["ratio"] = case["median_s"] / base["median_s"]
            row["cpu_ratio"] = case["cpu_s"] / base["cpu_s"] if base["cpu_s"] else None
            row["verdict"] = verdict(row["ratio"], target.limit)
        else:
            row["ratio"] = row["cpu_ratio"] = None
            row["verdict"] = (case or {}).get("status", "not run")
        rows.append(row)
    return rows


def verdict(ratio: float, limit: float) -> str:
    """ok or over; a limit of 0 is a comparison only (how far from a reference)."""
    if not limit:
        return "(reference)"
    return "ok" if ratio <= limit else "over"


def memory_growth(results: dict[str, dict[str, Any]], sizes: Sequence[int]) -> list[dict[str, Any]]:
    """Peak RSS above ``wic --help`` per session: flat means memory grows linearly."""
    base = results.get("help", {}).get("peak_rss_mib")
    rows = []
    for size in sizes:
        found = results.get(f"agenda-json-{size}", {}).get("peak_rss_mib")
        if base is not None and found is not None and size:
            extra = found - base
            rows.append({"sessions": size, "peak_rss_mib": found, "above_help_mib": extra,
                         "kib_per_session": extra * 1024 / size})
    return rows


def text_report(report: dict[str, Any]) -> str:
    out = [f"wic benchmarks: {report['runs']} runs (slow commands {report['heavy_runs']}), "
           f"{report['warmup']} warm-up, median and interquartile range; "
           f"python {report['python']}, {report['cpus']} CPUs", ""]
    out.append(f"{'command':<52} {'median':>8} {'IQR':>13} {'CPU':>7} {'peak RSS':>9}")
    for r in report["results"]:
        if "median_s" in r and r["status"] == "ok":
            iqr = f"{r['q1_s']:.3f}–{r['q3_s']:.3f}"
            out.append(f"{r['command']:<52} {r['median_s']:>7.3f}s {iqr:>13} "
                       f"{r['cpu_s']:>6.3f}s {r['peak_rss_mib']:>6.1f}MiB")
        else:
            out.append(f"{r['command']:<52} {r['status']:>8} {r.get('error', '')}")
    out += ["", f"{'ratio of medians (or seconds)':<52} {'wall':>7} {'CPU':>7} {'target':>8}"
                "  verdict"]
    for row in report["ratios"]:
        unit = row.get("unit", "x")
        wall = f"{row['ratio']:.2f}{unit}" if row["ratio"] is not None else "—"
        cpu = f"{row['cpu_ratio']:.2f}{unit}" if row["cpu_ratio"] is not None else "—"
        limit = f"<= {row['limit']}{unit}" if row["limit"] else "—"
        out.append(f"{row['target']:<52} {wall:>7} {cpu:>7} {limit:>8}  {row['verdict']}")
    out.append(f"(peak RSS readings include the harness's own {report['harness_rss_mib']:.1f} "
               "MiB, copied into each child before it starts the command)")
    if report["memory"]:
        out += ["", "peak RSS of agenda -f json, above wic --help"]
        for row in report["memory"]:
            out.append(f"  {row['sessions']:>6,} sessions: {row['peak_rss_mib']:6.1f} MiB, "
                       f"+{row['above_help_mib']:.1f} MiB = {row['kib_per_session']:.1f} "
                       "KiB per session")
        for low, high in zip(report["memory"], report["memory"][1:], strict=False):
            added = high["sessions"] - low["sessions"]
            grown = high["peak_rss_mib"] - low["peak_rss_mib"]
            out.append(f"  {low['sessions']:,} -> {high['sessions']:,} sessions: "
                       f"+{grown:.1f} MiB = {grown * 1024 / added:.1f} KiB per added session")
    return "\n".join(out)


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, help="timed runs per command (default 15)")
    parser.add_argument("--heavy-runs", type=int,
                        help="timed runs of the slow commands (default: runs / 3, at least 3)")
    parser.add_argument("--warmup", type=int, help="untimed rounds first (default 2)")
    parser.add_argument("--sizes", help="session counts of the generated events "
                                        "(default 1000,10000)")
    parser.add_argument("--ledger-size", type=int, help="invitations in the ledger "
                                                        "(default 10000; the ledger's "
                                                        "targets are for 100000)")
    parser.add_argument("--import-rows", type=int, help="rows of the CSV guest list imported "
                                                        "(default 10000)")
    parser.add_argument("--only", metavar="PREFIXES",
                        help="run only the cases whose key starts with one of these "
                             "(comma-separated, e.g. invites,pg-); the floor always runs")
    parser.add_argument("--postgres", metavar="URL",
                        help="also run the ledger's commands on this PostgreSQL server (a "
                             "database the harness may create databases from, such as "
                             "postgresql://postgres@localhost/postgres; needs psycopg)")
    parser.add_argument("--wic", metavar="COMMAND",
                        help="how to run wic, e.g. 'python -m wiccli' with PYTHONPATH set to "
                             "another checkout's src (default: the wic beside this Python)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes and few runs: checks that everything runs (CI)")
    args = parser.parse_args(argv)
    smoke = args.smoke
    args.runs = args.runs or (2 if smoke else 15)
    args.warmup = args.warmup if args.warmup is not None else (1 if smoke else 2)
    args.heavy_runs = args.heavy_runs or (1 if smoke else max(3, args.runs // 3))
    sizes = args.sizes or ("20,200" if smoke else "1000,10000")
    try:
        args.sizes = sorted({int(s) for s in sizes.split(",") if s.strip()})
    except ValueError:
        parser.error(f"--sizes: expected numbers separated by commas, got {sizes!r}")
    if not args.sizes or min(args.sizes) < 1 or args.runs < 1 or args.heavy_runs < 1:
        parser.error("--sizes, --runs and --heavy-runs must be at least 1")
    args.ledger_size = args.ledger_size or (200 if smoke else 10000)
    args.import_rows = args.import_rows or (50 if smoke else 10000)
    args.publish_size = 100 if smoke else 1000
    return args


def own_rss_mib() -> float:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return float(peak / (1024 * 1024 if sys.platform == "darwin" else 1024))


def child_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIC_")}
    env.update(XDG_CACHE_HOME=str(folder / "cache"), XDG_DATA_HOME=str(folder / "data"),
               XDG_CONFIG_HOME=str(folder / "config"), NO_COLOR="1")
    env.pop("COLUMNS", None)  # piped tables are 80 columns wide
    # Compiled bytecode is cached, as after any install, but in the temporary folder.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # Buffered stdout, as a user's shell gives it (unbuffered, every record is a system call).
    env.pop("PYTHONUNBUFFERED", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    return env


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    wic = shlex.split(args.wic) if args.wic else wic_command()

    def progress(text: str) -> None:
        print(f"\r{text}   ", end="", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="wic-bench-") as tmp:
        folder = Path(tmp)
        work = folder / "cwd"  # an empty folder: no ./wic.toml
        work.mkdir()
        progress("generating inputs")
        inputs = make_inputs(folder, args.sizes, args.ledger_size, args.publish_size,
                             args.import_rows)
        inputs.postgres = args.postgres or ""
        mail = make_mail_inputs(folder, wic, child_env(folder), args.smoke)
        cases = make_cases(wic, inputs, args.heavy_runs) + mail_cases(wic, mail,
                                                                      args.heavy_runs)
        if args.only:
            keep = ("floor", *(p.strip() for p in args.only.split(",") if p.strip()))
            cases = [c for c in cases if c.key.startswith(keep)]
        measure(cases, args.runs, args.warmup, child_env(folder), work, wic, progress)
    print(file=sys.stderr)
    results = [summary(c) for c in cases]
    by_key = {r["key"]: r for r in results}
    report = {
        "runs": args.runs, "heavy_runs": args.heavy_runs, "warmup": args.warmup,
        "sizes": args.sizes, "ledger_size": args.ledger_size, "wic": wic,
        "python": sys.version.split()[0], "cpus": os.cpu_count(), "results": results,
        "ratios": ratios(by_key, args.ledger_size, args.publish_size, mail, args.import_rows),
        "memory": memory_growth(by_key, args.sizes),
        "harness_rss_mib": own_rss_mib(),
    }
    print(json.dumps(report, indent=2) if args.json else text_report(report))
    for case in cases:
        if case.status == "failed":
            print(f"failed: {case.label}: {case.error}", file=sys.stderr)
    return 1 if any(c.crashed for c in cases) else 0


if __name__ == "__main__":
    sys.exit(main())
