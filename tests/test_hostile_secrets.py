"""No password is ever printed: not the one in a ledger's URL or connection string, in any
of the forms libpq reads, not in an error of the driver that quotes it back.

Against the real PostgreSQL of the tests (tests/postgres_server.py), as a role that must
give its password, so that a wrong one is refused by the server itself.
"""

from __future__ import annotations

import socket
from urllib.parse import quote

import pytest

from conftest import Runner
from hostile import refused
from wiccli.errors import redact

WRONG = "Wr0ng-s3cret"


@pytest.fixture
def server(postgres: object) -> tuple[str, int, str]:
    """(host, port, database) of a fresh database; skipped on a server not started here."""
    import postgres_server

    url = postgres_server.create_database(postgres, "wic_secrets")  # type: ignore[arg-type]
    if postgres_server.password_url(postgres, "wic_secrets", "x") is None:  # type: ignore[arg-type]
        pytest.skip("the server's authentication rules are not the tests' own")
    host, port = url.split("@", 1)[1].split("/", 1)[0].rsplit(":", 1)
    return host, int(port), "wic_secrets"


def locations(host: str, port: int, db: str, secret: str) -> dict[str, str]:
    """The same ledger with the password ``secret`` written in each form libpq reads."""
    user = "wic_password"
    base = f"postgresql://{user}@{host}:{port}/{db}"
    encoded = "".join(f"%{b:02X}" for b in secret.encode())
    quoted = secret.replace("\\", "\\\\").replace("'", "\\'")
    return {
        "user:pass@": f"postgresql://{user}:{quote(secret, safe='')}@{host}:{port}/{db}",
        "postgres://": f"postgres://{user}:{quote(secret, safe='')}@{host}:{port}/{db}",
        "?password=": f"{base}?password={quote(secret, safe='')}",
        "&password=": f"{base}?sslmode=disable&password={quote(secret, safe='')}",
        "percent-encoded": f"{base}?pass%77ord={encoded}",
        "key=value": f"host={host} port={port} dbname={db} user={user} password={secret}",
        "quoted key=value": f"host={host} port={port} dbname={db} user={user} "
                            f"password = '{quoted}'",
    }


FORMS = sorted(locations("h", 1, "d", "s"))


def assert_hidden(text: str, secret: str) -> None:
    encoded = "".join(f"%{b:02X}" for b in secret.encode())
    for form in {secret, quote(secret, safe=""), encoded, encoded.lower()}:
        assert form not in text, (form, text)


@pytest.mark.parametrize("form", FORMS)
def test_a_wrong_password_is_not_printed(run: Runner, server: tuple[str, int, str],
                                         form: str) -> None:
    for secret in (WRONG, "it's a \\ 'secret' @/?&#%"):
        if form == "key=value" and " " in secret:
            continue  # a value with spaces must be quoted there: the quoted form has it
        where = locations(*server, secret)[form]
        error = refused(run("invites", "--ledger", where, "status"), 1)
        assert "password authentication failed" in error, error
        assert len(error.splitlines()) == 1
        assert_hidden(error, secret)


@pytest.mark.parametrize("form", ["?password=", "key=value", "percent-encoded"])
def test_the_right_password_is_not_printed(run: Runner, server: tuple[str, int, str],
                                           form: str) -> None:
    import postgres_server

    where = locations(*server, postgres_server.PASSWORD)[form]
    result = run("invites", "--ledger", where, "status")
    assert result.code == 0, result.stderr
    assert "no invitations yet in " in result.stderr
    added = run("invites", "--ledger", where, "add", "Sample Delegate", "-c", "experts",
                "--country", "DE")
    assert added.code == 0, added.stderr
    for text in (result.stderr, added.stderr, added.stdout):
        assert_hidden(text, postgres_server.PASSWORD)


@pytest.mark.parametrize(("where", "secret"), [
    ("postgresql://alice:topsecret@[::1/guests", "topsecret"),  # the driver quotes the URL
    ("host=127.0.0.1 password=pass sekrit", "sekrit"),  # missing "=" after "sekrit"
    ("host=127.0.0.1 password='unterminated secret", "unterminated secret"),
    ("postgresql://alice@127.0.0.1:notaport/g?password=topsecret", "topsecret"),
])
def test_a_driver_error_quoting_the_location_is_cleaned(run: Runner, where: str,
                                                        secret: str) -> None:
    pytest.importorskip("psycopg")
    error = refused(run("invites", "--ledger", where, "status"), 1)
    assert "cannot connect" in error
    assert_hidden(error, secret)


def test_a_mailbox_url_with_a_password_is_not_printed(run: Runner) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run("invites", "--ledger", "l.db", "replies",
                 f"imap://me:hunter22@127.0.0.1:{port}/INBOX", environ={"WIC_IMAP_PASSWORD": "x"})
    assert result.code != 0
    assert "hunter22" not in result.stderr + result.stdout


@pytest.mark.parametrize(("text", "shown"), [
    ("postgresql://u:pw@h/d", "postgresql://u@h/d"),
    ("postgresql://:pw@h/d", "postgresql://h/d"),
    ("postgresql://u:p@ss@h/d", "postgresql://u@h/d"),
    ("postgresql://h/d?password=pw&x=1", "postgresql://h/d?password=***&x=1"),
    ("postgresql://h/d?sslpassword=pw", "postgresql://h/d?sslpassword=***"),
    ("postgresql://h/d?pass%77ord=pw", "postgresql://h/d?pass%77ord=***"),
    ("host=h password=pw user=u", "host=h password=*** user=u"),
    ("host=h password = 'p w\\'x' user=u", "host=h password = *** user=u"),
    ("host=h PASSWORD=pw", "host=h PASSWORD=***"),
    ("postgresql://u@h/d", "postgresql://u@h/d"),
    ("wic.toml:3: a title with password in it", "wic.toml:3: a title with password in it"),
])
def test_redact(text: str, shown: str) -> None:
    assert redact(text) == shown
