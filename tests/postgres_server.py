"""A throwaway PostgreSQL server for the tests, or the one named by $TEST_POSTGRES_URL.

Without $TEST_POSTGRES_URL, the tests start their own cluster from the installed
PostgreSQL programs (Debian's ``postgresql`` package: ``initdb`` and ``pg_ctl`` under
/usr/lib/postgresql/<version>/bin): in a temporary folder, on a free port, with trust
authentication on 127.0.0.1 only, stopped again when the tests end. PostgreSQL refuses
to run as root, so as root the cluster runs as the ``postgres`` user (or ``nobody``).
When none of that is possible, :func:`start` returns the reason, and the PostgreSQL
tests are skipped with it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER = "wic"
# A role that must give its password (scram-sha-256), for the tests of wrong passwords;
# every other role is trusted. The tests create the role (see password_url).
PASSWORD_USER, PASSWORD = "wic_password", "the-right-one"


@dataclass
class Server:
    url: str  # to the maintenance database; tests create their own databases
    folder: Path | None = None  # the cluster wic started (None: an outside server)
    run_as: list[str] | None = None
    bindir: Path | None = None

    def url_of(self, database: str) -> str:
        return self.url.rsplit("/", 1)[0] + "/" + database

    def stop(self) -> None:
        if self.folder is None or self.bindir is None:
            return
        subprocess.run([*(self.run_as or []), str(self.bindir / "pg_ctl"), "-D",
                        str(self.folder / "data"), "-m", "immediate", "stop"],
                       capture_output=True, check=False, timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


def _bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                      key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0)
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_as() -> tuple[list[str], int, int] | str:
    """The command prefix that runs a program as an unprivileged user, and its ids."""
    if os.geteuid() != 0:
        return [], os.getuid(), os.getgid()
    runuser = shutil.which("runuser") or shutil.which("setpriv")
    if runuser is None:
        return "running as root, and neither runuser nor setpriv is installed"
    for name in ("postgres", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        if runuser.endswith("runuser"):
            return [runuser, "-u", name, "--"], user.pw_uid, user.pw_gid
        return ([runuser, f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"],
                user.pw_uid, user.pw_gid)
    return "running as root, and there is no postgres or nobody user to run PostgreSQL as"


def start() -> Server | str:
    """A running server, or why there can be none here."""
    outside = os.environ.get("TEST_POSTGRES_URL")
    if outside:
        return Server(outside)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install '.[test]')"
    bindir = _bindir()
    if bindir is None or not (bindir / "initdb").exists():
        return ("no PostgreSQL server programs (initdb, pg_ctl); install Debian's postgresql "
                "package or set TEST_POSTGRES_URL")
    who = _run_as()
    if isinstance(who, str):
        return who
    prefix, uid, gid = who
    folder = Path(tempfile.mkdtemp(prefix="wic-pg-"))
    os.chown(folder, uid, gid)
    port = _free_port()
    steps = [
        [str(bindir / "initdb"), "-D", str(folder / "data"), "-U", USER, "--auth=trust",
         "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"],
        [str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-l", str(folder / "log"), "-w",
         "-t", "60", "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
         "-c max_connections=200", "start"],
    ]
    for step in steps:
        done = subprocess.run([*prefix, *step], capture_output=True, text=True, check=False,
                              timeout=120, cwd=folder)
        if done.returncode != 0:
            log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
            shutil.rmtree(folder, ignore_errors=True)
            tail = (done.stderr or done.stdout or log).strip().splitlines()[-3:]
            return f"could not start PostgreSQL ({Path(step[0]).name}): {' / '.join(tail)}"
        if step[0].endswith("initdb"):
            _ask_password(folder / "data" / "pg_hba.conf")
    return Server(f"postgresql://{USER}@127.0.0.1:{port}/postgres", folder, prefix, bindir)


def _ask_password(hba: Path) -> None:
    rule = f"host all {PASSWORD_USER} 127.0.0.1/32 scram-sha-256\n"
    hba.write_text(rule + hba.read_text(encoding="utf-8"), encoding="utf-8")


def password_url(server: Server, database: str, password: str) -> str | None:
    """The URL of ``database`` as the role that must give its password, with ``password``
    in it; None for a server these tests did not start (its rules are unknown)."""
    import psycopg

    if server.folder is None:
        return None
    with psycopg.connect(server.url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                            (PASSWORD_USER,)).fetchone():
            conn.execute(f"CREATE ROLE {PASSWORD_USER} LOGIN PASSWORD '{PASSWORD}'")  # type: ignore[arg-type]
        conn.execute(f'ALTER DATABASE "{database}" OWNER TO {PASSWORD_USER}')  # type: ignore[arg-type]
    host = server.url.split("@", 1)[1].rsplit("/", 1)[0]
    return f"postgresql://{PASSWORD_USER}:{password}@{host}/{database}"


def create_database(server: Server, name: str) -> str:
    """A new, empty database on ``server``; its URL."""
    import psycopg

    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')  # type: ignore[arg-type]
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    return server.url_of(name)
